package asm

import (
	"errors"
	"fmt"
)

// Instruction is one decoded eBPF instruction. A 64-bit immediate load
// (LdImmDW) is a single Instruction although it takes two slots on the wire.
type Instruction struct {
	OpCode   OpCode
	Dst      Register
	Src      Register
	Offset   int16
	Constant int64

	// Metadata carries what the wire format has no room for: symbols,
	// references, source lines and associated maps.
	Metadata Metadata
}

// FDer is anything with a file descriptor, such as a map.
type FDer interface {
	FD() int
}

// Comment is a line of source code or a remark attached to an instruction
// with WithSource.
type Comment string

// String returns the comment.
func (s Comment) String() string {
	return string(s)
}

var (
	// ErrUnreferencedSymbol is wrapped when no instruction refers to the
	// symbol an operation was asked to resolve.
	ErrUnreferencedSymbol = errors.New("unreferenced symbol")

	// ErrUnsatisfiedMapReference is wrapped when a map load refers to a
	// map that was not provided.
	ErrUnsatisfiedMapReference = errors.New("unsatisfied map reference")

	// ErrUnsatisfiedProgramReference is wrapped when a call, jump or
	// function pointer refers to a symbol no instruction defines.
	ErrUnsatisfiedProgramReference = errors.New("unsatisfied program reference")
)

// IsUnreferencedSymbol reports whether err wraps ErrUnreferencedSymbol.
//
// Deprecated: use errors.Is(err, asm.ErrUnreferencedSymbol).
func IsUnreferencedSymbol(err error) bool {
	return errors.Is(err, ErrUnreferencedSymbol)
}

// errNotMapLoad is returned by the map accessors for other instructions.
var errNotMapLoad = errors.New("not a load from a map")

// Size returns the encoded size of the instruction in bytes: 16 for a 64-bit
// immediate load, 8 otherwise.
func (ins Instruction) Size() uint64 {
	return uint64(InstructionSize * ins.OpCode.rawInstructions())
}

// equal compares the wire-relevant fields, ignoring Metadata.
func (ins Instruction) equal(other Instruction) bool {
	return ins.OpCode == other.OpCode &&
		ins.Dst == other.Dst &&
		ins.Src == other.Src &&
		ins.Offset == other.Offset &&
		ins.Constant == other.Constant
}

// IsLoadFromMap reports whether ins loads a map pointer or a pointer to a
// map value by file descriptor (Src PseudoMapFD or PseudoMapValue).
func (ins *Instruction) IsLoadFromMap() bool {
	return ins.OpCode.IsDWordLoad() && (ins.Src == PseudoMapFD || ins.Src == PseudoMapValue)
}

// IsFunctionCall reports whether ins calls another function of the same
// program (Src PseudoCall). Calls of helpers are IsBuiltinCall.
func (ins *Instruction) IsFunctionCall() bool {
	return ins.OpCode.JumpOp() == Call && ins.Src == PseudoCall
}

// IsKfuncCall reports whether ins calls a kernel function (kfunc).
func (ins *Instruction) IsKfuncCall() bool {
	return ins.OpCode.JumpOp() == Call && ins.Src == PseudoKfuncCall
}

// IsLoadOfFunctionPointer reports whether ins loads the address of a
// bpf-to-bpf function, for example a callback.
func (ins *Instruction) IsLoadOfFunctionPointer() bool {
	return ins.OpCode.IsDWordLoad() && ins.Src == PseudoFunc
}

// IsFunctionReference reports whether ins refers to a bpf-to-bpf function:
// a call or the load of its address.
func (ins *Instruction) IsFunctionReference() bool {
	return ins.IsFunctionCall() || ins.IsLoadOfFunctionPointer()
}

// IsBuiltinCall reports whether ins calls a BPF helper.
func (ins *Instruction) IsBuiltinCall() bool {
	return ins.OpCode.JumpOp() == Call && ins.Src == R0 && ins.Dst == R0
}

// IsConstantLoad reports whether ins loads a plain immediate of the given
// size, without pseudo source or offset.
func (ins *Instruction) IsConstantLoad(size Size) bool {
	return ins.OpCode == LoadImmOp(size) && ins.Src == R0 && ins.Offset == 0
}

// mapFd returns the file descriptor held in the low 32 bits of Constant.
func (ins Instruction) mapFd() int {
	return int(int32(ins.Constant))
}

