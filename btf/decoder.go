package btf

import (
	"fmt"
)

// Decoding turns the wire form of a type into Go values, on demand.
//
// A Spec memoises every type it has decoded (decodedTypes), so that a type is
// decoded at most once per Spec and lookups return the same pointer. Decoding
// a type decodes everything it refers to, transitively: a Type handed out is
// always complete. The work is done breadth first with an explicit queue so
// that cycles and deep graphs need neither recursion nor special cases:
//
//  1. shell allocates the Go value for an ID and fills in everything but its
//     references to other types (name, size, members with their names and
//     offsets, ...), then records it in the memo and queues it;
//  2. for each queued type, fill resolves its references through the memo,
//     creating shells for types not seen yet.
//
// Allocation is batched: shells and member slices come from slabs, and names
// are substrings of the raw string table rather than copies.

// decodedTypes is the memo of a Spec. It is guarded by Spec.mu.
type decodedTypes struct {
	// slots[id] is 1 + the index of type id in list, 0 if not decoded yet.
	slots []uint32
	list  []decodedType
	// ids is the reverse of slots. It is only built when first needed (by
	// Spec.TypeID) and kept up to date from then on.
	ids map[Type]TypeID
	// Pending shells whose references aren't filled in yet.
	queue []decodedType
	alloc allocator
}

type decodedType struct {
	id  TypeID
	typ Type
}

// get returns the decoded type with the given ID, or nil.
func (dt *decodedTypes) get(id TypeID) Type {
	if uint64(id) >= uint64(len(dt.slots)) {
		return nil
	}
	if i := dt.slots[id]; i != 0 {
		return dt.list[i-1].typ
	}
	return nil
}

func (dt *decodedTypes) add(id TypeID, typ Type, last TypeID) {
	if dt.slots == nil {
		dt.slots = make([]uint32, int(last)+1)
	}
	dt.list = append(dt.list, decodedType{id, typ})
	dt.slots[id] = uint32(len(dt.list))
	if dt.ids != nil {
		dt.ids[typ] = id
	}
}

// truncate forgets the types decoded after the first n.
func (dt *decodedTypes) truncate(n int) {
	for _, d := range dt.list[n:] {
		dt.slots[d.id] = 0
		if dt.ids != nil {
			delete(dt.ids, d.typ)
		}
	}
	clear(dt.list[n:])
	dt.list = dt.list[:n]
	dt.queue = dt.queue[:0]
}

// typeID returns the ID of a type decoded earlier.
func (dt *decodedTypes) typeID(typ Type) (TypeID, bool) {
	if dt.ids == nil {
		dt.ids = make(map[Type]TypeID, len(dt.list))
		for _, d := range dt.list {
			dt.ids[d.typ] = d.id
		}
	}
	id, ok := dt.ids[typ]
	return id, ok
}

// decode returns the type with the given ID, decoding it and everything it
// refers to unless that happened before. s.mu must be held.
func (s *Spec) decode(id TypeID) (Type, error) {
	if id == 0 {
		return (*Void)(nil), nil
	}
	if typ := s.decoded.get(id); typ != nil {
		return typ, nil
	}

	mark := len(s.decoded.list)
	typ, err := s.decodeAll(id)
	if err != nil {
		// Don't leave half-decoded types behind.
		s.decoded.truncate(mark)
		return nil, err
	}
	return typ, nil
}

func (s *Spec) decodeAll(id TypeID) (Type, error) {
	root, err := s.shell(id)
	if err != nil {
		return nil, err
	}
	for len(s.decoded.queue) > 0 {
		next := s.decoded.queue[len(s.decoded.queue)-1]
		s.decoded.queue = s.decoded.queue[:len(s.decoded.queue)-1]
		if err := s.fill(next.id, next.typ); err != nil {
			return nil, err
		}
	}
	return root, nil
}

// ref returns the type with the given ID for use as a reference from another
// type, creating a shell if it wasn't decoded yet.
func (s *Spec) ref(id TypeID) (Type, error) {
	if id == 0 {
		return (*Void)(nil), nil
	}
	if typ := s.decoded.get(id); typ != nil {
		return typ, nil
	}
	return s.shell(id)
}

