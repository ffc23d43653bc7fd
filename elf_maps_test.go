package ebpf

import (
	"bytes"
	"debug/elf"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/btf"
)

// The tests below build map definitions out of BTF types, the way clang
// encodes the macros of bpf_helpers.h, to reach every rule of ELF.md §9
// that the compiled objects in testdata can't break.

var btfMapInt = &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}

// uintMember is __uint(name, n): a pointer to an array of n ints.
func uintMember(name string, n uint32) btf.Member {
	return btf.Member{Name: name, Type: &btf.Pointer{Target: &btf.Array{Index: btfMapInt, Type: btfMapInt, Nelems: n}}}
}

// typeMember is __type(name, typ): a pointer to typ.
func typeMember(name string, typ btf.Type) btf.Member {
	return btf.Member{Name: name, Type: &btf.Pointer{Target: typ}}
}

// valuesMember is __array(values, target): an array of pointers to target,
// at byte offset off of the definition.
func valuesMember(target btf.Type, off uint32) btf.Member {
	return btf.Member{
		Name:   "values",
		Type:   &btf.Array{Index: btfMapInt, Type: &btf.Pointer{Target: target}},
		Offset: btf.Bits(off * 8),
	}
}

// mapDef returns a map definition struct, eight bytes per member.
func mapDef(members ...btf.Member) *btf.Struct {
	for i := range members {
		if members[i].Offset == 0 {
			members[i].Offset = btf.Bits(i * 64)
		}
	}
	return &btf.Struct{Size: uint32(len(members)) * 8, Members: members}
}

// btfMapsSection is a .maps section of size bytes with 8-byte slots.
func btfMapsSection(size uint64, rels ...elfRelocation) *elfSection {
	return &elfSection{
		Section: &elf.Section{SectionHeader: elf.SectionHeader{
			Name: ".maps", Type: elf.SHT_NOBITS, Size: size, Addralign: 8,
		}},
		kind:        btfMapSection,
		relocations: rels,
	}
}

func TestBTFMapDefinition(t *testing.T) {
	value := &btf.Struct{Name: "value", Size: 16}
	def := mapDef(
		uintMember("type", uint32(Hash)),
		typeMember("key", btfMapInt),
		typeMember("value", &btf.Typedef{Name: "value_t", Type: value}),
		uintMember("max_entries", 42),
		uintMember("map_flags", 1),
		uintMember("pinning", uint32(PinByName)),
	)
	vs := &btf.VarSecinfo{Size: def.Size}

	spec, err := mapSpecFromBTF(btfMapsSection(uint64(def.Size)), vs, def, "counts", false)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(spec, &MapSpec{
		Name:       "counts",
		Type:       Hash,
		KeySize:    4,
		ValueSize:  16,
		MaxEntries: 42,
		Flags:      1,
		Pinning:    PinByName,
		Key:        btfMapInt,
		Value:      def.Members[2].Type.(*btf.Pointer).Target,
	}))
}

