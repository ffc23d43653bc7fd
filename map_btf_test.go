package ebpf

import (
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// mapBTFID returns the ID of the BTF the kernel holds for m, 0 if none.
func mapBTFID(tb testing.TB, m *Map) sys.BTFID {
	tb.Helper()
	var info sys.MapInfo
	qt.Assert(tb, qt.IsNil(sys.ObjInfo(m.fd, &info)))
	return info.BtfId
}

func TestMapBTF(t *testing.T) {
	u32 := &btf.Int{Name: "u32", Size: 4}
	u64 := &btf.Int{Name: "u64", Size: 8}
	m := mustNewMap(t, &MapSpec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1, Key: u32, Value: u64}, nil)
	qt.Assert(t, qt.Not(qt.Equals(mapBTFID(t, m), 0)))
	qt.Assert(t, qt.IsNil(m.Put(uint32(1), uint64(2))))

	// Queues take no key type; BTF for the value alone is fine.
	queue := mustNewMap(t, &MapSpec{Type: Queue, ValueSize: 4, MaxEntries: 1, Value: u32}, nil)
	qt.Assert(t, qt.IsNil(queue.Put(nil, uint32(1))))
}

func TestMapBTFRetryWithout(t *testing.T) {
	// The key type's size doesn't match KeySize: the kernel refuses the BTF
	// and the map is created without it.
	m := mustNewMap(t, &MapSpec{
		Type:       Hash,
		KeySize:    4,
		ValueSize:  8,
		MaxEntries: 1,
		Key:        &btf.Int{Name: "u16", Size: 2},
		Value:      &btf.Int{Name: "u64", Size: 8},
	}, nil)
	qt.Assert(t, qt.Equals(mapBTFID(t, m), 0))
}

// spinLockValue is a map value guarded by a struct bpf_spin_lock.
type spinLockValue struct {
	Lock  uint32
	Value uint32
}

func spinLockSpec(typ MapType) *MapSpec {
	u32 := &btf.Int{Name: "u32", Size: 4}
	lock := &btf.Struct{Name: "bpf_spin_lock", Size: 4, Members: []btf.Member{{Name: "val", Type: u32}}}
	value := &btf.Struct{Name: "value", Size: 8, Members: []btf.Member{
		{Name: "lock", Type: lock},
		{Name: "value", Type: u32, Offset: 32},
	}}
	return &MapSpec{Type: typ, KeySize: 4, ValueSize: 8, MaxEntries: 4, Key: u32, Value: value}
}

func TestMapSpinLock(t *testing.T) {
	testutils.SkipOnOldKernel(t, "5.13", "BPF_F_LOCK from user space")
	m := mustNewMap(t, spinLockSpec(Hash), nil)
	qt.Assert(t, qt.Not(qt.Equals(mapBTFID(t, m), 0)))

	qt.Assert(t, qt.IsNil(m.Update(uint32(1), spinLockValue{Value: 42}, UpdateLock)))
	var got spinLockValue
	qt.Assert(t, qt.IsNil(m.LookupWithFlags(uint32(1), &got, LookupLock)))
	qt.Assert(t, qt.Equals(got.Value, 42))

	if !testutils.IsKernelLessThan(t, "5.14") {
		qt.Assert(t, qt.IsNil(m.LookupAndDeleteWithFlags(uint32(1), &got, LookupLock)))
		qt.Assert(t, qt.Equals(got.Value, 42))
	}

	requireBatchAPI(t)
	keys := []uint32{1, 2}
	values := []spinLockValue{{Value: 1}, {Value: 2}}
	n, err := m.BatchUpdate(keys, values, &BatchOptions{ElemFlags: uint64(UpdateLock)})
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(n, 2))

	gotKeys := make([]uint32, 4)
	gotValues := make([]spinLockValue, 4)
	var cursor MapBatchCursor
	n, err = m.BatchLookup(&cursor, gotKeys, gotValues, &BatchOptions{ElemFlags: uint64(LookupLock)})
	qt.Assert(t, qt.ErrorIs(err, ErrKeyNotExist))
	qt.Assert(t, qt.Equals(n, 2))
	for i := range n {
		qt.Assert(t, qt.Equals(gotValues[i].Value, gotKeys[i]))
	}

	cursor = MapBatchCursor{}
	n, err = m.BatchLookupAndDelete(&cursor, gotKeys, gotValues, &BatchOptions{ElemFlags: uint64(LookupLock)})
	qt.Assert(t, qt.ErrorIs(err, ErrKeyNotExist))
	qt.Assert(t, qt.Equals(n, 2))
}
