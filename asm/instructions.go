package asm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"syscall"
)

// errBadFD is wrapped by Marshal for a map whose fd is negative (closed).
var errBadFD error = syscall.EBADF

// Instructions is an eBPF program: a list of instructions with their
// metadata.
type Instructions []Instruction

// Unmarshal replaces the contents of insns with the instructions decoded
// from r, which is read to the end. It returns an error naming the byte
// offset of the instruction that could not be decoded, including one cut off
// by the end of r, or an error from r.
func (insns *Instructions) Unmarshal(r io.Reader, bo binary.ByteOrder) error {
	o, err := checkByteOrder(bo)
	if err != nil {
		return err
	}
	buf, err := readAll(r)
	if err != nil {
		return fmt.Errorf("read instructions: %w", err)
	}

	out := make(Instructions, countInstructions(buf))
	off := 0
	for i := range out {
		n, err := out[i].decode(buf[off:], o)
		if err != nil {
			return fmt.Errorf("offset %d: %w", off, err)
		}
		off += n
	}
	if off < len(buf) {
		// countInstructions treats a trailing partial slot as one.
		var ins Instruction
		_, err := ins.decode(buf[off:], o)
		return fmt.Errorf("offset %d: %w", off, err)
	}
	*insns = out
	return nil
}

// readAll reads r to the end, with a single allocation for the readers
// whose Len is exactly what remains.
func readAll(r io.Reader) ([]byte, error) {
	var n int
	switch r := r.(type) {
	case *bytes.Reader:
		n = r.Len()
	case *bytes.Buffer:
		n = r.Len()
	case *strings.Reader:
		n = r.Len()
	default:
		return io.ReadAll(r)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// countInstructions returns how many instructions buf holds, counting a
// 64-bit immediate load as one, so that decoding needs a single allocation.
// Partial trailing slots count as an instruction.
func countInstructions(buf []byte) int {
	n := 0
	for off := 0; off < len(buf); n++ {
		if OpCode(buf[off]).IsDWordLoad() {
			off += 2 * InstructionSize
		} else {
			off += InstructionSize
		}
	}
	return n
}

// Name returns the symbol of the first instruction, which is the name of
// the function the instructions implement, or "".
func (insns Instructions) Name() string {
	if len(insns) == 0 {
		return ""
	}
	return insns[0].Symbol()
}

// String returns the disassembly, see Format.
func (insns Instructions) String() string {
	return fmt.Sprint(insns)
}

// Size returns the encoded size of insns in bytes.
func (insns Instructions) Size() uint64 {
	var sum uint64
	for i := range insns {
		sum += insns[i].Size()
	}
	return sum
}

// AssociateMap attaches m to every map load that references symbol. It
// returns an error if symbol is empty, if an instruction referencing symbol
// is not a map load, or one wrapping ErrUnreferencedSymbol if no instruction
// references it.
func (insns Instructions) AssociateMap(symbol string, m FDer) error {
	return insns.forEachReference(symbol, func(ins *Instruction) error {
		return ins.AssociateMap(m)
	})
}

// RewriteMapPtr writes fd into every map load that references symbol. It
// returns the errors of AssociateMap.
//
// Deprecated: use AssociateMap.
func (insns Instructions) RewriteMapPtr(symbol string, fd int) error {
	return insns.forEachReference(symbol, func(ins *Instruction) error {
		return ins.RewriteMapPtr(fd)
	})
}

func (insns Instructions) forEachReference(symbol string, fn func(*Instruction) error) error {
	if symbol == "" {
		return errors.New("empty symbol")
	}
	found := false
	for i := range insns {
		ins := &insns[i]
		if ins.Reference() != symbol {
			continue
		}
		if err := fn(ins); err != nil {
			return fmt.Errorf("symbol %s: instruction %d: %w", symbol, i, err)
		}
		found = true
	}
	if !found {
		return fmt.Errorf("symbol %s: %w", symbol, ErrUnreferencedSymbol)
	}
	return nil
}

// SymbolOffsets returns the index of each symbol defined in insns. It
// returns an error if a symbol is defined twice.
func (insns Instructions) SymbolOffsets() (map[string]int, error) {
	offsets := make(map[string]int)
	for i := range insns {
		sym := insns[i].Symbol()
		if sym == "" {
			continue
		}
		if prev, ok := offsets[sym]; ok {
			return nil, fmt.Errorf("duplicate symbol %s at instructions %d and %d", sym, prev, i)
		}
		offsets[sym] = i
	}
	return offsets, nil
}

// FunctionReferences returns the sorted names of the functions that insns
// calls or takes the address of and that have not been resolved yet
// (Constant -1).
func (insns Instructions) FunctionReferences() []string {
	var refs []string
	for i := range insns {
		ins := &insns[i]
		if ins.Constant != -1 || !ins.IsFunctionReference() {
			continue
		}
		if ref := ins.Reference(); ref != "" {
			refs = append(refs, ref)
		}
	}
	sort.Strings(refs)
	return slices.Compact(refs)
}

// ReferenceOffsets returns the indices of the instructions that reference
// each symbol.
func (insns Instructions) ReferenceOffsets() map[string][]int {
	offsets := make(map[string][]int)
	for i := range insns {
		if ref := insns[i].Reference(); ref != "" {
			offsets[ref] = append(offsets[ref], i)
		}
	}
	return offsets
}

// Marshal encodes insns to w. It first resolves references in place, so it
// modifies the elements of insns: calls, function pointer loads and long
// jumps with Constant -1 get the distance to their target in Constant, other
// jumps with Offset -1 in Offset. Then it writes the file descriptors of
// associated maps into map loads. It returns an error for a symbol defined
// twice, one wrapping ErrUnsatisfiedProgramReference for a reference to a
// symbol that is not defined, for a target out of reach of a 16-bit Offset,
// for a map with a negative fd, for an instruction that cannot be encoded
// (naming its index), and errors from w.
func (insns Instructions) Marshal(w io.Writer, bo binary.ByteOrder) error {
	o, err := checkByteOrder(bo)
	if err != nil {
		return err
	}
	if err := insns.encodeFunctionReferences(); err != nil {
		return err
	}
	if err := insns.encodeMapFDs(); err != nil {
		return err
	}

	size := int(insns.Size())
	if bb, ok := w.(*bytes.Buffer); ok {
		// Encode straight into the buffer's spare capacity.
		bb.Grow(size)
		b, err := insns.appendTo(bb.AvailableBuffer(), o)
		if err != nil {
			return err
		}
		bb.Write(b)
		return nil
	}

	b, err := insns.appendTo(make([]byte, 0, size), o)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func (insns Instructions) appendTo(b []byte, o byteOrder) ([]byte, error) {
	for i := range insns {
		var err error
		b, err = insns[i].appendTo(b, o)
		if err != nil {
			return nil, fmt.Errorf("instruction %d: %w", i, err)
		}
	}
	return b, nil
}

// encodeFunctionReferences resolves symbolic references into relative
// offsets, counted in raw instructions from the one after the referencing
// instruction.
func (insns Instructions) encodeFunctionReferences() error {
	var symbols map[string]RawInstructionOffset
	var offset RawInstructionOffset
	for i := range insns {
		if sym := insns[i].Symbol(); sym != "" {
			if symbols == nil {
				symbols = make(map[string]RawInstructionOffset)
			}
			if _, ok := symbols[sym]; ok {
				return fmt.Errorf("duplicate symbol %s", sym)
			}
			symbols[sym] = offset
		}
		offset += RawInstructionOffset(insns[i].OpCode.rawInstructions())
	}

	offset = 0
	for i := range insns {
		ins := &insns[i]
		here := offset
		offset += RawInstructionOffset(ins.OpCode.rawInstructions())

		ref := ins.Reference()
		if ref == "" {
			continue
		}
		inConstant := (ins.IsFunctionReference() || ins.OpCode == longJumpOp) && ins.Constant == -1
		jop := ins.OpCode.JumpOp()
		inOffset := !inConstant && ins.Offset == -1 &&
			ins.OpCode.Class().IsJump() && jop != Call && jop != Exit
		if !inConstant && !inOffset {
			continue
		}

		target, ok := symbols[ref]
		if !ok {
			return fmt.Errorf("%s at insn %d: symbol %q: %w", ins.OpCode, i, ref, ErrUnsatisfiedProgramReference)
		}
		distance := int64(target) - int64(here) - 1
		if inConstant {
			ins.Constant = distance
			continue
		}
		if distance < -1<<15 || distance >= 1<<15 {
			return fmt.Errorf("%s at insn %d: symbol %q is %d instructions away, too far for a 16-bit offset (use LongJump)", ins.OpCode, i, ref, distance)
		}
		ins.Offset = int16(distance)
	}
	return nil
}

// encodeMapFDs writes the fd of associated maps into map loads.
func (insns Instructions) encodeMapFDs() error {
	for i := range insns {
		ins := &insns[i]
		if !ins.IsLoadFromMap() {
			continue
		}
		m := ins.Map()
		if m == nil {
			continue
		}
		fd := m.FD()
		if fd < 0 {
			return fmt.Errorf("instruction %d: map %v: %w", i, m, errBadFD)
		}
		ins.encodeMapFD(fd)
	}
	return nil
}

// Iterate returns an iterator over insns that also tracks raw offsets.
func (insns Instructions) Iterate() *InstructionIterator {
	return &InstructionIterator{insns: insns}
}

// InstructionIterator iterates over instructions.
type InstructionIterator struct {
	insns Instructions
	// Ins points to the current instruction, inside the iterated slice.
	Ins *Instruction
	// Index is the index of Ins in the iterated slice.
	Index int
	// Offset is the offset of Ins in raw instructions; a 64-bit immediate
	// load counts two.
	Offset RawInstructionOffset
}

// Next advances to the next instruction and reports whether there is one.
func (iter *InstructionIterator) Next() bool {
	if len(iter.insns) == 0 {
		return false
	}
	if iter.Ins != nil {
		iter.Index++
		iter.Offset += RawInstructionOffset(iter.Ins.OpCode.rawInstructions())
	}
	iter.Ins = &iter.insns[0]
	iter.insns = iter.insns[1:]
	return true
}
