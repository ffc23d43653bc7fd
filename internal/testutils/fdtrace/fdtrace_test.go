package fdtrace

import (
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
)

type fakeM func() int

func (f fakeM) Run() int { return f() }

func pipeFD(t *testing.T) *sys.FD {
	var fds [2]int
	qt.Assert(t, qt.IsNil(unix.Pipe2(fds[:], unix.O_CLOEXEC)))
	t.Cleanup(func() { unix.Close(fds[1]) })
	fd, err := sys.NewFD(fds[0])
	qt.Assert(t, qt.IsNil(err))
	return fd
}

func TestRunClean(t *testing.T) {
	code := run(fakeM(func() int {
		fd := pipeFD(t)
		qt.Check(t, qt.IsNil(fd.Close()))
		return 3
	}))
	qt.Assert(t, qt.Equals(code, 3), qt.Commentf("the tests' own status is kept"))
}

func TestRunLeak(t *testing.T) {
	var kept *sys.FD
	code := run(fakeM(func() int {
		kept = pipeFD(t)
		return 0
	}))
	qt.Assert(t, qt.Equals(code, LeakExitCode))
	qt.Assert(t, qt.IsNil(kept.Close()))
}
