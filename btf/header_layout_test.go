package btf

import (
	"encoding/binary"
	"testing"

	"github.com/go-quicktest/qt"
)

// layoutSection returns a layout section as pahole writes it for Linux 7.1+:
// one struct btf_layout (info_sz, elem_sz, flags) per kind up to decl tag,
// in byte order bo.
func layoutSection(bo binary.ByteOrder) []byte {
	var buf []byte
	for kind := kindUnknown; kind <= kindDeclTag; kind++ {
		info, elem := 0, 0
		switch kind {
		case kindInt, kindVar, kindDeclTag:
			info = 4
		case kindArray:
			info = 12
		case kindStruct, kindUnion:
			elem = 12
		case kindEnum, kindFuncProto, kindDatasec:
			elem = 8
			if kind == kindDatasec {
				elem = 12
			}
		}
		buf = append(buf, byte(info), byte(elem))
		buf = bo.(binary.AppendByteOrder).AppendUint16(buf, 0)
	}
	return buf
}

func layoutBlob(bo binary.ByteOrder) *testBlob {
	b := newTestBlob()
	i := b.addInt("int", 4, Signed)
	b.add("pair", kindStruct, 2, false, 8, b.str("a"), uint32(i), 0, b.str("b"), uint32(i), 32)
	b.layout = layoutSection(bo)
	return b
}

// TestBTFHeaderWithLayoutSection parses BTF whose header carries the layout
// section's offset and length (Linux 7.1+, written by a pahole that emits
// the layout section), in both byte orders: the types read the same as
// without the section.
func TestBTFHeaderWithLayoutSection(t *testing.T) {
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		t.Run(bo.String(), func(t *testing.T) {
			raw := layoutBlob(bo).encode(bo)
			qt.Assert(t, qt.Equals(bo.Uint32(raw[4:]), uint32(btfLayoutHeaderLen)))

			hdr, err := parseBTFHeader(raw, bo)
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(hdr.LayoutLen, uint32(len(layoutSection(bo)))))
			qt.Assert(t, qt.Not(qt.Equals(hdr.LayoutOff, 0)))

			spec, err := loadRawSpec(raw, nil, nil)
			qt.Assert(t, qt.IsNil(err))
			var pair *Struct
			qt.Assert(t, qt.IsNil(spec.TypeByName("pair", &pair)))
			qt.Assert(t, qt.HasLen(pair.Members, 2))
			qt.Assert(t, qt.Equals(pair.Members[1].Offset, Bits(32)))

			// The same types without the layout section decode equal.
			plain := layoutBlob(bo)
			plain.layout = nil
			want, err := loadRawSpec(plain.encode(bo), nil, nil)
			qt.Assert(t, qt.IsNil(err))
			var wantPair *Struct
			qt.Assert(t, qt.IsNil(want.TypeByName("pair", &wantPair)))
			qt.Assert(t, qt.DeepEquals(pair, wantPair))

			// An empty layout section is as good as none.
			empty := layoutBlob(bo)
			empty.layout = []byte{}
			_, err = loadRawSpec(empty.encode(bo), nil, nil)
			qt.Assert(t, qt.IsNil(err))
		})
	}
}

func TestBTFHeaderLayoutSectionMalformed(t *testing.T) {
	le := binary.LittleEndian
	for _, test := range []struct {
		name string
		blob func() []byte
		err  string
	}{
		{"layout beyond blob", func() []byte {
			raw := layoutBlob(le).encode(le)
			le.PutUint32(raw[28:], le.Uint32(raw[28:])+4)
			return raw
		}, `.*layout section .* exceeds.*`},
		{"layout offset overflow", func() []byte {
			raw := layoutBlob(le).encode(le)
			le.PutUint32(raw[24:], 0xfffffffc)
			return raw
		}, `.*layout section .* exceeds.*`},
		{"misaligned layout", func() []byte {
			raw := layoutBlob(le).encode(le)
			le.PutUint32(raw[28:], le.Uint32(raw[28:])-2)
			return raw
		}, `.*layout section .* not a whole number.*`},
		{"non-zero byte past the layout fields", func() []byte {
			raw := layoutBlob(le).encode(le)
			le.PutUint32(raw[4:], 36)
			return append(raw[:32:32], append([]byte{0, 1, 0, 0}, raw[32:]...)...)
		}, `.*non-zero byte at offset 33.*`},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, err := loadRawSpec(test.blob(), nil, nil)
			qt.Assert(t, qt.ErrorMatches(err, test.err))
		})
	}
}
