package ebpf

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/bpfcore/ebpf/btf"
)

// mapFlagRdonlyProg is BPF_F_RDONLY_PROG: programs can't write to the map.
const mapFlagRdonlyProg = 0x80

// loadLegacyMaps reads the struct bpf_map_def definitions of every maps*
// section (ELF.md §8).
func (r *elfReader) loadLegacyMaps() error {
	for _, sec := range r.sections {
		if sec == nil || sec.kind != mapSection {
			continue
		}
		if err := r.loadLegacyMapSection(sec); err != nil {
			return fmt.Errorf("section %s: %w", sec.Name, err)
		}
	}
	return nil
}

// legacyMapFields are the fields of struct bpf_map_def, in order.
var legacyMapFields = [...]string{"type", "key size", "value size", "max entries", "flags"}

// loadLegacyMapSection splits a maps section into equally sized definitions,
// one per symbol. Bytes after the fields of struct bpf_map_def, such as the
// ones iproute2's struct bpf_elf_map adds, end up in MapSpec.Extra.
func (r *elfReader) loadLegacyMapSection(sec *elfSection) error {
	nsyms := uint64(len(sec.symbols))
	if nsyms == 0 {
		return errors.New("no symbols")
	}
	if sec.Size%nsyms != 0 {
		return errors.New("map descriptors are not of equal size")
	}

	data, err := sectionData(sec.Section)
	if err != nil {
		return err
	}
	if uint64(len(data)) != sec.Size {
		return fmt.Errorf("read %d bytes of %d", len(data), sec.Size)
	}

	size := sec.Size / nsyms
	for i, sym := range sec.symbols {
		offset := uint64(i) * size
		if sym.Value != offset {
			return fmt.Errorf("missing symbol for map at offset %d", offset)
		}
		name := sym.Name
		if r.maps[name] != nil {
			return fmt.Errorf("map %s already exists", name)
		}

		def := data[offset : offset+size]
		var fields [len(legacyMapFields)]uint32
		for j, field := range legacyMapFields {
			if len(def) < 4 {
				return fmt.Errorf("map %s: missing %s", name, field)
			}
			fields[j], def = r.bo.Uint32(def), def[4:]
		}

		spec := &MapSpec{
			Name:       SanitizeName(name, -1),
			Type:       MapType(fields[0]),
			KeySize:    fields[1],
			ValueSize:  fields[2],
			MaxEntries: fields[3],
			Flags:      fields[4],
		}
		if len(def) > 0 {
			spec.Extra = bytes.NewReader(def)
		}
		r.maps[name] = spec
	}
	return nil
}

// loadBTFMaps reads the map definitions of the .maps section, which BTF
// describes (ELF.md §9).
func (r *elfReader) loadBTFMaps() error {
	for _, sec := range r.sections {
		if sec == nil || sec.kind != btfMapSection {
			continue
		}
		if err := r.loadBTFMapSection(sec); err != nil {
			return fmt.Errorf("section %s: %w", sec.Name, err)
		}
	}
	return nil
}

