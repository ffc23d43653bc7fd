package btf

import (
	"math/bits"
	"unsafe"
)

// typeTable indexes a list of types by identity: an open-addressing hash
// table (linear probing) whose slots hold 1 + the index of a type in the
// list, 0 marking a free slot.
//
// It is the Builder's map from types to IDs. Compared with a
// map[Type]TypeID it needs 4 bytes per slot instead of a key and a value,
// holds no pointers for the garbage collector to scan, and hashes a pointer
// with one multiplication. The types themselves stay in the list, which
// keeps them alive.
type typeTable struct {
	slots []uint32
	count int
}

// typeHash spreads pointers over the table (Fibonacci hashing): types are
// often allocated back to back, so their addresses differ in a few low
// bits only.
func typeHash(key unsafe.Pointer) uint32 {
	return uint32((uint64(uintptr(key)) * 0x9E3779B97F4A7C15) >> 32)
}

// find returns the index of the type with the given key in types, or -1.
func (tt *typeTable) find(types []Type, key unsafe.Pointer) int {
	if tt.count == 0 {
		return -1
	}
	mask := uint32(len(tt.slots) - 1)
	for i := typeHash(key) & mask; ; i = (i + 1) & mask {
		slot := tt.slots[i]
		if slot == 0 {
			return -1
		}
		if typeKey(types[slot-1]) == key {
			return int(slot - 1)
		}
	}
}

// insert enters types[index], which must not be in the table yet.
func (tt *typeTable) insert(types []Type, index int) {
	if (tt.count+1)*3 > len(tt.slots)*2 {
		tt.grow(types, max(16, len(tt.slots)*2))
	}
	tt.place(typeKey(types[index]), uint32(index+1))
	tt.count++
}

// place puts slot into the first free position for key.
func (tt *typeTable) place(key unsafe.Pointer, slot uint32) {
	mask := uint32(len(tt.slots) - 1)
	i := typeHash(key) & mask
	for tt.slots[i] != 0 {
		i = (i + 1) & mask
	}
	tt.slots[i] = slot
}

// grow rehashes the table into n slots, a power of two.
func (tt *typeTable) grow(types []Type, n int) {
	old := tt.slots
	tt.slots = make([]uint32, n)
	for _, slot := range old {
		if slot != 0 {
			tt.place(typeKey(types[slot-1]), slot)
		}
	}
}

// reserve makes room for n types in total without growing.
func (tt *typeTable) reserve(types []Type, n int) {
	want := max(16, 1<<bits.Len(uint(n+n/2)))
	if want > len(tt.slots) {
		tt.grow(types, want)
	}
}
