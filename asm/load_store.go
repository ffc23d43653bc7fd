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

// LoadMemOp returns the OpCode to load a value of given size from memory.
func LoadMemOp(size Size) OpCode {
	return OpCode(LdXClass).SetMode(MemMode).SetSize(size)
}

// LoadMemSXOp returns the OpCode to load a value of given size from memory
// sign extended to 64 bits, or InvalidOpCode for DWord, which has no wider
// type to extend to.
func LoadMemSXOp(size Size) OpCode {
	if size == DWord {
		return InvalidOpCode
	}
	return OpCode(LdXClass).SetMode(MemSXMode).SetSize(size)
}

// LoadMem emits `dst = *(size *)(src + offset)`.
func LoadMem(dst, src Register, offset int16, size Size) Instruction {
	return Instruction{
		OpCode: LoadMemOp(size),
		Dst:    dst,
		Src:    src,
		Offset: offset,
	}
}

// LoadMemSX emits `dst = *(size *)(src + offset)` but sign extends dst.
// The OpCode is InvalidOpCode for DWord.
func LoadMemSX(dst, src Register, offset int16, size Size) Instruction {
	return Instruction{
		OpCode: LoadMemSXOp(size),
		Dst:    dst,
		Src:    src,
		Offset: offset,
	}
}

// LoadImmOp returns the OpCode to load an immediate of given size.
//
// As of kernel 4.20, only DWord size is accepted.
func LoadImmOp(size Size) OpCode {
	return OpCode(LdClass).SetMode(ImmMode).SetSize(size)
}

// LoadImm emits `dst = (size)value`.
//
// As of kernel 4.20, only DWord size is accepted.
func LoadImm(dst Register, value int64, size Size) Instruction {
	return Instruction{
		OpCode:   LoadImmOp(size),
		Dst:      dst,
		Constant: value,
	}
}

// LoadMapPtr stores a pointer to a map in dst. Its OpCode is InvalidOpCode
// if fd is negative.
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

// LoadMapValue stores a pointer to the value at offset in the map given by
// fd (an array map with a single element) in dst. Its OpCode is
// InvalidOpCode if fd is negative.
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

// LoadIndOp returns the OpCode for loading a value of given size from an
// sk_buff.
func LoadIndOp(size Size) OpCode {
	return OpCode(LdClass).SetMode(IndMode).SetSize(size)
}

// LoadInd emits `dst = ntoh(*(size *)(((sk_buff *)R6)->data + src + offset))`.
func LoadInd(dst, src Register, offset int32, size Size) Instruction {
	return Instruction{
		OpCode:   LoadIndOp(size),
		Dst:      dst,
		Src:      src,
		Constant: int64(offset),
	}
}

// LoadAbsOp returns the OpCode for loading a value of given size from an
// sk_buff.
func LoadAbsOp(size Size) OpCode {
	return OpCode(LdClass).SetMode(AbsMode).SetSize(size)
}

// LoadAbs emits `r0 = ntoh(*(size *)(((sk_buff *)R6)->data + offset))`.
func LoadAbs(offset int32, size Size) Instruction {
	return Instruction{
		OpCode:   LoadAbsOp(size),
		Dst:      R0,
		Constant: int64(offset),
	}
}

// StoreMemOp returns the OpCode for storing a register of given size in
// memory.
func StoreMemOp(size Size) OpCode {
	return OpCode(StXClass).SetMode(MemMode).SetSize(size)
}

// StoreMem emits `*(size *)(dst + offset) = src`.
func StoreMem(dst Register, offset int16, src Register, size Size) Instruction {
	return Instruction{
		OpCode: StoreMemOp(size),
		Dst:    dst,
		Src:    src,
		Offset: offset,
	}
}

// StoreImmOp returns the OpCode for storing an immediate of given size in
// memory.
func StoreImmOp(size Size) OpCode {
	return OpCode(StClass).SetMode(MemMode).SetSize(size)
}

// StoreImm emits `*(size *)(dst + offset) = value`.
func StoreImm(dst Register, offset int16, value int64, size Size) Instruction {
	return Instruction{
		OpCode:   StoreImmOp(size),
		Dst:      dst,
		Offset:   offset,
		Constant: value,
	}
}

// StoreXAddOp returns the OpCode to atomically add a register to a value in
// memory.
func StoreXAddOp(size Size) OpCode {
	return OpCode(StXClass).SetMode(XAddMode).SetSize(size)
}

// StoreXAdd atomically adds src to *dst.
func StoreXAdd(dst, src Register, size Size) Instruction {
	return Instruction{
		OpCode: StoreXAddOp(size),
		Dst:    dst,
		Src:    src,
	}
}
