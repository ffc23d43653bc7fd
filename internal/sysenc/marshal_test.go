package sysenc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"regexp"
	"testing"
	"unsafe"

	"github.com/go-quicktest/qt"
	"github.com/google/go-cmp/cmp"

	"github.com/bpfcore/ebpf/internal"
)

type explicitPad struct {
	A uint32
	_ [4]byte
	B uint64
}

type padded struct {
	A uint32
	B uint64
}

type trailingPad struct {
	A uint64
	B uint32
}

type unexported struct {
	a uint32
}

type withPointer struct {
	P *uint64
}

type nested struct {
	E explicitPad
	N [4]uint16
}

type marshalCase struct {
	value     any
	zeroCopy  bool
	unmarshal any // fresh target for Unmarshal, nil to skip
}

func marshalCases() []marshalCase {
	return []marshalCase{
		{value: uint16(0x1234)},
		{value: int32(-2)},
		{value: uint64(1 << 40)},
		{value: new(uint32), zeroCopy: true, unmarshal: new(uint32)},
		{value: &[4]uint64{1, 2, 3, 4}, zeroCopy: true, unmarshal: new([4]uint64)},
		{value: []byte{1, 2, 3}, zeroCopy: true, unmarshal: new([]byte)},
		{value: &explicitPad{A: 1, B: 2}, zeroCopy: true, unmarshal: new(explicitPad)},
		{value: []explicitPad{{A: 1}, {B: 2}}, zeroCopy: true, unmarshal: make([]explicitPad, 2)},
		{value: &nested{N: [4]uint16{1, 2, 3, 4}}, zeroCopy: true, unmarshal: new(nested)},
		{value: &padded{A: 1, B: 2}, unmarshal: new(padded)},
		{value: []padded{{A: 1}, {B: 2}}, unmarshal: make([]padded, 2)},
		{value: &trailingPad{A: 1, B: 2}, unmarshal: new(trailingPad)},
		{value: [2]uint32{5, 6}, unmarshal: new([2]uint32)},
	}
}

func binaryWrite(tb testing.TB, value any) []byte {
	tb.Helper()
	var buf bytes.Buffer
	qt.Assert(tb, qt.IsNil(binary.Write(&buf, internal.NativeEndian, value)))
	return buf.Bytes()
}

func TestMarshal(t *testing.T) {
	for _, tc := range marshalCases() {
		t.Run(fmt.Sprintf("%T", tc.value), func(t *testing.T) {
			want := binaryWrite(t, tc.value)

			buf, err := Marshal(tc.value, len(want))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.DeepEquals(buf.AppendTo(nil), want))

			got := make([]byte, len(want))
			qt.Assert(t, qt.Equals(buf.CopyTo(got), len(want)))
			qt.Assert(t, qt.DeepEquals(got, want))

			if kind := reflect.TypeOf(tc.value).Kind(); kind == reflect.Pointer || kind == reflect.Slice {
				aliases := buf.Pointer().Unsafe() == reflect.ValueOf(tc.value).UnsafePointer()
				qt.Assert(t, qt.Equals(aliases, tc.zeroCopy), qt.Commentf("zero-copy"))
			}

			_, err = Marshal(tc.value, len(want)+1)
			qt.Assert(t, qt.ErrorMatches(err, regexp.QuoteMeta(fmt.Sprintf("%T doesn't marshal to %d bytes", tc.value, len(want)+1))))
		})
	}
}

func TestMarshalSpecialCases(t *testing.T) {
	buf, err := Marshal("abc", 3)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(buf.AppendTo(nil), []byte("abc")))

	_, err = Marshal(nil, 0)
	qt.Assert(t, qt.IsNotNil(err))

	_, err = Marshal(withPointer{}, 8)
	qt.Assert(t, qt.ErrorMatches(err, `marshal sysenc.withPointer: .*`))

	_, err = Marshal((*uint32)(nil), 4)
	qt.Assert(t, qt.ErrorMatches(err, `can't marshal nil \*uint32`))
	_, err = Marshal((*padded)(nil), 12)
	qt.Assert(t, qt.IsNotNil(err))
	qt.Assert(t, qt.ErrorMatches(Unmarshal((*padded)(nil), make([]byte, 12)), `can't unmarshal into nil \*sysenc.padded`))
	qt.Assert(t, qt.IsNotNil(Unmarshal(nil, nil)))

	buf, err = Marshal(binaryMarshaler("xy"), 2)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(buf.AppendTo(nil), []byte("xy")))
}

