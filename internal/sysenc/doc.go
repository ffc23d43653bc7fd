// Package sysenc turns Go values into the bytes the kernel reads and back:
// map keys and values, and global data. Values whose memory layout already
// is the kernel's (fixed-size integers, arrays and structs of them without
// padding or pointers) are used in place; everything else goes through
// encoding/binary in native byte order.
package sysenc
