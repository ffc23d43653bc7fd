package sysenc

import (
	"unsafe"

	"github.com/bpfcore/ebpf/internal/sys"
)

// syscallPointerOnly marks a Buffer that only knows its pointer: the memory
// belongs to the caller, whose Go value the kernel reads or writes directly.
const syscallPointerOnly = -1

// Buffer is memory handed to a syscall: either bytes owned by the Buffer or
// a view of a caller's value. The zero Buffer points nowhere.
type Buffer struct {
	ptr unsafe.Pointer
	// size is the length in bytes, or syscallPointerOnly.
	size int
}

func newBuffer(buf []byte) Buffer {
	if len(buf) == 0 {
		return Buffer{}
	}
	return Buffer{unsafe.Pointer(&buf[0]), len(buf)}
}

// UnsafeBuffer wraps memory the caller vouches for. Such a Buffer only
// provides Pointer: CopyTo copies nothing and Unmarshal does nothing, since
// the kernel already wrote where it had to.
func UnsafeBuffer(ptr unsafe.Pointer) Buffer {
	return Buffer{ptr, syscallPointerOnly}
}

// SyscallOutput returns a Buffer for the kernel to write size bytes into
// that are meant for dst. If dst's memory has the kernel's layout and size,
// the Buffer aliases it and its Unmarshal is a no-op; otherwise the Buffer
// is freshly allocated and Unmarshal decodes it into dst.
func SyscallOutput(dst any, size int) Buffer {
	if dstBuf := unsafeBackingMemory(dst); len(dstBuf) == size {
		buf := newBuffer(dstBuf)
		buf.size = syscallPointerOnly
		return buf
	}
	return newBuffer(make([]byte, size))
}

// CopyTo copies the buffer's bytes into dst and returns how many it copied,
// zero for a pointer-only Buffer.
func (b Buffer) CopyTo(dst []byte) int {
	return copy(dst, b.unsafeBytes())
}

// AppendTo appends the buffer's bytes to dst and returns the result. A
// pointer-only Buffer appends nothing.
func (b Buffer) AppendTo(dst []byte) []byte {
	return append(dst, b.unsafeBytes()...)
}

// Pointer returns the buffer's address for an attribute struct, NULL for
// the zero Buffer.
func (b Buffer) Pointer() sys.Pointer {
	return sys.NewPointer(b.ptr)
}

// Unmarshal decodes the buffer's bytes into data as the package-level
// Unmarshal does. For a pointer-only Buffer it does nothing and returns nil.
func (b Buffer) Unmarshal(data any) error {
	if b.size == syscallPointerOnly {
		return nil
	}
	return Unmarshal(data, b.unsafeBytes())
}

func (b Buffer) unsafeBytes() []byte {
	if b.size == syscallPointerOnly || b.ptr == nil {
		return nil
	}
	return unsafe.Slice((*byte)(b.ptr), b.size)
}
