package btf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"unsafe"
)

// stringTable is the string section of a BTF blob: NUL-terminated strings
// addressed by the offset of their first byte.
//
// It does not copy the section: strings returned by lookup share memory with
// the raw blob, which therefore must never be modified. A split blob's table
// continues the offsets of its base.
type stringTable struct {
	base *stringTable
	// The section, viewed as a string to allow cheap substrings.
	data string
	// Offset of data[0], the length of the base table (0 without base).
	first uint32
	// data is a memory mapping (see mapSysfsBTF): strings handed out must
	// be copies.
	mapped bool
}

var errStringOffset = errors.New("invalid string offset")

// newStringTable validates the string section raw, which must stay
// unmodified for as long as the table is used. Without a base the section
// must start with the empty string; any non-empty section must end in a NUL.
func newStringTable(raw []byte, base *stringTable) (*stringTable, error) {
	st := &stringTable{base: base}
	if base != nil {
		if base.base != nil {
			return nil, errors.New("string table: base table must not itself be split")
		}
		st.first = base.end()
	}

	if len(raw) == 0 {
		if base == nil {
			return nil, errors.New("string table: empty, the first string must be the empty string")
		}
		return st, nil
	}
	if base == nil && raw[0] != 0 {
		return nil, errors.New("string table: first string is not the empty string")
	}
	if raw[len(raw)-1] != 0 {
		return nil, errors.New("string table: not terminated by NUL")
	}
	if uint64(st.first)+uint64(len(raw)) > 1<<32-1 {
		return nil, errors.New("string table: exceeds 4 GiB")
	}

	st.data = unsafe.String(&raw[0], len(raw))
	return st, nil
}

// end returns the offset one past the last byte of the table.
func (st *stringTable) end() uint32 {
	return st.first + uint32(len(st.data))
}

// valid reports whether offset addresses the first byte of a string, either
// in this table or in its base.
func (st *stringTable) valid(offset uint32) bool {
	if offset < st.first {
		st = st.base
	}
	off := offset - st.first
	return off < uint32(len(st.data)) && (off == 0 || st.data[off-1] == 0)
}

// lookup returns the string starting at offset. An offset that is out of
// range or points into the middle of a string is an error wrapping
// errStringOffset.
func (st *stringTable) lookup(offset uint32) (string, error) {
	if offset < st.first {
		return st.base.lookup(offset)
	}
	off := offset - st.first
	if off >= uint32(len(st.data)) {
		return "", fmt.Errorf("offset %d: %w: out of range (table ends at %d)", offset, errStringOffset, st.end())
	}
	if off > 0 && st.data[off-1] != 0 {
		return "", fmt.Errorf("offset %d: %w: inside a string", offset, errStringOffset)
	}
	// The table ends in a NUL, so there always is one.
	s := st.data[off:]
	s = s[:strings.IndexByte(s, 0)]
	if st.mapped {
		s = strings.Clone(s)
	}
	return s, nil
}

// mustLookup is lookup for offsets that were validated when the blob was
// loaded. The result may point into a mapping: copy it before handing it
// out (see name).
func (st *stringTable) mustLookup(offset uint32) string {
	if offset < st.first {
		st = st.base
	}
	s := st.data[offset-st.first:]
	return s[:strings.IndexByte(s, 0)]
}

// name returns the string at a validated offset for use in a decoded type:
// copied into arena if the table is mapped, else shared with the table.
func (st *stringTable) name(offset uint32, arena *stringArena) string {
	if offset < st.first {
		st = st.base
	}
	s := st.data[offset-st.first:]
	s = s[:strings.IndexByte(s, 0)]
	if st.mapped {
		return arena.clone(s)
	}
	return s
}

// essentialNameHash returns nameHash of the essential name of the string at
// a validated offset, see essentialName. It runs for every type name of a
// blob, so it hashes straight from the table, finding the end of the string
// and any "___" on the way; only names with a flavour take a slower path.
func (st *stringTable) essentialNameHash(offset uint32) uint32 {
	if offset < st.first {
		return nameHash(essentialName(st.base.mustLookup(offset)))
	}
	h, flavoured := nameHashAt(st.data, int(offset-st.first))
	if flavoured {
		return nameHash(essentialName(st.mustLookup(offset)))
	}
	return h
}

// Hashing of names for the name index: 8 bytes at a time, little endian,
// the last word zero-padded, finished with the length. nameHash and
// nameHashAt must agree.
const (
	nameHashMul1 = 0x9e3779b97f4a7c15
	nameHashMul2 = 0xbf58476d1ce4e5b9
)

func nameHashMix(h, w uint64) uint64 {
	return bits.RotateLeft64((h^w)*nameHashMul1, 29)
}

func nameHashFinish(h uint64, n int) uint32 {
	h = (h ^ uint64(n)) * nameHashMul2
	h ^= h >> 31
	return uint32(h >> 16)
}

// nameHash hashes s.
func nameHash(s string) uint32 {
	var h uint64
	n := len(s)
	for ; len(s) >= 8; s = s[8:] {
		h = nameHashMix(h, binary.LittleEndian.Uint64([]byte(s[:8])))
	}
	if len(s) > 0 {
		var w uint64
		for i := len(s) - 1; i >= 0; i-- {
			w = w<<8 | uint64(s[i])
		}
		h = nameHashMix(h, w)
	}
	return nameHashFinish(h, n)
}

// nameHashAt hashes the NUL-terminated string at off in data, like nameHash
// of the string without its NUL, and reports whether the string contains
// "___". data must contain a NUL at or after off.
func nameHashAt(data string, off int) (hash uint32, flavoured bool) {
	const (
		lows        = 0x0101010101010101
		highs       = 0x8080808080808080
		underscores = 0x5f5f5f5f5f5f5f5f
	)
	var (
		h    uint64
		n    int
		prev uint64 // underscore mask of the previous word
	)
	for {
		var w uint64
		if off+8 <= len(data) {
			w = binary.LittleEndian.Uint64([]byte(data[off : off+8]))
		} else {
			for i := len(data) - 1; i >= off; i-- {
				w = w<<8 | uint64(data[i])
			}
		}

		// The lowest set bit of zero marks the first NUL byte.
		zero := (w - lows) &^ w & highs
		valid := uint64(highs)
		k := 8
		if zero != 0 {
			k = bits.TrailingZeros64(zero) / 8
			valid &= 1<<(8*k) - 1
		}

		// The high bit of each byte that is an underscore, exactly.
		x := w ^ underscores
		u := ^((x&^highs + 0x7f7f7f7f7f7f7f7f) | x) & valid
		// Three in a row within the word, or across the boundary with the
		// previous one (its bytes 6 and 7, or 7 alone).
		if u&(u>>8)&(u>>16) != 0 ||
			(prev>>55)&(prev>>63)&(u>>7)&1 != 0 ||
			(prev>>63)&(u>>7)&(u>>15)&1 != 0 {
			flavoured = true
		}
		prev = u

		if zero != 0 {
			if k > 0 {
				h = nameHashMix(h, w&(1<<(8*k)-1))
			}
			return nameHashFinish(h, n+k), flavoured
		}
		h = nameHashMix(h, w)
		n += 8
		off += 8
	}
}
