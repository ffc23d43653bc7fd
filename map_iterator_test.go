package ebpf

import (
	"errors"
	"slices"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestMapIterateEmpty(t *testing.T) {
	for _, spec := range []*MapSpec{
		{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 2},
		// Socket maps return socket cookies to user space, so lookups need
		// 8-byte values.
		{Type: SockHash, KeySize: 4, ValueSize: 8, MaxEntries: 2},
		{Type: SockMap, KeySize: 4, ValueSize: 8, MaxEntries: 2},
	} {
		t.Run(spec.Type.String(), func(t *testing.T) {
			m := mustNewMap(t, spec, nil)
			var key uint32
			value := make([]byte, spec.ValueSize)
			entries := m.Iterate()
			qt.Assert(t, qt.IsFalse(entries.Next(&key, value)))
			qt.Assert(t, qt.IsNil(entries.Err()))
		})
	}

	// Arrays always have MaxEntries entries.
	m := mustNewMap(t, &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 2}, nil)
	var key, value uint32
	var keys []uint32
	entries := m.Iterate()
	for entries.Next(&key, &value) {
		keys = append(keys, key)
		qt.Assert(t, qt.Equals(value, 0))
	}
	qt.Assert(t, qt.IsNil(entries.Err()))
	qt.Assert(t, qt.DeepEquals(keys, []uint32{0, 1}))
}

func TestMapIterateStringKeys(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: Hash, KeySize: 5, ValueSize: 4, MaxEntries: 2}, nil)
	qt.Assert(t, qt.IsNil(m.Put("hello", uint32(21))))
	qt.Assert(t, qt.IsNil(m.Put("world", uint32(42))))

	var key string
	var value uint32
	got := make(map[string]uint32)
	entries := m.Iterate()
	for entries.Next(&key, &value) {
		got[key] = value
	}
	qt.Assert(t, qt.IsNil(entries.Err()))
	qt.Assert(t, qt.DeepEquals(got, map[string]uint32{"hello": 21, "world": 42}))
}

func TestMapIterateFullOneByteKeys(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: Hash, KeySize: 1, ValueSize: 1, MaxEntries: 256}, nil)
	for i := range 256 {
		qt.Assert(t, qt.IsNil(m.Put(uint8(i), uint8(i))))
	}

	var key, value uint8
	count := 0
	entries := m.Iterate()
	for entries.Next(&key, &value) {
		qt.Assert(t, qt.Equals(key, value))
		count++
	}
	qt.Assert(t, qt.IsNil(entries.Err()))
	qt.Assert(t, qt.Equals(count, 256))
}

func TestMapIterateDeleteWhileIterating(t *testing.T) {
	m := mustNewMap(t, hashSpec(100), nil)
	for i := range uint32(100) {
		qt.Assert(t, qt.IsNil(m.Put(i, uint64(i))))
	}

	var key uint32
	var value uint64
	seen := make(map[uint32]bool)
	entries := m.Iterate()
	for entries.Next(&key, &value) {
		qt.Assert(t, qt.Equals(uint64(key), value))
		seen[key] = true
		qt.Assert(t, qt.IsNil(m.Delete(key)))
	}
	qt.Assert(t, qt.IsNil(entries.Err()))
	qt.Assert(t, qt.Equals(len(seen), 100))
	qt.Assert(t, qt.ErrorIs(m.NextKey(nil, &key), ErrKeyNotExist))
}

func TestMapIterateAborted(t *testing.T) {
	m := mustNewMap(t, hashSpec(4), nil)
	for i := range uint32(4) {
		qt.Assert(t, qt.IsNil(m.Put(i, uint64(i))))
	}

	// Replacing every entry by a new key sends the kernel back to the
	// start of the map each time, so the walk never ends on its own.
	var key uint32
	var value uint64
	next := uint32(100)
	entries := m.Iterate()
	for entries.Next(&key, &value) {
		qt.Assert(t, qt.IsNil(m.Delete(key)))
		qt.Assert(t, qt.IsNil(m.Put(next, uint64(next))))
		next++
	}
	qt.Assert(t, qt.ErrorIs(entries.Err(), ErrIterationAborted))
	qt.Assert(t, qt.IsFalse(entries.Next(&key, &value)))
}

func TestMapIterateErrors(t *testing.T) {
	m := mustNewMap(t, hashSpec(1), nil)
	qt.Assert(t, qt.IsNil(m.Put(uint32(1), uint64(2))))

	var small uint16
	var value uint64
	entries := m.Iterate()
	qt.Assert(t, qt.IsFalse(entries.Next(&small, &value)))
	qt.Assert(t, qt.ErrorMatches(entries.Err(), "decode key: .*"))

	var key uint32
	entries = m.Iterate()
	qt.Assert(t, qt.IsFalse(entries.Next(&key, &small)))
	qt.Assert(t, qt.ErrorMatches(entries.Err(), "look up next key: .*"))
}

func TestMapIteratorAllocations(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 10}, nil)

	var key, value uint32
	entries := m.Iterate()
	allocs := testing.AllocsPerRun(5, func() {
		if !entries.Next(&key, &value) {
			t.Fatal("iteration ended early:", entries.Err())
		}
	})
	qt.Assert(t, qt.Equals(allocs, 0))
}

func TestMapIterateMatchesNextKey(t *testing.T) {
	m := mustNewMap(t, hashSpec(16), nil)
	for i := range uint32(16) {
		qt.Assert(t, qt.IsNil(m.Put(i*7, uint64(i))))
	}

	var viaNextKey []uint32
	var key uint32
	for prev := any(nil); ; prev = key {
		err := m.NextKey(prev, &key)
		if errors.Is(err, ErrKeyNotExist) {
			break
		}
		qt.Assert(t, qt.IsNil(err))
		viaNextKey = append(viaNextKey, key)
	}

	var viaIterator []uint32
	var value uint64
	entries := m.Iterate()
	for entries.Next(&key, &value) {
		viaIterator = append(viaIterator, key)
	}
	qt.Assert(t, qt.IsNil(entries.Err()))
	qt.Assert(t, qt.DeepEquals(viaIterator, viaNextKey))
	qt.Assert(t, qt.HasLen(viaIterator, 16))
	qt.Assert(t, qt.IsTrue(slices.Contains(viaIterator, 7*15)))
}
