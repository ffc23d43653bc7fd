package sys_test

import (
	"testing"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// requireBPF skips without bpf(2) privileges and checks that the test
// closes every descriptor it opens.
func requireBPF(tb testing.TB) {
	tb.Helper()
	testutils.RequirePrivileges(tb)
	if _, ok := tb.(*testing.T); ok {
		testutils.CheckFDLeaks(tb)
	}
}
