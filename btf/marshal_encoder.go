package btf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// encoder holds the state of one Builder.Marshal. Its scratch space is
// pooled, so that marshaling the small blobs of programs and maps allocates
// little more than the result.
type encoder struct {
	opts   *MarshalOptions
	quirks tagQuirks

	// The explicit types and their index, owned by the Builder: read only.
	explicit []Type
	stable   *typeTable
	// IDs of everything else: dependencies and placeholders.
	extra map[unsafe.Pointer]TypeID
	// Types with an ID in extra that still have to be emitted, in ID order.
	pending []Type
	lastID  TypeID

	strings stringTableBuilder
	// The blob so far. The type section is written little endian and
	// converted at the end if needed.
	buf []byte

	// The IDs of the children of the type being encoded, in the order of
	// visitChildren, and how many of them encoding used so far.
	refs    []uint32
	nextRef int
	refErr  error

	// Scratch space of allocateIDs.
	stack []allocFrame
	kids  []Type

	// Callbacks for visitChildren, made once per encoder.
	collectKid func(*Type) bool
	collectRef func(*Type) bool

	// Placeholder Ints for ENUM64 replacement: unsigned and signed.
	enum64Placeholders [2]*Int
}

type allocFrame struct {
	typ Type
	// The children of typ are kids[start:end], those before next are done.
	start, next, end int
}

// inProgress marks a type whose children are being allocated IDs. It is
// larger than any valid ID.
const inProgress = TypeID(math.MaxUint32)

var errRefsChanged = errors.New("references changed while marshaling (concurrent modification?)")

var encoders = sync.Pool{
	New: func() any {
		e := &encoder{}
		e.collectKid = func(child *Type) bool {
			e.kids = append(e.kids, *child)
			return true
		}
		e.collectRef = func(child *Type) bool {
			id, ok := e.id(*child)
			if !ok || id == inProgress {
				e.refErr = errRefsChanged
				return false
			}
			e.refs = append(e.refs, uint32(id))
			return true
		}
		return e
	},
}

func getEncoder(opts *MarshalOptions, explicit []Type, stable *typeTable) *encoder {
	e := encoders.Get().(*encoder)
	e.opts = opts
	e.explicit = explicit
	e.stable = stable
	return e
}

// maxPooledTypes bounds the scratch space kept for reuse: clearing big maps
// and slices costs more than marshaling a small blob.
const maxPooledTypes = 1 << 12

func putEncoder(e *encoder) {
	e.opts = nil
	e.quirks = tagQuirks{}
	e.explicit = nil
	e.stable = nil
	e.buf = nil
	e.lastID = 0
	e.refErr = nil
	e.enum64Placeholders = [2]*Int{}

	if len(e.extra) > maxPooledTypes {
		e.extra = nil
	} else {
		clear(e.extra)
	}
	// Don't keep types alive through the pool.
	e.pending = resetTypes(e.pending)
	e.kids = resetTypes(e.kids)
	if cap(e.stack) > maxPooledTypes {
		e.stack = nil
	} else {
		clear(e.stack[:cap(e.stack)])
		e.stack = e.stack[:0]
	}
	if cap(e.refs) > maxPooledTypes {
		e.refs = nil
	}
	if !e.strings.pooled() {
		e.strings = stringTableBuilder{}
	}

	encoders.Put(e)
}

func resetTypes(types []Type) []Type {
	if cap(types) > maxPooledTypes {
		return nil
	}
	clear(types[:cap(types)])
	return types[:0]
}

// encodeAll writes every type: explicit ones first, then the dependencies
// found while doing so.
func (e *encoder) encodeAll(explicit []Type) error {
	for _, typ := range explicit {
		if err := e.allocateIDs(typ); err != nil {
			return err
		}
		if err := e.encode(typ); err != nil {
			return err
		}
	}

	// Encoding may allocate placeholders, which appends to pending.
	for i := 0; i < len(e.pending); i++ {
		typ := e.pending[i]
		e.refs = e.refs[:0]
		visitChildren(typ, e.collectRef)
		if e.refErr != nil {
			return fmt.Errorf("marshal %s: %w", typ, e.refErr)
		}
		if err := e.encode(typ); err != nil {
			return err
		}
	}
	return nil
}

// id returns the ID of a type that has one.
func (e *encoder) id(typ Type) (TypeID, bool) {
	if _, ok := typ.(*Void); ok {
		return 0, true
	}
	key := typeKey(typ)
	if i := e.stable.find(e.explicit, key); i >= 0 {
		return TypeID(i + 1), true
	}
	id, ok := e.extra[key]
	return id, ok
}

