package asm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"syscall"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestRead64bitImmediate(t *testing.T) {
	encoded := []byte{
		0x18, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f,
		0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	}
	var ins Instruction
	n, err := ins.Unmarshal(bytes.NewReader(encoded), binary.LittleEndian)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(n, uint64(16)))
	qt.Assert(t, qt.Equals(ins.Constant, int64(math.MinInt32-1)))

	var buf bytes.Buffer
	n, err = ins.Marshal(&buf, binary.LittleEndian)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(n, uint64(16)))
	qt.Assert(t, qt.DeepEquals(buf.Bytes(), encoded))
}

// TestUnmarshalReaders decodes through a reader that is neither a
// bytes.Reader nor knows its length, which takes the general path.
func TestUnmarshalReaders(t *testing.T) {
	encoded := mustHex(t, "18 01 0000 2a000000 00 00 0000 01000000 95 00 0000 00000000")
	var ins Instruction
	r := io.MultiReader(bytes.NewReader(encoded[:3]), bytes.NewReader(encoded[3:]))
	n, err := ins.Unmarshal(r, binary.LittleEndian)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(n, uint64(16)))
	qt.Assert(t, qt.Equals(ins.Constant, int64(1<<32|42)))

	var insns Instructions
	qt.Assert(t, qt.IsNil(insns.Unmarshal(io.MultiReader(bytes.NewReader(encoded)), binary.LittleEndian)))
	qt.Assert(t, qt.HasLen(insns, 2))
}

func TestUnmarshalErrors(t *testing.T) {
	var ins Instruction
	_, err := ins.Unmarshal(bytes.NewReader(nil), binary.LittleEndian)
	qt.Assert(t, qt.Equals(err, io.EOF))

	_, err = ins.Unmarshal(bytes.NewReader(make([]byte, 5)), binary.LittleEndian)
	qt.Assert(t, qt.ErrorIs(err, io.ErrUnexpectedEOF))

	_, err = ins.Unmarshal(bytes.NewReader(mustHex(t, "18 01 0000 2a000000")), binary.LittleEndian)
	qt.Assert(t, qt.ErrorIs(err, errMissingSecondHalf))
	qt.Assert(t, qt.ErrorIs(err, io.ErrUnexpectedEOF))

	_, err = ins.Unmarshal(bytes.NewReader(mustHex(t, "18 01 0000 2a000000 95 00 0000 00000000")), binary.LittleEndian)
	qt.Assert(t, qt.ErrorIs(err, errNonZeroSecondHalf))

	_, err = ins.Unmarshal(bytes.NewReader(make([]byte, 8)), binary.NativeEndian)
	qt.Assert(t, qt.ErrorMatches(err, "unsupported byte order.*"))
}

func TestInstructionsUnmarshalErrors(t *testing.T) {
	prog := mustHex(t, "b7 00 0000 00000000 18 01 0000 2a000000 00 00 0000 00000000 95 00 0000 00000000")
	for _, tc := range []struct {
		name  string
		input []byte
		want  string
		is    error
	}{
		{"partial slot", prog[:len(prog)-3], "offset 24: instruction: 5 of 8 bytes: unexpected EOF", io.ErrUnexpectedEOF},
		{"partial dword", prog[:16], "offset 8: 64bit immediate is missing second half: unexpected EOF", errMissingSecondHalf},
		{"partial dword and slot", prog[:19], "offset 8: 64bit immediate is missing second half: unexpected EOF", errMissingSecondHalf},
		{"second half", append(bytes.Clone(prog[:16]), prog[24:]...), "offset 8: 64bit immediate has non-zero fields", errNonZeroSecondHalf},
	} {
		var insns Instructions
		err := insns.Unmarshal(bytes.NewReader(tc.input), binary.LittleEndian)
		qt.Check(t, qt.ErrorMatches(err, tc.want), qt.Commentf(tc.name))
		qt.Check(t, qt.ErrorIs(err, tc.is), qt.Commentf(tc.name))
	}
}

func TestUnmarshalReplaces(t *testing.T) {
	var buf bytes.Buffer
	qt.Assert(t, qt.IsNil(Instructions{Mov.Imm(R0, 1), Return()}.Marshal(&buf, binary.LittleEndian)))
	raw := buf.Bytes()

	var insns Instructions
	qt.Assert(t, qt.IsNil(insns.Unmarshal(bytes.NewReader(raw), binary.LittleEndian)))
	qt.Assert(t, qt.IsNil(insns.Unmarshal(bytes.NewReader(raw), binary.LittleEndian)))
	qt.Assert(t, qt.HasLen(insns, 2))
}

func TestSignedJump(t *testing.T) {
	insns := Instructions{JSGT.Imm(R0, -1, "foo").WithReference("")}
	insns[0].Offset = 1
	qt.Assert(t, qt.IsNil(insns.Marshal(io.Discard, binary.LittleEndian)))
}

