//go:build 386 || amd64 || amd64p32 || arm || arm64 || loong64 || mipsle || mips64le || mips64p32le || ppc64le || riscv64 || wasm

package internal

import "encoding/binary"

// NativeEndian is the byte order of the host: binary.LittleEndian here. It
// is a concrete ByteOrder value, so comparing it with binary.LittleEndian or
// binary.BigEndian works, unlike binary.NativeEndian.
var NativeEndian = binary.LittleEndian

// ClangEndian is the suffix of BPF objects compiled for the host's byte
// order ("el" for bpfel).
const ClangEndian = "el"
