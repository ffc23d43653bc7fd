package sys_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// socketFilter is "r0 = 0; exit" in raw instruction encoding.
var socketFilter = []byte{
	0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // mov64 r0, 0
	0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // exit
}

func newMap(tb testing.TB, typ sys.MapType, keySize, valueSize, maxEntries uint32) *sys.FD {
	tb.Helper()
	fd, err := sys.MapCreate(&sys.MapCreateAttr{
		MapType:    typ,
		KeySize:    keySize,
		ValueSize:  valueSize,
		MaxEntries: maxEntries,
		MapName:    sys.NewObjName("sys_test"),
	})
	qt.Assert(tb, qt.IsNil(err))
	tb.Cleanup(func() { fd.Close() })
	return fd
}

func newSocketFilter(tb testing.TB) *sys.FD {
	tb.Helper()
	insns, count := sys.NewSlicePointerLen(socketFilter)
	fd, err := sys.ProgLoad(&sys.ProgLoadAttr{
		ProgType: sys.BPF_PROG_TYPE_SOCKET_FILTER,
		InsnCnt:  count / 8,
		Insns:    insns,
		License:  sys.NewStringPointer("MIT"),
		ProgName: sys.NewObjName("sys_test"),
	})
	qt.Assert(tb, qt.IsNil(err))
	tb.Cleanup(func() { fd.Close() })
	return fd
}

func update(tb testing.TB, fd *sys.FD, key uint32, value uint64) {
	tb.Helper()
	err := sys.MapUpdateElem(&sys.MapUpdateElemAttr{
		MapFd: fd.Uint(),
		Key:   sys.NewPointer(unsafe.Pointer(&key)),
		Value: sys.NewPointer(unsafe.Pointer(&value)),
	})
	qt.Assert(tb, qt.IsNil(err))
}

func lookup(fd *sys.FD, key uint32) (uint64, error) {
	var value uint64
	err := sys.MapLookupElem(&sys.MapLookupElemAttr{
		MapFd: fd.Uint(),
		Key:   sys.NewPointer(unsafe.Pointer(&key)),
		Value: sys.NewPointer(unsafe.Pointer(&value)),
	})
	return value, err
}

func TestHashMap(t *testing.T) {
	requireBPF(t)
	m := newMap(t, sys.BPF_MAP_TYPE_HASH, 4, 8, 10)

	want := map[uint32]uint64{1: 10, 2: 20, 3: 30}
	for k, v := range want {
		update(t, m, k, v)
	}
	for k, v := range want {
		got, err := lookup(m, k)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(got, v))
	}

	// Iterate from a NULL key to ENOENT.
	got := make(map[uint32]bool)
	var key, next uint32
	attr := sys.MapGetNextKeyAttr{MapFd: m.Uint(), NextKey: sys.NewPointer(unsafe.Pointer(&next))}
	for {
		err := sys.MapGetNextKey(&attr)
		if errors.Is(err, unix.ENOENT) {
			break
		}
		qt.Assert(t, qt.IsNil(err))
		got[next] = true
		key = next
		attr.Key = sys.NewPointer(unsafe.Pointer(&key))
	}
	qt.Assert(t, qt.DeepEquals(got, map[uint32]bool{1: true, 2: true, 3: true}))

	key = 2
	err := sys.MapDeleteElem(&sys.MapDeleteElemAttr{MapFd: m.Uint(), Key: sys.NewPointer(unsafe.Pointer(&key))})
	qt.Assert(t, qt.IsNil(err))

	_, err = lookup(m, 2)
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT))
	qt.Assert(t, qt.IsFalse(err == unix.ENOENT), qt.Commentf("errors must not be == to a bare errno"))
	var errno unix.Errno
	qt.Assert(t, qt.ErrorAs(err, &errno))
	qt.Assert(t, qt.Equals(errno, unix.ENOENT))
}

