package ebpf

import (
	"bytes"
	"os"
	"testing"
)

func benchmarkLoadCollectionSpec(b *testing.B, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()

	for b.Loop() {
		if _, err := LoadCollectionSpecFromReader(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkELFLoader parses the ELF reader's main fixture, which has every
// kind of map, data section and subprogram.
func BenchmarkELFLoader(b *testing.B) {
	benchmarkLoadCollectionSpec(b, "testdata/loader-el.elf")
}

// BenchmarkLoadCollectionManyProgs parses 100 programs that share two
// subprograms, a map and a CO-RE relocation.
func BenchmarkLoadCollectionManyProgs(b *testing.B) {
	benchmarkLoadCollectionSpec(b, "testdata/manyprogs-el.elf")
}
