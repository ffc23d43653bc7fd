package ebpf

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/testutils"
)

func TestMapPin(t *testing.T) {
	m := mustNewMap(t, hashSpec(2), nil)
	qt.Assert(t, qt.IsNil(m.Put(uint32(1), uint64(42))))

	dir := testutils.TempBPFFS(t)
	path := filepath.Join(dir, "map")
	qt.Assert(t, qt.IsNil(m.Pin(path)))
	qt.Assert(t, qt.IsTrue(m.IsPinned()))
	qt.Assert(t, qt.IsNil(m.Pin(path)), qt.Commentf("pinning at the same path does nothing"))
	qt.Assert(t, qt.IsNil(m.Close()))

	pinned, err := LoadPinnedMap(path, nil)
	qt.Assert(t, qt.IsNil(err))
	defer pinned.Close()
	qt.Assert(t, qt.IsTrue(pinned.IsPinned()))

	var value uint64
	qt.Assert(t, qt.IsNil(pinned.Lookup(uint32(1), &value)))
	qt.Assert(t, qt.Equals(value, 42))
	qt.Assert(t, qt.Equals(pinned.Type(), Hash))
	qt.Assert(t, qt.Equals(pinned.KeySize(), 4))
	qt.Assert(t, qt.Equals(pinned.ValueSize(), 8))
	qt.Assert(t, qt.Equals(pinned.MaxEntries(), 2))

	clone, err := pinned.Clone()
	qt.Assert(t, qt.IsNil(err))
	defer clone.Close()
	qt.Assert(t, qt.IsFalse(clone.IsPinned()))

	_, err = LoadPinnedMap(filepath.Join(dir, "missing"), nil)
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT))
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
}

func TestMapRepin(t *testing.T) {
	testutils.SkipOnOldKernel(t, "4.9", "renaming pins")
	m := mustNewMap(t, hashSpec(1), nil)
	dir := testutils.TempBPFFS(t)

	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	qt.Assert(t, qt.IsNil(m.Pin(first)))
	qt.Assert(t, qt.IsNil(m.Pin(second)))
	_, err := os.Stat(first)
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist), qt.Commentf("the pin moves"))
	_, err = os.Stat(second)
	qt.Assert(t, qt.IsNil(err))

	// Moving onto an existing pin fails and leaves both in place.
	other := mustNewMap(t, hashSpec(1), nil)
	taken := filepath.Join(dir, "taken")
	qt.Assert(t, qt.IsNil(other.Pin(taken)))
	qt.Assert(t, qt.IsNotNil(m.Pin(taken)))
	_, err = os.Stat(second)
	qt.Assert(t, qt.IsNil(err))

	qt.Assert(t, qt.IsNotNil(m.Pin("")))

	outside := filepath.Join(t.TempDir(), "map")
	qt.Assert(t, qt.ErrorMatches(m.Pin(outside), ".* is not on a bpf filesystem"))

	// The pin vanished behind our back: pin afresh.
	qt.Assert(t, qt.IsNil(os.Remove(second)))
	third := filepath.Join(dir, "third")
	qt.Assert(t, qt.IsNil(m.Pin(third)))
	_, err = os.Stat(third)
	qt.Assert(t, qt.IsNil(err))
}

func TestMapUnpin(t *testing.T) {
	m := mustNewMap(t, hashSpec(1), nil)
	qt.Assert(t, qt.IsNil(m.Unpin()), qt.Commentf("unpinning an unpinned map"))

	path := filepath.Join(testutils.TempBPFFS(t), "map")
	qt.Assert(t, qt.IsNil(m.Pin(path)))

	pinned, err := LoadPinnedMap(path, nil)
	qt.Assert(t, qt.IsNil(err))
	defer pinned.Close()
	qt.Assert(t, qt.IsTrue(pinned.IsPinned()))

	qt.Assert(t, qt.IsNil(m.Unpin()))
	qt.Assert(t, qt.IsFalse(m.IsPinned()))
	_, err = os.Stat(path)
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))

	// The pin is gone already: still no error.
	qt.Assert(t, qt.IsNil(pinned.Unpin()))
	qt.Assert(t, qt.IsFalse(pinned.IsPinned()))
}

