package ebpf

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/bpfcore/ebpf/internal/sys"
)

// Program is a program loaded into the kernel. It is held by a file
// descriptor: Close releases it, and a Program that becomes unreachable is
// eventually closed by the garbage collector.
//
// Methods may be called concurrently, except Close.
type Program struct {
	// VerifierLog is the verifier's log of a successful load. It is only
	// filled when ProgramOptions.LogLevel asked for one; the log of a failed
	// load is in the returned *VerifierError instead.
	VerifierLog string

	fd         *sys.FD
	name       string
	pinnedPath string
	typ        ProgramType
}

// NewProgramFromFD creates a Program from fd, a descriptor of a program
// loaded by other means. It takes ownership of fd, which is closed when the
// Program is closed; use unix.Dup to keep a copy. Type and name come from
// the kernel's program info.
//
// It returns an error, and closes fd, if fd is invalid or the kernel can't
// describe the program.
func NewProgramFromFD(fd int) (*Program, error) {
	f, err := sys.NewFD(fd)
	if err != nil {
		return nil, err
	}
	return newProgramFromFD(f)
}

// NewProgramFromID opens the loaded program with the given ID, as listed by
// ProgramGetNextID. It needs CAP_SYS_ADMIN.
//
// It returns an error that is os.ErrNotExist if no program has that ID.
func NewProgramFromID(id ProgramID) (*Program, error) {
	fd, err := sys.ProgGetFdById(&sys.ProgGetFdByIdAttr{ProgId: uint32(id)})
	if err != nil {
		return nil, fmt.Errorf("get program by id %d: %w", id, err)
	}
	return newProgramFromFD(fd)
}

// newProgramFromFD wraps fd, asking the kernel for the program's type and
// name. It closes fd on error.
func newProgramFromFD(fd *sys.FD) (*Program, error) {
	info, err := newProgramInfoFromFd(fd)
	if err != nil {
		_ = fd.Close()
		return nil, fmt.Errorf("discover program type: %w", err)
	}
	return &Program{fd: fd, name: info.Name, typ: info.Type}, nil
}

// LoadPinnedProgram opens the program pinned at fileName on a bpf
// filesystem. opts may be nil. The program's name is the one the kernel
// reports, or the pin's base name on kernels without object names.
//
// It returns an error wrapping the kernel's errno: ENOENT if nothing is
// pinned there, EINVAL for invalid flags in opts.
func LoadPinnedProgram(fileName string, opts *LoadPinOptions) (*Program, error) {
	fd, err := loadPinnedFD(fileName, opts)
	if err != nil {
		return nil, fmt.Errorf("load pinned program: %w", err)
	}

	info, err := newProgramInfoFromFd(fd)
	if err != nil {
		_ = fd.Close()
		return nil, fmt.Errorf("info for pinned program %s: %w", fileName, err)
	}

	name := info.Name
	if errors.Is(haveObjName(), ErrNotSupported) {
		name = filepath.Base(fileName)
	}
	return &Program{fd: fd, name: name, pinnedPath: fileName, typ: info.Type}, nil
}

// ProgramGetNextID returns the ID of the first loaded program whose ID is
// greater than startID. Start with 0 to list every program.
//
// It returns an error that is os.ErrNotExist after the last program.
func ProgramGetNextID(startID ProgramID) (ProgramID, error) {
	attr := sys.ProgGetNextIdAttr{StartId: uint32(startID)}
	if err := sys.ProgGetNextId(&attr); err != nil {
		return 0, fmt.Errorf("next program id after %d: %w", startID, err)
	}
	return ProgramID(attr.NextId), nil
}

// SanitizeName replaces every rune of name that the kernel doesn't accept in
// object names by replacement: anything but ASCII letters, digits and '_',
// and '.' on kernels before 5.2. A negative replacement deletes such runes.
// It does not shorten the name.
func SanitizeName(name string, replacement rune) string {
	return strings.Map(func(char rune) rune {
		if invalidBPFObjNameChar(char) {
			return replacement
		}
		return char
	}, name)
}

