package btf

import (
	"encoding/binary"
	"fmt"
)

// This file mirrors the wire format of BTF as declared in
// include/uapi/linux/btf.h. The structs are plain data: the decoder reads
// them straight out of the raw bytes, the marshaler writes them.

const btfMagic = 0xeB9F

// btfHeaderLen is the size of the classic struct btf_header, the smallest
// valid hdr_len and the header the marshaler writes.
const btfHeaderLen = 24

// btfLayoutHeaderLen is the size of struct btf_header since Linux 7.1, which
// appends the offset and length of the layout section to the classic header.
const btfLayoutHeaderLen = 32

// btfLayoutLen is the size of struct btf_layout, one entry of the layout
// section: the sizes of what follows the btf_type header of one kind.
const btfLayoutLen = 4

// maxTypeID is BTF_MAX_TYPE, the largest type ID the kernel accepts.
const maxTypeID = 0x000fffff

// btfHeader is struct btf_header. Offsets are relative to the end of the
// header (HdrLen). LayoutOff and LayoutLen are only present in headers of at
// least btfLayoutHeaderLen bytes; they are zero otherwise. The library
// checks the layout section's bounds and otherwise ignores it: it knows the
// layout of every kind it decodes.
type btfHeader struct {
	Magic     uint16
	Version   uint8
	Flags     uint8
	HdrLen    uint32
	TypeOff   uint32
	TypeLen   uint32
	StringOff uint32
	StringLen uint32
	LayoutOff uint32
	LayoutLen uint32
}

// btfKind is the kind of a btf_type, bits 24-28 of its info field.
type btfKind uint8

// Equivalent of enum btf_kind.
const (
	kindUnknown btfKind = iota
	kindInt
	kindPointer
	kindArray
	kindStruct
	kindUnion
	kindEnum
	kindForward
	kindTypedef
	kindVolatile
	kindConst
	kindRestrict
	kindFunc
	kindFuncProto
	kindVar
	kindDatasec
	kindFloat
	kindDeclTag
	kindTypeTag
	kindEnum64

	maxKind = kindEnum64
)

var kindNames = [...]string{
	kindUnknown:   "unknown",
	kindInt:       "int",
	kindPointer:   "ptr",
	kindArray:     "array",
	kindStruct:    "struct",
	kindUnion:     "union",
	kindEnum:      "enum",
	kindForward:   "fwd",
	kindTypedef:   "typedef",
	kindVolatile:  "volatile",
	kindConst:     "const",
	kindRestrict:  "restrict",
	kindFunc:      "func",
	kindFuncProto: "func_proto",
	kindVar:       "var",
	kindDatasec:   "datasec",
	kindFloat:     "float",
	kindDeclTag:   "decl_tag",
	kindTypeTag:   "type_tag",
	kindEnum64:    "enum64",
}

