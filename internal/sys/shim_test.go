package sys_test

import (
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
)

// requireBPF skips when bpf(2) is not usable. It stands in for
// testutils.RequirePrivileges, which imports this package.
func requireBPF(tb testing.TB) {
	tb.Helper()
	fd, err := sys.MapCreate(&sys.MapCreateAttr{MapType: sys.BPF_MAP_TYPE_ARRAY, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		if os.Getenv("CI") != "" || os.Getenv("EBPF_TEST_STRICT") != "" {
			tb.Fatal("bpf(2) not permitted:", err)
		}
		tb.Skip("bpf(2) not permitted:", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	fd.Close()
}

// tempBPFFS returns a temporary directory on a bpf filesystem.
func tempBPFFS(tb testing.TB) string {
	tb.Helper()
	const mnt = "/sys/fs/bpf"
	var st unix.Statfs_t
	if err := unix.Statfs(mnt, &st); err != nil || st.Type != unix.BPF_FS_MAGIC {
		if err := unix.Mount("bpf", mnt, "bpf", 0, ""); err != nil {
			tb.Fatalf("mount bpffs at %s: %v", mnt, err)
		}
	}
	dir, err := os.MkdirTemp(mnt, "sys-test-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
