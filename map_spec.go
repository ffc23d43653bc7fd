package ebpf

import (
	"bytes"
	"fmt"
	"io"

	"github.com/bpfcore/ebpf/btf"
)

// MapID is the kernel's unique identifier of a map.
type MapID uint32

// MapSpec describes a map to create.
type MapSpec struct {
	// Name is the name of the map, truncated to 15 bytes when it is passed to
	// the kernel.
	Name       string
	Type       MapType
	KeySize    uint32
	ValueSize  uint32
	MaxEntries uint32
	// Flags are the map_flags of BPF_MAP_CREATE.
	Flags uint32
	// Pinning says whether and how the map is pinned.
	Pinning PinType
	// NumaNode is the NUMA node to allocate on; it needs BPF_F_NUMA_NODE in Flags.
	NumaNode uint32
	// Contents are written into the map after it is created.
	Contents []MapKV
	// Freeze makes the map read-only from user space after Contents are written.
	Freeze bool
	// InnerMap is the template of the values of a map-of-maps.
	InnerMap *MapSpec
	// Extra holds trailing bytes of a legacy map definition; they must be zero.
	Extra *bytes.Reader
	// Key and Value are the BTF types of keys and values, if known.
	Key, Value btf.Type
}

// MapKV is a key and a value to write into a map.
type MapKV struct {
	Key   interface{}
	Value interface{}
}

// String describes the spec, for example Hash(keySize=4, valueSize=8,
// maxEntries=1, flags=0).
func (ms *MapSpec) String() string {
	return fmt.Sprintf("%s(keySize=%d, valueSize=%d, maxEntries=%d, flags=%d)",
		ms.Type, ms.KeySize, ms.ValueSize, ms.MaxEntries, ms.Flags)
}

// Copy returns a copy of the spec that can be changed without changing the
// original: Contents is a new slice whose []byte keys and values (the data of
// .data, .rodata and .bss among them) are copied too, InnerMap is a copy and
// Extra a reader of its own. Other keys and values, Key and Value are shared.
// Copy of nil is nil.
func (ms *MapSpec) Copy() *MapSpec {
	if ms == nil {
		return nil
	}
	cpy := *ms
	if ms.Contents != nil {
		cpy.Contents = make([]MapKV, len(ms.Contents))
		for i, kv := range ms.Contents {
			cpy.Contents[i] = MapKV{copyBytes(kv.Key), copyBytes(kv.Value)}
		}
	}
	cpy.InnerMap = ms.InnerMap.Copy()
	cpy.Extra = copyReader(ms.Extra)
	return &cpy
}

// copyReader returns a reader over a copy of the bytes of r, at the same
// position, so that reading the copy leaves r where it was.
func copyReader(r *bytes.Reader) *bytes.Reader {
	if r == nil {
		return nil
	}
	buf := make([]byte, r.Size())
	// ReadAt of a bytes.Reader only fails past the end, which len(buf) isn't.
	n, _ := r.ReadAt(buf, 0)
	cpy := bytes.NewReader(buf[:n])
	// Seeking to an offset within the buffer cannot fail.
	_, _ = cpy.Seek(r.Size()-int64(r.Len()), io.SeekStart)
	return cpy
}

// copyBytes returns a copy of v if it is a byte slice, else v itself. The
// reference shares these slices between copies, so writing into the data of
// one spec's .data changed every copy; copying them costs one allocation per
// entry and keeps copies independent.
func copyBytes(v interface{}) interface{} {
	if b, ok := v.([]byte); ok && b != nil {
		return bytes.Clone(b)
	}
	return v
}