func (r *elfReader) loadBTFMapSection(sec *elfSection) error {
	if r.types == nil {
		return errors.New("missing BTF")
	}
	var ds *btf.Datasec
	if err := r.types.TypeByName(sec.Name, &ds); err != nil {
		return fmt.Errorf("cannot find section '%s' in BTF: %w", sec.Name, err)
	}

	// The definitions only exist for their BTF and to receive relocations:
	// their bytes must be zero. NOBITS has no bytes to check.
	var data []byte
	if sec.Type != elf.SHT_NOBITS {
		var err error
		if data, err = sectionData(sec.Section); err != nil {
			return err
		}
	}

	var end uint64
	for i := range ds.Vars {
		vs := &ds.Vars[i]
		v, ok := vs.Type.(*btf.Var)
		if !ok {
			return fmt.Errorf("variable %d: expected a variable, got %s", i, vs.Type)
		}
		name := v.Name

		varEnd := uint64(vs.Offset) + uint64(vs.Size)
		if varEnd > sec.Size {
			return fmt.Errorf("map %s: definition at offset %d of %d bytes exceeds the section's %d bytes",
				name, vs.Offset, vs.Size, sec.Size)
		}
		end = max(end, varEnd)

		if data != nil && !allZero(data[vs.Offset:varEnd]) {
			return fmt.Errorf("map %s: initializing BTF map definitions: %w", name, ErrNotSupported)
		}
		if r.maps[name] != nil {
			return fmt.Errorf("map %s already exists", name)
		}

		def, ok := btf.UnderlyingType(v.Type).(*btf.Struct)
		if !ok {
			return fmt.Errorf("map %s: expected struct, got %s", name, v.Type)
		}
		if vs.Size < def.Size {
			return fmt.Errorf("map %s: variable of %d bytes is smaller than its definition %s of %d bytes",
				name, vs.Size, def, def.Size)
		}

		spec, err := mapSpecFromBTF(sec, vs, def, name, false)
		if err != nil {
			return fmt.Errorf("map %s: %w", name, err)
		}
		r.maps[name] = spec
	}

	if end < sec.Size {
		return fmt.Errorf("%d bytes after the last map definition, invalid BTF?", sec.Size-end)
	}
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// mapSpecFromBTF interprets the members of a BTF map definition. inner is
// true for the template of a map-of-maps' values, which may neither be
// pinned nor hold maps itself.
func mapSpecFromBTF(sec *elfSection, vs *btf.VarSecinfo, def *btf.Struct, name string, inner bool) (*MapSpec, error) {
	spec := &MapSpec{Name: SanitizeName(name, -1)}

	var haveKey, haveValue bool
	for i, member := range def.Members {
		var err error
		switch member.Name {
		case "type":
			var typ uint32
			typ, err = uintFromBTF(member.Type)
			spec.Type = MapType(typ)

		case "map_flags":
			spec.Flags, err = uintFromBTF(member.Type)

		case "max_entries":
			spec.MaxEntries, err = uintFromBTF(member.Type)

		case "key":
			if haveKey {
				return nil, errors.New("both key and key_size given")
			}
			spec.Key, spec.KeySize, err = typeFromBTF(member.Type)
			haveKey = true

		case "value":
			if haveValue {
				return nil, errors.New("both value and value_size given")
			}
			spec.Value, spec.ValueSize, err = typeFromBTF(member.Type)
			haveValue = true

		case "key_size":
			if haveKey {
				return nil, errors.New("both key and key_size given")
			}
			spec.KeySize, err = uintFromBTF(member.Type)
			haveKey = true

		case "value_size":
			if haveValue {
				return nil, errors.New("both value and value_size given")
			}
			spec.ValueSize, err = uintFromBTF(member.Type)
			haveValue = true

		case "pinning":
			if inner {
				return nil, errors.New("inner maps can't be pinned")
			}
			var pinning uint32
			pinning, err = uintFromBTF(member.Type)
			if err == nil && pinning > uint32(PinByName) {
				err = fmt.Errorf("unsupported pinning %d", pinning)
			}
			spec.Pinning = PinType(pinning)

		case "values":
			if i != len(def.Members)-1 {
				return nil, errors.New("'values' must be the last member in a BTF map definition")
			}
			err = valuesFromBTF(spec, sec, vs, member, name, inner)

		default:
			return nil, fmt.Errorf("unrecognized field %s in BTF map definition", member.Name)
		}
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", member.Name, err)
		}
	}

	return spec, nil
}

// uintFromBTF decodes __uint(name, N), a pointer to an array of N elements.
func uintFromBTF(typ btf.Type) (uint32, error) {
	ptr, ok := btf.UnderlyingType(typ).(*btf.Pointer)
	if !ok {
		return 0, fmt.Errorf("not a pointer: %s", typ)
	}
	arr, ok := btf.UnderlyingType(ptr.Target).(*btf.Array)
	if !ok {
		return 0, fmt.Errorf("not a pointer to array: %s", typ)
	}
	return arr.Nelems, nil
}