func TestBatch(t *testing.T) {
	requireBPF(t)
	m := newMap(t, sys.BPF_MAP_TYPE_HASH, 4, 8, 10)

	keys := []uint32{1, 2, 3}
	values := []uint64{10, 20, 30}
	update := sys.MapUpdateBatchAttr{
		MapFd:  m.Uint(),
		Keys:   sys.NewPointer(unsafe.Pointer(&keys[0])),
		Values: sys.NewPointer(unsafe.Pointer(&values[0])),
		Count:  3,
	}
	qt.Assert(t, qt.IsNil(sys.MapUpdateBatch(&update)))
	qt.Assert(t, qt.Equals(update.Count, 3))

	outKeys := make([]uint32, 10)
	outValues := make([]uint64, 10)
	var outBatch uint32
	lookup := sys.MapLookupBatchAttr{
		MapFd:    m.Uint(),
		OutBatch: sys.NewPointer(unsafe.Pointer(&outBatch)),
		Keys:     sys.NewPointer(unsafe.Pointer(&outKeys[0])),
		Values:   sys.NewPointer(unsafe.Pointer(&outValues[0])),
		Count:    10,
	}
	err := sys.MapLookupBatch(&lookup)
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT), qt.Commentf("the whole map fits in one batch"))
	qt.Assert(t, qt.Equals(lookup.Count, 3))

	got := make(map[uint32]uint64)
	for i := range lookup.Count {
		got[outKeys[i]] = outValues[i]
	}
	qt.Assert(t, qt.DeepEquals(got, map[uint32]uint64{1: 10, 2: 20, 3: 30}))

	del := sys.MapDeleteBatchAttr{MapFd: m.Uint(), Keys: sys.NewPointer(unsafe.Pointer(&keys[0])), Count: 3}
	qt.Assert(t, qt.IsNil(sys.MapDeleteBatch(&del)))
	_, err = lookupValue(m, 1)
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT))

	update.Count = 3
	qt.Assert(t, qt.IsNil(sys.MapUpdateBatch(&update)))
	clear(outKeys)
	clear(outValues)
	lookupAndDelete := sys.MapLookupAndDeleteBatchAttr{
		MapFd:    m.Uint(),
		OutBatch: sys.NewPointer(unsafe.Pointer(&outBatch)),
		Keys:     sys.NewPointer(unsafe.Pointer(&outKeys[0])),
		Values:   sys.NewPointer(unsafe.Pointer(&outValues[0])),
		Count:    10,
	}
	err = sys.MapLookupAndDeleteBatch(&lookupAndDelete)
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT), qt.Commentf("the whole map fits in one batch"))
	qt.Assert(t, qt.Equals(lookupAndDelete.Count, 3))
	clear(got)
	for i := range lookupAndDelete.Count {
		got[outKeys[i]] = outValues[i]
	}
	qt.Assert(t, qt.DeepEquals(got, map[uint32]uint64{1: 10, 2: 20, 3: 30}))
	for _, key := range keys {
		_, err = lookupValue(m, key)
		qt.Assert(t, qt.ErrorIs(err, unix.ENOENT), qt.Commentf("key %d", key))
	}
}

var lookupValue = lookup

func TestQueueLookupAndDelete(t *testing.T) {
	requireBPF(t)
	q := newMap(t, sys.BPF_MAP_TYPE_QUEUE, 0, 8, 4)

	value := uint64(42)
	err := sys.MapUpdateElem(&sys.MapUpdateElemAttr{MapFd: q.Uint(), Value: sys.NewPointer(unsafe.Pointer(&value))})
	qt.Assert(t, qt.IsNil(err))

	var out uint64
	attr := sys.MapLookupAndDeleteElemAttr{MapFd: q.Uint(), Value: sys.NewPointer(unsafe.Pointer(&out))}
	qt.Assert(t, qt.IsNil(sys.MapLookupAndDeleteElem(&attr)))
	qt.Assert(t, qt.Equals(out, 42))
	qt.Assert(t, qt.ErrorIs(sys.MapLookupAndDeleteElem(&attr), unix.ENOENT))
}

