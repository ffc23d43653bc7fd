package ebpf

import (
	"errors"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// batchEntries is the size of the maps the batch tests fill.
const batchEntries = 10_000

func requireBatchAPI(tb testing.TB) {
	tb.Helper()
	testutils.RequirePrivileges(tb)
	testutils.SkipIfNotSupported(tb, haveBatchAPI())
}

// fillBatch writes keys 0..n-1 with values key*10 (or key*10+cpu for
// per-CPU maps) in one BatchUpdate.
func fillBatch(tb testing.TB, m *Map, n int) {
	tb.Helper()
	keys := make([]uint32, n)
	perKey := 1
	if m.Type().hasPerCPUValue() {
		perKey = MustPossibleCPU()
	}
	values := make([]uint64, n*perKey)
	for i := range keys {
		keys[i] = uint32(i)
		for cpu := range perKey {
			values[i*perKey+cpu] = uint64(i*10 + cpu)
		}
	}
	count, err := m.BatchUpdate(keys, values, nil)
	qt.Assert(tb, qt.IsNil(err))
	qt.Assert(tb, qt.Equals(count, n))
}

func TestMapBatch(t *testing.T) {
	requireBatchAPI(t)

	for _, typ := range []MapType{Hash, Array, PerCPUHash, PerCPUArray, LRUHash} {
		t.Run(typ.String(), func(t *testing.T) {
			if typ == PerCPUArray {
				testutils.SkipOnOldKernel(t, "5.13", "batch ops on per-CPU arrays")
			}
			maxEntries := uint32(batchEntries)
			if typ == LRUHash {
				// Leave room so that the LRU doesn't evict anything.
				maxEntries *= 2
			}
			m := mustNewMap(t, &MapSpec{Type: typ, KeySize: 4, ValueSize: 8, MaxEntries: maxEntries}, nil)
			fillBatch(t, m, batchEntries)

			perKey := 1
			if typ.hasPerCPUValue() {
				perKey = MustPossibleCPU()
			}

			// Look everything up in chunks until the end of the map.
			const chunk = 1000
			keys := make([]uint32, chunk)
			values := make([]uint64, chunk*perKey)
			seen := make(map[uint32]bool)
			var cursor MapBatchCursor
			for {
				n, err := m.BatchLookup(&cursor, keys, values, nil)
				for i := range n {
					qt.Assert(t, qt.IsFalse(seen[keys[i]]))
					seen[keys[i]] = true
					for cpu := range perKey {
						qt.Assert(t, qt.Equals(values[i*perKey+cpu], uint64(keys[i])*10+uint64(cpu)))
					}
				}
				if errors.Is(err, ErrKeyNotExist) {
					break
				}
				qt.Assert(t, qt.IsNil(err))
				// Hash maps return whole buckets, which may not fill a chunk.
				qt.Assert(t, qt.IsTrue(n > 0 && n <= chunk))
			}
			qt.Assert(t, qt.Equals(len(seen), batchEntries))

			if typ == Array || typ == PerCPUArray {
				// Arrays can't delete entries, in batches or otherwise.
				keys := []uint32{0}
				_, err := m.BatchDelete(keys, nil)
				qt.Assert(t, qt.IsNotNil(err))
				return
			}

			// Take out about half the map with lookup-and-delete, the rest
			// with delete.
			half := make([]uint32, batchEntries/2)
			halfValues := make([]uint64, len(half)*perKey)
			cursor = MapBatchCursor{}
			n, err := m.BatchLookupAndDelete(&cursor, half, halfValues, nil)
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.IsTrue(n > 0 && n <= len(half)))
			for i, key := range half[:n] {
				qt.Assert(t, qt.Equals(halfValues[i*perKey], uint64(key)*10))
				delete(seen, key)
			}

			var rest []uint32
			var key uint32
			for k := range seen {
				rest = append(rest, k)
			}
			n, err = m.BatchDelete(rest, nil)
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(n, len(rest)))

			qt.Assert(t, qt.ErrorIs(m.NextKey(nil, &key), ErrKeyNotExist), qt.Commentf("map must be empty"))
			_, err = m.BatchDelete([]uint32{1}, nil)
			qt.Assert(t, qt.ErrorIs(err, ErrKeyNotExist))
		})
	}
}

