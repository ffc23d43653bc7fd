package btf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"unsafe"

	"github.com/bpfcore/ebpf/internal"
)

// MarshalOptions control how types are encoded by Builder.Marshal.
type MarshalOptions struct {
	// Target byte order. Defaults to the system's native endianness.
	Order binary.ByteOrder
	// Remove function linkage information for compatibility with <5.6 kernels.
	StripFuncLinkage bool
	// Replace Enum64 with a placeholder for compatibility with <6.0 kernels.
	ReplaceEnum64 bool
	// Prevent the "No type found" error when loading BTF without any types.
	PreventNoTypeFound bool
}

// KernelMarshalOptions returns options suitable for loading BTF into the
// running kernel: native byte order, and func linkage and ENUM64 replaced if
// the kernel lacks them. Probing the kernel happens on first use and is
// cached; a probe that can't decide counts as "lacking".
func KernelMarshalOptions() *MarshalOptions {
	return &MarshalOptions{
		Order:              internal.NativeEndian,
		StripFuncLinkage:   haveFuncLinkage() != nil,
		ReplaceEnum64:      haveEnum64() != nil,
		PreventNoTypeFound: true,
	}
}

// Builder turns Types into raw BTF.
//
// The zero value is ready to use. Types added to a Builder keep the ID they
// got from Add in every blob produced by Marshal.
type Builder struct {
	// Explicitly added types, in order. Type i has ID i+1.
	types []Type
	// Index of types, to find the ID of a type.
	ids typeTable
	// Strings added with addString, for example by MarshalExtInfos. nil
	// until the first one.
	strings *stringTableBuilder
}

// NewBuilder returns a Builder to which the given types have been added in
// order, as if by Add. A leading (*Void)(nil) is fine.
//
// It returns an error naming the first type that can't be added.
func NewBuilder(types []Type) (*Builder, error) {
	b := &Builder{types: make([]Type, 0, len(types))}
	b.ids.reserve(nil, len(types))

	for i, typ := range types {
		if _, err := b.Add(typ); err != nil {
			return nil, fmt.Errorf("add type %d (%v): %w", i, typ, err)
		}
	}
	return b, nil
}

// Empty returns true if neither types nor strings have been added.
func (b *Builder) Empty() bool {
	return len(b.types) == 0 && (b.strings == nil || b.strings.Length() <= 1)
}

// Add a Type and allocate a stable ID for it.
//
// Adding the identical Type multiple times is valid and will return the same
// ID. *Void always has ID 0 and is not stored. Types that typ refers to but
// that are not added themselves get IDs when the Builder is marshaled.
//
// It returns an error for a nil Type and when the Builder runs out of IDs.
func (b *Builder) Add(typ Type) (TypeID, error) {
	switch typ.(type) {
	case nil:
		return 0, errors.New("add nil Type")
	case *Void:
		// Void is a zero-sized type: distinct *Void need not be distinct
		// pointers, so identity is meaningless. It always has ID 0.
		return 0, nil
	}

	if id, ok := b.id(typ); ok {
		return id, nil
	}

	if ds, ok := typ.(*Datasec); ok {
		if err := b.addDatasecVarTypes(ds); err != nil {
			return 0, err
		}
	}

	if len(b.types) >= maxTypeID {
		return 0, fmt.Errorf("add %s: more than %d types", typ, maxTypeID)
	}
	if len(b.types) == cap(b.types) {
		// Double the capacity: append grows big slices by only a quarter,
		// which copies a vmlinux-sized list many times over.
		grown := make([]Type, len(b.types), max(64, 2*cap(b.types)))
		copy(grown, b.types)
		b.types = grown
	}
	b.types = append(b.types, typ)
	b.ids.insert(b.types, len(b.types)-1)
	return TypeID(len(b.types)), nil
}

// id returns the ID of a type added explicitly.
func (b *Builder) id(typ Type) (TypeID, bool) {
	if i := b.ids.find(b.types, typeKey(typ)); i >= 0 {
		return TypeID(i + 1), true
	}
	return 0, false
}

// addDatasecVarTypes adds the types of the variables of ds that are Typedefs
// or qualifiers, so that they get lower IDs than ds.
//
// The kernel resolves types in ID order, and validating a Datasec needs the
// size of each variable: for a Typedef or qualifier that is only known once
// it has been resolved, so a higher ID makes loading fail with "Invalid
// type".
func (b *Builder) addDatasecVarTypes(ds *Datasec) error {
	for _, vsi := range ds.Vars {
		v, ok := vsi.Type.(*Var)
		if !ok {
			continue
		}
		switch v.Type.(type) {
		case *Typedef, qualifier:
			if _, err := b.Add(v.Type); err != nil {
				return fmt.Errorf("add type of variable %s: %w", v.Name, err)
			}
		}
	}
	return nil
}

// addString adds s to the string table of the Builder and returns its
// offset, which stays valid in every blob produced by Marshal.
//
// It returns an error if s contains a NUL byte.
func (b *Builder) addString(s string) (uint32, error) {
	if b.strings == nil {
		b.strings = newStringTableBuilder(0)
	}
	return b.strings.Add(s)
}

