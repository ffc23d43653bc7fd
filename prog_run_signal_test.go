package ebpf

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// TestProgramRunInterrupted checks that a long BPF_PROG_RUN interrupted by a
// signal calls RunOptions.Reset and is repeated until it completes.
func TestProgramRunInterrupted(t *testing.T) {
	testutils.RequirePrivileges(t)

	prog := mustNewProgram(t, socketFilterSpec(7), nil)

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid := unix.Gettid()
	pid := unix.Getpid()

	// SIGURG is what the Go runtime uses to preempt goroutines; its handler
	// does nothing harmful when the signal arrives unasked.
	// Interrupt the first few attempts only: every retry starts the runs
	// over, so signalling forever would never let one finish.
	var resets atomic.Int32
	done := make(chan struct{})
	go func() {
		for range 5 {
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
				_ = unix.Tgkill(pid, tid, unix.SIGURG)
			}
		}
	}()

	ret, _, err := prog.Benchmark(make([]byte, 14), 10_000_000, func() { resets.Add(1) })
	close(done)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 7))
	qt.Assert(t, qt.Not(qt.Equals(resets.Load(), 0)), qt.Commentf("the run was never interrupted"))
}