func TestArrayFreeze(t *testing.T) {
	requireBPF(t)
	m := newMap(t, sys.BPF_MAP_TYPE_ARRAY, 4, 8, 2)
	update(t, m, 1, 7)

	qt.Assert(t, qt.IsNil(sys.MapFreeze(&sys.MapFreezeAttr{MapFd: m.Uint()})))

	key, value := uint32(0), uint64(1)
	err := sys.MapUpdateElem(&sys.MapUpdateElemAttr{
		MapFd: m.Uint(),
		Key:   sys.NewPointer(unsafe.Pointer(&key)),
		Value: sys.NewPointer(unsafe.Pointer(&value)),
	})
	qt.Assert(t, qt.ErrorIs(err, unix.EPERM))

	got, err := lookup(m, 1)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(got, 7))
}

func TestProgLoadAndRun(t *testing.T) {
	requireBPF(t)
	prog := newSocketFilter(t)

	data := make([]byte, 14) // an Ethernet header is the minimum
	in, size := sys.NewSlicePointerLen(data)
	attr := sys.ProgRunAttr{
		ProgFd:     prog.Uint(),
		DataIn:     in,
		DataSizeIn: size,
		Repeat:     1,
		Retval:     0xdeadbeef,
	}
	qt.Assert(t, qt.IsNil(sys.ProgRun(&attr)))
	qt.Assert(t, qt.Equals(attr.Retval, 0))
}

func TestProgLoadVerifierLog(t *testing.T) {
	requireBPF(t)
	// "exit" alone reads the uninitialised r0.
	insns, count := sys.NewSlicePointerLen(socketFilter[8:])
	log := make([]byte, 4096)
	logBuf, logSize := sys.NewSlicePointerLen(log)
	_, err := sys.ProgLoad(&sys.ProgLoadAttr{
		ProgType: sys.BPF_PROG_TYPE_SOCKET_FILTER,
		InsnCnt:  count / 8,
		Insns:    insns,
		License:  sys.NewStringPointer("MIT"),
		LogLevel: sys.BPF_LOG_LEVEL1,
		LogBuf:   logBuf,
		LogSize:  logSize,
	})
	qt.Assert(t, qt.ErrorIs(err, unix.EACCES))
	qt.Assert(t, qt.StringContains(unix.ByteSliceToString(log), "R0 !read_ok"))
}

func TestPinAndGet(t *testing.T) {
	requireBPF(t)
	dir := testutils.TempBPFFS(t)
	m := newMap(t, sys.BPF_MAP_TYPE_ARRAY, 4, 8, 1)
	path := filepath.Join(dir, "map")

	err := sys.ObjPin(&sys.ObjPinAttr{Pathname: sys.NewStringPointer(path), BpfFd: m.Uint()})
	qt.Assert(t, qt.IsNil(err))
	err = sys.ObjPin(&sys.ObjPinAttr{Pathname: sys.NewStringPointer(path), BpfFd: m.Uint()})
	qt.Assert(t, qt.ErrorIs(err, unix.EEXIST))

	pinned, err := sys.ObjGet(&sys.ObjGetAttr{Pathname: sys.NewStringPointer(path)})
	qt.Assert(t, qt.IsNil(err))
	defer pinned.Close()
	qt.Assert(t, qt.Equals(mapID(t, pinned), mapID(t, m)))

	// A missing pin is a failed path lookup, as for open(2).
	_, err = sys.ObjGet(&sys.ObjGetAttr{Pathname: sys.NewStringPointer(path + "-missing")})
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT))

	// bpffs reserves names containing a dot for its own files and refuses
	// to look them up at all, so such a name gives EPERM even when absent.
	_, err = sys.ObjGet(&sys.ObjGetAttr{Pathname: sys.NewStringPointer(path + ".missing")})
	qt.Assert(t, qt.ErrorIs(err, unix.EPERM))
}

func mapID(tb testing.TB, fd *sys.FD) uint32 {
	tb.Helper()
	var info sys.MapInfo
	qt.Assert(tb, qt.IsNil(sys.ObjInfo(fd, &info)))
	return info.Id
}

