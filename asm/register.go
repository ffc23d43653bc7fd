package asm

import "strconv"

// Register is one of the eleven eBPF registers, or, in the source field of
// some instructions, a pseudo value that changes the instruction's meaning.
type Register uint8

// R0 holds return values, R1 to R5 arguments (clobbered by calls), R6 to R9
// are preserved across calls and R10 is the read-only frame pointer.
const (
	R0 Register = iota
	R1
	R2
	R3
	R4
	R5
	R6
	R7
	R8
	R9
	R10
)

// RFP is the frame pointer, R10.
const RFP = R10

// Pseudo values of the source register of a 64-bit immediate load
// (BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, BPF_PSEUDO_FUNC).
const (
	PseudoMapFD    = R1 // the immediate is a map file descriptor
	PseudoMapValue = R2 // the immediate is a map fd and a value offset
	PseudoFunc     = R4 // the immediate is the offset of a function
)

// Pseudo values of the source register of a 64-bit immediate load that the
// reference API does not name.
const (
	pseudoBTFID       = R3 // BPF_PSEUDO_BTF_ID: a kernel BTF type id
	pseudoMapIdx      = R5 // BPF_PSEUDO_MAP_IDX: an index into fd_array
	pseudoMapIdxValue = R6 // BPF_PSEUDO_MAP_IDX_VALUE: index and value offset
)

// Pseudo values of the source register of a call (BPF_PSEUDO_CALL,
// BPF_PSEUDO_KFUNC_CALL). A helper call has R0 there.
const (
	PseudoCall      = R1 // bpf-to-bpf call, the immediate is a relative offset
	PseudoKfuncCall = R2 // kernel function call, the immediate is a BTF id
)

// String returns "r0" to "r9", "rfp" for R10, or "r<n>" beyond.
func (r Register) String() string {
	if r == RFP {
		return "rfp"
	}
	if r < RFP {
		return registerNames[r]
	}
	return "r" + strconv.Itoa(int(r))
}

var registerNames = [...]string{"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"}
