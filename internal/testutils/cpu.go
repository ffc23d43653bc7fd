package testutils

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// LockOSThreadToSingleCPU pins the calling goroutine to its OS thread and
// that thread to one CPU until the test ends, so that per-CPU data written
// by a program ends up in a predictable slot. It fails the test if the
// affinity cannot be changed.
func LockOSThreadToSingleCPU(tb testing.TB) {
	tb.Helper()
	runtime.LockOSThread()
	tb.Cleanup(runtime.UnlockOSThread)

	var old unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		tb.Fatal("get CPU affinity:", err)
	}

	var single unix.CPUSet
	single.Set(firstCPU(&old))
	if err := unix.SchedSetaffinity(0, &single); err != nil {
		tb.Fatal("set CPU affinity:", err)
	}
	tb.Cleanup(func() {
		_ = unix.SchedSetaffinity(0, &old)
	})
}

func firstCPU(set *unix.CPUSet) int {
	for cpu := range len(set) * 64 {
		if set.IsSet(cpu) {
			return cpu
		}
	}
	return 0
}
