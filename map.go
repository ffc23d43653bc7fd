package ebpf

import (
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
)

// Map is a map loaded into the kernel, or opened from a pin, an ID or a file
// descriptor.
//
// Methods may be called from several goroutines at once, except Close:
// closing a Map that is still in use elsewhere is a bug of the caller.
// Losing the last reference to a Map eventually closes it, which destroys
// the kernel object unless it is pinned or used by a program.
type Map struct {
	name       string
	fd         *sys.FD
	typ        MapType
	keySize    uint32
	valueSize  uint32
	maxEntries uint32
	flags      uint32
	pinnedPath string
	// fullValueSize is the number of bytes the kernel reads and writes for
	// one value: valueSize, or for per-CPU maps one 8-byte aligned slot of
	// valueSize per possible CPU.
	fullValueSize int
}

// newMap wraps fd, taking ownership of it only if it succeeds.
func newMap(fd *sys.FD, name string, typ MapType, keySize, valueSize, maxEntries, flags uint32) (*Map, error) {
	m := &Map{
		name:          name,
		fd:            fd,
		typ:           typ,
		keySize:       keySize,
		valueSize:     valueSize,
		maxEntries:    maxEntries,
		flags:         flags,
		fullValueSize: int(valueSize),
	}
	if !typ.hasPerCPUValue() {
		return m, nil
	}

	possibleCPUs, err := PossibleCPU()
	if err != nil {
		return nil, err
	}
	m.fullValueSize = perCPUStride(int(valueSize)) * possibleCPUs
	return m, nil
}

// String describes the map, e.g. Hash(counters)#3, or Hash#3 if it has no
// name.
func (m *Map) String() string {
	if m.name != "" {
		return fmt.Sprintf("%s(%s)#%v", m.typ, m.name, m.fd)
	}
	return fmt.Sprintf("%s#%v", m.typ, m.fd)
}

// Type returns the type of the map.
func (m *Map) Type() MapType {
	return m.typ
}

// KeySize returns the size of a key in bytes.
func (m *Map) KeySize() uint32 {
	return m.keySize
}

// ValueSize returns the size of a value in bytes. For per-CPU maps this is
// the size of one CPU's value.
func (m *Map) ValueSize() uint32 {
	return m.valueSize
}

// MaxEntries returns the maximum number of entries of the map.
func (m *Map) MaxEntries() uint32 {
	return m.maxEntries
}

// Flags returns the flags the map was created with, as the kernel reports
// them for maps that were opened rather than created.
func (m *Map) Flags() uint32 {
	return m.flags
}

// Lookup copies the value of key into valueOut, which is decoded by the
// rules of the package documentation (API.md §1.6). For per-CPU maps
// valueOut is a slice of PossibleCPU() elements or a pointer to a slice.
//
// It returns an error wrapping ErrKeyNotExist if key is not in the map.
func (m *Map) Lookup(key, valueOut interface{}) error {
	return m.LookupWithFlags(key, valueOut, 0)
}

// LookupWithFlags is Lookup with flags, such as LookupLock for values
// holding a bpf_spin_lock.
//
// It returns an error wrapping ErrKeyNotExist if key is not in the map.
func (m *Map) LookupWithFlags(key, valueOut interface{}, flags MapLookupFlags) error {
	if err := m.lookupInto(sys.BPF_MAP_LOOKUP_ELEM, key, valueOut, flags); err != nil {
		return fmt.Errorf("lookup: %w", err)
	}
	return nil
}

// LookupAndDelete copies the value of key into valueOut and removes key from
// the map. Queues and stacks take a nil key and pop their next element.
//
// It returns an error wrapping ErrKeyNotExist if there is nothing to remove.
func (m *Map) LookupAndDelete(key, valueOut interface{}) error {
	return m.LookupAndDeleteWithFlags(key, valueOut, 0)
}

// LookupAndDeleteWithFlags is LookupAndDelete with flags, such as
// LookupLock.
//
// It returns an error wrapping ErrKeyNotExist if there is nothing to remove.
func (m *Map) LookupAndDeleteWithFlags(key, valueOut interface{}, flags MapLookupFlags) error {
	if err := m.lookupInto(sys.BPF_MAP_LOOKUP_AND_DELETE_ELEM, key, valueOut, flags); err != nil {
		return fmt.Errorf("lookup and delete: %w", err)
	}
	return nil
}

