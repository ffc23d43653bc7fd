package ebpf

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/btfinternal"
)

// LoadCollectionSpec parses the ELF object at file, see
// LoadCollectionSpecFromReader.
//
// It returns an error prefixed with the file name if the file can't be opened
// or parsed.
func LoadCollectionSpec(file string) (*CollectionSpec, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	spec, err := LoadCollectionSpecFromReader(f)
	if err != nil {
		return nil, fmt.Errorf("file %s: %w", file, err)
	}
	return spec, nil
}

// LoadCollectionSpecFromReader parses a relocatable BPF ELF object, as clang
// emits with -target bpf, bpfel or bpfeb, into the maps and programs it
// defines.
//
// Programs keep symbolic references to maps, data sections and functions in
// their instructions (asm.Instruction.Reference); they are resolved when the
// collection is loaded. Functions in .text are linked into every program that
// calls them and are not programs themselves.
//
// It returns a nil spec and an error naming the section, symbol or map at
// fault if the object is malformed or uses something this package does not
// support (errors.Is(err, ErrNotSupported) for the latter).
func LoadCollectionSpecFromReader(rd io.ReaderAt) (*CollectionSpec, error) {
	f, err := internal.NewSafeELFFile(rd)
	if err != nil {
		// debug/elf reports some truncations, such as a section name table
		// running past the end of the file, as a bare io.ErrUnexpectedEOF.
		return nil, fmt.Errorf("read ELF headers and section names: %w", err)
	}
	return loadCollectionSpec(f)
}

// elfSectionKind says what the reader makes of an ELF section.
type elfSectionKind uint8

const (
	// undefSection stands for SHN_UNDEF, the home of extern symbols.
	undefSection elfSectionKind = iota
	mapSection
	btfMapSection
	dataSection
	programSection
)

// elfSection is a section whose symbols and relocations matter.
type elfSection struct {
	*elf.Section
	kind elfSectionKind
	// symbols defined in the section, sorted by offset, one per offset.
	symbols []elf.Symbol
	// relocations of the section's contents, sorted by offset, one per
	// offset.
	relocations []elfRelocation
	// references counts the relocations that point into the section.
	references int
}

// elfRelocation is a relocation at offset against sym.
type elfRelocation struct {
	offset uint64
	sym    elf.Symbol
}

// symbolAt returns the symbol at offset.
func (es *elfSection) symbolAt(offset uint64) (elf.Symbol, bool) {
	i, ok := slices.BinarySearchFunc(es.symbols, offset, func(sym elf.Symbol, off uint64) int {
		return cmpUint64(sym.Value, off)
	})
	if !ok {
		return elf.Symbol{}, false
	}
	return es.symbols[i], true
}

