package testutils

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

func clearStrict(t *testing.T) {
	for _, name := range strictEnv {
		t.Setenv(name, "")
	}
}

func TestRequirePrivileges(t *testing.T) {
	RequirePrivileges(t)
}

func TestRequirePrivilegesUnprivileged(t *testing.T) {
	eperm := fmt.Errorf("map create: %w", unix.EPERM)

	clearStrict(t)
	fake := runFake(t, func(tb testing.TB) { requirePrivileges(tb, eperm) })
	qt.Assert(t, qt.IsTrue(fake.skipped), qt.Commentf("%s", fake))
	qt.Assert(t, qt.IsFalse(fake.failed))

	for _, name := range strictEnv {
		t.Run(name, func(t *testing.T) {
			clearStrict(t)
			t.Setenv(name, "1")
			fake := runFake(t, func(tb testing.TB) { requirePrivileges(tb, eperm) })
			qt.Assert(t, qt.IsTrue(fake.failed), qt.Commentf("%s", fake))
			qt.Assert(t, qt.IsFalse(fake.skipped))
		})
	}

	fake = runFake(t, func(tb testing.TB) { requirePrivileges(tb, unix.EINVAL) })
	qt.Assert(t, qt.IsTrue(fake.failed), qt.Commentf("other errors are failures: %s", fake))

	fake = runFake(t, func(tb testing.TB) { requirePrivileges(tb, nil) })
	qt.Assert(t, qt.IsFalse(fake.failed || fake.skipped))
}

func TestSkipIfNotSupported(t *testing.T) {
	kernel, err := internal.KernelVersion()
	qt.Assert(t, qt.IsNil(err))
	future := internal.Version{kernel[0] + 1, 0, 0}

	for _, tc := range []struct {
		name          string
		err           error
		skip, failure bool
	}{
		{"nil", nil, false, false},
		{"unrelated", errors.New("boom"), false, false},
		{"bare", internal.ErrNotSupported, false, true},
		{"wrapped", fmt.Errorf("x: %w", internal.ErrNotSupported), true, false},
		{"newer feature", &internal.UnsupportedFeatureError{Name: "f", MinimumVersion: future}, true, false},
		{"unversioned feature", &internal.UnsupportedFeatureError{Name: "f"}, true, false},
		{"feature the kernel has", &internal.UnsupportedFeatureError{Name: "f", MinimumVersion: internal.Version{3, 0, 0}}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Strict mode does not change the outcome.
			t.Setenv("EBPF_TEST_STRICT", "1")
			fake := runFake(t, func(tb testing.TB) { SkipIfNotSupported(tb, tc.err) })
			qt.Assert(t, qt.Equals(fake.skipped, tc.skip), qt.Commentf("%s", fake))
			qt.Assert(t, qt.Equals(fake.failed, tc.failure), qt.Commentf("%s", fake))
		})
	}

	t.Run("ignored", func(t *testing.T) {
		t.Setenv("EBPF_TEST_IGNORE_KERNEL_VERSION", "other,"+t.Name())
		err := &internal.UnsupportedFeatureError{Name: "f", MinimumVersion: internal.Version{3, 0, 0}}
		fake := runFake(t, func(tb testing.TB) { SkipIfNotSupported(tb, err) })
		qt.Assert(t, qt.IsTrue(fake.skipped), qt.Commentf("%s", fake))
		qt.Assert(t, qt.IsFalse(fake.failed))
	})
}

func TestSkipIfKernelRefuses(t *testing.T) {
	t.Setenv("EBPF_TEST_STRICT", "1")
	const reason = "this VM denies fentry programs"
	eperm := fmt.Errorf("load program: %w", unix.EPERM)

	fake := runFake(t, func(tb testing.TB) { SkipIfKernelRefuses(tb, eperm, reason) })
	qt.Assert(t, qt.IsTrue(fake.skipped), qt.Commentf("%s", fake))
	qt.Assert(t, qt.StringContains(fake.messages[0], "EPERM: "+reason))

	enoent := fmt.Errorf("open kprobe: %w", unix.ENOENT)
	fake = runFake(t, func(tb testing.TB) { SkipIfKernelRefuses(tb, enoent, "no kprobes", unix.ENOENT, unix.EOPNOTSUPP) })
	qt.Assert(t, qt.IsTrue(fake.skipped), qt.Commentf("%s", fake))

	for name, err := range map[string]error{
		"other errno":    fmt.Errorf("x: %w", unix.EINVAL),
		"no errno":       errors.New("plain"),
		"verifier log":   internal.ErrorWithLog("load program", eperm, []byte("0: (85) call bpf_foo#999\nunknown func"), false),
		"unstated errno": enoent,
	} {
		t.Run(name, func(t *testing.T) {
			fake := runFake(t, func(tb testing.TB) { SkipIfKernelRefuses(tb, err, reason) })
			qt.Assert(t, qt.IsTrue(fake.failed), qt.Commentf("%s", fake))
			qt.Assert(t, qt.IsFalse(fake.skipped))
		})
	}

	emptyLog := internal.ErrorWithLog("load program", eperm, nil, false)
	fake = runFake(t, func(tb testing.TB) { SkipIfKernelRefuses(tb, emptyLog, reason) })
	qt.Assert(t, qt.IsTrue(fake.skipped), qt.Commentf("%s", fake))

	fake = runFake(t, func(tb testing.TB) { SkipIfKernelRefuses(tb, eperm, "") })
	qt.Assert(t, qt.IsTrue(fake.failed), qt.Commentf("a reason is mandatory: %s", fake))

	fake = runFake(t, func(tb testing.TB) { SkipIfKernelRefuses(tb, nil, reason) })
	qt.Assert(t, qt.IsFalse(fake.failed || fake.skipped))
}

