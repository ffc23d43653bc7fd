package ebpf

import (
	"bytes"
	"encoding/binary"
	"testing"
	"unsafe"

	"github.com/go-quicktest/qt"
	"github.com/google/go-cmp/cmp"

	"github.com/bpfcore/ebpf/internal"
)

// Structs used as keys and values.
type (
	// packed has no padding: its memory is its wire format.
	packed struct {
		A uint32
		B uint16
		C uint16
	}
	// explicitPadding spells its padding out, so it is zero-copy too.
	explicitPadding struct {
		A uint8
		_ [3]byte
		B uint32
	}
	// implicitPadding has 3 bytes of padding after A that Go inserts and
	// encoding/binary skips. It is never used in place: binary.Write encodes
	// it to 5 bytes, so it fits 5-byte keys and values, and is rejected
	// for the 8 bytes that the equivalent C struct occupies. Use explicit
	// `_` fields to match a C layout.
	implicitPadding struct {
		A uint8
		B uint32
	}
)

func nativeBytes(tb testing.TB, data any) []byte {
	tb.Helper()
	var buf bytes.Buffer
	qt.Assert(tb, qt.IsNil(binary.Write(&buf, internal.NativeEndian, data)))
	return buf.Bytes()
}

func TestMarshalMapSyscallInput(t *testing.T) {
	u32 := uint32(0x01020304)
	u64 := uint64(0x0102030405060708)
	arr := [4]byte{1, 2, 3, 4}
	p := packed{1, 2, 3}
	e := explicitPadding{A: 1, B: 2}

	for _, tc := range []struct {
		name     string
		data     any
		size     int
		want     []byte
		zeroCopy bool
	}{
		{"uint8", uint8(7), 1, []byte{7}, false},
		{"int8", int8(-1), 1, []byte{0xff}, false},
		{"uint16", uint16(0x0102), 2, nativeBytes(t, uint16(0x0102)), false},
		{"int16", int16(-2), 2, nativeBytes(t, int16(-2)), false},
		{"uint32", u32, 4, nativeBytes(t, u32), false},
		{"int32", int32(-3), 4, nativeBytes(t, int32(-3)), false},
		{"uint64", u64, 8, nativeBytes(t, u64), false},
		{"int64", int64(-4), 8, nativeBytes(t, int64(-4)), false},
		{"*uint32", &u32, 4, nativeBytes(t, u32), true},
		{"*uint64", &u64, 8, nativeBytes(t, u64), true},
		{"[4]byte", arr, 4, arr[:], false},
		{"*[4]byte", &arr, 4, arr[:], true},
		{"[]byte", arr[:], 4, arr[:], true},
		{"string", "abcd", 4, []byte("abcd"), false},
		{"[]uint32", []uint32{u32, u32}, 8, nativeBytes(t, []uint32{u32, u32}), true},
		{"packed", p, 8, nativeBytes(t, p), false},
		{"*packed", &p, 8, nativeBytes(t, p), true},
		{"*explicitPadding", &e, 8, nativeBytes(t, e), true},
		{"implicitPadding", implicitPadding{1, 2}, 5, nativeBytes(t, implicitPadding{1, 2}), false},
		{"*implicitPadding", &implicitPadding{1, 2}, 5, nativeBytes(t, implicitPadding{1, 2}), false},
		{"BinaryMarshaler", customEncoding{"abc"}, 3, []byte("ABC"), false},
		{"bool", true, 1, []byte{1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s scratch
			ptr, err := marshalMapSyscallInput(tc.data, tc.size, &s)
			qt.Assert(t, qt.IsNil(err))
			got := unsafe.Slice((*byte)(ptr.Unsafe()), tc.size)
			qt.Assert(t, qt.DeepEquals(got, tc.want))

			if tc.zeroCopy {
				mem := unsafeMemory(tc.data)
				qt.Assert(t, qt.Equals(ptr.Unsafe(), mem), qt.Commentf("expected the value's own memory"))
			}

			_, err = marshalMapSyscallInput(tc.data, tc.size+1, &s)
			qt.Assert(t, qt.IsNotNil(err), qt.Commentf("a size mismatch must be an error"))
		})
	}

	raw := unsafe.Pointer(&u64)
	var s scratch
	ptr, err := marshalMapSyscallInput(raw, 3, &s)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ptr.Unsafe(), raw), qt.Commentf("unsafe.Pointer is passed on whatever the size"))
}

// unsafeMemory returns the address of the memory behind a pointer or
// slice.
func unsafeMemory(data any) unsafe.Pointer {
	switch v := data.(type) {
	case []byte:
		return unsafe.Pointer(&v[0])
	case []uint32:
		return unsafe.Pointer(&v[0])
	}
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&data))[1]
}

