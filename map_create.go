package ebpf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// Creating a map is two phases (LOADER.md §6.1): newMapWithOptions creates
// the kernel object (or reuses a pinned one), finalize writes Contents and
// freezes. The collection loader runs them separately so that maps holding
// other maps or programs can be populated once those exist.

// NewMap creates a map from spec, writes spec.Contents into it and freezes
// it if spec.Freeze is set. It is NewMapWithOptions with no options.
//
// It returns an error naming the map if the kernel refuses it or the
// contents; nothing stays open then.
func NewMap(spec *MapSpec) (*Map, error) {
	return NewMapWithOptions(spec, MapOptions{})
}

// NewMapWithOptions is NewMap with options. With spec.Pinning set to
// PinByName the map is looked for at opts.PinPath/spec.Name first and
// reused if it is compatible with spec (Contents are still written and the
// map frozen if asked); otherwise it is created and pinned there.
//
// It returns an error prefixed "creating map" if the map cannot be created
// or reused (wrapping ErrMapIncompatible for an incompatible pinned map,
// ErrNotSupported for features the kernel lacks), or prefixed "populating
// map" if Contents or Freeze fail. The map is closed in either case.
func NewMapWithOptions(spec *MapSpec, opts MapOptions) (*Map, error) {
	if spec == nil {
		return nil, errors.New("creating map: nil MapSpec")
	}

	m, err := newMapWithOptions(spec, opts)
	if err != nil {
		return nil, fmt.Errorf("creating map%s: %w", nameSuffix(spec.Name), err)
	}

	if err := m.finalize(spec); err != nil {
		_ = m.Close()
		return nil, fmt.Errorf("populating map%s: %w", nameSuffix(spec.Name), err)
	}
	return m, nil
}

// nameSuffix returns " name" for a non-empty name, to name a map in an error
// message.
func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " " + name
}

// newMapWithOptions is the first phase of NewMapWithOptions: create the
// map, or reuse a compatible pinned one, and pin it by name if asked.
func newMapWithOptions(spec *MapSpec, opts MapOptions) (_ *Map, err error) {
	switch spec.Pinning {
	case PinByName:
		if spec.Name == "" {
			return nil, errors.New("pin by name: missing Name")
		}
		if opts.PinPath == "" {
			return nil, errors.New("pin by name: missing MapOptions.PinPath")
		}

		path := filepath.Join(opts.PinPath, spec.Name)
		m, err := LoadPinnedMap(path, &opts.LoadPinOptions)
		if errors.Is(err, unix.ENOENT) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("load pinned map: %w", err)
		}
		if err := spec.Compatible(m); err != nil {
			_ = m.Close()
			return nil, fmt.Errorf("use pinned map %s: %w", spec.Name, err)
		}
		return m, nil

	case PinNone:
		// Nothing to do.

	default:
		return nil, fmt.Errorf("pin type %d: %w", int(spec.Pinning), ErrNotSupported)
	}

	m, err := spec.createMap()
	if err != nil {
		return nil, err
	}

	if spec.Pinning == PinByName {
		path := filepath.Join(opts.PinPath, spec.Name)
		if err := m.Pin(path); err != nil {
			_ = m.Close()
			return nil, fmt.Errorf("pin map to %s: %w", path, err)
		}
	}
	return m, nil
}

// createMap creates the map spec describes, and for map-of-maps first a
// temporary inner map that serves the kernel as template for the values.
func (spec *MapSpec) createMap() (*Map, error) {
	if !spec.Type.canStoreMap() {
		return spec.createMapWithInner(nil)
	}

	if spec.InnerMap == nil {
		return nil, fmt.Errorf("%s requires InnerMap", spec.Type)
	}
	if spec.InnerMap.Pinning != PinNone {
		return nil, errors.New("inner maps cannot be pinned")
	}
	template, err := spec.InnerMap.createMap()
	if err != nil {
		return nil, fmt.Errorf("inner map: %w", err)
	}
	defer template.Close()

	return spec.createMapWithInner(template.fd)
}

// createMapWithInner issues BPF_MAP_CREATE for spec after fixing up its
// magic fields. inner is the template of a map-of-maps, nil otherwise.
func (spec *MapSpec) createMapWithInner(inner *sys.FD) (*Map, error) {
	if err := checkExtraIsZero(spec.Extra); err != nil {
		return nil, err
	}

	fixed, err := spec.fixupMagicFields()
	if err != nil {
		return nil, err
	}

	attr := sys.MapCreateAttr{
		MapType:    sys.MapType(fixed.Type),
		KeySize:    fixed.KeySize,
		ValueSize:  fixed.ValueSize,
		MaxEntries: fixed.MaxEntries,
		MapFlags:   sys.MapFlags(fixed.Flags),
		NumaNode:   fixed.NumaNode,
	}
	if inner != nil {
		attr.InnerMapFd = inner.Uint()
	}
	if haveObjName() == nil {
		attr.MapName = sys.NewObjName(fixed.Name)
	}

	handle, err := attachMapBTF(&attr, &fixed)
	if err != nil {
		return nil, err
	}
	defer handle.Close()

	fd, err := sys.MapCreate(&attr)
	if err != nil && attr.BtfFd != 0 && (errors.Is(err, unix.EINVAL) || errors.Is(err, sys.ENOTSUPP)) {
		// Some map types and kernels refuse BTF for keys and values that
		// they accept without it.
		attr.BtfFd, attr.BtfKeyTypeId, attr.BtfValueTypeId = 0, 0, 0
		fd, err = sys.MapCreate(&attr)
	}
	runtime.KeepAlive(inner)
	if err != nil {
		return nil, mapCreateError(&attr, &fixed, err)
	}

	m, err := newMap(fd, fixed.Name, fixed.Type, fixed.KeySize, fixed.ValueSize, fixed.MaxEntries, fixed.Flags)
	if err != nil {
		_ = fd.Close()
		return nil, err
	}
	return m, nil
}