type binaryMarshaler string

func (bm binaryMarshaler) MarshalBinary() ([]byte, error) { return []byte(bm), nil }

type binaryUnmarshaler struct{ got []byte }

func (bu *binaryUnmarshaler) UnmarshalBinary(buf []byte) error {
	bu.got = append(bu.got[:0], buf...)
	return nil
}

func TestUnmarshal(t *testing.T) {
	for _, tc := range marshalCases() {
		if tc.unmarshal == nil {
			continue
		}
		t.Run(fmt.Sprintf("%T", tc.value), func(t *testing.T) {
			raw := binaryWrite(t, tc.value)
			qt.Assert(t, qt.IsNil(Unmarshal(tc.unmarshal, raw)))

			want := reflect.New(reflect.TypeOf(tc.unmarshal).Elem())
			if reflect.TypeOf(tc.unmarshal).Kind() == reflect.Slice {
				want = reflect.New(reflect.TypeOf(tc.unmarshal))
				want.Elem().Set(reflect.MakeSlice(reflect.TypeOf(tc.unmarshal), reflect.ValueOf(tc.unmarshal).Len(), reflect.ValueOf(tc.unmarshal).Len()))
				qt.Assert(t, qt.IsNil(binary.Read(bytes.NewReader(raw), internal.NativeEndian, want.Elem().Interface())))
				qt.Assert(t, qt.CmpEquals(tc.unmarshal, want.Elem().Interface(), cmp.AllowUnexported(explicitPad{})))
				return
			}
			if _, ok := tc.unmarshal.(*[]byte); ok {
				qt.Assert(t, qt.DeepEquals(*tc.unmarshal.(*[]byte), raw))
				return
			}
			qt.Assert(t, qt.IsNil(binary.Read(bytes.NewReader(raw), internal.NativeEndian, want.Interface())))
			qt.Assert(t, qt.CmpEquals(tc.unmarshal, want.Interface(), cmp.AllowUnexported(explicitPad{}, nested{})))
		})
	}
}

func TestUnmarshalSpecialCases(t *testing.T) {
	var s string
	qt.Assert(t, qt.IsNil(Unmarshal(&s, []byte("hi"))))
	qt.Assert(t, qt.Equals(s, "hi"))

	raw := []byte{1, 2}
	var b []byte
	qt.Assert(t, qt.IsNil(Unmarshal(&b, raw)))
	raw[0] = 9
	qt.Assert(t, qt.DeepEquals(b, []byte{1, 2}), qt.Commentf("*[]byte receives a copy"))

	var bu binaryUnmarshaler
	qt.Assert(t, qt.IsNil(Unmarshal(&bu, []byte("xyz"))))
	qt.Assert(t, qt.DeepEquals(bu.got, []byte("xyz")))

	// All bytes must be consumed.
	var u16 uint16
	qt.Assert(t, qt.ErrorMatches(Unmarshal(&u16, make([]byte, 4)), `unmarshal 4 bytes into \*uint16: .*`))
	var u64 uint64
	qt.Assert(t, qt.IsNotNil(Unmarshal(&u64, make([]byte, 4))))
	var p padded
	qt.Assert(t, qt.IsNotNil(Unmarshal(&p, make([]byte, 11))))
}