// relocationAt returns the symbol that the relocation at offset refers to.
func (es *elfSection) relocationAt(offset uint64) (elf.Symbol, bool) {
	i, ok := slices.BinarySearchFunc(es.relocations, offset, func(rel elfRelocation, off uint64) int {
		return cmpUint64(rel.offset, off)
	})
	if !ok {
		return elf.Symbol{}, false
	}
	return es.relocations[i].sym, true
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// elfReader holds what the phases of reading an object share.
type elfReader struct {
	file *internal.SafeELFFile
	bo   binary.ByteOrder

	// sections is indexed by ELF section index; nil for sections that
	// don't matter. Index 0 (SHN_UNDEF) holds the extern pseudo section.
	sections []*elfSection
	// relSections are the SHT_REL sections, by the index of their target.
	relSections []relSection
	// symbols is the symbol table without the null symbol, as relocations
	// index it.
	symbols []elf.Symbol

	license string
	version uint32

	types   *btf.Spec
	extInfo *btf.ExtInfos

	maps map[string]*MapSpec
	// kconfig is the virtual .kconfig map that extern __kconfig reads
	// refer to, nil if there is none.
	kconfig *MapSpec
	// kconfigOffsets are the offsets of the .kconfig variables by name.
	kconfigOffsets map[string]uint32
	// kfuncs are the functions declared in the virtual .ksyms section.
	kfuncs map[string]*btf.Func
}

// relSection is an SHT_REL section and the index of the section it applies
// to.
type relSection struct {
	target elf.SectionIndex
	sec    *elf.Section
}

// loadCollectionSpec runs the phases of ELF.md §1 in order.
func loadCollectionSpec(f *internal.SafeELFFile) (*CollectionSpec, error) {
	if f.Machine != elf.EM_NONE && f.Machine != elf.EM_BPF {
		return nil, fmt.Errorf("unexpected machine type for BPF ELF: %s", f.Machine)
	}

	r := &elfReader{
		file: f,
		bo:   f.ByteOrder,
		maps: make(map[string]*MapSpec),
	}

	if err := r.classifySections(); err != nil {
		return nil, err
	}

	// btf lays out data sections from the symbols as well: it gets the
	// ones read here instead of reading the table a second time.
	symbols, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("load symbols: %w", err)
	}
	r.symbols = symbols

	r.types, r.extInfo, err = loadObjectTypes(f, symbols)
	if err != nil {
		return nil, fmt.Errorf("load BTF: %w", err)
	}

	if err := r.assignSymbols(); err != nil {
		return nil, err
	}

	phases := []struct {
		name string
		fn   func() error
	}{
		{"load relocations", r.loadRelocations},
		{"load maps", r.loadLegacyMaps},
		{"load BTF maps", r.loadBTFMaps},
		{"load data sections", r.loadDataSections},
		{"load virtual .kconfig section", r.loadKconfigSection},
		{"load virtual .ksyms section", r.loadKsymsSection},
	}
	for _, phase := range phases {
		if err := phase.fn(); err != nil {
			return nil, fmt.Errorf("%s: %w", phase.name, err)
		}
	}

	progs, err := r.loadPrograms()
	if err != nil {
		return nil, fmt.Errorf("load programs: %w", err)
	}

	return &CollectionSpec{
		Maps:      r.maps,
		Programs:  progs,
		Types:     r.types,
		ByteOrder: r.bo,
	}, nil
}

