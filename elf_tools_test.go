package ebpf

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// TestLoadCollectionSpecAgreesWithTools compares the spec of every testdata
// object with what llvm-readelf-19 and bpftool, which share no code with
// this package, report for it: program names and sections from the symbol
// table, legacy map definitions from a hex dump of their section, BTF map
// definitions from bpftool's dump of the object's BTF, and the sizes of
// data sections.
func TestLoadCollectionSpecAgreesWithTools(t *testing.T) {
	readelf := testutils.RequireTool(t, "llvm-readelf-19", "llvm-readelf")
	bpftool := testutils.RequireTool(t, "bpftool")

	files := testutils.Glob(t, "testdata/*.elf")
	testutils.Files(t, files, func(t *testing.T, file string) {
		spec, err := LoadCollectionSpec(file)
		if err != nil {
			// TestLoadCollectionSpecObjects expects the error.
			t.Log("rejected:", err)
			return
		}

		obj := readELFWithTool(t, readelf, file)
		qt.Assert(t, qt.Equals(spec.ByteOrder, obj.byteOrder))

		haveProgs := make(map[string]string)
		for name, prog := range spec.Programs {
			haveProgs[name] = prog.SectionName
		}
		if diff := cmp.Diff(obj.programs(), haveProgs, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("programs and their sections (-readelf +spec):\n%s", diff)
		}

		wantMaps := make(map[string]*MapSpec)
		for name, def := range obj.legacyMaps(t, readelf) {
			wantMaps[name] = def
		}
		if obj.hasSection(".maps") {
			for name, def := range btfMapsWithTool(t, bpftool, file) {
				wantMaps[name] = def
			}
		}
		haveMaps := make(map[string]*MapSpec)
		for name, m := range spec.Maps {
			if strings.HasPrefix(name, ".") {
				// A data section: as large as the ELF section.
				qt.Check(t, qt.Equals(uint64(m.ValueSize), obj.sectionSize(t, name)), qt.Commentf("data section %s", name))
				continue
			}
			haveMaps[name] = m
		}
		// What the tools see of a definition: its geometry, flags, pinning
		// and inner map, and for legacy maps the size of the definition.
		geometry := cmp.Transformer("geometry", func(m *MapSpec) *mapGeometry {
			if m == nil {
				return nil
			}
			extra := 0
			if m.Extra != nil {
				extra = int(m.Extra.Size())
			}
			return &mapGeometry{m.Type, m.KeySize, m.ValueSize, m.MaxEntries, m.Flags, m.Pinning, extra, m.InnerMap}
		})
		if diff := cmp.Diff(wantMaps, haveMaps, geometry, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("map definitions (-tools +spec):\n%s", diff)
		}
	})
}

type mapGeometry struct {
	Type                           MapType
	KeySize, ValueSize, MaxEntries uint32
	Flags                          uint32
	Pinning                        PinType
	ExtraBytes                     int
	InnerMap                       *MapSpec
}

func runTool(tb testing.TB, tool string, args ...string) []byte {
	tb.Helper()
	out, err := exec.Command(tool, args...).Output()
	if err != nil {
		tb.Fatalf("%s %s: %v", tool, strings.Join(args, " "), err)
	}
	return out
}

// readelfObject is what llvm-readelf's JSON output says about an object.
type readelfObject struct {
	path      string
	byteOrder binary.ByteOrder
	sections  []readelfSection
	// symbols is the symbol table, with the null symbol at index 0.
	symbols     []readelfSymbol
	relocations []readelfRelocation
}

type readelfSection struct {
	Index int
	Name  struct{ Name string }
	Size  uint64
	// Info is the index of the section a relocation section applies to.
	Info  int
	Flags struct {
		Flags []struct{ Name string }
	}
}

func (s *readelfSection) executable() bool {
	for _, f := range s.Flags.Flags {
		if f.Name == "SHF_EXECINSTR" {
			return true
		}
	}
	return false
}

type readelfSymbol struct {
	Name    struct{ Name string }
	Value   uint64
	Size    uint64
	Type    struct{ Name string }
	Binding struct{ Name string }
	Section struct {
		Name  string
		Value int
	}
}

