package ebpf

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/go-quicktest/qt"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// mustNewMap creates a map for a test and closes it when the test ends. It
// skips the test if the kernel lacks a feature the map needs.
func mustNewMap(tb testing.TB, spec *MapSpec, opts *MapOptions) *Map {
	tb.Helper()
	testutils.RequirePrivileges(tb)

	var options MapOptions
	if opts != nil {
		options = *opts
	}
	m, err := NewMapWithOptions(spec, options)
	testutils.SkipIfNotSupported(tb, err)
	qt.Assert(tb, qt.IsNil(err))
	tb.Cleanup(func() { _ = m.Close() })
	return m
}

func hashSpec(maxEntries uint32) *MapSpec {
	return &MapSpec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: maxEntries}
}

func TestMapArrayBasics(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 2}, nil)

	qt.Assert(t, qt.IsNil(m.Put(uint32(0), uint32(42))))
	qt.Assert(t, qt.IsNil(m.Put(uint32(1), uint32(4242))))

	clone, err := m.Clone()
	qt.Assert(t, qt.IsNil(err))
	defer clone.Close()
	qt.Assert(t, qt.IsNil(m.Close()))
	qt.Assert(t, qt.Equals(m.FD(), -1))

	var value uint32
	qt.Assert(t, qt.IsNil(clone.Lookup(uint32(0), &value)))
	qt.Assert(t, qt.Equals(value, 42))

	// A slice of the right size is written in place.
	inPlace := make([]uint32, 1)
	qt.Assert(t, qt.IsNil(clone.Lookup(uint32(1), inPlace)))
	qt.Assert(t, qt.Equals(inPlace[0], 4242))

	var raw []byte
	qt.Assert(t, qt.IsNil(clone.Lookup(uint32(1), &raw)))
	qt.Assert(t, qt.DeepEquals(raw, internal.NativeEndian.AppendUint32(nil, 4242)))

	var next uint32
	qt.Assert(t, qt.IsNil(clone.NextKey(nil, &next)))
	qt.Assert(t, qt.Equals(next, 0))
	qt.Assert(t, qt.IsNil(clone.NextKey(uint32(0), &next)))
	qt.Assert(t, qt.Equals(next, 1))
	qt.Assert(t, qt.ErrorIs(clone.NextKey(uint32(1), &next), ErrKeyNotExist))

	// Array entries can't be deleted.
	qt.Assert(t, qt.ErrorIs(clone.Delete(uint32(0)), unix.EINVAL))
}

func TestMapLookupIntoTooSmallTarget(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}, nil)

	var small uint16
	qt.Assert(t, qt.IsNotNil(m.Lookup(uint32(0), &small)))
}

