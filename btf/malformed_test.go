package btf

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestMalformedBTF(t *testing.T) {
	le := binary.LittleEndian

	for _, test := range []struct {
		name string
		blob func() []byte
		err  string
	}{
		{"empty", func() []byte { return nil }, `.*too short.*`},
		{"bad magic", func() []byte {
			raw := newTestBlob().encode(le)
			raw[0] = 0
			return raw
		}, `.*not the BTF magic.*`},
		{"truncated header", func() []byte { return newTestBlob().encode(le)[:20] }, `.*too short for a BTF header.*`},
		{"version", func() []byte {
			raw := newTestBlob().encode(le)
			raw[2] = 2
			return raw
		}, `.*unsupported version 2.*`},
		{"flags", func() []byte {
			raw := newTestBlob().encode(le)
			raw[3] = 1
			return raw
		}, `.*unsupported flags.*`},
		{"short header length", func() []byte {
			raw := newTestBlob().encode(le)
			le.PutUint32(raw[4:], 20)
			return raw
		}, `.*header: length 20 is shorter than 24.*`},
		{"header length beyond blob", func() []byte {
			raw := newTestBlob().encode(le)
			le.PutUint32(raw[4:], 1000)
			return raw
		}, `.*header: length 1000 exceeds.*`},
		{"non-zero header padding", func() []byte {
			raw := newTestBlob().encode(le)
			le.PutUint32(raw[4:], 28)
			raw = append(raw[:24:24], append([]byte{0, 0, 1, 0}, raw[24:]...)...)
			return raw
		}, `.*non-zero byte at offset 26.*`},
		{"type section out of bounds", func() []byte {
			raw := newTestBlob().encode(le)
			le.PutUint32(raw[12:], 100)
			return raw
		}, `.*type section .* exceeds.*`},
		{"string section out of bounds", func() []byte {
			raw := newTestBlob().encode(le)
			le.PutUint32(raw[20:], 100)
			return raw
		}, `.*string section .* exceeds.*`},
		{"empty string table", func() []byte {
			raw := newTestBlob().encode(le)
			le.PutUint32(raw[20:], 0)
			return raw[:24]
		}, `.*string table: empty.*`},
		{"unterminated string table", func() []byte {
			b := newTestBlob()
			b.strings = append(b.strings, 'x')
			return b.encode(le)
		}, `.*string table: not terminated.*`},
		{"unknown kind", func() []byte {
			b := newTestBlob()
			b.add("", 25, 0, false, 0)
			return b.encode(le)
		}, `.*type id 1 at offset 0: unknown kind 25.*`},
		{"kind zero", func() []byte {
			b := newTestBlob()
			b.add("", kindUnknown, 0, false, 0)
			return b.encode(le)
		}, `.*type id 1 at offset 0: unknown kind 0.*`},
		{"truncated type", func() []byte {
			b := newTestBlob()
			b.addInt("int", 4, Signed)
			b.add("s", kindStruct, 3, false, 4, 0, 1, 0)
			return b.encode(le)
		}, `.*type id 2 \(struct\): truncated.*`},
		{"truncated type header", func() []byte {
			b := newTestBlob()
			b.addInt("int", 4, Signed)
			b.words = append(b.words, 0)
			return b.encode(le)
		}, `.*type id 2 at offset 16: truncated header.*`},
		{"name out of range", func() []byte {
			b := newTestBlob()
			b.add("", kindInt, 0, false, 4, 32)
			b.words[0] = 1000
			return b.encode(le)
		}, `.*type id 1 \(int\): name: invalid string offset 1000.*`},
		{"name inside a string", func() []byte {
			b := newTestBlob()
			b.addInt("int", 4, Signed)
			b.words[0] = 2
			return b.encode(le)
		}, `.*type id 1 \(int\): name: invalid string offset 2.*`},
		{"member name out of range", func() []byte {
			b := newTestBlob()
			i := b.addInt("int", 4, Signed)
			b.add("s", kindStruct, 1, false, 4, 999, uint32(i), 0)
			return b.encode(le)
		}, `.*type id 2 \(struct\): member 0: name: invalid string offset 999.*`},
		{"enum value name out of range", func() []byte {
			b := newTestBlob()
			b.add("e", kindEnum, 1, false, 4, 999, 1)
			return b.encode(le)
		}, `.*type id 1 \(enum\): value 0: name: invalid string offset 999.*`},
		{"type id out of range", func() []byte {
			b := newTestBlob()
			b.addInt("int", 4, Signed)
			b.add("", kindPointer, 0, false, 7)
			return b.encode(le)
		}, `.*type id 2 \(ptr\): refers to type id 7: not found \(last id is 2\).*`},
		{"member type out of range", func() []byte {
			b := newTestBlob()
			b.add("s", kindStruct, 1, false, 4, b.str("m"), 42, 0)
			return b.encode(le)
		}, `.*type id 1 \(struct\): refers to type id 42.*`},
		{"typedef loop", func() []byte {
			b := newTestBlob()
			b.add("a", kindTypedef, 0, false, 2)
			b.add("b", kindTypedef, 0, false, 1)
			return b.encode(le)
		}, `.*type id 1 \(typedef\): refers to itself.*`},
		{"const loop", func() []byte {
			b := newTestBlob()
			i := b.addInt("int", 4, Signed)
			b.add("", kindConst, 0, false, uint32(i))
			b.add("", kindConst, 0, false, 3)
			return b.encode(le)
		}, `.*type id 3 \(const\): refers to itself.*`},
		{"pointer loop", func() []byte {
			b := newTestBlob()
			b.add("", kindPointer, 0, false, 2)
			b.add("", kindVolatile, 0, false, 1)
			return b.encode(le)
		}, `.*refers to itself.*`},
		{"array loop", func() []byte {
			b := newTestBlob()
			i := b.addInt("int", 4, Signed)
			b.add("", kindArray, 0, false, 0, 2, uint32(i), 1)
			return b.encode(le)
		}, `.*type id 2 \(array\): refers to itself.*`},
		{"decl tag on int", func() []byte {
			b := newTestBlob()
			i := b.addInt("int", 4, Signed)
			b.add("tag", kindDeclTag, 0, false, uint32(i), 0xffffffff)
			return b.encode(le)
		}, `.*type id 2 \(decl_tag\): target type id 1: a int can't carry a decl tag.*`},
		{"decl tag index out of range", func() []byte {
			b := newTestBlob()
			i := b.addInt("int", 4, Signed)
			b.add("s", kindStruct, 1, false, 4, b.str("m"), uint32(i), 0)
			b.add("tag", kindDeclTag, 0, false, 2, 1)
			return b.encode(le)
		}, `.*type id 3 \(decl_tag\): component index 1 is out of range.*`},
		{"decl tag with index on typedef", func() []byte {
			b := newTestBlob()
			i := b.addInt("int", 4, Signed)
			td := b.add("t", kindTypedef, 0, false, uint32(i))
			b.add("tag", kindDeclTag, 0, false, uint32(td), 0)
			return b.encode(le)
		}, `.*component index 0 is out of range.*`},
		{"type section not a multiple of 4", func() []byte {
			b := newTestBlob()
			b.addInt("int", 4, Signed)
			raw := b.encode(le)
			le.PutUint32(raw[12:], le.Uint32(raw[12:])-1)
			return raw
		}, `.*type section: length 15 is not a multiple of 4.*`},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, err := LoadSpecFromReader(bytes.NewReader(test.blob()))
			qt.Assert(t, qt.ErrorMatches(err, test.err))
		})
	}
}

