package asm

import (
	"encoding/binary"
	"fmt"
	"io"
)

// The signatures of API.md §2, checked by the compiler: a mismatch fails the
// build of the tests.
var (
	_ func(Class) bool   = Class.IsLoad
	_ func(Class) bool   = Class.IsStore
	_ func(Class) bool   = Class.IsALU
	_ func(Class) bool   = Class.IsJump
	_ func(Class) string = Class.String

	_ func(OpCode) bool                 = OpCode.IsDWordLoad
	_ func(OpCode) Class                = OpCode.Class
	_ func(OpCode) Mode                 = OpCode.Mode
	_ func(OpCode) Size                 = OpCode.Size
	_ func(OpCode) Source               = OpCode.Source
	_ func(OpCode) ALUOp                = OpCode.ALUOp
	_ func(OpCode) Endianness           = OpCode.Endianness
	_ func(OpCode) JumpOp               = OpCode.JumpOp
	_ func(OpCode, Mode) OpCode         = OpCode.SetMode
	_ func(OpCode, Size) OpCode         = OpCode.SetSize
	_ func(OpCode, Source) OpCode       = OpCode.SetSource
	_ func(OpCode, ALUOp) OpCode        = OpCode.SetALUOp
	_ func(OpCode, JumpOp) OpCode       = OpCode.SetJumpOp
	_ func(OpCode) string               = OpCode.String
	_ func(Size) int                    = Size.Sizeof
	_ func(RawInstructionOffset) uint64 = RawInstructionOffset.Bytes
	_ func(Register) string             = Register.String
	_ func(Mode) string                 = Mode.String
	_ func(Size) string                 = Size.String
	_ func(Source) string               = Source.String
	_ func(Endianness) string           = Endianness.String
	_ func(ALUOp) string                = ALUOp.String
	_ func(JumpOp) string               = JumpOp.String
	_ func(BuiltinFunc) string          = BuiltinFunc.String

	_ func(*Instruction, io.Reader, binary.ByteOrder) (uint64, error) = (*Instruction).Unmarshal
	_ func(Instruction, io.Writer, binary.ByteOrder) (uint64, error)  = Instruction.Marshal
	_ func(*Instruction, FDer) error                                  = (*Instruction).AssociateMap
	_ func(*Instruction, int) error                                   = (*Instruction).RewriteMapPtr
	_ func(*Instruction) int                                          = (*Instruction).MapPtr
	_ func(*Instruction, uint32) error                                = (*Instruction).RewriteMapOffset
	_ func(*Instruction) bool                                         = (*Instruction).IsLoadFromMap
	_ func(*Instruction) bool                                         = (*Instruction).IsFunctionCall
	_ func(*Instruction) bool                                         = (*Instruction).IsKfuncCall
	_ func(*Instruction) bool                                         = (*Instruction).IsLoadOfFunctionPointer
	_ func(*Instruction) bool                                         = (*Instruction).IsFunctionReference
	_ func(*Instruction) bool                                         = (*Instruction).IsBuiltinCall
	_ func(*Instruction, Size) bool                                   = (*Instruction).IsConstantLoad
	_ func(Instruction, fmt.State, rune)                              = Instruction.Format
	_ func(Instruction) uint64                                        = Instruction.Size
	_ func(Instruction, Metadata) Instruction                         = Instruction.WithMetadata
	_ func(Instruction, string) Instruction                           = Instruction.WithSymbol
	_ func(Instruction, string) Instruction                           = Instruction.Sym
	_ func(Instruction) string                                        = Instruction.Symbol
	_ func(Instruction, string) Instruction                           = Instruction.WithReference
	_ func(Instruction) string                                        = Instruction.Reference
	_ func(Instruction) FDer                                          = Instruction.Map
	_ func(Instruction, fmt.Stringer) Instruction                     = Instruction.WithSource
	_ func(Instruction) fmt.Stringer                                  = Instruction.Source
	_ func(Comment) string                                            = Comment.String
	_ func(error) bool                                                = IsUnreferencedSymbol
	_ error                                                           = ErrUnreferencedSymbol
	_ error                                                           = ErrUnsatisfiedMapReference
	_ error                                                           = ErrUnsatisfiedProgramReference

	_ func(*Instructions, io.Reader, binary.ByteOrder) error = (*Instructions).Unmarshal
	_ func(Instructions) string                              = Instructions.Name
	_ func(Instructions) string                              = Instructions.String
	_ func(Instructions) uint64                              = Instructions.Size
	_ func(Instructions, string, FDer) error                 = Instructions.AssociateMap
	_ func(Instructions, string, int) error                  = Instructions.RewriteMapPtr
	_ func(Instructions) (map[string]int, error)             = Instructions.SymbolOffsets
	_ func(Instructions) []string                            = Instructions.FunctionReferences
	_ func(Instructions) map[string][]int                    = Instructions.ReferenceOffsets
	_ func(Instructions, fmt.State, rune)                    = Instructions.Format
	_ func(Instructions, io.Writer, binary.ByteOrder) error  = Instructions.Marshal
	_ func(Instructions, binary.ByteOrder) (string, error)   = Instructions.Tag
	_ func(Instructions) *InstructionIterator                = Instructions.Iterate
	_ func(*InstructionIterator) bool                        = (*InstructionIterator).Next
	_ func(*Metadata, interface{}, interface{})              = (*Metadata).Set
	_ func(*Metadata, interface{}) interface{}               = (*Metadata).Get

	_ func(ALUOp, Source) OpCode                           = ALUOp.Op
	_ func(ALUOp, Register, Register) Instruction          = ALUOp.Reg
	_ func(ALUOp, Register, int32) Instruction             = ALUOp.Imm
	_ func(ALUOp, Source) OpCode                           = ALUOp.Op32
	_ func(ALUOp, Register, Register) Instruction          = ALUOp.Reg32
	_ func(ALUOp, Register, int32) Instruction             = ALUOp.Imm32
	_ func(Endianness, Register, Size) Instruction         = HostTo
	_ func(Register, Size) Instruction                     = BSwap
	_ func(JumpOp, Source) OpCode                          = JumpOp.Op
	_ func(JumpOp, Register, int32, string) Instruction    = JumpOp.Imm
	_ func(JumpOp, Register, int32, string) Instruction    = JumpOp.Imm32
	_ func(JumpOp, Register, Register, string) Instruction = JumpOp.Reg
	_ func(JumpOp, Register, Register, string) Instruction = JumpOp.Reg32
	_ func(JumpOp, string) Instruction                     = JumpOp.Label
	_ func(string) Instruction                             = LongJump
	_ func() Instruction                                   = Return
	_ func(BuiltinFunc) Instruction                        = BuiltinFunc.Call
	_ func(BuiltinFunc) BuiltinFunc                        = BuiltinFunc.Max
	_ func(Size) OpCode                                    = LoadMemOp
	_ func(Size) OpCode                                    = LoadMemSXOp
	_ func(Register, Register, int16, Size) Instruction    = LoadMem
	_ func(Register, Register, int16, Size) Instruction    = LoadMemSX
	_ func(Size) OpCode                                    = LoadImmOp
	_ func(Register, int64, Size) Instruction              = LoadImm
	_ func(Register, int) Instruction                      = LoadMapPtr
	_ func(Register, int, uint32) Instruction              = LoadMapValue
	_ func(Size) OpCode                                    = LoadIndOp
	_ func(Register, Register, int32, Size) Instruction    = LoadInd
	_ func(Size) OpCode                                    = LoadAbsOp
	_ func(int32, Size) Instruction                        = LoadAbs
	_ func(Size) OpCode                                    = StoreMemOp
	_ func(Register, int16, Register, Size) Instruction    = StoreMem
	_ func(Size) OpCode                                    = StoreImmOp
	_ func(Register, int16, int64, Size) Instruction       = StoreImm
	_ func(Size) OpCode                                    = StoreXAddOp
	_ func(Register, Register, Size) Instruction           = StoreXAdd

	_ = InstructionIterator{Ins: (*Instruction)(nil), Index: 0, Offset: RawInstructionOffset(0)}
	_ = Instruction{OpCode(0), Register(0), Register(0), int16(0), int64(0), Metadata{}}
)

// Untyped and typed constants of API.md §2.1.
const (
	_ = InstructionSize + 0
	_ = InvalidOpCode + OpCode(0)
	_ = RFP + PseudoMapFD + PseudoMapValue + PseudoCall + PseudoFunc + PseudoKfuncCall
)
