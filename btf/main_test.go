package btf

import (
	"testing"

	"github.com/bpfcore/ebpf/internal/testutils/fdtrace"
)

// TestMain fails the package's tests (exit status 99) when a test leaves a
// BTF handle or another descriptor for the garbage collector to close.
func TestMain(m *testing.M) {
	fdtrace.TestMain(m)
}