func TestMapLoadPinnedReadWriteOnly(t *testing.T) {
	testutils.SkipOnOldKernel(t, "4.15", "file flags of pinned objects")
	m := mustNewMap(t, hashSpec(1), nil)
	qt.Assert(t, qt.IsNil(m.Put(uint32(0), uint64(1))))
	path := filepath.Join(testutils.TempBPFFS(t), "map")
	qt.Assert(t, qt.IsNil(m.Pin(path)))

	readOnly, err := LoadPinnedMap(path, &LoadPinOptions{ReadOnly: true})
	qt.Assert(t, qt.IsNil(err))
	defer readOnly.Close()
	var value uint64
	qt.Assert(t, qt.IsNil(readOnly.Lookup(uint32(0), &value)))
	qt.Assert(t, qt.ErrorIs(readOnly.Put(uint32(0), uint64(2)), unix.EPERM))

	writeOnly, err := LoadPinnedMap(path, &LoadPinOptions{WriteOnly: true})
	qt.Assert(t, qt.IsNil(err))
	defer writeOnly.Close()
	qt.Assert(t, qt.IsNil(writeOnly.Put(uint32(0), uint64(2))))
	qt.Assert(t, qt.ErrorIs(writeOnly.Lookup(uint32(0), &value), unix.EPERM))

	_, err = LoadPinnedMap(path, &LoadPinOptions{Flags: math.MaxUint32})
	qt.Assert(t, qt.ErrorIs(err, unix.EINVAL))
}

func TestMapPinByName(t *testing.T) {
	dir := testutils.TempBPFFS(t)
	spec := &MapSpec{Name: "shared", Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1, Pinning: PinByName}
	opts := &MapOptions{PinPath: dir}

	first := mustNewMap(t, spec, opts)
	qt.Assert(t, qt.IsTrue(first.IsPinned()))
	qt.Assert(t, qt.IsNil(first.Put(uint32(1), uint32(2))))

	second := mustNewMap(t, spec, opts)
	qt.Assert(t, qt.IsTrue(second.IsPinned()))
	var value uint32
	qt.Assert(t, qt.IsNil(second.Lookup(uint32(1), &value)), qt.Commentf("both are the same map"))
	qt.Assert(t, qt.Equals(value, 2))

	firstInfo, err := first.Info()
	qt.Assert(t, qt.IsNil(err))
	secondInfo, err := second.Info()
	qt.Assert(t, qt.IsNil(err))
	firstID, _ := firstInfo.ID()
	secondID, _ := secondInfo.ID()
	qt.Assert(t, qt.Equals(firstID, secondID))

	changed := spec.Copy()
	changed.KeySize, changed.ValueSize = 8, 8
	testutils.CheckFDLeaks(t)
	_, err = NewMapWithOptions(changed, *opts)
	qt.Assert(t, qt.ErrorIs(err, ErrMapIncompatible))
	qt.Assert(t, qt.StringContains(err.Error(), "KeySize: 4 changed to 8"))
	qt.Assert(t, qt.StringContains(err.Error(), "ValueSize: 4 changed to 8"))
	qt.Assert(t, qt.StringContains(err.Error(), "use pinned map shared"))
}

func TestMapPinByNameErrors(t *testing.T) {
	testutils.RequirePrivileges(t)
	dir := testutils.TempBPFFS(t)

	_, err := NewMapWithOptions(&MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1, Pinning: PinByName},
		MapOptions{PinPath: dir})
	qt.Assert(t, qt.ErrorMatches(err, "creating map: pin by name: missing Name"))

	_, err = NewMap(&MapSpec{Name: "m", Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1, Pinning: PinByName})
	qt.Assert(t, qt.ErrorMatches(err, "creating map m: pin by name: missing MapOptions.PinPath"))

	_, err = NewMap(&MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1, Pinning: PinType(5)})
	qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))

	_, err = NewMapWithOptions(&MapSpec{Name: "m", Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1, Pinning: PinByName},
		MapOptions{PinPath: t.TempDir()})
	qt.Assert(t, qt.ErrorMatches(err, "creating map m: pin map to .*: .* is not on a bpf filesystem"))

	// Bad flags for the existing pin.
	spec := &MapSpec{Name: "flags", Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1, Pinning: PinByName}
	mustNewMap(t, spec, &MapOptions{PinPath: dir})
	_, err = NewMapWithOptions(spec, MapOptions{PinPath: dir, LoadPinOptions: LoadPinOptions{Flags: math.MaxUint32}})
	qt.Assert(t, qt.ErrorIs(err, unix.EINVAL))
	qt.Assert(t, qt.StringContains(err.Error(), "load pinned map: "))
}