// TestMapOperations runs every single-element operation on the map types
// that have keys and plain values.
func TestMapOperations(t *testing.T) {
	for _, typ := range []MapType{Hash, LRUHash, Array} {
		t.Run(typ.String(), func(t *testing.T) {
			m := mustNewMap(t, &MapSpec{Type: typ, KeySize: 4, ValueSize: 8, MaxEntries: 4}, nil)
			isHash := typ != Array

			qt.Assert(t, qt.IsNil(m.Put(uint32(1), uint64(100))))
			qt.Assert(t, qt.IsNil(m.Update(uint32(1), uint64(101), UpdateExist)))
			err := m.Update(uint32(1), uint64(102), UpdateNoExist)
			qt.Assert(t, qt.ErrorIs(err, ErrKeyExist))
			qt.Assert(t, qt.ErrorIs(err, unix.EEXIST))

			var value uint64
			qt.Assert(t, qt.IsNil(m.Lookup(uint32(1), &value)))
			qt.Assert(t, qt.Equals(value, 101))
			qt.Assert(t, qt.IsNil(m.LookupWithFlags(uint32(1), &value, 0)))

			raw, err := m.LookupBytes(uint32(1))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.DeepEquals(raw, internal.NativeEndian.AppendUint64(nil, 101)))

			if !isHash {
				// Every key below MaxEntries exists in an array, none above.
				qt.Assert(t, qt.ErrorIs(m.Lookup(uint32(4), &value), ErrKeyNotExist))
				qt.Assert(t, qt.ErrorIs(m.Update(uint32(2), uint64(1), UpdateNoExist), ErrKeyExist))
				return
			}

			err = m.Update(uint32(2), uint64(1), UpdateExist)
			qt.Assert(t, qt.ErrorIs(err, ErrKeyNotExist))

			err = m.Lookup(uint32(2), &value)
			qt.Assert(t, qt.ErrorIs(err, ErrKeyNotExist))
			qt.Assert(t, qt.ErrorIs(err, unix.ENOENT))
			qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
			qt.Assert(t, qt.StringContains(err.Error(), "lookup: key does not exist"))

			raw, err = m.LookupBytes(uint32(2))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.IsNil(raw))

			qt.Assert(t, qt.IsNil(m.Put(uint32(2), uint64(200))))
			keys := make(map[uint32]bool)
			var key uint32
			for prev := any(nil); ; prev = key {
				err := m.NextKey(prev, &key)
				if errors.Is(err, ErrKeyNotExist) {
					break
				}
				qt.Assert(t, qt.IsNil(err))
				keys[key] = true
			}
			qt.Assert(t, qt.DeepEquals(keys, map[uint32]bool{1: true, 2: true}))

			first, err := m.NextKeyBytes(nil)
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.HasLen(first, 4))

			qt.Assert(t, qt.IsNil(m.Delete(uint32(1))))
			err = m.Delete(uint32(1))
			qt.Assert(t, qt.ErrorIs(err, ErrKeyNotExist))
			qt.Assert(t, qt.StringContains(err.Error(), "delete: "))

			last, err := m.NextKeyBytes(uint32(2))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.IsNil(last))
			qt.Assert(t, qt.ErrorIs(m.NextKey(uint32(2), &key), ErrKeyNotExist))

			if !testutils.IsKernelLessThan(t, "5.14") {
				qt.Assert(t, qt.IsNil(m.LookupAndDelete(uint32(2), &value)))
				qt.Assert(t, qt.Equals(value, 200))
				qt.Assert(t, qt.ErrorIs(m.LookupAndDelete(uint32(2), &value), ErrKeyNotExist))
			}

			// A missing first key means an empty map.
			qt.Assert(t, qt.ErrorIs(m.NextKey(nil, &key), ErrKeyNotExist))
		})
	}
}

func TestMapKeyValueErrors(t *testing.T) {
	m := mustNewMap(t, hashSpec(1), nil)

	err := m.Put(nil, uint64(0))
	qt.Assert(t, qt.ErrorMatches(err, "update: marshal key: can't use nil as key of map"))

	err = m.Put(uint64(1), uint64(0))
	qt.Assert(t, qt.ErrorMatches(err, "update: marshal key: uint64 doesn't marshal to 4 bytes"))

	err = m.Put(uint32(1), uint32(0))
	qt.Assert(t, qt.ErrorMatches(err, "update: marshal value: uint32 doesn't marshal to 8 bytes"))

	err = m.Put(uint32(1), map[string]int{})
	qt.Assert(t, qt.IsNotNil(err))
	qt.Assert(t, qt.StringContains(err.Error(), "map[string]int"))

	var nilPtr *uint64
	qt.Assert(t, qt.IsNotNil(m.Put(uint32(1), nilPtr)))

	err = m.Lookup(nil, new(uint64))
	qt.Assert(t, qt.ErrorMatches(err, "lookup: marshal key: can't use nil as key of map"))
}

func TestMapClosed(t *testing.T) {
	m := mustNewMap(t, hashSpec(1), nil)
	qt.Assert(t, qt.IsNil(m.Close()))
	qt.Assert(t, qt.IsNil(m.Close()))
	qt.Assert(t, qt.Equals(m.FD(), -1))

	qt.Assert(t, qt.ErrorIs(m.Put(uint32(0), uint64(0)), sys.ErrClosedFd))
	_, err := m.LookupBytes(uint32(0))
	qt.Assert(t, qt.ErrorIs(err, sys.ErrClosedFd))
	_, err = m.Info()
	qt.Assert(t, qt.ErrorIs(err, sys.ErrClosedFd))
	_, err = m.Clone()
	qt.Assert(t, qt.ErrorIs(err, sys.ErrClosedFd))

	var nilMap *Map
	qt.Assert(t, qt.IsNil(nilMap.Close()))
}

func TestMapCloneNil(t *testing.T) {
	m, err := (*Map)(nil).Clone()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(m))
}

func TestMapString(t *testing.T) {
	named := mustNewMap(t, &MapSpec{Name: "test", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1}, nil)
	qt.Assert(t, qt.Equals(named.String(), fmt.Sprintf("Hash(test)#%d", named.FD())))

	anon := mustNewMap(t, &MapSpec{Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 1}, nil)
	qt.Assert(t, qt.Equals(anon.String(), fmt.Sprintf("Array#%d", anon.FD())))

	qt.Assert(t, qt.Equals(anon.Type(), Array))
	qt.Assert(t, qt.Equals(anon.KeySize(), 4))
	qt.Assert(t, qt.Equals(anon.ValueSize(), 8))
	qt.Assert(t, qt.Equals(anon.MaxEntries(), 1))
	qt.Assert(t, qt.Equals(anon.Flags(), 0))
}

