package asm

import "strconv"

// JumpOp is the operation of a jump-class instruction: a conditional or
// unconditional jump, a call, or exit.
type JumpOp uint8

const jumpMask OpCode = 0xf0

const (
	// InvalidJumpOp is what OpCode.JumpOp returns for opcodes that are not
	// jumps, and for Call and Exit in Jump32Class.
	InvalidJumpOp JumpOp = 0xff
	// Ja jumps always: by Offset in JumpClass, by the immediate in
	// Jump32Class (gotol).
	Ja JumpOp = 0x00
	// JEq jumps if dst == src.
	JEq JumpOp = 0x10
	// JGT jumps if dst > src, unsigned.
	JGT JumpOp = 0x20
	// JGE jumps if dst >= src, unsigned.
	JGE JumpOp = 0x30
	// JSet jumps if dst & src != 0.
	JSet JumpOp = 0x40
	// JNE jumps if dst != src.
	JNE JumpOp = 0x50
	// JSGT jumps if dst > src, signed.
	JSGT JumpOp = 0x60
	// JSGE jumps if dst >= src, signed.
	JSGE JumpOp = 0x70
	// Call calls a helper (Src R0), a bpf-to-bpf function (Src PseudoCall)
	// or a kernel function (Src PseudoKfuncCall).
	Call JumpOp = 0x80
	// Exit returns R0 from the current function.
	Exit JumpOp = 0x90
	// JLT jumps if dst < src, unsigned.
	JLT JumpOp = 0xa0
	// JLE jumps if dst <= src, unsigned.
	JLE JumpOp = 0xb0
	// JSLT jumps if dst < src, signed.
	JSLT JumpOp = 0xc0
	// JSLE jumps if dst <= src, signed.
	JSLE JumpOp = 0xd0
)

// jCond is BPF_JCOND, the conditional pseudo jumps: may_goto (Src 0) and
// goto_or_nop (Src 1). The reference API has no name for it.
const jCond JumpOp = 0xe0

// String returns the constant's name, such as "JEq", or "JumpOp(n)".
func (i JumpOp) String() string {
	if name := jumpOpName(i); name != "" {
		return name
	}
	return "JumpOp(" + strconv.Itoa(int(i)) + ")"
}

func jumpOpName(op JumpOp) string {
	switch op {
	case Ja:
		return "Ja"
	case JEq:
		return "JEq"
	case JGT:
		return "JGT"
	case JGE:
		return "JGE"
	case JSet:
		return "JSet"
	case JNE:
		return "JNE"
	case JSGT:
		return "JSGT"
	case JSGE:
		return "JSGE"
	case Call:
		return "Call"
	case Exit:
		return "Exit"
	case JLT:
		return "JLT"
	case JLE:
		return "JLE"
	case JSLT:
		return "JSLT"
	case JSLE:
		return "JSLE"
	case jCond:
		return "JCond"
	case InvalidJumpOp:
		return "InvalidJumpOp"
	}
	return ""
}

// Op returns the OpCode of this operation on 64-bit registers.
func (op JumpOp) Op(source Source) OpCode {
	return OpCode(JumpClass).SetJumpOp(op).SetSource(source)
}

// conditional returns the opcode of a conditional jump, or InvalidOpCode for
// Call and Exit, which take no label.
func (op JumpOp) conditional(class Class, source Source) OpCode {
	if op == Exit || op == Call {
		return InvalidOpCode
	}
	return OpCode(class).SetJumpOp(op).SetSource(source)
}

// Imm compares 64 bits of dst to value and jumps to label if the condition
// holds. Offset is -1 until Instructions.Marshal resolves label. The OpCode
// is InvalidOpCode for Call and Exit.
func (op JumpOp) Imm(dst Register, value int32, label string) Instruction {
	return Instruction{
		OpCode:   op.conditional(JumpClass, ImmSource),
		Dst:      dst,
		Offset:   -1,
		Constant: int64(value),
	}.WithReference(label)
}

// Imm32 compares the low 32 bits of dst to value and jumps to label if the
// condition holds. The OpCode is InvalidOpCode for Call and Exit.
func (op JumpOp) Imm32(dst Register, value int32, label string) Instruction {
	return Instruction{
		OpCode:   op.conditional(Jump32Class, ImmSource),
		Dst:      dst,
		Offset:   -1,
		Constant: int64(value),
	}.WithReference(label)
}

// Reg compares 64 bits of dst to src and jumps to label if the condition
// holds. The OpCode is InvalidOpCode for Call and Exit.
func (op JumpOp) Reg(dst, src Register, label string) Instruction {
	return Instruction{
		OpCode: op.conditional(JumpClass, RegSource),
		Dst:    dst,
		Src:    src,
		Offset: -1,
	}.WithReference(label)
}

// Reg32 compares the low 32 bits of dst and src and jumps to label if the
// condition holds. The OpCode is InvalidOpCode for Call and Exit.
func (op JumpOp) Reg32(dst, src Register, label string) Instruction {
	return Instruction{
		OpCode: op.conditional(Jump32Class, RegSource),
		Dst:    dst,
		Src:    src,
		Offset: -1,
	}.WithReference(label)
}

// Label emits an instruction that transfers control to label: for Call a
// bpf-to-bpf call (Src PseudoCall, Constant -1), for any other operation a
// jump with Offset -1. Instructions.Marshal resolves the label.
func (op JumpOp) Label(label string) Instruction {
	if op == Call {
		return Instruction{
			OpCode:   OpCode(JumpClass).SetJumpOp(Call),
			Src:      PseudoCall,
			Constant: -1,
		}.WithReference(label)
	}
	return Instruction{
		OpCode: OpCode(JumpClass).SetJumpOp(op),
		Offset: -1,
	}.WithReference(label)
}

// longJumpOp is gotol: Ja in Jump32Class, with the target in the immediate.
const longJumpOp = OpCode(Jump32Class) | OpCode(Ja)

// LongJump emits an unconditional jump to label whose distance is held in
// the 32-bit immediate (gotol) instead of the 16-bit Offset, for targets
// further than 32767 instructions away. Constant is -1 until
// Instructions.Marshal resolves label.
func LongJump(label string) Instruction {
	return Instruction{
		OpCode:   longJumpOp,
		Constant: -1,
	}.WithReference(label)
}

// Return emits an exit from the current function, returning R0.
func Return() Instruction {
	return Instruction{OpCode: OpCode(JumpClass).SetJumpOp(Exit)}
}