func readELFWithTool(tb testing.TB, readelf, file string) *readelfObject {
	tb.Helper()
	out := runTool(tb, readelf, "--elf-output-style=JSON", "--sections", "--symbols", "--relocs", file)

	var objs []struct {
		FileSummary struct{ Arch string }
		Sections    []struct{ Section readelfSection }
		Symbols     []struct{ Symbol readelfSymbol }
		Relocations []struct {
			SectionIndex int
			Relocs       []struct {
				Relocation struct {
					Offset uint64
					Type   struct{ Name string }
					Symbol struct{ Value int }
				}
			}
		}
	}
	qt.Assert(tb, qt.IsNil(json.Unmarshal(out, &objs)))
	qt.Assert(tb, qt.HasLen(objs, 1))

	obj := &readelfObject{path: file}
	switch arch := objs[0].FileSummary.Arch; arch {
	case "bpfel":
		obj.byteOrder = binary.LittleEndian
	case "bpfeb":
		obj.byteOrder = binary.BigEndian
	default:
		tb.Fatalf("%s: architecture %s", file, arch)
	}
	for _, s := range objs[0].Sections {
		obj.sections = append(obj.sections, s.Section)
	}
	for _, s := range objs[0].Symbols {
		obj.symbols = append(obj.symbols, s.Symbol)
	}
	for _, rs := range objs[0].Relocations {
		for _, r := range rs.Relocs {
			obj.relocations = append(obj.relocations, readelfRelocation{
				target: obj.section(rs.SectionIndex).Info,
				offset: r.Relocation.Offset,
				typ:    r.Relocation.Type.Name,
				symbol: r.Relocation.Symbol.Value,
			})
		}
	}
	return obj
}

// readelfRelocation is a relocation at offset of section target against
// the symbol at index symbol.
type readelfRelocation struct {
	target int
	offset uint64
	typ    string
	symbol int
}

func (obj *readelfObject) section(idx int) *readelfSection {
	for i := range obj.sections {
		if obj.sections[i].Index == idx {
			return &obj.sections[i]
		}
	}
	return nil
}

func (obj *readelfObject) hasSection(name string) bool {
	for _, s := range obj.sections {
		if s.Name.Name == name {
			return true
		}
	}
	return false
}

func (obj *readelfObject) sectionSize(tb testing.TB, name string) uint64 {
	tb.Helper()
	for _, s := range obj.sections {
		if s.Name.Name == name {
			return s.Size
		}
	}
	tb.Fatalf("no section %s", name)
	return 0
}

// programs returns the section of every function outside of .text: the
// programs, and the functions of sections that name no program type.
func (obj *readelfObject) programs() map[string]string {
	progs := make(map[string]string)
	for _, sym := range obj.symbols {
		sec := obj.section(sym.Section.Value)
		if sym.Type.Name != "Function" || sec == nil || !sec.executable() || sec.Size == 0 || sec.Name.Name == ".text" {
			continue
		}
		progs[sym.Name.Name] = sec.Name.Name
	}
	return progs
}

// legacyMaps decodes the struct bpf_map_def of every object symbol in a
// maps* section from llvm-readelf's hex dump of the section.
func (obj *readelfObject) legacyMaps(tb testing.TB, readelf string) map[string]*MapSpec {
	tb.Helper()
	maps := make(map[string]*MapSpec)
	contents := make(map[string][]byte)
	for _, sym := range obj.symbols {
		sec := obj.section(sym.Section.Value)
		if sym.Type.Name != "Object" || sec == nil || !strings.HasPrefix(sec.Name.Name, "maps") {
			continue
		}
		data, ok := contents[sec.Name.Name]
		if !ok {
			data = hexDumpWithTool(tb, readelf, obj.path, sec.Name.Name)
			contents[sec.Name.Name] = data
		}
		def := data[sym.Value : sym.Value+sym.Size]
		field := func(i int) uint32 { return obj.byteOrder.Uint32(def[4*i:]) }
		maps[sym.Name.Name] = &MapSpec{
			Type:       MapType(field(0)),
			KeySize:    field(1),
			ValueSize:  field(2),
			MaxEntries: field(3),
			Flags:      field(4),
			// The definition is as large as its symbol; the reader keeps
			// what follows the five fields above.
			Extra: bytes.NewReader(def[20:]),
		}
	}
	return maps
}

var hexDumpLine = regexp.MustCompile(`^\s*0x[0-9a-f]+ ((?:[0-9a-f]{2,8} ?)+)`)

// hexDumpWithTool returns the contents of a section as llvm-readelf -x
// prints them: the bytes in file order, in groups of up to four.
func hexDumpWithTool(tb testing.TB, readelf, file, section string) []byte {
	tb.Helper()
	out := runTool(tb, readelf, "-x", section, file)
	var data []byte
	scanner := bufio.NewScanner(bytes.NewReader(out))
	for scanner.Scan() {
		m := hexDumpLine.FindStringSubmatch(scanner.Text())
		if m == nil {
			continue
		}
		for _, group := range strings.Fields(m[1]) {
			b, err := hex.DecodeString(group)
			qt.Assert(tb, qt.IsNil(err))
			data = append(data, b...)
		}
	}
	return data
}

