package ebpf

import (
	"errors"
	"fmt"
	"io"
	"unsafe"

	"github.com/bpfcore/ebpf/asm"
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

		if ins.IsLoadFromMap() && ins.Reference() != "" && ins.Map() == nil {
			return fmt.Errorf("instruction %d: map %s: %w", i, ins.Reference(), asm.ErrUnsatisfiedMapReference)
		}
		// TODO: instructions with kconfig metadata and no map are
		// unresolved too, once the ELF reader defines that metadata.

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

// kernelObjects are the kernel BTF objects (module BTF) that a program's
// kfunc calls refer to through its fd_array, held open for the load.
type kernelObjects struct {
	closers []io.Closer
	// fdArray is the program's fd_array. Slot 0 stands for vmlinux and is
	// never read by the kernel; kfunc calls name the other slots in their
	// Offset.
	fdArray []int32
}

// attach passes the fd_array to the kernel, if kfuncs need one.
func (ko *kernelObjects) attach(attr *sys.ProgLoadAttr) {
	if ko == nil || len(ko.fdArray) == 0 {
		return
	}
	attr.FdArray = sys.NewPointer(unsafe.Pointer(&ko.fdArray[0]))
}

// close releases the objects; safe on nil.
func (ko *kernelObjects) close() {
	if ko == nil {
		return
	}
	for _, c := range ko.closers {
		_ = c.Close()
	}
	ko.closers = nil
}

// fixupKfuncs resolves calls of kernel functions against the kernel's BTF
// (LOADER.md §4.3) and returns the module BTF the program refers to.
//
// TODO: resolve instructions carrying kfunc metadata once the ELF reader
// attaches it and package btf can open module BTF handles. Until then
// kfunc calls are passed to the kernel as they are.
func fixupKfuncs(insns asm.Instructions) (*kernelObjects, error) {
	return nil, nil
}
