package ebpf

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/sysenc"
)

// MapBatchCursor remembers where a batch lookup stopped, so that the next
// call continues there. Its zero value starts at the beginning of a map. A
// cursor belongs to the first map it is used with.
type MapBatchCursor struct {
	m *Map
	// opaque is the kernel's position: the in_batch/out_batch buffer.
	opaque []byte
}

// BatchLookup copies up to len(keysOut) entries, continuing where cursor
// stopped, into keysOut and valuesOut, which must be slices (not pointers
// to them). valuesOut has one element per key, or for per-CPU maps
// PossibleCPU() consecutive elements per key. Slices of layout-compatible
// elements are written in place, without allocating.
//
// It returns the number of entries copied. At the end of the map the error
// wraps ErrKeyNotExist, possibly together with a non-zero count. On kernels
// before 5.6 the error wraps ErrNotSupported.
func (m *Map) BatchLookup(cursor *MapBatchCursor, keysOut, valuesOut interface{}, opts *BatchOptions) (int, error) {
	n, err := m.batchLookup(sys.BPF_MAP_LOOKUP_BATCH, cursor, keysOut, valuesOut, opts)
	if err != nil {
		return n, fmt.Errorf("batch lookup: %w", err)
	}
	return n, nil
}

// BatchLookupAndDelete is BatchLookup that also removes the entries it
// copies.
//
// It returns errors like BatchLookup.
func (m *Map) BatchLookupAndDelete(cursor *MapBatchCursor, keysOut, valuesOut interface{}, opts *BatchOptions) (int, error) {
	n, err := m.batchLookup(sys.BPF_MAP_LOOKUP_AND_DELETE_BATCH, cursor, keysOut, valuesOut, opts)
	if err != nil {
		return n, fmt.Errorf("batch lookup and delete: %w", err)
	}
	return n, nil
}

func (m *Map) batchLookup(cmd sys.Cmd, cursor *MapBatchCursor, keysOut, valuesOut any, opts *BatchOptions) (int, error) {
	if err := haveBatchAPI(); err != nil {
		return 0, err
	}
	if cursor == nil {
		return 0, errors.New("cursor must not be nil")
	}
	if cursor.m != nil && cursor.m != m {
		return 0, fmt.Errorf("cursor belongs to map %s", cursor.m)
	}

	count, err := m.batchCount(keysOut, valuesOut)
	if err != nil {
		return 0, err
	}

	keyBuf := sysenc.SyscallOutput(keysOut, count*int(m.keySize))
	var valueBuf sysenc.Buffer
	var perCPUValues []byte
	valuePtr := sys.Pointer{}
	if m.typ.hasPerCPUValue() {
		possibleCPUs, err := PossibleCPU()
		if err != nil {
			return 0, err
		}
		if ptr, ok := perCPUSliceInPlace(valuesOut, int(m.valueSize), count*possibleCPUs, false); ok {
			valuePtr = sys.NewPointer(ptr)
		} else {
			perCPUValues = make([]byte, count*m.fullValueSize)
			valuePtr = sys.NewSlicePointer(perCPUValues)
		}
	} else {
		valueBuf = sysenc.SyscallOutput(valuesOut, count*m.fullValueSize)
		valuePtr = valueBuf.Pointer()
	}

	n, err := m.batchLookupCmd(cmd, cursor, count, keyBuf.Pointer(), valuePtr, opts)
	if err != nil && !errors.Is(err, ErrKeyNotExist) {
		if errors.Is(err, unix.ENOSPC) {
			// Hash maps return whole buckets and refuse batches smaller
			// than one.
			return 0, fmt.Errorf("%w (batch size %d may be smaller than a hash bucket)", err, count)
		}
		return 0, err
	}

	if err := keyBuf.Unmarshal(keysOut); err != nil {
		return 0, fmt.Errorf("decode keys: %w", err)
	}
	switch {
	case perCPUValues != nil:
		if err := unmarshalBatchPerCPUValue(valuesOut, count, int(m.valueSize), perCPUValues); err != nil {
			return 0, fmt.Errorf("decode values: %w", err)
		}
	case !m.typ.hasPerCPUValue():
		if err := valueBuf.Unmarshal(valuesOut); err != nil {
			return 0, fmt.Errorf("decode values: %w", err)
		}
	}
	return n, err
}

