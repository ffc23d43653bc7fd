package asm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Wire format of one slot (struct bpf_insn):
//
//	[0]   opcode byte
//	[1]   registers: dst in the low and src in the high nibble on little
//	      endian, the other way round on big endian (C bitfield order)
//	[2:4] offset, int16
//	[4:8] immediate, int32
//
// The 64-bit immediate load is followed by a second slot that is all zero
// except for its immediate, which holds the upper 32 bits.

var (
	errMissingSecondHalf = errors.New("64bit immediate is missing second half")
	errNonZeroSecondHalf = errors.New("64bit immediate has non-zero fields")
)

// byteOrder is the result of checking a binary.ByteOrder: instructions only
// exist in the two byte orders the kernel supports.
type byteOrder bool

const (
	littleEndian byteOrder = false
	bigEndian    byteOrder = true
)

func checkByteOrder(bo binary.ByteOrder) (byteOrder, error) {
	switch bo {
	case binary.LittleEndian:
		return littleEndian, nil
	case binary.BigEndian:
		return bigEndian, nil
	}
	return false, fmt.Errorf("unsupported byte order %v: use binary.LittleEndian or binary.BigEndian", bo)
}

func (o byteOrder) uint16(b []byte) uint16 {
	if o == bigEndian {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (o byteOrder) uint32(b []byte) uint32 {
	if o == bigEndian {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (o byteOrder) appendUint16(b []byte, v uint16) []byte {
	if o == bigEndian {
		return binary.BigEndian.AppendUint16(b, v)
	}
	return binary.LittleEndian.AppendUint16(b, v)
}

func (o byteOrder) appendUint32(b []byte, v uint32) []byte {
	if o == bigEndian {
		return binary.BigEndian.AppendUint32(b, v)
	}
	return binary.LittleEndian.AppendUint32(b, v)
}

// decodeSlot fills ins from the first (or only) slot in b[:8].
func (ins *Instruction) decodeSlot(b []byte, o byteOrder) {
	ins.OpCode = OpCode(b[0])
	if o == bigEndian {
		ins.Dst, ins.Src = Register(b[1]>>4), Register(b[1]&0xf)
	} else {
		ins.Dst, ins.Src = Register(b[1]&0xf), Register(b[1]>>4)
	}
	ins.Offset = int16(o.uint16(b[2:4]))
	// Through int32 so that the immediate is sign-extended.
	ins.Constant = int64(int32(o.uint32(b[4:8])))

	if ins.OpCode.Class().IsALU() {
		if ext, ok := extendedALUOp(ins.OpCode.ALUOp(), ins.Offset); ok {
			ins.OpCode = ins.OpCode.SetALUOp(ext)
			ins.Offset = 0
		}
	}
}

// decodeSecondSlot merges the upper half of a 64-bit immediate from b[:8].
func (ins *Instruction) decodeSecondSlot(b []byte, o byteOrder) error {
	if b[0] != 0 || b[1] != 0 || b[2] != 0 || b[3] != 0 {
		return errNonZeroSecondHalf
	}
	hi := o.uint32(b[4:8])
	ins.Constant = int64(uint64(hi)<<32 | uint64(uint32(ins.Constant)))
	return nil
}

// decode decodes the instruction at the start of b and returns the number of
// bytes it took. An empty b gives io.EOF, a partial one an error wrapping
// io.ErrUnexpectedEOF.
func (ins *Instruction) decode(b []byte, o byteOrder) (int, error) {
	if len(b) == 0 {
		return 0, io.EOF
	}
	if len(b) < InstructionSize {
		return 0, fmt.Errorf("instruction: %d of %d bytes: %w", len(b), InstructionSize, io.ErrUnexpectedEOF)
	}
	ins.decodeSlot(b, o)
	if !ins.OpCode.IsDWordLoad() {
		return InstructionSize, nil
	}
	if len(b) < 2*InstructionSize {
		return 0, fmt.Errorf("%w: %w", errMissingSecondHalf, io.ErrUnexpectedEOF)
	}
	if err := ins.decodeSecondSlot(b[InstructionSize:], o); err != nil {
		return 0, err
	}
	return 2 * InstructionSize, nil
}

// Unmarshal decodes one instruction from r and returns the number of bytes
// read, 8 or 16. It returns io.EOF unwrapped if r is empty, and an error if
// r ends within the instruction, if the second half of a 64-bit immediate
// load has fields other than the immediate set, or if bo is neither
// binary.LittleEndian nor binary.BigEndian. The Metadata of ins is kept.
func (ins *Instruction) Unmarshal(r io.Reader, bo binary.ByteOrder) (uint64, error) {
	o, err := checkByteOrder(bo)
	if err != nil {
		return 0, err
	}

	var slot [InstructionSize]byte
	if err := readSlot(r, &slot); err != nil {
		return 0, err
	}
	ins.decodeSlot(slot[:], o)
	if !ins.OpCode.IsDWordLoad() {
		return InstructionSize, nil
	}

	if err := readSlot(r, &slot); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, fmt.Errorf("%w: %w", errMissingSecondHalf, err)
	}
	if err := ins.decodeSecondSlot(slot[:], o); err != nil {
		return 0, err
	}
	return 2 * InstructionSize, nil
}

// readSlot reads exactly one slot from r, like io.ReadFull. A *bytes.Reader
// is read without going through the io.Reader interface, which would move
// slot to the heap.
func readSlot(r io.Reader, slot *[InstructionSize]byte) error {
	if br, ok := r.(*bytes.Reader); ok {
		n, _ := br.Read(slot[:])
		switch {
		case n == 0:
			return io.EOF
		case n < InstructionSize:
			return io.ErrUnexpectedEOF
		}
		return nil
	}

	buf := make([]byte, InstructionSize)
	if _, err := io.ReadFull(r, buf); err != nil {
		return err
	}
	copy(slot[:], buf)
	return nil
}

// wireFields returns the opcode byte and offset that encode ins, undoing the
// folding of extended ALU operations.
func (ins *Instruction) wireFields() (uint8, int16, error) {
	op, offset := ins.OpCode, ins.Offset
	if op == InvalidOpCode {
		return 0, 0, errors.New("invalid opcode")
	}
	if op.Class().IsALU() {
		base, extOffset, ok := op.ALUOp().wireOffset()
		if !ok {
			return 0, 0, fmt.Errorf("invalid opcode %s", op)
		}
		if extOffset != 0 {
			if offset != 0 {
				return 0, 0, fmt.Errorf("%s: extended ALU opcodes must have an Offset of 0, not %d", op, offset)
			}
			op, offset = op.SetALUOp(base), extOffset
		}
	}
	if op > 0xff {
		return 0, 0, fmt.Errorf("invalid opcode %s: bits above the opcode byte are set", op)
	}
	return uint8(op), offset, nil
}

// appendTo appends the wire encoding of ins to b.
func (ins *Instruction) appendTo(b []byte, o byteOrder) ([]byte, error) {
	op, offset, err := ins.wireFields()
	if err != nil {
		return b, err
	}
	if ins.Dst > 0xf || ins.Src > 0xf {
		return b, fmt.Errorf("register out of range: dst %d, src %d", ins.Dst, ins.Src)
	}
	regs := uint8(ins.Dst) | uint8(ins.Src)<<4
	if o == bigEndian {
		regs = uint8(ins.Dst)<<4 | uint8(ins.Src)
	}

	isDWordLoad := ins.OpCode.IsDWordLoad()
	if !isDWordLoad && (ins.Constant < math.MinInt32 || ins.Constant > math.MaxUint32) {
		return b, fmt.Errorf("%s: constant %d does not fit into 32 bits", ins.OpCode, ins.Constant)
	}

	b = append(b, op, regs)
	b = o.appendUint16(b, uint16(offset))
	b = o.appendUint32(b, uint32(ins.Constant))
	if isDWordLoad {
		b = append(b, 0, 0, 0, 0)
		b = o.appendUint32(b, uint32(uint64(ins.Constant)>>32))
	}
	return b, nil
}

// Marshal encodes ins to w and returns the number of bytes written, 8 or 16.
// It returns an error for InvalidOpCode, an extended ALU operation with a
// non-zero Offset, opcode bits that do not fit the wire format, a register
// above 15, a Constant that does not fit into 32 bits (except for 64-bit
// immediate loads), a byte order other than binary.LittleEndian or
// binary.BigEndian, and errors from w.
func (ins Instruction) Marshal(w io.Writer, bo binary.ByteOrder) (uint64, error) {
	o, err := checkByteOrder(bo)
	if err != nil {
		return 0, err
	}

	var buf [2 * InstructionSize]byte
	b, err := ins.appendTo(buf[:0], o)
	if err != nil {
		return 0, err
	}
	if err := writeAll(w, b); err != nil {
		return 0, err
	}
	return uint64(len(b)), nil
}

// writeAll writes b to w. A *bytes.Buffer is written without going through
// the io.Writer interface, so that b can stay on the caller's stack; other
// writers get a copy, since an interface call keeps nothing from escaping.
func writeAll(w io.Writer, b []byte) error {
	if bb, ok := w.(*bytes.Buffer); ok {
		bb.Write(b)
		return nil
	}
	_, err := w.Write(bytes.Clone(b))
	return err
}
