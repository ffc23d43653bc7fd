package kallsyms

import (
	"fmt"
	"testing"
)

// BenchmarkKernelModule looks up the functions of the 100 kprobes of
// testdata/manyprogs, which the kernel doesn't have, as the first load of
// that object does: cold, right after the cache was dropped, and warm.
func BenchmarkKernelModule(b *testing.B) {
	fns := make([]string, 100)
	for i := range fns {
		fns[i] = fmt.Sprintf("sys_execve%d", i)
	}
	lookup := func(b *testing.B) {
		for _, fn := range fns {
			if _, err := KernelModule(fn); err != nil {
				b.Skip(err)
			}
		}
	}

	b.Run("cold 100 functions", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			FlushKernelModuleCache()
			lookup(b)
		}
	})
	b.Run("warm 100 functions", func(b *testing.B) {
		lookup(b)
		b.ReportAllocs()
		for b.Loop() {
			lookup(b)
		}
	})
}
