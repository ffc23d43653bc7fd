package ebpf

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// TestMapCreateErrors checks that failing creations name the map, explain
// the usual mistakes and leave no descriptor behind.
func TestMapCreateErrors(t *testing.T) {
	testutils.RequirePrivileges(t)

	for _, tc := range []struct {
		name  string
		spec  *MapSpec
		errno unix.Errno
		match string
	}{
		{"zero key size", &MapSpec{Name: "nokey", Type: Hash, ValueSize: 4, MaxEntries: 1},
			unix.EINVAL, `creating map nokey: map create: invalid argument \(without BTF k/v\)`},
		{"zero max entries", &MapSpec{Name: "noentries", Type: Hash, KeySize: 4, ValueSize: 4},
			unix.EINVAL, `.*\(MaxEntries may be incorrectly set to zero\)`},
		{"unspecified type", &MapSpec{Name: "untyped", KeySize: 4, ValueSize: 4, MaxEntries: 1},
			unix.EINVAL, "creating map untyped: map create: cannot use type UnspecifiedMap: invalid argument"},
		{"unknown type", &MapSpec{Name: "unknown", Type: MapType(200), KeySize: 4, ValueSize: 4, MaxEntries: 1},
			unix.EINVAL, "creating map unknown: map create: .*"},
		{"no prealloc on array", &MapSpec{Name: "noprealloc", Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: unix.BPF_F_NO_PREALLOC},
			unix.EINVAL, ".*BPF_F_NO_PREALLOC may be incompatible with map type Array.*"},
		{"huge value", &MapSpec{Name: "huge", Type: Array, KeySize: 4, ValueSize: 1 << 31, MaxEntries: 1},
			0, "creating map huge: map create: .*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testutils.CheckFDLeaks(t)
			m, err := NewMap(tc.spec)
			qt.Assert(t, qt.IsNil(m))
			qt.Assert(t, qt.ErrorMatches(err, tc.match))
			if tc.errno != 0 {
				qt.Assert(t, qt.ErrorIs(err, tc.errno))
			}
		})
	}

	t.Run("nil spec", func(t *testing.T) {
		_, err := NewMap(nil)
		qt.Assert(t, qt.ErrorMatches(err, "creating map: nil MapSpec"))
	})
}

func TestMapCreateExtra(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := &MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1, Extra: bytes.NewReader([]byte{0, 0, 1, 0})}
	_, err := NewMap(spec)
	qt.Assert(t, qt.ErrorMatches(err, "creating map: extra contains unhandled non-zero bytes"))
	qt.Assert(t, qt.Equals(spec.Extra.Len(), 4), qt.Commentf("the spec's reader is left alone"))

	spec.Extra = bytes.NewReader(make([]byte, 8))
	m := mustNewMap(t, spec, nil)
	qt.Assert(t, qt.Equals(m.KeySize(), 4))
	// A second map from the same spec checks the same bytes again.
	mustNewMap(t, spec, nil)
}

// TestMapCreateUnprivileged drops the capabilities that allow bpf(2) on
// this thread only and checks the EPERM explanation.
func TestMapCreateUnprivileged(t *testing.T) {
	testutils.RequirePrivileges(t)
	if v, _ := readSysctl("/proc/sys/kernel/unprivileged_bpf_disabled"); v == "0" {
		t.Skip("unprivileged bpf(2) is allowed here")
	}
	testutils.CheckFDLeaks(t)

	// Run the probes NewMap consults while privileged: they must not
	// remember an answer made up from EPERM.
	_ = haveObjName()

	err := withoutBPFCapabilities(t, func() error {
		_, err := NewMap(&MapSpec{Name: "unprivileged", Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1})
		return err
	})
	qt.Assert(t, qt.ErrorIs(err, unix.EPERM))
	qt.Assert(t, qt.ErrorMatches(err, "creating map unprivileged: map create: operation not permitted \\((needs CAP_BPF or CAP_SYS_ADMIN|MEMLOCK may be too low.*)\\)"))
}

func readSysctl(path string) (string, error) {
	data, err := readFileTrimmed(path)
	return data, err
}

// withoutBPFCapabilities runs fn on a thread whose effective capabilities
// lack CAP_SYS_ADMIN and CAP_BPF; they stay permitted, so they can be raised
// again afterwards. A thread that can't be restored is never reused.
func withoutBPFCapabilities(tb testing.TB, fn func() error) error {
	tb.Helper()
	runtime.LockOSThread()

	header := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var saved [2]unix.CapUserData
	if err := unix.Capget(&header, &saved[0]); err != nil {
		runtime.UnlockOSThread()
		tb.Fatal("capget:", err)
	}

	dropped := saved
	for _, capability := range []uint{unix.CAP_SYS_ADMIN, unix.CAP_BPF} {
		dropped[capability/32].Effective &^= 1 << (capability % 32)
	}
	if err := unix.Capset(&header, &dropped[0]); err != nil {
		runtime.UnlockOSThread()
		tb.Fatal("capset:", err)
	}

	err := fn()

	if restoreErr := unix.Capset(&header, &saved[0]); restoreErr != nil {
		// Keep the thread locked: it dies with the goroutine.
		tb.Fatal("restore capabilities:", restoreErr)
	}
	runtime.UnlockOSThread()
	return err
}

func TestMapSpecCompatible(t *testing.T) {
	m := mustNewMap(t, &MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 2, Flags: unix.BPF_F_NO_PREALLOC}, nil)

	same := &MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 2, Flags: unix.BPF_F_NO_PREALLOC}
	qt.Assert(t, qt.IsNil(same.Compatible(m)))

	different := &MapSpec{Type: Array, KeySize: 8, ValueSize: 8, MaxEntries: 3}
	err := different.Compatible(m)
	qt.Assert(t, qt.ErrorIs(err, ErrMapIncompatible))
	qt.Assert(t, qt.Equals(err.Error(),
		"Type: Hash changed to Array, KeySize: 4 changed to 8, ValueSize: 4 changed to 8, "+
			"MaxEntries: 2 changed to 3, Flags: 1 changed to 0: map spec is incompatible with existing map"))

	qt.Assert(t, qt.ErrorIs(same.Compatible(nil), ErrMapIncompatible))

	inMap := mustNewMap(t, &MapSpec{Type: HashOfMaps, KeySize: 4, MaxEntries: 1, InnerMap: hashSpec(1)}, nil)
	qt.Assert(t, qt.IsNil((&MapSpec{Type: HashOfMaps, KeySize: 4, MaxEntries: 1}).Compatible(inMap)),
		qt.Commentf("ValueSize 0 is fixed up to 4"))
}

func readFileTrimmed(path string) (string, error) {
	data, err := os.ReadFile(path)
	return strings.TrimSpace(string(data)), err
}
