package ebpf

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/sysenc"
)

// The marshaling rules of API.md §1.6 on top of internal/sysenc. The hot
// path, keys and values that are fixed-size integers or pointers to them,
// never allocates: pointers are handed to the kernel as they are and scalars
// are encoded into a scratch buffer that lives on the caller's stack.

// scratch is stack space for encoding a scalar key or value. Eight bytes
// fit every fixed-size integer and a file descriptor.
type scratch [8]byte

func (s *scratch) pointer() sys.Pointer {
	return sys.NewPointer(unsafe.Pointer(s))
}

// marshalMapSyscallInput returns a pointer to size bytes encoding data, for
// the kernel to read during a syscall the caller makes before s goes out of
// scope. Scalars are encoded into s; pointers to integers and
// layout-compatible values are used in place; unsafe.Pointer is passed on
// as is, the caller vouching for its size.
//
// It returns an error naming the Go type if data does not encode to size
// bytes.
func marshalMapSyscallInput(data any, size int, s *scratch) (sys.Pointer, error) {
	switch value := data.(type) {
	case unsafe.Pointer:
		return sys.NewPointer(value), nil
	case *uint32:
		if size == 4 && value != nil {
			return sys.NewPointer(unsafe.Pointer(value)), nil
		}
	case *uint64:
		if size == 8 && value != nil {
			return sys.NewPointer(unsafe.Pointer(value)), nil
		}
	case uint32:
		if size == 4 {
			internal.NativeEndian.PutUint32(s[:], value)
			return s.pointer(), nil
		}
	case int32:
		if size == 4 {
			internal.NativeEndian.PutUint32(s[:], uint32(value))
			return s.pointer(), nil
		}
	case uint64:
		if size == 8 {
			internal.NativeEndian.PutUint64(s[:], value)
			return s.pointer(), nil
		}
	case int64:
		if size == 8 {
			internal.NativeEndian.PutUint64(s[:], uint64(value))
			return s.pointer(), nil
		}
	case uint16:
		if size == 2 {
			internal.NativeEndian.PutUint16(s[:], value)
			return s.pointer(), nil
		}
	case int16:
		if size == 2 {
			internal.NativeEndian.PutUint16(s[:], uint16(value))
			return s.pointer(), nil
		}
	case uint8:
		if size == 1 {
			s[0] = value
			return s.pointer(), nil
		}
	case int8:
		if size == 1 {
			s[0] = byte(value)
			return s.pointer(), nil
		}
	}

	if ptr, ok := inPlaceInput(data, size); ok {
		return sys.NewPointer(ptr), nil
	}

	buf, err := sysenc.Marshal(data, size)
	if err != nil {
		return sys.Pointer{}, err
	}
	return buf.Pointer(), nil
}

// makeMapSyscallOutput returns a buffer of size bytes for the kernel to
// write a value meant for dst into. Layout-compatible destinations are
// written in place; unsafe.Pointer destinations are trusted to be large
// enough. Call Unmarshal on the buffer after the syscall.
func makeMapSyscallOutput(dst any, size int) sysenc.Buffer {
	switch value := dst.(type) {
	case unsafe.Pointer:
		return sysenc.UnsafeBuffer(value)
	case *uint32:
		if size == 4 && value != nil {
			return sysenc.UnsafeBuffer(unsafe.Pointer(value))
		}
	case *uint64:
		if size == 8 && value != nil {
			return sysenc.UnsafeBuffer(unsafe.Pointer(value))
		}
	case *[]byte:
		// The slice is replaced by a fresh copy, never written in place:
		// the caller may still hold on to the previous one.
		return sysenc.SyscallOutput(nil, size)
	}
	if ptr, ok := inPlaceOutput(dst, size); ok {
		return sysenc.UnsafeBuffer(ptr)
	}
	return sysenc.SyscallOutput(dst, size)
}

