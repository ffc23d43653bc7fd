package asm

import (
	"strconv"
	"testing"
)

// BenchmarkInstructionSymbols names instructions the way the ELF reader
// does: a symbol on each function's first instruction and a reference on
// calls and map loads, with names that are not constants.
func BenchmarkInstructionSymbols(b *testing.B) {
	names := make([]string, 64)
	for i := range names {
		names[i] = "function_" + strconv.Itoa(i)
	}
	insns := benchProgram(len(names))
	out := make(Instructions, len(insns))

	b.Run("with symbol", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := range insns {
				out[i] = insns[i].WithSymbol(names[i])
			}
		}
	})
	b.Run("with reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := range insns {
				out[i] = insns[i].WithReference(names[i])
			}
		}
	})
	named := make(Instructions, len(insns))
	for i := range insns {
		named[i] = insns[i].WithSymbol(names[i]).WithReference(names[i])
	}
	b.Run("symbol and reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := range named {
				if named[i].Symbol() == "" || named[i].Reference() == "" {
					b.Fatal("missing")
				}
			}
		}
	})
}
