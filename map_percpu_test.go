package ebpf

import (
	"errors"
	"slices"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// perCPUValues returns one value per possible CPU: base, base+1, ...
func perCPUValues(base uint64) []uint64 {
	values := make([]uint64, MustPossibleCPU())
	for i := range values {
		values[i] = base + uint64(i)
	}
	return values
}

// TestMapOperationsPerCPU runs every single-element operation on the
// per-CPU map types, whose values are a slice with one element per possible
// CPU.
func TestMapOperationsPerCPU(t *testing.T) {
	for _, typ := range []MapType{PerCPUHash, LRUCPUHash, PerCPUArray} {
		t.Run(typ.String(), func(t *testing.T) {
			m := mustNewMap(t, &MapSpec{Type: typ, KeySize: 4, ValueSize: 8, MaxEntries: 4}, nil)
			isHash := typ != PerCPUArray

			qt.Assert(t, qt.IsNil(m.Put(uint32(1), perCPUValues(100))))
			qt.Assert(t, qt.IsNil(m.Update(uint32(1), perCPUValues(200), UpdateExist)))
			qt.Assert(t, qt.ErrorIs(m.Update(uint32(1), perCPUValues(300), UpdateNoExist), ErrKeyExist))

			var values []uint64
			qt.Assert(t, qt.IsNil(m.Lookup(uint32(1), &values)))
			qt.Assert(t, qt.DeepEquals(values, perCPUValues(200)))
			inPlace := make([]uint64, MustPossibleCPU())
			qt.Assert(t, qt.IsNil(m.LookupWithFlags(uint32(1), inPlace, 0)))
			qt.Assert(t, qt.DeepEquals(inPlace, perCPUValues(200)))

			raw, err := m.LookupBytes(uint32(1))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.HasLen(raw, 8*MustPossibleCPU()))

			// Fewer values than CPUs: the others are zero.
			qt.Assert(t, qt.IsNil(m.Put(uint32(2), []uint64{7})))
			qt.Assert(t, qt.IsNil(m.Lookup(uint32(2), &values)))
			want := make([]uint64, MustPossibleCPU())
			want[0] = 7
			qt.Assert(t, qt.DeepEquals(values, want))

			if !isHash {
				qt.Assert(t, qt.ErrorIs(m.Lookup(uint32(4), &values), ErrKeyNotExist))
				qt.Assert(t, qt.ErrorIs(m.Delete(uint32(1)), unix.EINVAL), qt.Commentf("array entries can't be deleted"))
				checkPerCPUKeys(t, m, []uint32{0, 1, 2, 3})
				return
			}

			qt.Assert(t, qt.ErrorIs(m.Update(uint32(3), perCPUValues(1), UpdateExist), ErrKeyNotExist))
			qt.Assert(t, qt.ErrorIs(m.Lookup(uint32(3), &values), ErrKeyNotExist))
			raw, err = m.LookupBytes(uint32(3))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.IsNil(raw))
			checkPerCPUKeys(t, m, []uint32{1, 2})

			qt.Assert(t, qt.IsNil(m.Delete(uint32(2))))
			qt.Assert(t, qt.ErrorIs(m.Delete(uint32(2)), ErrKeyNotExist))
			checkPerCPUKeys(t, m, []uint32{1})

			if !testutils.IsKernelLessThan(t, "5.14") {
				qt.Assert(t, qt.IsNil(m.LookupAndDelete(uint32(1), &values)))
				qt.Assert(t, qt.DeepEquals(values, perCPUValues(200)))
				qt.Assert(t, qt.ErrorIs(m.LookupAndDeleteWithFlags(uint32(1), &values, 0), ErrKeyNotExist))
				checkPerCPUKeys(t, m, nil)
			}
		})
	}
}

// checkPerCPUKeys compares the keys that NextKey, NextKeyBytes and Iterate
// find with want, and checks that Iterate returns each key's values.
func checkPerCPUKeys(t *testing.T, m *Map, want []uint32) {
	t.Helper()

	var keys []uint32
	var key uint32
	for prev := any(nil); ; prev = key {
		err := m.NextKey(prev, &key)
		if errors.Is(err, ErrKeyNotExist) {
			break
		}
		qt.Assert(t, qt.IsNil(err))
		keys = append(keys, key)
	}
	slices.Sort(keys)
	qt.Assert(t, qt.DeepEquals(keys, want))

	first, err := m.NextKeyBytes(nil)
	qt.Assert(t, qt.IsNil(err))
	if len(want) == 0 {
		qt.Assert(t, qt.IsNil(first))
	} else {
		qt.Assert(t, qt.HasLen(first, 4))
	}

	keys = keys[:0]
	var values []uint64
	entries := m.Iterate()
	for entries.Next(&key, &values) {
		keys = append(keys, key)
		var lookedUp []uint64
		qt.Assert(t, qt.IsNil(m.Lookup(key, &lookedUp)))
		qt.Assert(t, qt.DeepEquals(values, lookedUp))
	}
	qt.Assert(t, qt.IsNil(entries.Err()))
	slices.Sort(keys)
	qt.Assert(t, qt.DeepEquals(keys, want))
}

// TestMapInMapDelete empties the slots of maps of maps.
func TestMapInMapDelete(t *testing.T) {
	inner := &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}
	for _, typ := range []MapType{ArrayOfMaps, HashOfMaps} {
		t.Run(typ.String(), func(t *testing.T) {
			outer := mustNewMap(t, &MapSpec{Type: typ, KeySize: 4, MaxEntries: 2, InnerMap: inner}, nil)
			innerMap := mustNewMap(t, inner, nil)

			qt.Assert(t, qt.IsNil(outer.Update(uint32(0), innerMap, UpdateAny)))
			qt.Assert(t, qt.IsNil(outer.Delete(uint32(0))))
			var got *Map
			qt.Assert(t, qt.ErrorIs(outer.Lookup(uint32(0), &got), ErrKeyNotExist))
			qt.Assert(t, qt.IsNil(got))

			if typ == HashOfMaps {
				qt.Assert(t, qt.ErrorIs(outer.Delete(uint32(0)), ErrKeyNotExist))
			}
		})
	}
}
