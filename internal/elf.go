package internal

import (
	"debug/elf"
	"fmt"
	"io"
	"os"
)

// SafeELFFile wraps debug/elf, which may panic on malformed input, and turns
// those panics into errors.
type SafeELFFile struct {
	*elf.File
	closer io.Closer
}

// NewSafeELFFile parses an ELF image like elf.NewFile. It returns an error
// instead of panicking if the image is malformed.
func NewSafeELFFile(r io.ReaderAt) (safe *SafeELFFile, err error) {
	defer func() {
		if p := recover(); p != nil {
			safe, err = nil, fmt.Errorf("reading ELF file panicked: %v", p)
		}
	}()

	file, err := elf.NewFile(r)
	if err != nil {
		return nil, err
	}
	return &SafeELFFile{File: file}, nil
}

// OpenSafeELFFile opens and parses the ELF file at path. Close releases it.
// It returns an error instead of panicking if the file is malformed.
func OpenSafeELFFile(path string) (*SafeELFFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}

	safe, err := NewSafeELFFile(fh)
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	safe.closer = fh
	return safe, nil
}

// Close closes the underlying file if OpenSafeELFFile opened it.
func (se *SafeELFFile) Close() error {
	if se.closer == nil {
		return nil
	}
	closer := se.closer
	se.closer = nil
	return closer.Close()
}

// Symbols returns the symbol table like elf.File.Symbols, turning panics
// into errors.
func (se *SafeELFFile) Symbols() (syms []elf.Symbol, err error) {
	defer func() {
		if p := recover(); p != nil {
			syms, err = nil, fmt.Errorf("reading ELF symbols panicked: %v", p)
		}
	}()
	return se.File.Symbols()
}

// DynamicSymbols returns the dynamic symbol table like
// elf.File.DynamicSymbols, turning panics into errors.
func (se *SafeELFFile) DynamicSymbols() (syms []elf.Symbol, err error) {
	defer func() {
		if p := recover(); p != nil {
			syms, err = nil, fmt.Errorf("reading ELF dynamic symbols panicked: %v", p)
		}
	}()
	return se.File.DynamicSymbols()
}

// SectionsByType returns all sections of the given type, in file order.
func (se *SafeELFFile) SectionsByType(typ elf.SectionType) []*elf.Section {
	var sections []*elf.Section
	for _, sec := range se.Sections {
		if sec.Type == typ {
			sections = append(sections, sec)
		}
	}
	return sections
}
