package testutils

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal"
)

// SkipIfNotSupported skips the test if err says the kernel lacks a feature,
// and does nothing if it does not.
//
// It fails the test instead
//   - for a bare internal.ErrNotSupported, which names no feature and so
//     cannot be checked;
//   - for an *internal.UnsupportedFeatureError whose minimum version the
//     running kernel meets: the feature should be there, so the probe or
//     the code is wrong. EBPF_TEST_IGNORE_KERNEL_VERSION, a comma-separated
//     list of test names, waives this check for backported kernels.
//
// Such skips are allowed in strict mode: the kernel itself lacks the
// feature.
func SkipIfNotSupported(tb testing.TB, err error) {
	tb.Helper()
	if err == nil || !errors.Is(err, internal.ErrNotSupported) {
		return
	}
	if err == internal.ErrNotSupported {
		tb.Fatal("bare ErrNotSupported does not name the missing feature")
	}

	var ufe *internal.UnsupportedFeatureError
	if errors.As(err, &ufe) {
		checkKernelVersion(tb, ufe)
	}
	tb.Skip(err.Error())
}

// checkKernelVersion fails the test if ufe claims a feature is missing on a
// kernel that should have it.
func checkKernelVersion(tb testing.TB, ufe *internal.UnsupportedFeatureError) {
	tb.Helper()
	if ufe.MinimumVersion.Unspecified() {
		return
	}

	kernel, err := internal.KernelVersion()
	if err != nil {
		tb.Fatal(err)
	}
	if kernel.Less(ufe.MinimumVersion) {
		return
	}

	ignored := strings.Split(os.Getenv("EBPF_TEST_IGNORE_KERNEL_VERSION"), ",")
	if slices.Contains(ignored, tb.Name()) {
		tb.Logf("kernel %s should support %s; ignored because of EBPF_TEST_IGNORE_KERNEL_VERSION", kernel, ufe.Name)
		return
	}
	tb.Fatalf("%s, but kernel %s is newer: the feature should be supported", ufe, kernel)
}

// SkipIfKernelRefuses skips the test if err is a known refusal of the
// running kernel that no code change can fix, such as a VM without kprobes
// or one that denies fentry/fexit/LSM programs.
//
// The refusal must be stated: err must carry one of errnos (EPERM if none
// is given), and if err is a *internal.VerifierError its log must be empty,
// since a log means the verifier looked at the program and the rejection is
// about the program, not the environment. reason says why this environment
// refuses. The skip message names the errno and the reason; the skip holds
// in strict mode too. A nil err does nothing; any other err fails the test.
func SkipIfKernelRefuses(tb testing.TB, err error, reason string, errnos ...syscall.Errno) {
	tb.Helper()
	if err == nil {
		return
	}
	if reason == "" {
		tb.Fatal("SkipIfKernelRefuses needs a reason; got error:", err)
	}
	if len(errnos) == 0 {
		errnos = []syscall.Errno{unix.EPERM}
	}

	var errno syscall.Errno
	if !errors.As(err, &errno) || !slices.Contains(errnos, errno) {
		tb.Fatalf("%v (not the refusal %s expected because %s)", err, errnoNames(errnos), reason)
	}

	var ve *internal.VerifierError
	if errors.As(err, &ve) && len(ve.Log) > 0 {
		tb.Fatalf("%+v\n(the verifier rejected the program: this is not the environment's refusal %s because %s)", err, errnoNames(errnos), reason)
	}

	tb.Skipf("kernel refuses with %s: %s: %v", unix.ErrnoName(errno), reason, err)
}

func errnoNames(errnos []syscall.Errno) string {
	names := make([]string, 0, len(errnos))
	for _, errno := range errnos {
		name := unix.ErrnoName(errno)
		if name == "" {
			name = fmt.Sprintf("errno %d", int(errno))
		}
		names = append(names, name)
	}
	return strings.Join(names, "/")
}

// IsKernelLessThan reports whether the running kernel is older than
// minVersion ("5.9"). It fails the test if either version is unknown.
func IsKernelLessThan(tb testing.TB, minVersion string) bool {
	tb.Helper()
	minimum, err := internal.NewVersion(minVersion)
	if err != nil {
		tb.Fatal(err)
	}
	kernel, err := internal.KernelVersion()
	if err != nil {
		tb.Fatal(err)
	}
	return kernel.Less(minimum)
}

// SkipOnOldKernel skips the test if the running kernel is older than
// minVersion, which introduced feature. If CI_MAX_KERNEL_VERSION is set and
// older than minVersion too, the test could never run in that CI and fails
// instead.
func SkipOnOldKernel(tb testing.TB, minVersion, feature string) {
	tb.Helper()
	if !IsKernelLessThan(tb, minVersion) {
		return
	}

	if ciMax := os.Getenv("CI_MAX_KERNEL_VERSION"); ciMax != "" {
		maxVersion, err := internal.NewVersion(ciMax)
		if err != nil {
			tb.Fatal("CI_MAX_KERNEL_VERSION:", err)
		}
		minimum, _ := internal.NewVersion(minVersion)
		if maxVersion.Less(minimum) {
			tb.Fatalf("test needs kernel %s for %s but CI_MAX_KERNEL_VERSION is %s: it never runs", minimum, feature, maxVersion)
		}
	}
	tb.Skipf("test requires at least kernel %s (for %s)", minVersion, feature)
}

// CheckFeatureTest runs a feature probe and checks that its answer is
// consistent with the running kernel: supported, or unsupported on a kernel
// older than the feature's minimum version. Inconclusive probes fail.
func CheckFeatureTest(t *testing.T, fn func() error) {
	t.Helper()
	checkFeatureTestResult(t, fn())
}

func checkFeatureTestResult(tb testing.TB, err error) {
	tb.Helper()
	if err == nil {
		return
	}

	var ufe *internal.UnsupportedFeatureError
	if !errors.As(err, &ufe) {
		tb.Fatal("feature probe failed:", err)
	}
	checkKernelVersion(tb, ufe)
	tb.Log(err)
}
