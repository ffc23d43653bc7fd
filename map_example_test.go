package ebpf

import (
	"errors"
	"fmt"
	"slices"
	"unsafe"
)

// A per-CPU map holds one value per possible CPU: write a slice, read into
// a slice (or a pointer to one, which Lookup allocates).
func ExampleMap_perCPU() {
	counters, err := NewMap(&MapSpec{Type: PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	if err != nil {
		panic(err)
	}
	defer counters.Close()

	// Missing CPUs are written as zero.
	if err := counters.Put(uint32(0), []uint64{4, 2}[:min(2, MustPossibleCPU())]); err != nil {
		panic(err)
	}

	var perCPU []uint64
	if err := counters.Lookup(uint32(0), &perCPU); err != nil {
		panic(err)
	}
	var sum uint64
	for _, n := range perCPU {
		sum += n
	}
	fmt.Println(len(perCPU) == MustPossibleCPU(), sum >= 4)
}

// Pointers to values whose memory is their wire format are handed to the
// kernel as they are: nothing is copied or allocated.
func ExampleMap_zeroCopy() {
	type point struct {
		X, Y uint32
	}

	points, err := NewMap(&MapSpec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	if err != nil {
		panic(err)
	}
	defer points.Close()

	key := uint32(1)
	in := point{3, 4}
	if err := points.Put(&key, &in); err != nil {
		panic(err)
	}

	var out point
	if err := points.Lookup(&key, &out); err != nil {
		panic(err)
	}
	// An unsafe.Pointer is trusted to point at ValueSize bytes.
	var raw [8]byte
	if err := points.Lookup(&key, unsafe.Pointer(&raw)); err != nil {
		panic(err)
	}
	fmt.Println(out.X, out.Y, raw != [8]byte{})
}

// NextKey walks the keys of a map; a nil key asks for the first one.
func ExampleMap_NextKey() {
	hash, err := NewMap(&MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 4})
	if err != nil {
		panic(err)
	}
	defer hash.Close()

	for _, k := range []uint32{10, 20, 30} {
		if err := hash.Put(k, k*2); err != nil {
			panic(err)
		}
	}

	var keys []uint32
	var key uint32
	for prev := any(nil); ; prev = key {
		err := hash.NextKey(prev, &key)
		if errors.Is(err, ErrKeyNotExist) {
			break
		}
		if err != nil {
			panic(err)
		}
		keys = append(keys, key)
	}
	slices.Sort(keys)
	fmt.Println(keys)
}

// Iterate visits every entry once, in the kernel's order.
func ExampleMap_Iterate() {
	hash, err := NewMap(&MapSpec{Type: Hash, KeySize: 5, ValueSize: 4, MaxEntries: 2})
	if err != nil {
		panic(err)
	}
	defer hash.Close()

	_ = hash.Put("hello", uint32(21))
	_ = hash.Put("world", uint32(42))

	var key string
	var value uint32
	entries := hash.Iterate()
	for entries.Next(&key, &value) {
		fmt.Println(key, value)
	}
	if err := entries.Err(); err != nil {
		panic(err)
	}
}

// Map-of-maps hand out inner maps as *Map, opened from the ID the kernel
// returns; empty slots are skipped.
func ExampleMap_Iterate_nestedMapsAndProgramArrays() {
	inner := &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}
	outer, err := NewMap(&MapSpec{Type: ArrayOfMaps, KeySize: 4, MaxEntries: 3, InnerMap: inner})
	if err != nil {
		panic(err)
	}
	defer outer.Close()

	innerMap, err := NewMap(inner)
	if err != nil {
		panic(err)
	}
	_ = innerMap.Put(uint32(0), uint32(42))
	_ = outer.Put(uint32(1), innerMap)
	innerMap.Close()

	var key uint32
	var m *Map
	entries := outer.Iterate()
	for entries.Next(&key, &m) {
		var value uint32
		_ = m.Lookup(uint32(0), &value)
		fmt.Println(key, value)
	}
	m.Close()
	if err := entries.Err(); err != nil {
		panic(err)
	}
}
