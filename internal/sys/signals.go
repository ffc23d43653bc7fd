package sys

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sigsetWordBits is the number of signals per word of unix.Sigset_t, which
// is an array of C unsigned longs.
const sigsetWordBits = int(unsafe.Sizeof(unix.Sigset_t{}.Val[0]) * 8)

// profSigset holds only SIGPROF.
var profSigset = func() (set unix.Sigset_t) {
	sigsetAdd(&set, unix.SIGPROF)
	return set
}()

// sigsetAdd adds signal to set, as sigaddset(3).
func sigsetAdd(set *unix.Sigset_t, signal unix.Signal) {
	bit := int(signal) - 1
	set.Val[bit/sigsetWordBits] |= 1 << (bit % sigsetWordBits)
}

// profilerMask remembers the signal mask to restore after a syscall that
// must not be interrupted by the profiler.
type profilerMask struct {
	old     unix.Sigset_t
	changed bool
}

// maskProfilerSignal locks the goroutine to its OS thread and blocks
// SIGPROF on it. restore undoes both.
//
// If the mask cannot be changed the syscall simply runs unprotected: the
// worst outcome is a retry.
func maskProfilerSignal(pm *profilerMask) {
	runtime.LockOSThread()
	set := profSigset
	pm.changed = unix.PthreadSigmask(unix.SIG_BLOCK, &set, &pm.old) == nil
}

func (pm *profilerMask) restore() {
	if pm.changed {
		// Unblocking a pending SIGPROF delivers it here, which is fine.
		_ = unix.PthreadSigmask(unix.SIG_SETMASK, &pm.old, nil)
	}
	runtime.UnlockOSThread()
}