// allocate gives typ the next ID and queues it for encoding.
func (e *encoder) allocate(typ Type) (TypeID, error) {
	if e.lastID >= maxTypeID {
		return 0, fmt.Errorf("marshal %s: more than %d types", typ, maxTypeID)
	}
	if e.extra == nil {
		e.extra = make(map[unsafe.Pointer]TypeID)
	}
	e.lastID++
	e.extra[typeKey(typ)] = e.lastID
	e.pending = append(e.pending, typ)
	return e.lastID, nil
}

// allocateIDs gives an ID to every type reachable from root that doesn't
// have one yet, children before parents, and leaves the IDs of root's
// children in refs. root itself must have an ID.
//
// It walks the graph with an explicit stack so that deep graphs don't grow
// the goroutine stack. A type gets the inProgress marker when it is pushed,
// which stops cycles: its descendants see it as known.
func (e *encoder) allocateIDs(root Type) error {
	e.stack = e.stack[:0]
	e.kids = e.kids[:0]
	e.refs = e.refs[:0]
	e.push(root)

	for {
		top := &e.stack[len(e.stack)-1]
		if top.next == top.end {
			typ := top.typ
			e.kids = e.kids[:top.start]
			e.stack = e.stack[:len(e.stack)-1]
			if len(e.stack) == 0 {
				// That was root.
				return nil
			}

			id, err := e.allocate(typ)
			if err != nil {
				return err
			}
			if len(e.stack) == 1 {
				// A child of root, whose ID wasn't known when it came up.
				parent := &e.stack[0]
				e.refs[parent.next-parent.start-1] = uint32(id)
			}
			continue
		}

		child := e.kids[top.next]
		top.next++
		if child == nil {
			return fmt.Errorf("marshal %s: refers to a nil Type", top.typ)
		}

		id, ok := e.id(child)
		if len(e.stack) == 1 {
			// Filled in when child is allocated, if it isn't yet.
			e.refs = append(e.refs, uint32(id))
		}
		if ok {
			continue
		}

		if e.extra == nil {
			e.extra = make(map[unsafe.Pointer]TypeID)
		}
		e.extra[typeKey(child)] = inProgress
		e.push(child)
	}
}

// push adds a frame for typ with its children.
func (e *encoder) push(typ Type) {
	start := len(e.kids)
	visitChildren(typ, e.collectKid)
	e.stack = append(e.stack, allocFrame{typ, start, start, len(e.kids)})
}

// ref returns the ID of the next child of the type being encoded, in the
// order of visitChildren.
func (e *encoder) ref() uint32 {
	if e.nextRef >= len(e.refs) {
		e.refErr = errRefsChanged
		return 0
	}
	id := e.refs[e.nextRef]
	e.nextRef++
	return id
}

// wireSizeOf returns the size of the wire form of types, ignoring the
// types they refer to.
func wireSizeOf(types []Type) int {
	size := 0
	for _, typ := range types {
		size += btfTypeLen
		switch t := typ.(type) {
		case *Int, *Var, *declTag:
			size += 4
		case *Array:
			size += btfArrayLen
		case *Struct:
			size += len(t.Members) * btfMemberLen
		case *Union:
			size += len(t.Members) * btfMemberLen
		case *Enum:
			// An upper bound: 64-bit values and placeholder members are 12
			// bytes, 32-bit ones 8.
			size += len(t.Values) * btfEnum64Len
		case *FuncProto:
			size += len(t.Params) * btfParamLen
		case *Datasec:
			size += len(t.Vars) * btfVarSecinfoLen
		}
	}
	return size
}

// u32 appends a little endian u32 to the blob.
func (e *encoder) u32(v uint32) {
	e.buf = binary.LittleEndian.AppendUint32(e.buf, v)
}

// header appends a btf_type.
func (e *encoder) header(name string, kind btfKind, vlen int, kindFlag bool, sizeType uint32) error {
	nameOff, err := e.strings.Add(name)
	if err != nil {
		return err
	}
	if vlen < 0 || vlen > btfTypeVlenMask {
		return fmt.Errorf("%d elements exceed the maximum of %d", vlen, btfTypeVlenMask)
	}

	var hdr btfType
	hdr.NameOff = nameOff
	hdr.SetKind(kind)
	hdr.SetVlen(vlen)
	hdr.SetKindFlag(kindFlag)
	hdr.SizeType = sizeType
	e.u32(hdr.NameOff)
	e.u32(hdr.Info)
	e.u32(hdr.SizeType)
	return nil
}

