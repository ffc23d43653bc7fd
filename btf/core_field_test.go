package btf

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/go-quicktest/qt"
	"github.com/google/go-cmp/cmp"
)

func TestParseCOREAccessor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want coreAccessor
	}{
		{"0", coreAccessor{0}},
		{"1:0:3", coreAccessor{1, 0, 3}},
		{"2147483647", coreAccessor{2147483647}},
	} {
		got, err := parseCOREAccessor(tc.in)
		qt.Assert(t, qt.IsNil(err), qt.Commentf("%q", tc.in))
		qt.Check(t, qt.DeepEquals(got, tc.want))
		qt.Check(t, qt.Equals(got.String(), tc.in))
	}

	for _, in := range []string{"", ":", "0:", ":0", "1::2", "-1", "+1", "0:-3", "2147483648", "a", "1 ", "0x1"} {
		_, err := parseCOREAccessor(in)
		qt.Check(t, qt.ErrorIs(err, errInvalidAccessor), qt.Commentf("%q", in))
	}
}

func TestCOREKindString(t *testing.T) {
	qt.Check(t, qt.Equals(reloFieldByteOffset.String(), "byte_off"))
	qt.Check(t, qt.Equals(reloFieldSigned.String(), "signed"))
	qt.Check(t, qt.Equals(reloTypeMatches.String(), "type_matches"))
	qt.Check(t, qt.Equals(coreKind(13).String(), "unknown (13)"))

	var exists []coreKind
	for k := coreKind(0); k.valid(); k++ {
		if k.checksForExistence() {
			exists = append(exists, k)
		}
	}
	qt.Check(t, qt.DeepEquals(exists, []coreKind{reloFieldExists, reloTypeExists, reloEnumvalExists, reloTypeMatches}))
}

func TestCORERelocationString(t *testing.T) {
	relo := &CORERelocation{&Struct{Name: "s"}, coreAccessor{0, 1}, reloFieldByteOffset, 4}
	qt.Check(t, qt.Equals(relo.String(), `CORERelocation(byte_off, Struct:"s"[0:1], local_id=4)`))
}

func TestCOREFindEnumValue(t *testing.T) {
	a := &Enum{Name: "a", Size: 4, Values: []EnumValue{{"one", 1}, {"two", 2}}}
	b := &Enum{Name: "b", Size: 4, Values: []EnumValue{{"two___flavour", 20}, {"one", 10}}}
	c := &Enum{Name: "c", Size: 4, Values: []EnumValue{{"three", 3}}}

	for _, tc := range []struct {
		name     string
		local    Type
		target   Type
		accessor coreAccessor
		err      error
	}{
		{"out of bounds", a, b, coreAccessor{2}, errInvalid},
		{"long accessor", a, b, coreAccessor{0, 0}, errInvalid},
		{"local not an enum", &Int{Size: 4}, b, coreAccessor{0}, errInvalid},
		{"target not an enum", a, &Int{Size: 4}, coreAccessor{0}, errImpossibleRelocation},
		{"no match", a, c, coreAccessor{0}, errImpossibleRelocation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := coreFindEnumValue(tc.local, tc.accessor, tc.target)
			if tc.err == errInvalid {
				qt.Assert(t, qt.IsNotNil(err))
				qt.Assert(t, qt.IsFalse(errors.Is(err, errImpossibleRelocation)))
			} else {
				qt.Assert(t, qt.ErrorIs(err, tc.err))
			}
		})
	}

	for _, tc := range []struct {
		accessor      coreAccessor
		local, target uint64
	}{
		{coreAccessor{0}, 1, 10},
		{coreAccessor{1}, 2, 20},
	} {
		local, target, err := coreFindEnumValue(&Typedef{"t", a}, tc.accessor, &Const{b})
		qt.Assert(t, qt.IsNil(err))
		qt.Check(t, qt.Equals(local.Value, tc.local))
		qt.Check(t, qt.Equals(target.Value, tc.target))
	}
}

