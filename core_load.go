package ebpf

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/btfinternal"
)

// This file holds the CO-RE phase of loading a program (LOADER.md §5.6):
// resolving the relocations clang recorded against the kernel's types and
// patching the instructions, and explaining a verifier error caused by a
// relocation that could not be resolved.

// relocateCORE applies the CO-RE relocations attached to insns. Programs
// without relocations need no kernel BTF and are left alone.
//
// The targets are opts.KernelTypes and opts.KernelModuleTypes[kmodName];
// if neither is given, the running kernel's BTF and that of module kmodName
// (if it has any), shared read-only by all loads. The first target stands
// for vmlinux: target type IDs refer to it. Local type IDs are allocated in
// b, which becomes the program's BTF.
//
// Unsatisfiable relocations poison their instruction (see
// btf.COREFixup.Apply), which only fails the load if the verifier finds the
// instruction reachable. It returns an error if the kernel's BTF can't be
// loaded, a relocation is ambiguous or malformed, or an instruction doesn't
// hold the value its relocation expects.
func relocateCORE(insns asm.Instructions, opts *ProgramOptions, kmodName string, b *btf.Builder) error {
	var (
		relos   []*btf.CORERelocation
		indices []int
	)
	for i := range insns {
		if relo := btf.CORERelocationMetadata(&insns[i]); relo != nil {
			relos = append(relos, relo)
			indices = append(indices, i)
		}
	}
	if len(relos) == 0 {
		return nil
	}

	targets, err := coreTargets(opts, kmodName)
	if err != nil {
		return err
	}

	fixups, err := btf.CORERelocate(relos, targets, internal.NativeEndian, b.Add)
	if err != nil {
		return err
	}

	for i := range fixups {
		if err := fixups[i].Apply(&insns[indices[i]]); err != nil {
			return fmt.Errorf("instruction %d: %w", indices[i], err)
		}
	}
	return nil
}

// coreTargets returns the specs CO-RE relocations are resolved against,
// vmlinux first.
func coreTargets(opts *ProgramOptions, kmodName string) ([]*btf.Spec, error) {
	var targets []*btf.Spec
	if opts.KernelTypes != nil {
		targets = append(targets, opts.KernelTypes)
	}
	if kmodName != "" {
		if spec := opts.KernelModuleTypes[kmodName]; spec != nil {
			targets = append(targets, spec)
		}
	}
	if len(targets) > 0 {
		return targets, nil
	}

	kernel, err := sharedKernelSpec()
	if err != nil {
		return nil, fmt.Errorf("load kernel spec: %w", err)
	}
	targets = append(targets, kernel)

	if kmodName != "" {
		module, err := sharedKernelModuleSpec(kmodName)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// The module has no BTF: vmlinux has to do.
		case err != nil:
			return nil, fmt.Errorf("load BTF of kernel module %s: %w", kmodName, err)
		default:
			targets = append(targets, module)
		}
	}
	return targets, nil
}

// sharedKernelSpec returns the running kernel's BTF, decoded once for the
// whole process (see internal/btfinternal) instead of once per program as a
// copy from btf.LoadKernelSpec would be. The loader only reads its types;
// nothing may modify them.
func sharedKernelSpec() (*btf.Spec, error) {
	spec, err := btfinternal.KernelSpec()
	if err != nil {
		return nil, err
	}
	return spec.(*btf.Spec), nil
}

// sharedKernelModuleSpec is sharedKernelSpec for the BTF of a kernel
// module. It returns an error wrapping fs.ErrNotExist if the module has no
// BTF.
func sharedKernelModuleSpec(name string) (*btf.Spec, error) {
	spec, err := btfinternal.KernelModuleSpec(name)
	if err != nil {
		return nil, err
	}
	return spec.(*btf.Spec), nil
}

// Poisoned instructions as the verifier prints them at log level 1 and up:
// the raw instruction offset, the opcode and the disassembly.
var (
	corePoisonedCall = []byte(fmt.Sprintf(": (85) call unknown#%d\n", btf.COREBadRelocationSentinel))
	corePoisonedLoad = []byte(fmt.Sprintf(": (18) r10 = 0x%x\n", btf.COREBadRelocationSentinel))
)

// badRelocationError returns errBadRelocation, the cause of a load that the
// verifier refused because it reached an instruction poisoned by CO-RE,
// naming the instruction and its relocation if the log says which one it
// was. Without such a line in the log, or without relocation metadata on
// the instruction, it returns errBadRelocation as is.
func badRelocationError(insns asm.Instructions, log []byte) error {
	offset, ok := lastPoisonedOffset(log)
	if !ok {
		return errBadRelocation
	}

	iter := insns.Iterate()
	for iter.Next() {
		if iter.Offset != offset {
			continue
		}
		if relo := btf.CORERelocationMetadata(iter.Ins); relo != nil {
			return fmt.Errorf("%w: instruction %d: %s", errBadRelocation, iter.Index, relo)
		}
		break
	}
	return fmt.Errorf("%w at instruction offset %d", errBadRelocation, offset)
}

// lastPoisonedOffset finds the last poisoned instruction the verifier
// printed and returns its raw offset.
func lastPoisonedOffset(log []byte) (asm.RawInstructionOffset, bool) {
	end := max(bytes.LastIndex(log, corePoisonedCall), bytes.LastIndex(log, corePoisonedLoad))
	if end < 0 {
		return 0, false
	}

	start := bytes.LastIndexByte(log[:end], '\n') + 1
	n, err := strconv.ParseUint(string(log[start:end]), 10, 32)
	if err != nil {
		return 0, false
	}
	return asm.RawInstructionOffset(n), true
}
