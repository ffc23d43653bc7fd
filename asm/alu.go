package asm

import "strconv"

// Source says where the second operand of an arithmetic or jump instruction
// comes from: the immediate or the source register.
type Source uint16

const sourceMask OpCode = 0x0008

const (
	// InvalidSource is what OpCode.Source returns for opcodes without a
	// source bit, and for byte swaps where the bit means endianness.
	InvalidSource Source = 0xffff
	// ImmSource (BPF_K) takes the operand from the immediate.
	ImmSource Source = 0x0000
	// RegSource (BPF_X) takes the operand from the source register.
	RegSource Source = 0x0008
)

// String returns "ImmSource", "RegSource", "InvalidSource" or "Source(n)".
func (i Source) String() string {
	switch i {
	case ImmSource:
		return "ImmSource"
	case RegSource:
		return "RegSource"
	case InvalidSource:
		return "InvalidSource"
	}
	return "Source(" + strconv.Itoa(int(i)) + ")"
}

// Endianness is the target byte order of an ALU-class byte swap. It shares
// the bit of Source.
type Endianness uint8

const (
	// InvalidEndian is what OpCode.Endianness returns for anything but a
	// byte swap.
	InvalidEndian Endianness = 0xff
	// LE converts between host and little endian (BPF_TO_LE).
	LE Endianness = 0x00
	// BE converts between host and big endian (BPF_TO_BE).
	BE Endianness = 0x08
)

// String returns "LE", "BE", "InvalidEndian" or "Endianness(n)".
func (i Endianness) String() string {
	switch i {
	case LE:
		return "LE"
	case BE:
		return "BE"
	case InvalidEndian:
		return "InvalidEndian"
	}
	return "Endianness(" + strconv.Itoa(int(i)) + ")"
}

// ALUOp is an arithmetic operation. The values above 0xff are the operations
// of instruction set version 4 that the wire format encodes as a base
// operation plus a non-zero Offset; this package folds them into the OpCode
// so that Offset keeps meaning "memory or jump offset".
type ALUOp uint16

const aluMask OpCode = 0x3ff0

// aluExtMask selects the bits of an ALUOp that never appear on the wire.
const aluExtMask ALUOp = 0x3f00

const (
	// InvalidALUOp is what OpCode.ALUOp returns for non-arithmetic opcodes.
	InvalidALUOp ALUOp = 0xffff
	// Add is dst += src.
	Add ALUOp = 0x0000
	// Sub is dst -= src.
	Sub ALUOp = 0x0010
	// Mul is dst *= src.
	Mul ALUOp = 0x0020
	// Div is unsigned dst /= src.
	Div ALUOp = 0x0030
	// SDiv is signed dst /= src (Div with Offset 1 on the wire).
	SDiv = Div + 0x0100
	// Or is dst |= src.
	Or ALUOp = 0x0040
	// And is dst &= src.
	And ALUOp = 0x0050
	// LSh is dst <<= src.
	LSh ALUOp = 0x0060
	// RSh is logical dst >>= src.
	RSh ALUOp = 0x0070
	// Neg is dst = -dst.
	Neg ALUOp = 0x0080
	// Mod is unsigned dst %= src.
	Mod ALUOp = 0x0090
	// SMod is signed dst %= src (Mod with Offset 1 on the wire).
	SMod = Mod + 0x0100
	// Xor is dst ^= src.
	Xor ALUOp = 0x00a0
	// Mov is dst = src.
	Mov ALUOp = 0x00b0
	// MovSX8 is dst = (int8)src (Mov with Offset 8 on the wire).
	MovSX8 = Mov + 0x0100
	// MovSX16 is dst = (int16)src (Mov with Offset 16 on the wire).
	MovSX16 = Mov + 0x0200
	// MovSX32 is dst = (int32)src (Mov with Offset 32 on the wire).
	MovSX32 = Mov + 0x0300
	// ArSh is arithmetic (sign-filling) dst >>= src.
	ArSh ALUOp = 0x00c0
	// Swap converts the byte order of dst (BPF_END); the immediate holds the
	// width in bits. See HostTo and BSwap.
	Swap ALUOp = 0x00d0
)

// wireOffset returns the base operation and the Offset that encode op, or
// op itself and 0 for a plain operation. ok is false for unknown extended
// operations.
func (op ALUOp) wireOffset() (base ALUOp, offset int16, ok bool) {
	switch op {
	case SDiv, SMod:
		return op &^ aluExtMask, 1, true
	case MovSX8:
		return Mov, 8, true
	case MovSX16:
		return Mov, 16, true
	case MovSX32:
		return Mov, 32, true
	}
	return op, 0, op&aluExtMask == 0
}