// shell allocates the Go value for type id with all fields except references
// to other types, and queues it for fill.
func (s *Spec) shell(id TypeID) (Type, error) {
	r, off, ok := s.rawTypes().locate(id)
	if !ok {
		return nil, fmt.Errorf("type id %d: %w", id, ErrNotFound)
	}

	var (
		hdr  = r.header(off)
		rec  = off + btfTypeLen
		a    = &s.decoded.alloc
		name string
		typ  Type
	)
	if hdr.NameOff != 0 {
		name = r.strings.name(hdr.NameOff, &a.names)
	}

	switch kind := hdr.Kind(); kind {
	case kindInt:
		bi := btfInt{r.u32(rec)}
		t := a.ints.new()
		*t = Int{Name: name, Size: hdr.Size(), Encoding: bi.Encoding()}
		typ = t

	case kindPointer:
		typ = a.pointers.new()

	case kindArray:
		t := a.arrays.new()
		t.Nelems = r.u32(rec + 8)
		typ = t

	case kindStruct:
		t := a.structs.new()
		*t = Struct{Name: name, Size: hdr.Size(), Members: s.members(r, rec, hdr)}
		typ = t

	case kindUnion:
		t := a.unions.new()
		*t = Union{Name: name, Size: hdr.Size(), Members: s.members(r, rec, hdr)}
		typ = t

	case kindEnum, kindEnum64:
		t := a.enums.new()
		*t = Enum{Name: name, Size: hdr.Size(), Signed: hdr.KindFlag(), Values: s.enumValues(r, rec, hdr)}
		typ = t

	case kindForward:
		t := a.fwds.new()
		*t = Fwd{Name: name, Kind: FwdStruct}
		if hdr.KindFlag() {
			t.Kind = FwdUnion
		}
		typ = t

	case kindTypedef:
		t := a.typedefs.new()
		t.Name = name
		typ = t

	case kindVolatile:
		typ = a.volatiles.new()

	case kindConst:
		typ = a.consts.new()

	case kindRestrict:
		typ = a.restricts.new()

	case kindFunc:
		t := a.funcs.new()
		*t = Func{Name: name, Linkage: hdr.Linkage()}
		typ = t

	case kindFuncProto:
		t := a.protos.new()
		if vlen := hdr.Vlen(); vlen > 0 {
			t.Params = a.params.slice(vlen)
			for j := range t.Params {
				p := rec + uint32(j)*btfParamLen
				if nameOff := r.u32(p); nameOff != 0 {
					t.Params[j].Name = r.strings.name(nameOff, &a.names)
				}
			}
		}
		typ = t

	case kindVar:
		t := a.vars.new()
		*t = Var{Name: name, Linkage: VarLinkage(r.u32(rec))}
		typ = t

	case kindDatasec:
		t := a.datasecs.new()
		*t = Datasec{Name: name, Size: hdr.Size()}
		if vlen := hdr.Vlen(); vlen > 0 {
			t.Vars = a.secinfos.slice(vlen)
			for j := range t.Vars {
				v := rec + uint32(j)*btfVarSecinfoLen
				t.Vars[j].Offset = r.u32(v + 4)
				t.Vars[j].Size = r.u32(v + 8)
			}
		}
		typ = t

	case kindFloat:
		t := a.floats.new()
		*t = Float{Name: name, Size: hdr.Size()}
		typ = t

	case kindDeclTag:
		t := a.declTags.new()
		*t = declTag{Value: name, Index: int(int32(r.u32(rec)))}
		typ = t

	case kindTypeTag:
		t := a.typeTags.new()
		t.Value = name
		typ = t

	default:
		return nil, fmt.Errorf("type id %d: unknown kind %s", id, kind)
	}

	s.decoded.add(id, typ, s.rawTypes().lastID())
	s.decoded.queue = append(s.decoded.queue, decodedType{id, typ})
	return typ, nil
}

// members decodes names and offsets of the members of a struct or union.
func (s *Spec) members(r *rawTypes, rec uint32, hdr btfType) []Member {
	vlen := hdr.Vlen()
	if vlen == 0 {
		return nil
	}
	bitfields := hdr.KindFlag()
	members := s.decoded.alloc.members.slice(vlen)
	for j := range members {
		m := rec + uint32(j)*btfMemberLen
		if nameOff := r.u32(m); nameOff != 0 {
			members[j].Name = r.strings.name(nameOff, &s.decoded.alloc.names)
		}
		offset := r.u32(m + 8)
		if bitfields {
			members[j].Offset = Bits(offset & btfMemberOffsetMask)
			members[j].BitfieldSize = Bits(offset >> btfMemberBitfieldShift)
		} else {
			members[j].Offset = Bits(offset)
		}
	}
	return members
}

// enumValues decodes the values of an enum or enum64. Signed 32-bit values
// are sign extended to 64 bits.
func (s *Spec) enumValues(r *rawTypes, rec uint32, hdr btfType) []EnumValue {
	vlen := hdr.Vlen()
	if vlen == 0 {
		return nil
	}
	values := s.decoded.alloc.values.slice(vlen)
	if hdr.Kind() == kindEnum64 {
		for j := range values {
			v := rec + uint32(j)*btfEnum64Len
			values[j] = EnumValue{
				Name:  r.strings.name(r.u32(v), &s.decoded.alloc.names),
				Value: uint64(r.u32(v+8))<<32 | uint64(r.u32(v+4)),
			}
		}
		return values
	}

	signed := hdr.KindFlag()
	for j := range values {
		v := rec + uint32(j)*btfEnumLen
		val := r.u32(v + 4)
		values[j] = EnumValue{Name: r.strings.name(r.u32(v), &s.decoded.alloc.names), Value: uint64(val)}
		if signed {
			values[j].Value = uint64(int64(int32(val)))
		}
	}
	return values
}

