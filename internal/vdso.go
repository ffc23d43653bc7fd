package internal

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"golang.org/x/sys/unix"
)

// atSysinfoEhdr is the auxiliary vector entry holding the vDSO's address.
const atSysinfoEhdr = 33

// errNoVersionNote means the vDSO carries no "Linux" version note.
var errNoVersionNote = errors.New("no Linux version note")

// vdsoVersionCode returns the LINUX_VERSION_CODE the kernel stamped into the
// vDSO mapped into every process.
func vdsoVersionCode() (uint32, error) {
	auxv, err := unix.Auxv()
	if err != nil {
		return 0, fmt.Errorf("read auxv: %w", err)
	}

	var addr uintptr
	for _, entry := range auxv {
		if entry[0] == atSysinfoEhdr {
			addr = entry[1]
		}
	}
	if addr == 0 || addr > math.MaxInt64 {
		return 0, errors.New("no vDSO in auxv")
	}

	// Reading through /proc/self/mem avoids turning an integer from the
	// auxiliary vector into a Go pointer.
	mem, err := os.Open("/proc/self/mem")
	if err != nil {
		return 0, err
	}
	defer mem.Close()

	return versionCodeFromELF(io.NewSectionReader(mem, int64(addr), math.MaxInt64-int64(addr)))
}

// versionCodeFromELF finds the "Linux" note of type 0 in an ELF image and
// returns its 32-bit payload.
func versionCodeFromELF(r io.ReaderAt) (uint32, error) {
	file, err := NewSafeELFFile(r)
	if err != nil {
		return 0, fmt.Errorf("parse vDSO: %w", err)
	}

	for _, sec := range file.Sections {
		if sec.Type != elf.SHT_NOTE {
			continue
		}
		data, err := sec.Data()
		if err != nil {
			return 0, fmt.Errorf("read vDSO section %s: %w", sec.Name, err)
		}
		code, err := versionCodeFromNotes(data, file.ByteOrder)
		if errors.Is(err, errNoVersionNote) {
			continue
		}
		return code, err
	}
	return 0, errNoVersionNote
}

// versionCodeFromNotes walks ELF notes (namesz, descsz, type, name, desc,
// each part padded to 4 bytes) looking for the kernel's version note.
func versionCodeFromNotes(data []byte, bo interface{ Uint32([]byte) uint32 }) (uint32, error) {
	pad4 := func(n uint64) uint64 { return (n + 3) &^ 3 }

	for off := uint64(0); off < uint64(len(data)); {
		if uint64(len(data))-off < 12 {
			return 0, fmt.Errorf("note header at offset %d: %w", off, io.ErrUnexpectedEOF)
		}
		nameSize := uint64(bo.Uint32(data[off:]))
		descSize := uint64(bo.Uint32(data[off+4:]))
		typ := bo.Uint32(data[off+8:])
		nameOff := off + 12
		descOff := nameOff + pad4(nameSize)
		end := descOff + pad4(descSize)
		if end > uint64(len(data)) {
			return 0, fmt.Errorf("note at offset %d: %w", off, io.ErrUnexpectedEOF)
		}

		name := bytes.TrimRight(data[nameOff:nameOff+nameSize], "\x00")
		if string(name) == "Linux" && typ == 0 && descSize == 4 {
			return bo.Uint32(data[descOff:]), nil
		}
		off = end
	}
	return 0, errNoVersionNote
}