func TestMapUnsafePointer(t *testing.T) {
	m := mustNewMap(t, hashSpec(2), nil)

	key, value := uint32(7), uint64(77)
	qt.Assert(t, qt.IsNil(m.Put(unsafe.Pointer(&key), unsafe.Pointer(&value))))

	var got uint64
	qt.Assert(t, qt.IsNil(m.Lookup(unsafe.Pointer(&key), unsafe.Pointer(&got))))
	qt.Assert(t, qt.Equals(got, 77))

	var gotKey uint32
	got = 0
	entries := m.Iterate()
	qt.Assert(t, qt.IsTrue(entries.Next(unsafe.Pointer(&gotKey), unsafe.Pointer(&got))))
	qt.Assert(t, qt.Equals(gotKey, 7))
	qt.Assert(t, qt.Equals(got, 77))
	qt.Assert(t, qt.IsFalse(entries.Next(unsafe.Pointer(&gotKey), unsafe.Pointer(&got))))
	qt.Assert(t, qt.IsNil(entries.Err()))

	var next uint32
	qt.Assert(t, qt.IsNil(m.NextKey(nil, unsafe.Pointer(&next))))
	qt.Assert(t, qt.Equals(next, 7))

	qt.Assert(t, qt.IsNil(m.Delete(unsafe.Pointer(&key))))
}

// lpmKey is the key of an LPM trie with IPv4 prefixes: a prefix length in
// bits followed by the address, the layout of struct bpf_lpm_trie_key.
type lpmKey struct {
	Prefixlen uint32
	Addr      [4]byte
}

func TestMapLPMTrie(t *testing.T) {
	m := mustNewMap(t, &MapSpec{
		Type:       LPMTrie,
		KeySize:    8,
		ValueSize:  4,
		MaxEntries: 8,
		Flags:      unix.BPF_F_NO_PREALLOC,
	}, nil)

	qt.Assert(t, qt.IsNil(m.Put(lpmKey{24, [4]byte{10, 0, 0, 0}}, uint32(24))))
	qt.Assert(t, qt.IsNil(m.Put(&lpmKey{16, [4]byte{10, 0, 0, 0}}, uint32(16))))

	var value uint32
	qt.Assert(t, qt.IsNil(m.Lookup(lpmKey{32, [4]byte{10, 0, 0, 5}}, &value)))
	qt.Assert(t, qt.Equals(value, 24))
	qt.Assert(t, qt.IsNil(m.Lookup(&lpmKey{32, [4]byte{10, 0, 1, 5}}, &value)))
	qt.Assert(t, qt.Equals(value, 16))
	qt.Assert(t, qt.ErrorIs(m.Lookup(lpmKey{32, [4]byte{11, 0, 0, 0}}, &value), ErrKeyNotExist))

	var keys []lpmKey
	var key lpmKey
	entries := m.Iterate()
	for entries.Next(&key, &value) {
		keys = append(keys, key)
	}
	qt.Assert(t, qt.IsNil(entries.Err()))
	qt.Assert(t, qt.HasLen(keys, 2))

	qt.Assert(t, qt.IsNil(m.Delete(lpmKey{24, [4]byte{10, 0, 0, 0}})))
	qt.Assert(t, qt.IsNil(m.Lookup(lpmKey{32, [4]byte{10, 0, 0, 5}}, &value)))
	qt.Assert(t, qt.Equals(value, 16))
}

