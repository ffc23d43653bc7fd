package ebpf

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// pinnable is what Map and Program have in common for pinning.
type pinnable interface {
	Pin(string) error
	Unpin() error
	IsPinned() bool
}

// TestPinSemantics checks that maps and programs pin alike (API.md §1.5,
// §1.7): both go through pin.go.
func TestPinSemantics(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "4.9", "renaming pins")

	for name, open := range map[string]func(testing.TB) (pinnable, *string){
		"map": func(tb testing.TB) (pinnable, *string) {
			m := mustNewMap(tb, hashSpec(1), nil)
			return m, &m.pinnedPath
		},
		"program": func(tb testing.TB) (pinnable, *string) {
			p := mustNewProgram(tb, socketFilterSpec(0), nil)
			return p, &p.pinnedPath
		},
	} {
		t.Run(name, func(t *testing.T) {
			obj, pinnedPath := open(t)
			other, _ := open(t)
			dir := testutils.TempBPFFS(t)
			first, second, taken := filepath.Join(dir, "first"), filepath.Join(dir, "second"), filepath.Join(dir, "taken")

			qt.Assert(t, qt.IsNotNil(obj.Pin("")))
			qt.Assert(t, qt.IsFalse(obj.IsPinned()))
			qt.Assert(t, qt.ErrorMatches(obj.Pin(filepath.Join(t.TempDir(), "x")), ".* is not on a bpf filesystem"))
			qt.Assert(t, qt.IsFalse(obj.IsPinned()))

			qt.Assert(t, qt.IsNil(obj.Pin(first)))
			qt.Assert(t, qt.IsNil(obj.Pin(first)), qt.Commentf("the same path is a no-op"))
			qt.Assert(t, qt.IsNil(obj.Pin(second)))
			qt.Assert(t, qt.IsFalse(exists(first)), qt.Commentf("re-pinning moves the pin"))
			qt.Assert(t, qt.IsTrue(exists(second)))

			qt.Assert(t, qt.IsNil(other.Pin(taken)))
			qt.Assert(t, qt.ErrorIs(obj.Pin(taken), unix.EEXIST))
			qt.Assert(t, qt.Equals(*pinnedPath, second), qt.Commentf("a failed pin keeps the old one"))
			qt.Assert(t, qt.IsTrue(exists(second)))

			// The pin vanished behind our back: pin afresh.
			qt.Assert(t, qt.IsNil(os.Remove(second)))
			qt.Assert(t, qt.IsNil(obj.Pin(first)))
			qt.Assert(t, qt.IsTrue(exists(first)))

			qt.Assert(t, qt.IsNil(obj.Unpin()))
			qt.Assert(t, qt.IsFalse(obj.IsPinned()))
			qt.Assert(t, qt.IsFalse(exists(first)))
			qt.Assert(t, qt.IsNil(obj.Unpin()), qt.Commentf("unpinning an unpinned object"))

			// A pin that can't be removed stays recorded: pretend the
			// object is pinned at a directory that isn't empty.
			busy := t.TempDir()
			qt.Assert(t, qt.IsNil(os.WriteFile(filepath.Join(busy, "file"), nil, 0o600)))
			*pinnedPath = busy
			qt.Assert(t, qt.IsNotNil(obj.Unpin()))
			qt.Assert(t, qt.IsTrue(obj.IsPinned()))
			*pinnedPath = ""

			qt.Assert(t, qt.IsNil(other.Unpin()))
		})
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
