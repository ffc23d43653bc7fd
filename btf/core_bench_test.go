package btf

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/go-quicktest/qt"
)

// referenceCorpus holds objects compiled by the reference's toolchain; it is
// optional.
const referenceCorpus = "../../shared/corpus/reference"

// coreVmlinuxRaw holds the raw vmlinux BTF the CO-RE benchmarks relocate
// against: the reference corpus' if present, else the running kernel's.
var coreVmlinuxRaw = sync.OnceValues(func() ([]byte, error) {
	fh, err := os.Open(filepath.Join(referenceCorpus, "btf", "vmlinux.btf.gz"))
	if err == nil {
		defer fh.Close()
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
	return os.ReadFile("/sys/kernel/btf/vmlinux")
})

// coreVmlinux returns a fresh Spec of the vmlinux BTF, or skips the test.
func coreVmlinux(tb testing.TB) *Spec {
	tb.Helper()
	raw, err := coreVmlinuxRaw()
	if err != nil {
		tb.Skip("no vmlinux BTF:", err)
	}
	spec, err := LoadSpecFromReader(bytes.NewReader(raw))
	qt.Assert(tb, qt.IsNil(err))
	return spec
}

// coreMemberIndex returns the index of the named member of a struct.
func coreMemberIndex(tb testing.TB, s *Struct, name string) int {
	tb.Helper()
	for i, m := range s.Members {
		if m.Name == name {
			return i
		}
	}
	tb.Fatalf("%s has no member %s", s, name)
	return 0
}

// BenchmarkCORESkBuff relocates one relocation of each kind against
// vmlinux, with a copy of struct sk_buff (or enum bpf_map_type) as the local
// type.
func BenchmarkCORESkBuff(b *testing.B) {
	spec := coreVmlinux(b)

	var skb *Struct
	qt.Assert(b, qt.IsNil(spec.TypeByName("sk_buff", &skb)))
	local := Copy(skb).(*Struct)
	skbID, err := spec.TypeID(skb)
	qt.Assert(b, qt.IsNil(err))
	field := coreAccessor{0, coreMemberIndex(b, local, "len")}

	var mapType *Enum
	qt.Assert(b, qt.IsNil(spec.TypeByName("bpf_map_type", &mapType)))
	localEnum := Copy(mapType).(*Enum)

	resolve := func(Type) (TypeID, error) { return 1, nil }
	for kind := coreKind(0); kind.valid(); kind++ {
		relo := &CORERelocation{local, field, kind, skbID}
		switch {
		case kind.isType():
			relo.accessor = coreAccessor{0}
		case kind.isEnumval():
			relo = &CORERelocation{localEnum, coreAccessor{1}, kind, 1}
		}

		b.Run(kind.String(), func(b *testing.B) {
			relos := []*CORERelocation{relo}
			targets := []*Spec{spec}
			b.ReportAllocs()
			for b.Loop() {
				fixups, err := CORERelocate(relos, targets, spec.byteOrder(), resolve)
				if err != nil {
					b.Fatal(err)
				}
				if fixups[0].poison {
					b.Fatal("poisoned:", &fixups[0])
				}
			}
		})
	}
}

// coreManyRelocations returns n field relocations of copies of common
// kernel structs, which all resolve against spec.
func coreManyRelocations(tb testing.TB, spec *Spec, n int) []*CORERelocation {
	tb.Helper()

	kinds := []coreKind{reloFieldByteOffset, reloFieldByteSize, reloFieldExists, reloFieldRShiftU64}
	var relos []*CORERelocation
	for len(relos) < n {
		for _, name := range []string{"task_struct", "sk_buff", "file", "inode", "sock", "net_device", "mm_struct", "cred", "super_block", "dentry"} {
			var s *Struct
			if err := spec.TypeByName(name, &s); err != nil {
				tb.Fatal(err)
			}
			id, err := spec.TypeID(s)
			qt.Assert(tb, qt.IsNil(err))
			local := Copy(s).(*Struct)
			for i, m := range local.Members {
				if m.Name == "" {
					continue
				}
				size, err := Sizeof(m.Type)
				if err != nil {
					continue
				}
				kind := kinds[len(relos)%len(kinds)]
				if kind == reloFieldRShiftU64 && size > 8 {
					// Shifts only make sense for integers.
					kind = reloFieldByteOffset
				}
				relos = append(relos, &CORERelocation{local, coreAccessor{0, i}, kind, id})
				if len(relos) == n {
					return relos
				}
			}
		}
		if len(relos) == 0 {
			tb.Fatal("no members")
		}
	}
	return relos
}

// TestCOREManyRelocations checks that relocating copies of vmlinux types
// against vmlinux gives back the original values.
func TestCOREManyRelocations(t *testing.T) {
	spec := coreVmlinux(t)
	relos := coreManyRelocations(t, spec, 1000)
	fixups, err := CORERelocate(relos, []*Spec{spec}, spec.byteOrder(), nil)
	qt.Assert(t, qt.IsNil(err))
	for i, fixup := range fixups {
		qt.Assert(t, qt.IsFalse(fixup.poison), qt.Commentf("%s", relos[i]))
		if !fixup.skipLocalValidation {
			qt.Assert(t, qt.Equals(fixup.target, fixup.local), qt.Commentf("%s", relos[i]))
		}
	}
}

// BenchmarkCORERelocate1000 relocates a program with 1,000 relocations
// against vmlinux: "warm" against a Spec that has decoded the candidates
// before, "cold" against a freshly parsed one, as for a first load.
func BenchmarkCORERelocate1000(b *testing.B) {
	spec := coreVmlinux(b)
	relos := coreManyRelocations(b, spec, 1000)
	raw, err := coreVmlinuxRaw()
	qt.Assert(b, qt.IsNil(err))

	b.Run("warm", func(b *testing.B) {
		targets := []*Spec{spec}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := CORERelocate(relos, targets, spec.byteOrder(), nil); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fresh, err := LoadSpecFromReader(bytes.NewReader(raw))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := CORERelocate(relos, []*Spec{fresh}, fresh.byteOrder(), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Example-style check that the benchmarks' relocations are what they say.
func TestCORESkBuffRelocations(t *testing.T) {
	spec := coreVmlinux(t)
	var skb *Struct
	qt.Assert(t, qt.IsNil(spec.TypeByName("sk_buff", &skb)))
	local := Copy(skb).(*Struct)
	index := coreMemberIndex(t, local, "len")

	relo := &CORERelocation{local, coreAccessor{0, index}, reloFieldByteOffset, 1}
	fixups, err := CORERelocate([]*CORERelocation{relo}, []*Spec{spec}, binary.LittleEndian, nil)
	if spec.byteOrder() != binary.LittleEndian {
		qt.Assert(t, qt.IsNotNil(err))
		return
	}
	qt.Assert(t, qt.IsNil(err))
	want := skb.Members[index].Offset.Bytes()
	qt.Assert(t, qt.Equals(fixups[0].String(), fmt.Sprintf("byte_off=%d->%d", want, want)))
}
