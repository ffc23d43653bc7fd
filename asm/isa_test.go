package asm

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
)

// isaCase is one instruction in its little-endian wire form, checked by hand
// against the kernel's instruction-set.rst, with the decoded fields and the
// disassembly.
type isaCase struct {
	wire string // hex, little endian; spaces ignored
	ins  Instruction
	str  string
}

// isaCases covers every opcode family of the current instruction set.
var isaCases = map[string][]isaCase{
	"alu64": {
		{"07 01 0000 2a000000", Instruction{OpCode: 0x07, Dst: R1, Constant: 42}, "AddImm dst: r1 imm: 42"},
		{"0f 21 0000 00000000", Instruction{OpCode: 0x0f, Dst: R1, Src: R2}, "AddReg dst: r1 src: r2"},
		{"17 01 0000 ffffffff", Instruction{OpCode: 0x17, Dst: R1, Constant: -1}, "SubImm dst: r1 imm: -1"},
		{"2f 21 0000 00000000", Instruction{OpCode: 0x2f, Dst: R1, Src: R2}, "MulReg dst: r1 src: r2"},
		{"37 01 0000 05000000", Instruction{OpCode: 0x37, Dst: R1, Constant: 5}, "DivImm dst: r1 imm: 5"},
		{"47 01 0000 01000000", Instruction{OpCode: 0x47, Dst: R1, Constant: 1}, "OrImm dst: r1 imm: 1"},
		{"57 01 0000 ff000000", Instruction{OpCode: 0x57, Dst: R1, Constant: 255}, "AndImm dst: r1 imm: 255"},
		{"67 01 0000 20000000", Instruction{OpCode: 0x67, Dst: R1, Constant: 32}, "LShImm dst: r1 imm: 32"},
		{"7f 21 0000 00000000", Instruction{OpCode: 0x7f, Dst: R1, Src: R2}, "RShReg dst: r1 src: r2"},
		{"87 01 0000 00000000", Instruction{OpCode: 0x87, Dst: R1}, "NegImm dst: r1 imm: 0"},
		{"97 01 0000 03000000", Instruction{OpCode: 0x97, Dst: R1, Constant: 3}, "ModImm dst: r1 imm: 3"},
		{"af 21 0000 00000000", Instruction{OpCode: 0xaf, Dst: R1, Src: R2}, "XorReg dst: r1 src: r2"},
		{"b7 01 0000 2a000000", Instruction{OpCode: 0xb7, Dst: R1, Constant: 42}, "MovImm dst: r1 imm: 42"},
		{"bf a1 0000 00000000", Instruction{OpCode: 0xbf, Dst: R1, Src: RFP}, "MovReg dst: r1 src: rfp"},
		{"c7 01 0000 3f000000", Instruction{OpCode: 0xc7, Dst: R1, Constant: 63}, "ArShImm dst: r1 imm: 63"},
		// addr_space_cast: Mov with Offset 1 is not an extended operation and
		// keeps its Offset.
		{"bf 12 0100 01000000", Instruction{OpCode: 0xbf, Dst: R2, Src: R1, Offset: 1, Constant: 1}, "MovReg dst: r2 src: r1 off: 1"},
	},
	"alu32": {
		{"04 01 0000 01000000", Instruction{OpCode: 0x04, Dst: R1, Constant: 1}, "AddImm32 dst: r1 imm: 1"},
		{"0c 21 0000 00000000", Instruction{OpCode: 0x0c, Dst: R1, Src: R2}, "AddReg32 dst: r1 src: r2"},
		{"b4 00 0000 00000000", Instruction{OpCode: 0xb4}, "MovImm32 dst: r0 imm: 0"},
		{"cc 21 0000 00000000", Instruction{OpCode: 0xcc, Dst: R1, Src: R2}, "ArShReg32 dst: r1 src: r2"},
	},
	"signed div and mod": {
		{"3f 42 0100 00000000", Instruction{OpCode: SDiv.Op(RegSource), Dst: R2, Src: R4}, "SDivReg dst: r2 src: r4"},
		{"37 01 0100 07000000", Instruction{OpCode: SDiv.Op(ImmSource), Dst: R1, Constant: 7}, "SDivImm dst: r1 imm: 7"},
		{"3c 42 0100 00000000", Instruction{OpCode: SDiv.Op32(RegSource), Dst: R2, Src: R4}, "SDivReg32 dst: r2 src: r4"},
		{"9f 42 0100 00000000", Instruction{OpCode: SMod.Op(RegSource), Dst: R2, Src: R4}, "SModReg dst: r2 src: r4"},
		{"94 01 0100 07000000", Instruction{OpCode: SMod.Op32(ImmSource), Dst: R1, Constant: 7}, "SModImm32 dst: r1 imm: 7"},
	},
	"sign-extending moves": {
		{"bf 42 0800 00000000", Instruction{OpCode: MovSX8.Op(RegSource), Dst: R2, Src: R4}, "MovSX8Reg dst: r2 src: r4"},
		{"bf 42 1000 00000000", Instruction{OpCode: MovSX16.Op(RegSource), Dst: R2, Src: R4}, "MovSX16Reg dst: r2 src: r4"},
		{"bf 42 2000 00000000", Instruction{OpCode: MovSX32.Op(RegSource), Dst: R2, Src: R4}, "MovSX32Reg dst: r2 src: r4"},
		{"bc 42 0800 00000000", Instruction{OpCode: MovSX8.Op32(RegSource), Dst: R2, Src: R4}, "MovSX8Reg32 dst: r2 src: r4"},
		{"bc 42 1000 00000000", Instruction{OpCode: MovSX16.Op32(RegSource), Dst: R2, Src: R4}, "MovSX16Reg32 dst: r2 src: r4"},
	},
	"byte swaps": {
		{"d4 01 0000 10000000", Instruction{OpCode: 0xd4, Dst: R1, Constant: 16}, "SwapLE dst: r1 "},
		{"dc 01 0000 20000000", Instruction{OpCode: 0xdc, Dst: R1, Constant: 32}, "SwapBE dst: r1 "},
		{"d7 01 0000 10000000", Instruction{OpCode: 0xd7, Dst: R1, Constant: 16}, "BSwap16 dst: r1 "},
		{"d7 01 0000 20000000", Instruction{OpCode: 0xd7, Dst: R1, Constant: 32}, "BSwap32 dst: r1 "},
		{"d7 01 0000 40000000", Instruction{OpCode: 0xd7, Dst: R1, Constant: 64}, "BSwap64 dst: r1 "},
	},
	"jumps": {
		{"05 00 0200 00000000", Instruction{OpCode: 0x05, Offset: 2}, "Ja off: 2"},
		{"06 00 0000 03000000", Instruction{OpCode: 0x06, Constant: 3}, "Ja32 imm: 3"},
		{"15 01 0300 2a000000", Instruction{OpCode: 0x15, Dst: R1, Offset: 3, Constant: 42}, "JEqImm dst: r1 off: 3 imm: 42"},
		{"1d 21 0300 00000000", Instruction{OpCode: 0x1d, Dst: R1, Src: R2, Offset: 3}, "JEqReg dst: r1 off: 3 src: r2"},
		{"25 01 0100 00000000", Instruction{OpCode: 0x25, Dst: R1, Offset: 1}, "JGTImm dst: r1 off: 1 imm: 0"},
		{"35 01 0100 00000000", Instruction{OpCode: 0x35, Dst: R1, Offset: 1}, "JGEImm dst: r1 off: 1 imm: 0"},
		{"45 01 0100 01000000", Instruction{OpCode: 0x45, Dst: R1, Offset: 1, Constant: 1}, "JSetImm dst: r1 off: 1 imm: 1"},
		{"55 01 0100 00000000", Instruction{OpCode: 0x55, Dst: R1, Offset: 1}, "JNEImm dst: r1 off: 1 imm: 0"},
		{"65 01 0100 00000000", Instruction{OpCode: 0x65, Dst: R1, Offset: 1}, "JSGTImm dst: r1 off: 1 imm: 0"},
		{"75 01 0100 00000000", Instruction{OpCode: 0x75, Dst: R1, Offset: 1}, "JSGEImm dst: r1 off: 1 imm: 0"},
		{"a5 01 0100 00000000", Instruction{OpCode: 0xa5, Dst: R1, Offset: 1}, "JLTImm dst: r1 off: 1 imm: 0"},
		{"b5 01 0100 00000000", Instruction{OpCode: 0xb5, Dst: R1, Offset: 1}, "JLEImm dst: r1 off: 1 imm: 0"},
		{"c5 01 0100 00000000", Instruction{OpCode: 0xc5, Dst: R1, Offset: 1}, "JSLTImm dst: r1 off: 1 imm: 0"},
		{"dd 21 feff 00000000", Instruction{OpCode: 0xdd, Dst: R1, Src: R2, Offset: -2}, "JSLEReg dst: r1 off: -2 src: r2"},
		{"16 01 0300 2a000000", Instruction{OpCode: 0x16, Dst: R1, Offset: 3, Constant: 42}, "JEqImm32 dst: r1 off: 3 imm: 42"},
		{"ce 21 ffff 00000000", Instruction{OpCode: 0xce, Dst: R1, Src: R2, Offset: -1}, "JSLTReg32 dst: r1 off: -1 src: r2"},
		// may_goto (BPF_JCOND, Src 0).
		{"e5 00 0500 00000000", Instruction{OpCode: 0xe5, Offset: 5}, "JCond off: 5"},
	},
	"calls": {
		{"85 00 0000 01000000", Instruction{OpCode: 0x85, Constant: 1}, "Call FnMapLookupElem"},
		{"85 00 0000 d3000000", Instruction{OpCode: 0x85, Constant: 211}, "Call FnCgrpStorageDelete"},
		{"85 00 0000 e8030000", Instruction{OpCode: 0x85, Constant: 1000}, "Call BuiltinFunc(1000)"},
		{"85 10 0000 ffffffff", Instruction{OpCode: 0x85, Src: PseudoCall, Constant: -1}, "Call -1"},
		{"85 20 0000 7b000000", Instruction{OpCode: 0x85, Src: PseudoKfuncCall, Constant: 123}, "Call Kfunc(123)"},
		{"85 20 0200 7b000000", Instruction{OpCode: 0x85, Src: PseudoKfuncCall, Offset: 2, Constant: 123}, "Call Kfunc(123) btf_fd_idx: 2"},
		{"95 00 0000 00000000", Instruction{OpCode: 0x95}, "Exit"},
	},
	"64-bit immediate": {
		{"18 01 0000 2a000000 00 00 0000 00000000", Instruction{OpCode: 0x18, Dst: R1, Constant: 42}, "LdImmDW dst: r1 imm: 42"},
		{"18 01 0000 ffffff7f 00 00 0000 ffffffff", Instruction{OpCode: 0x18, Dst: R1, Constant: -1<<31 - 1}, "LdImmDW dst: r1 imm: -2147483649"},
		{"18 01 0000 efbeadde 00 00 0000 78563412", Instruction{OpCode: 0x18, Dst: R1, Constant: 0x12345678deadbeef}, "LdImmDW dst: r1 imm: 1311768468603649775"},
		{"18 11 0000 03000000 00 00 0000 00000000", Instruction{OpCode: 0x18, Dst: R1, Src: PseudoMapFD, Constant: 3}, "LoadMapPtr dst: r1 fd: 3"},
		{"18 22 0000 04000000 00 00 0000 08000000", Instruction{OpCode: 0x18, Dst: R2, Src: PseudoMapValue, Constant: 8<<32 | 4}, "LoadMapValue dst: r2, fd: 4 off: 8"},
		{"18 31 0000 39300000 00 00 0000 00000000", Instruction{OpCode: 0x18, Dst: R1, Src: pseudoBTFID, Constant: 12345}, "LoadKernelSymbol dst: r1 btf_id: 12345"},
		{"18 41 0000 05000000 00 00 0000 00000000", Instruction{OpCode: 0x18, Dst: R1, Src: PseudoFunc, Constant: 5}, "LdImmDW dst: r1 imm: 5"},
		{"18 51 0000 01000000 00 00 0000 00000000", Instruction{OpCode: 0x18, Dst: R1, Src: pseudoMapIdx, Constant: 1}, "LoadMapPtr dst: r1 idx: 1"},
		{"18 61 0000 01000000 00 00 0000 10000000", Instruction{OpCode: 0x18, Dst: R1, Src: pseudoMapIdxValue, Constant: 16<<32 | 1}, "LoadMapValue dst: r1, idx: 1 off: 16"},
	},
	"legacy packet loads": {
		{"20 00 0000 0c000000", Instruction{OpCode: 0x20, Constant: 12}, "LdAbsW imm: 12"},
		{"28 00 0000 0c000000", Instruction{OpCode: 0x28, Constant: 12}, "LdAbsH imm: 12"},
		{"30 00 0000 02000000", Instruction{OpCode: 0x30, Constant: 2}, "LdAbsB imm: 2"},
		{"48 20 0000 05000000", Instruction{OpCode: 0x48, Src: R2, Constant: 5}, "LdIndH dst: r0 src: r2 imm: 5"},
	},
	"loads": {
		{"61 21 0400 00000000", Instruction{OpCode: 0x61, Dst: R1, Src: R2, Offset: 4}, "LdXMemW dst: r1 src: r2 off: 4 imm: 0"},
		{"69 21 0400 00000000", Instruction{OpCode: 0x69, Dst: R1, Src: R2, Offset: 4}, "LdXMemH dst: r1 src: r2 off: 4 imm: 0"},
		{"71 21 0400 00000000", Instruction{OpCode: 0x71, Dst: R1, Src: R2, Offset: 4}, "LdXMemB dst: r1 src: r2 off: 4 imm: 0"},
		{"79 a1 f8ff 00000000", Instruction{OpCode: 0x79, Dst: R1, Src: RFP, Offset: -8}, "LdXMemDW dst: r1 src: rfp off: -8 imm: 0"},
		{"81 52 0400 00000000", Instruction{OpCode: 0x81, Dst: R2, Src: R5, Offset: 4}, "LdXMemSXW dst: r2 src: r5 off: 4 imm: 0"},
		{"89 52 0400 00000000", Instruction{OpCode: 0x89, Dst: R2, Src: R5, Offset: 4}, "LdXMemSXH dst: r2 src: r5 off: 4 imm: 0"},
		{"91 52 0400 00000000", Instruction{OpCode: 0x91, Dst: R2, Src: R5, Offset: 4}, "LdXMemSXB dst: r2 src: r5 off: 4 imm: 0"},
	},
	"stores": {
		{"62 0a fcff 07000000", Instruction{OpCode: 0x62, Dst: RFP, Offset: -4, Constant: 7}, "StMemW dst: rfp src: r0 off: -4 imm: 7"},
		{"72 0a fcff 07000000", Instruction{OpCode: 0x72, Dst: RFP, Offset: -4, Constant: 7}, "StMemB dst: rfp src: r0 off: -4 imm: 7"},
		{"7a 0a f8ff ffffffff", Instruction{OpCode: 0x7a, Dst: RFP, Offset: -8, Constant: -1}, "StMemDW dst: rfp src: r0 off: -8 imm: -1"},
		{"63 0a fcff 00000000", Instruction{OpCode: 0x63, Dst: RFP, Offset: -4}, "StXMemW dst: rfp src: r0 off: -4 imm: 0"},
		{"6b 1a feff 00000000", Instruction{OpCode: 0x6b, Dst: RFP, Src: R1, Offset: -2}, "StXMemH dst: rfp src: r1 off: -2 imm: 0"},
		{"7b 1a f8ff 00000000", Instruction{OpCode: 0x7b, Dst: RFP, Src: R1, Offset: -8}, "StXMemDW dst: rfp src: r1 off: -8 imm: 0"},
	},
	"atomics": {
		{"c3 21 0000 00000000", Instruction{OpCode: 0xc3, Dst: R1, Src: R2}, "StXXAddW dst: r1 src: r2"},
		{"db 21 0800 00000000", Instruction{OpCode: 0xdb, Dst: R1, Src: R2, Offset: 8}, "StXXAddDW dst: r1 src: r2 off: 8"},
		{"db 21 0000 01000000", Instruction{OpCode: 0xdb, Dst: R1, Src: R2, Constant: 0x01}, "StXXAddDW dst: r1 src: r2 atomic: FetchAdd"},
		{"db 21 0000 40000000", Instruction{OpCode: 0xdb, Dst: R1, Src: R2, Constant: 0x40}, "StXXAddDW dst: r1 src: r2 atomic: Or"},
		{"db 21 0000 41000000", Instruction{OpCode: 0xdb, Dst: R1, Src: R2, Constant: 0x41}, "StXXAddDW dst: r1 src: r2 atomic: FetchOr"},
		{"c3 21 0000 50000000", Instruction{OpCode: 0xc3, Dst: R1, Src: R2, Constant: 0x50}, "StXXAddW dst: r1 src: r2 atomic: And"},
		{"c3 21 0000 51000000", Instruction{OpCode: 0xc3, Dst: R1, Src: R2, Constant: 0x51}, "StXXAddW dst: r1 src: r2 atomic: FetchAnd"},
		{"db 21 0000 a0000000", Instruction{OpCode: 0xdb, Dst: R1, Src: R2, Constant: 0xa0}, "StXXAddDW dst: r1 src: r2 atomic: Xor"},
		{"db 21 0000 a1000000", Instruction{OpCode: 0xdb, Dst: R1, Src: R2, Constant: 0xa1}, "StXXAddDW dst: r1 src: r2 atomic: FetchXor"},
		{"db 21 f8ff e1000000", Instruction{OpCode: 0xdb, Dst: R1, Src: R2, Offset: -8, Constant: 0xe1}, "StXXAddDW dst: r1 src: r2 off: -8 atomic: Xchg"},
		{"db 21 0000 f1000000", Instruction{OpCode: 0xdb, Dst: R1, Src: R2, Constant: 0xf1}, "StXXAddDW dst: r1 src: r2 atomic: CmpXchg"},
		{"d3 21 0000 00010000", Instruction{OpCode: 0xd3, Dst: R1, Src: R2, Constant: 0x100}, "StXXAddB dst: r1 src: r2 atomic: LoadAcquire"},
		{"cb 21 0000 10010000", Instruction{OpCode: 0xcb, Dst: R1, Src: R2, Constant: 0x110}, "StXXAddH dst: r1 src: r2 atomic: StoreRelease"},
	},
}

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	qt.Assert(tb, qt.IsNil(err))
	return b
}

