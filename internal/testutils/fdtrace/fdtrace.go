// Package fdtrace turns leaked file descriptors of the library into test
// failures.
package fdtrace

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/bpfcore/ebpf/internal/sys"
)

// LeakExitCode is the exit status of a test binary whose tests leaked FDs.
const LeakExitCode = 99

// TestMain runs the tests of a package with FD leak tracing and exits. Use
// it as the package's TestMain:
//
//	func TestMain(m *testing.M) { fdtrace.TestMain(m) }
//
// Every sys.FD created during the tests that is closed by the garbage
// collector instead of Close, or still open when the tests finish, is
// reported on stderr with the stack that created it, and the process exits
// with LeakExitCode instead of the tests' own status.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m interface{ Run() int }) int {
	var leaks atomic.Int64
	sys.OnLeakFD(func(frames *runtime.Frames) {
		leaks.Add(1)
		fmt.Fprintf(os.Stderr, "leaked fd created at:\n%s\n", sys.FormatFrames(frames))
	})

	code := m.Run()
	sys.OnLeakFD(nil)

	if n := leaks.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "fdtrace: %d fd(s) leaked\n", n)
		return LeakExitCode
	}
	return code
}