// invalidBPFObjNameChar reports whether the kernel rejects char in object
// names.
func invalidBPFObjNameChar(char rune) bool {
	switch {
	case char >= 'A' && char <= 'Z', char >= 'a' && char <= 'z', char >= '0' && char <= '9', char == '_':
		return false
	case char == '.':
		// An inconclusive probe (no privileges, say) keeps dots: every
		// kernel from the last years takes them.
		return errors.Is(objNameAllowsDot(), ErrNotSupported)
	}
	return true
}

// String returns "<type>(<name>)#<fd>", or "<type>(<fd>)" for an unnamed
// program.
func (p *Program) String() string {
	if p.name != "" {
		return fmt.Sprintf("%s(%s)#%v", p.typ, p.name, p.fd)
	}
	return fmt.Sprintf("%s(%v)", p.typ, p.fd)
}

// Type returns the program's type.
func (p *Program) Type() ProgramType {
	return p.typ
}

// FD returns the program's file descriptor, or -1 once it is closed.
//
// The descriptor stays owned by the Program: don't close it, and keep the
// Program reachable while the number is in use.
func (p *Program) FD() int {
	return p.fd.Int()
}

// Clone returns a Program with a new descriptor for the same kernel object,
// which must be closed independently. The clone has the same VerifierLog
// and is not pinned. Clone of nil is (nil, nil).
//
// It returns an error if the descriptor can't be duplicated.
func (p *Program) Clone() (*Program, error) {
	if p == nil {
		return nil, nil
	}
	dup, err := p.fd.Dup()
	if err != nil {
		return nil, fmt.Errorf("can't clone program: %w", err)
	}
	return &Program{VerifierLog: p.VerifierLog, fd: dup, name: p.name, typ: p.typ}, nil
}

// Pin persists the program on a bpf filesystem at fileName, so that it
// outlives the process. A program pinned elsewhere is moved; fileName must
// not exist. Pinning at the current path does nothing. The pin stays until
// Unpin, even after Close.
//
// It returns an error for an empty fileName, a path outside bpffs or a
// failed pin, and the program stays pinned where it was then.
func (p *Program) Pin(fileName string) error {
	if err := pinObject(&p.pinnedPath, fileName, p.fd); err != nil {
		return fmt.Errorf("pin program %s: %w", p.name, err)
	}
	return nil
}

// Unpin removes the pin of the program. Unpinning a program that is not
// pinned, or whose pin file was already removed, does nothing; IsPinned is
// false afterwards.
//
// It returns an error if the pin can't be removed, and IsPinned stays true
// then.
func (p *Program) Unpin() error {
	if err := unpinObject(&p.pinnedPath); err != nil {
		return fmt.Errorf("program %s: %w", p.name, err)
	}
	return nil
}

// IsPinned reports whether the program was pinned by Pin or opened with
// LoadPinnedProgram, and not unpinned since.
func (p *Program) IsPinned() bool {
	return p.pinnedPath != ""
}

// Close releases the program's descriptor. The kernel object lives on while
// it is pinned, attached or otherwise referenced. Closing a nil or closed
// Program does nothing.
//
// It returns the error of close(2).
func (p *Program) Close() error {
	if p == nil {
		return nil
	}
	return p.fd.Close()
}

// BindMap ties the lifetime of m to the program, as if the program used it:
// the map lives as long as the program, even once every other reference is
// gone. Useful for metadata maps that user space finds through the
// program's map IDs.
//
// It returns the kernel's errno; binding needs kernel 5.10.
func (p *Program) BindMap(m *Map) error {
	if m == nil {
		return fmt.Errorf("bind map to program %s: nil map", p)
	}
	attr := sys.ProgBindMapAttr{
		ProgFd: p.fd.Uint(),
		MapFd:  uint32(m.FD()),
	}
	err := sys.ProgBindMap(&attr)
	runtime.KeepAlive(p)
	runtime.KeepAlive(m)
	if err != nil {
		return fmt.Errorf("bind map %s to program %s: %w", m, p, err)
	}
	return nil
}
