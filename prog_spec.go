package ebpf

import (
	"encoding/binary"

	"github.com/bpfcore/ebpf/asm"
)

// ProgramID is the kernel's unique identifier of a program.
type ProgramID uint32

// ProgramSpec describes a program to load.
type ProgramSpec struct {
	// Name is the name of the program, truncated to 15 bytes when it is
	// passed to the kernel.
	Name string
	// Type is the program type; UnspecifiedProgram cannot be loaded.
	Type ProgramType
	// AttachType is the expected attach type passed at load time.
	AttachType AttachType
	// AttachTo is the name of the kernel symbol, hook or function the program
	// attaches to, for program types that are verified against one.
	AttachTo string
	// AttachTarget is the program an Extension or a tracing program attaches to.
	AttachTarget *Program
	// SectionName is the ELF section the program came from.
	SectionName string
	// Instructions are the program's code, with symbolic references to maps
	// and functions still to resolve.
	Instructions asm.Instructions
	// Flags are the prog_flags of BPF_PROG_LOAD.
	Flags uint32
	// License is the program's license; GPL-only helpers need a compatible one.
	License string
	// KernelVersion is the kernel version the program was built for; only
	// kprobes on old kernels need it.
	KernelVersion uint32
	// ByteOrder is the byte order the program was compiled for; nil means the
	// host's.
	ByteOrder binary.ByteOrder
}

// Copy returns a copy of the spec whose instructions can be changed without
// changing the original. AttachTarget is shared. Copy of nil is nil.
func (ps *ProgramSpec) Copy() *ProgramSpec {
	if ps == nil {
		return nil
	}
	cpy := *ps
	cpy.Instructions = make(asm.Instructions, len(ps.Instructions))
	copy(cpy.Instructions, ps.Instructions)
	return &cpy
}
