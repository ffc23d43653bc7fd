package testutils

import (
	"os"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal"
)

// bpffsPath is where bpffs is conventionally mounted.
const bpffsPath = "/sys/fs/bpf"

var mountMu sync.Mutex

// TempBPFFS returns a fresh directory on the bpf filesystem at
// /sys/fs/bpf, mounting it there first if needed. The directory and
// everything pinned in it is removed when the test ends. It fails the test
// if bpffs cannot be mounted or the directory cannot be created.
func TempBPFFS(tb testing.TB) string {
	tb.Helper()
	if err := ensureBPFFS(); err != nil {
		tb.Fatalf("bpffs at %s: %v", bpffsPath, err)
	}

	dir, err := os.MkdirTemp(bpffsPath, "ebpf-test-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			tb.Error(err)
		}
	})
	return dir
}

func ensureBPFFS() error {
	mountMu.Lock()
	defer mountMu.Unlock()

	if fsType, err := internal.FSType(bpffsPath); err == nil && fsType == unix.BPF_FS_MAGIC {
		return nil
	}
	return unix.Mount("bpf", bpffsPath, "bpf", 0, "")
}
