package asm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestOpCodeString(t *testing.T) {
	for op, want := range map[OpCode]string{
		LoadImmOp(DWord):            "LdImmDW",
		LoadMemOp(Word):             "LdXMemW",
		LoadMemSXOp(Byte):           "LdXMemSXB",
		StoreImmOp(DWord):           "StMemDW",
		StoreXAddOp(Word):           "StXXAddW",
		LoadAbsOp(Byte):             "LdAbsB",
		LoadIndOp(Half):             "LdIndH",
		Add.Op(ImmSource):           "AddImm",
		Add.Op(RegSource):           "AddReg",
		Mov.Op32(ImmSource):         "MovImm32",
		SDiv.Op32(RegSource):        "SDivReg32",
		MovSX8.Op(RegSource):        "MovSX8Reg",
		HostTo(BE, R0, Half).OpCode: "SwapBE",
		HostTo(LE, R0, Half).OpCode: "SwapLE",
		BSwap(R0, Word).OpCode:      "BSwap",
		JEq.Op(ImmSource):           "JEqImm",
		OpCode(Jump32Class).SetJumpOp(JSLT).SetSource(RegSource): "JSLTReg32",
		Ja.Op(ImmSource):     "Ja",
		longJumpOp:           "Ja32",
		Call.Op(ImmSource):   "Call",
		Exit.Op(ImmSource):   "Exit",
		OpCode(0xe4):         "OpCode(0xe4)", // ALU op 0xe0 does not exist
		OpCode(0xa6) | 0x100: "OpCode(0x1a6)",
		OpCode(0x96):         "OpCode(0x96)", // exit in JMP32
		OpCode(0xa1):         "OpCode(0xa1)", // mode 0xa0 does not exist
		InvalidOpCode:        "OpCode(0xffff)",
	} {
		qt.Check(t, qt.Equals(op.String(), want), qt.Commentf("%#x", uint16(op)))
	}

	// No byte value may panic or print an empty name.
	for op := OpCode(0); op <= 0xff; op++ {
		qt.Assert(t, qt.Not(qt.Equals(op.String(), "")))
	}
}

func TestEnumStrings(t *testing.T) {
	qt.Check(t, qt.Equals(LdClass.String(), "LdClass"))
	qt.Check(t, qt.Equals(ALU64Class.String(), "ALU64Class"))
	qt.Check(t, qt.Equals(Class(8).String(), "Class(8)"))
	qt.Check(t, qt.Equals(MemSXMode.String(), "MemSXMode"))
	qt.Check(t, qt.Equals(XAddMode.String(), "XAddMode"))
	qt.Check(t, qt.Equals(InvalidMode.String(), "InvalidMode"))
	qt.Check(t, qt.Equals(Mode(0xa0).String(), "Mode(160)"))
	qt.Check(t, qt.Equals(DWord.String(), "DWord"))
	qt.Check(t, qt.Equals(InvalidSize.String(), "InvalidSize"))
	qt.Check(t, qt.Equals(ImmSource.String(), "ImmSource"))
	qt.Check(t, qt.Equals(RegSource.String(), "RegSource"))
	qt.Check(t, qt.Equals(InvalidSource.String(), "InvalidSource"))
	qt.Check(t, qt.Equals(LE.String(), "LE"))
	qt.Check(t, qt.Equals(BE.String(), "BE"))
	qt.Check(t, qt.Equals(InvalidEndian.String(), "InvalidEndian"))
	qt.Check(t, qt.Equals(Add.String(), "Add"))
	qt.Check(t, qt.Equals(MovSX8.String(), "MovSX8"))
	qt.Check(t, qt.Equals(InvalidALUOp.String(), "InvalidALUOp"))
	qt.Check(t, qt.Equals(ALUOp(0xe0).String(), "ALUOp(224)"))
	qt.Check(t, qt.Equals(JEq.String(), "JEq"))
	qt.Check(t, qt.Equals(Call.String(), "Call"))
	qt.Check(t, qt.Equals(InvalidJumpOp.String(), "InvalidJumpOp"))
	qt.Check(t, qt.Equals(JumpOp(0xf0).String(), "JumpOp(240)"))
	qt.Check(t, qt.Equals(FnMapLookupElem.String(), "FnMapLookupElem"))
	qt.Check(t, qt.Equals(FnUnspec.String(), "FnUnspec"))
	qt.Check(t, qt.Equals(BuiltinFunc(-1).String(), "BuiltinFunc(-1)"))
	qt.Check(t, qt.Equals(BuiltinFunc(212).String(), "BuiltinFunc(212)"))
	qt.Check(t, qt.Equals(R0.String(), "r0"))
	qt.Check(t, qt.Equals(R9.String(), "r9"))
	qt.Check(t, qt.Equals(RFP.String(), "rfp"))
	qt.Check(t, qt.Equals(Register(11).String(), "r11"))
	qt.Check(t, qt.Equals(Comment("hello").String(), "hello"))
}