func TestMapPinByNameTypes(t *testing.T) {
	for _, tc := range []struct {
		typ     MapType
		version string
	}{
		{Array, ""},
		{Hash, ""},
		{DevMap, "4.14"},
		{DevMapHash, "5.4"},
	} {
		t.Run(tc.typ.String(), func(t *testing.T) {
			if tc.version != "" {
				testutils.SkipOnOldKernel(t, tc.version, tc.typ.String())
			}
			dir := testutils.TempBPFFS(t)
			spec := &MapSpec{Name: "reopen", Type: tc.typ, KeySize: 4, ValueSize: 4, MaxEntries: 1, Pinning: PinByName}

			mustNewMap(t, spec, &MapOptions{PinPath: dir})
			// The kernel sets BPF_F_RDONLY_PROG on device maps itself.
			reopened := mustNewMap(t, spec, &MapOptions{PinPath: dir})
			qt.Assert(t, qt.IsTrue(reopened.IsPinned()))
		})
	}
}

func TestMapInMapPin(t *testing.T) {
	dir := testutils.TempBPFFS(t)
	spec := &MapSpec{
		Name:       "outer",
		Type:       ArrayOfMaps,
		KeySize:    4,
		MaxEntries: 2,
		Pinning:    PinByName,
		InnerMap:   &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 2},
	}
	first := mustNewMap(t, spec, &MapOptions{PinPath: dir})
	second := mustNewMap(t, spec, &MapOptions{PinPath: dir})
	qt.Assert(t, qt.IsTrue(first.IsPinned()))
	qt.Assert(t, qt.IsTrue(second.IsPinned()))

	loaded, err := LoadPinnedMap(filepath.Join(dir, "outer"), nil)
	qt.Assert(t, qt.IsNil(err))
	defer loaded.Close()
	qt.Assert(t, qt.Equals(loaded.Type(), ArrayOfMaps))
}

// TestMapPinPrivateBPFFS mounts a bpf filesystem of its own and takes a map
// through a whole pinning round trip on it: create and pin by name, reuse,
// load the pin, unpin, and create afresh.
func TestMapPinPrivateBPFFS(t *testing.T) {
	testutils.RequirePrivileges(t)
	dir := t.TempDir()
	if err := unix.Mount("bpf", dir, "bpf", 0, ""); err != nil {
		t.Fatal("mount bpffs:", err)
	}
	// Registered after TempDir's cleanup, so it runs before the removal.
	t.Cleanup(func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			t.Error("unmount bpffs:", err)
		}
	})

	spec := &MapSpec{Name: "private", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 2, Pinning: PinByName}
	opts := &MapOptions{PinPath: dir}

	created, err := NewMapWithOptions(spec, *opts)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsTrue(created.IsPinned()))
	qt.Assert(t, qt.IsNil(created.Put(uint32(1), uint64(42))))
	qt.Assert(t, qt.IsNil(created.Close()))

	// The pin keeps the map alive without any descriptor.
	reused := mustNewMap(t, spec, opts)
	var value uint64
	qt.Assert(t, qt.IsNil(reused.Lookup(uint32(1), &value)))
	qt.Assert(t, qt.Equals(value, 42))

	path := filepath.Join(dir, "private")
	loaded, err := LoadPinnedMap(path, nil)
	qt.Assert(t, qt.IsNil(err))
	defer loaded.Close()
	qt.Assert(t, qt.IsNil(spec.Compatible(loaded)))
	qt.Assert(t, qt.IsNil(loaded.Lookup(uint32(1), &value)))
	qt.Assert(t, qt.Equals(value, 42))

	qt.Assert(t, qt.IsNil(loaded.Unpin()))
	_, err = os.Stat(path)
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))

	fresh := mustNewMap(t, spec, opts)
	qt.Assert(t, qt.ErrorIs(fresh.Lookup(uint32(1), &value), ErrKeyNotExist), qt.Commentf("without the pin, a new map"))
}
