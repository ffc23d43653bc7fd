package sysenc

import (
	"encoding/binary"
	"fmt"
	"testing"
)

func benchmarkValues() []any {
	return []any{
		new(uint32),
		new([4]uint64),
		make([]byte, 16),
		new(explicitPad),
		uint32(42),
		&padded{},
	}
}

func BenchmarkMarshal(b *testing.B) {
	for _, data := range benchmarkValues() {
		size := binary.Size(data)
		b.Run(fmt.Sprintf("%T", data), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Marshal(data, size); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	for _, data := range benchmarkValues() {
		size := binary.Size(data)
		if _, ok := data.(uint32); ok {
			data = new(uint32)
		}
		buf := make([]byte, size)
		b.Run(fmt.Sprintf("%T", data), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Unmarshal(data, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
