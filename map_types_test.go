package ebpf

import (
	"os"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// TestMapTypes creates a map of every type the spec names (and the numbered
// ones after them) with the geometry the kernel wants for it.
func TestMapTypes(t *testing.T) {
	testutils.RequirePrivileges(t)
	u32 := &btf.Int{Name: "u32", Size: 4}
	page := uint32(os.Getpagesize())
	// Local storage maps need BTF, a 4-byte int key (an fd), no
	// preallocation and no MaxEntries.
	storage := func(typ MapType) *MapSpec {
		return &MapSpec{Type: typ, KeySize: 4, ValueSize: 4, Flags: unix.BPF_F_NO_PREALLOC, Key: u32, Value: u32}
	}

	for _, tc := range []struct {
		spec    *MapSpec
		version string
	}{
		{&MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1}, ""},
		{&MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}, ""},
		{&MapSpec{Type: ProgramArray, KeySize: 4, ValueSize: 4, MaxEntries: 1}, ""},
		{&MapSpec{Type: PerfEventArray}, ""},
		{&MapSpec{Type: PerCPUHash, KeySize: 4, ValueSize: 4, MaxEntries: 1}, ""},
		{&MapSpec{Type: PerCPUArray, KeySize: 4, ValueSize: 4, MaxEntries: 1}, ""},
		{&MapSpec{Type: StackTrace, KeySize: 4, ValueSize: 8 * 127, MaxEntries: 1}, "4.6"},
		{&MapSpec{Type: CGroupArray, KeySize: 4, ValueSize: 4, MaxEntries: 1}, "4.8"},
		{&MapSpec{Type: LRUHash, KeySize: 4, ValueSize: 4, MaxEntries: 1}, "4.10"},
		{&MapSpec{Type: LRUCPUHash, KeySize: 4, ValueSize: 4, MaxEntries: 1}, "4.10"},
		{&MapSpec{Type: LPMTrie, KeySize: 8, ValueSize: 4, MaxEntries: 1, Flags: unix.BPF_F_NO_PREALLOC}, "4.11"},
		{&MapSpec{Type: ArrayOfMaps, KeySize: 4, MaxEntries: 1, InnerMap: hashSpec(1)}, "4.12"},
		{&MapSpec{Type: HashOfMaps, KeySize: 4, MaxEntries: 1, InnerMap: hashSpec(1)}, "4.12"},
		{&MapSpec{Type: DevMap, KeySize: 4, ValueSize: 4, MaxEntries: 1}, "4.14"},
		{&MapSpec{Type: SockMap, KeySize: 4, ValueSize: 4, MaxEntries: 1}, "4.14"},
		{&MapSpec{Type: CPUMap, KeySize: 4, ValueSize: 4, MaxEntries: 1}, "4.15"},
		{&MapSpec{Type: XSKMap, KeySize: 4, ValueSize: 4, MaxEntries: 1}, "4.18"},
		{&MapSpec{Type: SockHash, KeySize: 4, ValueSize: 4, MaxEntries: 1}, "4.18"},
		{&MapSpec{Type: CGroupStorage, KeySize: 8, ValueSize: 4}, "4.19"},
		{&MapSpec{Type: ReusePortSockArray, KeySize: 4, ValueSize: 4, MaxEntries: 1}, "4.19"},
		{&MapSpec{Type: PerCPUCGroupStorage, KeySize: 8, ValueSize: 4}, "4.20"},
		{&MapSpec{Type: Queue, ValueSize: 4, MaxEntries: 1}, "4.20"},
		{&MapSpec{Type: Stack, ValueSize: 4, MaxEntries: 1}, "4.20"},
		{storage(SkStorage), "5.2"},
		{&MapSpec{Type: DevMapHash, KeySize: 4, ValueSize: 4, MaxEntries: 1}, "5.4"},
		{&MapSpec{Type: RingBuf, MaxEntries: page}, "5.8"},
		{storage(InodeStorage), "5.10"},
		{storage(TaskStorage), "5.11"},
		{&MapSpec{Type: MapType(30), ValueSize: 4, MaxEntries: 16}, "5.16"}, // bloom filter
		{&MapSpec{Type: MapType(31), MaxEntries: page}, "6.1"},              // user ring buffer
		{storage(MapType(32)), "6.2"},                                       // cgroup storage
	} {
		t.Run(tc.spec.Type.String(), func(t *testing.T) {
			if tc.version != "" {
				testutils.SkipOnOldKernel(t, tc.version, tc.spec.Type.String())
			}
			testutils.CheckFDLeaks(t)
			m, err := NewMap(tc.spec)
			qt.Assert(t, qt.IsNil(err))
			defer m.Close()

			info, err := m.Info()
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(info.Type, tc.spec.Type))
		})
	}
}
