package btf

import (
	"debug/elf"
	"fmt"
	"io"
	"math"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/btfinternal"
)

const elfMagic = "\x7fELF"

// loadSpecFromELF parses the .BTF section of an ELF object and fixes up the
// layout of its data sections.
func loadSpecFromELF(rd io.ReaderAt) (spec *Spec, err error) {
	// debug/elf panics on some malformed input.
	defer func() {
		if r := recover(); r != nil {
			spec, err = nil, fmt.Errorf("read ELF: malformed file: %v", r)
		}
	}()

	file, err := elf.NewFile(rd)
	if err != nil {
		return nil, fmt.Errorf("read ELF: %w", err)
	}
	return loadSpecFromELFFile(file, nil)
}

func init() {
	btfinternal.LoadSpecAndExtInfosFromELF = func(file *internal.SafeELFFile, symbols []elf.Symbol) (any, any, error) {
		spec, extInfos, err := loadSpecAndExtInfosFromELF(file, symbols)
		if err != nil {
			return nil, nil, err
		}
		return spec, extInfos, nil
	}
}

// loadSpecAndExtInfosFromELF is LoadSpecAndExtInfosFromReader for an ELF
// that is parsed already: the ELF reader of package ebpf has it open, and
// parsing it again cost about a tenth of the reader's allocations. symbols
// is the file's symbol table if the caller has read it (the reader has),
// or nil to read it here if the layout of a data section needs it.
func loadSpecAndExtInfosFromELF(file *internal.SafeELFFile, symbols []elf.Symbol) (*Spec, *ExtInfos, error) {
	spec, err := loadSpecFromSafeELF(file, symbols)
	if err != nil {
		return nil, nil, err
	}

	extInfos, err := loadExtInfosFromELF(file, spec)
	if err != nil {
		return nil, nil, err
	}
	return spec, extInfos, nil
}

// loadSpecFromELFFile parses the .BTF section of file and fixes up the layout
// of its data sections, using symbols, the file's symbol table as
// file.Symbols returns it, or reading that if symbols is nil and a data
// section needs it. It returns an error wrapping ErrNotFound if there is
// no .BTF section. The caller recovers from panics in debug/elf.
func loadSpecFromELFFile(file *elf.File, symbols []elf.Symbol) (*Spec, error) {
	btfSection := file.Section(".BTF")
	if btfSection == nil {
		return nil, fmt.Errorf("ELF has no .BTF section: %w", ErrNotFound)
	}
	raw, err := sectionData(btfSection, "compressed BTF is not supported")
	if err != nil {
		return nil, err
	}

	spec, err := loadRawSpec(raw, file.ByteOrder, nil)
	if err != nil {
		return nil, fmt.Errorf("section .BTF: %w", err)
	}

	if err := fixupDatasecs(spec, file, symbols); err != nil {
		return nil, err
	}
	return spec, nil
}

// sectionData returns the contents of sec, one of the sections btf parses
// (.BTF, .BTF.ext). It returns an error naming the section if sec can't be
// read, has no data in the file, or is compressed, which btf doesn't
// support; compressed is the text of that error.
func sectionData(sec *elf.Section, compressed string) ([]byte, error) {
	if sec.Flags&elf.SHF_COMPRESSED != 0 {
		return nil, fmt.Errorf("section %s: %s", sec.Name, compressed)
	}
	if sec.Type == elf.SHT_NOBITS {
		return nil, fmt.Errorf("section %s: has no data (NOBITS)", sec.Name)
	}

	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("section %s: %w", sec.Name, err)
	}
	return data, nil
}

// fixupDatasecs decodes every Datasec of an ELF's BTF and fills in what the
// compiler leaves to the linker: the size of the section and the offsets of
// its variables, from symbols (nil: read from file when needed). Virtual
// sections get their own treatment: .kconfig is laid out from its
// variables' types, .ksyms must only hold functions.
func fixupDatasecs(spec *Spec, file *elf.File, symbols []elf.Symbol) error {
	spec.mu.Lock()
	defer spec.mu.Unlock()

	// Data sections whose variables need offsets from the symbol table;
	// objects rarely have more than .data*, .rodata*, .bss, .maps and
	// license.
	var buf [8]*Datasec
	pending := buf[:0]
	for i, off := range spec.raw.offsets {
		if spec.raw.header(off).Kind() != kindDatasec {
			continue
		}

		typ, err := spec.decode(spec.raw.firstID + TypeID(i))
		if err != nil {
			return err
		}
		ds := typ.(*Datasec)

		needsOffsets, err := fixupDatasec(ds, file)
		if err != nil {
			return err
		}
		if needsOffsets {
			pending = append(pending, ds)
		}
	}
	if len(pending) == 0 {
		return nil
	}

	if symbols == nil {
		var err error
		if symbols, err = file.Symbols(); err != nil {
			return fmt.Errorf("read ELF symbols: %w", err)
		}
	}
	return fixupDatasecOffsets(pending, file, symbols)
}

