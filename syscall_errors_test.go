package ebpf

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
)

func TestWrapMapError(t *testing.T) {
	errnoErr := func(errno unix.Errno) error {
		return fmt.Errorf("syscall: %w", errno)
	}

	err := wrapMapError(errnoErr(unix.ENOENT))
	qt.Assert(t, qt.ErrorIs(err, ErrKeyNotExist))
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT))
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
	qt.Assert(t, qt.Equals(err.Error(), ErrKeyNotExist.Error()))

	err = wrapMapError(errnoErr(unix.EEXIST))
	qt.Assert(t, qt.ErrorIs(err, ErrKeyExist))
	qt.Assert(t, qt.ErrorIs(err, unix.EEXIST))
	qt.Assert(t, qt.Equals(err.Error(), ErrKeyExist.Error()))

	err = wrapMapError(errnoErr(sys.ENOTSUPP))
	qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
	qt.Assert(t, qt.ErrorIs(err, sys.ENOTSUPP))
	qt.Assert(t, qt.Not(qt.Equals(err, ErrNotSupported)), qt.Commentf("never the bare sentinel"))

	err = wrapMapError(errnoErr(unix.E2BIG))
	qt.Assert(t, qt.ErrorIs(err, unix.E2BIG))
	qt.Assert(t, qt.ErrorMatches(err, "key too big for map: .*"))

	other := errnoErr(unix.EPERM)
	qt.Assert(t, qt.Equals(wrapMapError(other), other))
	plain := errors.New("plain")
	qt.Assert(t, qt.Equals(wrapMapError(plain), plain))
	qt.Assert(t, qt.IsNil(wrapMapError(nil)))
}
