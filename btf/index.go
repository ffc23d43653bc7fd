package btf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"
)

// rawTypes is the validated wire form of one BTF blob plus an index into it:
// the immutable part of a Spec, shared by all its copies.
//
// Loading a blob builds the index in two linear passes over the type section
// without creating any Type: the offset of every type, and a hash table from
// essential names to type IDs. Types are decoded on demand from the raw bytes
// (see decoder).
type rawTypes struct {
	// The byte order of the blob as loaded.
	byteOrder binary.ByteOrder
	// The type section, converted to little endian: it only consists of u32
	// fields, so converting is a matter of swapping every word, and the
	// decoder needs only one code path. Never modified afterwards.
	types   []byte
	strings *stringTable
	// offsets[id-firstID] is the offset of type id in types.
	offsets []uint32
	firstID TypeID
	// The blob this one is split from, or nil.
	base  *rawTypes
	names nameIndex
}

// lastID returns the highest type ID in the blob.
func (r *rawTypes) lastID() TypeID {
	return r.firstID + TypeID(len(r.offsets)) - 1
}

// locate returns the blob that holds id and its offset there. ok is false if
// id is Void or beyond the last ID.
func (r *rawTypes) locate(id TypeID) (_ *rawTypes, off uint32, ok bool) {
	for id < r.firstID {
		if r.base == nil {
			return nil, 0, false
		}
		r = r.base
	}
	idx := uint64(id - r.firstID)
	if idx >= uint64(len(r.offsets)) {
		return nil, 0, false
	}
	return r, r.offsets[idx], true
}

// u32 reads the u32 at off in the type section, which is always stored
// little endian (see newRawTypes).
func (r *rawTypes) u32(off uint32) uint32 {
	return binary.LittleEndian.Uint32(r.types[off:])
}

// header reads the btf_type at off.
func (r *rawTypes) header(off uint32) btfType {
	b := r.types[off : off+btfTypeLen]
	return btfType{
		binary.LittleEndian.Uint32(b[0:]),
		binary.LittleEndian.Uint32(b[4:]),
		binary.LittleEndian.Uint32(b[8:]),
	}
}

// newRawTypes validates and indexes the type section types in byte order bo
// and the string table strs. IDs start after the last ID of base, if any.
// It takes ownership of types, which it converts to little endian in place;
// neither slice may be modified afterwards.
func newRawTypes(types []byte, bo binary.ByteOrder, strs *stringTable, base *rawTypes) (*rawTypes, error) {
	if len(types)%4 != 0 {
		return nil, fmt.Errorf("type section: length %d is not a multiple of 4", len(types))
	}
	if bo.Uint16([]byte{1, 0}) != 1 {
		for i := 0; i < len(types); i += 4 {
			types[i], types[i+1], types[i+2], types[i+3] = types[i+3], types[i+2], types[i+1], types[i]
		}
	}

	r := &rawTypes{
		byteOrder: bo,
		types:     types,
		strings:   strs,
		firstID:   1,
		base:      base,
	}
	if base != nil {
		r.firstID = base.lastID() + 1
	}

	kinds, named, err := r.scanTypes()
	if err != nil {
		return nil, err
	}
	if err := r.checkDeclTags(kinds); err != nil {
		return nil, err
	}
	if err := r.checkChains(kinds); err != nil {
		return nil, err
	}
	r.names.build(named)
	return r, nil
}

