package asm

import "strconv"

// Mode is the addressing mode of a load or store, the top three bits of the
// opcode byte.
type Mode uint8

const modeMask OpCode = 0xe0

const (
	// InvalidMode is what OpCode.Mode returns for an opcode that is neither
	// a load nor a store.
	InvalidMode Mode = 0xff
	// ImmMode (BPF_IMM) takes the value from the immediate.
	ImmMode Mode = 0x00
	// AbsMode (BPF_ABS) reads packet data at a constant offset (legacy).
	AbsMode Mode = 0x20
	// IndMode (BPF_IND) reads packet data at a register plus a constant
	// (legacy).
	IndMode Mode = 0x40
	// MemMode (BPF_MEM) reads or writes memory at a register plus Offset.
	MemMode Mode = 0x60
	// MemSXMode (BPF_MEMSX) reads memory and sign-extends it to 64 bits.
	MemSXMode Mode = 0x80
	// XAddMode (BPF_ATOMIC, formerly BPF_XADD) is an atomic read-modify-write
	// of memory; the immediate selects the operation, 0 being add.
	XAddMode Mode = 0xc0
)

// String returns the constant's name, such as "MemSXMode", or "Mode(n)" for
// a value without a name.
func (i Mode) String() string {
	switch i {
	case ImmMode:
		return "ImmMode"
	case AbsMode:
		return "AbsMode"
	case IndMode:
		return "IndMode"
	case MemMode:
		return "MemMode"
	case MemSXMode:
		return "MemSXMode"
	case XAddMode:
		return "XAddMode"
	case InvalidMode:
		return "InvalidMode"
	}
	return "Mode(" + strconv.Itoa(int(i)) + ")"
}

// Size is the width of the memory access of a load or store, bits 3 and 4 of
// the opcode byte.
type Size uint8

const sizeMask OpCode = 0x18

const (
	// InvalidSize is what OpCode.Size returns for an opcode that is neither
	// a load nor a store.
	InvalidSize Size = 0xff
	// DWord is 8 bytes (BPF_DW).
	DWord Size = 0x18
	// Word is 4 bytes (BPF_W).
	Word Size = 0x00
	// Half is 2 bytes (BPF_H).
	Half Size = 0x08
	// Byte is 1 byte (BPF_B).
	Byte Size = 0x10
)

// Sizeof returns the size in bytes, or -1 for a Size without one.
func (s Size) Sizeof() int {
	switch s {
	case DWord:
		return 8
	case Word:
		return 4
	case Half:
		return 2
	case Byte:
		return 1
	default:
		return -1
	}
}

// suffix is the short form used in OpCode names: DW, W, H or B.
func (s Size) suffix() string {
	switch s {
	case DWord:
		return "DW"
	case Word:
		return "W"
	case Half:
		return "H"
	case Byte:
		return "B"
	default:
		return ""
	}
}

// String returns the constant's name, such as "DWord", or "Size(n)" for a
// value without a name.
func (i Size) String() string {
	switch i {
	case Word:
		return "Word"
	case Half:
		return "Half"
	case Byte:
		return "Byte"
	case DWord:
		return "DWord"
	case InvalidSize:
		return "InvalidSize"
	}
	return "Size(" + strconv.Itoa(int(i)) + ")"
}

// LoadMemOp returns the opcode of a memory read of size bytes (LdXMem).
func LoadMemOp(size Size) OpCode {
	return OpCode(LdXClass).SetMode(MemMode).SetSize(size)
}

// LoadMemSXOp returns the opcode of a sign-extending memory read of size
// bytes (LdXMemSX), or InvalidOpCode for DWord, which fills the register
// already.
func LoadMemSXOp(size Size) OpCode {
	if size == DWord {
		return InvalidOpCode
	}
	return OpCode(LdXClass).SetMode(MemSXMode).SetSize(size)
}

// LoadMem reads size bytes at src+offset into dst, zero-extended.
func LoadMem(dst, src Register, offset int16, size Size) Instruction {
	return Instruction{
		OpCode: LoadMemOp(size),
		Dst:    dst,
		Src:    src,
		Offset: offset,
	}
}

// LoadMemSX reads size bytes at src+offset into dst, sign-extended to 64
// bits. The OpCode is InvalidOpCode for DWord.
func LoadMemSX(dst, src Register, offset int16, size Size) Instruction {
	return Instruction{
		OpCode: LoadMemSXOp(size),
		Dst:    dst,
		Src:    src,
		Offset: offset,
	}
}

