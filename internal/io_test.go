package internal

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestDiscardZeroes(t *testing.T) {
	n, err := DiscardZeroes{}.Write(make([]byte, 10))
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(n, 10))

	_, err = DiscardZeroes{}.Write([]byte{0, 0, 1})
	qt.Assert(t, qt.IsNotNil(err))

	// The intended use: checking that a value encodes to zeroes.
	qt.Assert(t, qt.IsNil(binary.Write(DiscardZeroes{}, binary.LittleEndian, [4]uint32{})))
	qt.Assert(t, qt.IsNotNil(binary.Write(DiscardZeroes{}, binary.LittleEndian, uint16(1))))
}

func TestReadAllCompressed(t *testing.T) {
	want := bytes.Repeat([]byte("bpf"), 1000)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	_, err := gz.Write(want)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(gz.Close()))

	dir := t.TempDir()
	file := filepath.Join(dir, "data.gz")
	qt.Assert(t, qt.IsNil(os.WriteFile(file, buf.Bytes(), 0o600)))

	got, err := ReadAllCompressed(file)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(got, want))

	plain := filepath.Join(dir, "plain")
	qt.Assert(t, qt.IsNil(os.WriteFile(plain, want, 0o600)))
	_, err = ReadAllCompressed(plain)
	qt.Assert(t, qt.ErrorMatches(err, "decompress .*plain: .*"))

	_, err = ReadAllCompressed(filepath.Join(dir, "missing"))
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
}

func TestNativeEndian(t *testing.T) {
	var buf [2]byte
	binary.NativeEndian.PutUint16(buf[:], 1)
	qt.Assert(t, qt.Equals(NativeEndian.Uint16(buf[:]), 1))
	if NativeEndian == binary.LittleEndian {
		qt.Assert(t, qt.Equals(ClangEndian, "el"))
	} else {
		qt.Assert(t, qt.Equals(ClangEndian, "eb"))
	}
}

func TestPlatformPrefix(t *testing.T) {
	qt.Assert(t, qt.Not(qt.Equals(PlatformPrefix(), "")), qt.Commentf("unknown architecture"))
}
