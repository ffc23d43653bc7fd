package btf

import (
	"fmt"
	"math"

	"github.com/bpfcore/ebpf/asm"
)

// COREBadRelocationSentinel is the immediate of the instruction that
// replaces one whose CO-RE relocation can't be satisfied: a call of this
// helper number, or a load of it into the read-only frame pointer R10 for a
// 64-bit immediate load. The verifier rejects either, but only if it is
// reachable. It is 0xbad2310 ("bad relo"), the value libbpf uses.
const COREBadRelocationSentinel = 0xbad2310

// poisonComment starts the source comment of a poisoned instruction, which
// the verifier prints next to it.
const poisonComment = "instruction poisoned by CO-RE"

// COREFixup is the value a CO-RE relocation resolved to: the value the
// compiler put into the instruction (local) and the one it must have for the
// target (target), or poison if the relocation can't be satisfied.
type COREFixup struct {
	kind   coreKind
	local  uint64
	target uint64
	// poison is set if the target can't satisfy the relocation: Apply then
	// replaces the instruction with an invalid one.
	poison bool
	// skipLocalValidation is set where the local value is not reliable
	// (bitfields, type IDs), so Apply doesn't compare it with the
	// instruction.
	skipLocalValidation bool

	// For byte offsets of fields that loads and stores use directly: the
	// size of the field in the local and the target type, and whether the
	// access can be resized from one to the other. Zero sizes mean no
	// resizing applies.
	localSize, targetSize uint32
	resizeUnsafe          bool

	// relo is the relocation this fixup resolves, nil for fixups made by
	// hand. It names the relocation in errors and poisoned instructions.
	relo *CORERelocation
}

// String describes the fixup as "<kind>=<local>-><target>" or
// "<kind>=poison".
func (f *COREFixup) String() string {
	if f.poison {
		return f.kind.String() + "=poison"
	}
	return fmt.Sprintf("%s=%d->%d", f.kind, f.local, f.target)
}

// resultString describes the target side of the fixup.
func (f *COREFixup) resultString() string {
	if f.poison {
		return "poison"
	}
	return fmt.Sprint(f.target)
}

// isNonExistent reports whether the fixup of an existence kind found that
// the thing doesn't exist in the target.
func (f *COREFixup) isNonExistent() bool {
	return f.kind.checksForExistence() && f.target == 0
}

// sameResult reports whether two fixups of one relocation against
// different candidates patch the instruction identically.
func (f *COREFixup) sameResult(other *COREFixup) bool {
	if f.poison || other.poison {
		return f.poison == other.poison
	}
	return f.local == other.local && f.target == other.target && f.targetSize == other.targetSize
}

// Apply writes the fixup into ins, the instruction that carries the
// relocation.
//
// A poisoned fixup replaces ins with an invalid instruction of the same
// width that keeps the metadata of ins and gets a source comment naming the
// relocation. Otherwise Apply patches the offset of loads and stores, the
// immediate of ALU instructions with an immediate operand, or the constant
// of a 64-bit immediate load. It returns an error, leaving ins unchanged, if
// the instruction is of another kind, if it doesn't hold the local value
// the relocation expects, or if the target value doesn't fit.
func (f *COREFixup) Apply(ins *asm.Instruction) error {
	if f.poison {
		f.poisonInstruction(ins)
		return nil
	}

	switch class := ins.OpCode.Class(); class {
	case asm.LdXClass, asm.StClass, asm.StXClass:
		return f.applyOffset(ins)

	case asm.LdClass:
		if !ins.IsConstantLoad(asm.DWord) {
			return fmt.Errorf("%s: %v is not a 64-bit immediate load", f.describe(), ins)
		}
		if !f.skipLocalValidation && uint64(ins.Constant) != f.local {
			return fmt.Errorf("%s: invalid immediate %d, expected %d", f.describe(), ins.Constant, int64(f.local))
		}
		ins.Constant = int64(f.target)
		return nil

	case asm.ALUClass, asm.ALU64Class:
		return f.applyImmediate(ins)

	default:
		return fmt.Errorf("%s: can't relocate %v (class %s)", f.describe(), ins, class)
	}
}

