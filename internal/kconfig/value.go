package kconfig

import (
	"fmt"
	"math"
	"strconv"

	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
)

type triState int

// The values of a tristate option.
const (
	TriNo     triState = 0
	TriYes    triState = 1
	TriModule triState = 2
)

// PutValue encodes the configuration value into data, following the BTF
// type of the extern it is for: y/n/m into a bool or a libbpf_tristate enum,
// a quoted string into a char array (truncated to its length), anything else
// as an integer. It returns an error when the value does not fit the type.
func PutValue(data []byte, typ btf.Type, value string) error {
	typ = btf.UnderlyingType(typ)

	switch value {
	case "y", "n", "m":
		return putValueTri(data, typ, value)
	}
	if len(value) > 0 && value[0] == '"' {
		return putValueString(data, typ, value)
	}
	return putValueNumber(data, typ, value)
}

func putValueTri(data []byte, typ btf.Type, value string) error {
	switch v := typ.(type) {
	case *btf.Int:
		if v.Encoding != btf.Bool {
			return fmt.Errorf("cannot add tri value, expected btf.Bool, got: %v", v.Encoding)
		}
		if v.Size != 1 {
			return fmt.Errorf("cannot add tri value, expected size of 1 byte, got: %d", v.Size)
		}
		switch value {
		case "y":
			data[0] = 1
		case "n":
			data[0] = 0
		default:
			return fmt.Errorf("cannot use %q for btf.Bool", value)
		}
	case *btf.Enum:
		if v.Name != "libbpf_tristate" {
			return fmt.Errorf("cannot use enum %q, only libbpf_tristate is supported", v.Name)
		}
		if len(data) < 8 {
			return fmt.Errorf("cannot add tri value: %d bytes is too short for a libbpf_tristate", len(data))
		}
		var tri triState
		switch value {
		case "y":
			tri = TriYes
		case "m":
			tri = TriModule
		case "n":
			tri = TriNo
		}
		internal.NativeEndian.PutUint64(data, uint64(tri))
	default:
		return fmt.Errorf("cannot add tri value, expected btf.Int or btf.Enum, got: %T", v)
	}
	return nil
}

func putValueString(data []byte, typ btf.Type, value string) error {
	array, ok := typ.(*btf.Array)
	if !ok {
		return fmt.Errorf("cannot add string value, expected btf.Array, got %T", typ)
	}
	elem, ok := btf.UnderlyingType(array.Type).(*btf.Int)
	if !ok {
		return fmt.Errorf("cannot add string value, expected array of btf.Int, got %T", array.Type)
	}
	if elem.Size != 1 || elem.Encoding == btf.Bool {
		return fmt.Errorf("cannot add string value, expected array of 1-byte characters, got %v", elem)
	}
	if len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' {
		return fmt.Errorf(`cannot add string value, value must be surrounded by '"': %s`, value)
	}
	value = value[1 : len(value)-1]
	n := min(int(array.Nelems), len(value), len(data))
	copy(data[:n], value)
	return nil
}

func putValueNumber(data []byte, typ btf.Type, value string) error {
	integer, ok := typ.(*btf.Int)
	if !ok {
		return fmt.Errorf("cannot add number value, expected btf.Int, got: %T", typ)
	}
	bits := int(integer.Size) * 8
	if bits == 0 || bits > 64 {
		return fmt.Errorf("cannot add number value: unsupported integer size %d", integer.Size)
	}

	var n uint64
	var err error
	if integer.Encoding == btf.Signed {
		var parsed int64
		parsed, err = strconv.ParseInt(value, 0, bits)
		n = uint64(parsed)
	} else {
		n, err = strconv.ParseUint(value, 0, bits)
	}
	if err != nil {
		return fmt.Errorf("cannot parse value: %w", err)
	}
	return PutInteger(data, integer, n)
}

// PutInteger writes n into data in native endianness with the size of
// integer. It returns an error when data is too short, the size is not 1,
// 2, 4 or 8 bytes, or n does not fit the integer.
func PutInteger(data []byte, integer *btf.Int, n uint64) error {
	if integer.Encoding == btf.Bool && n > 1 {
		return fmt.Errorf("invalid boolean value: %d", n)
	}
	if len(data) < int(integer.Size) {
		return fmt.Errorf("can't fit an integer of size %d into a byte slice of length %d", integer.Size, len(data))
	}

	switch integer.Size {
	case 1:
		if integer.Encoding == btf.Signed && (int64(n) > math.MaxInt8 || int64(n) < math.MinInt8) {
			return fmt.Errorf("can't represent %d as a signed integer of size %d", int64(n), integer.Size)
		}
		data[0] = byte(n)
	case 2:
		if integer.Encoding == btf.Signed && (int64(n) > math.MaxInt16 || int64(n) < math.MinInt16) {
			return fmt.Errorf("can't represent %d as a signed integer of size %d", int64(n), integer.Size)
		}
		internal.NativeEndian.PutUint16(data, uint16(n))
	case 4:
		if integer.Encoding == btf.Signed && (int64(n) > math.MaxInt32 || int64(n) < math.MinInt32) {
			return fmt.Errorf("can't represent %d as a signed integer of size %d", int64(n), integer.Size)
		}
		internal.NativeEndian.PutUint32(data, uint32(n))
	case 8:
		internal.NativeEndian.PutUint64(data, n)
	default:
		return fmt.Errorf("size (%d) is not valid, expected: 1, 2, 4 or 8", integer.Size)
	}
	return nil
}
