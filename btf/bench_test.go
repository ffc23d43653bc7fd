package btf

import (
	"runtime"
	"testing"
)

const vmlinuxPath = "/sys/kernel/btf/vmlinux"

// parseVmlinux is the workload of issue 4: parse the kernel's BTF from
// scratch and look up three well-known types.
func parseVmlinux(tb testing.TB) *Spec {
	spec, err := LoadSpec(vmlinuxPath)
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range []string{"task_struct", "sk_buff", "bpf_prog_type"} {
		if _, err := spec.AnyTypeByName(name); err != nil {
			tb.Fatal(err)
		}
	}
	return spec
}

func BenchmarkParseVmlinux(b *testing.B) {
	skipWithoutVmlinux(b)

	b.ReportAllocs()
	for b.Loop() {
		parseVmlinux(b)
	}
	b.StopTimer()

	b.ReportMetric(liveHeapMiB(func() any { return parseVmlinux(b) }), "live-MiB")
}

// liveHeapMiB returns the heap in use, after garbage collection, while the
// value returned by build is still reachable, minus the heap in use before.
func liveHeapMiB(build func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
}

func skipWithoutVmlinux(tb testing.TB) {
	tb.Helper()
	if _, err := LoadSpec(vmlinuxPath); err != nil {
		tb.Skip("no kernel BTF:", err)
	}
}