// errInvalid marks table entries that must fail with an error other than
// errImpossibleRelocation.
var errInvalid = errors.New("invalid")

func TestCOREFindField(t *testing.T) {
	u32 := &Int{Name: "u32", Size: 4}
	s32 := &Int{Name: "s32", Size: 4, Encoding: Signed}
	u64 := &Int{Name: "u64", Size: 8}
	ptr := &Pointer{Target: &Void{}}

	// struct base { u32 a; u64 b; u32 arr[4]; u32 flex[]; } (size 32)
	base := &Struct{Name: "base", Size: 32, Members: []Member{
		{Name: "a", Type: u32, Offset: 0},
		{Name: "b", Type: u64, Offset: 64},
		{Name: "arr", Type: &Array{Type: u32, Nelems: 4}, Offset: 128},
		{Name: "flex", Type: &Array{Type: u32, Nelems: 0}, Offset: 256},
	}}
	// The same members in another order, b and arr inside anonymous
	// members, a behind a typedef and a const.
	target := &Struct{Name: "base", Size: 48, Members: []Member{
		{Name: "", Type: &Union{Size: 8, Members: []Member{
			{Name: "b", Type: &Typedef{"u64_t", u64}},
			{Name: "other", Type: u32},
		}}, Offset: 0},
		{Name: "a", Type: &Const{u32}, Offset: 64},
		{Name: "", Type: &Struct{Size: 24, Members: []Member{
			{Name: "pad", Type: ptr},
			{Name: "arr", Type: &Array{Type: u32, Nelems: 2}, Offset: 64},
		}}, Offset: 96},
		{Name: "flex", Type: &Array{Type: u32, Nelems: 0}, Offset: 320},
	}}
	// struct bits { u32 a:3; s32 b:9; u64 c:37; } with c at bit 12.
	bits := &Struct{Name: "bits", Size: 8, Members: []Member{
		{Name: "a", Type: u32, Offset: 0, BitfieldSize: 3},
		{Name: "b", Type: s32, Offset: 3, BitfieldSize: 9},
		{Name: "c", Type: u64, Offset: 12, BitfieldSize: 37},
	}}
	// A target where b moved to bit 21 and became a plain member.
	bitsTarget := &Struct{Name: "bits", Size: 16, Members: []Member{
		{Name: "c", Type: u64, Offset: 0, BitfieldSize: 37},
		{Name: "b", Type: s32, Offset: 64},
		{Name: "a", Type: u32, Offset: 117, BitfieldSize: 3},
	}}
	// A struct whose only (anonymous) member is itself.
	cyclic := &Struct{Name: "base", Size: 8}
	cyclic.Members = []Member{{Name: "", Type: cyclic}}

	field := func(typ Type, offset uint32, bitOff, bitSize Bits) coreField {
		return coreField{typ, offset, bitOff, bitSize}
	}

	for _, tc := range []struct {
		name          string
		local, target Type
		accessor      coreAccessor
		wantLocal     coreField
		wantTarget    coreField
	}{
		{"root", base, target, coreAccessor{0}, field(base, 0, 0, 0), field(target, 0, 0, 0)},
		{"root array", base, target, coreAccessor{2}, field(base, 64, 0, 0), field(target, 96, 0, 0)},
		{"member", base, target, coreAccessor{0, 0}, field(u32, 0, 0, 0), field(&Const{u32}, 8, 0, 0)},
		{"member of root array", base, target, coreAccessor{1, 0}, field(u32, 32, 0, 0), field(&Const{u32}, 56, 0, 0)},
		{"anonymous union", base, target, coreAccessor{0, 1}, field(u64, 8, 0, 0), field(&Typedef{"u64_t", u64}, 0, 0, 0)},
		{"anonymous struct", base, target, coreAccessor{0, 2}, field(base.Members[2].Type, 16, 0, 0), field(target.Members[2].Type.(*Struct).Members[1].Type, 20, 0, 0)},
		{"array element", base, target, coreAccessor{0, 2, 1}, field(u32, 20, 0, 0), field(u32, 24, 0, 0)},
		{"flexible array", base, target, coreAccessor{0, 3, 7}, field(u32, 60, 0, 0), field(u32, 68, 0, 0)},
		{"bitfield", bits, bitsTarget, coreAccessor{0, 1}, field(s32, 0, 3, 9), field(s32, 8, 0, 0)},
		{"wide bitfield", bits, bitsTarget, coreAccessor{0, 2}, field(u64, 1, 4, 37), field(u64, 0, 0, 37)},
		{"moved bitfield", bits, bitsTarget, coreAccessor{0, 0}, field(u32, 0, 0, 3), field(u32, 14, 5, 3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			local, target, err := coreFindField(tc.local, tc.accessor, tc.target)
			qt.Assert(t, qt.IsNil(err))
			qt.Check(t, qt.CmpEquals(local, tc.wantLocal, cmp.AllowUnexported(coreField{})))
			qt.Check(t, qt.CmpEquals(target, tc.wantTarget, cmp.AllowUnexported(coreField{})))
		})
	}

	for _, tc := range []struct {
		name          string
		local, target Type
		accessor      coreAccessor
		err           error
	}{
		{"empty accessor", base, target, coreAccessor{}, errInvalid},
		{"too long", base, target, make(coreAccessor, coreMaxAccessorLen+1), errInvalid},
		{"no such member", base, target, coreAccessor{0, 4}, errInvalid},
		{"index into int", base, target, coreAccessor{0, 0, 0}, errInvalid},
		{"out of bounds", base, target, coreAccessor{0, 2, 4}, errInvalid},
		{"unsized root", &Fwd{Name: "base"}, target, coreAccessor{0}, errUnsizedType},
		{"zero length array not last", &Struct{Name: "x", Members: []Member{
			{Name: "z", Type: &Array{Type: u32}}, {Name: "a", Type: u32},
		}}, target, coreAccessor{0, 0, 0}, errInvalid},
		{"target out of bounds", base, target, coreAccessor{0, 2, 3}, errImpossibleRelocation},
		{"target lacks member", base, &Struct{Name: "base", Size: 4}, coreAccessor{0, 0}, errImpossibleRelocation},
		{"target not composite", base, u32, coreAccessor{0, 0}, errImpossibleRelocation},
		{"target unsized", base, &Fwd{Name: "base"}, coreAccessor{0, 0}, errImpossibleRelocation},
		{"incompatible member", base, &Struct{Name: "base", Size: 8, Members: []Member{
			{Name: "a", Type: ptr},
		}}, coreAccessor{0, 0}, errImpossibleRelocation},
		{"target not an array", base, &Struct{Name: "base", Size: 8, Members: []Member{
			{Name: "arr", Type: u64},
		}}, coreAccessor{0, 2, 0}, errImpossibleRelocation},
		{"cyclic target", base, cyclic, coreAccessor{0, 0}, errImpossibleRelocation},
		{"no target", base, nil, coreAccessor{0, 0}, errImpossibleRelocation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := coreFindField(tc.local, tc.accessor, tc.target)
			if tc.err == errInvalid {
				qt.Assert(t, qt.IsNotNil(err))
				qt.Assert(t, qt.IsFalse(errors.Is(err, errImpossibleRelocation)), qt.Commentf("%v", err))
			} else {
				qt.Assert(t, qt.ErrorIs(err, tc.err))
			}
		})
	}
}

