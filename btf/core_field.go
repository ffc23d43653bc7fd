package btf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// coreMaxAccessorLen bounds the accessors and nesting of anonymous members
// that field relocations follow, like libbpf's BPF_CORE_SPEC_MAX_LEN.
const coreMaxAccessorLen = 64

// coreField is a field of a struct or union, or an array element, that an
// accessor leads to from a root type.
type coreField struct {
	// Type is the type of the field as declared, Typedefs and qualifiers
	// included.
	Type Type
	// offset is the position of the field from the start of the root type
	// in bytes; for a bitfield, of the byte holding its first bit.
	offset uint32
	// bitfieldOffset is the position of the first bit of a bitfield in the
	// byte at offset, counted from the least significant bit on little
	// endian and from the most significant on big endian. 0 for other
	// fields.
	bitfieldOffset Bits
	// bitfieldSize is the width of a bitfield in bits, 0 for other fields.
	bitfieldSize Bits
}

// bitOffset returns the position of the field's first bit in the root.
func (cf *coreField) bitOffset() uint64 {
	return uint64(cf.offset)*8 + uint64(cf.bitfieldOffset)
}

// coreFieldWalk follows an accessor through one type, keeping track of the
// position reached.
type coreFieldWalk struct {
	typ    Type
	bits   uint64
	bfSize Bits
	// lastMember is set if typ is the type of the last member of its
	// struct or union, which allows it to be a flexible array.
	lastMember bool
}

// addBits advances the position, refusing positions outside of 4 GiB.
func (w *coreFieldWalk) addBits(n uint64) error {
	if n > math.MaxUint32*8 || w.bits+n > math.MaxUint32*8 {
		return fmt.Errorf("field offset exceeds 4 GiB")
	}
	w.bits += n
	return nil
}

// field converts the position reached into a coreField.
func (w *coreFieldWalk) field() (coreField, error) {
	f := coreField{
		Type:           w.typ,
		offset:         uint32(w.bits / 8),
		bitfieldOffset: Bits(w.bits % 8),
		bitfieldSize:   w.bfSize,
	}
	if f.bitfieldSize == 0 && f.bitfieldOffset != 0 {
		return coreField{}, fmt.Errorf("field of type %s at bit %d is not byte aligned", w.typ, w.bits)
	}
	return f, nil
}

// coreFindField follows accessor from the local root type and finds the
// field with the same path of member names and array indices in the target
// root type. Anonymous struct and union members are transparent: the local
// accessor names them by index, while the target's are searched for the
// member name.
//
// It returns an error wrapping errImpossibleRelocation, with the local field
// set, if the target doesn't have a compatible field (or target is nil), and
// other errors if accessor doesn't describe a field of the local type.
func coreFindField(localRoot Type, accessor coreAccessor, targetRoot Type) (local, target coreField, _ error) {
	if len(accessor) == 0 {
		return coreField{}, coreField{}, errors.New("empty accessor")
	}
	if len(accessor) > coreMaxAccessorLen {
		return coreField{}, coreField{}, fmt.Errorf("accessor %s is longer than %d", accessor, coreMaxAccessorLen)
	}

	// The first index treats the root as an element of an array.
	lw := coreFieldWalk{typ: localRoot}
	size, err := Sizeof(localRoot)
	if err != nil {
		return coreField{}, coreField{}, fmt.Errorf("local root: %w", err)
	}
	if err := lw.addBits(uint64(accessor[0]) * uint64(size) * 8); err != nil {
		return coreField{}, coreField{}, err
	}

	var (
		tw       = coreFieldWalk{typ: targetRoot}
		mismatch error
	)
	if targetRoot == nil {
		mismatch = errors.New("no target")
	} else if size, err := Sizeof(targetRoot); err != nil {
		mismatch = fmt.Errorf("target root: %w", err)
	} else if err := tw.addBits(uint64(accessor[0]) * uint64(size) * 8); err != nil {
		mismatch = err
	}

	for i, index := range accessor[1:] {
		member, err := lw.step(index)
		if err != nil {
			return coreField{}, coreField{}, fmt.Errorf("accessor %s, index %d: %w", accessor, i+1, err)
		}
		if mismatch != nil {
			continue
		}

		switch {
		case member == nil:
			mismatch = tw.stepIndex(index)
		case member.Name != "":
			mismatch = tw.stepMember(member)
		}
	}

	local, err = lw.field()
	if err != nil {
		return coreField{}, coreField{}, fmt.Errorf("local: %w", err)
	}
	if mismatch != nil {
		return local, coreField{}, fmt.Errorf("%w: %w", errImpossibleRelocation, mismatch)
	}
	target, err = tw.field()
	if err != nil {
		return local, coreField{}, fmt.Errorf("%w: target: %w", errImpossibleRelocation, err)
	}
	return local, target, nil
}