// batchLookupCmd runs a batch lookup command for count entries and moves
// cursor on. It returns the number of entries the kernel copied and its
// error, translated.
func (m *Map) batchLookupCmd(cmd sys.Cmd, cursor *MapBatchCursor, count int, keyPtr, valuePtr sys.Pointer, opts *BatchOptions) (int, error) {
	attr := sys.MapLookupBatchAttr{
		MapFd:  m.fd.Uint(),
		Keys:   keyPtr,
		Values: valuePtr,
		Count:  uint32(count),
	}
	if opts != nil {
		attr.ElemFlags = opts.ElemFlags
		attr.Flags = opts.Flags
	}

	if cursor.opaque == nil {
		// Array and LPM trie maps keep a key as position, hash maps a
		// bucket index (u32): make room for either.
		cursor.opaque = make([]byte, max(int(m.keySize), 4))
	} else {
		// Not the first call: continue from where the kernel stopped.
		attr.InBatch = sys.NewSlicePointer(cursor.opaque)
	}
	attr.OutBatch = sys.NewSlicePointer(cursor.opaque)
	cursor.m = m

	var err error
	if cmd == sys.BPF_MAP_LOOKUP_AND_DELETE_BATCH {
		err = sys.MapLookupAndDeleteBatch((*sys.MapLookupAndDeleteBatchAttr)(&attr))
	} else {
		err = sys.MapLookupBatch(&attr)
	}
	runtime.KeepAlive(m)
	return int(attr.Count), wrapMapError(err)
}

// BatchUpdate stores len(keys) key/value pairs in one syscall. keys and
// values must be slices (not pointers to them); values has one element per
// key, or for per-CPU maps PossibleCPU() consecutive elements per key.
// opts.ElemFlags takes MapUpdateFlags.
//
// It returns the number of entries stored, and the error that stopped the
// batch, wrapping ErrNotSupported on kernels before 5.6.
func (m *Map) BatchUpdate(keys, values interface{}, opts *BatchOptions) (int, error) {
	n, err := m.batchUpdate(keys, values, opts)
	if err != nil {
		return n, fmt.Errorf("batch update: %w", err)
	}
	return n, nil
}

func (m *Map) batchUpdate(keys, values any, opts *BatchOptions) (int, error) {
	if err := haveBatchAPI(); err != nil {
		return 0, err
	}

	count, err := m.batchCount(keys, values)
	if err != nil {
		return 0, err
	}

	var ks scratch
	keyPtr, err := marshalMapSyscallInput(keys, count*int(m.keySize), &ks)
	if err != nil {
		return 0, fmt.Errorf("marshal keys: %w", err)
	}

	var valuePtr sys.Pointer
	if m.typ.hasPerCPUValue() {
		valuePtr, err = m.marshalPerCPUInput(values, count)
		if err != nil {
			return 0, fmt.Errorf("marshal values: %w", err)
		}
	} else {
		var vs scratch
		valuePtr, err = marshalMapSyscallInput(values, count*m.fullValueSize, &vs)
		if err != nil {
			return 0, fmt.Errorf("marshal values: %w", err)
		}
	}

	attr := sys.MapUpdateBatchAttr{
		MapFd:  m.fd.Uint(),
		Keys:   keyPtr,
		Values: valuePtr,
		Count:  uint32(count),
	}
	if opts != nil {
		attr.ElemFlags = opts.ElemFlags
		attr.Flags = opts.Flags
	}
	err = sys.MapUpdateBatch(&attr)
	runtime.KeepAlive(m)
	return batchProcessed(&attr.Count, count, err), wrapMapError(err)
}