// encode appends the wire form of typ. refs must hold the IDs of its
// children.
func (e *encoder) encode(typ Type) error {
	e.nextRef = 0
	err := e.encodeType(typ)
	if err == nil && e.refErr != nil {
		err = e.refErr
	}
	if err != nil {
		id, _ := e.id(typ)
		return fmt.Errorf("marshal type %d (%s): %w", id, typ, err)
	}
	return nil
}

func (e *encoder) encodeType(typ Type) error {
	switch t := typ.(type) {
	case *Int:
		return e.encodeInt(t)
	case *Pointer:
		return e.header("", kindPointer, 0, false, e.ref())
	case *Array:
		return e.encodeArray(t)
	case *Struct:
		return e.encodeComposite(kindStruct, t.Name, t.Size, t.Members)
	case *Union:
		return e.encodeComposite(kindUnion, t.Name, t.Size, t.Members)
	case *Enum:
		return e.encodeEnum(t)
	case *Fwd:
		return e.header(t.Name, kindForward, 0, t.Kind == FwdUnion, 0)
	case *Typedef:
		return e.header(t.Name, kindTypedef, 0, false, e.ref())
	case *Volatile:
		return e.header("", kindVolatile, 0, false, e.ref())
	case *Const:
		return e.header("", kindConst, 0, false, e.ref())
	case *Restrict:
		return e.header("", kindRestrict, 0, false, e.ref())
	case *Func:
		linkage := t.Linkage
		if e.opts.StripFuncLinkage {
			linkage = StaticFunc
		}
		if linkage < 0 || linkage > btfTypeVlenMask {
			return fmt.Errorf("invalid linkage %d", linkage)
		}
		return e.header(t.Name, kindFunc, int(linkage), false, e.ref())
	case *FuncProto:
		return e.encodeFuncProto(t)
	case *Var:
		if err := e.header(t.Name, kindVar, 0, false, e.ref()); err != nil {
			return err
		}
		e.u32(uint32(t.Linkage))
		return nil
	case *Datasec:
		return e.encodeDatasec(t)
	case *Float:
		return e.header(t.Name, kindFloat, 0, false, t.Size)
	case *declTag:
		if t.Index < -1 || t.Index > math.MaxInt32 {
			return fmt.Errorf("component index %d out of range", t.Index)
		}
		target := e.ref()
		if e.quirks.replaceDeclTags {
			return e.encodeInt(&Int{Size: 1})
		}
		if err := e.header(t.Value, kindDeclTag, 0, false, target); err != nil {
			return err
		}
		e.u32(uint32(int32(t.Index)))
		return nil
	case *typeTag:
		if e.quirks.replaceTypeTags {
			return e.header("", kindConst, 0, false, e.ref())
		}
		return e.header(t.Value, kindTypeTag, 0, false, e.ref())
	default:
		return fmt.Errorf("can't marshal a %T", typ)
	}
}

func (e *encoder) encodeInt(t *Int) error {
	// The wire format counts bits in a byte.
	if t.Size > btfIntBitsMask/8 {
		return fmt.Errorf("size %d bytes exceeds the %d bits BTF can describe", t.Size, btfIntBitsMask)
	}
	if err := e.header(t.Name, kindInt, 0, false, t.Size); err != nil {
		return err
	}
	var bi btfInt
	bi.SetEncoding(t.Encoding)
	bi.SetBits(Bits(t.Size) * 8)
	e.u32(bi.Raw)
	return nil
}

func (e *encoder) encodeArray(t *Array) error {
	// visitChildren yields the index type first.
	index := e.ref()
	elem := e.ref()
	if err := e.header("", kindArray, 0, false, 0); err != nil {
		return err
	}
	e.u32(elem)
	e.u32(index)
	e.u32(t.Nelems)
	return nil
}

