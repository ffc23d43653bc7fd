package sysenc

import (
	"encoding/binary"
	"reflect"
	"sync"
	"unsafe"
)

// unsafeBackingMemory returns the memory of data if the kernel can read and
// write it as is: data is a non-nil pointer (to a fixed-size value or to a
// slice) or a non-empty slice, its element type has no unexported fields
// other than _, and its binary.Size equals its size in memory, which rules
// out padding and pointers. Otherwise it returns nil.
func unsafeBackingMemory(data any) []byte {
	if data == nil {
		return nil
	}
	if mem, ok := fixedIntMemory(data); ok {
		return mem
	}

	value := reflect.ValueOf(data)
	var size int
	switch value.Kind() {
	case reflect.Pointer:
		if value.IsNil() {
			return nil
		}
		elem := value.Type().Elem()
		if elem.Kind() != reflect.Slice {
			size = int(elem.Size())
			break
		}
		// A pointer to a slice is handled like the slice.
		value = value.Elem()
		fallthrough
	case reflect.Slice:
		if value.IsNil() {
			return nil
		}
		size = int(value.Type().Elem().Size()) * value.Len()
	default:
		return nil
	}

	if size == 0 || binary.Size(data) != size || hasUnexportedFields(value.Type()) {
		return nil
	}
	return unsafe.Slice((*byte)(value.UnsafePointer()), size)
}

// fixedIntMemory is the reflection-free path of unsafeBackingMemory for
// pointers to fixed-size integers, the most common map keys and values. ok
// is false for any other type.
func fixedIntMemory(data any) (mem []byte, ok bool) {
	switch v := data.(type) {
	case *uint8:
		return intMemory(v), true
	case *int8:
		return intMemory(v), true
	case *uint16:
		return intMemory(v), true
	case *int16:
		return intMemory(v), true
	case *uint32:
		return intMemory(v), true
	case *int32:
		return intMemory(v), true
	case *uint64:
		return intMemory(v), true
	case *int64:
		return intMemory(v), true
	}
	return nil, false
}

func intMemory[I uint8 | int8 | uint16 | int16 | uint32 | int32 | uint64 | int64](p *I) []byte {
	if p == nil {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), unsafe.Sizeof(*p))
}

// unexportedFields caches hasUnexportedFields per type, since walking struct
// fields with reflect allocates.
var unexportedFields sync.Map // reflect.Type → bool

// hasUnexportedFields reports whether typ, or a type it contains through
// pointers, slices, arrays or struct fields, has an unexported struct field
// other than _. encoding/binary cannot write those, so their memory must not
// be exposed either.
func hasUnexportedFields(typ reflect.Type) bool {
	if cached, ok := unexportedFields.Load(typ); ok {
		return cached.(bool)
	}
	result := walkUnexportedFields(typ, make(map[reflect.Type]bool))
	unexportedFields.Store(typ, result)
	return result
}

// walkUnexportedFields does the work of hasUnexportedFields. seen breaks
// cycles through pointers: a type already being walked adds nothing new.
func walkUnexportedFields(typ reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[typ] {
		return false
	}
	seen[typ] = true

	switch typ.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return walkUnexportedFields(typ.Elem(), seen)
	case reflect.Struct:
		for i := range typ.NumField() {
			field := typ.Field(i)
			if field.Name == "_" {
				continue
			}
			if !field.IsExported() || walkUnexportedFields(field.Type, seen) {
				return true
			}
		}
	}
	return false
}
