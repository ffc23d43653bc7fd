package ebpf

import (
	"encoding/binary"

	"github.com/bpfcore/ebpf/btf"
)

// CollectionSpec describes the maps and programs of an object file, ready to
// be changed and loaded.
type CollectionSpec struct {
	Maps     map[string]*MapSpec
	Programs map[string]*ProgramSpec
	// Types is the object's BTF, if it has any.
	Types *btf.Spec
	// ByteOrder is the byte order of the object file.
	ByteOrder binary.ByteOrder
}

// Copy returns a copy of the spec whose maps and programs can be changed
// without changing the original. Types and ByteOrder are shared. Copy of nil
// is nil.
func (cs *CollectionSpec) Copy() *CollectionSpec {
	if cs == nil {
		return nil
	}
	cpy := CollectionSpec{
		Maps:      make(map[string]*MapSpec, len(cs.Maps)),
		Programs:  make(map[string]*ProgramSpec, len(cs.Programs)),
		Types:     cs.Types,
		ByteOrder: cs.ByteOrder,
	}
	for name, spec := range cs.Maps {
		cpy.Maps[name] = spec.Copy()
	}
	for name, spec := range cs.Programs {
		cpy.Programs[name] = spec.Copy()
	}
	return &cpy
}
