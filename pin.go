package ebpf

import (
	"fmt"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// Pinning shared by maps and programs: both keep the path they are pinned
// at next to their FD.

// pinObject pins fd at newPath and records it in pinnedPath. An object
// pinned already is moved (renameat2 with RENAME_NOREPLACE); pinning at the
// current path does nothing.
//
// It returns an error for an empty path, a path outside bpffs or a failed
// pin, and leaves pinnedPath unchanged then.
func pinObject(pinnedPath *string, newPath string, fd *sys.FD) error {
	if err := internal.Pin(*pinnedPath, newPath, fd); err != nil {
		return err
	}
	*pinnedPath = newPath
	return nil
}

// unpinObject removes the pin recorded in pinnedPath and clears it. A pin
// file that is gone already, or an empty pinnedPath, is not an error.
//
// It returns the error of removing the file, and leaves pinnedPath
// unchanged then.
func unpinObject(pinnedPath *string) error {
	if err := internal.Unpin(*pinnedPath); err != nil {
		return fmt.Errorf("unpin %s: %w", *pinnedPath, err)
	}
	*pinnedPath = ""
	return nil
}

// loadPinnedFD opens the object pinned at fileName with the file flags of
// opts, which may be nil.
//
// It returns the kernel's error unchanged apart from naming the path, so
// that errors.Is matches ENOENT (nothing pinned there), EINVAL (bad flags)
// or EPERM.
func loadPinnedFD(fileName string, opts *LoadPinOptions) (*sys.FD, error) {
	fd, err := sys.ObjGet(&sys.ObjGetAttr{
		Pathname:  sys.NewStringPointer(fileName),
		FileFlags: opts.Marshal(),
	})
	if err != nil {
		return nil, fmt.Errorf("open pin %s: %w", fileName, err)
	}
	return fd, nil
}
