package sys

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// NewPointer wraps p for use in an attribute struct.
func NewPointer(p unsafe.Pointer) Pointer {
	return Pointer{ptr: p}
}

// NewSlicePointer points at the first byte of buf. An empty buf yields the
// NULL pointer, which the kernel treats as "no buffer".
func NewSlicePointer(buf []byte) Pointer {
	if len(buf) == 0 {
		return Pointer{}
	}
	return Pointer{ptr: unsafe.Pointer(&buf[0])}
}

// NewSlicePointerLen is NewSlicePointer that also returns len(buf) as the
// uint32 the kernel expects next to the pointer.
func NewSlicePointerLen(buf []byte) (Pointer, uint32) {
	return NewSlicePointer(buf), uint32(len(buf))
}

// NewStringPointer copies str into a NUL-terminated buffer and points at it.
// It returns the NULL pointer if str contains a NUL byte, which the kernel
// then rejects with EFAULT or EINVAL instead of reading a truncated string.
func NewStringPointer(str string) Pointer {
	p, err := unix.BytePtrFromString(str)
	if err != nil {
		return Pointer{}
	}
	return Pointer{ptr: unsafe.Pointer(p)}
}

// IsNil reports whether the pointer is NULL.
func (p Pointer) IsNil() bool {
	return p.ptr == nil
}

// Unsafe returns the wrapped pointer.
func (p Pointer) Unsafe() unsafe.Pointer {
	return p.ptr
}
