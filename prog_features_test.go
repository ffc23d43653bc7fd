package ebpf

import (
	"errors"
	"runtime"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// TestProbesWithoutPrivileges runs the probes on a thread that may not use
// bpf(2): the kernel's EPERM says nothing about the features, so no probe
// may report them unsupported, and a feature test must not remember the
// failure (LOADER.md §7).
func TestProbesWithoutPrivileges(t *testing.T) {
	testutils.RequirePrivileges(t)

	probes := map[string]internal.FeatureTestFn{
		"object names":          probeObjName,
		"dot in object names":   probeObjNameDot,
		"bpf_probe_read_kernel": probeProbeReadKernel,
		"bpf2bpf calls":         probeBPFToBPFCalls,
		"map flags": func() error {
			return probeMapFlags(sys.BPF_MAP_TYPE_ARRAY, unix.BPF_F_MMAPABLE)
		},
	}

	// Probes that depend on object names need the cached answer first.
	qt.Assert(t, qt.IsNil(haveObjName()))

	for name, probe := range probes {
		t.Run(name, func(t *testing.T) {
			err := withoutBPFPrivileges(t, probe)
			qt.Assert(t, qt.ErrorIs(err, unix.EPERM))
			qt.Assert(t, qt.IsFalse(errors.Is(err, ErrNotSupported)))

			feature := internal.NewFeatureTest(name, "1.0", probe)
			err = withoutBPFPrivileges(t, feature)
			qt.Assert(t, qt.ErrorMatches(err, "detect support for .*"))
			qt.Assert(t, qt.IsNil(feature()), qt.Commentf("the inconclusive answer was cached"))
		})
	}
}

// withoutBPFPrivileges calls fn on an OS thread without the capabilities
// that allow bpf(2), and returns its result. It skips the test if bpf(2)
// still works there (unprivileged BPF enabled).
func withoutBPFPrivileges(tb testing.TB, fn func() error) error {
	tb.Helper()

	type result struct{ err, setupErr error }
	done := make(chan result)
	go func() {
		// The thread ends with the goroutine, since it stays locked:
		// its capabilities are never seen by other goroutines.
		runtime.LockOSThread()

		if err := dropBPFCapabilities(); err != nil {
			done <- result{setupErr: err}
			return
		}
		fd, err := sys.MapCreate(&sys.MapCreateAttr{MapType: sys.BPF_MAP_TYPE_ARRAY, KeySize: 4, ValueSize: 4, MaxEntries: 1})
		if err == nil {
			fd.Close()
			done <- result{setupErr: errSkipUnprivileged}
			return
		}
		done <- result{err: fn()}
	}()

	res := <-done
	if errors.Is(res.setupErr, errSkipUnprivileged) {
		tb.Skip("bpf(2) works without privileges here")
	}
	qt.Assert(tb, qt.IsNil(res.setupErr))
	return res.err
}

var errSkipUnprivileged = errors.New("unprivileged bpf(2) works")

// dropBPFCapabilities removes the capabilities that grant bpf(2) from the
// effective set of the calling thread.
func dropBPFCapabilities() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return err
	}
	for _, c := range []uint{unix.CAP_SYS_ADMIN, unix.CAP_BPF, unix.CAP_PERFMON, unix.CAP_NET_ADMIN} {
		data[c/32].Effective &^= 1 << (c % 32)
	}
	return unix.Capset(&hdr, &data[0])
}