// Marshal encodes all types of the Builder into BTF wire format and appends
// the blob (header, type section and string section) to buf.
//
// Explicitly added types are emitted first, in the order they were added,
// with the IDs Add returned. Types they refer to get IDs after them, children
// before parents. opts may be nil, which means native byte order and no
// kinds replaced. Marshal doesn't modify the Builder.
//
// It returns an error for types that can't be encoded, naming the type.
func (b *Builder) Marshal(buf []byte, opts *MarshalOptions) ([]byte, error) {
	return b.marshal(buf, opts, tagQuirks{})
}

// tagQuirks down-level tags for kernels without them, the way libbpf
// does: a type tag becomes a Const of the same type, a decl tag an
// anonymous one-byte Int. Both keep their size on the wire, so IDs and
// offsets don't change. MarshalOptions can't grow fields (it is part of
// the API), so NewHandle passes these separately.
type tagQuirks struct {
	replaceDeclTags bool
	replaceTypeTags bool
}

// kernelTagQuirks returns the quirks the running kernel needs. A probe
// that can't decide counts as "lacking".
func kernelTagQuirks() tagQuirks {
	return tagQuirks{
		replaceDeclTags: haveDeclTags() != nil,
		replaceTypeTags: haveTypeTags() != nil,
	}
}

func (b *Builder) marshal(buf []byte, opts *MarshalOptions, quirks tagQuirks) ([]byte, error) {
	if b == nil {
		// Like a nil slice, a nil Builder is empty.
		b = &Builder{}
	}
	if opts == nil {
		opts = &MarshalOptions{}
	}
	order := opts.Order
	if order == nil {
		order = internal.NativeEndian
	}

	e := getEncoder(opts, b.types, &b.ids)
	defer putEncoder(e)
	e.quirks = quirks

	explicit := b.types
	if len(explicit) == 0 && opts.PreventNoTypeFound {
		// The kernel refuses BTF without types ("No type found"), even if it
		// has strings that func and line infos refer to. An anonymous
		// zero-sized Int is the cheapest type it accepts.
		explicit = []Type{&Int{}}
		e.explicit = explicit
		e.stable = &typeTable{}
		e.stable.insert(explicit, 0)
	}
	e.lastID = TypeID(len(explicit))

	if b.strings == nil {
		e.strings.reset(len(explicit))
	} else {
		e.strings.copyFrom(b.strings, len(explicit))
	}

	// Size the buffer for the explicit types and their names. Dependencies
	// and further strings grow it as needed.
	start := len(buf)
	e.buf = slices.Grow(buf, btfHeaderLen+wireSizeOf(explicit)+e.strings.Length()+len(explicit)*stringBytesPerType)
	e.buf = e.buf[:start+btfHeaderLen]

	if err := e.encodeAll(explicit); err != nil {
		return nil, err
	}

	typeLen := len(e.buf) - start - btfHeaderLen
	if order != binary.LittleEndian {
		swapWords(e.buf[start+btfHeaderLen:], order)
	}

	stringLen := e.strings.Length()
	if uint64(typeLen)+uint64(stringLen) > math.MaxUint32 {
		return nil, fmt.Errorf("marshal BTF: %d bytes of types and %d bytes of strings exceed 4 GiB", typeLen, stringLen)
	}
	out := e.buf
	if cap(out)-len(out) < stringLen {
		// Grow to the exact size: the blob is complete.
		out = make([]byte, len(e.buf), len(e.buf)+stringLen)
		copy(out, e.buf)
	}
	out = e.strings.AppendEncoded(out)
	e.buf = nil

	hdr := out[start:]
	order.PutUint16(hdr[0:], btfMagic)
	hdr[2] = 1 // version
	hdr[3] = 0 // flags
	order.PutUint32(hdr[4:], btfHeaderLen)
	order.PutUint32(hdr[8:], 0) // type_off
	order.PutUint32(hdr[12:], uint32(typeLen))
	order.PutUint32(hdr[16:], uint32(typeLen)) // str_off
	order.PutUint32(hdr[20:], uint32(stringLen))

	return out, nil
}

// stringBytesPerType is a guess of the string table bytes per type, used
// to size buffers. vmlinux has about 18.
const stringBytesPerType = 20

// typeKey returns the pointer a Type holds, which identifies it.
//
// Every Type is a pointer to a distinct allocation, except *Void which has
// no identity and is handled separately. Keying maps by the bare pointer
// instead of the interface halves the key and makes hashing cheaper, which
// matters when marshaling vmlinux-sized graphs.
func typeKey(typ Type) unsafe.Pointer {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&typ))[1]
}

// swapWords converts a sequence of little endian u32 into order in place.
// The type section only consists of u32 fields.
func swapWords(b []byte, order binary.ByteOrder) {
	if order == binary.BigEndian {
		for i := 0; i+4 <= len(b); i += 4 {
			b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
		}
		return
	}
	for i := 0; i+4 <= len(b); i += 4 {
		order.PutUint32(b[i:], binary.LittleEndian.Uint32(b[i:]))
	}
}

// byteSlices recycles the buffers NewHandle marshals into: the kernel copies
// the blob, so the buffer is free again once the handle exists.
var byteSlices = sync.Pool{
	New: func() any {
		buf := make([]byte, 0, 1024)
		return &buf
	},
}

func getByteSlice() *[]byte {
	return byteSlices.Get().(*[]byte)
}

func putByteSlice(buf *[]byte) {
	// Don't hold on to vmlinux-sized buffers.
	if cap(*buf) > 1<<20 {
		return
	}
	*buf = (*buf)[:0]
	byteSlices.Put(buf)
}