// bpftoolType is a type of `bpftool btf dump file` (the raw format): its
// kind, name, attributes and member lines.
type bpftoolType struct {
	kind, name string
	attrs      map[string]uint64
	members    []bpftoolMember
}

type bpftoolMember struct {
	name   string
	typeID uint64
}

var (
	bpftoolTypeLine   = regexp.MustCompile(`^\[(\d+)\] (\S+) '([^']*)'(.*)$`)
	bpftoolAttr       = regexp.MustCompile(`(\w+)=(\d+)`)
	bpftoolMemberLine = regexp.MustCompile(`^\t'([^']*)' type_id=(\d+)`)
	bpftoolVarLine    = regexp.MustCompile(`^\ttype_id=(\d+) offset=\d+ size=\d+ \(VAR '([^']*)'\)`)
)

func btfDumpWithTool(tb testing.TB, bpftool, file string) map[uint64]*bpftoolType {
	tb.Helper()
	out := runTool(tb, bpftool, "btf", "dump", "file", file)
	types := make(map[uint64]*bpftoolType)
	var last *bpftoolType
	scanner := bufio.NewScanner(bytes.NewReader(out))
	for scanner.Scan() {
		line := scanner.Text()
		if m := bpftoolTypeLine.FindStringSubmatch(line); m != nil {
			id, _ := strconv.ParseUint(m[1], 10, 32)
			last = &bpftoolType{kind: m[2], name: m[3], attrs: make(map[string]uint64)}
			for _, attr := range bpftoolAttr.FindAllStringSubmatch(m[4], -1) {
				last.attrs[attr[1]], _ = strconv.ParseUint(attr[2], 10, 64)
			}
			types[id] = last
			continue
		}
		if last == nil {
			continue
		}
		if m := bpftoolVarLine.FindStringSubmatch(line); m != nil {
			id, _ := strconv.ParseUint(m[1], 10, 32)
			last.members = append(last.members, bpftoolMember{m[2], id})
		} else if m := bpftoolMemberLine.FindStringSubmatch(line); m != nil {
			id, _ := strconv.ParseUint(m[2], 10, 32)
			last.members = append(last.members, bpftoolMember{m[1], id})
		}
	}
	return types
}

// btfMapsWithTool interprets the .maps Datasec of bpftool's BTF dump as
// bpf_helpers.h encodes map definitions: __uint(name, N) is a pointer to an
// array of N elements, __type(name, T) a pointer to T, __array(values, T)
// an array of pointers to T.
func btfMapsWithTool(tb testing.TB, bpftool, file string) map[string]*MapSpec {
	tb.Helper()
	types := btfDumpWithTool(tb, bpftool, file)

	var maps map[string]*MapSpec
	for _, typ := range types {
		if typ.kind != "DATASEC" || typ.name != ".maps" {
			continue
		}
		maps = make(map[string]*MapSpec)
		for _, v := range typ.members {
			def := types[types[v.typeID].attrs["type_id"]]
			maps[v.name] = bpftoolMapDef(tb, types, def, v.name)
		}
	}
	qt.Assert(tb, qt.IsNotNil(maps), qt.Commentf("no .maps Datasec in bpftool's dump"))
	return maps
}

func bpftoolMapDef(tb testing.TB, types map[uint64]*bpftoolType, def *bpftoolType, name string) *MapSpec {
	tb.Helper()
	def = bpftoolResolve(types, def)
	qt.Assert(tb, qt.Equals(def.kind, "STRUCT"), qt.Commentf("definition of %s", name))

	spec := &MapSpec{}
	for _, m := range def.members {
		if m.name == "values" {
			// An array of pointers to inner map definitions or to
			// function prototypes; the kernel stores 4-byte IDs.
			arr := types[m.typeID]
			qt.Assert(tb, qt.Equals(arr.kind, "ARRAY"), qt.Commentf("%s.values", name))
			elem := bpftoolResolve(types, types[types[arr.attrs["type_id"]].attrs["type_id"]])
			if elem.kind == "STRUCT" {
				spec.InnerMap = bpftoolMapDef(tb, types, elem, name+"_inner")
			}
			spec.ValueSize = 4
			continue
		}

		ptr := types[m.typeID]
		qt.Assert(tb, qt.Equals(ptr.kind, "PTR"), qt.Commentf("%s.%s", name, m.name))
		target := types[ptr.attrs["type_id"]]
		nelems := func() uint32 {
			qt.Assert(tb, qt.Equals(target.kind, "ARRAY"), qt.Commentf("%s.%s", name, m.name))
			return uint32(target.attrs["nr_elems"])
		}

		switch m.name {
		case "type":
			spec.Type = MapType(nelems())
		case "key_size":
			spec.KeySize = nelems()
		case "value_size":
			spec.ValueSize = nelems()
		case "max_entries":
			spec.MaxEntries = nelems()
		case "map_flags":
			spec.Flags = nelems()
		case "pinning":
			spec.Pinning = PinType(nelems())
		case "key":
			spec.KeySize = uint32(bpftoolSizeof(tb, types, target))
		case "value":
			spec.ValueSize = uint32(bpftoolSizeof(tb, types, target))
		default:
			tb.Fatalf("%s: member %s", name, m.name)
		}
	}
	return spec
}

