//go:build mips

package sys

import "unsafe"

// Pointer is a user-space pointer in the 64-bit slot of a kernel struct
// (__aligned_u64). On big-endian 32-bit platforms the high half comes first
// and stays zero.
type Pointer struct {
	_   uint32
	ptr unsafe.Pointer
}
