package asm_test

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// tagPrograms are loaded into the kernel to compare tags: a plain program,
// one with map loads whose fds and value offsets the tag must ignore, and one
// with a bpf-to-bpf call whose offset the tag must include.
func tagPrograms(mapFD int) map[string]asm.Instructions {
	return map[string]asm.Instructions{
		"plain": {
			asm.Mov.Imm(asm.R0, 42),
			asm.Return(),
		},
		"map loads": {
			asm.LoadMapPtr(asm.R1, mapFD),
			asm.LoadMapValue(asm.R2, mapFD, 4),
			asm.LoadMem(asm.R0, asm.R2, 0, asm.Word),
			asm.Return(),
		},
		"call": {
			asm.Mov.Imm(asm.R1, 1),
			asm.Call.Label("fn"),
			asm.Return(),
			asm.Mov.Reg(asm.R0, asm.R1).WithSymbol("fn"),
			asm.Return(),
		},
	}
}

// TestTagMatchesKernel loads programs with bpf(2) and compares the tag the
// kernel reports with the SHA-1 and SHA-256 tags. Kernels before 6.18 must
// match SHA-1, later ones SHA-256.
func TestTagMatchesKernel(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	mapFD, err := sys.MapCreate(&sys.MapCreateAttr{
		MapType:    sys.BPF_MAP_TYPE_ARRAY,
		KeySize:    4,
		ValueSize:  8,
		MaxEntries: 1,
	})
	qt.Assert(t, qt.IsNil(err))
	defer mapFD.Close()

	sha256Kernel := !testutils.IsKernelLessThan(t, "6.18")
	for name, insns := range tagPrograms(mapFD.Int()) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			qt.Assert(t, qt.IsNil(insns.Marshal(&buf, hostByteOrder())))
			kernelTag := loadAndTag(t, buf.Bytes())

			sha1Tag, err := insns.TagWith(hostByteOrder(), sha1.New())
			qt.Assert(t, qt.IsNil(err))
			sha256Tag, err := insns.TagWith(hostByteOrder(), sha256.New())
			qt.Assert(t, qt.IsNil(err))
			tag, err := insns.Tag(hostByteOrder())
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(tag, sha1Tag))

			t.Logf("kernel %s, sha1 %s, sha256 %s", kernelTag, sha1Tag, sha256Tag)
			if sha256Kernel {
				qt.Assert(t, qt.Equals(kernelTag, sha256Tag))
			} else {
				qt.Assert(t, qt.Equals(kernelTag, sha1Tag))
			}
		})
	}
}

func loadAndTag(t *testing.T, insns []byte) string {
	t.Helper()
	ptr, n := sys.NewSlicePointerLen(insns)
	log := make([]byte, 64*1024)
	fd, err := sys.ProgLoad(&sys.ProgLoadAttr{
		ProgType: sys.BPF_PROG_TYPE_SOCKET_FILTER,
		InsnCnt:  n / asm.InstructionSize,
		Insns:    ptr,
		License:  sys.NewStringPointer("GPL"),
		LogLevel: 1,
		LogSize:  uint32(len(log)),
		LogBuf:   sys.NewSlicePointer(log),
	})
	if err != nil {
		t.Fatalf("load: %v\n%s", err, bytes.TrimRight(log, "\x00"))
	}
	defer fd.Close()

	var info sys.ProgInfo
	qt.Assert(t, qt.IsNil(sys.ObjInfo(fd, &info)))
	return hex.EncodeToString(info.Tag[:])
}

// hostByteOrder returns binary.LittleEndian or binary.BigEndian, whichever
// the machine uses; asm accepts no other ByteOrder values.
func hostByteOrder() binary.ByteOrder {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return binary.LittleEndian
	}
	return binary.BigEndian
}
