package internal_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
	"github.com/bpfcore/ebpf/internal/testutils/fdtrace"
)

func TestPin(t *testing.T) {
	testutils.RequirePrivileges(t)
	dir := testutils.TempBPFFS(t)

	fd, err := sys.MapCreate(&sys.MapCreateAttr{MapType: sys.BPF_MAP_TYPE_ARRAY, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	qt.Assert(t, qt.IsNil(err))
	defer fd.Close()

	first := filepath.Join(dir, "first")
	qt.Assert(t, qt.IsNil(internal.Pin("", first, fd)))
	qt.Assert(t, qt.IsTrue(exists(first)))
	qt.Assert(t, qt.IsNil(internal.Pin(first, first, fd)), qt.Commentf("same path is a no-op"))

	// Moving a pin removes the old path.
	second := filepath.Join(dir, "second")
	qt.Assert(t, qt.IsNil(internal.Pin(first, second, fd)))
	qt.Assert(t, qt.IsFalse(exists(first)))
	qt.Assert(t, qt.IsTrue(exists(second)))

	// The target must not exist.
	qt.Assert(t, qt.IsNil(internal.Pin("", first, fd)))
	qt.Assert(t, qt.ErrorIs(internal.Pin(first, second, fd), unix.EEXIST))

	// A vanished old pin is replaced by a fresh one.
	qt.Assert(t, qt.IsNil(os.Remove(second)))
	qt.Assert(t, qt.IsNil(os.Remove(first)))
	qt.Assert(t, qt.IsNil(internal.Pin(first, second, fd)))
	qt.Assert(t, qt.IsTrue(exists(second)))

	qt.Assert(t, qt.ErrorMatches(internal.Pin("", "", fd), ".*empty"))
	qt.Assert(t, qt.ErrorMatches(internal.Pin("", filepath.Join(t.TempDir(), "x"), fd), ".* is not on a bpf filesystem"))

	qt.Assert(t, qt.IsNil(internal.Unpin(second)))
	qt.Assert(t, qt.IsFalse(exists(second)))
	qt.Assert(t, qt.IsNil(internal.Unpin(second)), qt.Commentf("a missing pin is not an error"))
	qt.Assert(t, qt.IsNil(internal.Unpin("")))
}

func TestFSType(t *testing.T) {
	testutils.RequirePrivileges(t)
	fsType, err := internal.FSType(testutils.TempBPFFS(t))
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(fsType, int64(unix.BPF_FS_MAGIC)))

	_, err = internal.FSType("/nonexistent")
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func TestMain(m *testing.M) {
	fdtrace.TestMain(m)
}
