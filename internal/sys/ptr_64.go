//go:build !386 && !arm && !mips && !mipsle

package sys

import "unsafe"

// Pointer is a user-space pointer in the 64-bit slot of a kernel struct
// (__aligned_u64). Keeping it an unsafe.Pointer, not a uint64, lets the
// garbage collector see what the kernel is about to read or write.
type Pointer struct {
	ptr unsafe.Pointer
}