// TestBTFMapDefinitionValues reads the static values of a map of maps and
// of a program array from the relocations of their slots.
func TestBTFMapDefinitionValues(t *testing.T) {
	inner := mapDef(uintMember("type", uint32(Array)), uintMember("key_size", 4), uintMember("value_size", 4), uintMember("max_entries", 1))
	outer := mapDef(uintMember("type", uint32(ArrayOfMaps)), uintMember("key_size", 4), uintMember("max_entries", 4), valuesMember(inner, 24))
	outer.Size = 24 + 4*8
	vs := &btf.VarSecinfo{Offset: 16, Size: outer.Size}
	sec := btfMapsSection(16+uint64(outer.Size),
		elfRelocation{16 + 24 + 8, elf.Symbol{Name: "inner_a", Info: elf.ST_INFO(elf.STB_GLOBAL, elf.STT_OBJECT)}},
		elfRelocation{16 + 24 + 24, elf.Symbol{Name: "inner_b", Info: elf.ST_INFO(elf.STB_GLOBAL, elf.STT_OBJECT)}},
	)

	spec, err := mapSpecFromBTF(sec, vs, outer, "outer", false)
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.Equals(spec.ValueSize, 4))
	qt.Check(t, qt.DeepEquals(spec.Contents, []MapKV{{uint32(1), "inner_a"}, {uint32(3), "inner_b"}}))
	qt.Check(t, qt.DeepEquals(spec.InnerMap, &MapSpec{Name: "outer_inner", Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}))

	progs := mapDef(uintMember("type", uint32(ProgramArray)), uintMember("key_size", 4), uintMember("max_entries", 2), valuesMember(&btf.FuncProto{Return: btfMapInt}, 24))
	progs.Size = 24 + 2*8
	sec = btfMapsSection(uint64(progs.Size),
		elfRelocation{24, elf.Symbol{Name: "tail", Info: elf.ST_INFO(elf.STB_GLOBAL, elf.STT_FUNC)}})
	spec, err = mapSpecFromBTF(sec, &btf.VarSecinfo{Size: progs.Size}, progs, "jumps", false)
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.DeepEquals(spec.Contents, []MapKV{{uint32(0), "tail"}}))
	qt.Check(t, qt.IsNil(spec.InnerMap))
}