func TestMapInfoAndIDs(t *testing.T) {
	requireBPF(t)
	m := newMap(t, sys.BPF_MAP_TYPE_HASH, 4, 8, 10)

	var info sys.MapInfo
	qt.Assert(t, qt.IsNil(sys.ObjInfo(m, &info)))
	qt.Assert(t, qt.Equals(info.Type, sys.BPF_MAP_TYPE_HASH))
	qt.Assert(t, qt.Equals(info.KeySize, 4))
	qt.Assert(t, qt.Equals(info.ValueSize, 8))
	qt.Assert(t, qt.Equals(info.MaxEntries, 10))
	qt.Assert(t, qt.Equals(info.Name.String(), "sys_test"))
	qt.Assert(t, qt.Not(qt.Equals(info.Id, 0)))

	byID, err := sys.MapGetFdById(&sys.MapGetFdByIdAttr{MapId: info.Id})
	qt.Assert(t, qt.IsNil(err))
	defer byID.Close()
	qt.Assert(t, qt.Equals(mapID(t, byID), info.Id))

	found := false
	attr := sys.MapGetNextIdAttr{}
	for sys.MapGetNextId(&attr) == nil {
		found = found || attr.NextId == info.Id
		attr.StartId = attr.NextId
	}
	qt.Assert(t, qt.IsTrue(found), qt.Commentf("map ID %d not listed", info.Id))
	qt.Assert(t, qt.ErrorIs(sys.MapGetNextId(&attr), unix.ENOENT))
}

func TestProgInfoAndIDs(t *testing.T) {
	requireBPF(t)
	prog := newSocketFilter(t)
	m := newMap(t, sys.BPF_MAP_TYPE_ARRAY, 4, 8, 1)

	err := sys.ProgBindMap(&sys.ProgBindMapAttr{ProgFd: prog.Uint(), MapFd: m.Uint()})
	qt.Assert(t, qt.IsNil(err))

	mapIDs := make([]uint32, 4)
	insns := make([]byte, 64)
	info := sys.ProgInfo{
		NrMapIds:        uint32(len(mapIDs)),
		MapIds:          sys.NewPointer(unsafe.Pointer(&mapIDs[0])),
		XlatedProgLen:   uint32(len(insns)),
		XlatedProgInsns: sys.NewSlicePointer(insns),
	}
	qt.Assert(t, qt.IsNil(sys.ObjInfo(prog, &info)))
	qt.Assert(t, qt.Equals(info.Type, sys.BPF_PROG_TYPE_SOCKET_FILTER))
	qt.Assert(t, qt.Equals(info.Name.String(), "sys_test"))
	qt.Assert(t, qt.Equals(info.NrMapIds, 1))
	qt.Assert(t, qt.Equals(mapIDs[0], mapID(t, m)))
	qt.Assert(t, qt.Equals(info.XlatedProgLen, uint32(len(socketFilter))))
	qt.Assert(t, qt.DeepEquals(insns[:len(socketFilter)], socketFilter))
	qt.Assert(t, qt.IsFalse(info.IsGplCompatible()))
	qt.Assert(t, qt.Equals(info.CreatedByUid, uint32(os.Getuid())))

	byID, err := sys.ProgGetFdById(&sys.ProgGetFdByIdAttr{ProgId: info.Id})
	qt.Assert(t, qt.IsNil(err))
	defer byID.Close()
	var again sys.ProgInfo
	qt.Assert(t, qt.IsNil(sys.ObjInfo(byID, &again)))
	qt.Assert(t, qt.Equals(again.Id, info.Id))

	found := false
	attr := sys.ProgGetNextIdAttr{}
	for sys.ProgGetNextId(&attr) == nil {
		found = found || attr.NextId == info.Id
		attr.StartId = attr.NextId
	}
	qt.Assert(t, qt.IsTrue(found))

	_, err = sys.ProgGetFdById(&sys.ProgGetFdByIdAttr{ProgId: ^uint32(0)})
	qt.Assert(t, qt.ErrorIs(err, unix.ENOENT))
}

func TestGplCompatible(t *testing.T) {
	requireBPF(t)
	insns, count := sys.NewSlicePointerLen(socketFilter)
	prog, err := sys.ProgLoad(&sys.ProgLoadAttr{
		ProgType: sys.BPF_PROG_TYPE_SOCKET_FILTER,
		InsnCnt:  count / 8,
		Insns:    insns,
		License:  sys.NewStringPointer("GPL"),
	})
	qt.Assert(t, qt.IsNil(err))
	defer prog.Close()

	var info sys.ProgInfo
	qt.Assert(t, qt.IsNil(sys.ObjInfo(prog, &info)))
	qt.Assert(t, qt.IsTrue(info.IsGplCompatible()))
}

