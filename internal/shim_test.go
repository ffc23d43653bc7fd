package internal_test

import (
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
)

// requireBPF and tempBPFFS stand in for internal/testutils until it exists.
func requireBPF(tb testing.TB) {
	tb.Helper()
	fd, err := sys.MapCreate(&sys.MapCreateAttr{MapType: sys.BPF_MAP_TYPE_ARRAY, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		tb.Skip("bpf(2) not permitted:", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	fd.Close()
}

func tempBPFFS(tb testing.TB) string {
	tb.Helper()
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/bpf", &st); err != nil || st.Type != unix.BPF_FS_MAGIC {
		if err := unix.Mount("bpf", "/sys/fs/bpf", "bpf", 0, ""); err != nil {
			tb.Fatal(err)
		}
	}
	dir, err := os.MkdirTemp("/sys/fs/bpf", "internal-test-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