// fixupDatasec fixes up one Datasec of an ELF's BTF, except for the offsets
// of the variables of a real section, which need the symbol table: it
// reports whether ds needs those.
func fixupDatasec(ds *Datasec, file *elf.File) (needsOffsets bool, err error) {
	switch ds.Name {
	case ".ksyms":
		for _, vsi := range ds.Vars {
			if _, ok := vsi.Type.(*Func); !ok {
				return false, fmt.Errorf("data section .ksyms: %s is a %T, only functions are supported: %w",
					vsi.Type.TypeName(), vsi.Type, ErrNotSupported)
			}
		}
		return false, nil

	case ".kconfig":
		if err := fixupDatasecLayout(ds); err != nil {
			return false, fmt.Errorf("data section .kconfig: %w", err)
		}
		for _, vsi := range ds.Vars {
			// Externs are resolved by the loader, the kernel only
			// accepts them as globals.
			vsi.Type.(*Var).Linkage = GlobalVar
		}
		return false, nil
	}

	if ds.Size != 0 {
		return false, nil
	}

	sec := file.Section(ds.Name)
	if sec == nil || (sec.Type != elf.SHT_PROGBITS && sec.Type != elf.SHT_NOBITS) {
		return false, fmt.Errorf("data section %s: missing size", ds.Name)
	}
	if sec.Size > math.MaxUint32 {
		return false, fmt.Errorf("data section %s: size %d exceeds 4 GiB", ds.Name, sec.Size)
	}
	ds.Size = uint32(sec.Size)
	return len(ds.Vars) > 0, nil
}

// fixupDatasecOffsets sets the offset of every variable of datasecs to the
// value of the symbol of the same name in the ELF section of the same name.
//
// It returns an error naming the variable that has no symbol.
func fixupDatasecOffsets(datasecs []*Datasec, file *elf.File, symbols []elf.Symbol) error {
	offsets, err := symbolOffsets(file, symbols, datasecs)
	if err != nil {
		return err
	}
	for _, ds := range datasecs {
		for j := range ds.Vars {
			name := ds.Vars[j].Type.TypeName()
			offset, ok := offsets[elfSymbol{ds.Name, name}]
			if !ok {
				return fmt.Errorf("data section %s: missing offset for symbol %s", ds.Name, name)
			}
			ds.Vars[j].Offset = offset
		}
	}
	return nil
}

type elfSymbol struct {
	section string
	name    string
}

// symbolOffsets indexes the values of the ELF's symbols by section and name,
// for the sections named after datasecs: the rest of the symbol table
// (functions, labels, maps) would only cost memory. Symbols in reserved
// sections (absolute, common, ...) and values that don't fit the u32
// offsets of BTF are skipped.
//
// It returns an error if a symbol refers to a section that doesn't exist.
func symbolOffsets(file *elf.File, symbols []elf.Symbol, datasecs []*Datasec) (map[elfSymbol]uint32, error) {
	size := 0
	for _, ds := range datasecs {
		size += len(ds.Vars)
	}

	offsets := make(map[elfSymbol]uint32, size)
	for _, sym := range symbols {
		if sym.Section >= elf.SHN_LORESERVE && sym.Section <= elf.SHN_HIRESERVE {
			continue
		}
		if sym.Value > math.MaxUint32 {
			continue
		}
		if int(sym.Section) >= len(file.Sections) {
			return nil, fmt.Errorf("symbol %s: section index %d out of range", sym.Name, sym.Section)
		}
		if section := file.Sections[sym.Section].Name; hasDatasec(datasecs, section) {
			offsets[elfSymbol{section, sym.Name}] = uint32(sym.Value)
		}
	}
	return offsets, nil
}

// hasDatasec reports whether one of datasecs is called name.
func hasDatasec(datasecs []*Datasec, name string) bool {
	for _, ds := range datasecs {
		if ds.Name == name {
			return true
		}
	}
	return false
}

// fixupDatasecLayout lays out the variables of ds one after another, each
// aligned to its type, and sets ds.Size to the end of the last one.
func fixupDatasecLayout(ds *Datasec) error {
	var off uint32
	for i, vsi := range ds.Vars {
		v, ok := vsi.Type.(*Var)
		if !ok {
			return fmt.Errorf("variable %d: is a %T, not a *Var", i, vsi.Type)
		}

		size, err := Sizeof(v.Type)
		if err != nil {
			return fmt.Errorf("variable %s: size: %w", v.Name, err)
		}
		align, err := alignof(v.Type)
		if err != nil {
			return fmt.Errorf("variable %s: alignment: %w", v.Name, err)
		}

		off = (off + uint32(align) - 1) &^ (uint32(align) - 1)
		ds.Vars[i].Offset = off
		if uint64(off)+uint64(size) > math.MaxUint32 {
			return fmt.Errorf("variable %s: section exceeds 4 GiB", v.Name)
		}
		off += uint32(size)
	}
	ds.Size = off
	return nil
}

// alignof returns the alignment of a type that can be laid out in a
// .kconfig section: integers and enums align to their size, arrays to their
// element.
func alignof(typ Type) (int, error) {
	for range maxResolveDepth {
		var n int
		switch t := UnderlyingType(typ).(type) {
		case *Int:
			n = int(t.Size)
		case *Enum:
			n = int(t.Size)
		case *Array:
			typ = t.Type
			continue
		default:
			return 0, fmt.Errorf("can't calculate alignment of %T", t)
		}

		if n <= 0 || n&(n-1) != 0 {
			return 0, fmt.Errorf("alignment %d of %s is not a power of two", n, typ)
		}
		return n, nil
	}
	return 0, fmt.Errorf("alignment of %s: %w", typ, errNestedTooDeep)
}
