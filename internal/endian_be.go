//go:build armbe || arm64be || mips || mips64 || mips64p32 || ppc64 || s390 || s390x || sparc || sparc64

package internal

import "encoding/binary"

// NativeEndian is the byte order of the host: binary.BigEndian here. It is
// a concrete ByteOrder value, so comparing it with binary.LittleEndian or
// binary.BigEndian works, unlike binary.NativeEndian.
var NativeEndian = binary.BigEndian

// ClangEndian is the suffix of BPF objects compiled for the host's byte
// order ("eb" for bpfeb).
const ClangEndian = "eb"
