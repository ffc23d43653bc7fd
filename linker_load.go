package ebpf

import (
	"fmt"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal/sys"
)

// applyRelocations applies the CO-RE relocations of insns against the
// kernel's types, or opts.KernelTypes and opts.KernelModuleTypes[kmodName]
// (LOADER.md §5.6).
//
// TODO(CO-RE): implement with btf.CORERelocate. Until then programs whose
// instructions carry CO-RE relocations can't be loaded.
func applyRelocations(insns asm.Instructions, opts *ProgramOptions, kmodName string) error {
	return nil
}

// attachTarget is what resolveAttachTarget holds open for the load.
type attachTarget struct{}

func (at *attachTarget) close() {}

// resolveAttachTarget fills the attach BTF ID and object of attr
// (LOADER.md §5.13).
func resolveAttachTarget(spec *ProgramSpec, attr *sys.ProgLoadAttr) (*attachTarget, error) {
	if spec.AttachTarget == nil && spec.AttachTo == "" {
		return nil, nil
	}
	return nil, fmt.Errorf("attach target %s: %w", spec.AttachTo, ErrNotSupported)
}