// BatchDelete removes len(keys) keys in one syscall; keys must be a slice.
// Array maps do not support it.
//
// It returns the number of keys removed, and the error that stopped the
// batch (wrapping ErrKeyNotExist for a missing key, ErrNotSupported on
// kernels before 5.6).
func (m *Map) BatchDelete(keys interface{}, opts *BatchOptions) (int, error) {
	n, err := m.batchDelete(keys, opts)
	if err != nil {
		return n, fmt.Errorf("batch delete: %w", err)
	}
	return n, nil
}

func (m *Map) batchDelete(keys any, opts *BatchOptions) (int, error) {
	if err := haveBatchAPI(); err != nil {
		return 0, err
	}

	count, err := sliceLen(keys)
	if err != nil {
		return 0, fmt.Errorf("keys: %w", err)
	}

	var ks scratch
	keyPtr, err := marshalMapSyscallInput(keys, count*int(m.keySize), &ks)
	if err != nil {
		return 0, fmt.Errorf("marshal keys: %w", err)
	}

	attr := sys.MapDeleteBatchAttr{
		MapFd: m.fd.Uint(),
		Keys:  keyPtr,
		Count: uint32(count),
	}
	if opts != nil {
		attr.ElemFlags = opts.ElemFlags
		attr.Flags = opts.Flags
	}
	err = sys.MapDeleteBatch(&attr)
	runtime.KeepAlive(m)
	return batchProcessed(&attr.Count, count, err), wrapMapError(err)
}

// batchProcessed returns how many elements a batch update or delete of
// count elements processed. The kernel writes the number back into the
// attribute when it fails on an element, but not when it rejects the
// whole batch up front; then the attribute still holds count, which it
// can't hold after a failure on an element.
func batchProcessed(attrCount *uint32, count int, err error) int {
	if err != nil && int(*attrCount) == count {
		return 0
	}
	return int(*attrCount)
}

// batchCount returns the number of keys in a batch and checks that values
// has the matching length: one element per key, PossibleCPU() per key for
// per-CPU maps.
func (m *Map) batchCount(keys, values any) (int, error) {
	keysLen, err := sliceLen(keys)
	if err != nil {
		return 0, fmt.Errorf("keys: %w", err)
	}
	valuesLen, err := sliceLen(values)
	if err != nil {
		return 0, fmt.Errorf("values: %w", err)
	}

	perKey := 1
	if m.typ.hasPerCPUValue() {
		perKey, err = PossibleCPU()
		if err != nil {
			return 0, err
		}
	}
	if valuesLen != keysLen*perKey {
		if perKey == 1 {
			return 0, fmt.Errorf("%d keys but %d values: lengths must be equal", keysLen, valuesLen)
		}
		return 0, fmt.Errorf("%d keys but %d values: per-cpu maps need %d values per key", keysLen, valuesLen, perKey)
	}
	return keysLen, nil
}

// sliceLen returns the length of a slice, or an error if v is not one.
func sliceLen(v any) (int, error) {
	value := reflect.ValueOf(v)
	if value.Kind() != reflect.Slice {
		return 0, fmt.Errorf("%s is not a slice", typeName(v))
	}
	return value.Len(), nil
}

// marshalPerCPUInput encodes the per-CPU values of batchLen keys: a flat
// slice of PossibleCPU() elements per key, or for a single key (batchLen 1)
// at most PossibleCPU() elements. unsafe.Pointer is passed on as is. A
// slice that already has the kernel's layout is used in place.
func (m *Map) marshalPerCPUInput(values any, batchLen int) (sys.Pointer, error) {
	if ptr, ok := values.(unsafe.Pointer); ok {
		return sys.NewPointer(ptr), nil
	}

	possibleCPUs, err := PossibleCPU()
	if err != nil {
		return sys.Pointer{}, err
	}
	if ptr, ok := perCPUSliceInPlace(values, int(m.valueSize), batchLen*possibleCPUs, true); ok {
		return sys.NewPointer(ptr), nil
	}

	var buf []byte
	if batchLen == 1 {
		buf, err = marshalPerCPUValue(values, int(m.valueSize))
	} else {
		buf, err = marshalBatchPerCPUValue(values, batchLen, int(m.valueSize))
	}
	if err != nil {
		return sys.Pointer{}, err
	}
	return sys.NewSlicePointer(buf), nil
}
