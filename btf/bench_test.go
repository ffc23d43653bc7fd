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

// vmlinuxSpec loads the kernel's BTF and looks up task_struct, skipping the
// benchmark if there is none.
func vmlinuxSpec(b *testing.B) (*Spec, Type) {
	b.Helper()
	spec, err := LoadSpec(vmlinuxPath)
	if err != nil {
		b.Skip("no kernel BTF:", err)
	}
	task, err := spec.AnyTypeByName("task_struct")
	if err != nil {
		b.Fatal(err)
	}
	return spec, task
}

func BenchmarkSpecTypeByID(b *testing.B) {
	spec, task := vmlinuxSpec(b)
	id, err := spec.TypeID(task)
	if err != nil {
		b.Fatal(err)
	}

	b.Run("decoded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := spec.TypeByID(id); err != nil {
				b.Fatal(err)
			}
		}
	})

	// Decoding an ID from scratch, with everything it refers to, in a
	// fresh copy of the Spec each time.
	b.Run("cold", func(b *testing.B) {
		fresh, err := LoadSpec(vmlinuxPath)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fresh.Copy().TypeByID(id); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSpecCopy(b *testing.B) {
	spec, _ := vmlinuxSpec(b)
	b.ReportAllocs()
	for b.Loop() {
		spec.Copy()
	}
}

func BenchmarkCopy(b *testing.B) {
	_, task := vmlinuxSpec(b)
	b.ReportAllocs()
	for b.Loop() {
		Copy(task)
	}
}

func BenchmarkUnderlyingType(b *testing.B) {
	b.Run("no unwrapping", func(b *testing.B) {
		v := &Int{}
		b.ReportAllocs()
		for b.Loop() {
			UnderlyingType(v)
		}
	})

	b.Run("single unwrapping", func(b *testing.B) {
		v := &Typedef{Type: &Int{}}
		b.ReportAllocs()
		for b.Loop() {
			UnderlyingType(v)
		}
	})
}

func BenchmarkStringTableZeroLookup(b *testing.B) {
	st, err := newStringTable([]byte("\x00foo\x00"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.lookup(0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPostorderTraversal(b *testing.B) {
	_, task := vmlinuxSpec(b)
	b.ReportAllocs()
	for b.Loop() {
		visitInPostorder(task, nil, func(Type) bool { return true })
	}
}

func BenchmarkWalk(b *testing.B) {
	_, task := vmlinuxSpec(b)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for child := range children(task) {
			if *child != nil {
				n++
			}
		}
	}
}
