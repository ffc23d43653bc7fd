package internal

import (
	"bytes"
	"debug/elf"
	"os"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestSafeELFFile(t *testing.T) {
	exe, err := os.Executable()
	qt.Assert(t, qt.IsNil(err))

	file, err := OpenSafeELFFile(exe)
	qt.Assert(t, qt.IsNil(err))
	defer file.Close()

	// Test binaries may be stripped: only check that this does not panic.
	_, _ = file.Symbols()
	qt.Assert(t, qt.Not(qt.HasLen(file.SectionsByType(elf.SHT_PROGBITS), 0)))
	qt.Assert(t, qt.IsNil(file.Close()))
	qt.Assert(t, qt.IsNil(file.Close()), qt.Commentf("Close is idempotent"))

	_, err = NewSafeELFFile(bytes.NewReader([]byte("not an ELF file")))
	qt.Assert(t, qt.IsNotNil(err))
	_, err = OpenSafeELFFile("/nonexistent")
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
}

func FuzzSafeELFFile(f *testing.F) {
	f.Add([]byte("\x7fELF"))
	f.Add([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := NewSafeELFFile(bytes.NewReader(data))
		if err != nil {
			return
		}
		_, _ = file.Symbols()
		_, _ = file.DynamicSymbols()
		for _, sec := range file.Sections {
			_, _ = sec.Data()
		}
	})
}
