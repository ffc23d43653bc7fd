package testutils

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
)

// strictEnv lists the environment variables that forbid skipping for lack
// of privileges.
var strictEnv = []string{"CI", "EBPF_TEST_STRICT"}

// strict reports whether skips for environmental reasons are failures, and
// names the variable that says so.
func strict() (string, bool) {
	for _, name := range strictEnv {
		if os.Getenv(name) != "" {
			return name, true
		}
	}
	return "", false
}

// probePrivileges creates and closes a one-element array map, which any
// process allowed to use bpf(2) can do.
var probePrivileges = sync.OnceValue(func() error {
	fd, err := sys.MapCreate(&sys.MapCreateAttr{
		MapType:    sys.BPF_MAP_TYPE_ARRAY,
		KeySize:    4,
		ValueSize:  4,
		MaxEntries: 1,
	})
	if err != nil {
		return err
	}
	return fd.Close()
})

// RequirePrivileges skips the test if the process may not use bpf(2)
// (EPERM or EACCES when creating a map). If CI or EBPF_TEST_STRICT is set,
// it fails the test instead. Any other probe error fails the test.
func RequirePrivileges(tb testing.TB) {
	tb.Helper()
	requirePrivileges(tb, probePrivileges())
}

func requirePrivileges(tb testing.TB, probeErr error) {
	tb.Helper()
	if probeErr == nil {
		return
	}
	if !errors.Is(probeErr, unix.EPERM) && !errors.Is(probeErr, unix.EACCES) {
		tb.Fatal("probe bpf(2) privileges:", probeErr)
	}

	reason := fmt.Sprintf("bpf(2) is not permitted (%v); run as root or with CAP_BPF", probeErr)
	if name, ok := strict(); ok {
		tb.Fatalf("%s, and %s is set so this cannot be skipped", reason, name)
	}
	tb.Skip(reason)
}