func TestMarshalMapSyscallInputErrors(t *testing.T) {
	var s scratch
	for _, tc := range []struct {
		name  string
		data  any
		size  int
		match string
	}{
		{"implicit padding in C layout", implicitPadding{}, 8, "ebpf.implicitPadding doesn't marshal to 8 bytes"},
		{"wrong int size", uint32(1), 8, "uint32 doesn't marshal to 8 bytes"},
		{"map", map[int]int{}, 8, ".*map\\[int\\]int.*"},
		{"interface slice", []any{1}, 8, ".*\\[\\]interface \\{\\}.*"},
		{"chan", make(chan int), 8, ".*chan int.*"},
		{"nil pointer", (*uint64)(nil), 8, ".*nil \\*uint64.*"},
		{"nil", nil, 8, ".*nil.*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := marshalMapSyscallInput(tc.data, tc.size, &s)
			qt.Assert(t, qt.ErrorMatches(err, tc.match))
		})
	}
}

func TestMarshalMapSyscallInputAllocations(t *testing.T) {
	key := uint32(1)
	value := uint64(2)
	keyIface, valueIface := any(&key), any(&value)
	scalarIface := any(uint64(1 << 40))
	var s scratch

	allocs := testing.AllocsPerRun(10, func() {
		_, _ = marshalMapSyscallInput(keyIface, 4, &s)
		_, _ = marshalMapSyscallInput(valueIface, 8, &s)
		_, _ = marshalMapSyscallInput(scalarIface, 8, &s)
		_ = makeMapSyscallOutput(valueIface, 8)
	})
	qt.Assert(t, qt.Equals(allocs, 0))
}

func TestMakeMapSyscallOutput(t *testing.T) {
	wire := nativeBytes(t, packed{1, 2, 3})

	for _, tc := range []struct {
		name string
		dst  any
		want any
	}{
		{"*packed", new(packed), &packed{1, 2, 3}},
		{"[]byte", make([]byte, 8), wire},
		{"*[]byte", new([]byte), &wire},
		{"*string", new(string), ptrTo(string(wire))},
		{"*[8]byte", new([8]byte), (*[8]byte)(wire)},
		{"*uint64", new(uint64), ptrTo(internal.NativeEndian.Uint64(wire))},
		{"[]uint32", make([]uint32, 2), []uint32{internal.NativeEndian.Uint32(wire), internal.NativeEndian.Uint32(wire[4:])}},
		{"BinaryUnmarshaler", new(customEncoding), &customEncoding{string(wire)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf := makeMapSyscallOutput(tc.dst, len(wire))
			copy(unsafe.Slice((*byte)(buf.Pointer().Unsafe()), len(wire)), wire)
			qt.Assert(t, qt.IsNil(buf.Unmarshal(tc.dst)))
			qt.Assert(t, qt.CmpEquals(tc.dst, tc.want, cmp.AllowUnexported(customEncoding{})))
		})
	}

	// All bytes must be consumed.
	buf := makeMapSyscallOutput(new(uint16), 4)
	qt.Assert(t, qt.IsNotNil(buf.Unmarshal(new(uint16))))

	var raw uint64
	buf = makeMapSyscallOutput(unsafe.Pointer(&raw), 8)
	qt.Assert(t, qt.Equals(buf.Pointer().Unsafe(), unsafe.Pointer(&raw)))
}

func ptrTo[T any](v T) *T { return &v }

func TestMarshalBatchPerCPUValue(t *testing.T) {
	const batchLen = 3
	cpus := MustPossibleCPU()
	values := make([]uint32, batchLen*cpus)
	for i := range values {
		values[i] = uint32(i + 1)
	}

	buf, err := marshalBatchPerCPUValue(values, batchLen, 4)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(buf, batchLen*cpus*8))
	for i, v := range values {
		slot := buf[i*8 : i*8+8]
		qt.Assert(t, qt.Equals(internal.NativeEndian.Uint32(slot), v))
		qt.Assert(t, qt.DeepEquals(slot[4:], []byte{0, 0, 0, 0}), qt.Commentf("slots are zero-padded to 8 bytes"))
	}

	got := make([]uint32, batchLen*cpus)
	qt.Assert(t, qt.IsNil(unmarshalBatchPerCPUValue(got, batchLen, 4, buf)))
	qt.Assert(t, qt.DeepEquals(got, values))

	for _, n := range []int{len(values) - 1, len(values) + 1} {
		buf, err := marshalBatchPerCPUValue(make([]uint32, n), batchLen, 4)
		qt.Assert(t, qt.IsNotNil(err))
		qt.Assert(t, qt.IsNil(buf))
		qt.Assert(t, qt.IsNotNil(unmarshalBatchPerCPUValue(make([]uint32, n), batchLen, 4, make([]byte, batchLen*cpus*8))))
	}
	for _, n := range []int{len(buf) - 1, len(buf) + 1} {
		qt.Assert(t, qt.IsNotNil(unmarshalBatchPerCPUValue(got, batchLen, 4, make([]byte, n))))
	}
	_, err = marshalBatchPerCPUValue(&values, batchLen, 4)
	qt.Assert(t, qt.IsNotNil(err), qt.Commentf("a pointer to a slice is not a slice"))
}

