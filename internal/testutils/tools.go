package testutils

import (
	"os/exec"
	"strings"
	"testing"
)

// RequireTool returns the path of the first of names found in PATH: an
// external program (bpftool, llvm-objdump-19, ...) whose output a test
// compares against.
//
// If none is installed it skips the test, or fails it when CI or
// EBPF_TEST_STRICT is set: .ci/run installs these tools, so a strict run
// that lacks one would silently lose the comparison.
func RequireTool(tb testing.TB, names ...string) string {
	tb.Helper()
	if len(names) == 0 {
		tb.Fatal("RequireTool needs at least one program name")
	}
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}

	reason := strings.Join(names, " or ") + " is not installed"
	if name, ok := strict(); ok {
		tb.Fatalf("%s, and %s is set so this cannot be skipped", reason, name)
	}
	tb.Skip(reason)
	return ""
}
