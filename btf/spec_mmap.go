package btf

import (
	"encoding/binary"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Kernel BTF in sysfs is mapped rather than read when the kernel allows it
// (since Linux 6.16 for vmlinux). Reading costs a system call per 4 KiB page
// there, over a thousand for vmlinux, and a copy the size of the blob on the
// heap; a mapping costs neither.
//
// The mapping lives as long as the rawTypes that refer to it. No Type and no
// string handed out may point into it: the decoder copies names out of a
// mapped string table (see stringArena) and stringTable.lookup clones.

// mapSysfsBTF maps a BTF file in sysfs and parses it. It returns ok false,
// and no error, if the file can't be mapped, so that the caller reads it
// instead.
func mapSysfsBTF(f *os.File) (_ *Spec, ok bool, _ error) {
	var fs unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &fs); err != nil || fs.Type != unix.SYSFS_MAGIC {
		return nil, false, nil
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() < btfHeaderLen || fi.Size() > 1<<31 {
		return nil, false, nil
	}

	mapping, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_POPULATE)
	if err != nil {
		return nil, false, nil
	}
	// The decoder works on little endian data and swaps anything else in
	// place, which a read-only mapping doesn't allow.
	if guessRawBTFByteOrder(mapping) != binary.LittleEndian {
		_ = unix.Munmap(mapping)
		return nil, false, nil
	}

	spec, err := loadRaw(mapping, binary.LittleEndian, nil, true)
	if err != nil {
		_ = unix.Munmap(mapping)
		return nil, true, err
	}
	runtime.AddCleanup(spec.raw, func(m []byte) { _ = unix.Munmap(m) }, mapping)
	return spec, true, nil
}

// stringArena copies strings into shared chunks, so that decoding thousands
// of names from a mapped blob takes few allocations.
type stringArena struct {
	free []byte
}

const stringArenaChunk = 4096

func (a *stringArena) clone(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > cap(a.free)-len(a.free) {
		if len(s) > stringArenaChunk/4 {
			return string([]byte(s))
		}
		a.free = make([]byte, 0, stringArenaChunk)
	}
	start := len(a.free)
	a.free = append(a.free, s...)
	return unsafe.String(&a.free[start], len(s))
}