func TestMapBatchPerCPUPadded(t *testing.T) {
	requireBatchAPI(t)

	// 4-byte values are padded to 8 bytes per CPU on the wire.
	m := mustNewMap(t, &MapSpec{Type: PerCPUHash, KeySize: 4, ValueSize: 4, MaxEntries: 4}, nil)
	cpus := MustPossibleCPU()
	keys := []uint32{1, 2}
	values := make([]uint32, len(keys)*cpus)
	for i := range values {
		values[i] = uint32(100 + i)
	}
	n, err := m.BatchUpdate(keys, values, nil)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(n, 2))

	var perCPU []uint32
	qt.Assert(t, qt.IsNil(m.Lookup(uint32(2), &perCPU)))
	qt.Assert(t, qt.DeepEquals(perCPU, values[cpus:]))

	gotKeys := make([]uint32, 4)
	gotValues := make([]uint32, 4*cpus)
	var cursor MapBatchCursor
	n, err = m.BatchLookup(&cursor, gotKeys, gotValues, nil)
	qt.Assert(t, qt.ErrorIs(err, ErrKeyNotExist))
	qt.Assert(t, qt.Equals(n, 2))
	for i := range n {
		want := values[(gotKeys[i]-1)*uint32(cpus):][:cpus]
		qt.Assert(t, qt.DeepEquals(gotValues[i*cpus:][:cpus], want))
	}
}

func TestMapBatchErrors(t *testing.T) {
	requireBatchAPI(t)
	m := mustNewMap(t, hashSpec(4), nil)
	other := mustNewMap(t, hashSpec(4), nil)
	fillBatch(t, m, 4)

	// Hash maps refuse batches smaller than a bucket (ENOSPC): ask for all.
	keys := make([]uint32, 4)
	values := make([]uint64, 4)

	var cursor MapBatchCursor
	_, err := m.BatchLookup(&cursor, keys, values, nil)
	qt.Assert(t, qt.ErrorIs(err, ErrKeyNotExist))
	_, err = other.BatchLookup(&cursor, keys, values, nil)
	qt.Assert(t, qt.ErrorMatches(err, "batch lookup: cursor belongs to map .*"))

	_, err = m.BatchLookup(nil, keys, values, nil)
	qt.Assert(t, qt.IsNotNil(err))

	_, err = m.BatchLookup(new(MapBatchCursor), &keys, values, nil)
	qt.Assert(t, qt.ErrorMatches(err, `batch lookup: keys: \*\[\]uint32 is not a slice`))

	_, err = m.BatchUpdate(keys, values[:1], nil)
	qt.Assert(t, qt.ErrorMatches(err, "batch update: 4 keys but 1 values: lengths must be equal"))

	_, err = m.BatchUpdate([]uint64{1, 2, 3, 4}, values, nil)
	qt.Assert(t, qt.ErrorMatches(err, "batch update: marshal keys: .*"))

	// Options reach the kernel, which only takes BPF_F_LOCK as ElemFlags.
	n, err := m.BatchUpdate([]uint32{1, 2}, []uint64{1, 2}, &BatchOptions{ElemFlags: uint64(UpdateNoExist)})
	qt.Assert(t, qt.ErrorIs(err, unix.EINVAL))
	qt.Assert(t, qt.Equals(n, 0))
}

func TestMapBatchLookupAllocations(t *testing.T) {
	requireBatchAPI(t)
	m := mustNewMap(t, &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 100}, nil)

	// Box the slices once: converting a slice to an interface allocates.
	keys := any(make([]uint32, 2))
	values := any(make([]uint32, 2))
	var cursor MapBatchCursor
	allocs := testing.AllocsPerRun(10, func() {
		_, err := m.BatchLookup(&cursor, keys, values, nil)
		if err != nil {
			t.Fatal(err)
		}
	})
	qt.Assert(t, qt.Equals(allocs, 0))
}