// typeFromBTF decodes __type(name, T), a pointer to T, into T and its size.
func typeFromBTF(typ btf.Type) (btf.Type, uint32, error) {
	ptr, ok := btf.UnderlyingType(typ).(*btf.Pointer)
	if !ok {
		return nil, 0, fmt.Errorf("not a pointer: %s", typ)
	}
	size, err := btf.Sizeof(ptr.Target)
	if err != nil {
		return nil, 0, fmt.Errorf("size of %s: %w", ptr.Target, err)
	}
	if size > math.MaxUint32 {
		return nil, 0, fmt.Errorf("size of %s: %d bytes is too large", ptr.Target, size)
	}
	return ptr.Target, uint32(size), nil
}

// valuesFromBTF handles the `values` member, __array(values, T): an array
// of pointers to inner map definitions (T is a struct) or to programs (T is
// a function prototype). Outside of inner maps, the array may be
// initialised; its slots become the map's Contents.
func valuesFromBTF(spec *MapSpec, sec *elfSection, vs *btf.VarSecinfo, member btf.Member, name string, inner bool) error {
	if spec.ValueSize != 0 && spec.ValueSize != 4 {
		return errors.New("value_size must be 0 or 4")
	}
	spec.ValueSize = 4

	arr, ok := btf.UnderlyingType(member.Type).(*btf.Array)
	if !ok {
		return fmt.Errorf("not an array: %s", member.Type)
	}
	ptr, ok := btf.UnderlyingType(arr.Type).(*btf.Pointer)
	if !ok {
		return fmt.Errorf("not an array of pointers: %s", member.Type)
	}

	switch target := btf.UnderlyingType(ptr.Target).(type) {
	case *btf.Struct:
		if spec.Type != ArrayOfMaps && spec.Type != HashOfMaps {
			return errors.New("outer map needs to be an array or a hash of maps")
		}
		if inner {
			return errors.New("nested inner maps are not supported")
		}
		innerSpec, err := mapSpecFromBTF(sec, vs, target, name+"_inner", true)
		if err != nil {
			return fmt.Errorf("inner map definition: %w", err)
		}
		spec.InnerMap = innerSpec

	case *btf.FuncProto:
		if spec.Type != ProgramArray {
			return errors.New("map needs to be a program array")
		}

	default:
		return fmt.Errorf("unsupported value type %s", ptr.Target)
	}

	if inner {
		return nil
	}
	contents, err := staticValues(sec, vs, member)
	if err != nil {
		return err
	}
	spec.Contents = contents
	return nil
}

// staticValues returns the initialised slots of a `values` array. Their
// bytes are zero: each initialised slot has a relocation against the
// program or map it holds. The array starts at the member and runs to the
// end of the variable, and a slot is as wide as the section's alignment (the
// size of a pointer).
func staticValues(sec *elfSection, vs *btf.VarSecinfo, member btf.Member) ([]MapKV, error) {
	start := uint64(vs.Offset) + uint64(member.Offset.Bytes())
	end := uint64(vs.Offset) + uint64(vs.Size)
	if start > end {
		return nil, fmt.Errorf("starts at offset %d, after the end of the definition at %d", start, end)
	}
	width := sec.Addralign
	if width == 0 {
		return nil, fmt.Errorf("section %s has no alignment to size the slots by", sec.Name)
	}
	if (end-start)%width != 0 {
		return nil, errors.New("unaligned static values section")
	}

	var contents []MapKV
	for _, rel := range sec.relocations {
		if rel.offset < start || rel.offset >= end {
			continue
		}
		slot, misaligned := (rel.offset-start)/width, (rel.offset-start)%width
		if misaligned != 0 {
			return nil, fmt.Errorf("relocation at offset %d is not at the start of a slot", rel.offset)
		}

		switch typ := elf.ST_TYPE(rel.sym.Info); typ {
		case elf.STT_FUNC, elf.STT_OBJECT:
			contents = append(contents, MapKV{uint32(slot), rel.sym.Name})
		default:
			return nil, fmt.Errorf("slot %d: unsupported relocation type %s for symbol %q", slot, typ, rel.sym.Name)
		}
	}
	return contents, nil
}

