package ebpf

import (
	"errors"
	"fmt"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// This file holds the phases of a program load that link it against the
// kernel: CO-RE relocations and the attach target.

// applyRelocations applies the CO-RE relocations of insns (LOADER.md §5.6)
// against opts.KernelTypes and opts.KernelModuleTypes[kmodName], or the
// running kernel's BTF if neither is given. Local type IDs are allocated in
// b, which becomes the program's BTF.
//
// See relocateCORE in core_load.go.
func applyRelocations(insns asm.Instructions, opts *ProgramOptions, kmodName string, b *btf.Builder) error {
	return relocateCORE(insns, opts, kmodName, b)
}

// errUnrecognizedAttachType is returned for an AttachTarget of a program
// type and attach type combination that doesn't attach to programs.
var errUnrecognizedAttachType = errors.New("unrecognized attach type")

// attachTargetKind says how a program type and attach type find the
// kernel function or type they attach to by name.
type attachTargetKind struct {
	prefix string
	// newType returns a nil pointer of the BTF type to look for.
	newType func() btf.Type
	// feature names the target in errors, %s being AttachTo.
	feature string
}

var (
	funcTarget    = func() btf.Type { return (*btf.Func)(nil) }
	typedefTarget = func() btf.Type { return (*btf.Typedef)(nil) }
)

// attachTargetKinds are the programs verified against a kernel function or
// type given by AttachTo.
var attachTargetKinds = map[struct {
	typ    ProgramType
	attach AttachType
}]attachTargetKind{
	{LSM, AttachLSMMac}:           {"bpf_lsm_", funcTarget, "%s LSM hook"},
	{Tracing, AttachTraceIter}:    {"bpf_iter_", funcTarget, "%s iterator"},
	{Tracing, AttachTraceFEntry}:  {"", funcTarget, "fentry %s"},
	{Tracing, AttachTraceFExit}:   {"", funcTarget, "fexit %s"},
	{Tracing, AttachModifyReturn}: {"", funcTarget, "fmod_ret %s"},
	{Tracing, AttachTraceRawTp}:   {"btf_trace_", typedefTarget, "raw_tp %s"},
}

// resolveAttachTarget fills the attach BTF ID and object of attr
// (LOADER.md §5.13): from the BTF of spec.AttachTarget, or by looking
// spec.AttachTo up in the running kernel's BTF, vmlinux first and then the
// loaded modules. Other programs are left alone.
//
// It returns an *internal.UnsupportedFeatureError naming the target if the
// kernel doesn't have it, and an error wrapping btf.ErrMultipleMatches if
// the name is ambiguous.
func resolveAttachTarget(spec *ProgramSpec, attr *sys.ProgLoadAttr, kt *kernelTypes) error {
	if spec.AttachTarget != nil {
		id, err := findTargetInProgram(spec.AttachTarget, spec.AttachTo, spec.Type, spec.AttachType)
		if err != nil {
			return fmt.Errorf("attach %s/%s: %w", spec.Type, spec.AttachType, err)
		}
		attr.AttachBtfId = id
		attr.AttachBtfObjFd = uint32(spec.AttachTarget.FD())
		return nil
	}

	if spec.AttachTo == "" {
		return nil
	}
	kind, ok := attachTargetKinds[struct {
		typ    ProgramType
		attach AttachType
	}{spec.Type, spec.AttachType}]
	if !ok {
		return nil
	}

	feature := fmt.Sprintf(kind.feature, spec.AttachTo)
	target := kind.newType()
	module, id, err := kt.find(kind.prefix+spec.AttachTo, &target)
	switch {
	case errors.Is(err, btf.ErrNotFound):
		return &internal.UnsupportedFeatureError{Name: feature}
	case errors.Is(err, btf.ErrMultipleMatches):
		return fmt.Errorf("find target for %s: attaching to ambiguous kernel symbol is not supported: %w", feature, err)
	case err != nil:
		return fmt.Errorf("find target for %s: %w", feature, err)
	}

	attr.AttachBtfId = id
	if module != nil {
		attr.AttachBtfObjFd = uint32(module.FD())
	}
	return nil
}

// findTargetInProgram returns the ID of the function name in the BTF of
// prog, which an Extension replaces or a fentry/fexit program traces.
func findTargetInProgram(prog *Program, name string, progType ProgramType, attachType AttachType) (btf.TypeID, error) {
	switch {
	case progType == Extension && attachType == AttachNone:
	case progType == Tracing && (attachType == AttachTraceFEntry || attachType == AttachTraceFExit):
	default:
		return 0, errUnrecognizedAttachType
	}

	handle, err := prog.Handle()
	if err != nil {
		return 0, fmt.Errorf("load target BTF: %w", err)
	}
	defer handle.Close()

	spec, err := handle.Spec(nil)
	if err != nil {
		return 0, fmt.Errorf("load target BTF: %w", err)
	}

	var fn *btf.Func
	if err := spec.TypeByName(name, &fn); err != nil {
		return 0, fmt.Errorf("find target %s: %w", name, err)
	}
	return spec.TypeID(fn)
}

// kernelTypes looks types up by name in the running kernel's BTF: in
// vmlinux, then in the loaded modules in the order of their BTF IDs. Both
// are loaded on first use; vmlinux is the process-wide shared Spec, whose
// types must only be read. Module handles stay open until close, so that
// their fds can be passed with the program.
type kernelTypes struct {
	vmlinux *btf.Spec
	// modules are nil until a lookup missed vmlinux.
	modules []kernelModule
}

// kernelModule is the BTF of one loaded kernel module.
type kernelModule struct {
	name   string
	handle *btf.Handle
	spec   *btf.Spec
}

// find looks up name as TypeByName does with typ, and returns the ID of the
// match in its BTF blob and the module's handle, nil for vmlinux.
//
// It returns an error wrapping btf.ErrNotFound if no BTF has the type, and
// one wrapping btf.ErrMultipleMatches if one blob has several.
func (kt *kernelTypes) find(name string, typ *btf.Type) (*btf.Handle, btf.TypeID, error) {
	if kt.vmlinux == nil {
		spec, err := sharedKernelSpec()
		if err != nil {
			return nil, 0, fmt.Errorf("load kernel spec: %w", err)
		}
		kt.vmlinux = spec
	}

	id, err := findType(kt.vmlinux, name, typ)
	if !errors.Is(err, btf.ErrNotFound) {
		return nil, id, err
	}

	if err := kt.loadModules(); err != nil {
		return nil, 0, err
	}
	for _, mod := range kt.modules {
		id, err := findType(mod.spec, name, typ)
		if errors.Is(err, btf.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, 0, fmt.Errorf("module %s: %w", mod.name, err)
		}
		return mod.handle, id, nil
	}
	return nil, 0, fmt.Errorf("%s: %w", name, btf.ErrNotFound)
}

// findType looks up name in spec and returns the ID of the match.
func findType(spec *btf.Spec, name string, typ *btf.Type) (btf.TypeID, error) {
	if err := spec.TypeByName(name, typ); err != nil {
		return 0, err
	}
	return spec.TypeID(*typ)
}

// loadModules opens and parses the BTF of every loaded kernel module, once.
func (kt *kernelTypes) loadModules() error {
	if kt.modules != nil {
		return nil
	}
	kt.modules = []kernelModule{}

	var it btf.HandleIterator
	defer it.Handle.Close()
	for it.Next() {
		info, err := it.Handle.Info()
		if err != nil {
			return fmt.Errorf("info of BTF ID %d: %w", it.ID, err)
		}
		if !info.IsModule() {
			continue
		}

		spec, err := it.Handle.Spec(kt.vmlinux)
		if err != nil {
			return fmt.Errorf("parse BTF of module %s: %w", info.Name, err)
		}
		kt.modules = append(kt.modules, kernelModule{info.Name, it.Take(), spec})
	}
	if err := it.Err(); err != nil {
		return fmt.Errorf("iterate kernel BTF: %w", err)
	}
	return nil
}

// close releases the module handles; safe on nil.
func (kt *kernelTypes) close() {
	if kt == nil {
		return
	}
	for _, mod := range kt.modules {
		_ = mod.handle.Close()
	}
	kt.modules = nil
}