// mapOffset returns the map value offset held in the high 32 bits of
// Constant.
func (ins Instruction) mapOffset() uint32 {
	return uint32(uint64(ins.Constant) >> 32)
}

// encodeMapFD replaces the low 32 bits of Constant with fd.
func (ins *Instruction) encodeMapFD(fd int) {
	ins.Constant = int64(uint64(ins.Constant)&^0xffffffff | uint64(uint32(fd)))
}

// AssociateMap attaches m to a map load, replacing its symbolic reference.
// The file descriptor of m is written into the instruction when it is
// marshaled, so m may be replaced until then. It returns an error if ins is
// not a load from a map.
func (ins *Instruction) AssociateMap(m FDer) error {
	if !ins.IsLoadFromMap() {
		return errNotMapLoad
	}
	ins.Metadata.Set(referenceMeta{}, nil)
	ins.Metadata.Set(mapMeta{}, m)
	return nil
}

// RewriteMapPtr writes fd into a map load, keeping the value offset. It
// returns an error if ins is not a load from a map.
//
// Deprecated: use AssociateMap, which resolves the fd at marshal time.
func (ins *Instruction) RewriteMapPtr(fd int) error {
	if !ins.IsLoadFromMap() {
		return errNotMapLoad
	}
	ins.encodeMapFD(fd)
	return nil
}

// MapPtr returns the file descriptor of the associated map, or else the fd
// held in the instruction.
//
// Deprecated: use Map to get the associated map.
func (ins *Instruction) MapPtr() int {
	if m := ins.Map(); m != nil {
		return m.FD()
	}
	return ins.mapFd()
}

// RewriteMapOffset replaces the value offset of a map value load, keeping
// the fd. It returns an error unless ins is a 64-bit immediate load with Src
// PseudoMapValue.
func (ins *Instruction) RewriteMapOffset(offset uint32) error {
	if !ins.OpCode.IsDWordLoad() {
		return fmt.Errorf("%s is not a 64-bit immediate load", ins.OpCode)
	}
	if ins.Src != PseudoMapValue {
		return errors.New("not a direct load from a map value")
	}
	fd := uint64(ins.Constant) & 0xffffffff
	ins.Constant = int64(uint64(offset)<<32 | fd)
	return nil
}

type (
	symbolMeta    struct{}
	referenceMeta struct{}
	mapMeta       struct{}
	sourceMeta    struct{}
)

// WithMetadata returns a copy of ins with its metadata replaced by meta.
func (ins Instruction) WithMetadata(meta Metadata) Instruction {
	ins.Metadata = meta
	return ins
}

// WithSymbol returns a copy of ins that defines the symbol name: the target
// of jumps and calls referencing name, or the entry of a function.
func (ins Instruction) WithSymbol(name string) Instruction {
	ins.Metadata.setString(symbolMeta{}, name)
	return ins
}

// Sym returns a copy of ins that defines the symbol name.
//
// Deprecated: use WithSymbol.
func (ins Instruction) Sym(name string) Instruction {
	return ins.WithSymbol(name)
}

// Symbol returns the symbol ins defines, or "".
func (ins Instruction) Symbol() string {
	return ins.Metadata.getString(symbolMeta{})
}

// WithReference returns a copy of ins that refers to ref: the target of a
// jump or call, or a map to be associated.
func (ins Instruction) WithReference(ref string) Instruction {
	ins.Metadata.setString(referenceMeta{}, ref)
	return ins
}

// Reference returns the symbol ins refers to, or "".
func (ins Instruction) Reference() string {
	return ins.Metadata.getString(referenceMeta{})
}

// Map returns the map associated with ins by AssociateMap, or nil.
func (ins Instruction) Map() FDer {
	m, _ := ins.Metadata.Get(mapMeta{}).(FDer)
	return m
}

// WithSource returns a copy of ins annotated with src, usually the source
// line it was compiled from (a btf.Line or a Comment); nil removes it.
func (ins Instruction) WithSource(src fmt.Stringer) Instruction {
	ins.Metadata.Set(sourceMeta{}, src)
	return ins
}

// Source returns the source annotation of ins, or nil.
func (ins Instruction) Source() fmt.Stringer {
	src, _ := ins.Metadata.Get(sourceMeta{}).(fmt.Stringer)
	return src
}