func TestMapQueueAndStack(t *testing.T) {
	testutils.SkipOnOldKernel(t, "4.20", "queue and stack maps")

	for _, tc := range []struct {
		typ  MapType
		want []uint32
	}{
		{Queue, []uint32{1, 2, 3}},
		{Stack, []uint32{3, 2, 1}},
	} {
		t.Run(tc.typ.String(), func(t *testing.T) {
			m := mustNewMap(t, &MapSpec{Type: tc.typ, ValueSize: 4, MaxEntries: 4}, nil)

			for _, v := range []uint32{1, 2, 3} {
				qt.Assert(t, qt.IsNil(m.Put(nil, v)))
			}
			qt.Assert(t, qt.IsNotNil(m.Put(uint32(0), uint32(4))), qt.Commentf("queues and stacks have no keys"))

			var peek uint32
			qt.Assert(t, qt.IsNil(m.Lookup(nil, &peek)))
			qt.Assert(t, qt.Equals(peek, tc.want[0]))

			var got []uint32
			var value uint32
			qt.Assert(t, qt.IsNil(m.LookupAndDelete(nil, &value)))
			got = append(got, value)
			qt.Assert(t, qt.IsNil(m.LookupAndDelete(nil, unsafe.Pointer(&value))))
			got = append(got, value)
			qt.Assert(t, qt.IsNil(m.LookupAndDeleteWithFlags(nil, &value, 0)))
			got = append(got, value)
			qt.Assert(t, qt.DeepEquals(got, tc.want))

			qt.Assert(t, qt.ErrorIs(m.LookupAndDelete(nil, &value), ErrKeyNotExist))
			qt.Assert(t, qt.ErrorIs(m.Lookup(nil, &value), ErrKeyNotExist))
		})
	}
}

func TestMapRingBufAndPerfEventArray(t *testing.T) {
	testutils.SkipOnOldKernel(t, "5.8", "ring buffer maps")

	ring := mustNewMap(t, &MapSpec{Type: RingBuf, MaxEntries: uint32(os.Getpagesize())}, nil)
	qt.Assert(t, qt.Equals(ring.Type(), RingBuf))

	_, err := NewMap(&MapSpec{Name: "bad_ring", Type: RingBuf, MaxEntries: uint32(os.Getpagesize()) + 1})
	qt.Assert(t, qt.ErrorIs(err, unix.EINVAL))
	qt.Assert(t, qt.StringContains(err.Error(), "not a power-of-two multiple of the page size"))
	qt.Assert(t, qt.StringContains(err.Error(), "bad_ring"))

	cpus := MustPossibleCPU()
	for _, size := range []uint32{0, 4} {
		spec := &MapSpec{Type: PerfEventArray, KeySize: size, ValueSize: size}
		m := mustNewMap(t, spec, nil)
		qt.Assert(t, qt.Equals(m.KeySize(), 4))
		qt.Assert(t, qt.Equals(m.ValueSize(), 4))
		qt.Assert(t, qt.Equals(int(m.MaxEntries()), cpus))
		qt.Assert(t, qt.IsNil(spec.Compatible(m)))

		fewer := &MapSpec{Type: PerfEventArray, MaxEntries: uint32(cpus - 1)}
		if cpus > 1 {
			qt.Assert(t, qt.ErrorIs(fewer.Compatible(m), ErrMapIncompatible))
		}
	}

	_, err = NewMap(&MapSpec{Type: PerfEventArray, KeySize: 8})
	qt.Assert(t, qt.ErrorMatches(err, "creating map: KeySize must be zero or four for perf event array"))
}

func TestMapInMap(t *testing.T) {
	for _, typ := range []MapType{ArrayOfMaps, HashOfMaps} {
		t.Run(typ.String(), func(t *testing.T) {
			inner := &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 2}
			outer := mustNewMap(t, &MapSpec{Type: typ, KeySize: 4, MaxEntries: 2, InnerMap: inner}, nil)
			qt.Assert(t, qt.Equals(outer.ValueSize(), 4))

			innerMap := mustNewMap(t, inner, nil)
			qt.Assert(t, qt.IsNil(innerMap.Put(uint32(1), uint32(42))))
			qt.Assert(t, qt.IsNil(outer.Put(uint32(1), innerMap)))
			qt.Assert(t, qt.IsNil(innerMap.Close()))

			var got *Map
			qt.Assert(t, qt.IsNil(outer.Lookup(uint32(1), &got)))
			defer func() { _ = got.Close() }()
			var value uint32
			qt.Assert(t, qt.IsNil(got.Lookup(uint32(1), &value)))
			qt.Assert(t, qt.Equals(value, 42))

			// A second lookup into the same variable closes the first Map.
			previous := got
			qt.Assert(t, qt.IsNil(outer.Lookup(uint32(1), &got)))
			qt.Assert(t, qt.Equals(previous.FD(), -1))

			qt.Assert(t, qt.ErrorMatches(outer.Lookup(uint32(1), got), "lookup: require pointer to \\*Map"))
			var id uint32
			qt.Assert(t, qt.IsNil(outer.Lookup(uint32(1), &id)), qt.Commentf("the raw value is the inner map's ID"))
			info, err := got.Info()
			qt.Assert(t, qt.IsNil(err))
			wantID, _ := info.ID()
			qt.Assert(t, qt.Equals(MapID(id), wantID))

			// Empty slots are skipped by the iterator.
			var key uint32
			var entry *Map
			var keys []uint32
			entries := outer.Iterate()
			for entries.Next(&key, &entry) {
				keys = append(keys, key)
			}
			qt.Assert(t, qt.IsNil(entries.Err()))
			qt.Assert(t, qt.DeepEquals(keys, []uint32{1}))
			qt.Assert(t, qt.IsNil(entry.Close()))

			dup, err := unix.FcntlInt(uintptr(outer.FD()), unix.F_DUPFD_CLOEXEC, 1)
			qt.Assert(t, qt.IsNil(err))
			fromFD, err := NewMapFromFD(dup)
			qt.Assert(t, qt.IsNil(err))
			defer fromFD.Close()
			qt.Assert(t, qt.Equals(fromFD.Type(), typ))
			qt.Assert(t, qt.IsNil(fromFD.Lookup(uint32(1), &got)))
		})
	}
}