// step follows one index of a local accessor: a member of a struct or
// union, or an element of an array. It returns the member, or nil for an
// array element.
func (w *coreFieldWalk) step(index int) (*Member, error) {
	switch t := UnderlyingType(w.typ).(type) {
	case composite:
		members := t.members()
		if index < 0 || index >= len(members) {
			return nil, fmt.Errorf("%s has %d members", t, len(members))
		}
		m := &members[index]
		if err := w.addBits(uint64(m.Offset)); err != nil {
			return nil, err
		}
		w.typ, w.bfSize, w.lastMember = m.Type, m.BitfieldSize, index == len(members)-1
		return m, nil

	case *Array:
		return nil, w.stepElement(t, index)

	default:
		return nil, fmt.Errorf("can't index into %s", w.typ)
	}
}

// stepElement moves to element index of arr. Only a flexible array (no
// elements, last member) may be indexed beyond its end.
func (w *coreFieldWalk) stepElement(arr *Array, index int) error {
	flexible := w.lastMember && arr.Nelems == 0
	if !flexible && uint64(index) >= uint64(arr.Nelems) {
		return fmt.Errorf("index %d out of bounds of %s with %d elements", index, arr, arr.Nelems)
	}
	size, err := Sizeof(arr.Type)
	if err != nil {
		return fmt.Errorf("element: %w", err)
	}
	if err := w.addBits(uint64(index) * uint64(size) * 8); err != nil {
		return err
	}
	w.typ, w.bfSize, w.lastMember = arr.Type, 0, false
	return nil
}

// stepIndex follows a local array index in the target. The returned error
// says why the target doesn't match.
func (w *coreFieldWalk) stepIndex(index int) error {
	arr, ok := UnderlyingType(w.typ).(*Array)
	if !ok {
		return fmt.Errorf("target %s is not an array", w.typ)
	}
	return w.stepElement(arr, index)
}

// stepMember finds a member with the name of the local member in the
// target, searching anonymous members, and checks that the types are
// compatible. The returned error says why the target doesn't match.
func (w *coreFieldWalk) stepMember(local *Member) error {
	parent, ok := UnderlyingType(w.typ).(composite)
	if !ok {
		return fmt.Errorf("target %s is not a struct or union", w.typ)
	}

	member, last, bits, found := coreFindMember(parent, local.Name, 0)
	if !found {
		return fmt.Errorf("no member %q in target %s", local.Name, parent)
	}
	if err := coreAreMembersCompatible(local.Type, member.Type); err != nil {
		return fmt.Errorf("member %q: %w", local.Name, err)
	}
	if err := w.addBits(bits); err != nil {
		return err
	}
	w.typ, w.bfSize, w.lastMember = member.Type, member.BitfieldSize, last
	return nil
}

// coreFindMember searches typ for a member called name, depth first and
// descending into anonymous struct and union members. It returns the
// member, whether it is the last one of its (possibly anonymous) parent and
// its offset from the start of typ in bits.
//
// Nesting beyond coreMaxAccessorLen, as in a cyclic graph, counts as not
// found.
func coreFindMember(typ composite, name string, depth int) (_ *Member, last bool, bits uint64, found bool) {
	if depth >= coreMaxAccessorLen {
		return nil, false, 0, false
	}

	members := typ.members()
	for i := range members {
		m := &members[i]
		if m.Name == name {
			return m, i == len(members)-1, uint64(m.Offset), true
		}
		if m.Name != "" {
			continue
		}
		inner, ok := UnderlyingType(m.Type).(composite)
		if !ok {
			continue
		}
		if found, last, bits, ok := coreFindMember(inner, name, depth+1); ok {
			return found, last, uint64(m.Offset) + bits, true
		}
	}
	return nil, false, 0, false
}

// coreFieldValue is the value of a field relocation for one side.
type coreFieldValue struct {
	value uint64
	// skipValidation is set for values the compiler may compute
	// differently (bitfield loads).
	skipValidation bool
	// size and resizable describe a field loads and stores may access
	// directly: its size in bytes (0 if not applicable) and whether an
	// access may change width when the size changes (unsigned integers and
	// pointers).
	size      uint32
	resizable bool
}