// LookupBytes returns the raw value of key in a new buffer: ValueSize bytes,
// or for per-CPU maps PossibleCPU() slots padded to 8 bytes each.
//
// It returns nil and no error if key is not in the map, and an error if the
// lookup fails otherwise.
func (m *Map) LookupBytes(key interface{}) ([]byte, error) {
	value := make([]byte, m.fullValueSize)
	err := m.lookup(sys.BPF_MAP_LOOKUP_ELEM, key, sys.NewSlicePointer(value), 0)
	if errors.Is(err, ErrKeyNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lookup: %w", err)
	}
	return value, nil
}

// lookupInto runs a lookup command and decodes the value into valueOut.
func (m *Map) lookupInto(cmd sys.Cmd, key, valueOut any, flags MapLookupFlags) error {
	var s scratch
	keyPtr, err := m.marshalKey(key, &s)
	if err != nil {
		return fmt.Errorf("marshal key: %w", err)
	}
	return m.lookupIntoPtr(cmd, keyPtr, valueOut, flags)
}

// lookupIntoPtr is lookupInto with a marshaled key.
func (m *Map) lookupIntoPtr(cmd sys.Cmd, keyPtr sys.Pointer, valueOut any, flags MapLookupFlags) error {
	if _, ok := valueOut.(unsafe.Pointer); !ok && m.typ.hasPerCPUValue() {
		return m.lookupPerCPU(cmd, keyPtr, valueOut, flags)
	}

	if err := m.checkMapValueOut(valueOut); err != nil {
		return err
	}
	value := makeMapSyscallOutput(valueOut, m.fullValueSize)
	if err := m.lookupPtr(cmd, keyPtr, value.Pointer(), flags); err != nil {
		return err
	}
	return m.unmarshalMapValue(valueOut, value)
}

// lookupPerCPU looks up a per-CPU value into a slice of PossibleCPU()
// elements, or a pointer to a slice that gets one.
func (m *Map) lookupPerCPU(cmd sys.Cmd, keyPtr sys.Pointer, valueOut any, flags MapLookupFlags) error {
	possibleCPUs, err := PossibleCPU()
	if err != nil {
		return err
	}
	if ptr, ok := perCPUSliceInPlace(valueOut, int(m.valueSize), possibleCPUs, false); ok {
		return m.lookupPtr(cmd, keyPtr, sys.NewPointer(ptr), flags)
	}

	slice, err := ensurePerCPUSlice(valueOut)
	if err != nil {
		return err
	}
	value := make([]byte, m.fullValueSize)
	if err := m.lookupPtr(cmd, keyPtr, sys.NewSlicePointer(value), flags); err != nil {
		return err
	}
	return unmarshalPerCPUSlice(slice, 1, int(m.valueSize), value)
}

// lookup marshals key and runs cmd, BPF_MAP_LOOKUP_ELEM or
// BPF_MAP_LOOKUP_AND_DELETE_ELEM, writing the value to valuePtr.
func (m *Map) lookup(cmd sys.Cmd, key any, valuePtr sys.Pointer, flags MapLookupFlags) error {
	var s scratch
	keyPtr, err := m.marshalKey(key, &s)
	if err != nil {
		return fmt.Errorf("marshal key: %w", err)
	}
	return m.lookupPtr(cmd, keyPtr, valuePtr, flags)
}

// lookupPtr is lookup with a marshaled key.
func (m *Map) lookupPtr(cmd sys.Cmd, keyPtr, valuePtr sys.Pointer, flags MapLookupFlags) error {
	attr := sys.MapLookupElemAttr{
		MapFd: m.fd.Uint(),
		Key:   keyPtr,
		Value: valuePtr,
		Flags: uint64(flags),
	}
	var err error
	if cmd == sys.BPF_MAP_LOOKUP_AND_DELETE_ELEM {
		err = sys.MapLookupAndDeleteElem((*sys.MapLookupAndDeleteElemAttr)(&attr))
	} else {
		err = sys.MapLookupElem(&attr)
	}
	runtime.KeepAlive(m)
	return wrapMapError(err)
}

// marshalKey encodes key for the kernel, using s for scalars. A nil key is
// only valid for maps without keys (queues and stacks) and yields NULL.
func (m *Map) marshalKey(key any, s *scratch) (sys.Pointer, error) {
	if key == nil {
		if m.keySize == 0 {
			return sys.Pointer{}, nil
		}
		return sys.Pointer{}, errors.New("can't use nil as key of map")
	}
	return marshalMapSyscallInput(key, int(m.keySize), s)
}

// Put stores value at key, creating or replacing the entry. It is
// Update(key, value, UpdateAny).
//
// It returns an error if key or value do not encode or the kernel refuses
// the update.
func (m *Map) Put(key, value interface{}) error {
	return m.Update(key, value, UpdateAny)
}

