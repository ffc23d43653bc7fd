package sys

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"
)

func pipe(tb testing.TB) (r, w int) {
	tb.Helper()
	var fds [2]int
	qt.Assert(tb, qt.IsNil(unix.Pipe2(fds[:], unix.O_CLOEXEC)))
	return fds[0], fds[1]
}

func isOpen(fd int) bool {
	_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil
}

func TestNewFDZero(t *testing.T) {
	// Park the real stdin, put a pipe at 0, and restore stdin afterwards.
	stdin, err := unix.FcntlInt(0, unix.F_DUPFD_CLOEXEC, 1)
	qt.Assert(t, qt.IsNil(err))
	defer func() {
		qt.Check(t, qt.IsNil(unix.Dup3(stdin, 0, 0)))
		unix.Close(stdin)
	}()

	r, w := pipe(t)
	defer unix.Close(w)
	qt.Assert(t, qt.IsNil(unix.Dup3(r, 0, 0)))
	unix.Close(r)

	fd, err := NewFD(0)
	qt.Assert(t, qt.IsNil(err))
	defer fd.Close()
	qt.Assert(t, qt.Not(qt.Equals(fd.Int(), 0)))
	qt.Assert(t, qt.IsFalse(isOpen(0)), qt.Commentf("NewFD(0) must close descriptor 0"))

	flags, err := unix.FcntlInt(uintptr(fd.Int()), unix.F_GETFD, 0)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(flags&unix.FD_CLOEXEC, unix.FD_CLOEXEC))
}

func TestNewFDInvalid(t *testing.T) {
	_, err := NewFD(-1)
	qt.Assert(t, qt.ErrorIs(err, unix.EBADF))
}

func TestFDClose(t *testing.T) {
	r, w := pipe(t)
	defer unix.Close(w)

	fd, err := NewFD(r)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(fd.Int(), r))
	qt.Assert(t, qt.Equals(fd.String(), fd.String()))

	qt.Assert(t, qt.IsNil(fd.Close()))
	qt.Assert(t, qt.IsFalse(isOpen(r)))
	qt.Assert(t, qt.IsNil(fd.Close()), qt.Commentf("Close is idempotent"))
	qt.Assert(t, qt.Equals(fd.Int(), -1))
	qt.Assert(t, qt.Equals(fd.Uint(), 0xFFFFFFFF))
	qt.Assert(t, qt.Equals(fd.String(), "-1"))

	_, err = fd.Dup()
	qt.Assert(t, qt.ErrorIs(err, ErrClosedFd))

	var nilFD *FD
	qt.Assert(t, qt.IsNil(nilFD.Close()))
}

func TestFDDupAndFile(t *testing.T) {
	r, w := pipe(t)
	defer unix.Close(w)
	fd, err := NewFD(r)
	qt.Assert(t, qt.IsNil(err))
	defer fd.Close()

	dup, err := fd.Dup()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Not(qt.Equals(dup.Int(), fd.Int())))
	qt.Assert(t, qt.IsNil(dup.Close()))
	qt.Assert(t, qt.IsTrue(isOpen(fd.Int())))

	file, err := fd.File("pipe")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(file.Name(), "pipe"))
	qt.Assert(t, qt.Not(qt.Equals(int(file.Fd()), fd.Int())))
	qt.Assert(t, qt.IsNil(file.Close()))
	qt.Assert(t, qt.IsTrue(isOpen(fd.Int())), qt.Commentf("closing the File must not close the FD"))
}

func TestFDFinalizer(t *testing.T) {
	r, w := pipe(t)
	defer unix.Close(w)

	func() {
		_, err := NewFD(r)
		qt.Assert(t, qt.IsNil(err))
	}()
	waitFor(t, func() bool { return !isOpen(r) })
}

// waitFor runs the garbage collector until cond holds or a second passed.
func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		runtime.GC()
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	tb.Fatal("condition not reached")
}

