package ebpf

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal/sys"
)

// MapInfo describes a map as the kernel sees it.
type MapInfo struct {
	Type       MapType
	KeySize    uint32
	ValueSize  uint32
	MaxEntries uint32
	// Flags are the map_flags the kernel reports, which may include flags
	// it set itself (BPF_F_RDONLY_PROG for device maps).
	Flags uint32
	// Name is the map's name; empty if the kernel is too old to report it.
	Name string

	id MapID
}

// ID returns the map's kernel ID and true, or false if the kernel did not
// report it (before 4.13).
func (mi *MapInfo) ID() (MapID, bool) {
	return mi.id, mi.id > 0
}

// Info asks the kernel about the map. Kernels without BPF_OBJ_GET_INFO_BY_FD
// (before 4.13) are read from /proc/self/fdinfo instead, which lacks the
// name and ID.
//
// It returns an error if neither source works, for example because the
// map is closed.
func (m *Map) Info() (*MapInfo, error) {
	info, err := newMapInfoFromFd(m.fd)
	if err != nil {
		return nil, fmt.Errorf("map info: %w", err)
	}
	return info, nil
}

func newMapInfoFromFd(fd *sys.FD) (*MapInfo, error) {
	if fd.Int() < 0 {
		// The kernel answers EBADFD rather than EBADF for this command.
		return nil, fmt.Errorf("closed map: %w", sys.ErrClosedFd)
	}

	var info sys.MapInfo
	err := sys.ObjInfo(fd, &info)
	if errors.Is(err, unix.EINVAL) {
		return newMapInfoFromProc(fd)
	}
	if err != nil {
		return nil, err
	}

	return &MapInfo{
		Type:       MapType(info.Type),
		KeySize:    info.KeySize,
		ValueSize:  info.ValueSize,
		MaxEntries: info.MaxEntries,
		Flags:      uint32(info.MapFlags),
		Name:       info.Name.String(),
		id:         MapID(info.Id),
	}, nil
}

// newMapInfoFromProc reads what /proc/self/fdinfo tells about a map: no
// name, no ID.
func newMapInfoFromProc(fd *sys.FD) (*MapInfo, error) {
	var info MapInfo
	err := scanFdInfo(fd, map[string]interface{}{
		"map_type":    &info.Type,
		"key_size":    &info.KeySize,
		"value_size":  &info.ValueSize,
		"max_entries": &info.MaxEntries,
		"map_flags":   &info.Flags,
	})
	if err != nil {
		return nil, err
	}
	return &info, nil
}

// NewMapFromFD returns a Map for the map behind fd, taking ownership of fd:
// it is closed when the Map is, and also if NewMapFromFD fails. Descriptor 0
// is first duplicated to a higher number.
//
// It returns an error if fd is invalid or the kernel cannot describe the
// map behind it.
func NewMapFromFD(fd int) (*Map, error) {
	f, err := sys.NewFD(fd)
	if err != nil {
		return nil, err
	}
	return newMapFromFD(f)
}

// newMapFromFD wraps fd, closing it on failure.
func newMapFromFD(fd *sys.FD) (*Map, error) {
	if err := checkIsMap(fd); err != nil {
		_ = fd.Close()
		return nil, err
	}

	info, err := newMapInfoFromFd(fd)
	if err != nil {
		_ = fd.Close()
		return nil, fmt.Errorf("get map info: %w", err)
	}

	m, err := newMap(fd, info.Name, info.Type, info.KeySize, info.ValueSize, info.MaxEntries, info.Flags)
	if err != nil {
		_ = fd.Close()
		return nil, err
	}
	return m, nil
}

// NewMapFromID opens the map with the given kernel ID. This needs
// CAP_SYS_ADMIN.
//
// Be careful with program arrays that are not yours: the kernel empties a
// program array when the last user-space reference to it goes away, and on
// some kernels (6.18 was seen doing it) opening one by ID in the short window
// after that and closing it again keeps the map alive for good.
//
// It returns an error wrapping os.ErrNotExist if there is no such map.
func NewMapFromID(id MapID) (*Map, error) {
	fd, err := sys.MapGetFdById(&sys.MapGetFdByIdAttr{MapId: uint32(id)})
	if err != nil {
		return nil, fmt.Errorf("get map by id %d: %w", id, err)
	}
	return newMapFromFD(fd)
}

// MapGetNextID returns the lowest map ID above startID; start at 0 to walk
// every map of the system.
//
// It returns an error wrapping os.ErrNotExist after the last map.
func MapGetNextID(startID MapID) (MapID, error) {
	attr := sys.MapGetNextIdAttr{StartId: uint32(startID)}
	if err := sys.MapGetNextId(&attr); err != nil {
		return 0, fmt.Errorf("next map id after %d: %w", startID, err)
	}
	return MapID(attr.NextId), nil
}

// checkIsMap returns an error if fd refers to another kind of BPF object
// than a map. BPF_OBJ_GET_INFO_BY_FD would describe a program or BTF
// object as if it were a map. Without /proc the caller is trusted.
func checkIsMap(fd *sys.FD) error {
	target, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd.Int()))
	if err != nil {
		return nil
	}
	kind, isAnon := strings.CutPrefix(target, "anon_inode:")
	if !isAnon || kind == "bpf-map" || !(strings.Contains(kind, "bpf") || strings.Contains(kind, "btf")) {
		return nil
	}
	return fmt.Errorf("fd %d refers to %s, not a map: %w", fd.Int(), kind, unix.EINVAL)
}