// bpftoolResolve skips typedefs and qualifiers.
func bpftoolResolve(types map[uint64]*bpftoolType, typ *bpftoolType) *bpftoolType {
	for {
		switch typ.kind {
		case "TYPEDEF", "CONST", "VOLATILE", "RESTRICT", "TYPE_TAG":
			typ = types[typ.attrs["type_id"]]
		default:
			return typ
		}
	}
}

func bpftoolSizeof(tb testing.TB, types map[uint64]*bpftoolType, typ *bpftoolType) uint64 {
	tb.Helper()
	typ = bpftoolResolve(types, typ)
	switch typ.kind {
	case "INT", "STRUCT", "UNION", "ENUM", "ENUM64", "FLOAT":
		return typ.attrs["size"]
	case "PTR":
		return 8
	case "ARRAY":
		return typ.attrs["nr_elems"] * bpftoolSizeof(tb, types, types[typ.attrs["type_id"]])
	}
	tb.Fatalf("size of a %s", typ.kind)
	return 0
}

// TestLoadCollectionSpecRelocationsAgreeWithReadelf follows every relocation
// that llvm-readelf-19 lists for the program sections of the testdata
// objects to the instruction it patches in the spec, and checks what the
// reader made of it. The relocations of .text are followed through the
// programs that link it. It also checks that the objects hold every kind of
// relocation ELF.md §4 knows.
func TestLoadCollectionSpecRelocationsAgreeWithReadelf(t *testing.T) {
	readelf := testutils.RequireTool(t, "llvm-readelf-19", "llvm-readelf")

	seen := make(map[string]bool)
	files := testutils.Glob(t, "testdata/*.elf")
	testutils.Files(t, files, func(t *testing.T, file string) {
		spec, err := LoadCollectionSpec(file)
		if err != nil {
			t.Log("rejected:", err)
			return
		}
		obj := readELFWithTool(t, readelf, file)

		for _, rel := range obj.relocations {
			sec := obj.section(rel.target)
			if !sec.executable() {
				continue
			}
			fn, ins := obj.patchedInstruction(t, spec, rel)
			if ins == nil {
				// A relocation of .text in a function that nothing calls.
				continue
			}
			kind := checkRelocation(t, obj, obj.symbols[rel.symbol], ins)
			seen[rel.typ+" "+kind] = true
			t.Logf("%s+%d in %s: %s %s", sec.Name.Name, rel.offset, fn, rel.typ, kind)
		}
	})

	for _, kind := range []string{
		"R_BPF_64_64 map",
		"R_BPF_64_64 static variable",
		"R_BPF_64_64 global variable",
		"R_BPF_64_32 call of a global function",
		"R_BPF_64_32 call of a static function",
		"R_BPF_64_64 address of a global function",
		"R_BPF_64_64 address of a static function",
		"R_BPF_64_32 kfunc call",
		"R_BPF_64_32 weak kfunc call",
		"R_BPF_64_64 weak kfunc address",
		"R_BPF_64_64 kconfig variable",
		"R_BPF_64_64 weak kconfig variable",
		"R_BPF_64_64 unresolved symbol",
		"R_BPF_64_32 unresolved symbol",
	} {
		qt.Check(t, qt.IsTrue(seen[kind]), qt.Commentf("no %s in testdata", kind))
	}
}

