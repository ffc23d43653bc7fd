package ebpf

import (
	"bytes"
	"debug/elf"
	"testing"

	"github.com/go-quicktest/qt"
)

// TestLoadCollectionSpecWeakMap checks that a map whose symbol is weak, as
// libbpf's usdt.bpf.h declares its maps, is read like a global one.
func TestLoadCollectionSpecWeakMap(t *testing.T) {
	want, err := LoadCollectionSpec("testdata/loader-el.elf")
	qt.Assert(t, qt.IsNil(err))

	p := newELFPatch(t, "testdata/loader-el.elf")
	sym := p.symbol("hash_map")
	info := p.get(sym+4, 1)
	qt.Assert(t, qt.Equals(elf.ST_BIND(uint8(info)), elf.STB_GLOBAL))
	p.put(sym+4, 1, uint64(elf.ST_INFO(elf.STB_WEAK, elf.ST_TYPE(uint8(info)))))

	got, err := LoadCollectionSpecFromReader(bytes.NewReader(p.data))
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(got.Maps["hash_map"].String(), want.Maps["hash_map"].String()))

	var refs int
	for _, prog := range got.Programs {
		for _, ins := range prog.Instructions {
			if ins.IsLoadFromMap() && ins.Reference() == "hash_map" {
				refs++
			}
		}
	}
	qt.Assert(t, qt.Not(qt.Equals(refs, 0)), qt.Commentf("no instruction refers to the weak map"))
}