func TestKernelVersionChecks(t *testing.T) {
	qt.Assert(t, qt.IsFalse(IsKernelLessThan(t, "3.0")))
	qt.Assert(t, qt.IsTrue(IsKernelLessThan(t, "999.0")))

	fake := runFake(t, func(tb testing.TB) { SkipOnOldKernel(tb, "3.0", "old feature") })
	qt.Assert(t, qt.IsFalse(fake.skipped || fake.failed))

	t.Setenv("CI_MAX_KERNEL_VERSION", "")
	fake = runFake(t, func(tb testing.TB) { SkipOnOldKernel(tb, "999.0", "future feature") })
	qt.Assert(t, qt.IsTrue(fake.skipped), qt.Commentf("%s", fake))
	qt.Assert(t, qt.StringContains(fake.messages[0], "future feature"))

	t.Setenv("CI_MAX_KERNEL_VERSION", "998.0")
	fake = runFake(t, func(tb testing.TB) { SkipOnOldKernel(tb, "999.0", "future feature") })
	qt.Assert(t, qt.IsTrue(fake.failed), qt.Commentf("never runs in CI: %s", fake))

	fake = runFake(t, func(tb testing.TB) { IsKernelLessThan(tb, "x") })
	qt.Assert(t, qt.IsTrue(fake.failed))
}

func TestCheckFeatureTest(t *testing.T) {
	CheckFeatureTest(t, func() error { return nil })

	old := &internal.UnsupportedFeatureError{Name: "f", MinimumVersion: internal.Version{3, 0, 0}}
	fake := runFake(t, func(tb testing.TB) { checkFeatureTestResult(tb, old) })
	qt.Assert(t, qt.IsTrue(fake.failed), qt.Commentf("%s", fake))

	future := &internal.UnsupportedFeatureError{Name: "f", MinimumVersion: internal.Version{999, 0, 0}}
	fake = runFake(t, func(tb testing.TB) { checkFeatureTestResult(tb, future) })
	qt.Assert(t, qt.IsFalse(fake.failed), qt.Commentf("%s", fake))

	fake = runFake(t, func(tb testing.TB) { checkFeatureTestResult(tb, errors.New("inconclusive")) })
	qt.Assert(t, qt.IsTrue(fake.failed), qt.Commentf("%s", fake))
}

func TestNativeFile(t *testing.T) {
	want := "testdata/x-el.elf"
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		want = "testdata/x-eb.elf"
	}
	qt.Assert(t, qt.Equals(NativeFile(t, "testdata/x-%s.elf"), want))

	fake := runFake(t, func(tb testing.TB) { NativeFile(tb, "testdata/x.elf") })
	qt.Assert(t, qt.IsTrue(fake.failed))
}

func TestGlobAndFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.elf", "b.elf", "c.txt"} {
		qt.Assert(t, qt.IsNil(os.WriteFile(filepath.Join(dir, name), nil, 0o600)))
	}

	files := Glob(t, filepath.Join(dir, "*.elf"), "b.elf")
	qt.Assert(t, qt.DeepEquals(files, []string{filepath.Join(dir, "a.elf")}))
	qt.Assert(t, qt.HasLen(Glob(t, filepath.Join(dir, "*.elf")), 2))

	var seen []string
	Files(t, Glob(t, filepath.Join(dir, "*")), func(t *testing.T, file string) {
		seen = append(seen, filepath.Base(file))
	})
	qt.Assert(t, qt.DeepEquals(seen, []string{"a.elf", "b.elf", "c.txt"}))

	fake := runFake(t, func(tb testing.TB) { Glob(tb, "[") })
	qt.Assert(t, qt.IsTrue(fake.failed))
}