func TestBuiltinFuncNames(t *testing.T) {
	qt.Assert(t, qt.Equals(FnUnspec.Max(), FnCgrpStorageDelete))
	qt.Assert(t, qt.Equals(FnCgrpStorageDelete, BuiltinFunc(211)))
	for fn := FnUnspec; fn <= fn.Max(); fn++ {
		name := fn.String()
		qt.Assert(t, qt.IsTrue(strings.HasPrefix(name, "Fn")), qt.Commentf("%d", fn))
		qt.Assert(t, qt.Not(qt.Equals(name, "Fn")))
	}
	// Spot checks against enum bpf_func_id.
	for fn, want := range map[BuiltinFunc]string{
		12:  "FnTailCall",
		51:  "FnRedirectMap",
		130: "FnRingbufOutput",
		147: "FnDPath",
		209: "FnUserRingbufDrain",
	} {
		qt.Check(t, qt.Equals(fn.String(), want))
	}
}

func TestOpCodeGetters(t *testing.T) {
	ld := LoadMemOp(Half)
	qt.Check(t, qt.Equals(ld.Class(), LdXClass))
	qt.Check(t, qt.Equals(ld.Mode(), MemMode))
	qt.Check(t, qt.Equals(ld.Size(), Half))
	qt.Check(t, qt.Equals(ld.Source(), InvalidSource))
	qt.Check(t, qt.Equals(ld.ALUOp(), InvalidALUOp))
	qt.Check(t, qt.Equals(ld.JumpOp(), InvalidJumpOp))
	qt.Check(t, qt.Equals(ld.Endianness(), InvalidEndian))

	alu := Xor.Op32(RegSource)
	qt.Check(t, qt.Equals(alu.Class(), ALUClass))
	qt.Check(t, qt.Equals(alu.ALUOp(), Xor))
	qt.Check(t, qt.Equals(alu.Source(), RegSource))
	qt.Check(t, qt.Equals(alu.Mode(), InvalidMode))
	qt.Check(t, qt.Equals(alu.Size(), InvalidSize))

	swap := HostTo(BE, R1, Word).OpCode
	qt.Check(t, qt.Equals(swap.ALUOp(), Swap))
	qt.Check(t, qt.Equals(swap.Source(), InvalidSource))
	qt.Check(t, qt.Equals(swap.Endianness(), BE))

	jmp := OpCode(Jump32Class).SetJumpOp(JGE)
	qt.Check(t, qt.Equals(jmp.JumpOp(), JGE))
	qt.Check(t, qt.Equals((Exit.Op(ImmSource)|OpCode(Jump32Class)).JumpOp(), InvalidJumpOp))
	qt.Check(t, qt.Equals((Call.Op(ImmSource)|OpCode(Jump32Class)).JumpOp(), InvalidJumpOp))

	qt.Check(t, qt.IsTrue(LdClass.IsLoad() && LdXClass.IsLoad() && !StClass.IsLoad()))
	qt.Check(t, qt.IsTrue(StClass.IsStore() && StXClass.IsStore() && !LdClass.IsStore()))
	qt.Check(t, qt.IsTrue(ALUClass.IsALU() && ALU64Class.IsALU() && !JumpClass.IsALU()))
	qt.Check(t, qt.IsTrue(JumpClass.IsJump() && Jump32Class.IsJump() && !ALUClass.IsJump()))
	qt.Check(t, qt.IsTrue(OpCode(0x18).IsDWordLoad()))
	qt.Check(t, qt.IsFalse(OpCode(0x10).IsDWordLoad()))
}

