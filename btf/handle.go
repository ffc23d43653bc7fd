package btf

import (
	"errors"
	"fmt"
	"math"
	"os"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// Handle is a reference to BTF loaded into the kernel.
type Handle struct {
	fd *sys.FD

	// Size of the raw BTF in bytes.
	size uint32

	// Whether the BTF is split BTF of a kernel module, which needs the
	// kernel's BTF as its base.
	needsKernelBase bool
}

// NewHandle loads the contents of a Builder into the kernel, encoded with
// KernelMarshalOptions. Decl and type tags are replaced if the kernel
// doesn't know them.
//
// It returns an error if the types can't be marshaled, an error wrapping
// ErrNotSupported if the kernel doesn't support BTF, and a
// *internal.VerifierError with the kernel's log if the kernel rejects them.
func NewHandle(b *Builder) (*Handle, error) {
	if b == nil {
		return nil, errors.New("load BTF: nil Builder")
	}

	small := getByteSlice()
	defer putByteSlice(small)

	buf, err := b.marshal(*small, KernelMarshalOptions(), kernelTagQuirks())
	if err != nil {
		return nil, fmt.Errorf("marshal BTF: %w", err)
	}
	// Keep a grown buffer for the next caller.
	*small = buf[:0]

	return NewHandleFromRawBTF(buf)
}

// btfLogSize is the size of the log buffer used to find out why the kernel
// rejected BTF. The BTF verifier stops at the first problem, so its log is
// short unless the blob is large.
const btfLogSize = 64 * 1024

// NewHandleFromRawBTF loads raw BTF into the kernel.
//
// It returns an error wrapping ErrNotSupported if the kernel doesn't
// support BTF, and otherwise a *internal.VerifierError holding the kernel's
// log if the kernel rejects the blob.
func NewHandleFromRawBTF(btf []byte) (*Handle, error) {
	if uint64(len(btf)) > math.MaxUint32 {
		return nil, fmt.Errorf("load BTF: %d bytes exceed the maximum of 4 GiB", len(btf))
	}

	attr := &sys.BtfLoadAttr{
		Btf:     sys.NewSlicePointer(btf),
		BtfSize: uint32(len(btf)),
	}

	fd, err := sys.BtfLoad(attr)
	if err == nil {
		return &Handle{fd: fd, size: attr.BtfSize}, nil
	}

	if err := haveBTF(); err != nil {
		return nil, err
	}

	// Load again to learn why the kernel refused, first with a buffer that
	// usually fits the log. Kernels since 6.4 say how big the log really is;
	// use that once if the buffer was too small, so the error isn't cut
	// short.
	logBuf := make([]byte, btfLogSize)
	for attempt := 0; ; attempt++ {
		attr.BtfLogBuf, attr.BtfLogSize = sys.NewSlicePointerLen(logBuf)
		attr.BtfLogLevel = 1
		attr.BtfLogTrueSize = 0

		fd, err = sys.BtfLoad(attr)
		if err == nil {
			// The kernel changed its mind, for example because memory pressure
			// went away.
			return &Handle{fd: fd, size: attr.BtfSize}, nil
		}

		trueSize := attr.BtfLogTrueSize
		if attempt > 0 || !errors.Is(err, unix.ENOSPC) || trueSize <= uint32(len(logBuf)) {
			break
		}
		logBuf = make([]byte, trueSize)
	}

	return nil, internal.ErrorWithLog("load btf", err, logBuf, errors.Is(err, unix.ENOSPC))
}

// NewHandleFromID returns the BTF object with the given ID in the kernel,
// for example that of a kernel module. It needs CAP_SYS_ADMIN.
//
// It returns an error wrapping os.ErrNotExist if there is no BTF with that
// ID.
func NewHandleFromID(id ID) (*Handle, error) {
	fd, err := sys.BtfGetFdById(&sys.BtfGetFdByIdAttr{BtfId: id})
	if err != nil {
		return nil, fmt.Errorf("get FD for ID %d: %w", id, err)
	}

	info, err := newHandleInfoFromFD(fd)
	if err != nil {
		_ = fd.Close()
		return nil, fmt.Errorf("BTF with ID %d: %w", id, err)
	}

	return &Handle{
		fd:              fd,
		size:            info.size,
		needsKernelBase: info.IsModule(),
	}, nil
}

// Spec parses the BTF of the handle. base must be the kernel's BTF (see
// LoadKernelSpec) if the handle belongs to a kernel module, and may be nil
// otherwise.
//
// It returns an error if the BTF can't be read back from the kernel or
// parsed, and if base is missing for module BTF.
func (h *Handle) Spec(base *Spec) (*Spec, error) {
	if h.needsKernelBase && base == nil {
		return nil, fmt.Errorf("BTF of a kernel module: missing base types")
	}

	raw := make([]byte, h.size)
	var info sys.BtfInfo
	info.Btf, info.BtfSize = sys.NewSlicePointerLen(raw)
	if err := sys.ObjInfo(h.fd, &info); err != nil {
		return nil, fmt.Errorf("read BTF from the kernel: %w", err)
	}
	if info.BtfSize > h.size {
		return nil, fmt.Errorf("read BTF from the kernel: it grew from %d to %d bytes", h.size, info.BtfSize)
	}

	if !h.needsKernelBase {
		base = nil
	}
	return loadRawSpec(raw[:info.BtfSize], internal.NativeEndian, base)
}

// Close destroys the handle.
//
// Subsequent calls to FD will return an invalid value. Calling Close on a
// nil or already closed handle is fine and returns nil; otherwise it returns
// the error of close(2).
func (h *Handle) Close() error {
	if h == nil {
		return nil
	}
	return h.fd.Close()
}

// FD returns the file descriptor for the handle.
func (h *Handle) FD() int {
	return h.fd.Int()
}

// Info returns metadata about the handle.
//
// It returns an error if the kernel can't provide it.
func (h *Handle) Info() (*HandleInfo, error) {
	return newHandleInfoFromFD(h.fd)
}

// HandleInfo describes a Handle.
type HandleInfo struct {
	// ID of this handle in the kernel. The ID is only valid as long as the
	// associated handle is kept alive.
	ID ID

	// Name is an identifying name for the BTF, currently only used by the
	// kernel.
	Name string

	// IsKernel is true if the BTF originated with the kernel and not
	// userspace.
	IsKernel bool

	// Size of the raw BTF in bytes.
	size uint32
}

// handleNameLen is enough for "vmlinux" and any module name (MODULE_NAME_LEN
// is 56 including the NUL), so that one query usually suffices.
const handleNameLen = 64

func newHandleInfoFromFD(fd *sys.FD) (*HandleInfo, error) {
	name := make([]byte, handleNameLen)
	for {
		var info sys.BtfInfo
		if name != nil {
			info.Name, info.NameLen = sys.NewSlicePointerLen(name)
		}
		err := sys.ObjInfo(fd, &info)
		if errors.Is(err, unix.E2BIG) && name != nil {
			// Kernels before 5.11 have no name in struct bpf_btf_info and
			// refuse an info struct with fields they don't know set: ask
			// again without a name, which those kernels don't give.
			name = nil
			continue
		}
		if name != nil && (errors.Is(err, unix.ENOSPC) || (err == nil && info.NameLen >= uint32(len(name)))) {
			// The name didn't fit. NameLen excludes the NUL.
			if info.NameLen < uint32(len(name)) {
				return nil, fmt.Errorf("get BTF info: %w", err)
			}
			name = make([]byte, info.NameLen+1)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("get BTF info: %w", err)
		}

		return &HandleInfo{
			ID:       info.Id,
			Name:     unix.ByteSliceToString(name[:min(int(info.NameLen), len(name))]),
			IsKernel: info.KernelBtf != 0,
			size:     info.BtfSize,
		}, nil
	}
}

// IsVmlinux returns true if the BTF is for the kernel itself.
func (i *HandleInfo) IsVmlinux() bool {
	return i.IsKernel && i.Name == "vmlinux"
}

// IsModule returns true if the BTF is for a kernel module.
func (i *HandleInfo) IsModule() bool {
	return i.IsKernel && i.Name != "vmlinux"
}

// HandleIterator allows enumerating BTF blobs loaded into the kernel.
//
// The zero value is ready to use.
type HandleIterator struct {
	// The ID of the current handle. Only valid after a call to Next.
	ID ID
	// The current Handle. Only valid until a call to Next.
	// See Take if you want to retain the handle.
	Handle *Handle
	err    error
}

// Next retrieves a handle for the next BTF object, in increasing order of
// IDs. IDs that disappear while iterating are skipped.
//
// Returns true if another BTF object was found. Call HandleIterator.Err
// after this method returns false. The previous handle is closed, and so is
// the last one when the iteration ends.
func (it *HandleIterator) Next() bool {
	if it.err != nil {
		return false
	}

	id := it.ID
	for {
		attr := &sys.BtfGetNextIdAttr{StartId: id}
		err := sys.BtfGetNextId(attr)
		if errors.Is(err, os.ErrNotExist) {
			// There are no more BTF objects.
			break
		}
		if err != nil {
			it.err = fmt.Errorf("get next BTF ID after %d: %w", id, err)
			break
		}

		id = attr.NextId
		handle, err := NewHandleFromID(id)
		if errors.Is(err, os.ErrNotExist) {
			// The object went away since we got its ID.
			continue
		}
		if err != nil {
			it.err = fmt.Errorf("retrieve handle for ID %d: %w", id, err)
			break
		}

		it.Handle.Close()
		it.ID, it.Handle = id, handle
		return true
	}

	it.Handle.Close()
	it.Handle = nil
	return false
}

// Take the ownership of the current handle.
//
// It's the callers responsibility to close the handle. It returns nil if
// there is no current handle.
func (it *HandleIterator) Take() *Handle {
	handle := it.Handle
	it.Handle = nil
	return handle
}

// Err returns an error if iteration failed for some reason.
func (it *HandleIterator) Err() error {
	return it.err
}

// FindHandle returns the first handle for which predicate returns true.
//
// Requires CAP_SYS_ADMIN. The caller owns the returned handle. It returns
// an error wrapping ErrNotFound if predicate is true for no handle, and an
// error if the kernel's BTF objects can't be enumerated.
func FindHandle(predicate func(info *HandleInfo) bool) (*Handle, error) {
	var it HandleIterator
	defer it.Handle.Close()

	for it.Next() {
		info, err := it.Handle.Info()
		if err != nil {
			return nil, fmt.Errorf("info for BTF ID %d: %w", it.ID, err)
		}

		if predicate(info) {
			return it.Take(), nil
		}
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("iterate BTF handles: %w", err)
	}

	return nil, fmt.Errorf("find BTF handle: %w", ErrNotFound)
}

// MarshalMapKV creates a BTF object containing the key and value types,
// either of which may be nil, and returns it with their IDs. It is meant for
// package ebpf, to create maps with BTF.
//
// It returns an error wrapping ErrNotSupported if the kernel rejects the
// blob because it lacks BTF for maps, and other errors as NewHandle does.
func MarshalMapKV(key, value Type) (_ *Handle, keyID, valueID TypeID, err error) {
	var b Builder

	if key != nil {
		keyID, err = b.Add(key)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("add key type: %w", err)
		}
	}

	if value != nil {
		valueID, err = b.Add(value)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("add value type: %w", err)
		}
	}

	handle, err := NewHandle(&b)
	if err != nil {
		// Kernels between 4.18 and 5.2 load BTF for maps as long as it has
		// no Var or Datasec: only blame the kernel if that's what it lacks.
		if probeErr := haveMapBTF(); probeErr != nil {
			return nil, 0, 0, probeErr
		}
		return nil, 0, 0, err
	}
	return handle, keyID, valueID, nil
}