func TestOnLeakFD(t *testing.T) {
	leaks := make(chan string, 10)
	OnLeakFD(func(frames *runtime.Frames) { leaks <- FormatFrames(frames) })
	defer OnLeakFD(nil)

	// Leaked: only the finalizer closes it.
	r1, w1 := pipe(t)
	defer unix.Close(w1)
	func() {
		_, err := NewFD(r1)
		qt.Assert(t, qt.IsNil(err))
	}()
	waitFor(t, func() bool { return len(leaks) > 0 })
	qt.Assert(t, qt.StringContains(<-leaks, "TestOnLeakFD"))

	// Closed properly: not reported.
	r2, w2 := pipe(t)
	defer unix.Close(w2)
	closed, err := NewFD(r2)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(closed.Close()))

	// Still open when tracing stops: reported.
	r3, w3 := pipe(t)
	defer unix.Close(w3)
	open, err := NewFD(r3)
	qt.Assert(t, qt.IsNil(err))
	defer open.Close()

	OnLeakFD(nil)
	qt.Assert(t, qt.Equals(len(leaks), 1))
	qt.Assert(t, qt.StringContains(<-leaks, "fd_test.go"))
}

func TestFormatFrames(t *testing.T) {
	pcs := make([]uintptr, 1)
	runtime.Callers(1, pcs)
	out := FormatFrames(runtime.CallersFrames(pcs))
	qt.Assert(t, qt.IsTrue(strings.HasPrefix(out, "github.com/bpfcore/ebpf/internal/sys.TestFormatFrames\n\t")), qt.Commentf("%q", out))
}

func TestObjName(t *testing.T) {
	name := NewObjName("a_name_longer_than_fifteen_bytes")
	qt.Assert(t, qt.Equals(name.String(), "a_name_longer_t"))
	qt.Assert(t, qt.Equals(name[15], 0))
	qt.Assert(t, qt.Equals(NewObjName("short").String(), "short"))
}

func TestWrappedErrno(t *testing.T) {
	var err error = wrappedErrno{unix.ENOENT}
	qt.Assert(t, qt.IsFalse(err == unix.ENOENT))
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT))
	qt.Assert(t, qt.Equals(err.Error(), unix.ENOENT.Error()))
	qt.Assert(t, qt.Equals(error(wrappedErrno{ENOTSUPP}).Error(), "operation not supported"))
}

func TestError(t *testing.T) {
	sentinel := errors.New("key does not exist")
	err := Error(sentinel, unix.ENOENT)
	qt.Assert(t, qt.ErrorIs(err, sentinel))
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT))
	qt.Assert(t, qt.Equals(err.Error(), "key does not exist"))
	var errno unix.Errno
	qt.Assert(t, qt.ErrorAs(err, &errno))
	qt.Assert(t, qt.Equals(errno, unix.ENOENT))
	qt.Assert(t, qt.IsNil(Error(nil, unix.ENOENT)))
}

func TestPointers(t *testing.T) {
	qt.Assert(t, qt.IsTrue(NewSlicePointer(nil).IsNil()))
	qt.Assert(t, qt.IsTrue(NewSlicePointer([]byte{}).IsNil()))
	buf := []byte{1, 2, 3}
	p, n := NewSlicePointerLen(buf)
	qt.Assert(t, qt.Equals(p.Unsafe(), unsafe.Pointer(&buf[0])))
	qt.Assert(t, qt.Equals(n, 3))

	str := NewStringPointer("abc")
	qt.Assert(t, qt.Equals(string((*[4]byte)(str.Unsafe())[:]), "abc\x00"))
	qt.Assert(t, qt.IsTrue(NewStringPointer("a\x00b").IsNil()))
}

func TestMaskProfilerSignal(t *testing.T) {
	blocked := func() bool {
		var cur unix.Sigset_t
		qt.Assert(t, qt.IsNil(unix.PthreadSigmask(unix.SIG_BLOCK, nil, &cur)))
		bit := int(unix.SIGPROF) - 1
		return cur.Val[bit/sigsetWordBits]&(1<<(bit%sigsetWordBits)) != 0
	}

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	qt.Assert(t, qt.IsFalse(blocked()))
	var pm profilerMask
	maskProfilerSignal(&pm)
	qt.Assert(t, qt.IsTrue(blocked()))
	pm.restore()
	qt.Assert(t, qt.IsFalse(blocked()))
}