func TestOpCodeSetters(t *testing.T) {
	qt.Check(t, qt.Equals(OpCode(LdXClass).SetMode(MemSXMode).SetSize(Byte), OpCode(0x91)))
	qt.Check(t, qt.Equals(OpCode(ALUClass).SetMode(MemMode), InvalidOpCode))
	qt.Check(t, qt.Equals(OpCode(LdClass).SetMode(Mode(0x01)), InvalidOpCode))
	qt.Check(t, qt.Equals(OpCode(JumpClass).SetSize(Word), InvalidOpCode))
	qt.Check(t, qt.Equals(OpCode(LdClass).SetSize(Size(0x20)), InvalidOpCode))
	qt.Check(t, qt.Equals(OpCode(LdClass).SetSource(RegSource), InvalidOpCode))
	qt.Check(t, qt.Equals(OpCode(ALUClass).SetSource(Source(0x10)), InvalidOpCode))
	qt.Check(t, qt.Equals(OpCode(JumpClass).SetALUOp(Add), InvalidOpCode))
	qt.Check(t, qt.Equals(OpCode(ALUClass).SetALUOp(ALUOp(0x4000)), InvalidOpCode))
	qt.Check(t, qt.Equals(OpCode(ALUClass).SetJumpOp(Ja), InvalidOpCode))
	qt.Check(t, qt.Equals(OpCode(JumpClass).SetJumpOp(JumpOp(0x01)), InvalidOpCode))
	// Setters replace, not OR.
	qt.Check(t, qt.Equals(Add.Op(RegSource).SetALUOp(Sub).SetSource(ImmSource), Sub.Op(ImmSource)))
}

func TestSetJumpOp(t *testing.T) {
	for _, jop := range []JumpOp{Ja, JEq, JGT, JGE, JSet, JNE, JSGT, JSGE, Call, Exit, JLT, JLE, JSLT, JSLE} {
		for _, class := range []Class{JumpClass, Jump32Class} {
			op := OpCode(class).SetJumpOp(jop)
			if class == Jump32Class && (jop == Call || jop == Exit) {
				qt.Check(t, qt.Equals(op, InvalidOpCode), qt.Commentf("%v %v", class, jop))
				continue
			}
			qt.Check(t, qt.Not(qt.Equals(op, InvalidOpCode)), qt.Commentf("%v %v", class, jop))
			qt.Check(t, qt.Equals(op.JumpOp(), jop))
		}
	}
}

func TestSizes(t *testing.T) {
	qt.Check(t, qt.Equals(DWord.Sizeof(), 8))
	qt.Check(t, qt.Equals(Word.Sizeof(), 4))
	qt.Check(t, qt.Equals(Half.Sizeof(), 2))
	qt.Check(t, qt.Equals(Byte.Sizeof(), 1))
	qt.Check(t, qt.Equals(InvalidSize.Sizeof(), -1))
	qt.Check(t, qt.Equals(RawInstructionOffset(3).Bytes(), uint64(24)))
}

