package ebpf

import (
	"sync"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// TestSharedKernelSpecConcurrentLoads loads CO-RE programs from several
// goroutines at once, right after the kernel BTF cache was dropped, so that
// they decode and read the shared kernel Spec at the same time (run with
// -race).
func TestSharedKernelSpecConcurrentLoads(t *testing.T) {
	testutils.RequirePrivileges(t)
	full := loadTestdataSpec(t, "manyprogs")

	spec := full.Copy()
	spec.Programs = make(map[string]*ProgramSpec)
	for name, prog := range full.Programs {
		spec.Programs[name] = prog
		if len(spec.Programs) == 5 {
			break
		}
	}

	btf.FlushKernelSpec()

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			coll, err := NewCollection(spec)
			if err == nil {
				coll.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()

	for _, err := range errs {
		qt.Assert(t, qt.IsNil(err))
	}
}