// TestCOREFieldValues checks the values of field relocations, including the
// load that covers a bitfield, for both byte orders.
func TestCOREFieldValues(t *testing.T) {
	u16 := &Int{Name: "u16", Size: 2}
	u32 := &Int{Name: "u32", Size: 4}
	u64 := &Int{Name: "u64", Size: 8}
	s8 := &Int{Name: "s8", Size: 1, Encoding: Signed}

	type values struct{ off, size, lshiftLE, lshiftBE, rshift, signed uint64 }
	for _, tc := range []struct {
		name  string
		field coreField
		want  values
	}{
		{"u32", coreField{u32, 4, 0, 0}, values{4, 4, 32, 32, 32, 0}},
		{"s8", coreField{s8, 3, 0, 0}, values{3, 1, 56, 56, 56, 1}},
		{"u64", coreField{u64, 8, 0, 0}, values{8, 8, 0, 0, 0, 0}},
		// Bit 3 of byte 0, 9 bits wide: a 4-byte load at 0.
		{"bitfield", coreField{u32, 0, 3, 9}, values{0, 4, 64 - 12, 32 + 3, 64 - 9, 0}},
		// Bits 28..35 of a u32 bitfield straddle two words: widen to 8.
		{"straddling", coreField{u32, 3, 4, 8}, values{0, 8, 64 - 36, 28, 64 - 8, 0}},
		// A u16 bitfield at bit 13: a 2-byte load doesn't reach, a 4-byte
		// one at 0 does.
		{"widened", coreField{u16, 1, 5, 6}, values{0, 4, 64 - 19, 32 + 13, 64 - 6, 0}},
		// A u64 bitfield at bit 70: an 8-byte load at 8.
		{"second word", coreField{u64, 8, 6, 37}, values{8, 8, 64 - 43, 6, 64 - 37, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			get := func(kind coreKind, bo binary.ByteOrder) uint64 {
				t.Helper()
				v, err := tc.field.value(kind, bo)
				qt.Assert(t, qt.IsNil(err), qt.Commentf("%s", kind))
				qt.Check(t, qt.Equals(v.skipValidation, tc.field.bitfieldSize != 0 && kind != reloFieldSigned && kind != reloFieldRShiftU64), qt.Commentf("%s", kind))
				return v.value
			}
			got := values{
				get(reloFieldByteOffset, binary.LittleEndian),
				get(reloFieldByteSize, binary.LittleEndian),
				get(reloFieldLShiftU64, binary.LittleEndian),
				get(reloFieldLShiftU64, binary.BigEndian),
				get(reloFieldRShiftU64, binary.LittleEndian),
				get(reloFieldSigned, binary.LittleEndian),
			}
			qt.Assert(t, qt.Equals(got, tc.want))
		})
	}

	// A u64 bitfield that straddles two 8-byte words can't be loaded.
	_, err := (&coreField{u64, 4, 0, 40}).value(reloFieldByteOffset, binary.LittleEndian)
	qt.Check(t, qt.IsNotNil(err))

	// Signedness needs an integer or enum.
	_, err = (&coreField{&Array{Type: u32, Nelems: 2}, 0, 0, 0}).value(reloFieldSigned, binary.LittleEndian)
	qt.Check(t, qt.ErrorIs(err, errNoSignedness))
	v, err := (&coreField{&Enum{Size: 4, Signed: true}, 0, 0, 0}).value(reloFieldSigned, binary.LittleEndian)
	qt.Check(t, qt.IsNil(err))
	qt.Check(t, qt.Equals(v.value, 1))

	// Shifts and sizes need a size.
	for _, kind := range []coreKind{reloFieldLShiftU64, reloFieldRShiftU64, reloFieldByteSize} {
		_, err = (&coreField{&Fwd{Name: "f"}, 0, 0, 0}).value(kind, binary.LittleEndian)
		qt.Check(t, qt.ErrorIs(err, errUnsizedType), qt.Commentf("%s", kind))
	}
	// Shifts need a field that fits into a register.
	_, err = (&coreField{&Array{Type: u64, Nelems: 2}, 0, 0, 0}).value(reloFieldLShiftU64, binary.LittleEndian)
	qt.Check(t, qt.IsNotNil(err))
}

