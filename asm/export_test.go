package asm

import (
	"encoding/binary"
	"hash"
)

// TagWith exposes the digest-parametrised tag to the external tests.
func (insns Instructions) TagWith(bo binary.ByteOrder, h hash.Hash) (string, error) {
	return insns.tag(bo, h)
}
