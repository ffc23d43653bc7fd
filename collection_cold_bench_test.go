package ebpf

import (
	"testing"

	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// BenchmarkNewCollectionManyProgsCold is the first load of 100 CO-RE
// kprobes in a process: the kernel's BTF and symbols are dropped before
// every load, so each one reads them again.
func BenchmarkNewCollectionManyProgsCold(b *testing.B) {
	testutils.RequirePrivileges(b)
	spec := loadTestdataSpec(b, "manyprogs")

	b.ReportAllocs()
	for b.Loop() {
		btf.FlushKernelSpec()
		coll, err := NewCollection(spec)
		if err != nil {
			b.Fatal(err)
		}
		coll.Close()
	}
}