func TestMapInMapValueSize(t *testing.T) {
	inner := &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}
	for _, size := range []uint32{0, 4} {
		mustNewMap(t, &MapSpec{Type: ArrayOfMaps, KeySize: 4, ValueSize: size, MaxEntries: 1, InnerMap: inner}, nil)
	}

	_, err := NewMap(&MapSpec{Type: ArrayOfMaps, KeySize: 4, ValueSize: 1, MaxEntries: 1, InnerMap: inner})
	qt.Assert(t, qt.ErrorMatches(err, "creating map: ValueSize must be zero or four for map of map"))
}

func TestMapInMapErrors(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	_, err := NewMap(&MapSpec{Name: "outer", Type: HashOfMaps, KeySize: 4, MaxEntries: 1})
	qt.Assert(t, qt.ErrorMatches(err, "creating map outer: HashOfMaps requires InnerMap"))

	pinned := &MapSpec{Name: "inner", Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1, Pinning: PinByName}
	_, err = NewMap(&MapSpec{Type: ArrayOfMaps, KeySize: 4, MaxEntries: 1, InnerMap: pinned})
	qt.Assert(t, qt.ErrorMatches(err, "creating map: inner maps cannot be pinned"))

	bad := &MapSpec{Type: Hash, KeySize: 0, ValueSize: 4, MaxEntries: 1}
	_, err = NewMap(&MapSpec{Type: ArrayOfMaps, KeySize: 4, MaxEntries: 1, InnerMap: bad})
	qt.Assert(t, qt.ErrorIs(err, unix.EINVAL))
	qt.Assert(t, qt.StringContains(err.Error(), "inner map: "))

	plain := mustNewMap(t, hashSpec(1), nil)
	outer := mustNewMap(t, &MapSpec{Type: ArrayOfMaps, KeySize: 4, MaxEntries: 1, InnerMap: hashSpec(1)}, nil)
	qt.Assert(t, qt.ErrorMatches(plain.Put(uint32(0), outer), "update: marshal value: can't store map in Hash"))
	var got *Map
	qt.Assert(t, qt.ErrorMatches(plain.Lookup(uint32(0), &got), "lookup: can't read a map from Hash"))
	qt.Assert(t, qt.IsNil(got))
}

func TestMapPerCPU(t *testing.T) {
	if MustPossibleCPU() < 2 {
		t.Skip("needs at least two possible CPUs")
	}

	for _, typ := range []MapType{PerCPUHash, PerCPUArray, LRUCPUHash} {
		t.Run(typ.String(), func(t *testing.T) {
			m := mustNewMap(t, &MapSpec{Type: typ, KeySize: 4, ValueSize: 5, MaxEntries: 2}, nil)

			// One value for the first CPU only; the rest are zero.
			values := []*customEncoding{{"hello"}}
			qt.Assert(t, qt.IsNil(m.Put(uint32(0), values)))

			nilElems := make([]*customEncoding, MustPossibleCPU())
			qt.Assert(t, qt.IsNotNil(m.Lookup(uint32(0), nilElems)))

			filled := make([]*customEncoding, MustPossibleCPU())
			for i := range filled {
				filled[i] = new(customEncoding)
			}
			qt.Assert(t, qt.IsNil(m.Lookup(uint32(0), filled)))
			qt.Assert(t, qt.Equals(filled[0].data, "HELLO"))
			qt.Assert(t, qt.Equals(filled[1].data, "\x00\x00\x00\x00\x00"))

			var allocated []*customEncoding
			qt.Assert(t, qt.IsNil(m.Lookup(uint32(0), &allocated)))
			qt.Assert(t, qt.HasLen(allocated, MustPossibleCPU()))
			qt.Assert(t, qt.Equals(allocated[0].data, "HELLO"))

			raw, err := m.LookupBytes(uint32(0))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.HasLen(raw, 8*MustPossibleCPU()))
			qt.Assert(t, qt.DeepEquals(raw[:8], []byte("HELLO\x00\x00\x00")))

			tooMany := make([]*customEncoding, MustPossibleCPU()+1)
			qt.Assert(t, qt.IsNotNil(m.Put(uint32(0), tooMany)))
			qt.Assert(t, qt.ErrorMatches(m.Put(uint32(0), customEncoding{"hello"}), ".*per-cpu value requires a slice.*"))
			var wrong uint64
			qt.Assert(t, qt.ErrorMatches(m.Lookup(uint32(0), &wrong), "lookup: per-cpu value requires a slice or a pointer to slice"))
		})
	}
}