// loadObjectTypes reads the object's BTF and .BTF.ext from the parsed
// file and its symbols, which btf would otherwise read again. An object
// without .BTF is fine: it has no types and no ext infos.
func loadObjectTypes(f *internal.SafeELFFile, symbols []elf.Symbol) (*btf.Spec, *btf.ExtInfos, error) {
	spec, extInfo, err := btfinternal.LoadSpecAndExtInfosFromELF(f, symbols)
	if errors.Is(err, btf.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	ext, _ := extInfo.(*btf.ExtInfos) // nil without .BTF.ext
	return spec.(*btf.Spec), ext, nil
}

// classifySections decides what each section is (ELF.md §2) and reads the
// license and version.
func (r *elfReader) classifySections() error {
	r.sections = make([]*elfSection, max(len(r.file.Sections), 1))
	r.sections[elf.SHN_UNDEF] = &elfSection{Section: &elf.Section{}, kind: undefSection}

	var licenseSec, versionSec *elf.Section
	for i, sec := range r.file.Sections {
		if i == int(elf.SHN_UNDEF) {
			continue
		}

		switch {
		case strings.HasPrefix(sec.Name, "license"):
			if licenseSec != nil {
				return fmt.Errorf("sections %s and %s: more than one license", licenseSec.Name, sec.Name)
			}
			licenseSec = sec
		case strings.HasPrefix(sec.Name, "version"):
			if versionSec != nil {
				return fmt.Errorf("sections %s and %s: more than one version", versionSec.Name, sec.Name)
			}
			versionSec = sec
		default:
			if kind, ok := sectionKindOf(sec); ok {
				r.sections[i] = &elfSection{Section: sec, kind: kind}
			} else if sec.Type == elf.SHT_REL {
				r.relSections = append(r.relSections, relSection{elf.SectionIndex(sec.Info), sec})
			}
		}
	}

	var err error
	if r.license, err = readLicense(licenseSec); err != nil {
		return err
	}
	if r.version, err = readVersion(versionSec, r.bo); err != nil {
		return err
	}
	return nil
}

// sectionKindOf classifies the sections that hold programs, maps or data
// (ELF.md §2). Names decide before types: a data section stays one whatever
// its type.
func sectionKindOf(sec *elf.Section) (elfSectionKind, bool) {
	switch {
	case strings.HasPrefix(sec.Name, "maps"):
		return mapSection, true
	case sec.Name == ".maps":
		return btfMapSection, true
	case sec.Name == ".bss" || sec.Name == ".data" || strings.HasPrefix(sec.Name, ".rodata"):
		return dataSection, true
	case sec.Type == elf.SHT_REL:
		return 0, false
	case sec.Type == elf.SHT_PROGBITS && sec.Flags&elf.SHF_EXECINSTR != 0 && sec.Size > 0:
		return programSection, true
	}
	return 0, false
}

// section returns the section of interest at idx, or nil.
func (r *elfReader) section(idx elf.SectionIndex) *elfSection {
	if int(idx) >= len(r.sections) {
		return nil
	}
	return r.sections[idx]
}

// readLicense returns the license string without its trailing NULs, or ""
// without a license section.
func readLicense(sec *elf.Section) (string, error) {
	if sec == nil {
		return "", nil
	}
	data, err := sectionData(sec)
	if err != nil {
		return "", fmt.Errorf("section %s: %w", sec.Name, err)
	}
	return string(bytes.TrimRight(data, "\x00")), nil
}

// readVersion returns the kernel version the object was built for, or 0
// without a version section.
func readVersion(sec *elf.Section, bo binary.ByteOrder) (uint32, error) {
	if sec == nil {
		return 0, nil
	}
	data, err := sectionData(sec)
	if err != nil {
		return 0, fmt.Errorf("section %s: %w", sec.Name, err)
	}
	if len(data) < 4 {
		return 0, fmt.Errorf("section %s: version needs 4 bytes, have %d", sec.Name, len(data))
	}
	return bo.Uint32(data), nil
}

// maxNobitsSize bounds how many zero bytes the reader makes up for a
// SHT_NOBITS section whose contents it has to look at. Sections with file
// contents are bounded by the size of the file instead.
const maxNobitsSize = 1 << 20

// sectionData returns the contents of sec: zeros for SHT_NOBITS.
func sectionData(sec *elf.Section) ([]byte, error) {
	switch {
	case sec.Type == elf.SHT_NOBITS:
		if sec.Size > maxNobitsSize {
			return nil, fmt.Errorf("%d bytes of NOBITS is too large", sec.Size)
		}
		return make([]byte, sec.Size), nil

	case sec.Flags&elf.SHF_COMPRESSED == 0 && sec.Size <= maxNobitsSize:
		// Small enough to allocate up front even if the header lies about
		// the size: read it in one go.
		buf := make([]byte, sec.Size)
		if _, err := sec.ReadAt(buf, 0); err != nil {
			return nil, fmt.Errorf("read contents: %w", err)
		}
		return buf, nil
	}

	// Reads in chunks, so that a corrupt size fails at the end of the file
	// instead of allocating it.
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("read contents: %w", err)
	}
	return data, nil
}

// assignSymbols files every named symbol of r.symbols under the section of
// interest that defines it (ELF.md §3).
func (r *elfReader) assignSymbols() error {
	symbols := r.symbols

	// Two passes, so that all sections share one backing array.
	keep := make([]bool, len(symbols))
	counts := make([]int, len(r.sections))
	total := 0
	for i, sym := range symbols {
		if r.keepSymbol(sym) {
			keep[i] = true
			counts[sym.Section]++
			total++
		}
	}

	backing := make([]elf.Symbol, 0, total)
	for idx, sec := range r.sections {
		if sec != nil && counts[idx] > 0 {
			sec.symbols = backing[len(backing) : len(backing) : len(backing)+counts[idx]]
			backing = backing[:len(backing)+counts[idx]]
		}
	}
	for i, sym := range symbols {
		if keep[i] {
			sec := r.sections[sym.Section]
			sec.symbols = append(sec.symbols, sym)
		}
	}

	for _, sec := range r.sections {
		if sec != nil && len(sec.symbols) > 1 {
			sec.symbols = sortedByOffset(sec.symbols, func(sym elf.Symbol) uint64 { return sym.Value })
		}
	}
	return nil
}