// typeLayout is what the marshalers need to know about a Go type T to use
// its memory in place, cached per type since finding out needs reflection.
type typeLayout struct {
	// size is the size of T if its memory is its wire format (fixed size,
	// no padding, no pointers, no unexported fields but _), else -1.
	size int
	// marshaler and ptrMarshaler say whether T and *T implement
	// encoding.BinaryMarshaler, ptrUnmarshaler whether *T implements
	// encoding.BinaryUnmarshaler: those methods take precedence over
	// the memory.
	marshaler, ptrMarshaler, ptrUnmarshaler bool
}

// layouts maps reflect.Type to *typeLayout.
var layouts sync.Map

func layoutOf(typ reflect.Type) *typeLayout {
	if layout, ok := layouts.Load(typ); ok {
		return layout.(*typeLayout)
	}

	ptrType := reflect.PointerTo(typ)
	layout := &typeLayout{
		size:           -1,
		marshaler:      typ.Implements(binaryMarshalerType),
		ptrMarshaler:   ptrType.Implements(binaryMarshalerType),
		ptrUnmarshaler: ptrType.Implements(binaryUnmarshalerType),
	}
	if size := int(typ.Size()); size > 0 {
		// sysenc decides which layouts are usable in place: ask it about
		// a zero value and see whether it hands back the value's memory.
		probe := reflect.New(typ)
		if sysenc.SyscallOutput(probe.Interface(), size).Pointer().Unsafe() == probe.UnsafePointer() {
			layout.size = size
		}
	}

	actual, _ := layouts.LoadOrStore(typ, layout)
	return actual.(*typeLayout)
}

// interfaceData returns the data word of v: the pointer a pointer holds,
// or the address of a boxed non-pointer value. Only called for types whose
// layout has no pointers, which are never stored in the word itself.
func interfaceData(v any) unsafe.Pointer {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1]
}

// inPlaceInput returns the memory of data if the kernel can read it as the
// size bytes data encodes to: a non-nil pointer to, or a value of, a type
// whose memory is its wire format and that doesn't marshal itself. A value
// is read from the copy the interface holds, which nothing writes to.
func inPlaceInput(data any, size int) (unsafe.Pointer, bool) {
	typ := reflect.TypeOf(data)
	if typ == nil {
		return nil, false
	}

	if typ.Kind() == reflect.Pointer {
		layout := layoutOf(typ.Elem())
		ptr := interfaceData(data)
		return ptr, ptr != nil && layout.size == size && !layout.ptrMarshaler
	}

	layout := layoutOf(typ)
	return interfaceData(data), layout.size == size && !layout.marshaler
}

// inPlaceOutput returns the memory dst points to if the kernel can write
// size bytes for it there directly: a non-nil pointer to a type whose
// memory is its wire format and that doesn't unmarshal itself.
func inPlaceOutput(dst any, size int) (unsafe.Pointer, bool) {
	typ := reflect.TypeOf(dst)
	if typ == nil || typ.Kind() != reflect.Pointer {
		return nil, false
	}

	layout := layoutOf(typ.Elem())
	ptr := interfaceData(dst)
	return ptr, ptr != nil && layout.size == size && !layout.ptrUnmarshaler
}

// marshalMapValue is marshalMapSyscallInput with the values that only maps
// holding file descriptors accept: a *Map for map-of-maps, a *Program for
// program arrays, both encoded as their fd. The caller keeps data alive
// until the syscall returns.
func (m *Map) marshalMapValue(data any, s *scratch) (sys.Pointer, error) {
	var fd *sys.FD
	switch value := data.(type) {
	case *Map:
		if !m.typ.canStoreMap() {
			return sys.Pointer{}, fmt.Errorf("can't store map in %s", m.typ)
		}
		if value == nil {
			return sys.Pointer{}, errors.New("can't store a nil *Map")
		}
		fd = value.fd
	case *Program:
		if !m.typ.canStoreProgram() {
			return sys.Pointer{}, fmt.Errorf("can't store program in %s", m.typ)
		}
		if value == nil {
			return sys.Pointer{}, errors.New("can't store a nil *Program")
		}
		fd = value.fd
	default:
		return marshalMapSyscallInput(data, int(m.valueSize), s)
	}

	if m.valueSize != 4 {
		return sys.Pointer{}, fmt.Errorf("can't store a file descriptor in %d-byte values", m.valueSize)
	}
	internal.NativeEndian.PutUint32(s[:], fd.Uint())
	return s.pointer(), nil
}