func TestValidBTFEdgeCases(t *testing.T) {
	le := binary.LittleEndian

	// A struct pointing to itself is fine.
	b := newTestBlob()
	b.add("list", kindStruct, 1, false, 8, b.str("next"), 2, 0)
	b.add("", kindPointer, 0, false, 1)
	spec, err := loadRawSpec(b.encode(le), nil, nil)
	qt.Assert(t, qt.IsNil(err))
	var list *Struct
	qt.Assert(t, qt.IsNil(spec.TypeByName("list", &list)))
	qt.Assert(t, qt.Equals(list.Members[0].Type.(*Pointer).Target, Type(list)))

	// Decl tags are accepted on the declarations that can carry them.
	b = newTestBlob()
	i := b.addInt("int", 4, Signed)
	proto := b.add("", kindFuncProto, 1, false, uint32(i), b.str("x"), uint32(i))
	fn := b.add("fn", kindFunc, int(GlobalFunc), false, uint32(proto))
	b.add("tag", kindDeclTag, 0, false, uint32(fn), 0)
	b.add("tag", kindDeclTag, 0, false, uint32(fn), 0xffffffff)
	spec, err = loadRawSpec(b.encode(le), nil, nil)
	qt.Assert(t, qt.IsNil(err))
	tag, err := spec.TypeByID(4)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(tag.(*declTag).Index, 0))
	tag, err = spec.TypeByID(5)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(tag.(*declTag).Index, -1))
	qt.Assert(t, qt.Equals(tag.(*declTag).Value, "tag"))
	_, err = spec.AnyTypeByName("tag")
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
}