// keepSymbol reports whether sym is defined in a section of interest and is
// of a type that matters there (ELF.md §3).
func (r *elfReader) keepSymbol(sym elf.Symbol) bool {
	sec := r.section(sym.Section)
	if sec == nil || sym.Name == "" {
		return false
	}

	typ, bind := elf.ST_TYPE(sym.Info), elf.ST_BIND(sym.Info)
	switch sec.kind {
	case mapSection, btfMapSection, dataSection:
		return typ == elf.STT_NOTYPE || typ == elf.STT_OBJECT
	case programSection:
		// Basic block labels of old LLVMs are no functions.
		if typ == elf.STT_NOTYPE && bind == elf.STB_LOCAL && strings.HasPrefix(sym.Name, "LBB") {
			return false
		}
		return typ == elf.STT_NOTYPE || typ == elf.STT_FUNC
	}
	return false
}

// sortedByOffset sorts s by offset and keeps only the last of several
// elements with the same offset, like a map keyed by offset would.
func sortedByOffset[T any](s []T, offset func(T) uint64) []T {
	slices.SortStableFunc(s, func(a, b T) int { return cmpUint64(offset(a), offset(b)) })
	out := s[:0]
	for i, v := range s {
		if i+1 < len(s) && offset(s[i+1]) == offset(v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// loadPrograms turns every program section into ProgramSpecs, links
// bpf-to-bpf calls and hides the library functions of .text (ELF.md §5).
func (r *elfReader) loadPrograms() (map[string]*ProgramSpec, error) {
	progs := make(map[string]*ProgramSpec)
	var exported []string

	for _, sec := range r.sections {
		if sec == nil || sec.kind != programSection {
			continue
		}
		if len(sec.symbols) == 0 {
			return nil, fmt.Errorf("section %s: missing symbols", sec.Name)
		}

		funcs, err := r.loadFunctions(sec)
		if err != nil {
			return nil, fmt.Errorf("section %s: %w", sec.Name, err)
		}

		progType, attachType, flags, attachTo := getProgType(sec.Name)
		for _, insns := range funcs {
			name := insns.Name()
			if progs[name] != nil {
				return nil, fmt.Errorf("section %s: duplicate program name %s", sec.Name, name)
			}
			progs[name] = &ProgramSpec{
				Name:          name,
				Type:          progType,
				AttachType:    attachType,
				AttachTo:      attachTo,
				SectionName:   sec.Name,
				Instructions:  insns,
				Flags:         flags,
				License:       r.license,
				KernelVersion: r.version,
				ByteOrder:     r.bo,
			}
			if sec.Name != ".text" {
				exported = append(exported, name)
			}
		}
	}

	flattenPrograms(progs, exported)

	for name, prog := range progs {
		if prog.SectionName == ".text" {
			delete(progs, name)
		}
	}
	return progs, nil
}

// loadFunctions decodes a program section, applies its relocations and ext
// infos, and splits it into functions.
func (r *elfReader) loadFunctions(sec *elfSection) ([]asm.Instructions, error) {
	data, err := sectionData(sec.Section)
	if err != nil {
		return nil, err
	}

	var insns asm.Instructions
	if err := insns.Unmarshal(bytes.NewReader(data), r.bo); err != nil {
		return nil, fmt.Errorf("decode instructions: %w", err)
	}
	if len(insns) == 0 {
		return nil, errors.New("no instructions")
	}

	syms, rels := sec.symbols, sec.relocations
	for iter := insns.Iterate(); iter.Next(); {
		ins, offset := iter.Ins, iter.Offset.Bytes()

		for len(syms) > 0 && syms[0].Value < offset {
			syms = syms[1:]
		}
		if len(syms) > 0 && syms[0].Value == offset {
			*ins = ins.WithSymbol(syms[0].Name)
		}

		if len(rels) > 0 && rels[0].offset < offset {
			return nil, fmt.Errorf("relocation at offset %d against %s: not at the start of an instruction",
				rels[0].offset, r.symbolName(rels[0].sym))
		}
		if len(rels) > 0 && rels[0].offset == offset {
			if err := r.relocateInstruction(ins, rels[0].sym); err != nil {
				return nil, fmt.Errorf("offset %d: relocate instruction: %w", offset, err)
			}
			rels = rels[1:]
		} else if err := referenceRelativeCall(ins, offset, sec); err != nil {
			return nil, fmt.Errorf("offset %d: %w", offset, err)
		}
	}

	if len(rels) > 0 {
		return nil, fmt.Errorf("relocation at offset %d against %s: beyond the last instruction",
			rels[0].offset, r.symbolName(rels[0].sym))
	}

	r.extInfo.Assign(insns, sec.Name)

	return splitFunctions(insns)
}