func TestRegisterNibbles(t *testing.T) {
	ins := Mov.Reg(R0, R1)
	for bo, want := range map[binary.ByteOrder]byte{
		binary.LittleEndian: 0x10,
		binary.BigEndian:    0x01,
	} {
		var buf bytes.Buffer
		_, err := ins.Marshal(&buf, bo)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(buf.Bytes()[1], want), qt.Commentf("%v", bo))

		var dec Instruction
		_, err = dec.Unmarshal(bytes.NewReader(buf.Bytes()), bo)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(dec.Dst, R0))
		qt.Assert(t, qt.Equals(dec.Src, R1))
	}
}

func TestMarshalErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		ins  Instruction
		want string
	}{
		{"invalid", Instruction{OpCode: InvalidOpCode}, "invalid opcode"},
		{"extended with offset", Instruction{OpCode: SDiv.Op(RegSource), Offset: 1}, ".*Offset of 0.*"},
		{"unknown extension", Instruction{OpCode: ALUOp(0x0430).Op(RegSource)}, "invalid opcode.*"},
		{"high bits", Instruction{OpCode: 0x185}, "invalid opcode.*bits above.*"},
		{"register", Instruction{OpCode: 0xbf, Dst: 16}, "register out of range.*"},
		{"constant", Instruction{OpCode: 0xb7, Constant: 1 << 33}, ".*does not fit into 32 bits"},
	} {
		_, err := tc.ins.Marshal(io.Discard, binary.LittleEndian)
		qt.Check(t, qt.ErrorMatches(err, tc.want), qt.Commentf(tc.name))
	}

	_, err := Return().Marshal(io.Discard, binary.NativeEndian)
	qt.Assert(t, qt.ErrorMatches(err, "unsupported byte order.*"))

	// Unsigned 32-bit constants are accepted and encoded as their bit
	// pattern.
	var buf bytes.Buffer
	_, err = Instruction{OpCode: 0xb7, Constant: math.MaxUint32}.Marshal(&buf, binary.LittleEndian)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(buf.Bytes()[4:], []byte{0xff, 0xff, 0xff, 0xff}))

	err = Instructions{Return(), {OpCode: InvalidOpCode}}.Marshal(io.Discard, binary.LittleEndian)
	qt.Assert(t, qt.ErrorMatches(err, "instruction 1: invalid opcode"))
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestMarshalWriterError(t *testing.T) {
	_, err := Return().Marshal(failWriter{}, binary.LittleEndian)
	qt.Assert(t, qt.ErrorMatches(err, "disk on fire"))
	err = Instructions{Return()}.Marshal(failWriter{}, binary.LittleEndian)
	qt.Assert(t, qt.ErrorMatches(err, "disk on fire"))
}

func TestMapLoads(t *testing.T) {
	ins := LoadMapValue(R0, 1, 123)
	qt.Assert(t, qt.IsTrue(ins.IsLoadFromMap()))
	qt.Assert(t, qt.Equals(ins.MapPtr(), 1))
	qt.Assert(t, qt.Equals(ins.mapFd(), 1))
	qt.Assert(t, qt.Equals(ins.mapOffset(), uint32(123)))

	qt.Assert(t, qt.IsNil(ins.RewriteMapPtr(-1)))
	qt.Assert(t, qt.Equals(ins.MapPtr(), -1))
	qt.Assert(t, qt.Equals(ins.mapOffset(), uint32(123)))

	qt.Assert(t, qt.IsNil(ins.RewriteMapPtr(1)))
	qt.Assert(t, qt.Equals(ins.MapPtr(), 1))
	qt.Assert(t, qt.Equals(ins.mapOffset(), uint32(123)))

	qt.Assert(t, qt.IsNil(ins.RewriteMapOffset(456)))
	qt.Assert(t, qt.Equals(ins.MapPtr(), 1))
	qt.Assert(t, qt.Equals(ins.mapOffset(), uint32(456)))

	ptr := LoadMapPtr(R1, 3)
	qt.Assert(t, qt.ErrorMatches(ptr.RewriteMapOffset(1), "not a direct load from a map value"))

	notMap := LoadImm(R0, 1, DWord)
	qt.Assert(t, qt.IsFalse(notMap.IsLoadFromMap()))
	qt.Assert(t, qt.IsNotNil(notMap.RewriteMapPtr(1)))
	qt.Assert(t, qt.IsNotNil(notMap.RewriteMapOffset(1)))
	qt.Assert(t, qt.IsNotNil(notMap.AssociateMap(testFD(1))))
	mov := Mov.Imm(R0, 1)
	qt.Assert(t, qt.ErrorMatches(mov.RewriteMapOffset(1), "MovImm is not a 64-bit immediate load"))
}

// testFD is a map stand-in.
type testFD int

func (fd testFD) FD() int { return int(fd) }