// LoadImmOp returns the opcode of an immediate load of size. The kernel only
// knows the DWord form, the two-slot 64-bit immediate load (LdImmDW).
func LoadImmOp(size Size) OpCode {
	return OpCode(LdClass).SetMode(ImmMode).SetSize(size)
}

// LoadImm puts value into dst. Only size DWord is a valid instruction for
// the kernel.
func LoadImm(dst Register, value int64, size Size) Instruction {
	return Instruction{
		OpCode:   LoadImmOp(size),
		Dst:      dst,
		Constant: value,
	}
}

// LoadMapPtr puts the address of the map with file descriptor fd into dst;
// the kernel replaces the fd when it loads the program. The OpCode is
// InvalidOpCode if fd is negative.
func LoadMapPtr(dst Register, fd int) Instruction {
	if fd < 0 {
		return Instruction{OpCode: InvalidOpCode}
	}
	return Instruction{
		OpCode:   LoadImmOp(DWord),
		Dst:      dst,
		Src:      PseudoMapFD,
		Constant: int64(uint32(fd)),
	}
}

// LoadMapValue puts the address of byte offset of the first value of the
// array map with file descriptor fd into dst, the way global variables are
// accessed. The OpCode is InvalidOpCode if fd is negative.
func LoadMapValue(dst Register, fd int, offset uint32) Instruction {
	if fd < 0 {
		return Instruction{OpCode: InvalidOpCode}
	}
	return Instruction{
		OpCode:   LoadImmOp(DWord),
		Dst:      dst,
		Src:      PseudoMapValue,
		Constant: int64(uint64(offset)<<32 | uint64(uint32(fd))),
	}
}

// LoadIndOp returns the opcode of a legacy packet read of size bytes at a
// register-relative position (LdInd).
func LoadIndOp(size Size) OpCode {
	return OpCode(LdClass).SetMode(IndMode).SetSize(size)
}

// LoadInd reads size bytes of the packet in the socket buffer held in R6,
// at src+offset, in network byte order. Legacy from cBPF: the result always
// lands in R0, and the kernel rejects any other dst.
func LoadInd(dst, src Register, offset int32, size Size) Instruction {
	return Instruction{
		OpCode:   LoadIndOp(size),
		Dst:      dst,
		Src:      src,
		Constant: int64(offset),
	}
}

// LoadAbsOp returns the opcode of a legacy packet read of size bytes at a
// constant position (LdAbs).
func LoadAbsOp(size Size) OpCode {
	return OpCode(LdClass).SetMode(AbsMode).SetSize(size)
}

// LoadAbs reads size bytes of the packet in the socket buffer held in R6,
// at offset, in network byte order, into R0. Legacy from cBPF.
func LoadAbs(offset int32, size Size) Instruction {
	return Instruction{
		OpCode:   LoadAbsOp(size),
		Dst:      R0,
		Constant: int64(offset),
	}
}

// StoreMemOp returns the opcode of a write of size bytes from a register
// (StXMem).
func StoreMemOp(size Size) OpCode {
	return OpCode(StXClass).SetMode(MemMode).SetSize(size)
}

// StoreMem writes the low size bytes of src at dst+offset.
func StoreMem(dst Register, offset int16, src Register, size Size) Instruction {
	return Instruction{
		OpCode: StoreMemOp(size),
		Dst:    dst,
		Src:    src,
		Offset: offset,
	}
}

// StoreImmOp returns the opcode of a write of size bytes of an immediate
// (StMem).
func StoreImmOp(size Size) OpCode {
	return OpCode(StClass).SetMode(MemMode).SetSize(size)
}

// StoreImm writes the low size bytes of value at dst+offset. value must fit
// into 32 bits; the kernel sign-extends it for DWord.
func StoreImm(dst Register, offset int16, value int64, size Size) Instruction {
	return Instruction{
		OpCode:   StoreImmOp(size),
		Dst:      dst,
		Offset:   offset,
		Constant: value,
	}
}

// StoreXAddOp returns the opcode of an atomic operation on size bytes of
// memory (StXXAdd); with a zero immediate it is an atomic add.
func StoreXAddOp(size Size) OpCode {
	return OpCode(StXClass).SetMode(XAddMode).SetSize(size)
}

// StoreXAdd adds src to the size bytes at dst in one atomic step. Only Word
// and DWord exist.
func StoreXAdd(dst, src Register, size Size) Instruction {
	return Instruction{
		OpCode: StoreXAddOp(size),
		Dst:    dst,
		Src:    src,
	}
}
