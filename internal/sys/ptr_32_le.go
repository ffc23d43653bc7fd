//go:build 386 || arm || mipsle

package sys

import "unsafe"

// Pointer is a user-space pointer in the 64-bit slot of a kernel struct
// (__aligned_u64). On little-endian 32-bit platforms the pointer occupies the
// low half and the high half stays zero.
type Pointer struct {
	ptr unsafe.Pointer
	_   uint32
}
