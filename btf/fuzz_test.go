package btf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
)

func FuzzLoadSpec(f *testing.F) {
	b := newTestBlob()
	i := b.addInt("int", 4, Signed)
	ptr := b.add("", kindPointer, 0, false, uint32(i))
	b.add("s", kindStruct, 2, true, 16, b.str("a"), uint32(i), 0, b.str("b"), uint32(ptr), 3<<24|64)
	b.add("td", kindTypedef, 0, false, uint32(ptr))
	b.add("e", kindEnum, 1, true, 4, b.str("A"), 0xffffffff)
	proto := b.add("", kindFuncProto, 1, false, uint32(i), b.str("x"), uint32(i))
	fn := b.add("fn", kindFunc, 1, false, uint32(proto))
	b.add("tag", kindDeclTag, 0, false, uint32(fn), 0)
	f.Add(b.encode(binary.LittleEndian))
	f.Add(b.encode(binary.BigEndian))
	f.Add([]byte{0x9f, 0xeb, 1, 0})

	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) < 4 || !bytes.Equal(raw[:2], []byte{0x9f, 0xeb}) && !bytes.Equal(raw[:2], []byte{0xeb, 0x9f}) {
			// Don't waste time on inputs that can't get past the magic.
			t.Skip()
		}

		spec, err := LoadSpecFromReader(bytes.NewReader(raw))
		if err != nil {
			if spec != nil {
				t.Fatal("spec and error")
			}
			return
		}

		for iter := spec.Iterate(); iter.Next(); {
			typ := iter.Type
			_ = fmt.Sprintf("%+10v", typ)
			if _, err := spec.TypeID(typ); err != nil {
				t.Fatal("decoded type has no ID:", err)
			}
			_, _ = Sizeof(typ)
			_ = UnderlyingType(typ)
			if name := typ.TypeName(); name != "" {
				if _, err := spec.AnyTypesByName(name); err != nil {
					t.Fatalf("type %s not found by name: %s", typ, err)
				}
			}
		}
		_ = spec.Copy()
	})
}

// FuzzLoadSplitSpec parses split BTF on top of a small base: type IDs and
// string offsets below the split blob's own refer into the base.
func FuzzLoadSplitSpec(f *testing.F) {
	b := newTestBlob()
	i := b.addInt("int", 4, Signed)
	ptr := b.add("", kindPointer, 0, false, uint32(i))
	b.add("s", kindStruct, 2, true, 16, b.str("a"), uint32(i), 0, b.str("b"), uint32(ptr), 3<<24|64)
	base, err := loadRawSpec(b.encode(binary.LittleEndian), nil, nil)
	if err != nil {
		f.Fatal(err)
	}

	// Split strings start where the base's end.
	split := &testBlob{nextID: b.nextID}
	str := func(s string) uint32 {
		off := uint32(len(b.strings) + len(split.strings))
		split.strings = append(append(split.strings, s...), 0)
		return off
	}
	td := split.add("", kindTypedef, 0, false, 3)
	split.words[0] = str("td")
	split.add("", kindPointer, 0, false, uint32(td))
	split.add("", kindStruct, 1, false, 8, str("m"), uint32(i), 0)
	seed := split.encode(binary.LittleEndian)
	if _, err := LoadSplitSpecFromReader(bytes.NewReader(seed), base); err != nil {
		f.Fatal("seed:", err)
	}
	f.Add(seed)

	f.Fuzz(func(t *testing.T, raw []byte) {
		spec, err := LoadSplitSpecFromReader(bytes.NewReader(raw), base.Copy())
		if err != nil {
			if spec != nil {
				t.Fatal("spec and error")
			}
			return
		}

		for iter := spec.Iterate(); iter.Next(); {
			typ := iter.Type
			_ = fmt.Sprintf("%+10v", typ)
			if _, err := spec.TypeID(typ); err != nil {
				t.Fatal("decoded type has no ID:", err)
			}
			_, _ = Sizeof(typ)
			if name := typ.TypeName(); name != "" {
				if _, err := spec.AnyTypesByName(name); err != nil {
					t.Fatalf("type %s not found by name: %s", typ, err)
				}
			}
		}
		_ = spec.Copy()
	})
}
