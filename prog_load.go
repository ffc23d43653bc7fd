package ebpf

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// NewProgram loads spec into the kernel with default options, see
// NewProgramWithOptions.
func NewProgram(spec *ProgramSpec) (*Program, error) {
	return NewProgramWithOptions(spec, ProgramOptions{})
}

// NewProgramWithOptions verifies and loads spec into the kernel. The spec is
// not modified.
//
// Its map loads must already be associated with maps (see
// asm.Instructions.AssociateMap); loading a program out of a
// CollectionSpec does that. Calls of kernel functions (kfuncs) are resolved
// against the running kernel's BTF, and the targets of fentry, fexit,
// fmod_ret, LSM, tp_btf and iterator programs are looked up there too.
//
// The verifier log is governed by opts (see ProgramOptions and
// Program.VerifierLog). When the caller leaves LogSize zero, the log buffer
// grows until the whole log fits, so a *VerifierError always carries the
// complete log; an explicit LogSize caps the buffer, and a log cut short is
// then marked Truncated.
//
// It returns an unwrapped *VerifierError if the verifier rejects the program
// (errors.Is still finds the kernel's errno, EACCES or EINVAL); an error
// wrapping asm.ErrUnsatisfiedMapReference or
// asm.ErrUnsatisfiedProgramReference for a map or function that was never
// provided; one wrapping ErrNotSupported if the kernel lacks what the
// program needs; and other errors naming the phase that failed.
func NewProgramWithOptions(spec *ProgramSpec, opts ProgramOptions) (*Program, error) {
	if spec == nil {
		return nil, errors.New("can't load a program from a nil spec")
	}

	prog, err := newProgramWithOptions(spec, opts)
	if errors.Is(err, asm.ErrUnsatisfiedMapReference) {
		return nil, fmt.Errorf("cannot load program without loading its whole collection: %w", err)
	}
	return prog, err
}

// newProgramWithOptions is the load pipeline of LOADER.md §5. Each phase is
// a function named after it; everything created on the way is released
// before returning, except the program itself.
func newProgramWithOptions(spec *ProgramSpec, opts ProgramOptions) (*Program, error) {
	if err := validateProgramSpec(spec, &opts); err != nil {
		return nil, err
	}

	attr, err := programAttributes(spec)
	if err != nil {
		return nil, err
	}

	// Later phases rewrite instructions; the spec stays as it is.
	insns := make(asm.Instructions, len(spec.Instructions))
	copy(insns, spec.Instructions)

	kmodName, err := spec.KernelModule()
	if err != nil {
		return nil, fmt.Errorf("kernel module search: %w", err)
	}

	// The program's BTF: local types of CO-RE relocations, then func and
	// line info.
	b := new(btf.Builder)
	if err := applyRelocations(insns, &opts, kmodName, b); err != nil {
		return nil, fmt.Errorf("apply CO-RE relocations: %w", err)
	}

	progBTF, err := newProgramBTF(insns, b)
	if err != nil {
		return nil, err
	}
	defer progBTF.close()
	progBTF.attach(attr)

	// The program keeps the .kconfig map alive once loaded.
	kconfig, err := resolveKconfigReferences(insns)
	if err != nil {
		return nil, fmt.Errorf("resolve .kconfig: %w", err)
	}
	defer kconfig.Close()

	if err := fixupAndValidate(insns); err != nil {
		return nil, err
	}

	// Kernel BTF is loaded on first use, by kfuncs or the attach target.
	kt := &kernelTypes{}
	defer kt.close()

	kfuncs, err := fixupKfuncs(insns, kt)
	if err != nil {
		return nil, fmt.Errorf("fixing up kfuncs: %w", err)
	}
	kfuncs.attach(attr)

	buf := bytes.NewBuffer(make([]byte, 0, insns.Size()))
	if err := insns.Marshal(buf, internal.NativeEndian); err != nil {
		return nil, err
	}
	raw := buf.Bytes()
	attr.Insns = sys.NewSlicePointer(raw)
	attr.InsnCnt = uint32(len(raw) / asm.InstructionSize)

	if err := resolveAttachTarget(spec, attr, kt); err != nil {
		return nil, err
	}

	fd, log, err := load(attr, &opts, spec, insns)
	if err != nil && progBTF.hasExtInfos() && rejectsExtInfos(err) {
		// Func and line info that don't fit the program only cost the
		// debugging aid: load without them.
		progBTF.dropExtInfos()
		progBTF.attach(attr)
		fd, log, err = load(attr, &opts, spec, insns)
	}
	// The kernel read the fds of maps, the attach target and BTF objects
	// out of the attributes: none of them may be finalized before now.
	runtime.KeepAlive(insns)
	runtime.KeepAlive(spec.AttachTarget)
	runtime.KeepAlive(kfuncs)
	if err != nil {
		return nil, err
	}

	return &Program{VerifierLog: log, fd: fd, name: spec.Name, typ: spec.Type}, nil
}

// validateProgramSpec rejects specs and options that can't be loaded at all.
func validateProgramSpec(spec *ProgramSpec, opts *ProgramOptions) error {
	if len(spec.Instructions) == 0 {
		return errors.New("instructions cannot be empty")
	}
	if spec.Type == UnspecifiedProgram {
		return errors.New("can't load program of unspecified type")
	}
	if spec.ByteOrder != nil && spec.ByteOrder != internal.NativeEndian {
		return fmt.Errorf("can't load %s program on %s", spec.ByteOrder, internal.NativeEndian)
	}
	if opts.LogSize < 0 {
		return errors.New("ProgramOptions.LogSize must be a positive value; disable verifier logs using ProgramOptions.LogDisabled")
	}
	return nil
}

// programAttributes fills the attributes of BPF_PROG_LOAD that come straight
// from the spec.
func programAttributes(spec *ProgramSpec) (*sys.ProgLoadAttr, error) {
	kv := spec.KernelVersion
	if spec.Type == Kprobe && (kv == 0 || kv == internal.MagicKernelVersion) {
		// Kernels before 5.0 refuse kprobes built for another version.
		v, err := internal.KernelVersion()
		if err != nil {
			return nil, fmt.Errorf("detecting kernel version: %w", err)
		}
		kv = v.Kernel()
	}

	attr := &sys.ProgLoadAttr{
		ProgType:           sys.ProgType(spec.Type),
		ProgFlags:          spec.Flags,
		ExpectedAttachType: sys.AttachType(spec.AttachType),
		License:            sys.NewStringPointer(spec.License),
		KernVersion:        kv,
	}
	if haveObjName() == nil {
		// NewObjName keeps the first 15 bytes, the kernel's limit.
		attr.ProgName = sys.NewObjName(spec.Name)
	}
	return attr, nil
}