// checkMapValueOut returns an error if dst can't receive a value of the
// map, before anything is looked up (or deleted): **Map only for
// map-of-maps, **Program only for program arrays, and never their
// non-pointer forms.
func (m *Map) checkMapValueOut(dst any) error {
	switch dst.(type) {
	case **Map:
		if !m.typ.canStoreMap() {
			return fmt.Errorf("can't read a map from %s", m.typ)
		}
	case *Map, Map:
		return errors.New("require pointer to *Map")
	case **Program:
		if !m.typ.canStoreProgram() {
			return fmt.Errorf("can't read a program from %s", m.typ)
		}
	case *Program, Program:
		return errors.New("require pointer to *Program")
	}
	return nil
}

// unmarshalMapValue decodes a value the kernel wrote into buf into dst,
// which checkMapValueOut accepted. Map-of-maps and program arrays return
// IDs to user space: a **Map or **Program destination receives a new object
// opened from that ID, and the object it held before is closed.
func (m *Map) unmarshalMapValue(dst any, buf sysenc.Buffer) error {
	switch value := dst.(type) {
	case **Map:
		id, err := unmarshalObjectID(buf)
		if err != nil {
			return err
		}
		other, err := NewMapFromID(MapID(id))
		if err != nil {
			return err
		}
		// The caller may have closed the previous map already; that's
		// fine.
		_ = (*value).Close()
		*value = other
		return nil
	case **Program:
		id, err := unmarshalObjectID(buf)
		if err != nil {
			return err
		}
		other, err := NewProgramFromID(ProgramID(id))
		if err != nil {
			return err
		}
		_ = (*value).Close()
		*value = other
		return nil
	}
	return buf.Unmarshal(dst)
}

// unmarshalObjectID decodes the 4-byte object ID the kernel returns for
// map-of-maps and program array slots.
func unmarshalObjectID(buf sysenc.Buffer) (uint32, error) {
	var id uint32
	if err := buf.Unmarshal(&id); err != nil {
		return 0, fmt.Errorf("decode object ID: %w", err)
	}
	return id, nil
}

var (
	binaryMarshalerType   = reflect.TypeFor[encoding.BinaryMarshaler]()
	binaryUnmarshalerType = reflect.TypeFor[encoding.BinaryUnmarshaler]()
)

// perCPUStride is the distance between the slots of two CPUs in a per-CPU
// value: the kernel rounds each slot up to 8 bytes.
func perCPUStride(elemLength int) int {
	return internal.Align(elemLength, 8)
}

// marshalPerCPUValue encodes a per-CPU value: slice holds at most one
// element per possible CPU, each encoded by the rules of
// marshalMapSyscallInput to elemLength bytes. Missing CPUs are zero.
//
// It returns an error if slice is not a slice, has too many elements, or an
// element does not encode.
func marshalPerCPUValue(slice any, elemLength int) ([]byte, error) {
	possibleCPUs, err := PossibleCPU()
	if err != nil {
		return nil, err
	}

	value := reflect.ValueOf(slice)
	if value.Kind() != reflect.Slice {
		return nil, fmt.Errorf("per-cpu value requires a slice, not %s", typeName(slice))
	}
	if value.Len() > possibleCPUs {
		return nil, fmt.Errorf("per-cpu value has %d elements, more than the %d possible CPUs", value.Len(), possibleCPUs)
	}

	buf := make([]byte, perCPUStride(elemLength)*possibleCPUs)
	if err := marshalPerCPUSlots(buf, value, elemLength); err != nil {
		return nil, err
	}
	return buf, nil
}