func TestMarshalPerCPUValue(t *testing.T) {
	cpus := MustPossibleCPU()

	// Fewer elements than CPUs: the rest are zero.
	buf, err := marshalPerCPUValue([]uint64{1}, 8)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(buf, 8*cpus))
	qt.Assert(t, qt.Equals(internal.NativeEndian.Uint64(buf), 1))
	qt.Assert(t, qt.IsTrue(bytes.Count(buf[8:], []byte{0}) == len(buf)-8))

	_, err = marshalPerCPUValue(make([]uint64, cpus+1), 8)
	qt.Assert(t, qt.IsNotNil(err))
	_, err = marshalPerCPUValue(uint64(1), 8)
	qt.Assert(t, qt.ErrorMatches(err, "per-cpu value requires a slice, not uint64"))

	// Elements go through the single-value rules: BinaryMarshaler here.
	buf, err = marshalPerCPUValue([]customEncoding{{"abc"}}, 3)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(buf[:8], []byte("ABC\x00\x00\x00\x00\x00")))
}

func TestUnmarshalPerCPUValue(t *testing.T) {
	cpus := MustPossibleCPU()
	buf := make([]byte, 8*cpus)
	for i := range cpus {
		internal.NativeEndian.PutUint32(buf[i*8:], uint32(i+10))
	}

	got := make([]uint32, cpus)
	qt.Assert(t, qt.IsNil(unmarshalPerCPUValue(got, 4, buf)))
	for i := range cpus {
		qt.Assert(t, qt.Equals(got[i], uint32(i+10)))
	}

	ptrs := make([]*uint32, cpus)
	qt.Assert(t, qt.ErrorMatches(unmarshalPerCPUValue(ptrs, 4, buf), "per-cpu value at index 0: nil \\*uint32"))
	for i := range ptrs {
		ptrs[i] = new(uint32)
	}
	qt.Assert(t, qt.IsNil(unmarshalPerCPUValue(ptrs, 4, buf)))
	qt.Assert(t, qt.Equals(*ptrs[cpus-1], uint32(cpus-1+10)))

	qt.Assert(t, qt.IsNotNil(unmarshalPerCPUValue(make([]uint32, cpus-1), 4, buf)))
	qt.Assert(t, qt.IsNotNil(unmarshalPerCPUValue(got, 4, buf[:len(buf)-1])))

	// ensurePerCPUSlice allocates behind a pointer, with fresh elements.
	var allocated []*uint32
	slice, err := ensurePerCPUSlice(&allocated)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(allocated, cpus))
	qt.Assert(t, qt.IsNotNil(allocated[0]))
	qt.Assert(t, qt.Equals(slice.Len(), cpus))
	_, err = ensurePerCPUSlice(new(uint32))
	qt.Assert(t, qt.ErrorMatches(err, "per-cpu value requires a slice or a pointer to slice"))
}

// TestMapMarshalRoundTrip writes and reads every supported shape through a
// real map of the right size.
func TestMapMarshalRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name      string
		valueSize uint32
		put       any
		get       any
		want      any
	}{
		{"packed by value", 8, packed{1, 2, 3}, new(packed), &packed{1, 2, 3}},
		{"packed by pointer", 8, &packed{1, 2, 3}, new(packed), &packed{1, 2, 3}},
		{"explicit padding", 8, &explicitPadding{A: 1, B: 2}, new(explicitPadding), &explicitPadding{A: 1, B: 2}},
		{"implicit padding", 5, implicitPadding{1, 2}, new(implicitPadding), &implicitPadding{1, 2}},
		{"array", 4, [4]byte{1, 2, 3, 4}, new([4]byte), &[4]byte{1, 2, 3, 4}},
		{"slice", 8, []uint32{5, 6}, make([]uint32, 2), []uint32{5, 6}},
		{"bytes", 3, []byte{7, 8, 9}, new([]byte), &[]byte{7, 8, 9}},
		{"string", 3, "abc", new(string), ptrTo("abc")},
		{"marshaler", 3, customEncoding{"abc"}, new(customEncoding), &customEncoding{"ABC"}},
		{"int16", 2, int16(-5), new(int16), ptrTo(int16(-5))},
		{"uint64", 8, uint64(1 << 40), new(uint64), ptrTo(uint64(1 << 40))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mustNewMap(t, &MapSpec{Type: Hash, KeySize: 4, ValueSize: tc.valueSize, MaxEntries: 1}, nil)
			qt.Assert(t, qt.IsNil(m.Put(uint32(1), tc.put)))
			qt.Assert(t, qt.IsNil(m.Lookup(uint32(1), tc.get)))
			qt.Assert(t, qt.CmpEquals(tc.get, tc.want, cmp.AllowUnexported(customEncoding{})))
		})
	}

	m := mustNewMap(t, &MapSpec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1}, nil)
	qt.Assert(t, qt.ErrorMatches(m.Put(uint32(1), implicitPadding{}), ".*ebpf.implicitPadding doesn't marshal to 8 bytes"))
}