// scanTypes walks the type section once. It fills r.offsets and checks that
// every kind is known, every type fits in the section, every name is a valid
// string offset and every referenced type exists. It returns the kind of
// every type and, for the name index, the hash of the essential name and ID
// of every named type.
func (r *rawTypes) scanTypes() ([]btfKind, []namedType, error) {
	// A type is at least a btf_type header, which bounds how many there
	// are. The oversized buffers are only temporary.
	var (
		maxTypes = len(r.types) / btfTypeLen
		offsets  = make([]uint32, 0, maxTypes)
		kinds    = make([]btfKind, 0, maxTypes)
		named    = make([]namedType, 0, maxTypes/2)
		maxRef   TypeID
		end      = uint64(len(r.types))
	)

	ref := func(id TypeID) {
		if id > maxRef {
			maxRef = id
		}
	}

	for off := uint64(0); off < end; {
		id := r.firstID + TypeID(len(offsets))
		if id > maxTypeID {
			return nil, nil, fmt.Errorf("type id %d at offset %d: exceeds the maximum type ID %d", id, off, maxTypeID)
		}
		if off+btfTypeLen > end {
			return nil, nil, fmt.Errorf("type id %d at offset %d: truncated header", id, off)
		}

		hdr := r.header(uint32(off))
		kind, vlen := hdr.Kind(), hdr.Vlen()
		tl := trailerLen(kind, vlen)
		if tl < 0 || kind == kindUnknown {
			return nil, nil, fmt.Errorf("type id %d at offset %d: unknown kind %d", id, off, kind)
		}
		next := off + btfTypeLen + uint64(tl)
		if next > end {
			return nil, nil, fmt.Errorf("type id %d (%s): truncated: needs %d bytes past the end of the type section", id, kind, next-end)
		}
		rec := uint32(off) + btfTypeLen
		offsets = append(offsets, uint32(off))
		kinds = append(kinds, kind)
		off = next

		if hdr.NameOff != 0 {
			if !r.strings.valid(hdr.NameOff) {
				return nil, nil, fmt.Errorf("type id %d (%s): name: %w %d", id, kind, errStringOffset, hdr.NameOff)
			}
			if hasTypeName(kind) {
				named = append(named, namedType{r.strings.essentialNameHash(hdr.NameOff), id})
			}
		}

		switch kind {
		case kindPointer, kindTypedef, kindVolatile, kindConst, kindRestrict,
			kindFunc, kindVar, kindDeclTag, kindTypeTag:
			ref(hdr.Type())

		case kindArray:
			ref(TypeID(r.u32(rec)))
			ref(TypeID(r.u32(rec + 4)))

		case kindStruct, kindUnion:
			for j := range vlen {
				m := rec + uint32(j)*btfMemberLen
				if err := r.checkName(r.u32(m)); err != nil {
					return nil, nil, fmt.Errorf("type id %d (%s): member %d: %w", id, kind, j, err)
				}
				ref(TypeID(r.u32(m + 4)))
			}

		case kindEnum, kindEnum64:
			size := uint32(btfEnumLen)
			if kind == kindEnum64 {
				size = btfEnum64Len
			}
			for j := range vlen {
				if err := r.checkName(r.u32(rec + uint32(j)*size)); err != nil {
					return nil, nil, fmt.Errorf("type id %d (%s): value %d: %w", id, kind, j, err)
				}
			}

		case kindFuncProto:
			ref(hdr.Type())
			for j := range vlen {
				p := rec + uint32(j)*btfParamLen
				if err := r.checkName(r.u32(p)); err != nil {
					return nil, nil, fmt.Errorf("type id %d (%s): parameter %d: %w", id, kind, j, err)
				}
				ref(TypeID(r.u32(p + 4)))
			}

		case kindDatasec:
			for j := range vlen {
				ref(TypeID(r.u32(rec + uint32(j)*btfVarSecinfoLen)))
			}
		}
	}

	// Keep an exactly sized copy: the offsets live as long as the Spec.
	r.offsets = slices.Clone(offsets)
	if maxRef > r.lastID() {
		return nil, nil, r.findDanglingRef()
	}
	return kinds, named, nil
}

func (r *rawTypes) checkName(off uint32) error {
	if off != 0 && !r.strings.valid(off) {
		return fmt.Errorf("name: %w %d", errStringOffset, off)
	}
	return nil
}

// refs calls fn with every type ID referenced by the type at off.
func (r *rawTypes) refs(off uint32, fn func(TypeID) error) error {
	hdr := r.header(off)
	rec := off + btfTypeLen
	switch kind := hdr.Kind(); kind {
	case kindPointer, kindTypedef, kindVolatile, kindConst, kindRestrict,
		kindFunc, kindVar, kindDeclTag, kindTypeTag:
		return fn(hdr.Type())
	case kindArray:
		if err := fn(TypeID(r.u32(rec))); err != nil {
			return err
		}
		return fn(TypeID(r.u32(rec + 4)))
	case kindStruct, kindUnion:
		for j := range hdr.Vlen() {
			if err := fn(TypeID(r.u32(rec + uint32(j)*btfMemberLen + 4))); err != nil {
				return err
			}
		}
	case kindFuncProto:
		if err := fn(hdr.Type()); err != nil {
			return err
		}
		for j := range hdr.Vlen() {
			if err := fn(TypeID(r.u32(rec + uint32(j)*btfParamLen + 4))); err != nil {
				return err
			}
		}
	case kindDatasec:
		for j := range hdr.Vlen() {
			if err := fn(TypeID(r.u32(rec + uint32(j)*btfVarSecinfoLen))); err != nil {
				return err
			}
		}
	}
	return nil
}