// loadDataSections turns every referenced .data, .bss and .rodata* section
// into a single-element array map (ELF.md §6). Unreferenced ones are
// dropped.
func (r *elfReader) loadDataSections() error {
	for _, sec := range r.sections {
		if sec == nil || sec.kind != dataSection || sec.references == 0 {
			continue
		}

		spec, err := r.dataSectionSpec(sec)
		if err != nil {
			return fmt.Errorf("data section %s: %w", sec.Name, err)
		}
		if r.maps[sec.Name] != nil {
			return fmt.Errorf("data section %s: a map of that name already exists", sec.Name)
		}
		r.maps[sec.Name] = spec
	}
	return nil
}

func (r *elfReader) dataSectionSpec(sec *elfSection) (*MapSpec, error) {
	if sec.Size > math.MaxUint32 {
		return nil, fmt.Errorf("contents exceed maximum size (%d bytes)", sec.Size)
	}

	spec := &MapSpec{
		Name:       SanitizeName(sec.Name, -1),
		Type:       Array,
		KeySize:    4,
		ValueSize:  uint32(sec.Size),
		MaxEntries: 1,
	}

	switch sec.Type {
	case elf.SHT_PROGBITS:
		data, err := sectionData(sec.Section)
		if err != nil {
			return nil, err
		}
		spec.Contents = []MapKV{{uint32(0), data}}
	case elf.SHT_NOBITS:
		// Zeros, which the kernel provides without being told.
	default:
		return nil, fmt.Errorf("unknown section type %s", sec.Type)
	}

	// Sections of anonymous data, like string literals, have no Datasec:
	// they are valid but their variables can't be rewritten.
	ds, err := r.datasec(sec.Name)
	if err != nil {
		return nil, err
	}
	if ds != nil {
		if ds.Size != spec.ValueSize {
			return nil, fmt.Errorf("BTF has %d bytes, the section %d", ds.Size, spec.ValueSize)
		}
		spec.Key = &btf.Void{}
		spec.Value = ds
	}

	if strings.HasPrefix(sec.Name, ".rodata") {
		spec.Flags = mapFlagRdonlyProg
		spec.Freeze = true
	}
	return spec, nil
}

// datasec returns the object's Datasec of that name, or nil if there is
// none.
func (r *elfReader) datasec(name string) (*btf.Datasec, error) {
	if r.types == nil {
		return nil, nil
	}
	var ds *btf.Datasec
	err := r.types.TypeByName(name, &ds)
	if errors.Is(err, btf.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("BTF of %s: %w", name, err)
	}
	return ds, nil
}

// loadKconfigSection prepares the map that holds the values of extern
// __kconfig variables, which exists only in BTF (ELF.md §11). It is not part
// of the CollectionSpec's Maps: the loader creates a copy per program.
func (r *elfReader) loadKconfigSection() error {
	ds, err := r.datasec(".kconfig")
	if err != nil || ds == nil {
		return err
	}
	if ds.Size == 0 {
		return errors.New("zero-length .kconfig")
	}

	offsets := make(map[string]uint32, len(ds.Vars))
	for i, vs := range ds.Vars {
		v, ok := vs.Type.(*btf.Var)
		if !ok {
			return fmt.Errorf("variable %d: expected a variable, got %s", i, vs.Type)
		}
		offsets[v.Name] = vs.Offset
	}

	r.kconfigOffsets = offsets
	r.kconfig = &MapSpec{
		Name:       ".kconfig",
		Type:       Array,
		KeySize:    4,
		ValueSize:  ds.Size,
		MaxEntries: 1,
		Flags:      mapFlagRdonlyProg,
		Freeze:     true,
		Key:        &btf.Int{Size: 4},
		Value:      ds,
	}
	return nil
}

// loadKsymsSection collects the kernel functions that extern __ksym
// declarations name (ELF.md §11). Extern variables are not supported.
func (r *elfReader) loadKsymsSection() error {
	ds, err := r.datasec(".ksyms")
	if err != nil || ds == nil {
		return err
	}

	r.kfuncs = make(map[string]*btf.Func, len(ds.Vars))
	for _, vs := range ds.Vars {
		fn, ok := vs.Type.(*btf.Func)
		if !ok {
			return fmt.Errorf("%s is a %T, only functions are supported: %w", vs.Type.TypeName(), vs.Type, ErrNotSupported)
		}
		r.kfuncs[fn.Name] = fn
	}
	return nil
}
