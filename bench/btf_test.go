// Package bench compares this module with github.com/cilium/ebpf v0.15.0 in
// the same run. It is a separate module so that the main one doesn't depend
// on cilium/ebpf.
package bench

import (
	"os"
	"runtime"
	"syscall"
	"testing"

	bpfcore "github.com/bpfcore/ebpf/btf"
	cilium "github.com/cilium/ebpf/btf"
)

const vmlinux = "/sys/kernel/btf/vmlinux"

// The workload of issue 4: parse the kernel's BTF from scratch, then look
// up three well-known types.
var lookups = []string{"task_struct", "sk_buff", "bpf_prog_type"}

func parseBpfcore(tb testing.TB) any {
	spec, err := bpfcore.LoadSpec(vmlinux)
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range lookups {
		if _, err := spec.AnyTypeByName(name); err != nil {
			tb.Fatal(err)
		}
	}
	return spec
}

func parseCilium(tb testing.TB) any {
	spec, err := cilium.LoadSpec(vmlinux)
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range lookups {
		if _, err := spec.AnyTypeByName(name); err != nil {
			tb.Fatal(err)
		}
	}
	return spec
}

func BenchmarkVmlinux(b *testing.B) {
	if _, err := os.Stat(vmlinux); err != nil {
		b.Skip("no kernel BTF:", err)
	}

	for _, lib := range []struct {
		name  string
		parse func(testing.TB) any
	}{
		{"bpfcore", parseBpfcore},
		{"cilium-v0.15.0", parseCilium},
	} {
		b.Run(lib.name, func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				lib.parse(b)
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(liveHeapMiB(func() any { return lib.parse(b) }), "live-MiB")
		})
	}
}

// cpuTime returns the user and system CPU time the process has used, in
// nanoseconds. Unlike ns/op it includes the garbage collector's background
// work and excludes time spent waiting for a CPU, which makes it the steadier
// figure on a busy machine.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// liveHeapMiB returns how much the heap in use after garbage collection
// grows while the value returned by build is reachable.
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