func TestMapPerCPUAligned(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 1}, nil)

	cpus := MustPossibleCPU()
	want := make([]uint64, cpus)
	for i := range want {
		want[i] = uint64(i + 1)
	}
	qt.Assert(t, qt.IsNil(m.Put(uint32(0), want)))

	got := make([]uint64, cpus)
	qt.Assert(t, qt.IsNil(m.Lookup(uint32(0), got)))
	qt.Assert(t, qt.DeepEquals(got, want))

	// 8-byte values have no padding between CPUs: the slices are used in
	// place.
	zero, value, wantValue := uint32(0), any(got), any(want)
	allocs := testing.AllocsPerRun(5, func() {
		if err := m.Lookup(&zero, value); err != nil {
			t.Fatal(err)
		}
		if err := m.Put(&zero, wantValue); err != nil {
			t.Fatal(err)
		}
	})
	qt.Assert(t, qt.Equals(allocs, 0))

	var ptr []uint64
	qt.Assert(t, qt.IsNil(m.Lookup(uint32(0), &ptr)))
	qt.Assert(t, qt.DeepEquals(ptr, want))

	var key uint32
	entries := m.Iterate()
	qt.Assert(t, qt.IsTrue(entries.Next(&key, &ptr)))
	qt.Assert(t, qt.DeepEquals(ptr, want))
}

func TestMapProgramArray(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: ProgramArray, KeySize: 4, ValueSize: 4, MaxEntries: 2}, nil)
	prog := loadRawSocketFilter(t)

	qt.Assert(t, qt.IsNil(m.Put(uint32(1), prog)))

	var got *Program
	qt.Assert(t, qt.IsNil(m.Lookup(uint32(1), &got)))
	defer func() { _ = got.Close() }()
	qt.Assert(t, qt.Not(qt.Equals(got.FD(), -1)))
	qt.Assert(t, qt.ErrorMatches(m.Lookup(uint32(1), got), "lookup: require pointer to \\*Program"))

	var gotMap *Map
	qt.Assert(t, qt.ErrorMatches(m.Lookup(uint32(1), &gotMap), "lookup: can't read a map from ProgramArray"))

	hash := mustNewMap(t, &MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1}, nil)
	qt.Assert(t, qt.ErrorMatches(hash.Put(uint32(0), prog), "update: marshal value: can't store program in Hash"))

	var key uint32
	var keys []uint32
	entries := m.Iterate()
	for entries.Next(&key, &got) {
		keys = append(keys, key)
	}
	qt.Assert(t, qt.IsNil(entries.Err()))
	qt.Assert(t, qt.DeepEquals(keys, []uint32{1}))

	qt.Assert(t, qt.IsNil(m.Delete(uint32(1))))
	qt.Assert(t, qt.ErrorIs(m.Lookup(uint32(1), &got), ErrKeyNotExist))
}

// loadRawSocketFilter loads "return 0" as a socket filter through the raw
// syscall layer, independent of the program loader.
func loadRawSocketFilter(tb testing.TB) *Program {
	tb.Helper()
	insns := []byte{
		0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // r0 = 0
		0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // exit
	}
	license := []byte("MIT\x00")
	fd, err := sys.ProgLoad(&sys.ProgLoadAttr{
		ProgType: sys.BPF_PROG_TYPE_SOCKET_FILTER,
		InsnCnt:  uint32(len(insns) / 8),
		Insns:    sys.NewSlicePointer(insns),
		License:  sys.NewSlicePointer(license),
	})
	qt.Assert(tb, qt.IsNil(err))
	defer fd.Close()

	// NewProgramFromFD takes ownership of a raw descriptor.
	raw, err := unix.FcntlInt(uintptr(fd.Int()), unix.F_DUPFD_CLOEXEC, 1)
	qt.Assert(tb, qt.IsNil(err))
	prog, err := NewProgramFromFD(raw)
	qt.Assert(tb, qt.IsNil(err))
	tb.Cleanup(func() { _ = prog.Close() })
	return prog
}

