package sys

import (
	"fmt"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// FD owns a file descriptor that refers to a kernel object.
//
// Close releases it. A finalizer closes descriptors whose FD became
// unreachable, but that is a safety net against leaks, not a way to manage
// lifetimes: callers close what they open.
//
// An FD never holds descriptor 0, since bpf(2) reads 0 as "no descriptor" in
// many attribute fields.
type FD struct {
	raw int
	// trace identifies the creation stack recorded while OnLeakFD is
	// active, 0 if none was recorded.
	trace uint64
}

func newFD(value int) *FD {
	fd := &FD{raw: value}
	if tracing.Load() {
		fd.trace = recordTrace()
	}
	runtime.SetFinalizer(fd, (*FD).finalize)
	return fd
}

// NewFD takes ownership of value. Descriptor 0 is duplicated to the lowest
// free descriptor >= 1 and the original is closed.
//
// It returns an error wrapping EBADF for a negative value, or the error of the
// failed duplication (value is closed in that case too).
func NewFD(value int) (*FD, error) {
	if value < 0 {
		return nil, fmt.Errorf("invalid fd %d: %w", value, wrappedErrno{unix.EBADF})
	}

	fd := newFD(value)
	if value != 0 {
		return fd, nil
	}

	dup, err := fd.Dup()
	if closeErr := fd.Close(); err == nil && closeErr != nil {
		_ = dup.Close()
		return nil, closeErr
	}
	return dup, err
}

func (fd *FD) finalize() {
	if fd.raw < 0 {
		return
	}
	reportLeak(fd)
	_ = fd.Close()
}

// Int returns the descriptor, or -1 once the FD is closed.
//
// The caller must keep fd reachable (runtime.KeepAlive) until the kernel is
// done with the number, or the finalizer may close it under its feet.
func (fd *FD) Int() int {
	return fd.raw
}

// Uint returns the descriptor as the kernel's __u32 fields hold it. A closed
// FD yields 0xFFFFFFFF, which the kernel rejects with EBADF.
//
// The same runtime.KeepAlive caveat as for Int applies.
func (fd *FD) Uint() uint32 {
	return uint32(fd.raw)
}

// String returns the descriptor number in decimal.
func (fd *FD) String() string {
	return strconv.Itoa(fd.raw)
}

// Close closes the descriptor. Closing a nil or already closed FD does
// nothing and returns nil. It returns the error of close(2), wrapping the
// errno.
func (fd *FD) Close() error {
	if fd == nil || fd.raw < 0 {
		return nil
	}

	value := fd.disown()
	if err := unix.Close(value); err != nil {
		return fmt.Errorf("close fd %d: %w", value, wrapErrno(err))
	}
	return nil
}

// disown gives up ownership of the descriptor and returns it. The FD reads
// as closed afterwards.
func (fd *FD) disown() int {
	value := fd.raw
	forgetTrace(fd)
	fd.raw = -1
	runtime.SetFinalizer(fd, nil)
	return value
}

// Dup returns a new FD for the same kernel object, with close-on-exec set and
// a descriptor number >= 1.
//
// It returns an error wrapping ErrClosedFd if fd is closed, or the errno of
// fcntl(2).
func (fd *FD) Dup() (*FD, error) {
	if fd.raw < 0 {
		return nil, fmt.Errorf("dup fd: %w", wrappedErrno{ErrClosedFd})
	}

	dup, err := unix.FcntlInt(uintptr(fd.raw), unix.F_DUPFD_CLOEXEC, 1)
	runtime.KeepAlive(fd)
	if err != nil {
		return nil, fmt.Errorf("dup fd %d: %w", fd.raw, wrapErrno(err))
	}
	return newFD(dup), nil
}

// File returns an *os.File named name for a duplicate of the descriptor.
// Closing the file leaves fd open and vice versa.
//
// It returns the error of Dup.
func (fd *FD) File(name string) (*os.File, error) {
	dup, err := fd.Dup()
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(dup.disown()), name), nil
}

// wrapErrno turns a bare errno returned by x/sys/unix into the package's
// wrapped form and leaves other errors alone.
func wrapErrno(err error) error {
	if errno, ok := err.(unix.Errno); ok {
		return wrappedErrno{errno}
	}
	return err
}