// marshalBatchPerCPUValue encodes the values of batchLen keys of a per-CPU
// map: slice is flat, PossibleCPU() elements per key, and the result has
// the kernel's layout [key0cpu0, key0cpu1, …, key1cpu0, …] with 8-byte
// slots.
//
// It returns an error if slice is not a slice of exactly
// batchLen*PossibleCPU() elements or an element does not encode.
func marshalBatchPerCPUValue(slice any, batchLen, elemLength int) ([]byte, error) {
	possibleCPUs, err := PossibleCPU()
	if err != nil {
		return nil, err
	}

	value := reflect.ValueOf(slice)
	if value.Kind() != reflect.Slice {
		return nil, fmt.Errorf("batch of per-cpu values requires a slice, not %s", typeName(slice))
	}
	if want := batchLen * possibleCPUs; value.Len() != want {
		return nil, fmt.Errorf("batch of per-cpu values has %d elements, want %d (%d keys * %d possible CPUs)",
			value.Len(), want, batchLen, possibleCPUs)
	}

	buf := make([]byte, perCPUStride(elemLength)*batchLen*possibleCPUs)
	if err := marshalPerCPUSlots(buf, value, elemLength); err != nil {
		return nil, err
	}
	return buf, nil
}

// marshalPerCPUSlots encodes the elements of slice into consecutive 8-byte
// aligned slots of buf, which is large enough and zeroed.
func marshalPerCPUSlots(buf []byte, slice reflect.Value, elemLength int) error {
	stride := perCPUStride(elemLength)
	if stride == elemLength && !slice.Type().Elem().Implements(binaryMarshalerType) {
		// Without padding between slots, a layout-compatible slice already
		// is the wire format.
		if mem, err := sysenc.Marshal(slice.Interface(), slice.Len()*elemLength); err == nil {
			mem.CopyTo(buf)
			return nil
		}
	}

	var s scratch
	for i := range slice.Len() {
		ptr, err := marshalMapSyscallInput(slice.Index(i).Interface(), elemLength, &s)
		if err != nil {
			return fmt.Errorf("per-cpu value at index %d: %w", i, err)
		}
		copy(buf[i*stride:i*stride+elemLength], unsafe.Slice((*byte)(ptr.Unsafe()), elemLength))
	}
	return nil
}

// ensurePerCPUSlice returns the slice a per-CPU lookup decodes into. A
// slice is used as is. A pointer to a slice gets a new slice of
// PossibleCPU() elements, each a fresh value if the element type is a
// pointer.
//
// It returns an error for any other destination.
func ensurePerCPUSlice(sliceOrPtr any) (reflect.Value, error) {
	value := reflect.ValueOf(sliceOrPtr)
	if value.Kind() == reflect.Slice {
		return value, nil
	}
	if value.Kind() != reflect.Pointer || value.IsNil() || value.Type().Elem().Kind() != reflect.Slice {
		return reflect.Value{}, errors.New("per-cpu value requires a slice or a pointer to slice")
	}

	possibleCPUs, err := PossibleCPU()
	if err != nil {
		return reflect.Value{}, err
	}

	sliceType := value.Type().Elem()
	slice := reflect.MakeSlice(sliceType, possibleCPUs, possibleCPUs)
	if elemType := sliceType.Elem(); elemType.Kind() == reflect.Pointer {
		for i := range possibleCPUs {
			slice.Index(i).Set(reflect.New(elemType.Elem()))
		}
	}
	value.Elem().Set(slice)
	return slice, nil
}

