package ebpf

import (
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"
)

func TestMapInfo(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Name: "info", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 3, Flags: unix.BPF_F_NO_PREALLOC}, nil)

	info, err := m.Info()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(info.Type, Hash))
	qt.Assert(t, qt.Equals(info.KeySize, 4))
	qt.Assert(t, qt.Equals(info.ValueSize, 8))
	qt.Assert(t, qt.Equals(info.MaxEntries, 3))
	qt.Assert(t, qt.Equals(info.Flags, unix.BPF_F_NO_PREALLOC))
	if haveObjName() == nil {
		qt.Assert(t, qt.Equals(info.Name, "info"))
	}
	id, ok := info.ID()
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.Not(qt.Equals(id, 0)))
}

func TestMapInfoFromProc(t *testing.T) {
	for _, spec := range []*MapSpec{
		{Name: "proc", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 2, Flags: unix.BPF_F_NO_PREALLOC},
		{Type: ArrayOfMaps, KeySize: 4, MaxEntries: 2, InnerMap: &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}},
	} {
		t.Run(spec.Type.String(), func(t *testing.T) {
			m := mustNewMap(t, spec, nil)
			info, err := newMapInfoFromProc(m.fd)
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(info.Type, spec.Type))
			qt.Assert(t, qt.Equals(info.KeySize, 4))
			qt.Assert(t, qt.Equals(info.ValueSize, m.ValueSize()))
			qt.Assert(t, qt.Equals(info.MaxEntries, spec.MaxEntries))
			qt.Assert(t, qt.Equals(info.Flags, spec.Flags))
			qt.Assert(t, qt.Equals(info.Name, ""), qt.Commentf("fdinfo has no name"))
			_, ok := info.ID()
			qt.Assert(t, qt.IsFalse(ok), qt.Commentf("the fallback reports no ID"))
		})
	}
}
