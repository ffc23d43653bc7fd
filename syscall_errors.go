package ebpf

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
)

// wrapMapError translates the errno of a map syscall into the package's
// sentinels, once and in one place, so that callers can match them with
// errors.Is without knowing errnos:
//
//   - ENOENT matches ErrKeyNotExist (and still ENOENT, hence os.ErrNotExist);
//   - EEXIST matches ErrKeyExist and EEXIST;
//   - the kernel-internal ENOTSUPP matches ErrNotSupported and ENOTSUPP;
//   - E2BIG is prefixed with "key too big for map".
//
// Translated errors read as the sentinel. Other errors, and nil, are
// returned unchanged.
func wrapMapError(err error) error {
	if err == nil {
		return nil
	}

	var errno unix.Errno
	if !errors.As(err, &errno) {
		return err
	}

	switch errno {
	case unix.ENOENT:
		return sys.Error(ErrKeyNotExist, unix.ENOENT)
	case unix.EEXIST:
		return sys.Error(ErrKeyExist, unix.EEXIST)
	case sys.ENOTSUPP:
		return sys.Error(ErrNotSupported, sys.ENOTSUPP)
	case unix.E2BIG:
		return fmt.Errorf("key too big for map: %w", err)
	}
	return err
}
