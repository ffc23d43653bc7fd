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
	buf, _ := binary.Append(nil, bo, &hdr)
	for _, w := range b.words {
		buf = bo.(binary.AppendByteOrder).AppendUint32(buf, w)
	}
	return append(buf, b.strings...)
}
