package ebpf

import (
	"bytes"
	"os"
	"testing"

	"github.com/bpfcore/ebpf/internal/testutils"
)

func FuzzLoadCollectionSpec(f *testing.F) {
	for _, file := range testutils.Glob(f, "testdata/*.elf") {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := LoadCollectionSpecFromReader(bytes.NewReader(data))
		if err != nil && spec != nil {
			t.Fatal("spec together with an error:", err)
		}
		if err == nil && spec == nil {
			t.Fatal("neither spec nor error")
		}
	})
}
