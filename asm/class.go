package asm

import "strconv"

// Class is the instruction class, the low three bits of the opcode byte. It
// decides how the remaining bits are read: as mode and size for loads and
// stores, as operation and source for arithmetic and jumps.
type Class uint8

const classMask OpCode = 0x07

const (
	// LdClass (BPF_LD) puts an immediate into a register: the 64-bit
	// immediate load, and the legacy packet loads inherited from cBPF.
	LdClass Class = 0x00
	// LdXClass (BPF_LDX) reads memory into a register.
	LdXClass Class = 0x01
	// StClass (BPF_ST) writes an immediate to memory.
	StClass Class = 0x02
	// StXClass (BPF_STX) writes a register to memory, atomics included.
	StXClass Class = 0x03
	// ALUClass (BPF_ALU) is arithmetic on the low 32 bits of registers.
	ALUClass Class = 0x04
	// JumpClass (BPF_JMP) compares 64-bit registers; it also holds calls and
	// exit.
	JumpClass Class = 0x05
	// Jump32Class (BPF_JMP32) compares the low 32 bits of registers; its Ja
	// takes the target from the 32-bit immediate.
	Jump32Class Class = 0x06
	// ALU64Class (BPF_ALU64) is arithmetic on full 64-bit registers.
	ALU64Class Class = 0x07
)

// IsLoad reports whether the class loads into a register (LdClass or LdXClass).
func (cls Class) IsLoad() bool {
	return cls == LdClass || cls == LdXClass
}

// IsStore reports whether the class stores to memory (StClass or StXClass).
func (cls Class) IsStore() bool {
	return cls == StClass || cls == StXClass
}

func (cls Class) isLoadOrStore() bool {
	return cls.IsLoad() || cls.IsStore()
}

// IsALU reports whether the class is arithmetic (ALUClass or ALU64Class).
func (cls Class) IsALU() bool {
	return cls == ALUClass || cls == ALU64Class
}

// IsJump reports whether the class is a jump (JumpClass or Jump32Class).
func (cls Class) IsJump() bool {
	return cls == JumpClass || cls == Jump32Class
}

func (cls Class) isJumpOrALU() bool {
	return cls.IsJump() || cls.IsALU()
}

var classNames = [...]string{
	LdClass:     "LdClass",
	LdXClass:    "LdXClass",
	StClass:     "StClass",
	StXClass:    "StXClass",
	ALUClass:    "ALUClass",
	JumpClass:   "JumpClass",
	Jump32Class: "Jump32Class",
	ALU64Class:  "ALU64Class",
}

// String returns the constant's name, such as "ALU64Class", or "Class(n)"
// for a value without a name.
func (i Class) String() string {
	if int(i) < len(classNames) {
		return classNames[i]
	}
	return "Class(" + strconv.Itoa(int(i)) + ")"
}