func TestMapContents(t *testing.T) {
	spec := &MapSpec{
		Type:       Array,
		KeySize:    4,
		ValueSize:  4,
		MaxEntries: 2,
		Contents: []MapKV{
			{uint32(0), uint32(23)},
			{uint32(1), uint32(42)},
		},
	}
	m := mustNewMap(t, spec, nil)

	var value uint32
	qt.Assert(t, qt.IsNil(m.Lookup(uint32(0), &value)))
	qt.Assert(t, qt.Equals(value, 23))
	qt.Assert(t, qt.IsNil(m.Lookup(uint32(1), &value)))
	qt.Assert(t, qt.Equals(value, 42))
}

func TestMapContentsOutOfRange(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := &MapSpec{
		Name:       "contents",
		Type:       Array,
		KeySize:    4,
		ValueSize:  4,
		MaxEntries: 2,
		Contents:   []MapKV{{uint32(2), uint32(0)}},
	}
	_, err := NewMap(spec)
	qt.Assert(t, qt.ErrorIs(err, unix.E2BIG))
	qt.Assert(t, qt.StringContains(err.Error(), "populating map contents: putting value: key 2: update: "))
}

func TestMapFreeze(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}, nil)
	qt.Assert(t, qt.IsNil(m.Put(uint32(0), uint32(1))))

	err := m.Freeze()
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.ErrorIs(m.Put(uint32(0), uint32(2)), unix.EPERM))

	frozen := mustNewMap(t, &MapSpec{
		Type:       Array,
		KeySize:    4,
		ValueSize:  4,
		MaxEntries: 1,
		Contents:   []MapKV{{uint32(0), uint32(42)}},
		Freeze:     true,
	}, nil)
	var value uint32
	qt.Assert(t, qt.IsNil(frozen.Lookup(uint32(0), &value)))
	qt.Assert(t, qt.Equals(value, 42))
	qt.Assert(t, qt.ErrorIs(frozen.Put(uint32(0), uint32(2)), unix.EPERM))
}

func TestMapName(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipIfNotSupported(t, haveObjName())
	m := mustNewMap(t, &MapSpec{Name: "test_name", Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}, nil)

	info, err := m.Info()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(info.Name, "test_name"))
}

func TestNewMapFromFD(t *testing.T) {
	m := mustNewMap(t, hashSpec(1), nil)
	qt.Assert(t, qt.IsNil(m.Put(uint32(1), uint64(2))))

	dup, err := unix.FcntlInt(uintptr(m.FD()), unix.F_DUPFD_CLOEXEC, 1)
	qt.Assert(t, qt.IsNil(err))
	other, err := NewMapFromFD(dup)
	qt.Assert(t, qt.IsNil(err))
	defer other.Close()

	var value uint64
	qt.Assert(t, qt.IsNil(other.Lookup(uint32(1), &value)))
	qt.Assert(t, qt.Equals(value, 2))
	qt.Assert(t, qt.Equals(other.KeySize(), 4))
	qt.Assert(t, qt.Equals(other.ValueSize(), 8))

	_, err = NewMapFromFD(-1)
	qt.Assert(t, qt.IsNotNil(err))

	// A program is not a map, even though the kernel would describe it.
	testutils.CheckFDLeaks(t)
	prog := loadRawSocketFilter(t)
	dupProg, err := unix.FcntlInt(uintptr(prog.FD()), unix.F_DUPFD_CLOEXEC, 1)
	qt.Assert(t, qt.IsNil(err))
	_, err = NewMapFromFD(dupProg)
	qt.Assert(t, qt.ErrorMatches(err, "fd .* refers to bpf-prog, not a map: invalid argument"))
}

