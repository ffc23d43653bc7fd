package asm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"testing"
)

// FuzzUnmarshal decodes arbitrary bytes. Decoding must never panic, and
// whatever decodes must encode back to the same bytes, except that Offset is
// lost for the extended ALU operations it selects.
func FuzzUnmarshal(f *testing.F) {
	f.Add(mustHex(f, "b7 00 0000 00000000 95 00 0000 00000000"))
	f.Add(mustHex(f, "18 01 0000 2a000000 00 00 0000 01000000"))
	f.Add(mustHex(f, "18 01 0000 2a000000 95"))
	f.Add(mustHex(f, "bf 42 0800 00000000 3f 42 0100 00000000"))
	f.Add(mustHex(f, "db 21 0000 f1000000 85 20 0000 7b000000"))
	f.Add([]byte{0x18})

	f.Fuzz(func(t *testing.T, data []byte) {
		for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			var insns Instructions
			if err := insns.Unmarshal(bytes.NewReader(data), bo); err != nil {
				if len(data)%InstructionSize == 0 && !bytes.Contains(data, []byte{0x18}) {
					t.Fatalf("%v: error on a well-formed stream: %v", bo, err)
				}
				continue
			}
			_ = fmt.Sprint(insns)

			var buf bytes.Buffer
			if err := insns.Marshal(&buf, bo); err != nil {
				t.Fatalf("%v: can't re-encode %v: %v", bo, insns, err)
			}
			if !bytes.Equal(buf.Bytes(), data) {
				t.Fatalf("%v: re-encoding differs:\n%x\n%x", bo, data, buf.Bytes())
			}

			// Single-instruction decoding agrees with the stream decoder.
			r := bytes.NewReader(data)
			for i := range insns {
				var ins Instruction
				if _, err := ins.Unmarshal(r, bo); err != nil {
					t.Fatalf("%v: instruction %d: %v", bo, i, err)
				}
				if !ins.equal(insns[i]) {
					t.Fatalf("%v: instruction %d: %v != %v", bo, i, ins, insns[i])
				}
			}
			var ins Instruction
			if _, err := ins.Unmarshal(r, bo); err != io.EOF {
				t.Fatalf("%v: expected io.EOF after the last instruction, got %v", bo, err)
			}
		}
	})
}
