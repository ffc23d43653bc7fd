package ebpf

import (
	"bytes"
	"io"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestMapSpecCopyIsIndependent(t *testing.T) {
	orig := &MapSpec{
		Name:     ".data",
		Type:     Array,
		Contents: []MapKV{{uint32(0), []byte{1, 2, 3}}},
		InnerMap: &MapSpec{Type: Hash, MaxEntries: 1},
	}
	cpy := orig.Copy()
	qt.Assert(t, qt.DeepEquals(cpy, orig))

	cpy.Contents[0].Value.([]byte)[0] = 42
	cpy.Contents[0].Key = uint32(1)
	cpy.InnerMap.MaxEntries = 2

	qt.Check(t, qt.DeepEquals(orig.Contents, []MapKV{{uint32(0), []byte{1, 2, 3}}}))
	qt.Check(t, qt.Equals(orig.InnerMap.MaxEntries, 1))
	qt.Check(t, qt.IsNil((*MapSpec)(nil).Copy()))
}

func TestMapSpecCopyExtra(t *testing.T) {
	orig := &MapSpec{Extra: bytes.NewReader([]byte{1, 2, 3, 4})}
	_, err := orig.Extra.ReadByte()
	qt.Assert(t, qt.IsNil(err))

	cpy := orig.Copy()
	rest, err := io.ReadAll(cpy.Extra)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(rest, []byte{2, 3, 4}))
	qt.Assert(t, qt.Equals(orig.Extra.Len(), 3), qt.Commentf("reading the copy moved the original"))
}

func TestMapSpecString(t *testing.T) {
	spec := &MapSpec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1}
	qt.Assert(t, qt.Equals(spec.String(), "Hash(keySize=4, valueSize=8, maxEntries=1, flags=0)"))
}