// toBigEndian converts a little-endian encoding into the big-endian one:
// swapped register nibbles, offset and immediates in the other byte order.
func toBigEndian(le []byte) []byte {
	be := bytes.Clone(le)
	for off := 0; off+InstructionSize <= len(be); off += InstructionSize {
		s := be[off : off+InstructionSize]
		s[1] = s[1]<<4 | s[1]>>4
		s[2], s[3] = s[3], s[2]
		s[4], s[5], s[6], s[7] = s[7], s[6], s[5], s[4]
	}
	return be
}

func TestISA(t *testing.T) {
	for family, cases := range isaCases {
		t.Run(family, func(t *testing.T) {
			for _, tc := range cases {
				le := mustHex(t, tc.wire)
				for _, order := range []struct {
					bo   binary.ByteOrder
					wire []byte
				}{
					{binary.LittleEndian, le},
					{binary.BigEndian, toBigEndian(le)},
				} {
					name := fmt.Sprintf("%s %s", tc.str, order.bo)
					var ins Instruction
					n, err := ins.Unmarshal(bytes.NewReader(order.wire), order.bo)
					qt.Assert(t, qt.IsNil(err), qt.Commentf(name))
					qt.Assert(t, qt.Equals(n, uint64(len(order.wire))), qt.Commentf(name))
					qt.Assert(t, qt.IsTrue(ins.equal(tc.ins)), qt.Commentf("%s: decoded %#v", name, ins))
					qt.Assert(t, qt.Equals(ins.Size(), uint64(len(order.wire))), qt.Commentf(name))
					qt.Assert(t, qt.Equals(fmt.Sprint(ins), tc.str), qt.Commentf(name))

					var buf bytes.Buffer
					n, err = tc.ins.Marshal(&buf, order.bo)
					qt.Assert(t, qt.IsNil(err), qt.Commentf(name))
					qt.Assert(t, qt.Equals(n, uint64(len(order.wire))), qt.Commentf(name))
					qt.Assert(t, qt.DeepEquals(buf.Bytes(), order.wire), qt.Commentf(name))
				}
			}
		})
	}
}