// patchedInstruction returns the name of the function that a relocation
// patches and the instruction it patches in the spec: in the program of
// that name, or for functions of .text, in the first program that links it.
func (obj *readelfObject) patchedInstruction(tb testing.TB, spec *CollectionSpec, rel readelfRelocation) (string, *asm.Instruction) {
	tb.Helper()
	var fn *readelfSymbol
	for i := range obj.symbols {
		sym := &obj.symbols[i]
		if sym.Type.Name == "Function" && sym.Section.Value == rel.target && sym.Value <= rel.offset && rel.offset < sym.Value+sym.Size {
			fn = sym
		}
	}
	qt.Assert(tb, qt.IsNotNil(fn), qt.Commentf("no function at offset %d of section %d", rel.offset, rel.target))
	name := fn.Name.Name

	var insns asm.Instructions
	if prog := spec.Programs[name]; prog != nil {
		insns = prog.Instructions
	} else {
		names := slices.Sorted(maps.Keys(spec.Programs))
		for _, progName := range names {
			syms, err := spec.Programs[progName].Instructions.SymbolOffsets()
			qt.Assert(tb, qt.IsNil(err))
			if start, ok := syms[name]; ok {
				insns = spec.Programs[progName].Instructions[start:]
				break
			}
		}
	}
	if insns == nil {
		return name, nil
	}

	want := rel.offset - fn.Value
	for iter := insns.Iterate(); iter.Next(); {
		if iter.Offset.Bytes() == want {
			return name, iter.Ins
		}
	}
	tb.Fatalf("%s: no instruction at offset %d", name, want)
	return "", nil
}

// checkRelocation checks what the reader did to the instruction a
// relocation against sym patches, and names the kind of relocation.
func checkRelocation(tb testing.TB, obj *readelfObject, sym readelfSymbol, ins *asm.Instruction) string {
	tb.Helper()
	weak := ""
	if sym.Binding.Name == "Weak" {
		weak = "weak "
	}

	if sym.Section.Value == int(elf.SHN_UNDEF) {
		name := sym.Name.Name
		if kfunc, _ := ins.Metadata.Get(kfuncMetaKey{}).(*kfuncMeta); kfunc != nil {
			qt.Check(tb, qt.Equals(ins.Reference(), name))
			qt.Check(tb, qt.Equals(kfunc.Func.Name, name))
			qt.Check(tb, qt.Equals(kfunc.Binding == elf.STB_WEAK, weak != ""), qt.Commentf("binding of %s", name))
			if ins.IsKfuncCall() {
				return weak + "kfunc call"
			}
			qt.Check(tb, qt.IsTrue(ins.OpCode.IsDWordLoad()), qt.Commentf("address of %s", name))
			return weak + "kfunc address"
		}
		if kconfig, _ := ins.Metadata.Get(kconfigMetaKey{}).(*kconfigMeta); kconfig != nil {
			qt.Check(tb, qt.Equals(ins.Reference(), ""), qt.Commentf("kconfig %s has no reference", name))
			qt.Check(tb, qt.Equals(ins.Src, asm.PseudoMapValue))
			qt.Check(tb, qt.Equals(kconfig.Binding == elf.STB_WEAK, weak != ""), qt.Commentf("binding of %s", name))
			return weak + "kconfig variable"
		}
		qt.Check(tb, qt.Equals(ins.Reference(), name))
		return weak + "unresolved symbol"
	}

	sec := obj.section(sym.Section.Value)
	secName := sec.Name.Name
	switch {
	case secName == ".maps" || strings.HasPrefix(secName, "maps"):
		qt.Check(tb, qt.Equals(ins.Reference(), sym.Name.Name))
		qt.Check(tb, qt.Equals(ins.Src, asm.PseudoMapFD))
		return "map"

	case secName == ".data" || secName == ".bss" || strings.HasPrefix(secName, ".rodata"):
		qt.Check(tb, qt.Equals(ins.Reference(), secName))
		qt.Check(tb, qt.Equals(ins.Src, asm.PseudoMapValue))
		qt.Check(tb, qt.IsTrue(uint64(ins.Constant>>32) < sec.Size), qt.Commentf("offset into %s", secName))
		if sym.Type.Name == "Section" {
			return "static variable"
		}
		qt.Check(tb, qt.Equals(uint64(ins.Constant>>32), sym.Value), qt.Commentf("offset of %s", sym.Name.Name))
		return "global variable"

	case sec.executable():
		// Calls of static functions and addresses of them are relative to
		// their section: only the reader knows the name.
		qt.Check(tb, qt.Not(qt.Equals(ins.Reference(), "")))
		qt.Check(tb, qt.Equals(ins.Constant, -1))
		if sym.Type.Name == "Function" {
			qt.Check(tb, qt.Equals(ins.Reference(), sym.Name.Name))
		}
		scope := "static"
		if sym.Binding.Name == "Global" {
			scope = "global"
		}
		if ins.IsFunctionCall() {
			return "call of a " + scope + " function"
		}
		qt.Check(tb, qt.IsTrue(ins.IsLoadOfFunctionPointer()))
		return "address of a " + scope + " function"
	}

	tb.Errorf("relocation against %s in section %s", sym.Name.Name, secName)
	return "unknown"
}
