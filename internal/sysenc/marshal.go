package sysenc

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/bpfcore/ebpf/internal"
)

// Marshal encodes data into exactly size bytes for the kernel.
//
//   - encoding.BinaryMarshaler: the output of MarshalBinary;
//   - string and []byte: their bytes, without copying;
//   - int16, uint16, int32, uint32, int64, uint64: native byte order;
//   - pointers to and slices of values whose memory has the layout
//     encoding/binary would produce (no padding, no pointers, no unexported
//     fields other than _): their memory, without copying;
//   - anything else: encoding/binary in native byte order.
//
// It returns an error naming the Go type if data does not encode, or does
// not encode to size bytes.
func Marshal(data any, size int) (Buffer, error) {
	if data == nil {
		return Buffer{}, errors.New("can't marshal a nil value")
	}

	var buf []byte
	var err error
	switch value := data.(type) {
	case encoding.BinaryMarshaler:
		buf, err = value.MarshalBinary()
	case string:
		buf = unsafe.Slice(unsafe.StringData(value), len(value))
	case []byte:
		buf = value
	case int16:
		buf = internal.NativeEndian.AppendUint16(make([]byte, 0, 2), uint16(value))
	case uint16:
		buf = internal.NativeEndian.AppendUint16(make([]byte, 0, 2), value)
	case int32:
		buf = internal.NativeEndian.AppendUint32(make([]byte, 0, 4), uint32(value))
	case uint32:
		buf = internal.NativeEndian.AppendUint32(make([]byte, 0, 4), value)
	case int64:
		buf = internal.NativeEndian.AppendUint64(make([]byte, 0, 8), uint64(value))
	case uint64:
		buf = internal.NativeEndian.AppendUint64(make([]byte, 0, 8), value)
	default:
		if mem := unsafeBackingMemory(data); len(mem) == size {
			return newBuffer(mem), nil
		}
		if isNilPointer(data) {
			return Buffer{}, fmt.Errorf("can't marshal nil %T", data)
		}
		wr := bytes.NewBuffer(make([]byte, 0, size))
		err = binary.Write(wr, internal.NativeEndian, value)
		buf = wr.Bytes()
	}
	if err != nil {
		return Buffer{}, fmt.Errorf("marshal %T: %w", data, err)
	}
	if len(buf) != size {
		return Buffer{}, fmt.Errorf("%T doesn't marshal to %d bytes", data, size)
	}
	return newBuffer(buf), nil
}

// Unmarshal decodes buf, as written by the kernel, into data.
//
//   - encoding.BinaryUnmarshaler: UnmarshalBinary(buf);
//   - *string: the bytes as a string;
//   - *[]byte: replaced by a copy of buf;
//   - pointers to and slices of layout-compatible values (see Marshal) of
//     len(buf) bytes: buf is copied into their memory;
//   - anything else: encoding/binary in native byte order, which must
//     consume all of buf.
//
// It returns an error naming the Go type if decoding fails or leaves bytes
// over.
func Unmarshal(data interface{}, buf []byte) error {
	if data == nil {
		return errors.New("can't unmarshal into a nil value")
	}

	switch value := data.(type) {
	case encoding.BinaryUnmarshaler:
		return value.UnmarshalBinary(buf)
	case *string:
		*value = string(buf)
		return nil
	case *[]byte:
		*value = make([]byte, len(buf))
		copy(*value, buf)
		return nil
	case []byte:
		if len(value) == len(buf) {
			copy(value, buf)
			return nil
		}
	}

	if mem := unsafeBackingMemory(data); len(mem) == len(buf) && mem != nil {
		copy(mem, buf)
		return nil
	}

	if isNilPointer(data) {
		return fmt.Errorf("can't unmarshal into nil %T", data)
	}

	rd := bytes.NewReader(buf)
	if err := binary.Read(rd, internal.NativeEndian, data); err != nil {
		return fmt.Errorf("unmarshal %d bytes into %T: %w", len(buf), data, err)
	}
	if rd.Len() != 0 {
		return fmt.Errorf("unmarshal %d bytes into %T: %d bytes left over", len(buf), data, rd.Len())
	}
	return nil
}

// isNilPointer reports whether data is a nil pointer, which encoding/binary
// would dereference and panic on.
func isNilPointer(data any) bool {
	value := reflect.ValueOf(data)
	return value.Kind() == reflect.Pointer && value.IsNil()
}