// coreFieldFixup handles the kinds that describe a field.
func coreFieldFixup(relo *CORERelocation, target *coreTarget, bo binary.ByteOrder) (COREFixup, error) {
	var targetRoot Type
	if target != nil {
		targetRoot = target.typ
	}

	localField, targetField, err := coreFindField(relo.typ, relo.accessor, targetRoot)
	impossible := errors.Is(err, errImpossibleRelocation)
	if err != nil && !impossible {
		return COREFixup{}, err
	}

	if relo.kind == reloFieldExists {
		if impossible {
			return COREFixup{local: 1, target: 0}, nil
		}
		return COREFixup{local: 1, target: 1}, nil
	}

	local, err := localField.value(relo.kind, bo)
	if err != nil {
		return COREFixup{}, fmt.Errorf("local: %w", err)
	}
	if impossible {
		return COREFixup{local: local.value, poison: true}, nil
	}

	tgt, err := targetField.value(relo.kind, bo)
	if errors.Is(err, errNoSignedness) {
		// Compatible members have signedness on both sides or neither,
		// so this target is broken: don't use it.
		return COREFixup{local: local.value, poison: true}, nil
	}
	if err != nil {
		return COREFixup{}, fmt.Errorf("target %s: %w", target.typ, err)
	}

	fixup := COREFixup{
		local:               local.value,
		target:              tgt.value,
		skipLocalValidation: local.skipValidation,
	}
	if local.size != 0 && tgt.size != 0 {
		fixup.localSize, fixup.targetSize = local.size, tgt.size
		fixup.resizeUnsafe = !local.resizable || !tgt.resizable
	}
	return fixup, nil
}

// value computes what a field relocation of kind resolves to for the field.
//
// Bitfields follow libbpf: the load covering the bitfield starts at a
// multiple of the size of its type, and is made wider (up to 8 bytes) until
// it contains all of the bitfield. The shifts then isolate the bitfield in a
// 64-bit register: left until its top bit is bit 63, right until its lowest
// bit is bit 0.
func (cf *coreField) value(kind coreKind, bo binary.ByteOrder) (coreFieldValue, error) {
	if kind == reloFieldSigned {
		signed, err := coreSignedness(cf.Type)
		return coreFieldValue{value: signed}, err
	}

	size, err := Sizeof(cf.Type)
	if err != nil {
		return coreFieldValue{}, err
	}

	bitOff := cf.bitOffset()
	byteSize, byteOff, bitSize := uint64(size), uint64(cf.offset), uint64(size)*8
	bitfield := cf.bitfieldSize != 0
	if bitfield {
		if byteSize == 0 {
			return coreFieldValue{}, fmt.Errorf("bitfield of type %s: %w", cf.Type, errUnsizedType)
		}
		bitSize = uint64(cf.bitfieldSize)
		byteOff = bitOff / 8 / byteSize * byteSize
		for bitOff+bitSize-byteOff*8 > byteSize*8 {
			if byteSize >= 8 {
				return coreFieldValue{}, fmt.Errorf("bitfield at bit %d of %d bits can't be loaded with 8 bytes", bitOff, bitSize)
			}
			byteSize *= 2
			byteOff = bitOff / 8 / byteSize * byteSize
		}
	}

	switch kind {
	case reloFieldByteOffset:
		v := coreFieldValue{value: byteOff, skipValidation: bitfield}
		if !bitfield {
			v.size, v.resizable = uint32(byteSize), coreResizable(cf.Type)
		}
		return v, nil

	case reloFieldByteSize:
		return coreFieldValue{value: byteSize, skipValidation: bitfield}, nil

	case reloFieldLShiftU64, reloFieldRShiftU64:
		if byteSize > 8 {
			return coreFieldValue{}, fmt.Errorf("field of %d bytes doesn't fit into 64 bits", byteSize)
		}
		if kind == reloFieldRShiftU64 {
			return coreFieldValue{value: 64 - bitSize}, nil
		}
		if bo == binary.BigEndian {
			return coreFieldValue{value: (8-byteSize)*8 + bitOff - byteOff*8, skipValidation: bitfield}, nil
		}
		return coreFieldValue{value: 64 - (bitOff + bitSize - byteOff*8), skipValidation: bitfield}, nil
	}
	return coreFieldValue{}, fmt.Errorf("relocation kind %s is not about fields", kind)
}

// coreSignedness returns 1 for signed integers and enums, 0 for unsigned
// ones, and an error wrapping errNoSignedness for other types.
func coreSignedness(typ Type) (uint64, error) {
	switch t := UnderlyingType(typ).(type) {
	case *Int:
		if t.Encoding&Signed != 0 {
			return 1, nil
		}
		return 0, nil
	case *Enum:
		if t.Signed {
			return 1, nil
		}
		return 0, nil
	}
	return 0, fmt.Errorf("type %s: %w", typ, errNoSignedness)
}

// coreResizable reports whether a load or store of a field of type typ may
// change width with the field's size without changing the value: true for
// pointers and unsigned integers, which are zero extended.
func coreResizable(typ Type) bool {
	switch t := UnderlyingType(typ).(type) {
	case *Pointer:
		return true
	case *Int:
		return t.Encoding&Signed == 0
	}
	return false
}