// fill resolves the references of a shell created for type id.
func (s *Spec) fill(id TypeID, typ Type) error {
	r, off, _ := s.rawTypes().locate(id)
	hdr := r.header(off)
	rec := off + btfTypeLen

	var err error
	// set resolves a reference into *dst, remembering the first error.
	set := func(dst *Type, target TypeID) {
		if err != nil {
			return
		}
		var t Type
		if t, err = s.ref(target); err != nil {
			err = fmt.Errorf("type id %d (%s): %w", id, hdr.Kind(), err)
			return
		}
		*dst = t
	}

	switch t := typ.(type) {
	case *Int, *Enum, *Fwd, *Float:
		// No references.
	case *Pointer:
		set(&t.Target, hdr.Type())
	case *Array:
		set(&t.Type, TypeID(r.u32(rec)))
		set(&t.Index, TypeID(r.u32(rec+4)))
	case *Struct:
		err = s.fillMembers(id, r, rec, hdr, t.Members)
	case *Union:
		err = s.fillMembers(id, r, rec, hdr, t.Members)
	case *Typedef:
		set(&t.Type, hdr.Type())
	case *Volatile:
		set(&t.Type, hdr.Type())
	case *Const:
		set(&t.Type, hdr.Type())
	case *Restrict:
		set(&t.Type, hdr.Type())
	case *Func:
		set(&t.Type, hdr.Type())
	case *FuncProto:
		set(&t.Return, hdr.Type())
		for j := range t.Params {
			set(&t.Params[j].Type, TypeID(r.u32(rec+uint32(j)*btfParamLen+4)))
		}
	case *Var:
		set(&t.Type, hdr.Type())
	case *Datasec:
		for j := range t.Vars {
			set(&t.Vars[j].Type, TypeID(r.u32(rec+uint32(j)*btfVarSecinfoLen)))
		}
	case *declTag:
		set(&t.Type, hdr.Type())
	case *typeTag:
		set(&t.Type, hdr.Type())
	default:
		return fmt.Errorf("type id %d: can't decode %T", id, typ)
	}
	return err
}

// fillMembers resolves member types. A member of a struct without kind_flag
// that refers to an int which doesn't fill its size whole (the legacy
// bitfield encoding) gets the int's bit offset and width folded into Offset
// and BitfieldSize.
func (s *Spec) fillMembers(id TypeID, r *rawTypes, rec uint32, hdr btfType, members []Member) error {
	legacy := !hdr.KindFlag()
	for j := range members {
		target := TypeID(r.u32(rec + uint32(j)*btfMemberLen + 4))
		typ, err := s.ref(target)
		if err != nil {
			return fmt.Errorf("type id %d (%s): member %d: %w", id, hdr.Kind(), j, err)
		}
		members[j].Type = typ

		if !legacy {
			continue
		}
		tr, toff, ok := s.rawTypes().locate(target)
		if !ok {
			continue
		}
		thdr := tr.header(toff)
		if thdr.Kind() != kindInt {
			continue
		}
		bi := btfInt{tr.u32(toff + btfTypeLen)}
		if bi.Offset() != 0 || uint64(bi.Bits()) != 8*uint64(thdr.Size()) {
			members[j].Offset += bi.Offset()
			members[j].BitfieldSize = bi.Bits()
		}
	}
	return nil
}

// allocator hands out decoded types from slabs: one allocation serves many
// types, which matters when a lookup decodes thousands of them.
type allocator struct {
	ints      slab[Int]
	pointers  slab[Pointer]
	arrays    slab[Array]
	structs   slab[Struct]
	unions    slab[Union]
	enums     slab[Enum]
	fwds      slab[Fwd]
	typedefs  slab[Typedef]
	volatiles slab[Volatile]
	consts    slab[Const]
	restricts slab[Restrict]
	funcs     slab[Func]
	protos    slab[FuncProto]
	vars      slab[Var]
	datasecs  slab[Datasec]
	floats    slab[Float]
	declTags  slab[declTag]
	typeTags  slab[typeTag]

	members  slab[Member]
	values   slab[EnumValue]
	params   slab[FuncParam]
	secinfos slab[VarSecinfo]

	// Copies of names from mapped blobs.
	names stringArena
}

// slab is a chunk of free T. Chunks grow as more are needed, so decoding a
// handful of types stays cheap and decoding thousands allocates rarely.
type slab[T any] struct {
	free  []T
	chunk int
}

const (
	minSlabChunk = 4
	maxSlabChunk = 256
)

func (s *slab[T]) refill(atLeast int) {
	s.chunk = min(max(s.chunk*2, minSlabChunk), maxSlabChunk)
	s.free = make([]T, max(s.chunk, atLeast))
}

// new returns a pointer to a zero T.
func (s *slab[T]) new() *T {
	if len(s.free) == 0 {
		s.refill(1)
	}
	t := &s.free[0]
	s.free = s.free[1:]
	return t
}

// slice returns n zero T whose capacity is n, so that appending to it never
// overwrites a neighbour.
func (s *slab[T]) slice(n int) []T {
	if n > len(s.free) {
		if n > maxSlabChunk/4 {
			return make([]T, n)
		}
		s.refill(n)
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}