// TestCOREFieldFixupSigned checks signed relocations end to end: an array
// has no signedness, and a target that lost it poisons.
func TestCOREFieldFixupSigned(t *testing.T) {
	u32 := &Int{Name: "u32", Size: 4}
	local := &Struct{Name: "s", Size: 8, Members: []Member{
		{Name: "arr", Type: &Array{Type: u32, Nelems: 2}},
		{Name: "e", Type: &Enum{Name: "e", Size: 4, Signed: true}},
	}}

	arr := &CORERelocation{local, coreAccessor{0, 0}, reloFieldSigned, 1}
	_, err := coreCalculateFixup(arr, &coreTarget{typ: local}, binary.LittleEndian)
	qt.Assert(t, qt.ErrorIs(err, errNoSignedness))

	enum := &CORERelocation{local, coreAccessor{0, 1}, reloFieldSigned, 1}
	fixup, err := coreCalculateFixup(enum, &coreTarget{typ: local}, binary.LittleEndian)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(fixup.String(), "signed=1->1"))

	fixup, err = coreCalculateFixup(enum, nil, binary.LittleEndian)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsTrue(fixup.poison))

	unsized := &Struct{Name: "u", Size: 8, Members: []Member{{Name: "f", Type: &Fwd{Name: "f"}}}}
	for _, kind := range []coreKind{reloFieldLShiftU64, reloFieldRShiftU64} {
		relo := &CORERelocation{unsized, coreAccessor{0, 0}, kind, 1}
		_, err = coreCalculateFixup(relo, &coreTarget{typ: unsized}, binary.LittleEndian)
		qt.Check(t, qt.ErrorIs(err, errUnsizedType))
	}
}