// TestBTFMapDefinitionErrors breaks each member rule of ELF.md §9 once.
func TestBTFMapDefinitionErrors(t *testing.T) {
	innerDef := mapDef(uintMember("type", uint32(Hash)), uintMember("key_size", 4), uintMember("value_size", 4), uintMember("max_entries", 1))
	pinnedInner := mapDef(uintMember("type", uint32(Hash)), uintMember("pinning", 1))
	nestedInner := mapDef(uintMember("type", uint32(ArrayOfMaps)), valuesMember(innerDef, 8))
	proto := &btf.FuncProto{Return: btfMapInt}
	object := elf.Symbol{Name: "x", Info: elf.ST_INFO(elf.STB_GLOBAL, elf.STT_NOTYPE)}

	for _, tc := range []struct {
		name string
		def  *btf.Struct
		rels []elfRelocation
		want string
	}{
		{"key and key_size", mapDef(typeMember("key", btfMapInt), uintMember("key_size", 4)),
			nil, "both key and key_size given"},
		{"key_size and key", mapDef(uintMember("key_size", 4), typeMember("key", btfMapInt)),
			nil, "both key and key_size given"},
		{"value and value_size", mapDef(typeMember("value", btfMapInt), uintMember("value_size", 4)),
			nil, "both value and value_size given"},
		{"value_size twice", mapDef(uintMember("value_size", 4), uintMember("value_size", 4)),
			nil, "both value and value_size given"},
		{"uint not a pointer", mapDef(btf.Member{Name: "type", Type: btfMapInt}),
			nil, "field type: not a pointer: .*"},
		{"uint not a pointer to an array", mapDef(typeMember("max_entries", btfMapInt)),
			nil, "field max_entries: not a pointer to array: .*"},
		{"type not a pointer", mapDef(btf.Member{Name: "key", Type: btfMapInt}),
			nil, "field key: not a pointer: .*"},
		{"type without size", mapDef(typeMember("value", proto)),
			nil, "field value: size of .*"},
		{"unsupported pinning", mapDef(uintMember("pinning", 2)),
			nil, "field pinning: unsupported pinning 2"},
		{"unknown field", mapDef(uintMember("type", 1), uintMember("frobnicate", 1)),
			nil, "unrecognized field frobnicate in BTF map definition"},
		{"map_extra", mapDef(uintMember("map_extra", 1)),
			nil, "unrecognized field map_extra in BTF map definition"},
		{"numa_node", mapDef(uintMember("numa_node", 1)),
			nil, "unrecognized field numa_node in BTF map definition"},
		{"values not last", mapDef(uintMember("type", uint32(ArrayOfMaps)), valuesMember(innerDef, 8), uintMember("max_entries", 1)),
			nil, "'values' must be the last member in a BTF map definition"},
		{"values with value_size 8", mapDef(uintMember("type", uint32(ArrayOfMaps)), uintMember("value_size", 8), valuesMember(innerDef, 16)),
			nil, "field values: value_size must be 0 or 4"},
		{"values not an array", mapDef(uintMember("type", uint32(ArrayOfMaps)), typeMember("values", innerDef)),
			nil, "field values: not an array: .*"},
		{"values not pointers", mapDef(uintMember("type", uint32(ArrayOfMaps)),
			btf.Member{Name: "values", Type: &btf.Array{Index: btfMapInt, Type: btfMapInt}, Offset: 64}),
			nil, "field values: not an array of pointers: .*"},
		{"values of maps in a hash", mapDef(uintMember("type", uint32(Hash)), valuesMember(innerDef, 8)),
			nil, "field values: outer map needs to be an array or a hash of maps"},
		{"values of programs in an array", mapDef(uintMember("type", uint32(Array)), valuesMember(proto, 8)),
			nil, "field values: map needs to be a program array"},
		{"values of ints", mapDef(uintMember("type", uint32(ArrayOfMaps)), valuesMember(btfMapInt, 8)),
			nil, "field values: unsupported value type .*"},
		{"pinned inner map", mapDef(uintMember("type", uint32(ArrayOfMaps)), valuesMember(pinnedInner, 8)),
			nil, "field values: inner map definition: inner maps can't be pinned"},
		{"nested inner map", mapDef(uintMember("type", uint32(ArrayOfMaps)), valuesMember(nestedInner, 8)),
			nil, "field values: inner map definition: field values: nested inner maps are not supported"},
		{"values misaligned relocation", mapDef(uintMember("type", uint32(ArrayOfMaps)), valuesMember(innerDef, 8)),
			[]elfRelocation{{12, object}}, "field values: relocation at offset 12 is not at the start of a slot"},
		{"values relocation against a section", mapDef(uintMember("type", uint32(ArrayOfMaps)), valuesMember(innerDef, 8)),
			[]elfRelocation{{8, elf.Symbol{Name: "x", Info: elf.ST_INFO(elf.STB_LOCAL, elf.STT_SECTION)}}},
			`field values: slot 0: unsupported relocation type STT_SECTION for symbol "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Definitions with values get a slot of 8 bytes after the last
			// member.
			size := uint64(tc.def.Size) + 8
			vs := &btf.VarSecinfo{Size: uint32(size)}
			_, err := mapSpecFromBTF(btfMapsSection(size, tc.rels...), vs, tc.def, "m", false)
			qt.Assert(t, qt.IsNotNil(err))
			qt.Assert(t, qt.ErrorMatches(err, tc.want))
		})
	}
}

// btfReader is an elfReader with types built from typs, as if the object
// had a .BTF section with them.
func btfReader(tb testing.TB, typs ...btf.Type) *elfReader {
	tb.Helper()
	b, err := btf.NewBuilder(typs)
	qt.Assert(tb, qt.IsNil(err))
	raw, err := b.Marshal(nil, nil)
	qt.Assert(tb, qt.IsNil(err))
	spec, err := btf.LoadSpecFromReader(bytes.NewReader(raw))
	qt.Assert(tb, qt.IsNil(err))
	return &elfReader{types: spec, maps: make(map[string]*MapSpec)}
}

// TestBTFMapsSectionDisagreesWithBTF checks the .maps section against a
// Datasec that doesn't describe it.
func TestBTFMapsSectionDisagreesWithBTF(t *testing.T) {
	def := mapDef(uintMember("type", uint32(Hash)), uintMember("key_size", 4), uintMember("value_size", 4), uintMember("max_entries", 1))
	mapVar := func(name string, typ btf.Type) *btf.Var {
		return &btf.Var{Name: name, Type: typ, Linkage: btf.GlobalVar}
	}

	for _, tc := range []struct {
		name   string
		vars   []btf.VarSecinfo
		size   uint64
		legacy string
		want   string
	}{
		{"not a variable", []btf.VarSecinfo{{Type: &btf.Func{Name: "f", Type: &btf.FuncProto{Return: btfMapInt}, Linkage: btf.GlobalFunc}, Size: 32}},
			32, "", "section .maps: variable 0: expected a variable, got .*"},
		{"not a struct", []btf.VarSecinfo{{Type: mapVar("m", btfMapInt), Size: 4}},
			4, "", "section .maps: map m: expected struct, got .*"},
		{"variable smaller than its type", []btf.VarSecinfo{{Type: mapVar("m", def), Size: 16}},
			16, "", "section .maps: map m: variable of 16 bytes is smaller than its definition .* of 32 bytes"},
		{"variable beyond the section", []btf.VarSecinfo{{Type: mapVar("m", def), Offset: 8, Size: 32}},
			32, "", "section .maps: map m: definition at offset 8 of 32 bytes exceeds the section's 32 bytes"},
		{"bytes after the last variable", []btf.VarSecinfo{{Type: mapVar("m", def), Size: 32}},
			40, "", "section .maps: 8 bytes after the last map definition, invalid BTF\\?"},
		{"duplicate variable", []btf.VarSecinfo{{Type: mapVar("m", def), Size: 32}, {Type: mapVar("m", def), Offset: 32, Size: 32}},
			64, "", "section .maps: map m already exists"},
		{"name of a legacy map", []btf.VarSecinfo{{Type: mapVar("m", def), Size: 32}},
			32, "m", "section .maps: map m already exists"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := btfReader(t, &btf.Datasec{Name: ".maps", Vars: tc.vars})
			r.sections = []*elfSection{nil, btfMapsSection(tc.size)}
			if tc.legacy != "" {
				r.maps[tc.legacy] = &MapSpec{Name: tc.legacy}
			}
			qt.Assert(t, qt.ErrorMatches(r.loadBTFMaps(), tc.want))
		})
	}

	t.Run("no Datasec", func(t *testing.T) {
		r := btfReader(t, btfMapInt)
		r.sections = []*elfSection{nil, btfMapsSection(8)}
		qt.Assert(t, qt.ErrorMatches(r.loadBTFMaps(), "section .maps: cannot find section '.maps' in BTF: .*"))
	})
}

// TestDataSectionDisagreesWithBTF checks a data section against a Datasec
// of another size.
func TestDataSectionDisagreesWithBTF(t *testing.T) {
	r := btfReader(t, &btf.Datasec{Name: ".bss", Size: 8})
	r.sections = []*elfSection{nil, {
		Section: &elf.Section{SectionHeader: elf.SectionHeader{Name: ".bss", Type: elf.SHT_NOBITS, Size: 16}},
		kind:    dataSection, references: 1,
	}}
	qt.Assert(t, qt.ErrorMatches(r.loadDataSections(), "data section .bss: BTF has 8 bytes, the section 16"))

	r.sections[1].Size = 8
	qt.Assert(t, qt.IsNil(r.loadDataSections()))
	qt.Assert(t, qt.Equals(r.maps[".bss"].ValueSize, 8))
	qt.Assert(t, qt.IsNil(r.maps[".bss"].Contents))
}

// TestVirtualSectionErrors checks the Datasecs that exist only in BTF.
func TestVirtualSectionErrors(t *testing.T) {
	r := btfReader(t, &btf.Datasec{Name: ".kconfig"})
	qt.Assert(t, qt.ErrorMatches(r.loadKconfigSection(), "zero-length .kconfig"))

	v := &btf.Var{Name: "bpf_prog_active", Type: btfMapInt, Linkage: btf.ExternVar}
	r = btfReader(t, &btf.Datasec{Name: ".ksyms", Vars: []btf.VarSecinfo{{Type: v, Size: 4}}})
	err := r.loadKsymsSection()
	qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
	qt.Assert(t, qt.ErrorMatches(err, "bpf_prog_active is a \\*btf.Var, only functions are supported: .*"))
}