// unmarshalPerCPUValue decodes a per-CPU value from buf, PossibleCPU()
// slots of 8-byte aligned elemLength bytes, into slice, which must have
// exactly PossibleCPU() elements. Pointer elements must not be nil.
//
// It returns an error if slice or buf have the wrong length or an element
// does not decode.
func unmarshalPerCPUValue(slice any, elemLength int, buf []byte) error {
	value := reflect.ValueOf(slice)
	if value.Kind() != reflect.Slice {
		return fmt.Errorf("per-cpu value requires a slice, not %s", typeName(slice))
	}
	return unmarshalPerCPUSlice(value, 1, elemLength, buf)
}

// unmarshalBatchPerCPUValue decodes the values of batchLen keys of a
// per-CPU map from buf, in the kernel's layout (see
// marshalBatchPerCPUValue), into the flat slice of
// batchLen*PossibleCPU() elements.
//
// It returns an error if slice or buf have the wrong length or an element
// does not decode.
func unmarshalBatchPerCPUValue(slice any, batchLen, elemLength int, buf []byte) error {
	value := reflect.ValueOf(slice)
	if value.Kind() != reflect.Slice {
		return fmt.Errorf("batch of per-cpu values requires a slice, not %s", typeName(slice))
	}
	return unmarshalPerCPUSlice(value, batchLen, elemLength, buf)
}

func unmarshalPerCPUSlice(slice reflect.Value, batchLen, elemLength int, buf []byte) error {
	possibleCPUs, err := PossibleCPU()
	if err != nil {
		return err
	}

	slots := batchLen * possibleCPUs
	if slice.Len() != slots {
		return fmt.Errorf("per-cpu values need a slice of %d elements (%d keys * %d possible CPUs), got %d",
			slots, batchLen, possibleCPUs, slice.Len())
	}
	stride := perCPUStride(elemLength)
	if len(buf) != slots*stride {
		return fmt.Errorf("per-cpu values: got %d bytes from the kernel, want %d", len(buf), slots*stride)
	}

	elemType := slice.Type().Elem()
	if stride == elemLength && elemType.Kind() != reflect.Pointer &&
		!reflect.PointerTo(elemType).Implements(binaryUnmarshalerType) {
		// Without padding between slots, a layout-compatible slice can take
		// the kernel's bytes as they are.
		if err := sysenc.Unmarshal(slice.Interface(), buf); err == nil {
			return nil
		}
	}

	for i := range slots {
		elem := slice.Index(i)
		var dst any
		if elem.Kind() == reflect.Pointer {
			if elem.IsNil() {
				return fmt.Errorf("per-cpu value at index %d: nil %s", i, elem.Type())
			}
			dst = elem.Interface()
		} else {
			dst = elem.Addr().Interface()
		}
		if err := sysenc.Unmarshal(dst, buf[i*stride:i*stride+elemLength]); err != nil {
			return fmt.Errorf("per-cpu value at index %d: %w", i, err)
		}
	}
	return nil
}

// typeName names the Go type of v for error messages without making v
// escape to the heap, as passing it to fmt would.
func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

// perCPUSliceInPlace returns the memory of slice if it can be a per-CPU
// value (or batch of them) of slots elements as is: the element type's
// memory is its wire format of elemLength bytes, a multiple of 8 so that
// the kernel adds no padding between CPUs, and the slice has exactly slots
// elements. input says whether the kernel reads the memory (elements must
// not marshal themselves) or writes it (they must not unmarshal
// themselves).
func perCPUSliceInPlace(slice any, elemLength, slots int, input bool) (unsafe.Pointer, bool) {
	if elemLength%8 != 0 {
		return nil, false
	}
	typ := reflect.TypeOf(slice)
	if typ == nil || typ.Kind() != reflect.Slice {
		return nil, false
	}
	layout := layoutOf(typ.Elem())
	if layout.size != elemLength || (input && layout.marshaler) || (!input && layout.ptrUnmarshaler) {
		return nil, false
	}
	value := reflect.ValueOf(slice)
	if value.Len() != slots || value.Len() == 0 {
		return nil, false
	}
	return value.UnsafePointer(), true
}