// String returns the name the kernel uses for the kind, for example
// "func_proto", or "kind(n)" for an unknown value.
func (k btfKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Bit layout of btf_type.info.
const (
	btfTypeVlenMask     = 0xffff
	btfTypeKindShift    = 24
	btfTypeKindMask     = 0x1f
	btfTypeKindFlagBit  = 31
	btfTypeKindFlagMask = 1 << btfTypeKindFlagBit
)

// btfType is struct btf_type, the 12 bytes that start every type. SizeType is
// the size for int, enum, struct, union, datasec and float, and a type ID for
// the other kinds.
type btfType struct {
	NameOff  uint32
	Info     uint32
	SizeType uint32
}

// btfTypeLen is the size of struct btf_type.
const btfTypeLen = 12

func (bt btfType) Kind() btfKind {
	return btfKind((bt.Info >> btfTypeKindShift) & btfTypeKindMask)
}

func (bt *btfType) SetKind(kind btfKind) {
	bt.Info &^= btfTypeKindMask << btfTypeKindShift
	bt.Info |= (uint32(kind) & btfTypeKindMask) << btfTypeKindShift
}

func (bt btfType) Vlen() int {
	return int(bt.Info & btfTypeVlenMask)
}

func (bt *btfType) SetVlen(vlen int) {
	bt.Info &^= btfTypeVlenMask
	bt.Info |= uint32(vlen) & btfTypeVlenMask
}

func (bt btfType) KindFlag() bool {
	return bt.Info&btfTypeKindFlagMask != 0
}

func (bt *btfType) SetKindFlag(set bool) {
	if set {
		bt.Info |= btfTypeKindFlagMask
	} else {
		bt.Info &^= btfTypeKindFlagMask
	}
}

// Linkage of a func is stored in vlen.
func (bt btfType) Linkage() FuncLinkage            { return FuncLinkage(bt.Vlen()) }
func (bt *btfType) SetLinkage(linkage FuncLinkage) { bt.SetVlen(int(linkage)) }

func (bt btfType) Size() uint32         { return bt.SizeType }
func (bt *btfType) SetSize(size uint32) { bt.SizeType = size }
func (bt btfType) Type() TypeID         { return TypeID(bt.SizeType) }
func (bt *btfType) SetType(id TypeID)   { bt.SizeType = uint32(id) }

// btfInt is the u32 that follows an int: encoding in bits 24-27, bit offset
// in bits 16-23, number of bits in bits 0-7.
type btfInt struct {
	Raw uint32
}

const (
	btfIntEncodingShift = 24
	btfIntEncodingMask  = 0x0f
	btfIntOffsetShift   = 16
	btfIntOffsetMask    = 0xff
	btfIntBitsMask      = 0xff
)

func (bi btfInt) Encoding() IntEncoding {
	return IntEncoding((bi.Raw >> btfIntEncodingShift) & btfIntEncodingMask)
}

func (bi btfInt) Offset() Bits { return Bits((bi.Raw >> btfIntOffsetShift) & btfIntOffsetMask) }
func (bi btfInt) Bits() Bits   { return Bits(bi.Raw & btfIntBitsMask) }

func (bi *btfInt) SetEncoding(e IntEncoding) {
	bi.Raw &^= btfIntEncodingMask << btfIntEncodingShift
	bi.Raw |= (uint32(e) & btfIntEncodingMask) << btfIntEncodingShift
}

func (bi *btfInt) SetOffset(offset Bits) {
	bi.Raw &^= btfIntOffsetMask << btfIntOffsetShift
	bi.Raw |= (uint32(offset) & btfIntOffsetMask) << btfIntOffsetShift
}

func (bi *btfInt) SetBits(bits Bits) {
	bi.Raw &^= btfIntBitsMask
	bi.Raw |= uint32(bits) & btfIntBitsMask
}

// btfArray is struct btf_array.
type btfArray struct {
	Type      TypeID
	IndexType TypeID
	Nelems    uint32
}

// btfMember is struct btf_member. With the kind_flag of the struct set,
// Offset holds the bit offset in bits 0-23 and the bitfield size in bits
// 24-31; without it, Offset is the bit offset.
type btfMember struct {
	NameOff uint32
	Type    TypeID
	Offset  uint32
}

const (
	btfMemberBitfieldShift = 24
	btfMemberOffsetMask    = 0x00ffffff
)

// btfEnum is struct btf_enum.
type btfEnum struct {
	NameOff uint32
	Val     uint32
}

// btfEnum64 is struct btf_enum64.
type btfEnum64 struct {
	NameOff uint32
	ValLo32 uint32
	ValHi32 uint32
}

// btfParam is struct btf_param.
type btfParam struct {
	NameOff uint32
	Type    TypeID
}

// btfVariable is struct btf_var.
type btfVariable struct {
	Linkage uint32
}

// btfVarSecinfo is struct btf_var_secinfo.
type btfVarSecinfo struct {
	Type   TypeID
	Offset uint32
	Size   uint32
}

// btfDeclTag is struct btf_decl_tag.
type btfDeclTag struct {
	ComponentIdx uint32
}

// Sizes of the records that follow a btf_type on the wire.
const (
	btfIntLen        = 4
	btfArrayLen      = 12
	btfMemberLen     = 12
	btfEnumLen       = 8
	btfEnum64Len     = 12
	btfParamLen      = 8
	btfVariableLen   = 4
	btfVarSecinfoLen = 12
	btfDeclTagLen    = 4
)

// trailerLen returns the number of bytes that follow the btf_type header of
// a type of the given kind and vlen, or -1 for an unknown kind.
func trailerLen(kind btfKind, vlen int) int {
	switch kind {
	case kindInt:
		return btfIntLen
	case kindPointer, kindForward, kindTypedef, kindVolatile, kindConst,
		kindRestrict, kindFunc, kindFloat, kindTypeTag:
		return 0
	case kindArray:
		return btfArrayLen
	case kindStruct, kindUnion:
		return vlen * btfMemberLen
	case kindEnum:
		return vlen * btfEnumLen
	case kindEnum64:
		return vlen * btfEnum64Len
	case kindFuncProto:
		return vlen * btfParamLen
	case kindVar:
		return btfVariableLen
	case kindDatasec:
		return vlen * btfVarSecinfoLen
	case kindDeclTag:
		return btfDeclTagLen
	default:
		return -1
	}
}

// parseBTFHeader decodes and validates the header at the start of raw in
// byte order bo. It checks magic, version, flags and that every section lies
// within raw: types, strings and, in a header long enough to name it, the
// layout section.
func parseBTFHeader(raw []byte, bo binary.ByteOrder) (*btfHeader, error) {
	hdrLen, err := parseBTFPreamble(raw, bo, btfHeaderLen, "BTF", "blob")
	if err != nil {
		return nil, err
	}

	hdr := &btfHeader{
		Magic:     btfMagic,
		Version:   1,
		HdrLen:    hdrLen,
		TypeOff:   bo.Uint32(raw[8:]),
		TypeLen:   bo.Uint32(raw[12:]),
		StringOff: bo.Uint32(raw[16:]),
		StringLen: bo.Uint32(raw[20:]),
	}

	known := uint32(btfHeaderLen)
	if hdr.HdrLen >= btfLayoutHeaderLen {
		hdr.LayoutOff = bo.Uint32(raw[24:])
		hdr.LayoutLen = bo.Uint32(raw[28:])
		known = btfLayoutHeaderLen
	}
	for i, b := range raw[known:hdr.HdrLen] {
		if b != 0 {
			return nil, fmt.Errorf("header: unsupported non-zero byte at offset %d", int(known)+i)
		}
	}

	body := uint64(len(raw)) - uint64(hdr.HdrLen)
	if uint64(hdr.TypeOff)+uint64(hdr.TypeLen) > body {
		return nil, fmt.Errorf("header: type section (offset %d, length %d) exceeds the %d bytes after the header",
			hdr.TypeOff, hdr.TypeLen, body)
	}
	if uint64(hdr.StringOff)+uint64(hdr.StringLen) > body {
		return nil, fmt.Errorf("header: string section (offset %d, length %d) exceeds the %d bytes after the header",
			hdr.StringOff, hdr.StringLen, body)
	}
	if uint64(hdr.LayoutOff)+uint64(hdr.LayoutLen) > body {
		return nil, fmt.Errorf("header: layout section (offset %d, length %d) exceeds the %d bytes after the header",
			hdr.LayoutOff, hdr.LayoutLen, body)
	}
	if hdr.LayoutOff%4 != 0 || hdr.LayoutLen%btfLayoutLen != 0 {
		return nil, fmt.Errorf("header: layout section (offset %d, length %d) is not a whole number of aligned %d-byte entries",
			hdr.LayoutOff, hdr.LayoutLen, btfLayoutLen)
	}

	return hdr, nil
}

// parseBTFPreamble checks the fields struct btf_header and struct
// btf_ext_header both start with: the BTF magic in byte order bo, version 1,
// no flags, and a header length of at least minLen that fits in data. name
// says which header it is ("BTF", ".BTF.ext") and container what data is
// ("blob", "section"), for the errors.
//
// It returns the header length, or an error starting with "header: ".
func parseBTFPreamble(data []byte, bo binary.ByteOrder, minLen uint32, name, container string) (uint32, error) {
	if uint64(len(data)) < uint64(minLen) {
		return 0, fmt.Errorf("header: %d bytes is too short for a %s header", len(data), name)
	}

	magic, version, flags, hdrLen := bo.Uint16(data[0:]), data[2], data[3], bo.Uint32(data[4:])
	switch {
	case magic != btfMagic:
		return 0, fmt.Errorf("header: magic %#04x is not %#04x", magic, btfMagic)
	case version != 1:
		return 0, fmt.Errorf("header: unsupported version %d", version)
	case flags != 0:
		return 0, fmt.Errorf("header: unsupported flags %#x", flags)
	case hdrLen < minLen:
		return 0, fmt.Errorf("header: length %d is shorter than %d", hdrLen, minLen)
	case uint64(hdrLen) > uint64(len(data)):
		return 0, fmt.Errorf("header: length %d exceeds the %d bytes of the %s", hdrLen, len(data), container)
	}
	return hdrLen, nil
}

// guessRawBTFByteOrder returns the byte order in which the first two bytes of
// raw are the BTF magic, or nil if they are not in either order.
func guessRawBTFByteOrder(raw []byte) binary.ByteOrder {
	if len(raw) < 2 {
		return nil
	}
	switch {
	case binary.LittleEndian.Uint16(raw) == btfMagic:
		return binary.LittleEndian
	case binary.BigEndian.Uint16(raw) == btfMagic:
		return binary.BigEndian
	default:
		return nil
	}
}
