package btf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"sync"

	"github.com/bpfcore/ebpf/internal"
)

// Spec is a set of BTF types, usually parsed from an ELF object or from the
// kernel.
//
// A Spec decodes types lazily: loading it keeps the raw bytes and an index,
// and a type is turned into Go values, together with the types it refers to,
// the first time a lookup needs it. Every Type returned by a Spec belongs to
// it: looking the same type up again returns the same pointer, and changes
// made to it are seen by later lookups and carried over by Copy.
//
// All methods are safe for concurrent use.
type Spec struct {
	raw *rawTypes

	mu      sync.Mutex
	decoded decodedTypes
}

// emptyRawTypes stands in for the blob of a zero Spec, which has no types.
var emptyRawTypes = &rawTypes{
	byteOrder: internal.NativeEndian,
	strings:   &stringTable{data: "\x00"},
	firstID:   1,
}

// rawTypes returns the blob of the Spec.
func (s *Spec) rawTypes() *rawTypes {
	if s.raw == nil {
		return emptyRawTypes
	}
	return s.raw
}

// LoadSpec opens file and calls LoadSpecFromReader on it.
//
// It returns an error if the file can't be read or doesn't hold valid BTF.
func LoadSpec(file string) (*Spec, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()

	spec, err := LoadSpecFromReader(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return spec, nil
}

// LoadSpecFromReader reads BTF from an ELF object or from a raw BTF blob.
//
// From an ELF, it parses the .BTF section in the byte order of the ELF and
// fills in the sizes and variable offsets of data sections from the section
// headers and the symbol table. It returns an error wrapping ErrNotFound if
// the ELF has no .BTF section. Any other input is parsed as raw BTF in the
// byte order that makes its first two bytes the BTF magic.
func LoadSpecFromReader(rd io.ReaderAt) (*Spec, error) {
	var magic [4]byte
	if n, _ := rd.ReadAt(magic[:], 0); n == len(magic) && bytes.Equal(magic[:], []byte(elfMagic)) {
		return loadSpecFromELF(rd)
	}

	if f, ok := rd.(*os.File); ok {
		if spec, ok, err := mapSysfsBTF(f); ok {
			return spec, err
		}
	}

	raw, err := readAll(rd)
	if err != nil {
		return nil, fmt.Errorf("read raw BTF: %w", err)
	}
	return loadRawSpec(raw, nil, nil)
}

// LoadSplitSpecFromReader loads split BTF, such as a kernel module's, whose
// type IDs and string offsets continue those of base.
//
// The returned Spec only exposes the types of the split blob; references into
// base resolve to types owned by the returned Spec. base must not itself be
// split, and both blobs must have the same byte order.
//
// It returns an error if base is nil or split, if r can't be read, and one
// naming the offending type or string if the blob isn't valid split BTF.
func LoadSplitSpecFromReader(r io.ReaderAt, base *Spec) (*Spec, error) {
	if base == nil {
		return nil, errors.New("load split BTF: base spec is nil")
	}
	raw, err := readAll(r)
	if err != nil {
		return nil, fmt.Errorf("read split BTF: %w", err)
	}
	return loadRawSpec(raw, nil, base)
}

// loadRawSpec parses a raw BTF blob, taking ownership of raw: the Spec refers
// into it, the type section of a big endian blob is converted to little
// endian in place, and the caller must neither modify nor reuse raw
// afterwards. bo may be nil to guess the byte order from the magic. With a
// base, raw is split BTF on top of it.
func loadRawSpec(raw []byte, bo binary.ByteOrder, base *Spec) (*Spec, error) {
	return loadRaw(raw, bo, base, false)
}

// loadRaw is loadRawSpec for a blob that may be a read-only memory mapping.
func loadRaw(raw []byte, bo binary.ByteOrder, base *Spec, mapped bool) (*Spec, error) {
	if bo == nil {
		if bo = guessRawBTFByteOrder(raw); bo == nil {
			if len(raw) < 2 {
				return nil, fmt.Errorf("parse BTF: %d bytes is too short for a BTF header", len(raw))
			}
			return nil, fmt.Errorf("parse BTF: header: first bytes %#x are not the BTF magic in either byte order", raw[:2])
		}
	}

	hdr, err := parseBTFHeader(raw, bo)
	if err != nil {
		return nil, fmt.Errorf("parse BTF: %w", err)
	}

	var (
		baseRaw     *rawTypes
		baseStrings *stringTable
	)
	if base != nil {
		baseRaw = base.rawTypes()
		if baseRaw.base != nil {
			return nil, errors.New("parse split BTF: the base is itself split BTF")
		}
		if baseRaw.byteOrder != bo {
			return nil, fmt.Errorf("parse split BTF: byte order %s differs from the base's %s", bo, baseRaw.byteOrder)
		}
		baseStrings = baseRaw.strings
	}

	body := raw[hdr.HdrLen:]
	strs, err := newStringTable(body[hdr.StringOff:hdr.StringOff+hdr.StringLen], baseStrings)
	if err != nil {
		return nil, fmt.Errorf("parse BTF: %w", err)
	}
	strs.mapped = mapped

	types := body[hdr.TypeOff : hdr.TypeOff+hdr.TypeLen]
	r, err := newRawTypes(types, bo, strs, baseRaw)
	if err != nil {
		return nil, fmt.Errorf("parse BTF: %w", err)
	}
	return &Spec{raw: r}, nil
}

// readAll reads everything from rd, in one allocation when the size is
// known.
func readAll(rd io.ReaderAt) ([]byte, error) {
	size := int64(-1)
	switch r := rd.(type) {
	case interface{ Size() int64 }:
		size = r.Size()
	case *os.File:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}

	if size >= 0 && size < math.MaxInt32 {
		// One byte more than expected tells whether the size was right.
		buf := make([]byte, size+1)
		n, err := rd.ReadAt(buf, 0)
		if err == io.EOF && int64(n) == size {
			return buf[:n], nil
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
	}

	return io.ReadAll(io.NewSectionReader(rd, 0, math.MaxInt64))
}

// Copy returns a Spec whose types are deep copies of the types of s,
// including changes made to them. The copy and the original can be used and
// modified independently. Copy(nil) returns nil.
//
// Copying is cheap for types that weren't looked up yet: both Specs share
// the raw bytes and decode such types separately.
func (s *Spec) Copy() *Spec {
	if s == nil {
		return nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	cpy := &Spec{raw: s.rawTypes()}
	if len(s.decoded.list) == 0 {
		return cpy
	}

	copies := make(map[Type]Type, len(s.decoded.list))
	cpy.decoded.slots = make([]uint32, len(s.decoded.slots))
	cpy.decoded.list = make([]decodedType, 0, len(s.decoded.list))
	for _, d := range s.decoded.list {
		cpy.decoded.list = append(cpy.decoded.list, decodedType{d.id, copyType(d.typ, copies)})
		cpy.decoded.slots[d.id] = uint32(len(cpy.decoded.list))
	}
	return cpy
}

// TypeByID returns the type with the given ID. ID 0 is Void.
//
// It returns an error wrapping ErrNotFound if the Spec has no type with that
// ID. A split Spec only has the IDs of its own types, not those of its base.
func (s *Spec) TypeByID(id TypeID) (Type, error) {
	if r := s.rawTypes(); id != 0 && (id < r.firstID || id > r.lastID()) {
		return nil, fmt.Errorf("look up type with ID %d (IDs %d to %d): %w",
			id, r.firstID, r.lastID(), ErrNotFound)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	return s.decode(id)
}

// TypeID returns the ID of a type obtained from this Spec. *Void always has
// ID 0.
//
// It returns an error wrapping ErrNotFound for a type that doesn't belong to
// the Spec, for example one from another Spec or one created by the caller.
func (s *Spec) TypeID(typ Type) (TypeID, error) {
	if _, ok := typ.(*Void); ok {
		// All *Void are the same type; zero-sized values have no identity.
		return 0, nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.decoded.typeID(typ); ok {
		return id, nil
	}
	return 0, fmt.Errorf("no ID for type %s: %w", typ, ErrNotFound)
}

// AnyTypesByName returns all types with the given name, in ID order.
//
// A blob covering several compilation units, like vmlinux, can hold several
// types of the same name which don't necessarily describe the same thing. A
// name with a ___flavour suffix only matches types with that exact suffix.
//
// It returns an error wrapping ErrNotFound if there is no such type.
func (s *Spec) AnyTypesByName(name string) ([]Type, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	var types []Type
	r := s.rawTypes()
	for _, id := range r.idsByEssentialName(essentialName(name)) {
		_, off, _ := r.locate(id)
		// The name may point into a mapping: only compare it.
		if r.typeName(off) != name {
			continue
		}
		typ, err := s.decode(id)
		if err != nil {
			return nil, fmt.Errorf("type %q: %w", name, err)
		}
		types = append(types, typ)
	}

	if len(types) == 0 {
		return nil, fmt.Errorf("type %q: %w", name, ErrNotFound)
	}
	return types, nil
}

// AnyTypeByName returns the type with the given name.
//
// It returns an error wrapping ErrNotFound if there is no such type, and an
// error if there are several.
func (s *Spec) AnyTypeByName(name string) (Type, error) {
	id, matches := s.uniqueIDByName(name)
	if matches != 1 {
		// Rare: let AnyTypesByName build the error, or the list of types
		// for it.
		types, err := s.AnyTypesByName(name)
		if err != nil {
			return nil, err
		}
		if len(types) > 1 {
			return nil, fmt.Errorf("found multiple types: %v", types)
		}
		return types[0], nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	typ, err := s.decode(id)
	if err != nil {
		return nil, fmt.Errorf("type %q: %w", name, err)
	}
	return typ, nil
}

// uniqueIDByName returns the ID of a type of the Spec's own blob named name
// and how many such types there are, without building a list: looking up a
// type by name is common enough that it shouldn't allocate.
func (s *Spec) uniqueIDByName(name string) (id TypeID, matches int) {
	s.mu.Lock()
	defer s.mu.Unlock()

	r := s.rawTypes()
	ess := essentialName(name)
	r.names.candidates(ess, func(candidate TypeID) {
		if r.typeName(r.offsets[candidate-r.firstID]) == name {
			id = candidate
			matches++
		}
	})
	return id, matches
}

var typeInterface = reflect.TypeFor[Type]()

// TypeByName finds the type with the given name whose Go type matches typ,
// and stores it in typ. Several types can share a name (a struct and a func,
// for example); typ picks one.
//
// typ must be a non-nil pointer to a variable of a concrete Type pointer type
// (such as **Struct), or a *Type holding a value whose dynamic type selects
// the kind, for example
//
//	var s *btf.Struct
//	err := spec.TypeByName("task_struct", &s)
//
// It returns an error wrapping ErrNotFound if no type matches, an error
// wrapping ErrMultipleMatches if several do, and an error for any other
// kind of typ.
func (s *Spec) TypeByName(name string, typ interface{}) error {
	if typ == nil {
		return errors.New("type argument: is nil")
	}

	ptr := reflect.ValueOf(typ)
	if ptr.Kind() != reflect.Pointer {
		return fmt.Errorf("type argument: %T is not a pointer", typ)
	}
	if ptr.IsNil() {
		return fmt.Errorf("type argument: %T is a nil pointer", typ)
	}

	dst := ptr.Elem()
	wanted := dst.Type()
	if wanted == typeInterface {
		// *Type: the dynamic type of the value selects the kind.
		if dst.IsNil() {
			return fmt.Errorf("type argument: %T points to a nil Type, which doesn't select a kind", typ)
		}
		wanted = dst.Elem().Type()
	}
	if wanted.Kind() != reflect.Pointer || !wanted.Implements(typeInterface) {
		return fmt.Errorf("type argument: %T does not point to a Type", typ)
	}

	types, err := s.AnyTypesByName(name)
	if err != nil {
		return err
	}

	var found Type
	for _, t := range types {
		if reflect.TypeOf(t) != wanted {
			continue
		}
		if found != nil {
			return fmt.Errorf("type %s %q: %w", wanted, name, ErrMultipleMatches)
		}
		found = t
	}
	if found == nil {
		return fmt.Errorf("type %s %q: %w", wanted, name, ErrNotFound)
	}

	dst.Set(reflect.ValueOf(found))
	return nil
}

// TypesIterator iterates over the types of a Spec, see Spec.Iterate.
type TypesIterator struct {
	// The type of the current iteration, valid after Next returned true.
	Type Type

	spec *Spec
	id   TypeID
	done bool
}

// Iterate returns an iterator over all types of the Spec in ID order,
// starting with Void (for split BTF: with its first own type).
//
// Iterating decodes every type; prefer lookups by name or ID when possible.
func (s *Spec) Iterate() *TypesIterator {
	it := &TypesIterator{spec: s}
	if r := s.rawTypes(); r.base != nil {
		it.id = r.firstID
	}
	return it
}

// Next advances the iterator and reports whether there is a type. It returns
// false at the end and if a type can't be decoded.
func (iter *TypesIterator) Next() bool {
	if iter.done || iter.spec == nil {
		return false
	}
	if iter.id > iter.spec.rawTypes().lastID() {
		iter.done = true
		iter.Type = nil
		return false
	}

	typ, err := iter.spec.TypeByID(iter.id)
	if err != nil {
		iter.done = true
		iter.Type = nil
		return false
	}
	iter.Type = typ
	iter.id++
	return true
}

// byteOrder returns the byte order of the raw BTF.
func (s *Spec) byteOrder() binary.ByteOrder {
	return s.rawTypes().byteOrder
}

// strings returns the string table of the raw BTF. Ext infos refer to it by
// offset.
func (s *Spec) strings() *stringTable {
	return s.rawTypes().strings
}

// firstTypeID returns the lowest ID of the Spec's own types: 1, or the ID
// after the last one of the base for split BTF.
func (s *Spec) firstTypeID() TypeID {
	return s.rawTypes().firstID
}

// typesByEssentialName returns the types whose name without ___flavour
// suffix is ess, in ID order (CO-RE candidates). For split BTF only its own
// types are considered. It returns an empty slice if there are none.
func (s *Spec) typesByEssentialName(ess string) ([]Type, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	ids := s.rawTypes().idsByEssentialName(ess)
	types := make([]Type, 0, len(ids))
	for _, id := range ids {
		typ, err := s.decode(id)
		if err != nil {
			return nil, err
		}
		types = append(types, typ)
	}
	return types, nil
}
