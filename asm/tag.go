package asm

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
)

// tagSize is the length of a program tag in bytes (BPF_TAG_SIZE).
const tagSize = 8

// Tag returns the tag the kernel reports for a program made of insns: the
// first 8 bytes, hex-encoded, of the SHA-1 digest of the encoded
// instructions with the immediates of map loads zeroed, since file
// descriptors change from one load to the next. References are not resolved
// first. It returns an error if an instruction cannot be encoded.
//
// Kernels before 6.18 compute the tag like this. Kernels from 6.18 on hash
// with SHA-256 instead, so their tags never match this one; the ebpf package
// picks the digest that fits the running kernel.
func (insns Instructions) Tag(bo binary.ByteOrder) (string, error) {
	return insns.tag(bo, sha1.New())
}

// tag computes the program tag with the digest h, in the way of the
// kernel's bpf_prog_calc_tag: the instructions as submitted, both halves of
// the immediate of PseudoMapFD and PseudoMapValue loads zeroed, and the first
// 8 bytes of the digest. Encoding the same way with Instruction.Marshal into
// any hash.Hash gives the same result.
func (insns Instructions) tag(bo binary.ByteOrder, h hash.Hash) (string, error) {
	o, err := checkByteOrder(bo)
	if err != nil {
		return "", err
	}

	var buf [64 * InstructionSize]byte
	b := buf[:0]
	for i := range insns {
		ins := insns[i]
		if ins.IsLoadFromMap() {
			ins.Constant = 0
		}
		b, err = ins.appendTo(b, o)
		if err != nil {
			return "", fmt.Errorf("instruction %d: %w", i, err)
		}
		if len(b) > len(buf)-2*InstructionSize {
			h.Write(b)
			b = buf[:0]
		}
	}
	h.Write(b)

	var sum [64]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:tagSize]), nil
}
