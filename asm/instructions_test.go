package asm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestLongJump(t *testing.T) {
	insns := Instructions{
		LongJump("exit"),
		Xor.Reg(R0, R0),
		Xor.Reg(R0, R0),
		Xor.Reg(R0, R0),
		Return().WithSymbol("exit"),
	}
	qt.Assert(t, qt.IsNil(insns.Marshal(io.Discard, binary.LittleEndian)))
	qt.Assert(t, qt.Equals(insns[0].Constant, int64(3)))
}

func TestReferenceResolution(t *testing.T) {
	insns := Instructions{
		LoadImm(R0, 0, DWord).WithSymbol("main"),                                                          // 0, 1
		Instruction{OpCode: LoadImmOp(DWord), Dst: R2, Src: PseudoFunc, Constant: -1}.WithReference("cb"), // 2, 3
		JEq.Imm(R0, 0, "out"),            // 4
		Call.Label("fn"),                 // 5
		Mov.Imm(R0, 1).WithSymbol("out"), // 6
		Return(),                         // 7
		Mov.Imm(R0, 2).WithSymbol("fn"),  // 8
		Ja.Label("main"),                 // 9
		Return().WithSymbol("cb"),        // 10
	}
	qt.Assert(t, qt.DeepEquals(insns.FunctionReferences(), []string{"cb", "fn"}))
	qt.Assert(t, qt.DeepEquals(insns.ReferenceOffsets(), map[string][]int{
		"cb": {1}, "out": {2}, "fn": {3}, "main": {7},
	}))
	syms, err := insns.SymbolOffsets()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(syms, map[string]int{"main": 0, "out": 4, "fn": 6, "cb": 8}))
	qt.Assert(t, qt.Equals(insns.Name(), "main"))
	qt.Assert(t, qt.Equals(insns.Size(), uint64(11*InstructionSize)))

	var buf bytes.Buffer
	qt.Assert(t, qt.IsNil(insns.Marshal(&buf, binary.LittleEndian)))
	qt.Assert(t, qt.Equals(buf.Len(), 11*InstructionSize))
	qt.Assert(t, qt.Equals(insns[1].Constant, int64(10-2-1)))
	qt.Assert(t, qt.Equals(insns[2].Offset, int16(6-4-1)))
	qt.Assert(t, qt.Equals(insns[3].Constant, int64(8-5-1)))
	qt.Assert(t, qt.Equals(insns[7].Offset, int16(0-9-1)))
	qt.Assert(t, qt.HasLen(insns.FunctionReferences(), 0))

	// Resolved references are left alone the second time.
	qt.Assert(t, qt.IsNil(insns.Marshal(io.Discard, binary.LittleEndian)))
	qt.Assert(t, qt.Equals(insns[3].Constant, int64(2)))
}

func TestReferenceErrors(t *testing.T) {
	missing := Instructions{Call.Label("nowhere"), Return()}
	err := missing.Marshal(io.Discard, binary.LittleEndian)
	qt.Assert(t, qt.ErrorIs(err, ErrUnsatisfiedProgramReference))
	qt.Assert(t, qt.ErrorMatches(err, `Call at insn 0: symbol "nowhere": unsatisfied program reference`))

	dup := Instructions{Return().WithSymbol("a"), Return().WithSymbol("a")}
	qt.Assert(t, qt.ErrorMatches(dup.Marshal(io.Discard, binary.LittleEndian), "duplicate symbol a"))
	_, err = dup.SymbolOffsets()
	qt.Assert(t, qt.ErrorMatches(err, "duplicate symbol a at instructions 0 and 1"))

	far := make(Instructions, 0, 1<<15+2)
	far = append(far, Ja.Label("end"))
	for len(far) < 1<<15+1 {
		far = append(far, Mov.Imm(R0, 0))
	}
	far = append(far, Return().WithSymbol("end"))
	err = far.Marshal(io.Discard, binary.LittleEndian)
	qt.Assert(t, qt.ErrorMatches(err, `.*too far for a 16-bit offset.*`))
	far[0] = LongJump("end")
	qt.Assert(t, qt.IsNil(far.Marshal(io.Discard, binary.LittleEndian)))
	qt.Assert(t, qt.Equals(far[0].Constant, int64(1<<15)))
}