// Update stores value at key as flags say: UpdateAny creates or replaces,
// UpdateNoExist only creates, UpdateExist only replaces; UpdateLock
// updates a value holding a bpf_spin_lock under that lock. For per-CPU
// maps value is a slice of at most PossibleCPU() elements; missing CPUs are
// zero.
//
// It returns an error wrapping ErrKeyExist for UpdateNoExist on an existing
// key, wrapping ErrKeyNotExist for UpdateExist on a missing one.
func (m *Map) Update(key, value any, flags MapUpdateFlags) error {
	var valuePtr sys.Pointer
	var vs scratch
	if m.typ.hasPerCPUValue() {
		var err error
		valuePtr, err = m.marshalPerCPUInput(value, 1)
		if err != nil {
			return fmt.Errorf("update: marshal value: %w", err)
		}
	} else {
		var err error
		valuePtr, err = m.marshalMapValue(value, &vs)
		if err != nil {
			return fmt.Errorf("update: marshal value: %w", err)
		}
	}

	var ks scratch
	keyPtr, err := m.marshalKey(key, &ks)
	if err != nil {
		return fmt.Errorf("update: marshal key: %w", err)
	}

	attr := sys.MapUpdateElemAttr{
		MapFd: m.fd.Uint(),
		Key:   keyPtr,
		Value: valuePtr,
		Flags: uint64(flags),
	}
	err = sys.MapUpdateElem(&attr)
	// A *Map or *Program value was passed as its fd: keep it open until the
	// kernel has taken its own reference.
	runtime.KeepAlive(value)
	runtime.KeepAlive(m)
	if err != nil {
		return fmt.Errorf("update: %w", wrapMapError(err))
	}
	return nil
}

// Delete removes key from the map.
//
// It returns an error wrapping ErrKeyNotExist if key is not in the map.
func (m *Map) Delete(key interface{}) error {
	var s scratch
	keyPtr, err := m.marshalKey(key, &s)
	if err != nil {
		return fmt.Errorf("delete: marshal key: %w", err)
	}

	attr := sys.MapDeleteElemAttr{
		MapFd: m.fd.Uint(),
		Key:   keyPtr,
	}
	err = sys.MapDeleteElem(&attr)
	runtime.KeepAlive(m)
	if err != nil {
		return fmt.Errorf("delete: %w", wrapMapError(err))
	}
	return nil
}

// NextKey copies the key following key into nextKeyOut. A nil key asks for
// the first key. The order is the kernel's and changes as the map changes;
// Iterate is the easier way to walk a map.
//
// It returns an error wrapping ErrKeyNotExist if key is the last key.
func (m *Map) NextKey(key, nextKeyOut interface{}) error {
	nextKey := makeMapSyscallOutput(nextKeyOut, int(m.keySize))
	if err := m.nextKey(key, nextKey.Pointer()); err != nil {
		return err
	}
	if err := nextKey.Unmarshal(nextKeyOut); err != nil {
		return fmt.Errorf("next key: %w", err)
	}
	return nil
}