// TestDecodeKinds decodes one type of every kind from a hand-made blob, in
// both byte orders.
func TestDecodeKinds(t *testing.T) {
	b := newTestBlob()
	i := b.addInt("int", 4, Signed)                                   // 1
	ptr := b.add("", kindPointer, 0, false, uint32(i))                // 2
	arr := b.add("", kindArray, 0, false, 0, uint32(i), uint32(i), 3) // 3
	// A kind_flag struct with a bitfield, and a legacy one whose member
	// refers to an int of 3 bits at bit offset 2.
	var bitInt btfInt
	bitInt.SetBits(3)
	bitInt.SetOffset(2)
	legacyInt := b.add("u32", kindInt, 0, false, 4, bitInt.Raw) // 4
	b.add("bf", kindStruct, 2, true, 8,
		b.str("a"), uint32(i), 0,
		b.str("b"), uint32(i), 5<<24|32) // 5
	b.add("legacy", kindStruct, 1, false, 4, b.str("c"), uint32(legacyInt), 8)  // 6
	b.add("u", kindUnion, 1, false, 4, b.str("x"), uint32(i), 0)                // 7
	b.add("e", kindEnum, 2, true, 4, b.str("NEG"), 0xffffffff, b.str("POS"), 1) // 8
	b.add("ue", kindEnum, 1, false, 4, b.str("BIG"), 0xffffffff)                // 9
	b.add("e64", kindEnum64, 1, false, 8, b.str("HUGE"), 2, 1)                  // 10
	b.add("fwd", kindForward, 0, true, 0)                                       // 11
	b.add("td", kindTypedef, 0, false, uint32(ptr))                             // 12
	b.add("", kindVolatile, 0, false, uint32(i))                                // 13
	b.add("", kindConst, 0, false, uint32(i))                                   // 14
	b.add("", kindRestrict, 0, false, uint32(ptr))                              // 15
	proto := b.add("", kindFuncProto, 2, false, uint32(i),
		b.str("p"), uint32(arr), 0, 0) // 16
	b.add("fn", kindFunc, int(StaticFunc), false, uint32(proto))     // 17
	v := b.add("v", kindVar, 0, false, uint32(i), uint32(GlobalVar)) // 18
	b.add(".data", kindDatasec, 1, false, 4, uint32(v), 0, 4)        // 19
	b.add("double", kindFloat, 0, false, 8)                          // 20
	b.add("tt", kindTypeTag, 0, false, uint32(i))                    // 21
	b.add("dt", kindDeclTag, 0, false, uint32(v), 0xffffffff)        // 22

	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		t.Run(bo.String(), func(t *testing.T) {
			spec, err := loadRawSpec(b.encode(bo), nil, nil)
			qt.Assert(t, qt.IsNil(err))
			typ := func(id TypeID) Type {
				t.Helper()
				typ, err := spec.TypeByID(id)
				qt.Assert(t, qt.IsNil(err))
				return typ
			}

			intT := typ(1).(*Int)
			qt.Assert(t, qt.DeepEquals(intT, &Int{"int", 4, Signed}))
			qt.Assert(t, qt.Equals(typ(2).(*Pointer).Target, Type(intT)))
			a := typ(3).(*Array)
			qt.Assert(t, qt.Equals(a.Type, Type(intT)))
			qt.Assert(t, qt.Equals(a.Index, Type(intT)))
			qt.Assert(t, qt.Equals(a.Nelems, 3))
			qt.Assert(t, qt.DeepEquals(typ(4).(*Int), &Int{"u32", 4, Unsigned}))

			bf := typ(5).(*Struct)
			qt.Assert(t, qt.Equals(bf.Members[1].Offset, 32))
			qt.Assert(t, qt.Equals(bf.Members[1].BitfieldSize, 5))
			legacy := typ(6).(*Struct)
			qt.Assert(t, qt.Equals(legacy.Members[0].Offset, 10))
			qt.Assert(t, qt.Equals(legacy.Members[0].BitfieldSize, 3))
			qt.Assert(t, qt.Equals(typ(7).(*Union).Members[0].Name, "x"))

			qt.Assert(t, qt.DeepEquals(typ(8).(*Enum), &Enum{"e", 4, true, []EnumValue{{"NEG", 0xffffffffffffffff}, {"POS", 1}}}))
			qt.Assert(t, qt.DeepEquals(typ(9).(*Enum).Values, []EnumValue{{"BIG", 0xffffffff}}))
			qt.Assert(t, qt.DeepEquals(typ(10).(*Enum), &Enum{"e64", 8, false, []EnumValue{{"HUGE", 1<<32 | 2}}}))
			qt.Assert(t, qt.DeepEquals(typ(11).(*Fwd), &Fwd{"fwd", FwdUnion}))
			qt.Assert(t, qt.Equals(typ(12).(*Typedef).Type, typ(2)))
			qt.Assert(t, qt.Equals(typ(13).(*Volatile).Type, Type(intT)))
			qt.Assert(t, qt.Equals(typ(14).(*Const).Type, Type(intT)))
			qt.Assert(t, qt.Equals(typ(15).(*Restrict).Type, typ(2)))

			fp := typ(16).(*FuncProto)
			qt.Assert(t, qt.Equals(fp.Return, Type(intT)))
			qt.Assert(t, qt.HasLen(fp.Params, 2))
			qt.Assert(t, qt.Equals(fp.Params[0].Name, "p"))
			qt.Assert(t, qt.Equals(fp.Params[0].Type, typ(3)))
			qt.Assert(t, qt.Equals(fp.Params[1].Type, Type((*Void)(nil))))
			fn := typ(17).(*Func)
			qt.Assert(t, qt.Equals(fn.Type, Type(fp)))
			qt.Assert(t, qt.Equals(fn.Linkage, StaticFunc))
			vr := typ(18).(*Var)
			qt.Assert(t, qt.Equals(vr.Linkage, GlobalVar))
			ds := typ(19).(*Datasec)
			qt.Assert(t, qt.DeepEquals(ds.Vars, []VarSecinfo{{vr, 0, 4}}))
			qt.Assert(t, qt.DeepEquals(typ(20).(*Float), &Float{"double", 8}))
			tt := typ(21).(*typeTag)
			qt.Assert(t, qt.Equals(tt.Value, "tt"))
			qt.Assert(t, qt.Equals(tt.Type, Type(intT)))
			dt := typ(22).(*declTag)
			qt.Assert(t, qt.DeepEquals(dt, &declTag{vr, "dt", -1}))
		})
	}
}

func TestLegacyBitfieldTypeOrder(t *testing.T) {
	var bi btfInt
	bi.SetBits(5)
	bi.SetOffset(3)

	// The struct comes before the int its member refers to, and the same
	// int is also used outside of a struct.
	b := newTestBlob()
	b.add("s", kindStruct, 1, false, 4, b.str("m"), 3, 16) // 1
	b.add("", kindPointer, 0, false, 3)                    // 2
	b.add("u32", kindInt, 0, false, 4, bi.Raw)             // 3

	spec, err := loadRawSpec(b.encode(binary.LittleEndian), nil, nil)
	qt.Assert(t, qt.IsNil(err))
	typ, err := spec.TypeByID(1)
	qt.Assert(t, qt.IsNil(err))
	m := typ.(*Struct).Members[0]
	qt.Assert(t, qt.Equals(m.Offset, 19))
	qt.Assert(t, qt.Equals(m.BitfieldSize, 5))
	qt.Assert(t, qt.DeepEquals(m.Type, Type(&Int{"u32", 4, Unsigned})))

	ptr, err := spec.TypeByID(2)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ptr.(*Pointer).Target, m.Type))
}
