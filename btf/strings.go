package btf

import (
	"errors"
	"fmt"
	"slices"
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
	// Offsets of the strings that contain "___", in ascending order.
	flavoured []uint32
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

	// Very few names carry a ___flavour suffix. Finding them all with one
	// vectorised search spares looking for one in every type name when
	// building the name index.
	for off := 0; ; {
		i := strings.Index(st.data[off:], "___")
		if i < 0 {
			break
		}
		i += off
		start := strings.LastIndexByte(st.data[:i], 0) + 1
		if n := len(st.flavoured); n == 0 || st.flavoured[n-1] != uint32(start) {
			st.flavoured = append(st.flavoured, uint32(start))
		}
		// Continue after the end of this string.
		off = i + strings.IndexByte(st.data[i:], 0) + 1
	}
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

// essentialNameAt returns the essential name of the string at a validated
// offset, see essentialName. The result may point into a mapping.
func (st *stringTable) essentialNameAt(offset uint32) string {
	if offset < st.first {
		return essentialName(st.base.mustLookup(offset))
	}
	s := st.mustLookup(offset)
	if _, found := slices.BinarySearch(st.flavoured, offset-st.first); found {
		return essentialName(s)
	}
	return s
}