// findDanglingRef returns an error naming the first type that refers to a
// type ID beyond the last one. It is only called once such a reference is
// known to exist.
func (r *rawTypes) findDanglingRef() error {
	last := r.lastID()
	for i, off := range r.offsets {
		id := r.firstID + TypeID(i)
		err := r.refs(off, func(target TypeID) error {
			if target > last {
				return fmt.Errorf("type id %d (%s): refers to type id %d: %w (last id is %d)",
					id, r.header(off).Kind(), target, ErrNotFound, last)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return errors.New("dangling type reference")
}

// checkDeclTags checks that every decl tag refers to a type that can carry
// one, and that its component index is valid for that type.
func (r *rawTypes) checkDeclTags(kinds []btfKind) error {
	for i, kind := range kinds {
		if kind != kindDeclTag {
			continue
		}
		off := r.offsets[i]
		hdr := r.header(off)
		id := r.firstID + TypeID(i)
		index := int32(r.u32(off + btfTypeLen))
		if err := r.checkDeclTagTarget(hdr.Type(), index); err != nil {
			return fmt.Errorf("type id %d (decl_tag): %w", id, err)
		}
	}
	return nil
}

func (r *rawTypes) checkDeclTagTarget(target TypeID, index int32) error {
	tr, off, ok := r.locate(target)
	if !ok {
		return fmt.Errorf("target type id %d is not a declaration", target)
	}
	hdr := tr.header(off)
	kind := hdr.Kind()

	var components int
	switch kind {
	case kindVar, kindTypedef:
		components = 0
	case kindStruct, kindUnion:
		components = hdr.Vlen()
	case kindFunc:
		pr, poff, ok := tr.locate(hdr.Type())
		if !ok || pr.header(poff).Kind() != kindFuncProto {
			return fmt.Errorf("target func id %d has no func_proto", target)
		}
		components = pr.header(poff).Vlen()
	default:
		return fmt.Errorf("target type id %d: a %s can't carry a decl tag", target, kind)
	}

	if index < -1 || int(index) >= components {
		return fmt.Errorf("component index %d is out of range for target %s id %d", index, kind, target)
	}
	return nil
}

// isChainKind reports whether kind refers to exactly one other type that
// must not lead back to it: pointers, typedefs, qualifiers and array
// elements. A loop of such types can't come from C and would make resolving
// a type spin, so the kernel rejects it and so do we.
func isChainKind(kind btfKind) bool {
	switch kind {
	case kindPointer, kindTypedef, kindVolatile, kindConst, kindRestrict, kindTypeTag, kindArray:
		return true
	}
	return false
}

// next returns the type that a chain kind at off refers to.
func (r *rawTypes) next(off uint32) TypeID {
	hdr := r.header(off)
	if hdr.Kind() == kindArray {
		return TypeID(r.u32(off + btfTypeLen))
	}
	return hdr.Type()
}

// checkChains rejects loops made only of pointers, typedefs, qualifiers and
// arrays. Each type is visited once.
func (r *rawTypes) checkChains(kinds []btfKind) error {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make([]uint8, len(r.offsets))
	var path []int

	for start, kind := range kinds {
		if !isChainKind(kind) {
			continue
		}
		path = path[:0]
		for i := start; ; {
			if state[i] == done {
				break
			}
			if state[i] == visiting {
				id := r.firstID + TypeID(i)
				return fmt.Errorf("type id %d (%s): refers to itself through pointers, typedefs, qualifiers or arrays",
					id, kinds[i])
			}
			if !isChainKind(kinds[i]) {
				state[i] = done
				break
			}
			state[i] = visiting
			path = append(path, i)

			target := r.next(r.offsets[i])
			if target < r.firstID {
				// Void or a base type: base blobs were checked on their own.
				break
			}
			i = int(target - r.firstID)
		}
		for _, i := range path {
			state[i] = done
		}
	}
	return nil
}

// hasTypeName reports whether the name of a type of this kind is a type
// name. Tags use the name field for their value instead.
func hasTypeName(kind btfKind) bool {
	switch kind {
	case kindInt, kindStruct, kindUnion, kindEnum, kindEnum64, kindForward,
		kindTypedef, kindFunc, kindVar, kindDatasec, kindFloat:
		return true
	}
	return false
}

// essentialName strips a "___flavour" suffix from a type name: everything
// from the last "___", unless it is at the start of the name. libbpf's CO-RE
// uses flavours to declare several local versions of one kernel type.
func essentialName(name string) string {
	// Any run of three underscores covers an index divisible by three, so
	// only every third byte needs a look. Scanning from the end, the first
	// long enough run is the last one. This runs for every name in a blob.
	for i := len(name) - 1 - (len(name)-1)%3; i > 0; i -= 3 {
		if name[i] != '_' {
			continue
		}
		if name[i-1] != '_' && (i+1 == len(name) || name[i+1] != '_') {
			// A lone underscore, as in most names.
			continue
		}
		lo, hi := i, i
		for lo > 0 && name[lo-1] == '_' {
			lo--
		}
		for hi+1 < len(name) && name[hi+1] == '_' {
			hi++
		}
		if hi-lo < 2 {
			continue
		}
		// The last "___" starts two bytes before the end of the run.
		if start := hi - 2; start > 0 {
			return name[:start]
		}
		return name
	}
	return name
}

// namedType is the hash of the essential name of a type and its ID.
type namedType struct {
	hash uint32
	id   TypeID
}

// nameIndex maps the essential names of types to their IDs.
//
// It is a hash table whose buckets are laid out one after the other in a
// single array, built with a counting sort: every pass over the names is
// sequential or touches a small array, which matters because every blob
// builds one (vmlinux has some 70,000 names) while lookups are few.
//
// A hash selects a bucket with its top bits; entries hold the next 12 bits
// of the hash as a tag above a 20-bit type ID (IDs never exceed maxTypeID).
type nameIndex struct {
	shift   uint8
	starts  []uint32 // bucket b is entries[starts[b]:starts[b+1]]
	entries []uint32
}

const (
	nameTagBits = 12
	nameIDBits  = 20
	nameIDMask  = 1<<nameIDBits - 1
)

func (idx *nameIndex) bucketAndTag(h uint32) (uint32, uint32) {
	return h >> idx.shift, (h >> (idx.shift - nameTagBits)) & (1<<nameTagBits - 1)
}

// build fills the index with named, whose hashes come from nameHash.
func (idx *nameIndex) build(named []namedType) {
	// About eight entries per bucket, at most 2^16 buckets.
	bucketBits := min(max(bits.Len(uint(len(named)/8)), 1), 16)
	idx.shift = uint8(32 - bucketBits)
	idx.starts = make([]uint32, 1<<bucketBits+1)
	idx.entries = make([]uint32, len(named))

	for _, nt := range named {
		b, _ := idx.bucketAndTag(nt.hash)
		idx.starts[b+1]++
	}
	for b := 1; b < len(idx.starts); b++ {
		idx.starts[b] += idx.starts[b-1]
	}

	next := slices.Clone(idx.starts[:len(idx.starts)-1])
	for _, nt := range named {
		b, tag := idx.bucketAndTag(nt.hash)
		idx.entries[next[b]] = tag<<nameIDBits | uint32(nt.id)
		next[b]++
	}
}

// candidates calls fn with the ID of every entry whose hash agrees with the
// essential name ess. Names that merely collide show up too: fn must check.
func (idx *nameIndex) candidates(ess string, fn func(TypeID)) {
	if len(idx.starts) == 0 {
		return
	}
	b, tag := idx.bucketAndTag(nameHash(ess))
	for _, e := range idx.entries[idx.starts[b]:idx.starts[b+1]] {
		if e>>nameIDBits == tag {
			fn(TypeID(e & nameIDMask))
		}
	}
}

// typeName returns the name of the type at off, or "" if it has none.
func (r *rawTypes) typeName(off uint32) string {
	nameOff := r.u32(off)
	if nameOff == 0 {
		return ""
	}
	return r.strings.mustLookup(nameOff)
}

// idsByEssentialName returns, in ascending order, the IDs of the types in
// this blob (not its base) whose essential name is ess.
func (r *rawTypes) idsByEssentialName(ess string) []TypeID {
	var ids []TypeID
	r.names.candidates(ess, func(id TypeID) {
		if essentialName(r.typeName(r.offsets[id-r.firstID])) == ess {
			ids = append(ids, id)
		}
	})
	slices.Sort(ids)
	return ids
}