// NextKeyBytes returns the key following key in a new buffer; a nil key asks
// for the first key.
//
// It returns nil and no error if key is the last key, and an error if the
// kernel refuses otherwise.
func (m *Map) NextKeyBytes(key interface{}) ([]byte, error) {
	nextKey := make([]byte, m.keySize)
	err := m.nextKey(key, sys.NewSlicePointer(nextKey))
	if errors.Is(err, ErrKeyNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return nextKey, nil
}

// nextKey marshals key, nil meaning "the first key", and writes its
// successor to nextKeyOut.
func (m *Map) nextKey(key any, nextKeyOut sys.Pointer) error {
	var keyPtr sys.Pointer
	var s scratch
	if key != nil {
		var err error
		keyPtr, err = marshalMapSyscallInput(key, int(m.keySize), &s)
		if err != nil {
			return fmt.Errorf("next key: marshal key: %w", err)
		}
	}
	if err := m.nextKeyPtr(keyPtr, nextKeyOut); err != nil {
		return fmt.Errorf("next key: %w", err)
	}
	return nil
}

// nextKeyPtr is nextKey with a marshaled key; a NULL key asks for the first
// key.
func (m *Map) nextKeyPtr(keyPtr, nextKeyOut sys.Pointer) error {
	attr := sys.MapGetNextKeyAttr{
		MapFd:   m.fd.Uint(),
		Key:     keyPtr,
		NextKey: nextKeyOut,
	}
	err := sys.MapGetNextKey(&attr)
	runtime.KeepAlive(m)
	if err == nil {
		return nil
	}

	if keyPtr.IsNil() && errors.Is(err, unix.EFAULT) {
		// Kernels before 4.4.132 don't accept a NULL key. The successor of a
		// key that isn't in the map is the first key, so ask for that.
		guess, guessErr := m.guessNonExistentKey()
		if guessErr != nil {
			return guessErr
		}
		attr.Key = sys.NewSlicePointer(guess)
		err = sys.MapGetNextKey(&attr)
		runtime.KeepAlive(m)
	}
	return wrapMapError(err)
}

// guessNonExistentKey returns a key that is not in the map: all zeroes, all
// ones, 0x55 bytes or random bytes, whichever is free first.
//
// It returns an error if none of them is free.
func (m *Map) guessNonExistentKey() ([]byte, error) {
	// A lookup of a present key writes the value; an inaccessible page
	// makes that fail with EFAULT instead, whatever the value size, while a
	// missing key fails with ENOENT before the value is touched.
	page, err := unix.Mmap(-1, 0, unix.Getpagesize(), unix.PROT_NONE, unix.MAP_ANON|unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map guard page: %w", err)
	}
	defer unix.Munmap(page)
	valuePtr := sys.NewSlicePointer(page)

	key := make([]byte, m.keySize)
	keyPtr := sys.NewSlicePointer(key)
	for _, fill := range []func([]byte){
		func(b []byte) { clear(b) },
		func(b []byte) { fillBytes(b, 0xff) },
		func(b []byte) { fillBytes(b, 0x55) },
		func(b []byte) { _, _ = rand.Read(b) },
	} {
		fill(key)
		err := m.lookupPtr(sys.BPF_MAP_LOOKUP_ELEM, keyPtr, valuePtr, 0)
		if errors.Is(err, ErrKeyNotExist) {
			return key, nil
		}
	}
	return nil, errors.New("couldn't find non-existing key")
}

func fillBytes(b []byte, value byte) {
	for i := range b {
		b[i] = value
	}
}

// Iterate returns an iterator over the entries of the map.
func (m *Map) Iterate() *MapIterator {
	return newMapIterator(m)
}

// Close releases the map's file descriptor. The kernel object lives on if
// it is pinned or used by a program. Closing a nil or closed Map does
// nothing. It returns the error of close(2).
func (m *Map) Close() error {
	if m == nil {
		return nil
	}
	return m.fd.Close()
}

// FD returns the map's file descriptor, or -1 once the map is closed.
func (m *Map) FD() int {
	return m.fd.Int()
}

// Clone returns a new Map for the same kernel object with its own file
// descriptor, to be closed separately. The clone is not pinned, even if m
// is. Clone of a nil Map returns nil and no error.
//
// It returns an error if the descriptor cannot be duplicated, for example
// because m is closed.
func (m *Map) Clone() (*Map, error) {
	if m == nil {
		return nil, nil
	}

	dup, err := m.fd.Dup()
	if err != nil {
		return nil, fmt.Errorf("can't clone map: %w", err)
	}

	clone := *m
	clone.fd = dup
	clone.pinnedPath = ""
	return &clone, nil
}

// Pin makes the map reachable at fileName, which must be on a bpf file
// system. If the map is pinned already the pin is moved there, which fails
// if fileName exists. Pinning at the current path does nothing.
//
// It returns an error for an empty fileName, a path outside bpffs, or a
// failed pin.
func (m *Map) Pin(fileName string) error {
	return pinObject(&m.pinnedPath, fileName, m.fd)
}

// Unpin removes the map's pin. A missing pin file is no error, nor is
// unpinning a map that isn't pinned; IsPinned is false afterwards.
//
// It returns the error of removing the pin, and IsPinned stays true then.
func (m *Map) Unpin() error {
	return unpinObject(&m.pinnedPath)
}

// IsPinned reports whether the map was pinned or opened from a pin by this
// Map (not by a clone).
func (m *Map) IsPinned() bool {
	return m.pinnedPath != ""
}

// Freeze makes the map read-only for user space; programs can still write to
// it unless it was created with BPF_F_RDONLY_PROG.
//
// It returns an error wrapping ErrNotSupported on kernels before 5.2.
func (m *Map) Freeze() error {
	attr := sys.MapFreezeAttr{MapFd: m.fd.Uint()}
	err := sys.MapFreeze(&attr)
	runtime.KeepAlive(m)
	if err == nil {
		return nil
	}
	if featErr := haveMapMutabilityModifiers(); featErr != nil {
		return fmt.Errorf("can't freeze map: %w", featErr)
	}
	return fmt.Errorf("can't freeze map: %w", err)
}
