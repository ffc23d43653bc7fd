package ebpf

import (
	"bytes"
	"testing"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// BenchmarkNewProgram loads a 1,000-instruction socket filter with
// NewProgram and with a bare BPF_PROG_LOAD of the same bytes. The
// difference is what the library adds to the kernel's verification.
func BenchmarkNewProgram(b *testing.B) {
	testutils.RequirePrivileges(b)

	spec := hugeSpec(1000, true)

	b.Run("library", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			prog, err := NewProgram(spec)
			if err != nil {
				b.Fatal(err)
			}
			prog.Close()
		}
	})

	b.Run("raw syscall", func(b *testing.B) {
		var buf bytes.Buffer
		if err := spec.Copy().Instructions.Marshal(&buf, internal.NativeEndian); err != nil {
			b.Fatal(err)
		}
		raw := buf.Bytes()

		b.ReportAllocs()
		for b.Loop() {
			fd, err := sys.ProgLoad(&sys.ProgLoadAttr{
				ProgType: sys.BPF_PROG_TYPE_SOCKET_FILTER,
				InsnCnt:  uint32(len(raw) / asm.InstructionSize),
				Insns:    sys.NewSlicePointer(raw),
				License:  sys.NewStringPointer(spec.License),
				ProgName: sys.NewObjName(spec.Name),
			})
			if err != nil {
				b.Fatal(err)
			}
			fd.Close()
		}
	})
}

// BenchmarkNewProgramRejected measures a load the verifier rejects, which
// costs a second attempt with a log.
func BenchmarkNewProgramRejected(b *testing.B) {
	testutils.RequirePrivileges(b)

	spec := hugeSpec(1000, false)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewProgram(spec); err == nil {
			b.Fatal("program loaded")
		}
	}
}

func BenchmarkProgramSpecTag(b *testing.B) {
	spec := hugeSpec(1000, true)
	if _, err := spec.Tag(); err != nil {
		b.Skip(err)
	}

	b.ReportAllocs()
	for b.Loop() {
		if _, err := spec.Tag(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProgramRun(b *testing.B) {
	testutils.RequirePrivileges(b)
	prog := mustNewProgram(b, socketFilterSpec(0), nil)
	in := make([]byte, 14)

	b.ReportAllocs()
	for b.Loop() {
		if _, err := prog.Run(&RunOptions{Data: in}); err != nil {
			b.Fatal(err)
		}
	}
}