func TestUnsafeBackingMemory(t *testing.T) {
	u32 := uint32(1)
	slice := []uint32{1, 2}
	for _, tc := range []struct {
		name string
		data any
		ok   bool
	}{
		{"slice", []byte{1}, true},
		{"pointer to slice", &slice, true},
		{"pointer to array", &[2]uint64{}, true},
		{"pointer to int", &u32, true},
		{"pointer to packed struct", &struct{ A, B uint32 }{}, true},
		{"explicit padding", &explicitPad{}, true},
		{"nil", nil, false},
		{"nil pointer", (*uint32)(nil), false},
		{"nil slice", []uint32(nil), false},
		{"empty slice", []uint32{}, false},
		{"value", u32, false},
		{"unexported field", &unexported{}, false},
		{"pointer field", &withPointer{}, false},
		{"trailing padding", &trailingPad{}, false},
		{"interspersed padding", &padded{}, false},
		{"padded slice elements", []trailingPad{{}}, false},
		{"padded array elements", &[2]padded{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := unsafeBackingMemory(tc.data)
			qt.Assert(t, qt.Equals(mem != nil, tc.ok))
		})
	}
}

func TestHasUnexportedFields(t *testing.T) {
	type recursive struct {
		Next *recursive
		x    int
	}
	for _, tc := range []struct {
		value any
		want  bool
	}{
		{uint32(0), false},
		{explicitPad{}, false},
		{struct{ _ uint32 }{}, false},
		{struct{ A struct{ _, B uint8 } }{}, false},
		{unexported{}, true},
		{&unexported{}, true},
		{[]unexported{}, true},
		{[2]unexported{}, true},
		{struct{ A []*unexported }{}, true},
		{struct{ A, b uint8 }{}, true},
		{recursive{}, true},
	} {
		typ := reflect.TypeOf(tc.value)
		qt.Assert(t, qt.Equals(hasUnexportedFields(typ), tc.want), qt.Commentf("%v", typ))
		qt.Assert(t, qt.Equals(hasUnexportedFields(typ), tc.want), qt.Commentf("%v (cached)", typ))
	}
}

func TestBuffers(t *testing.T) {
	var zero Buffer
	qt.Assert(t, qt.Equals(zero.CopyTo(make([]byte, 4)), 0))
	qt.Assert(t, qt.IsTrue(zero.Pointer().IsNil()))
	qt.Assert(t, qt.IsNotNil(zero.Unmarshal(new(uint16))))

	x := uint64(1)
	ub := UnsafeBuffer(unsafe.Pointer(&x))
	qt.Assert(t, qt.Equals(ub.CopyTo(make([]byte, 8)), 0))
	qt.Assert(t, qt.HasLen(ub.AppendTo(nil), 0))
	qt.Assert(t, qt.Equals(ub.Pointer().Unsafe(), unsafe.Pointer(&x)))
	qt.Assert(t, qt.IsNil(ub.Unmarshal(new(uint16))))
}

func TestSyscallOutput(t *testing.T) {
	var direct uint64
	buf := SyscallOutput(&direct, 8)
	qt.Assert(t, qt.Equals(buf.Pointer().Unsafe(), unsafe.Pointer(&direct)))
	*(*uint64)(buf.Pointer().Unsafe()) = 42
	qt.Assert(t, qt.IsNil(buf.Unmarshal(&direct)))
	qt.Assert(t, qt.Equals(direct, 42))

	var indirect padded
	size := binary.Size(indirect)
	buf = SyscallOutput(&indirect, size)
	qt.Assert(t, qt.Not(qt.Equals(buf.Pointer().Unsafe(), unsafe.Pointer(&indirect))))
	out := unsafe.Slice((*byte)(buf.Pointer().Unsafe()), size)
	copy(out, binaryWrite(t, padded{A: 1, B: 2}))
	qt.Assert(t, qt.IsNil(buf.Unmarshal(&indirect)))
	qt.Assert(t, qt.Equals(indirect, padded{A: 1, B: 2}))
}

func TestZeroCopyAllocations(t *testing.T) {
	u32 := new(uint32)
	arr := new([4]uint64)
	raw := make([]byte, 16)
	pad := new(explicitPad)
	for _, data := range []any{u32, arr, raw, pad} {
		size := binary.Size(data)
		qt.Assert(t, qt.Equals(testing.AllocsPerRun(10, func() { _, _ = Marshal(data, size) }), 0.0), qt.Commentf("marshal %T", data))
		in := make([]byte, size)
		qt.Assert(t, qt.Equals(testing.AllocsPerRun(10, func() { _ = Unmarshal(data, in) }), 0.0), qt.Commentf("unmarshal %T", data))
	}
}