// TestDSL checks the builders against encodings from the instruction set
// documentation.
func TestDSL(t *testing.T) {
	for _, tc := range []struct {
		name string
		have Instruction
		want Instruction
	}{
		{"Call", FnMapLookupElem.Call(), Instruction{OpCode: 0x85, Constant: 1}},
		{"Exit", Return(), Instruction{OpCode: 0x95}},
		{"LoadAbs", LoadAbs(2, Byte), Instruction{OpCode: 0x30, Constant: 2}},
		{"Store", StoreMem(RFP, -4, R0, Word), Instruction{OpCode: 0x63, Dst: RFP, Offset: -4}},
		{"Add.Imm", Add.Imm(R1, 22), Instruction{OpCode: 0x07, Dst: R1, Constant: 22}},
		{"Add.Reg", Add.Reg(R1, R2), Instruction{OpCode: 0x0f, Dst: R1, Src: R2}},
		{"Add.Imm32", Add.Imm32(R1, 22), Instruction{OpCode: 0x04, Dst: R1, Constant: 22}},
		{"Add.Reg32", Add.Reg32(R1, R2), Instruction{OpCode: 0x0c, Dst: R1, Src: R2}},
		{"JSGT.Imm", JSGT.Imm(R1, 4, "foo"), Instruction{OpCode: 0x65, Dst: R1, Constant: 4, Offset: -1}},
		{"JSGT.Imm32", JSGT.Imm32(R1, -2, "foo"), Instruction{OpCode: 0x66, Dst: R1, Constant: -2, Offset: -1}},
		{"JSLT.Reg", JSLT.Reg(R1, R2, "foo"), Instruction{OpCode: 0xcd, Dst: R1, Src: R2, Offset: -1}},
		{"JSLT.Reg32", JSLT.Reg32(R1, R3, "foo"), Instruction{OpCode: 0xce, Dst: R1, Src: R3, Offset: -1}},
		{"Ja.Label", Ja.Label("foo"), Instruction{OpCode: 0x05, Offset: -1}},
		{"Call.Label", Call.Label("foo"), Instruction{OpCode: 0x85, Src: PseudoCall, Constant: -1}},
		{"LongJump", LongJump("foo"), Instruction{OpCode: 0x06, Constant: -1}},
		{"HostTo", HostTo(BE, R1, Half), Instruction{OpCode: 0xdc, Dst: R1, Constant: 16}},
		{"HostTo DWord", HostTo(LE, R1, DWord), Instruction{OpCode: 0xd4, Dst: R1, Constant: 64}},
		{"BSwap", BSwap(R1, Word), Instruction{OpCode: 0xd7, Dst: R1, Constant: 32}},
		{"HostTo Byte", HostTo(LE, R1, Byte), Instruction{OpCode: InvalidOpCode}},
		{"BSwap Byte", BSwap(R1, Byte), Instruction{OpCode: InvalidOpCode}},
		{"LoadMem", LoadMem(R1, R2, 8, DWord), Instruction{OpCode: 0x79, Dst: R1, Src: R2, Offset: 8}},
		{"LoadMemSX", LoadMemSX(R1, R2, 8, Half), Instruction{OpCode: 0x89, Dst: R1, Src: R2, Offset: 8}},
		{"LoadMemSX DWord", LoadMemSX(R1, R2, 8, DWord), Instruction{OpCode: InvalidOpCode, Dst: R1, Src: R2, Offset: 8}},
		{"LoadImm", LoadImm(R1, 1<<40, DWord), Instruction{OpCode: 0x18, Dst: R1, Constant: 1 << 40}},
		{"LoadMapPtr", LoadMapPtr(R1, 7), Instruction{OpCode: 0x18, Dst: R1, Src: PseudoMapFD, Constant: 7}},
		{"LoadMapPtr negative", LoadMapPtr(R1, -1), Instruction{OpCode: InvalidOpCode}},
		{"LoadMapValue", LoadMapValue(R1, 7, 16), Instruction{OpCode: 0x18, Dst: R1, Src: PseudoMapValue, Constant: 16<<32 | 7}},
		{"LoadMapValue negative", LoadMapValue(R1, -1, 16), Instruction{OpCode: InvalidOpCode}},
		{"LoadInd", LoadInd(R0, R2, 5, Half), Instruction{OpCode: 0x48, Src: R2, Constant: 5}},
		{"StoreImm", StoreImm(RFP, -8, 3, DWord), Instruction{OpCode: 0x7a, Dst: RFP, Offset: -8, Constant: 3}},
		{"StoreXAdd", StoreXAdd(R1, R2, DWord), Instruction{OpCode: 0xdb, Dst: R1, Src: R2}},
		{"Neg", Neg.Imm(R1, 0), Instruction{OpCode: 0x87, Dst: R1}},
		{"MovSX16.Reg32", MovSX16.Reg32(R2, R4), Instruction{OpCode: 0x2bc, Dst: R2, Src: R4}},
		{"JEq.Imm Exit", Exit.Imm(R0, 0, "x"), Instruction{OpCode: InvalidOpCode, Offset: -1}},
		{"Call.Reg", Call.Reg(R0, R1, "x"), Instruction{OpCode: InvalidOpCode, Src: R1, Offset: -1}},
	} {
		qt.Check(t, qt.IsTrue(tc.have.equal(tc.want)), qt.Commentf("%s: %#v", tc.name, tc.have))
	}

	qt.Check(t, qt.Equals(JSGT.Imm(R1, 4, "foo").Reference(), "foo"))
	qt.Check(t, qt.Equals(LongJump("bar").Reference(), "bar"))
	qt.Check(t, qt.Equals(fmt.Sprint(Call.Label("fn")), "Call -1 <fn>"))
	qt.Check(t, qt.Equals(fmt.Sprint(JEq.Imm(R1, 0, "out")), "JEqImm dst: r1 off: -1 imm: 0 <out>"))
	qt.Check(t, qt.Equals(fmt.Sprint(LongJump("far")), "Ja32 imm: -1 <far>"))
}