func FuzzParseCOREAccessor(f *testing.F) {
	for _, seed := range []string{"0", "1:0:3", "", "0:", "-1", "2147483648"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		acc, err := parseCOREAccessor(in)
		if err != nil {
			return
		}
		if acc.String() != in {
			// Leading zeros are the only other spelling.
			again, err := parseCOREAccessor(acc.String())
			if err != nil || len(again) != len(acc) {
				t.Fatalf("%q parsed to %v, which doesn't round trip", in, acc)
			}
		}
	})
}

// FuzzCOREFindField follows arbitrary accessors and relocation kinds
// through hand-made types, which must never panic.
func FuzzCOREFindField(f *testing.F) {
	u32 := &Int{Name: "u32", Size: 4}
	inner := &Union{Size: 8, Members: []Member{{Name: "x", Type: u32}, {Name: "y", Type: &Array{Type: u32, Nelems: 2}}}}
	local := &Struct{Name: "s", Size: 24, Members: []Member{
		{Name: "a", Type: u32},
		{Name: "b", Type: u32, Offset: 32, BitfieldSize: 3},
		{Name: "", Type: inner, Offset: 64},
		{Name: "flex", Type: &Array{Type: u32}, Offset: 128},
	}}
	target := &Struct{Name: "s", Size: 32, Members: []Member{
		{Name: "", Type: inner},
		{Name: "b", Type: u32, Offset: 64, BitfieldSize: 30},
		{Name: "a", Type: &Typedef{"u", u32}, Offset: 96},
		{Name: "flex", Type: &Array{Type: u32}, Offset: 256},
	}}

	f.Add(uint8(0), int64(0), int64(2), int64(0), int64(1))
	f.Add(uint8(5), int64(1), int64(3), int64(7), int64(-1))
	f.Fuzz(func(t *testing.T, kind uint8, a, b, c, d int64) {
		accessor := coreAccessor{int(a), int(b), int(c), int(d)}
		for n := 1; n <= len(accessor); n++ {
			relo := &CORERelocation{local, accessor[:n], coreKind(kind % 14), 1}
			for _, target := range []*coreTarget{{typ: target}, {typ: local}, nil} {
				_, _ = coreCalculateFixup(relo, target, binary.LittleEndian)
				_, _ = coreCalculateFixup(relo, target, binary.BigEndian)
			}
		}
	})
}