func TestMapGuessNonExistentKey(t *testing.T) {
	for _, tc := range []struct {
		name     string
		spec     *MapSpec
		occupied []uint32
	}{
		{"empty hash", &MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 8}, nil},
		{"hash with patterns", &MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 8},
			[]uint32{0, 0xffffffff, 0x55555555}},
		{"array", &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 8}, nil},
		{"big value", &MapSpec{Type: Hash, KeySize: 4, ValueSize: 8192, MaxEntries: 8}, []uint32{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mustNewMap(t, tc.spec, nil)
			for _, key := range tc.occupied {
				qt.Assert(t, qt.IsNil(m.Put(key, make([]byte, m.ValueSize()))))
			}

			guess, err := m.guessNonExistentKey()
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.HasLen(guess, 4))
			_, err = m.LookupBytes(guess)
			qt.Assert(t, qt.IsNil(err))
			value, _ := m.LookupBytes(guess)
			qt.Assert(t, qt.IsNil(value))
		})
	}

	t.Run("full 1-byte hash", func(t *testing.T) {
		m := mustNewMap(t, &MapSpec{Type: Hash, KeySize: 1, ValueSize: 1, MaxEntries: 256}, nil)
		for i := range 256 {
			qt.Assert(t, qt.IsNil(m.Put(uint8(i), uint8(i))))
		}
		_, err := m.guessNonExistentKey()
		qt.Assert(t, qt.ErrorMatches(err, "couldn't find non-existing key"))
	})
}

func TestMapGetNextID(t *testing.T) {
	testutils.SkipOnOldKernel(t, "4.13", "map IDs")
	m := mustNewMap(t, hashSpec(1), nil)
	info, err := m.Info()
	qt.Assert(t, qt.IsNil(err))
	want, ok := info.ID()
	qt.Assert(t, qt.IsTrue(ok))

	var ids []MapID
	var last MapID
	for {
		next, err := MapGetNextID(last)
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.IsTrue(next > last))
		ids = append(ids, next)
		last = next
	}
	qt.Assert(t, qt.IsTrue(slices.Contains(ids, want)))
}

func TestNewMapFromID(t *testing.T) {
	testutils.SkipOnOldKernel(t, "4.13", "map IDs")
	m := mustNewMap(t, hashSpec(1), nil)
	qt.Assert(t, qt.IsNil(m.Put(uint32(3), uint64(4))))
	info, err := m.Info()
	qt.Assert(t, qt.IsNil(err))
	id, _ := info.ID()

	byID, err := NewMapFromID(id)
	qt.Assert(t, qt.IsNil(err))
	defer byID.Close()
	var value uint64
	qt.Assert(t, qt.IsNil(byID.Lookup(uint32(3), &value)))
	qt.Assert(t, qt.Equals(value, 4))

	_, err = NewMapFromID(MapID(^uint32(0)))
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
}

// customEncoding marshals to upper case, so tests can see that
// MarshalBinary was used.
type customEncoding struct {
	data string
}

func (ce customEncoding) MarshalBinary() ([]byte, error) {
	return []byte(strings.ToUpper(ce.data)), nil
}

func (ce *customEncoding) UnmarshalBinary(buf []byte) error {
	ce.data = string(buf)
	return nil
}

func TestMapCustomMarshaler(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: Hash, KeySize: 5, ValueSize: 4, MaxEntries: 1}, nil)
	qt.Assert(t, qt.IsNil(m.Put(customEncoding{"hello"}, uint32(111))))

	var key customEncoding
	var value uint32
	entries := m.Iterate()
	qt.Assert(t, qt.IsTrue(entries.Next(&key, &value)))
	qt.Assert(t, qt.CmpEquals(key, customEncoding{"HELLO"}, cmp.AllowUnexported(customEncoding{})))
	qt.Assert(t, qt.Equals(value, 111))
}

func TestMapNumaNode(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: unix.BPF_F_NUMA_NODE, NumaNode: 0}, nil)
	qt.Assert(t, qt.Equals(m.Flags(), unix.BPF_F_NUMA_NODE))
}

// TestMapConcurrentUse runs operations from several goroutines at once; run
// with -race.
func TestMapConcurrentUse(t *testing.T) {
	m := mustNewMap(t, hashSpec(64), nil)
	done := make(chan error)
	for g := range 4 {
		go func() {
			var err error
			for i := range uint32(200) {
				key := uint32(g)*1000 + i%16
				if err = m.Put(key, uint64(i)); err != nil {
					break
				}
				var value uint64
				if err = m.Lookup(&key, &value); err != nil {
					break
				}
				entries := m.Iterate()
				var k uint32
				for entries.Next(&k, &value) {
				}
				if err = entries.Err(); err != nil && !errors.Is(err, ErrIterationAborted) {
					break
				}
				err = nil
			}
			done <- err
		}()
	}
	for range 4 {
		qt.Assert(t, qt.IsNil(<-done))
	}
}