// checkExtraIsZero checks that the trailing bytes of a legacy map definition
// are all zero: anything else would configure something this library does
// not do. It reads a copy of the reader, so the spec can be used again.
func checkExtraIsZero(extra *bytes.Reader) error {
	if extra == nil {
		return nil
	}
	r := *extra
	if _, err := io.Copy(internal.DiscardZeroes{}, &r); err != nil {
		return errors.New("extra contains unhandled non-zero bytes")
	}
	return nil
}

// fixupMagicFields returns a copy of spec's scalar fields with the values
// the kernel needs where specs may leave them zero: map-of-maps values are
// 4-byte fds; perf event arrays have 4-byte keys and values and one entry
// per possible CPU (at most).
//
// It returns an error for sizes these types cannot have.
func (spec *MapSpec) fixupMagicFields() (MapSpec, error) {
	fixed := *spec
	switch spec.Type {
	case ArrayOfMaps, HashOfMaps:
		if spec.ValueSize != 0 && spec.ValueSize != 4 {
			return MapSpec{}, errors.New("ValueSize must be zero or four for map of map")
		}
		fixed.ValueSize = 4

	case PerfEventArray:
		if spec.KeySize != 0 && spec.KeySize != 4 {
			return MapSpec{}, errors.New("KeySize must be zero or four for perf event array")
		}
		if spec.ValueSize != 0 && spec.ValueSize != 4 {
			return MapSpec{}, errors.New("ValueSize must be zero or four for perf event array")
		}
		fixed.KeySize = 4
		fixed.ValueSize = 4

		possibleCPUs, err := PossibleCPU()
		if err != nil {
			return MapSpec{}, fmt.Errorf("perf event array: %w", err)
		}
		if n := uint32(possibleCPUs); spec.MaxEntries == 0 || spec.MaxEntries > n {
			fixed.MaxEntries = n
		}
	}
	return fixed, nil
}

// mapCreateError explains a failed BPF_MAP_CREATE: a hint for the usual
// mistakes, or the missing kernel feature that is the likely cause.
func mapCreateError(attr *sys.MapCreateAttr, spec *MapSpec, err error) error {
	if errors.Is(err, unix.EPERM) {
		return fmt.Errorf("map create: %w (%s)", err, epermHint())
	}
	if errors.Is(err, unix.EINVAL) {
		switch {
		case spec.MaxEntries == 0:
			return fmt.Errorf("map create: %w (MaxEntries may be incorrectly set to zero)", err)
		case spec.Type == UnspecifiedMap:
			return fmt.Errorf("map create: cannot use type %s: %w", UnspecifiedMap, err)
		case spec.Flags&unix.BPF_F_NO_PREALLOC != 0:
			return fmt.Errorf("map create: %w (BPF_F_NO_PREALLOC may be incompatible with map type %s)", err, spec.Type)
		}
	}

	if featErr := missingMapFeature(spec); featErr != nil {
		return fmt.Errorf("map create: %w", featErr)
	}

	if errors.Is(err, unix.EINVAL) && (spec.Type == RingBuf || attr.MapType == sys.BPF_MAP_TYPE_USER_RINGBUF) {
		pageSize := uint32(os.Getpagesize())
		if n := spec.MaxEntries; n%pageSize != 0 || !internal.IsPow(n) {
			return fmt.Errorf("map create: %w (ring buffer size %d is not a power-of-two multiple of the page size %d)", err, n, pageSize)
		}
	}

	if attr.BtfFd == 0 {
		return fmt.Errorf("map create: %w (without BTF k/v)", err)
	}
	return fmt.Errorf("map create: %w", err)
}

// missingMapFeature returns the error of the first feature probe that says
// the kernel lacks something spec uses, or nil.
func missingMapFeature(spec *MapSpec) error {
	var probes []func() error
	if spec.Type.canStoreMap() {
		probes = append(probes, haveNestedMaps)
	}
	if spec.Flags&(unix.BPF_F_RDONLY_PROG|unix.BPF_F_WRONLY_PROG) != 0 || spec.Freeze {
		probes = append(probes, haveMapMutabilityModifiers)
	}
	if spec.Flags&unix.BPF_F_MMAPABLE != 0 {
		probes = append(probes, haveMmapableMaps)
	}
	if spec.Flags&unix.BPF_F_INNER_MAP != 0 {
		probes = append(probes, haveInnerMaps)
	}
	if spec.Flags&unix.BPF_F_NO_PREALLOC != 0 {
		probes = append(probes, haveNoPreallocMaps)
	}

	for _, probe := range probes {
		if err := probe(); errors.Is(err, ErrNotSupported) {
			return err
		}
	}
	return nil
}

