package btf

import (
	"encoding/binary"
)

// testBlob assembles raw BTF word by word, so tests can describe exactly
// the (possibly malformed) bytes they want to parse.
type testBlob struct {
	words   []uint32
	strings []byte
	nextID  TypeID
	// layout, if not nil, is the layout section: encode then writes the
	// 32-byte header of Linux 7.1+ and puts layout after the strings.
	layout []byte
}

func newTestBlob() *testBlob {
	return &testBlob{strings: []byte{0}, nextID: 1}
}

// str adds s to the string table and returns its offset.
func (b *testBlob) str(s string) uint32 {
	if s == "" {
		return 0
	}
	off := uint32(len(b.strings))
	b.strings = append(append(b.strings, s...), 0)
	return off
}

// add appends a type and returns its ID.
func (b *testBlob) add(name string, kind btfKind, vlen int, kindFlag bool, sizeType uint32, trailer ...uint32) TypeID {
	var hdr btfType
	hdr.NameOff = b.str(name)
	hdr.SetKind(kind)
	hdr.SetVlen(vlen)
	hdr.SetKindFlag(kindFlag)
	hdr.SizeType = sizeType
	b.words = append(b.words, hdr.NameOff, hdr.Info, hdr.SizeType)
	b.words = append(b.words, trailer...)
	id := b.nextID
	b.nextID++
	return id
}

func (b *testBlob) addInt(name string, size uint32, enc IntEncoding) TypeID {
	var bi btfInt
	bi.SetEncoding(enc)
	bi.SetBits(Bits(size * 8))
	return b.add(name, kindInt, 0, false, size, bi.Raw)
}

// encode returns the blob in byte order bo.
func (b *testBlob) encode(bo binary.ByteOrder) []byte {
	typeLen := uint32(len(b.words) * 4)
	hdr := btfHeader{
		Magic:     btfMagic,
		Version:   1,
		HdrLen:    btfHeaderLen,
		TypeOff:   0,
		TypeLen:   typeLen,
		StringOff: typeLen,
		StringLen: uint32(len(b.strings)),
	}
	var pad []byte
	if b.layout != nil {
		hdr.HdrLen = btfLayoutHeaderLen
		pad = make([]byte, (4-len(b.strings)%4)%4)
		hdr.LayoutOff = hdr.StringOff + hdr.StringLen + uint32(len(pad))
		hdr.LayoutLen = uint32(len(b.layout))
	}
	buf, _ := binary.Append(nil, bo, &hdr)
	buf = buf[:hdr.HdrLen]
	for _, w := range b.words {
		buf = bo.(binary.AppendByteOrder).AppendUint32(buf, w)
	}
	buf = append(buf, b.strings...)
	if b.layout != nil {
		buf = append(append(buf, pad...), b.layout...)
	}
	return buf
}
