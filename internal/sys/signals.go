package sys

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sigsetWordBits is the number of signals per word of unix.Sigset_t, which
// is an array of C unsigned longs.
const sigsetWordBits = int(unsafe.Sizeof(unix.Sigset_t{}.Val[0]) * 8)

// sigsetAdd adds signal to set, as sigaddset(3).
func sigsetAdd(set *unix.Sigset_t, signal unix.Signal) {
	bit := int(signal) - 1
	set.Val[bit/sigsetWordBits] |= 1 << (bit % sigsetWordBits)
}

// maskProfilerSignal blocks SIGPROF on the current OS thread and locks the
// goroutine to it. The returned function restores the previous mask and
// unlocks the thread.
//
// If the mask cannot be changed the syscall simply runs unprotected: the
// worst outcome is a retry.
func maskProfilerSignal() (restore func()) {
	runtime.LockOSThread()

	var set, old unix.Sigset_t
	sigsetAdd(&set, unix.SIGPROF)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &old); err != nil {
		return runtime.UnlockOSThread
	}

	return func() {
		// Unblocking a pending SIGPROF delivers it here, which is fine.
		_ = unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
		runtime.UnlockOSThread()
	}
}
