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
