package sys

import (
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Cmd is a bpf(2) command (enum bpf_cmd).
type Cmd uint32

// MapType is a kernel map type (enum bpf_map_type).
type MapType uint32

// ProgType is a kernel program type (enum bpf_prog_type).
type ProgType uint32

// AttachType is a kernel attach type (enum bpf_attach_type).
type AttachType uint32

// TypeID identifies a type inside one BTF blob.
type TypeID uint32

// BTFID identifies a BTF object loaded into the kernel.
type BTFID uint32

// MapFlags are the map_flags of BPF_MAP_CREATE (BPF_F_*).
type MapFlags uint32

// LogLevel selects what the verifier writes into the log buffer. The values
// are bit flags and may be combined.
type LogLevel uint32

const (
	// BPF_LOG_LEVEL1 logs the verifier's decisions on branches.
	BPF_LOG_LEVEL1 LogLevel = 1 << iota
	// BPF_LOG_LEVEL2 logs every instruction the verifier visits.
	BPF_LOG_LEVEL2
	// BPF_LOG_STATS appends verification statistics.
	BPF_LOG_STATS
)

// BPF_STATS_RUN_TIME is the only stats type of BPF_ENABLE_STATS: it makes
// the kernel account run time and run count of every program.
const BPF_STATS_RUN_TIME uint32 = 0

// BPF_OBJ_NAME_LEN is the size of a kernel object name including its NUL.
const BPF_OBJ_NAME_LEN = 16

// ENOTSUPP is the kernel-internal "operation not supported" errno that some
// bpf(2) commands leak to user space. It has no name in x/sys/unix.
const ENOTSUPP = syscall.Errno(524)

// ErrClosedFd is returned when an operation is attempted on a closed FD.
var ErrClosedFd = unix.EBADF

// maxProgLoadRetries bounds how often BPF_PROG_LOAD is repeated after the
// verifier gave up with EAGAIN because a signal was pending.
const maxProgLoadRetries = 5

// BPF calls bpf(2) with cmd and the attribute at attr of the given size.
//
// It retries on EINTR for every command but BPF_PROG_RUN, and on EAGAIN for
// BPF_PROG_LOAD a bounded number of times. An interrupted BPF_PROG_RUN is
// returned to the caller, which decides whether the runs so far count and
// resets its state before repeating them (Program.Run with RunOptions.Reset). On failure it returns an error that unwraps to the
// syscall.Errno; the first result is then meaningless.
func BPF(cmd Cmd, attr unsafe.Pointer, size uintptr) (uintptr, error) {
	if cmd == BPF_PROG_LOAD || cmd == BPF_PROG_RUN {
		// The verifier and long test runs abort with EAGAIN/EINTR when a
		// signal is pending. The Go profiler's SIGPROF arrives often enough
		// to livelock them, so keep it away from this thread.
		var pm profilerMask
		maskProfilerSignal(&pm)
		defer pm.restore()
	}

	eagain := 0
	for {
		r1, _, errno := unix.Syscall(unix.SYS_BPF, uintptr(cmd), uintptr(attr), size)
		runtime.KeepAlive(attr)

		switch {
		case errno == 0:
			return r1, nil
		case errno == unix.EINTR && cmd != BPF_PROG_RUN:
			continue
		case errno == unix.EAGAIN && cmd == BPF_PROG_LOAD && eagain < maxProgLoadRetries:
			eagain++
			continue
		}
		return r1, wrappedErrno{errno}
	}
}

// wrappedErrno carries the errno of a failed syscall. It is a distinct type
// so that callers cannot compare it with == against a bare errno and must use
// errors.Is, which keeps working when context is added around it.
type wrappedErrno struct {
	syscall.Errno
}

func (we wrappedErrno) Unwrap() error {
	return we.Errno
}

func (we wrappedErrno) Error() string {
	if we.Errno == ENOTSUPP {
		return "operation not supported"
	}
	return we.Errno.Error()
}

// sentinelErrno pairs a package-level sentinel error with the errno that
// produced it, so that both errors.Is(err, sentinel) and
// errors.Is(err, errno) hold.
type sentinelErrno struct {
	sentinel error
	errno    syscall.Errno
}

// Error returns an error that reads like sentinel and matches both sentinel
// and errno with errors.Is. It returns nil if sentinel is nil.
func Error(sentinel error, errno syscall.Errno) error {
	if sentinel == nil {
		return nil
	}
	return &sentinelErrno{sentinel, errno}
}

func (se *sentinelErrno) Error() string {
	return se.sentinel.Error()
}

func (se *sentinelErrno) Unwrap() []error {
	return []error{se.sentinel, wrappedErrno{se.errno}}
}

// ObjName is a kernel object name: at most 15 bytes followed by a NUL.
type ObjName [BPF_OBJ_NAME_LEN]byte

// NewObjName truncates name to 15 bytes and returns it NUL-terminated.
// It never fails; validating the characters is the caller's job.
func NewObjName(name string) ObjName {
	var on ObjName
	copy(on[:BPF_OBJ_NAME_LEN-1], name)
	return on
}

// String returns the name up to its first NUL.
func (on ObjName) String() string {
	return unix.ByteSliceToString(on[:])
}
