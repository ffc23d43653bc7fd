package asm

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"testing"
)

// benchProgram returns a program of n instructions mixing the common
// shapes: ALU, memory access, jumps, helper calls and 64-bit loads.
func benchProgram(n int) Instructions {
	insns := make(Instructions, 0, n)
	for len(insns) < n-1 {
		switch len(insns) % 8 {
		case 0:
			insns = append(insns, LoadImm(R1, math.MaxInt64, DWord))
		case 1:
			insns = append(insns, Mov.Reg(R2, RFP))
		case 2:
			insns = append(insns, Add.Imm(R2, -8))
		case 3:
			insns = append(insns, StoreMem(RFP, -8, R1, DWord))
		case 4:
			insns = append(insns, LoadMapPtr(R1, 3))
		case 5:
			insns = append(insns, FnMapLookupElem.Call())
		case 6:
			insns = append(insns, Instruction{OpCode: JEq.Op(ImmSource), Dst: R0, Offset: 1})
		case 7:
			insns = append(insns, LoadMem(R0, R0, 0, Word))
		}
	}
	return append(insns, Return())
}

func BenchmarkUnmarshal(b *testing.B) {
	var buf bytes.Buffer
	if err := benchProgram(10000).Marshal(&buf, binary.LittleEndian); err != nil {
		b.Fatal(err)
	}
	raw := buf.Bytes()

	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	r := bytes.NewReader(nil)
	for b.Loop() {
		r.Reset(raw)
		var insns Instructions
		if err := insns.Unmarshal(r, binary.LittleEndian); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshal(b *testing.B) {
	insns := benchProgram(10000)
	var buf bytes.Buffer
	buf.Grow(int(insns.Size()))

	b.ReportAllocs()
	b.SetBytes(int64(insns.Size()))
	for b.Loop() {
		buf.Reset()
		if err := insns.Marshal(&buf, binary.LittleEndian); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalWriter encodes to a writer that is not a bytes.Buffer.
func BenchmarkMarshalWriter(b *testing.B) {
	insns := benchProgram(10000)

	b.ReportAllocs()
	b.SetBytes(int64(insns.Size()))
	for b.Loop() {
		if err := insns.Marshal(io.Discard, binary.LittleEndian); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTag(b *testing.B) {
	insns := benchProgram(10000)

	b.ReportAllocs()
	for b.Loop() {
		if _, err := insns.Tag(binary.LittleEndian); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead64bitImmediate(b *testing.B) {
	raw := []byte{
		0x18, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f,
		0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	}
	r := &bytes.Reader{}

	b.ReportAllocs()
	for b.Loop() {
		r.Reset(raw)
		var ins Instruction
		if _, err := ins.Unmarshal(r, binary.LittleEndian); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite64BitImmediate(b *testing.B) {
	ins := LoadImm(R0, math.MinInt32-1, DWord)
	var buf bytes.Buffer

	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if _, err := ins.Marshal(&buf, binary.LittleEndian); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMetadata(b *testing.B) {
	// Keys of distinct types, as packages use.
	type k1 struct{}
	type k2 struct{}
	type k3 struct{}
	type k4 struct{}
	type k5 struct{}
	keys := []interface{}{k1{}, k2{}, k3{}, k4{}, k5{}}
	var full Metadata
	for i, k := range keys {
		full.Set(k, i)
	}
	const value = "value"

	b.Run("add first", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m Metadata
			m.Set(k1{}, value)
		}
	})
	b.Run("add last", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := full
			m.Set(struct{}{}, value)
		}
	})
	b.Run("replace deepest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := full
			m.Set(k1{}, value)
		}
	})
	b.Run("set existing value", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := full
			m.Set(k3{}, 2)
		}
	})
	b.Run("get miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if full.Get(struct{}{}) != nil {
				b.Fatal("found")
			}
		}
	})
	b.Run("get hit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if full.Get(k1{}) == nil {
				b.Fatal("missing")
			}
		}
	})
}