func TestFilesEmpty(t *testing.T) {
	// Files needs a *testing.T, so its guard is checked on its own.
	empty := Glob(t, filepath.Join(t.TempDir(), "*"))
	fake := runFake(t, func(tb testing.TB) { requireFiles(tb, empty) })
	qt.Assert(t, qt.IsTrue(fake.failed))
}

func TestTempBPFFS(t *testing.T) {
	RequirePrivileges(t)
	dir := TempBPFFS(t)
	fsType, err := internal.FSType(dir)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(fsType, int64(unix.BPF_FS_MAGIC)))

	t.Run("cleanup", func(t *testing.T) {
		fake := &fakeTB{TB: t, name: t.Name()}
		sub := TempBPFFS(fake)
		_, err := os.Stat(sub)
		qt.Assert(t, qt.IsNil(err))
		fake.runCleanups()
		_, err = os.Stat(sub)
		qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
	})
}

func TestRand(t *testing.T) {
	t.Setenv("TEST_SEED", "")
	a, b := Rand(t), Rand(t)
	qt.Assert(t, qt.Equals(a.Int63(), b.Int63()), qt.Commentf("one seed per process"))
}

func TestCheckFDLeaks(t *testing.T) {
	RequirePrivileges(t)

	t.Run("clean", func(t *testing.T) {
		fake := &fakeTB{TB: t, name: t.Name()}
		CheckFDLeaks(fake)
		fd, err := sys.MapCreate(&sys.MapCreateAttr{MapType: sys.BPF_MAP_TYPE_ARRAY, KeySize: 4, ValueSize: 4, MaxEntries: 1})
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.IsNil(fd.Close()))
		fake.runCleanups()
		qt.Assert(t, qt.IsFalse(fake.failed), qt.Commentf("%s", fake))
	})

	t.Run("leak", func(t *testing.T) {
		fake := &fakeTB{TB: t, name: t.Name()}
		CheckFDLeaks(fake)
		fd, err := sys.MapCreate(&sys.MapCreateAttr{MapType: sys.BPF_MAP_TYPE_ARRAY, KeySize: 4, ValueSize: 4, MaxEntries: 1})
		qt.Assert(t, qt.IsNil(err))
		defer fd.Close()
		fake.runCleanups()
		qt.Assert(t, qt.IsTrue(fake.failed), qt.Commentf("%s", fake))
		qt.Assert(t, qt.StringContains(fake.messages[0], "anon_inode:bpf-map"))
	})
}

func TestLockOSThreadToSingleCPU(t *testing.T) {
	t.Run("locked", func(t *testing.T) {
		LockOSThreadToSingleCPU(t)
		var set unix.CPUSet
		qt.Assert(t, qt.IsNil(unix.SchedGetaffinity(0, &set)))
		qt.Assert(t, qt.Equals(set.Count(), 1))
	})
}

func TestMemlockRaised(t *testing.T) {
	var rlim unix.Rlimit
	qt.Assert(t, qt.IsNil(unix.Getrlimit(unix.RLIMIT_MEMLOCK, &rlim)))
	qt.Assert(t, qt.Equals(rlim.Cur, rlim.Max), qt.Commentf("the soft limit is raised as far as allowed"))
}

func TestRequireTool(t *testing.T) {
	clearStrict(t)
	sh, err := exec.LookPath("sh")
	qt.Assert(t, qt.IsNil(err))
	fake := runFake(t, func(tb testing.TB) {
		qt.Assert(t, qt.Equals(RequireTool(tb, "no-such-tool-ebpf", "sh"), sh))
	})
	qt.Assert(t, qt.IsFalse(fake.failed || fake.skipped), qt.Commentf("%s", fake))

	fake = runFake(t, func(tb testing.TB) { RequireTool(tb, "no-such-tool-ebpf") })
	qt.Assert(t, qt.IsTrue(fake.skipped), qt.Commentf("%s", fake))
	qt.Assert(t, qt.StringContains(fake.messages[0], "no-such-tool-ebpf is not installed"))

	for _, name := range strictEnv {
		t.Run(name, func(t *testing.T) {
			clearStrict(t)
			t.Setenv(name, "1")
			fake := runFake(t, func(tb testing.TB) { RequireTool(tb, "no-such-tool-ebpf") })
			qt.Assert(t, qt.IsTrue(fake.failed), qt.Commentf("%s", fake))
			qt.Assert(t, qt.IsFalse(fake.skipped))
		})
	}
}
