package ebpf

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// The map-related feature probes of LOADER.md §7. Each creates a small map
// with the feature in question: EINVAL (or the kernel-internal ENOTSUPP)
// means the kernel does not know the feature; any other failure, such as
// missing privileges, says nothing about the feature and is returned as an
// inconclusive result. Every map a probe creates is closed before it
// returns.

// probeMapCreate creates a map from attr and closes it again. It returns
// ErrNotSupported if the kernel rejects attr as invalid, and the kernel's
// error otherwise.
func probeMapCreate(attr *sys.MapCreateAttr) error {
	fd, err := sys.MapCreate(attr)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, sys.ENOTSUPP) {
		return internal.ErrNotSupported
	}
	if err != nil {
		return err
	}
	return fd.Close()
}

// probeMapFlags probes whether the kernel knows a map flag by creating a
// one-element map of type typ with 4-byte keys and values and that flag.
func probeMapFlags(typ sys.MapType, flags sys.MapFlags) error {
	return probeMapCreate(&sys.MapCreateAttr{
		MapType:    typ,
		KeySize:    4,
		ValueSize:  4,
		MaxEntries: 1,
		MapFlags:   flags,
	})
}

// haveNestedMaps reports whether the kernel has map-of-maps. The probe
// passes an invalid inner map fd: a kernel that knows the type complains
// about the fd (EBADF), an older one about the type (EINVAL).
var haveNestedMaps = internal.NewFeatureTest("nested maps", "4.12", func() error {
	fd, err := sys.MapCreate(&sys.MapCreateAttr{
		MapType:    sys.BPF_MAP_TYPE_ARRAY_OF_MAPS,
		KeySize:    4,
		ValueSize:  4,
		MaxEntries: 1,
		InnerMapFd: ^uint32(0),
	})
	switch {
	case errors.Is(err, unix.EBADF):
		return nil
	case errors.Is(err, unix.EINVAL):
		return internal.ErrNotSupported
	case err != nil:
		return err
	}
	// Some kernel accepted an invalid fd: the type exists.
	return fd.Close()
})

// haveMapMutabilityModifiers reports whether the kernel knows
// BPF_F_RDONLY_PROG / BPF_F_WRONLY_PROG and BPF_MAP_FREEZE, which arrived
// together.
var haveMapMutabilityModifiers = internal.NewFeatureTest("read- and write-only maps", "5.2", func() error {
	return probeMapFlags(sys.BPF_MAP_TYPE_ARRAY, unix.BPF_F_RDONLY_PROG)
})

// haveMmapableMaps reports whether array maps can be mmap'ed
// (BPF_F_MMAPABLE).
var haveMmapableMaps = internal.NewFeatureTest("mmapable maps", "5.5", func() error {
	return probeMapFlags(sys.BPF_MAP_TYPE_ARRAY, unix.BPF_F_MMAPABLE)
})

// haveInnerMaps reports whether the kernel knows BPF_F_INNER_MAP, which lets
// inner maps of an array-of-maps differ in MaxEntries.
var haveInnerMaps = internal.NewFeatureTest("inner maps", "5.10", func() error {
	return probeMapFlags(sys.BPF_MAP_TYPE_ARRAY, unix.BPF_F_INNER_MAP)
})

// haveNoPreallocMaps reports whether hash maps can be created without
// preallocating their elements (BPF_F_NO_PREALLOC).
var haveNoPreallocMaps = internal.NewFeatureTest("prealloc maps", "4.6", func() error {
	return probeMapFlags(sys.BPF_MAP_TYPE_HASH, unix.BPF_F_NO_PREALLOC)
})

// haveBatchAPI reports whether the kernel has the BPF_MAP_*_BATCH commands.
// Kernels without them reject the unknown command with EINVAL.
var haveBatchAPI = internal.NewFeatureTest("map batch api", "5.6", func() error {
	const maxEntries = 2
	fd, err := sys.MapCreate(&sys.MapCreateAttr{
		MapType:    sys.BPF_MAP_TYPE_HASH,
		KeySize:    4,
		ValueSize:  4,
		MaxEntries: maxEntries,
	})
	if err != nil {
		return err
	}
	defer fd.Close()

	keys := [maxEntries]uint32{1, 2}
	values := [maxEntries]uint32{3, 4}
	err = sys.MapUpdateBatch(&sys.MapUpdateBatchAttr{
		MapFd:  fd.Uint(),
		Keys:   sys.NewPointer(unsafe.Pointer(&keys)),
		Values: sys.NewPointer(unsafe.Pointer(&values)),
		Count:  maxEntries,
	})
	if errors.Is(err, unix.EINVAL) || errors.Is(err, sys.ENOTSUPP) {
		return internal.ErrNotSupported
	}
	return err
})