func TestIterator(t *testing.T) {
	insns := Instructions{
		LoadImm(R0, 0, Word),
		LoadImm(R0, 0, DWord),
		Return(),
	}
	var indices []int
	var offsets []RawInstructionOffset
	iter := insns.Iterate()
	for iter.Next() {
		qt.Assert(t, qt.Equals(iter.Ins, &insns[iter.Index]))
		indices = append(indices, iter.Index)
		offsets = append(offsets, iter.Offset)
	}
	qt.Assert(t, qt.DeepEquals(indices, []int{0, 1, 2}))
	qt.Assert(t, qt.DeepEquals(offsets, []RawInstructionOffset{0, 1, 3}))
	qt.Assert(t, qt.IsFalse(Instructions(nil).Iterate().Next()))
}

func TestTagIgnoresMapFDs(t *testing.T) {
	prog := func(fd int) Instructions {
		return Instructions{
			LoadMapPtr(R1, fd),
			LoadMapValue(R2, fd, uint32(fd)),
			Return(),
		}
	}
	a, err := prog(3).Tag(binary.LittleEndian)
	qt.Assert(t, qt.IsNil(err))
	b, err := prog(1000).Tag(binary.LittleEndian)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(a, b))
	qt.Assert(t, qt.HasLen(a, 16))

	other, err := Instructions{Mov.Imm(R0, 1), Return()}.Tag(binary.LittleEndian)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Not(qt.Equals(a, other)))

	// Large programs flush the encoding buffer several times.
	large := make(Instructions, 1000)
	for i := range large {
		large[i] = LoadImm(R0, int64(i), DWord)
	}
	_, err = large.Tag(binary.BigEndian)
	qt.Assert(t, qt.IsNil(err))

	_, err = Instructions{{OpCode: InvalidOpCode}}.Tag(binary.LittleEndian)
	qt.Assert(t, qt.ErrorMatches(err, "instruction 0: invalid opcode"))
	_, err = prog(1).Tag(binary.NativeEndian)
	qt.Assert(t, qt.IsNotNil(err))
}

func TestInstructionsString(t *testing.T) {
	insns := Instructions{
		LoadImm(R0, math.MaxInt64, DWord).WithSymbol("main"),
		FnMapLookupElem.Call(),
		Return(),
	}
	qt.Assert(t, qt.Equals(insns.String(), insns.String()))
	qt.Assert(t, qt.Equals(insns.String(), "main:\n\t0: LdImmDW dst: r0 imm: 9223372036854775807\n\t2: Call FnMapLookupElem\n\t3: Exit\n"))
}

func ExampleInstructions_Format() {
	insns := Instructions{
		FnMapLookupElem.Call().WithSymbol("my_func").WithSource(Comment("bpf_map_lookup_elem();")),
		LoadImm(R0, 42, DWord).WithSource(Comment("abc = 42")),
		Return(),
	}

	fmt.Println("Default format:")
	fmt.Printf("%v\n", insns)

	fmt.Println("Don't indent instructions:")
	fmt.Printf("%.0v\n", insns)

	fmt.Println("Indent using spaces:")
	fmt.Printf("% v\n", insns)

	fmt.Println("Control symbol indentation:")
	fmt.Printf("%2v\n", insns)

	// Output: Default format:
	// my_func:
	//	 ; bpf_map_lookup_elem();
	//	0: Call FnMapLookupElem
	//	 ; abc = 42
	//	1: LdImmDW dst: r0 imm: 42
	//	3: Exit
	//
	// Don't indent instructions:
	// my_func:
	//  ; bpf_map_lookup_elem();
	// 0: Call FnMapLookupElem
	//  ; abc = 42
	// 1: LdImmDW dst: r0 imm: 42
	// 3: Exit
	//
	// Indent using spaces:
	// my_func:
	//   ; bpf_map_lookup_elem();
	//  0: Call FnMapLookupElem
	//   ; abc = 42
	//  1: LdImmDW dst: r0 imm: 42
	//  3: Exit
	//
	// Control symbol indentation:
	//		my_func:
	//	 ; bpf_map_lookup_elem();
	//	0: Call FnMapLookupElem
	//	 ; abc = 42
	//	1: LdImmDW dst: r0 imm: 42
	//	3: Exit
}