// encodeComposite appends a struct or union. As soon as one member is a
// bitfield the kind_flag encoding is used, which stores the bitfield size
// next to the offset of each member.
func (e *encoder) encodeComposite(kind btfKind, name string, size uint32, members []Member) error {
	bitfields := false
	for _, m := range members {
		if m.BitfieldSize > 0 {
			bitfields = true
			break
		}
	}

	if err := e.header(name, kind, len(members), bitfields, size); err != nil {
		return err
	}

	for i, m := range members {
		nameOff, err := e.strings.Add(m.Name)
		if err != nil {
			return fmt.Errorf("member %d: %w", i, err)
		}

		offset := uint32(m.Offset)
		if bitfields {
			if m.Offset > btfMemberOffsetMask {
				return fmt.Errorf("member %s: offset %d exceeds the %d bits of a bitfield struct", m.Name, m.Offset, btfMemberOffsetMask)
			}
			if m.BitfieldSize > 0xff {
				return fmt.Errorf("member %s: bitfield size %d exceeds 255", m.Name, m.BitfieldSize)
			}
			offset |= uint32(m.BitfieldSize) << btfMemberBitfieldShift
		}

		e.u32(nameOff)
		e.u32(e.ref())
		e.u32(offset)
	}
	return nil
}

func (e *encoder) encodeEnum(t *Enum) error {
	if t.Size == 8 {
		if e.opts.ReplaceEnum64 {
			return e.encodeEnum64Placeholder(t)
		}
		return e.encodeEnum64(t)
	}

	// Kernels without ENUM64 don't know signed enums either.
	signed := t.Signed && !e.opts.ReplaceEnum64
	if err := e.header(t.Name, kindEnum, len(t.Values), signed, t.Size); err != nil {
		return err
	}

	for _, v := range t.Values {
		nameOff, err := e.strings.Add(v.Name)
		if err != nil {
			return fmt.Errorf("value %s: %w", v.Name, err)
		}
		if t.Signed {
			if s := int64(v.Value); s < math.MinInt32 || s > math.MaxInt32 {
				return fmt.Errorf("value %s: %d doesn't fit a signed 32-bit enum", v.Name, s)
			}
		} else if v.Value > math.MaxUint32 {
			return fmt.Errorf("value %s: %d doesn't fit a 32-bit enum", v.Name, v.Value)
		}
		e.u32(nameOff)
		e.u32(uint32(v.Value))
	}
	return nil
}

func (e *encoder) encodeEnum64(t *Enum) error {
	if err := e.header(t.Name, kindEnum64, len(t.Values), t.Signed, t.Size); err != nil {
		return err
	}

	for _, v := range t.Values {
		nameOff, err := e.strings.Add(v.Name)
		if err != nil {
			return fmt.Errorf("value %s: %w", v.Name, err)
		}
		e.u32(nameOff)
		e.u32(uint32(v.Value))
		e.u32(uint32(v.Value >> 32))
	}
	return nil
}

// encodeEnum64Placeholder appends a union of the same name and size as a
// 64-bit enum, with one member per value, for kernels without ENUM64. This
// is what libbpf does too: the layout of structs embedding the enum stays
// intact and CO-RE relocations against the kernel's BTF still find the
// value names. All such unions share one placeholder Int per signedness.
func (e *encoder) encodeEnum64Placeholder(t *Enum) error {
	signed := 0
	if t.Signed {
		signed = 1
	}

	var id TypeID
	if placeholder := e.enum64Placeholders[signed]; placeholder != nil {
		id, _ = e.id(placeholder)
	} else {
		placeholder = &Int{Name: "enum64_placeholder", Size: t.Size}
		if t.Signed {
			placeholder.Encoding = Signed
		}
		var err error
		if id, err = e.allocate(placeholder); err != nil {
			return err
		}
		e.enum64Placeholders[signed] = placeholder
	}

	if err := e.header(t.Name, kindUnion, len(t.Values), false, t.Size); err != nil {
		return err
	}
	for _, v := range t.Values {
		nameOff, err := e.strings.Add(v.Name)
		if err != nil {
			return fmt.Errorf("value %s: %w", v.Name, err)
		}
		e.u32(nameOff)
		e.u32(uint32(id))
		e.u32(0)
	}
	return nil
}

func (e *encoder) encodeFuncProto(t *FuncProto) error {
	if err := e.header("", kindFuncProto, len(t.Params), false, e.ref()); err != nil {
		return err
	}
	for i, p := range t.Params {
		nameOff, err := e.strings.Add(p.Name)
		if err != nil {
			return fmt.Errorf("parameter %d: %w", i, err)
		}
		e.u32(nameOff)
		e.u32(e.ref())
	}
	return nil
}

func (e *encoder) encodeDatasec(t *Datasec) error {
	if err := e.header(t.Name, kindDatasec, len(t.Vars), false, t.Size); err != nil {
		return err
	}
	for _, vsi := range t.Vars {
		e.u32(e.ref())
		e.u32(vsi.Offset)
		e.u32(vsi.Size)
	}
	return nil
}
