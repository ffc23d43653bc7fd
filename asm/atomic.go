package asm

import "strconv"

// atomicOp is the operation of an XAddMode (BPF_ATOMIC) store, held in the
// immediate. The reference API has no type for it; it is only used to print
// instructions readably.
type atomicOp int64

const (
	atomicFetch atomicOp = 0x01 // BPF_FETCH: return the old value in src

	atomicAdd      atomicOp = 0x00 // BPF_ADD
	atomicOr       atomicOp = 0x40 // BPF_OR
	atomicAnd      atomicOp = 0x50 // BPF_AND
	atomicXor      atomicOp = 0xa0 // BPF_XOR
	atomicXchg     atomicOp = 0xe0 | atomicFetch
	atomicCmpXchg  atomicOp = 0xf0 | atomicFetch
	atomicLoadAcq  atomicOp = 0x100 // BPF_LOAD_ACQ: dst = load_acquire(src + off)
	atomicStoreRel atomicOp = 0x110 // BPF_STORE_REL: store_release(dst + off, src)
	atomicFetchAdd          = atomicAdd | atomicFetch
	atomicFetchOr           = atomicOr | atomicFetch
	atomicFetchAnd          = atomicAnd | atomicFetch
	atomicFetchXor          = atomicXor | atomicFetch
)

// String names the operation, or gives its number in hex.
func (op atomicOp) String() string {
	switch op {
	case atomicAdd:
		return "Add"
	case atomicOr:
		return "Or"
	case atomicAnd:
		return "And"
	case atomicXor:
		return "Xor"
	case atomicFetchAdd:
		return "FetchAdd"
	case atomicFetchOr:
		return "FetchOr"
	case atomicFetchAnd:
		return "FetchAnd"
	case atomicFetchXor:
		return "FetchXor"
	case atomicXchg:
		return "Xchg"
	case atomicCmpXchg:
		return "CmpXchg"
	case atomicLoadAcq:
		return "LoadAcquire"
	case atomicStoreRel:
		return "StoreRelease"
	}
	return "Atomic(0x" + strconv.FormatInt(int64(op), 16) + ")"
}
