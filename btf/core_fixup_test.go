package btf

import (
	"regexp"
	"testing"

	"github.com/bpfcore/ebpf/asm"
	"github.com/go-quicktest/qt"
)

func TestCOREFixupString(t *testing.T) {
	qt.Check(t, qt.Equals((&COREFixup{kind: reloFieldByteOffset, local: 1, target: 2}).String(), "byte_off=1->2"))
	qt.Check(t, qt.Equals((&COREFixup{kind: reloEnumvalValue, poison: true}).String(), "enumval_value=poison"))
}

func TestCOREFixupApply(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fixup COREFixup
		ins   asm.Instruction
		want  asm.Instruction
	}{
		{"load offset",
			COREFixup{kind: reloFieldByteOffset, local: 4, target: 12},
			asm.LoadMem(asm.R1, asm.R2, 4, asm.Word),
			asm.LoadMem(asm.R1, asm.R2, 12, asm.Word)},
		{"store offset",
			COREFixup{kind: reloFieldByteOffset, local: 4, target: 12},
			asm.StoreMem(asm.R1, 4, asm.R2, asm.Half),
			asm.StoreMem(asm.R1, 12, asm.R2, asm.Half)},
		{"store immediate",
			COREFixup{kind: reloFieldByteOffset, local: 4, target: 12},
			asm.StoreImm(asm.R1, 4, 7, asm.DWord),
			asm.StoreImm(asm.R1, 12, 7, asm.DWord)},
		{"unvalidated offset",
			COREFixup{kind: reloFieldByteOffset, local: 4, target: 12, skipLocalValidation: true},
			asm.LoadMem(asm.R1, asm.R2, 0, asm.Word),
			asm.LoadMem(asm.R1, asm.R2, 12, asm.Word)},
		{"resized unsigned load",
			COREFixup{kind: reloFieldByteOffset, local: 4, target: 12, localSize: 1, targetSize: 4},
			asm.LoadMem(asm.R1, asm.R2, 4, asm.Byte),
			asm.LoadMem(asm.R1, asm.R2, 12, asm.Word)},
		{"mov immediate",
			COREFixup{kind: reloFieldByteSize, local: 1, target: 8},
			asm.Mov.Imm(asm.R1, 1),
			asm.Mov.Imm(asm.R1, 8)},
		{"add immediate",
			COREFixup{kind: reloFieldByteOffset, local: 1, target: 8},
			asm.Add.Imm32(asm.R1, 1),
			asm.Add.Imm32(asm.R1, 8)},
		{"negative immediate",
			COREFixup{kind: reloEnumvalValue, local: 1, target: 0xfffffffffffffffe},
			asm.Mov.Imm(asm.R1, 1),
			asm.Mov.Imm(asm.R1, -2)},
		{"32-bit unsigned immediate",
			COREFixup{kind: reloEnumvalValue, local: 0x80000000, target: 0xfffffffe},
			asm.Mov.Imm32(asm.R1, -0x80000000),
			asm.Mov.Imm32(asm.R1, -2)},
		{"64-bit immediate",
			COREFixup{kind: reloEnumvalValue, local: 1, target: 0x1234567890},
			asm.LoadImm(asm.R1, 1, asm.DWord),
			asm.LoadImm(asm.R1, 0x1234567890, asm.DWord)},
		{"64-bit negative immediate",
			COREFixup{kind: reloEnumvalValue, local: 0xfffffffffffffffe, target: 3},
			asm.LoadImm(asm.R1, -2, asm.DWord),
			asm.LoadImm(asm.R1, 3, asm.DWord)},
		{"poisoned load",
			COREFixup{kind: reloFieldByteOffset, poison: true},
			asm.LoadMem(asm.R1, asm.R2, 4, asm.Word),
			asm.BuiltinFunc(COREBadRelocationSentinel).Call()},
		{"poisoned 64-bit immediate",
			COREFixup{kind: reloEnumvalValue, poison: true},
			asm.LoadImm(asm.R1, 1, asm.DWord),
			asm.LoadImm(asm.R10, COREBadRelocationSentinel, asm.DWord)},
		{"unsafe resize poisons",
			COREFixup{kind: reloFieldByteOffset, local: 4, target: 12, localSize: 1, targetSize: 4, resizeUnsafe: true},
			asm.LoadMem(asm.R1, asm.R2, 4, asm.Byte),
			asm.BuiltinFunc(COREBadRelocationSentinel).Call()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ins := tc.ins.WithSymbol("sym")
			qt.Assert(t, qt.IsNil(tc.fixup.Apply(&ins)))
			qt.Check(t, qt.Equals(ins.OpCode, tc.want.OpCode))
			qt.Check(t, qt.Equals(ins.Dst, tc.want.Dst))
			qt.Check(t, qt.Equals(ins.Src, tc.want.Src))
			qt.Check(t, qt.Equals(ins.Offset, tc.want.Offset))
			qt.Check(t, qt.Equals(ins.Constant, tc.want.Constant))
			// Metadata survives, poisoned or not.
			qt.Check(t, qt.Equals(ins.Symbol(), "sym"))
			if ins.Constant == COREBadRelocationSentinel {
				qt.Check(t, qt.StringContains(ins.Source().String(), "instruction poisoned by CO-RE"))
			}
		})
	}

	for _, tc := range []struct {
		name  string
		fixup COREFixup
		ins   asm.Instruction
		err   string
	}{
		{"wrong offset",
			COREFixup{kind: reloFieldByteOffset, local: 4, target: 12},
			asm.LoadMem(asm.R1, asm.R2, 8, asm.Word), "invalid offset 8, expected 4"},
		{"offset too large",
			COREFixup{kind: reloFieldByteOffset, local: 4, target: 1 << 15},
			asm.LoadMem(asm.R1, asm.R2, 4, asm.Word), "exceeds MaxInt16"},
		{"unexpected access size",
			COREFixup{kind: reloFieldByteOffset, local: 4, target: 12, localSize: 1, targetSize: 4},
			asm.LoadMem(asm.R1, asm.R2, 4, asm.Word), "accesses 4 bytes, expected 1"},
		{"unloadable size",
			COREFixup{kind: reloFieldByteOffset, local: 4, target: 12, localSize: 1, targetSize: 3},
			asm.LoadMem(asm.R1, asm.R2, 4, asm.Byte), "can't be accessed"},
		{"wrong immediate",
			COREFixup{kind: reloFieldByteSize, local: 1, target: 8},
			asm.Mov.Imm(asm.R1, 2), "invalid immediate 2, expected 1"},
		{"immediate too large",
			COREFixup{kind: reloEnumvalValue, local: 1, target: 1 << 31},
			asm.Mov.Imm(asm.R1, 1), "doesn't fit"},
		{"register source",
			COREFixup{kind: reloFieldByteSize, local: 1, target: 8},
			asm.Mov.Reg(asm.R1, asm.R2), "no immediate"},
		{"byte swap",
			COREFixup{kind: reloFieldByteSize, local: 16, target: 8},
			asm.HostTo(asm.LE, asm.R1, asm.Half), "byte swap"},
		{"wrong 64-bit immediate",
			COREFixup{kind: reloEnumvalValue, local: 1, target: 8},
			asm.LoadImm(asm.R1, 2, asm.DWord), "invalid immediate 2, expected 1"},
		{"map load",
			COREFixup{kind: reloEnumvalValue, local: 1, target: 8},
			asm.LoadMapPtr(asm.R1, 1), "not a 64-bit immediate load"},
		{"jump",
			COREFixup{kind: reloFieldByteOffset, local: 1, target: 8},
			asm.JEq.Imm(asm.R1, 1, "x"), "can't relocate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ins := tc.ins
			err := tc.fixup.Apply(&ins)
			qt.Assert(t, qt.ErrorMatches(err, ".*"+regexp.QuoteMeta(tc.err)+".*"))
			qt.Check(t, qt.Equals(ins.OpCode, tc.ins.OpCode))
			qt.Check(t, qt.Equals(ins.Offset, tc.ins.Offset))
			qt.Check(t, qt.Equals(ins.Constant, tc.ins.Constant))
		})
	}
}

// TestCOREFixupApplyNamesRelocation checks that errors and poisoned
// instructions name the relocation and its type.
func TestCOREFixupApplyNamesRelocation(t *testing.T) {
	relo := &CORERelocation{&Struct{Name: "task_struct"}, coreAccessor{0, 3}, reloFieldByteOffset, 7}

	fixup := COREFixup{kind: reloFieldByteOffset, local: 4, target: 12, relo: relo}
	ins := asm.LoadMem(asm.R1, asm.R2, 8, asm.Word)
	err := fixup.Apply(&ins)
	qt.Assert(t, qt.ErrorMatches(err, `CORERelocation\(byte_off, Struct:"task_struct"\[0:3\], local_id=7\).*`))

	fixup = COREFixup{kind: reloFieldByteOffset, poison: true, relo: relo}
	qt.Assert(t, qt.IsNil(fixup.Apply(&ins)))
	qt.Assert(t, qt.Equals(ins.Source().String(),
		`instruction poisoned by CO-RE: CORERelocation(byte_off, Struct:"task_struct"[0:3], local_id=7)`))
}
