package asm

import (
	"strconv"
	"strings"
)

// OpCode is the operation of an instruction. Its low byte is the opcode byte
// of the wire format; the bits above it hold the extended arithmetic
// operations (see ALUOp), which the wire format puts in the offset field.
type OpCode uint16

// InvalidOpCode is returned by setters on OpCode, and by constructors given
// arguments they cannot encode.
const InvalidOpCode OpCode = 0xffff

// InstructionSize is the size of one instruction slot in bytes. The 64-bit
// immediate load takes two slots.
const InstructionSize = 8

// RawInstructionOffset is an offset counted in instruction slots of
// InstructionSize bytes, the unit the kernel counts jumps and calls in.
type RawInstructionOffset uint64

// Bytes returns the offset in bytes.
func (rio RawInstructionOffset) Bytes() uint64 {
	return uint64(rio) * InstructionSize
}

// rawInstructions returns how many slots an instruction with this opcode
// takes: 2 for the 64-bit immediate load, 1 otherwise.
func (op OpCode) rawInstructions() int {
	if op.IsDWordLoad() {
		return 2
	}
	return 1
}

// IsDWordLoad reports whether op is the 64-bit immediate load (LdImmDW),
// which takes two instruction slots.
func (op OpCode) IsDWordLoad() bool {
	return op == LoadImmOp(DWord)
}

// Class returns the class of op.
func (op OpCode) Class() Class {
	return Class(op & classMask)
}

// Mode returns the addressing mode of a load or store, or InvalidMode.
func (op OpCode) Mode() Mode {
	if !op.Class().isLoadOrStore() {
		return InvalidMode
	}
	return Mode(op & modeMask)
}

// Size returns the access size of a load or store, or InvalidSize.
func (op OpCode) Size() Size {
	if !op.Class().isLoadOrStore() {
		return InvalidSize
	}
	return Size(op & sizeMask)
}

// Source returns the operand source of an arithmetic or jump opcode, or
// InvalidSource for other classes and for byte swaps.
func (op OpCode) Source() Source {
	if !op.Class().isJumpOrALU() || op.ALUOp() == Swap {
		return InvalidSource
	}
	return Source(op & sourceMask)
}

// ALUOp returns the operation of an arithmetic opcode, or InvalidALUOp.
func (op OpCode) ALUOp() ALUOp {
	if !op.Class().IsALU() {
		return InvalidALUOp
	}
	return ALUOp(op & aluMask)
}

// Endianness returns the byte order a byte swap converts to, or
// InvalidEndian for anything but a byte swap.
func (op OpCode) Endianness() Endianness {
	if op.ALUOp() != Swap {
		return InvalidEndian
	}
	return Endianness(op & sourceMask)
}

// JumpOp returns the operation of a jump opcode, or InvalidJumpOp. Call and
// Exit do not exist in Jump32Class and are reported as InvalidJumpOp there.
func (op OpCode) JumpOp() JumpOp {
	if !op.Class().IsJump() {
		return InvalidJumpOp
	}
	jop := JumpOp(op & jumpMask)
	if op.Class() == Jump32Class && (jop == Exit || jop == Call) {
		return InvalidJumpOp
	}
	return jop
}

// SetMode returns op with its mode replaced, or InvalidOpCode if op is not a
// load or store or mode has bits outside the mode field.
func (op OpCode) SetMode(mode Mode) OpCode {
	if !op.Class().isLoadOrStore() || !valid(OpCode(mode), modeMask) {
		return InvalidOpCode
	}
	return (op & ^modeMask) | OpCode(mode)
}

// SetSize returns op with its size replaced, or InvalidOpCode if op is not a
// load or store or size has bits outside the size field.
func (op OpCode) SetSize(size Size) OpCode {
	if !op.Class().isLoadOrStore() || !valid(OpCode(size), sizeMask) {
		return InvalidOpCode
	}
	return (op & ^sizeMask) | OpCode(size)
}

// SetSource returns op with its source replaced, or InvalidOpCode if op is
// not an arithmetic or jump opcode or source has bits outside the source
// field.
func (op OpCode) SetSource(source Source) OpCode {
	if !op.Class().isJumpOrALU() || !valid(OpCode(source), sourceMask) {
		return InvalidOpCode
	}
	return (op & ^sourceMask) | OpCode(source)
}

// SetALUOp returns op with its arithmetic operation replaced, or
// InvalidOpCode if op is not arithmetic or alu has bits outside the
// operation field.
func (op OpCode) SetALUOp(alu ALUOp) OpCode {
	if !op.Class().IsALU() || !valid(OpCode(alu), aluMask) {
		return InvalidOpCode
	}
	return (op & ^aluMask) | OpCode(alu)
}

// SetJumpOp returns op with its jump operation replaced, or InvalidOpCode if
// op is not a jump, jump has bits outside the operation field, or jump is
// Call or Exit in Jump32Class.
func (op OpCode) SetJumpOp(jump JumpOp) OpCode {
	if !op.Class().IsJump() || !valid(OpCode(jump), jumpMask) {
		return InvalidOpCode
	}
	if op.Class() == Jump32Class && (jump == Exit || jump == Call) {
		return InvalidOpCode
	}
	return (op & ^jumpMask) | OpCode(jump)
}

// valid reports whether value has no bits outside mask.
func valid(value, mask OpCode) bool {
	return value & ^mask == 0
}

// String returns a name composed of the opcode's parts, such as "LdXMemW",
// "AddImm", "MovSX8Reg32", "SwapBE", "BSwap", "JEqImm" or "Ja32", or
// "OpCode(0x..)" when a part has no name.
func (op OpCode) String() string {
	if name := op.name(); name != "" {
		return name
	}
	return "OpCode(0x" + strconv.FormatUint(uint64(op), 16) + ")"
}

func (op OpCode) name() string {
	switch cls := op.Class(); {
	case op == InvalidOpCode:
		return ""
	case cls.isLoadOrStore():
		return op.loadStoreName()
	case cls.IsALU():
		return op.aluName()
	case cls.IsJump():
		return op.jumpName()
	}
	return ""
}

func (op OpCode) loadStoreName() string {
	if op > 0xff {
		return ""
	}
	mode := op.Mode().String()
	if !strings.HasSuffix(mode, "Mode") || strings.HasPrefix(mode, "Invalid") {
		return ""
	}
	cls := strings.TrimSuffix(op.Class().String(), "Class")
	return cls + strings.TrimSuffix(mode, "Mode") + op.Size().suffix()
}

func (op OpCode) aluName() string {
	alu := op.ALUOp()
	name := aluOpName(alu)
	if name == "" || op&^(classMask|sourceMask|aluMask) != 0 {
		return ""
	}
	if alu == Swap {
		if op.Class() == ALU64Class {
			return "B" + name
		}
		return name + op.Endianness().String()
	}
	name += strings.TrimSuffix(op.Source().String(), "Source")
	if op.Class() == ALUClass {
		name += "32"
	}
	return name
}

func (op OpCode) jumpName() string {
	if op > 0xff {
		return ""
	}
	jop := op.JumpOp()
	name := jumpOpName(jop)
	if name == "" || jop == InvalidJumpOp {
		return ""
	}
	switch jop {
	case Exit, Call, Ja, jCond:
	default:
		name += strings.TrimSuffix(op.Source().String(), "Source")
	}
	if op.Class() == Jump32Class {
		name += "32"
	}
	return name
}
