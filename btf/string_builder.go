package btf

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"math/bits"
	"slices"
	"strings"
)

// stringTableBuilder assembles the string section of a BTF blob, storing each
// distinct string once.
//
// The strings live back to back in data, each followed by a NUL, with the
// empty string at offset 0. Deduplication uses an open-addressing hash table
// (linear probing) whose slots hold the offset of a string in data: the
// empty string is never entered, so 0 marks a free slot. Compared with a
// map[string]uint32 this costs no allocation per string and copying the
// builder is two memcpys, which Marshal relies on.
type stringTableBuilder struct {
	data  []byte
	slots []uint32
	// Number of occupied slots.
	count int
}

// stringSeed is shared by all builders: the hash only has to be stable for
// the lifetime of the process.
var stringSeed = maphash.MakeSeed()

// errStringContainsNUL is returned when a string can't be represented in a
// NUL-terminated table.
var errStringContainsNUL = errors.New("string contains a NUL byte")

// newStringTableBuilder returns a builder with room for about capacity
// strings before it has to grow.
func newStringTableBuilder(capacity int) *stringTableBuilder {
	stb := &stringTableBuilder{}
	stb.data = make([]byte, 1, 1+capacity*stringBytesPerType)
	stb.slots = make([]uint32, slotsFor(capacity))
	return stb
}

// slotsFor returns a power of two number of slots that holds n strings at a
// load factor of at most 2/3.
func slotsFor(n int) int {
	return max(16, 1<<bits.Len(uint(n+n/2)))
}

func (stb *stringTableBuilder) hash(s string) uint32 {
	return uint32(maphash.String(stringSeed, s))
}

// find returns the offset of s and true, or the index of the free slot where
// s belongs and false.
func (stb *stringTableBuilder) find(s string) (uint32, bool) {
	mask := uint32(len(stb.slots) - 1)
	for i := stb.hash(s) & mask; ; i = (i + 1) & mask {
		off := stb.slots[i]
		if off == 0 {
			return i, false
		}
		// Every string is followed by its NUL, so end is always in range.
		end := off + uint32(len(s))
		if end < uint32(len(stb.data)) && stb.data[end] == 0 && string(stb.data[off:end]) == s {
			return off, true
		}
	}
}

// Lookup returns the offset of s, or an error if s hasn't been added.
func (stb *stringTableBuilder) Lookup(s string) (uint32, error) {
	if s == "" {
		return 0, nil
	}
	if off, ok := stb.find(s); ok {
		return off, nil
	}
	return 0, fmt.Errorf("string %q: %w", s, ErrNotFound)
}

// Add returns the offset of s in the table, appending it if it isn't there
// yet. It returns an error if s contains a NUL byte or the table would exceed
// 4 GiB.
func (stb *stringTableBuilder) Add(s string) (uint32, error) {
	if s == "" {
		return 0, nil
	}
	if stb.slots == nil {
		*stb = *newStringTableBuilder(0)
	}

	slot, ok := stb.find(s)
	if ok {
		return slot, nil
	}
	if strings.IndexByte(s, 0) != -1 {
		return 0, fmt.Errorf("add string %q: %w", s, errStringContainsNUL)
	}
	if uint64(len(stb.data))+uint64(len(s))+1 > math.MaxUint32 {
		return 0, fmt.Errorf("add string %q: string table exceeds 4 GiB", s)
	}

	off := uint32(len(stb.data))
	stb.data = append(stb.data, s...)
	stb.data = append(stb.data, 0)

	if (stb.count+1)*3 > len(stb.slots)*2 {
		stb.grow()
		slot, _ = stb.find(s)
	}
	stb.slots[slot] = off
	stb.count++
	return off, nil
}

// grow doubles the hash table, re-entering every string.
func (stb *stringTableBuilder) grow() {
	old := stb.slots
	stb.slots = make([]uint32, len(old)*2)
	for _, off := range old {
		if off != 0 {
			stb.insert(off)
		}
	}
}

func indexNUL(b []byte) int {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return i
	}
	return len(b)
}

// Length returns the size of the encoded table in bytes, at least 1 for the
// empty string.
func (stb *stringTableBuilder) Length() int {
	if stb == nil || len(stb.data) == 0 {
		return 1
	}
	return len(stb.data)
}

// AppendEncoded appends the encoded table to buf.
func (stb *stringTableBuilder) AppendEncoded(buf []byte) []byte {
	if len(stb.data) == 0 {
		return append(buf, 0)
	}
	return append(buf, stb.data...)
}

// reset empties the builder, keeping its memory if it suits about capacity
// strings.
func (stb *stringTableBuilder) reset(capacity int) {
	n := slotsFor(capacity)
	if len(stb.slots) >= n && len(stb.slots) <= 4*n {
		clear(stb.slots)
	} else {
		stb.slots = make([]uint32, n)
	}
	if cap(stb.data) == 0 {
		stb.data = make([]byte, 1, 1+capacity*stringBytesPerType)
	} else {
		stb.data = append(stb.data[:0], 0)
	}
	stb.count = 0
}

// copyFrom makes stb an independent copy of src with room for about extra
// more strings.
func (stb *stringTableBuilder) copyFrom(src *stringTableBuilder, extra int) {
	if src.slots == nil {
		stb.reset(extra)
		return
	}

	stb.data = slices.Grow(append(stb.data[:0], src.data...), extra*stringBytesPerType)
	stb.count = src.count

	n := max(slotsFor(src.count+extra), len(src.slots))
	if n == len(src.slots) {
		stb.slots = append(stb.slots[:0], src.slots...)
		return
	}

	// Enter the strings into a bigger table right away rather than growing
	// it step by step while adding.
	if cap(stb.slots) >= n {
		stb.slots = stb.slots[:n]
		clear(stb.slots)
	} else {
		stb.slots = make([]uint32, n)
	}
	for _, off := range src.slots {
		if off != 0 {
			stb.insert(off)
		}
	}
}

// insert enters the string at off into the hash table, which must have
// room.
func (stb *stringTableBuilder) insert(off uint32) {
	s := stb.data[off:]
	s = s[:indexNUL(s)]
	mask := uint32(len(stb.slots) - 1)
	i := uint32(maphash.Bytes(stringSeed, s)) & mask
	for stb.slots[i] != 0 {
		i = (i + 1) & mask
	}
	stb.slots[i] = off
}

// pooled reports whether the builder is small enough to keep for reuse:
// clearing a big table costs more than building a small blob.
func (stb *stringTableBuilder) pooled() bool {
	return len(stb.slots) <= maxPooledStrings
}

const maxPooledStrings = 1 << 14