// minimalBTF is a BTF blob holding the single type "int" (4 bytes, signed).
func minimalBTF() []byte {
	words := []uint32{
		// struct btf_header: magic/version/flags, hdr_len,
		// type_off, type_len, str_off, str_len
		0x0001eb9f, 24, 0, 16, 16, 5,
		// BTF_KIND_INT "int": name_off, info, size, encoding|offset|bits
		1, 1 << 24, 4, 1<<24 | 32,
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), len(words)*4)
	return append(append([]byte{}, buf...), "\x00int\x00"...)
}

func TestBtfLoadAndInfo(t *testing.T) {
	requireBPF(t)
	if isBigEndian() {
		t.Skip("minimalBTF is little-endian")
	}
	raw := minimalBTF()
	btf, size := sys.NewSlicePointerLen(raw)
	fd, err := sys.BtfLoad(&sys.BtfLoadAttr{Btf: btf, BtfSize: size})
	qt.Assert(t, qt.IsNil(err))
	defer fd.Close()

	out := make([]byte, len(raw))
	info := sys.BtfInfo{Btf: sys.NewSlicePointer(out), BtfSize: uint32(len(out))}
	qt.Assert(t, qt.IsNil(sys.ObjInfo(fd, &info)))
	qt.Assert(t, qt.DeepEquals(out, raw))
	qt.Assert(t, qt.Equals(info.KernelBtf, 0))

	byID, err := sys.BtfGetFdById(&sys.BtfGetFdByIdAttr{BtfId: info.Id})
	qt.Assert(t, qt.IsNil(err))
	defer byID.Close()

	found := false
	attr := sys.BtfGetNextIdAttr{}
	for sys.BtfGetNextId(&attr) == nil {
		found = found || attr.NextId == info.Id
		attr.StartId = attr.NextId
	}
	qt.Assert(t, qt.IsTrue(found))
}

func TestEnableStats(t *testing.T) {
	requireBPF(t)
	fd, err := sys.EnableStats(&sys.EnableStatsAttr{Type: sys.BPF_STATS_RUN_TIME})
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(fd.Close()))
}

func isBigEndian() bool {
	word := uint16(1)
	return (*[2]byte)(unsafe.Pointer(&word))[0] == 0
}

func BenchmarkMapLookup(b *testing.B) {
	requireBPF(b)
	m := newMap(b, sys.BPF_MAP_TYPE_ARRAY, 4, 8, 1)

	var key uint32
	var value uint64
	attr := sys.MapLookupElemAttr{
		MapFd: m.Uint(),
		Key:   sys.NewPointer(unsafe.Pointer(&key)),
		Value: sys.NewPointer(unsafe.Pointer(&value)),
	}

	b.ReportAllocs()
	for b.Loop() {
		if err := sys.MapLookupElem(&attr); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMapLookupMissing(b *testing.B) {
	requireBPF(b)
	m := newMap(b, sys.BPF_MAP_TYPE_HASH, 4, 8, 1)

	var key uint32
	var value uint64
	attr := sys.MapLookupElemAttr{
		MapFd: m.Uint(),
		Key:   sys.NewPointer(unsafe.Pointer(&key)),
		Value: sys.NewPointer(unsafe.Pointer(&value)),
	}

	b.ReportAllocs()
	for b.Loop() {
		if err := sys.MapLookupElem(&attr); !errors.Is(err, unix.ENOENT) {
			b.Fatal(err)
		}
	}
}

func BenchmarkProgRun(b *testing.B) {
	requireBPF(b)
	prog := newSocketFilter(b)
	data := make([]byte, 14)
	in, size := sys.NewSlicePointerLen(data)
	attr := sys.ProgRunAttr{ProgFd: prog.Uint(), DataIn: in, DataSizeIn: size, Repeat: 1}

	b.ReportAllocs()
	for b.Loop() {
		if err := sys.ProgRun(&attr); err != nil {
			b.Fatal(err)
		}
	}
}