// applyOffset patches the offset of a load or store and, if the field was
// resized, the width of the access.
func (f *COREFixup) applyOffset(ins *asm.Instruction) error {
	if !f.skipLocalValidation && int64(ins.Offset) != int64(f.local) {
		return fmt.Errorf("%s: invalid offset %d, expected %d", f.describe(), ins.Offset, f.local)
	}
	if f.target > math.MaxInt16 {
		return fmt.Errorf("%s: offset %d exceeds MaxInt16", f.describe(), f.target)
	}

	size := ins.OpCode.Size()
	if f.localSize != f.targetSize && f.localSize != 0 {
		if got := uint32(size.Sizeof()); got != f.localSize {
			return fmt.Errorf("%s: %v accesses %d bytes, expected %d", f.describe(), ins, got, f.localSize)
		}
		if f.resizeUnsafe {
			// A signed or non-integer field changed size: the
			// access would read a wrong value.
			f.poisonInstruction(ins)
			return nil
		}
		size = sizeOfBytes(f.targetSize)
		if size == asm.InvalidSize {
			return fmt.Errorf("%s: field of %d bytes can't be accessed by one instruction", f.describe(), f.targetSize)
		}
	}

	ins.OpCode = ins.OpCode.SetSize(size)
	ins.Offset = int16(f.target)
	return nil
}

// applyImmediate patches the 32-bit immediate of an ALU instruction, which
// the CPU sign extends for 64-bit operations.
func (f *COREFixup) applyImmediate(ins *asm.Instruction) error {
	if ins.OpCode.ALUOp() == asm.Swap {
		return fmt.Errorf("%s: can't relocate a byte swap", f.describe())
	}
	if ins.OpCode.Source() != asm.ImmSource {
		return fmt.Errorf("%s: %v has no immediate operand", f.describe(), ins)
	}
	alu32 := ins.OpCode.Class() == asm.ALUClass
	if !f.skipLocalValidation && !immediateHolds(ins.Constant, f.local, alu32) {
		return fmt.Errorf("%s: invalid immediate %d, expected %d", f.describe(), ins.Constant, int64(f.local))
	}

	target := int64(int32(uint32(f.target)))
	if !immediateHolds(target, f.target, alu32) {
		return fmt.Errorf("%s: immediate %d doesn't fit into 32 bits", f.describe(), f.target)
	}
	ins.Constant = target
	return nil
}

// immediateHolds reports whether an ALU instruction with the (sign
// extended) immediate imm operates on value: 64-bit operations see imm as
// is, 32-bit operations only its lower half.
func immediateHolds(imm int64, value uint64, alu32 bool) bool {
	if imm == int64(value) {
		return true
	}
	return alu32 && value <= math.MaxUint32 && uint32(imm) == uint32(value)
}

// poisonInstruction replaces ins with an invalid instruction of the same
// width, keeping its metadata so that symbols and the relocation stay
// attached.
func (f *COREFixup) poisonInstruction(ins *asm.Instruction) {
	meta := ins.Metadata
	if ins.OpCode.IsDWordLoad() {
		*ins = asm.LoadImm(asm.R10, COREBadRelocationSentinel, asm.DWord)
	} else {
		*ins = asm.BuiltinFunc(COREBadRelocationSentinel).Call()
	}
	ins.Metadata = meta

	comment := poisonComment
	if f.relo != nil {
		comment += ": " + f.relo.String()
	}
	*ins = ins.WithSource(asm.Comment(comment))
}

// describe names the fixup and, if known, its relocation for errors.
func (f *COREFixup) describe() string {
	if f.relo != nil {
		return f.relo.String() + ": " + f.String()
	}
	return f.String()
}

// sizeOfBytes returns the access size of n bytes.
func sizeOfBytes(n uint32) asm.Size {
	switch n {
	case 1:
		return asm.Byte
	case 2:
		return asm.Half
	case 4:
		return asm.Word
	case 8:
		return asm.DWord
	}
	return asm.InvalidSize
}
