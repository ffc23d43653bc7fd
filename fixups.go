package ebpf

import (
	"debug/elf"
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/sys"
)

// fixupAndValidate checks that every map load was resolved, and rewrites
// calls of helpers the running kernel lacks into older equivalents
// (LOADER.md §5.10).
//
// It returns an error wrapping asm.ErrUnsatisfiedMapReference naming the
// instruction and the map of the first unresolved map load.
func fixupAndValidate(insns asm.Instructions) error {
	for i := range insns {
		ins := &insns[i]

		if ins.IsLoadFromMap() && ins.Map() == nil {
			if ref := ins.Reference(); ref != "" {
				return fmt.Errorf("instruction %d: map %s: %w", i, ref, asm.ErrUnsatisfiedMapReference)
			}
			if ins.Metadata.Get(kconfigMetaKey{}) != nil {
				return fmt.Errorf("instruction %d: map .kconfig: %w", i, asm.ErrUnsatisfiedMapReference)
			}
		}

		if err := fixupProbeRead(ins); err != nil {
			return fmt.Errorf("instruction %d: %w", i, err)
		}
	}
	return nil
}

// fixupProbeRead replaces calls of bpf_probe_read_{kernel,user}[_str] by
// bpf_probe_read[_str] on kernels before 5.5, which only have the latter.
func fixupProbeRead(ins *asm.Instruction) error {
	if !ins.IsBuiltinCall() {
		return nil
	}

	switch asm.BuiltinFunc(ins.Constant) {
	case asm.FnProbeReadKernel, asm.FnProbeReadUser,
		asm.FnProbeReadKernelStr, asm.FnProbeReadUserStr:
	default:
		return nil
	}

	if err := haveProbeReadKernel(); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotSupported) {
		return err
	}

	switch asm.BuiltinFunc(ins.Constant) {
	case asm.FnProbeReadKernel, asm.FnProbeReadUser:
		ins.Constant = int64(asm.FnProbeRead)
	default:
		ins.Constant = int64(asm.FnProbeReadStr)
	}
	return nil
}

// kfuncModules are the kernel module BTF objects a program's kfunc calls
// refer to, in the order of the program's fd_array.
type kfuncModules struct {
	handles []*btf.Handle
	// fdArray is the program's fd_array. Slot 0 stands for vmlinux and is
	// never read by the kernel; kfunc calls name the other slots in their
	// Offset.
	fdArray []int32
}

// index returns the fd_array slot of module, adding it if needed. A nil
// module is vmlinux, slot 0.
func (km *kfuncModules) index(module *btf.Handle) (int16, error) {
	if module == nil {
		return 0, nil
	}
	for i, h := range km.handles {
		if h == module {
			return int16(i + 1), nil
		}
	}
	if len(km.handles) == math.MaxInt16 {
		return 0, fmt.Errorf("can't refer to more than %d kernel modules", math.MaxInt16)
	}
	if len(km.fdArray) == 0 {
		km.fdArray = append(km.fdArray, 0)
	}
	km.handles = append(km.handles, module)
	km.fdArray = append(km.fdArray, int32(module.FD()))
	return int16(len(km.handles)), nil
}

// attach passes the fd_array to the kernel, if kfuncs need one.
func (km *kfuncModules) attach(attr *sys.ProgLoadAttr) {
	if len(km.fdArray) == 0 {
		return
	}
	attr.FdArray = sys.NewPointer(unsafe.Pointer(&km.fdArray[0]))
}

// incompatibleKfuncError is returned when a kfunc's declaration in the
// program doesn't match the kernel's.
type incompatibleKfuncError struct {
	name string
	err  error
}

func (ike *incompatibleKfuncError) Error() string {
	return fmt.Sprintf("kfunc %q: %s", ike.name, ike.err)
}

func (ike *incompatibleKfuncError) Unwrap() error {
	return ike.err
}

// fixupKfuncs resolves the calls and address loads of kernel functions
// (LOADER.md §4.3): each gets the function's BTF ID in vmlinux or a loaded
// module as Constant, and a call the module's fd_array slot as Offset.
// A __weak kfunc the kernel lacks is poisoned: its calls become calls of
// kfuncPoisonConstant, which the verifier rejects unless they are dead code,
// and its address loads load 0. The module handles stay with kt.
//
// It returns an error wrapping ErrNotSupported for a missing kfunc that is
// not weak, and an *incompatibleKfuncError if the program's declaration
// doesn't match the kernel's.
func fixupKfuncs(insns asm.Instructions, kt *kernelTypes) (*kfuncModules, error) {
	km := &kfuncModules{}
	for i := range insns {
		ins := &insns[i]
		meta := ins.Metadata.Get(kfuncMetaKey{})
		if meta == nil {
			continue
		}
		kfm, ok := meta.(*kfuncMeta)
		if !ok || kfm == nil || kfm.Func == nil {
			return nil, fmt.Errorf("instruction %d: kfunc metadata %T without a function", i, meta)
		}
		if err := fixupKfunc(ins, kfm, kt, km); err != nil {
			return nil, fmt.Errorf("instruction %d: %w", i, err)
		}
	}
	return km, nil
}

// fixupKfunc resolves one instruction, see fixupKfuncs.
func fixupKfunc(ins *asm.Instruction, kfm *kfuncMeta, kt *kernelTypes, km *kfuncModules) error {
	name := kfm.Func.Name
	target := btf.Type((*btf.Func)(nil))
	module, id, err := kt.find(name, &target)

	if errors.Is(err, btf.ErrNotFound) {
		if kfm.Binding != elf.STB_WEAK {
			return fmt.Errorf("kfunc %q: %w", name, ErrNotSupported)
		}
		switch {
		case ins.IsKfuncCall():
			// Src 0 makes it an unknown helper, so the verifier doesn't
			// object to the target before dead code elimination.
			ins.Constant = kfuncPoisonConstant
			ins.Src = asm.R0
		case ins.OpCode.IsDWordLoad():
			ins.Constant = 0
			ins.Src = asm.R0
		default:
			return fmt.Errorf("kfunc %q: only calls and 64-bit loads may refer to a kfunc", name)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("kfunc %q: %w", name, err)
	}

	if err := btf.CheckTypeCompatibility(kfm.Func.Type, target.(*btf.Func).Type); err != nil {
		return &incompatibleKfuncError{name, err}
	}

	idx, err := km.index(module)
	if err != nil {
		return fmt.Errorf("kfunc %q: %w", name, err)
	}

	ins.Constant = int64(id)
	if ins.IsKfuncCall() {
		ins.Offset = idx
	}
	return nil
}