func TestAssociateMap(t *testing.T) {
	insns := Instructions{
		LoadMapPtr(R1, 0).WithReference("good"),
		LoadMapValue(R2, 0, 8).WithReference("good"),
		Mov.Imm(R0, 0).WithReference("bad"),
		Return(),
	}
	qt.Assert(t, qt.IsNil(insns.AssociateMap("good", testFD(42))))
	qt.Assert(t, qt.Equals(insns[0].Map(), FDer(testFD(42))))
	qt.Assert(t, qt.Equals(insns[0].Reference(), ""))
	qt.Assert(t, qt.Equals(insns[1].MapPtr(), 42))
	qt.Assert(t, qt.Equals(insns[1].mapFd(), 0), qt.Commentf("fd is written at marshal time"))

	var buf bytes.Buffer
	qt.Assert(t, qt.IsNil(insns[:2].Marshal(&buf, binary.LittleEndian)))
	qt.Assert(t, qt.Equals(insns[1].mapFd(), 42))
	qt.Assert(t, qt.Equals(insns[1].mapOffset(), uint32(8)))
	qt.Assert(t, qt.Equals(fmt.Sprint(insns[0]), "LoadMapPtr dst: r1 map: 42"))

	qt.Assert(t, qt.ErrorMatches(insns.AssociateMap("bad", testFD(1)), "symbol bad: instruction 2: not a load from a map"))
	qt.Assert(t, qt.ErrorMatches(insns.AssociateMap("", testFD(1)), "empty symbol"))
	err := insns.AssociateMap("missing", testFD(1))
	qt.Assert(t, qt.ErrorIs(err, ErrUnreferencedSymbol))
	qt.Assert(t, qt.IsTrue(IsUnreferencedSymbol(err)))

	closed := Instructions{LoadMapPtr(R1, 0).WithReference("m")}
	qt.Assert(t, qt.IsNil(closed.AssociateMap("m", testFD(-1))))
	err = closed.Marshal(io.Discard, binary.LittleEndian)
	qt.Assert(t, qt.ErrorIs(err, syscall.EBADF))
}

func TestInstructionsRewriteMapPtr(t *testing.T) {
	insns := Instructions{LoadMapPtr(R1, 0).WithReference("good"), Return()}
	qt.Assert(t, qt.IsNil(insns.RewriteMapPtr("good", 1)))
	qt.Assert(t, qt.Equals(insns[0].Constant, int64(1)))
	err := insns.RewriteMapPtr("bad", 1)
	qt.Assert(t, qt.ErrorIs(err, ErrUnreferencedSymbol))
}

func TestPredicates(t *testing.T) {
	call := FnMapLookupElem.Call()
	qt.Check(t, qt.IsTrue(call.IsBuiltinCall()))
	qt.Check(t, qt.IsFalse(call.IsFunctionCall()))
	qt.Check(t, qt.IsFalse(call.IsKfuncCall()))

	local := Call.Label("fn")
	qt.Check(t, qt.IsTrue(local.IsFunctionCall()))
	qt.Check(t, qt.IsTrue(local.IsFunctionReference()))
	qt.Check(t, qt.IsFalse(local.IsBuiltinCall()))

	kfunc := Instruction{OpCode: Call.Op(ImmSource), Src: PseudoKfuncCall, Constant: 1}
	qt.Check(t, qt.IsTrue(kfunc.IsKfuncCall()))
	qt.Check(t, qt.IsFalse(kfunc.IsFunctionReference()))

	fnPtr := Instruction{OpCode: LoadImmOp(DWord), Dst: R2, Src: PseudoFunc, Constant: -1}
	qt.Check(t, qt.IsTrue(fnPtr.IsLoadOfFunctionPointer()))
	qt.Check(t, qt.IsTrue(fnPtr.IsFunctionReference()))
	qt.Check(t, qt.IsFalse(fnPtr.IsLoadFromMap()))
	qt.Check(t, qt.IsFalse(fnPtr.IsConstantLoad(DWord)))

	imm := LoadImm(R0, 1, DWord)
	qt.Check(t, qt.IsTrue(imm.IsConstantLoad(DWord)))
	qt.Check(t, qt.IsFalse(imm.IsConstantLoad(Word)))
	qt.Check(t, qt.Equals(imm.Size(), uint64(16)))
	qt.Check(t, qt.Equals(call.Size(), uint64(8)))
}

func TestFormatVerbs(t *testing.T) {
	qt.Check(t, qt.Equals(fmt.Sprint(Instruction{OpCode: InvalidOpCode}), "INVALID"))
	qt.Check(t, qt.Equals(strings.TrimSpace(fmt.Sprintf("%s", Return())), "{UNRECOGNIZED: s}"))
	qt.Check(t, qt.Equals(fmt.Sprintf("%d", Instructions{Return()}), "{UNRECOGNIZED: d}"))
	m := LoadMapValue(R1, 0, 4)
	qt.Assert(t, qt.IsNil(m.AssociateMap(testFD(9))))
	qt.Check(t, qt.Equals(fmt.Sprint(m), "LoadMapValue dst: r1, map: 9 off: 4"))
	qt.Check(t, qt.Equals(fmt.Sprint(Mov.Imm(R0, 1).WithReference("x")), "MovImm dst: r0 imm: 1 <x>"))
}
