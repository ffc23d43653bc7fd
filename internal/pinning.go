package internal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
)

// Pin makes the object behind fd reachable at newPath on a bpf filesystem.
//
// If the object is already pinned at currentPath, the pin is moved with
// renameat2(RENAME_NOREPLACE), so newPath must not exist; if the old pin has
// vanished, the object is pinned afresh. Pinning to currentPath again does
// nothing. It returns an error for an empty newPath, for a newPath whose
// directory is not on a bpf filesystem, and for a failed pin or move.
func Pin(currentPath, newPath string, fd *sys.FD) error {
	if newPath == "" {
		return errors.New("given pinning path cannot be empty")
	}
	if currentPath == newPath {
		return nil
	}

	fsType, err := FSType(filepath.Dir(newPath))
	if err != nil {
		return err
	}
	if fsType != unix.BPF_FS_MAGIC {
		return fmt.Errorf("%s is not on a bpf filesystem", newPath)
	}

	if currentPath != "" {
		err := unix.Renameat2(unix.AT_FDCWD, currentPath, unix.AT_FDCWD, newPath, unix.RENAME_NOREPLACE)
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("move pin %s to %s: %w", currentPath, newPath, err)
		}
		// The old pin is gone: pin from scratch.
	}

	err = sys.ObjPin(&sys.ObjPinAttr{
		Pathname: sys.NewStringPointer(newPath),
		BpfFd:    fd.Uint(),
	})
	if err != nil {
		return fmt.Errorf("pin to %s: %w", newPath, err)
	}
	return nil
}

// Unpin removes the pin at pinnedPath. An empty path or a pin that is
// already gone is not an error; any other failure of unlink is returned.
func Unpin(pinnedPath string) error {
	if pinnedPath == "" {
		return nil
	}
	err := os.Remove(pinnedPath)
	if err == nil || errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// FSType returns the magic number of the file system holding path, such as
// unix.BPF_FS_MAGIC. It returns the error of statfs(2), naming path.
func FSType(path string) (int64, error) {
	var statfs unix.Statfs_t
	if err := unix.Statfs(path, &statfs); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", path, err)
	}
	return int64(statfs.Type), nil
}