// epermHint says why creating a map may not be permitted. Kernels since 5.11
// charge maps to the memory cgroup instead of RLIMIT_MEMLOCK, so there the
// cause is missing privileges.
func epermHint() string {
	if v, err := internal.KernelVersion(); err == nil && !v.Less(internal.Version{5, 11, 0}) {
		return "needs CAP_BPF or CAP_SYS_ADMIN"
	}
	return "MEMLOCK may be too low, consider raising RLIMIT_MEMLOCK"
}

// finalize is the second phase of NewMapWithOptions: write spec.Contents in
// order, then freeze if spec.Freeze is set.
func (m *Map) finalize(spec *MapSpec) error {
	for _, kv := range spec.Contents {
		if err := m.Put(kv.Key, kv.Value); err != nil {
			return fmt.Errorf("putting value: key %v: %w", kv.Key, err)
		}
	}

	if spec.Freeze {
		if err := m.Freeze(); err != nil {
			return fmt.Errorf("freezing map: %w", err)
		}
	}
	return nil
}

// LoadPinnedMap opens the map pinned at fileName; opts, which may be nil,
// can open it read-only or write-only. The Map reports IsPinned.
//
// It returns the kernel's error, matching unix.ENOENT if nothing is pinned
// there and unix.EINVAL for invalid flags.
func LoadPinnedMap(fileName string, opts *LoadPinOptions) (*Map, error) {
	fd, err := loadPinnedFD(fileName, opts)
	if err != nil {
		return nil, err
	}

	m, err := newMapFromFD(fd)
	if err != nil {
		return nil, fmt.Errorf("load pinned map %s: %w", fileName, err)
	}
	m.pinnedPath = fileName
	return m, nil
}

// Compatible returns nil if m can stand in for a map created from spec:
// Type, KeySize, ValueSize, MaxEntries and Flags agree once the fields
// creation would fix up are fixed up. Device maps may differ by
// BPF_F_RDONLY_PROG, which the kernel sets itself.
//
// It returns an error wrapping ErrMapIncompatible that lists every
// difference from m to spec, e.g. "KeySize: 4 changed to 8" for a map with
// 4-byte keys and a spec with 8-byte keys.
func (ms *MapSpec) Compatible(m *Map) error {
	if m == nil {
		return fmt.Errorf("nil map: %w", ErrMapIncompatible)
	}
	spec, err := ms.fixupMagicFields()
	if err != nil {
		return err
	}

	var diffs []string
	if m.typ != spec.Type {
		diffs = append(diffs, fmt.Sprintf("Type: %s changed to %s", m.typ, spec.Type))
	}
	if m.keySize != spec.KeySize {
		diffs = append(diffs, fmt.Sprintf("KeySize: %d changed to %d", m.keySize, spec.KeySize))
	}
	if m.valueSize != spec.ValueSize {
		diffs = append(diffs, fmt.Sprintf("ValueSize: %d changed to %d", m.valueSize, spec.ValueSize))
	}
	if m.maxEntries != spec.MaxEntries {
		diffs = append(diffs, fmt.Sprintf("MaxEntries: %d changed to %d", m.maxEntries, spec.MaxEntries))
	}
	devMapFlag := (spec.Type == DevMap || spec.Type == DevMapHash) && m.flags^spec.Flags == unix.BPF_F_RDONLY_PROG
	if m.flags != spec.Flags && !devMapFlag {
		diffs = append(diffs, fmt.Sprintf("Flags: %d changed to %d", m.flags, spec.Flags))
	}

	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %w", strings.Join(diffs, ", "), ErrMapIncompatible)
}

// attachMapBTF loads spec.Key and spec.Value as BTF and sets the BTF fields
// of attr, so that the kernel knows the map's types: it needs them for
// values with special fields (spin locks, timers) and shows them in tools
// like bpftool. A kernel without BTF for maps gets none; the returned
// handle, nil if there is no BTF, must be closed once the map exists.
//
// It returns an error for types that can't be marshaled or loaded.
func attachMapBTF(attr *sys.MapCreateAttr, spec *MapSpec) (*btf.Handle, error) {
	if spec.Key == nil && spec.Value == nil {
		return nil, nil
	}

	handle, keyID, valueID, err := btf.MarshalMapKV(spec.Key, spec.Value)
	if errors.Is(err, ErrNotSupported) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load BTF: %w", err)
	}

	attr.BtfFd = uint32(handle.FD())
	attr.BtfKeyTypeId = keyID
	attr.BtfValueTypeId = valueID
	return handle, nil
}