// extendedALUOp maps a wire operation and Offset to the extended operation
// they encode, if any.
func extendedALUOp(op ALUOp, offset int16) (ALUOp, bool) {
	switch {
	case (op == Div || op == Mod) && offset == 1:
		return op + 0x0100, true
	case op == Mov && offset == 8:
		return MovSX8, true
	case op == Mov && offset == 16:
		return MovSX16, true
	case op == Mov && offset == 32:
		return MovSX32, true
	}
	return op, false
}

// String returns the constant's name, such as "MovSX8", or "ALUOp(n)".
func (i ALUOp) String() string {
	if name := aluOpName(i); name != "" {
		return name
	}
	return "ALUOp(" + strconv.Itoa(int(i)) + ")"
}

func aluOpName(op ALUOp) string {
	switch op {
	case Add:
		return "Add"
	case Sub:
		return "Sub"
	case Mul:
		return "Mul"
	case Div:
		return "Div"
	case SDiv:
		return "SDiv"
	case Or:
		return "Or"
	case And:
		return "And"
	case LSh:
		return "LSh"
	case RSh:
		return "RSh"
	case Neg:
		return "Neg"
	case Mod:
		return "Mod"
	case SMod:
		return "SMod"
	case Xor:
		return "Xor"
	case Mov:
		return "Mov"
	case MovSX8:
		return "MovSX8"
	case MovSX16:
		return "MovSX16"
	case MovSX32:
		return "MovSX32"
	case ArSh:
		return "ArSh"
	case Swap:
		return "Swap"
	case InvalidALUOp:
		return "InvalidALUOp"
	}
	return ""
}

// Op returns the OpCode of this operation on 64-bit registers.
func (op ALUOp) Op(source Source) OpCode {
	return OpCode(ALU64Class).SetALUOp(op).SetSource(source)
}

// Reg emits `dst (op) src` on 64-bit registers.
func (op ALUOp) Reg(dst, src Register) Instruction {
	return Instruction{
		OpCode: op.Op(RegSource),
		Dst:    dst,
		Src:    src,
	}
}

// Imm emits `dst (op) value` on a 64-bit register.
func (op ALUOp) Imm(dst Register, value int32) Instruction {
	return Instruction{
		OpCode:   op.Op(ImmSource),
		Dst:      dst,
		Constant: int64(value),
	}
}

// Op32 returns the OpCode of this operation on the low 32 bits of registers.
func (op ALUOp) Op32(source Source) OpCode {
	return OpCode(ALUClass).SetALUOp(op).SetSource(source)
}

// Reg32 emits `dst (op) src` on the low 32 bits, zeroing the upper half of
// dst.
func (op ALUOp) Reg32(dst, src Register) Instruction {
	return Instruction{
		OpCode: op.Op32(RegSource),
		Dst:    dst,
		Src:    src,
	}
}

// Imm32 emits `dst (op) value` on the low 32 bits, zeroing the upper half of
// dst.
func (op ALUOp) Imm32(dst Register, value int32) Instruction {
	return Instruction{
		OpCode:   op.Op32(ImmSource),
		Dst:      dst,
		Constant: int64(value),
	}
}

// swapWidth returns the width in bits a byte swap of size covers, or 0.
func swapWidth(size Size) int64 {
	switch size {
	case Half:
		return 16
	case Word:
		return 32
	case DWord:
		return 64
	}
	return 0
}

// HostTo converts the low size bytes of dst between host byte order and
// endian, zeroing the bits above. The OpCode is InvalidOpCode unless size is
// Half, Word or DWord.
func HostTo(endian Endianness, dst Register, size Size) Instruction {
	width := swapWidth(size)
	if width == 0 {
		return Instruction{OpCode: InvalidOpCode}
	}
	return Instruction{
		OpCode:   OpCode(ALUClass).SetALUOp(Swap).SetSource(Source(endian)),
		Dst:      dst,
		Constant: width,
	}
}

// BSwap unconditionally reverses the order of the low size bytes of dst,
// zeroing the bits above (ALU64-class BPF_END, instruction set version 4).
// The OpCode is InvalidOpCode unless size is Half, Word or DWord.
func BSwap(dst Register, size Size) Instruction {
	width := swapWidth(size)
	if width == 0 {
		return Instruction{OpCode: InvalidOpCode}
	}
	return Instruction{
		OpCode:   OpCode(ALU64Class).SetALUOp(Swap),
		Dst:      dst,
		Constant: width,
	}
}
