package ebpf

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// referenceCorpus holds objects compiled by the reference's toolchain. It is
// not part of the repository: tests that use it skip without it.
const referenceCorpus = "../shared/corpus/reference"

// wantProgram is what an object's program looks like, apart from its
// instructions.
type wantProgram struct {
	section    string
	typ        ProgramType
	attachType AttachType
	flags      uint32
	attachTo   string
}

// wantObject is the CollectionSpec expected from a testdata object, or the
// error expected instead.
type wantObject struct {
	license string
	version uint32
	progs   map[string]wantProgram
	// maps are compared field by field, except for Key, Value and Extra,
	// and the Contents of data sections (checked by their own tests).
	maps map[string]*MapSpec

	// errContains are substrings of the expected error, errIs a sentinel
	// it must wrap.
	errContains []string
	errIs       error
}

func socketProgs(names ...string) map[string]wantProgram {
	progs := make(map[string]wantProgram)
	for _, name := range names {
		progs[name] = wantProgram{section: "socket", typ: SocketFilter}
	}
	return progs
}

// dataSection is the MapSpec of a data section, Contents aside.
func wantDataSection(name string, size uint32) *MapSpec {
	spec := &MapSpec{Name: SanitizeName(name, -1), Type: Array, KeySize: 4, ValueSize: size, MaxEntries: 1}
	if strings.HasPrefix(name, ".rodata") {
		spec.Flags = mapFlagRdonlyProg
		spec.Freeze = true
	}
	return spec
}

// The expectations below come from the comments of the C sources and were
// cross-checked against llvm-readelf-19 (symbols, sections) and libbpf 1.1
// (bpf_object__open: program names and sections, map type, key size, value
// size, max entries and flags) for every object libbpf can open.
var loaderObject = wantObject{
	license: "MIT",
	progs: map[string]wantProgram{
		"xdp_prog":       {section: "xdp", typ: XDP},
		"no_relocation":  {section: "socket", typ: SocketFilter},
		"asm_relocation": {section: "socket/2", typ: SocketFilter},
		"data_sections":  {section: "socket/3", typ: SocketFilter},
		"anon_const":     {section: "socket/4", typ: SocketFilter},
		"static_fn":      {section: "static", typ: UnspecifiedProgram},
		"global_fn3":     {section: "other", typ: UnspecifiedProgram},
	},
	maps: map[string]*MapSpec{
		"hash_map":  {Name: "hash_map", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1, Flags: 1 /* BPF_F_NO_PREALLOC */},
		"hash_map2": {Name: "hash_map2", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 2},
		"btf_pin":   {Name: "btf_pin", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1, Pinning: PinByName},
		"btf_outer_map": {Name: "btf_outer_map", Type: ArrayOfMaps, KeySize: 4, ValueSize: 4, MaxEntries: 1,
			InnerMap: &MapSpec{Name: "btf_outer_map_inner", Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1}},
		"btf_outer_map_anon": {Name: "btf_outer_map_anon", Type: ArrayOfMaps, KeySize: 4, ValueSize: 4, MaxEntries: 1,
			InnerMap: &MapSpec{Name: "btf_outer_map_anon_inner", Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1}},
		"perf_event_array":  {Name: "perf_event_array", Type: PerfEventArray, MaxEntries: 4096},
		"array_of_hash_map": {Name: "array_of_hash_map", Type: ArrayOfMaps, KeySize: 4, MaxEntries: 2},
		"btf_typedef_map":   {Name: "btf_typedef_map", Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 1},
		".bss":              wantDataSection(".bss", 4),
		".data":             wantDataSection(".data", 24),
		".rodata":           wantDataSection(".rodata", 16),
		".rodata.test":      wantDataSection(".rodata.test", 4),
		".rodata.cst32":     wantDataSection(".rodata.cst32", 32),
	},
}

var testdataObjects = map[string]wantObject{
	"loader": loaderObject,
	"btf_map_init": {
		license: "MIT",
		progs: map[string]wantProgram{
			"tail_1":    {section: "socket/tail", typ: SocketFilter},
			"tail_main": {section: "socket/main", typ: SocketFilter},
		},
		maps: map[string]*MapSpec{
			"prog_array_init": {Name: "prog_array_init", Type: ProgramArray, KeySize: 4, ValueSize: 4, MaxEntries: 4,
				Contents: []MapKV{{uint32(1), "tail_1"}}},
			"inner_map": {Name: "inner_map", Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1},
			"outer_map_init": {Name: "outer_map_init", Type: ArrayOfMaps, KeySize: 4, ValueSize: 4, MaxEntries: 3,
				InnerMap: &MapSpec{Name: "outer_map_init_inner", Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1},
				Contents: []MapKV{{uint32(1), "inner_map"}}},
		},
	},
	"btf_maps": {
		license: "GPL",
		progs:   socketProgs("use_maps"),
		maps: map[string]*MapSpec{
			"hash_of_maps": {Name: "hash_of_maps", Type: HashOfMaps, KeySize: 4, ValueSize: 4, MaxEntries: 4,
				InnerMap: &MapSpec{Name: "hash_of_maps_inner", Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 2}},
			"lru":          {Name: "lru", Type: LRUHash, KeySize: 8, ValueSize: 16, MaxEntries: 16},
			"percpu":       {Name: "percpu", Type: PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 4},
			"lpm":          {Name: "lpm", Type: LPMTrie, KeySize: 8, ValueSize: 4, MaxEntries: 16, Flags: 1},
			"queue":        {Name: "queue", Type: Queue, ValueSize: 4, MaxEntries: 8},
			"ringbuf":      {Name: "ringbuf", Type: RingBuf, MaxEntries: 4096},
			"array_key":    {Name: "array_key", Type: Hash, KeySize: 16, ValueSize: 4, MaxEntries: 1},
			"rdonly":       {Name: "rdonly", Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: mapFlagRdonlyProg},
			"typedef_vals": {Name: "typedef_vals", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1},
		},
	},
	"constants": {
		license: "MIT",
		progs: map[string]wantProgram{
			"freeze_rodata": {section: "sk_lookup/", typ: SkLookup, attachType: AttachSkLookup},
			"socket_const":  {section: "socket", typ: SocketFilter},
			"tc_const":      {section: "tc", typ: SchedCLS},
		},
		maps: map[string]*MapSpec{".rodata": wantDataSection(".rodata", 12)},
	},
	"errors": {
		license: "GPL",
		progs:   socketProgs("poisoned_single", "poisoned_double", "poisoned_kfunc", "poisoned_dead"),
	},
	"fentry_fexit": {
		license: "MIT",
		progs: map[string]wantProgram{
			"target":         {section: "tc", typ: SchedCLS},
			"trace_on_entry": {section: "fentry/target", typ: Tracing, attachType: AttachTraceFEntry, attachTo: "target"},
			"trace_on_exit":  {section: "fexit/target", typ: Tracing, attachType: AttachTraceFExit, attachTo: "target"},
		},
	},
	"freplace": {
		license: "MIT",
		progs: map[string]wantProgram{
			"sched_process_exec": {section: "raw_tracepoint/sched_process_exec", typ: RawTracepoint, attachTo: "sched_process_exec"},
			"replacement":        {section: "freplace/subprog", typ: Extension, attachTo: "subprog"},
		},
	},
	"fwd_decl": {progs: socketProgs("call_fwd")},
	"invalid-kfunc": {
		license: "GPL",
		progs:   map[string]wantProgram{"call_kfunc": {section: "tc", typ: SchedCLS}},
	},
	"invalid_map": {
		license: "MIT",
		maps:    map[string]*MapSpec{"invalid_map": {Name: "invalid_map", Type: Hash, KeySize: 4, ValueSize: 2, MaxEntries: 1}},
	},
	"iproute2_map_compat": {
		license: "GPL",
		progs:   socketProgs("use_map"),
		maps:    map[string]*MapSpec{"hash_map": {Name: "hash_map", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 2}},
	},
	"isa_v4": {
		license: "GPL",
		progs:   socketProgs("isa_v4"),
		maps:    map[string]*MapSpec{".data": wantDataSection(".data", 80), ".bss": wantDataSection(".bss", 8)},
	},
	"kconfig": {
		license: "MIT",
		progs:   socketProgs("kernel_version", "syscall_wrapper"),
	},
	"kconfig_config": {
		license: "MIT",
		progs:   socketProgs("kconfig"),
		maps:    map[string]*MapSpec{"array_map": {Name: "array_map", Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}},
	},
	"kconfig_types": {
		license: "MIT",
		progs:   socketProgs("kconfig_types"),
		maps:    map[string]*MapSpec{"values": {Name: "values", Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 6}},
	},
	"kfunc": {
		license: "GPL",
		progs: map[string]wantProgram{
			"call_kfunc":         {section: "tc", typ: SchedCLS},
			"call_rcu_kfuncs":    {section: "tc", typ: SchedCLS},
			"benchmark":          {section: "fentry/bpf_fentry_test2", typ: Tracing, attachType: AttachTraceFEntry, attachTo: "bpf_fentry_test2"},
			"call_task_kfuncs":   {section: "tp_btf/task_newtask", typ: Tracing, attachType: AttachTraceRawTp, attachTo: "task_newtask"},
			"weak_kfunc_missing": {section: "tp_btf/task_newtask", typ: Tracing, attachType: AttachTraceRawTp, attachTo: "task_newtask"},
			"call_weak_kfunc":    {section: "tp_btf/task_newtask", typ: Tracing, attachType: AttachTraceRawTp, attachTo: "task_newtask"},
		},
	},
	"kfunc-kmod": {
		license: "GPL",
		progs:   map[string]wantProgram{"call_kfunc": {section: "tc", typ: SchedCLS}},
	},
	"manyprogs": manyprogsObject(),
	"map_spin_lock": {
		license: "GPL",
		progs:   map[string]wantProgram{"add_locked": {section: "tc", typ: SchedCLS}},
		maps:    map[string]*MapSpec{"spin_lock_map": {Name: "spin_lock_map", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 2}},
	},
	"raw_tracepoint": {
		license: "MIT",
		progs: map[string]wantProgram{
			"sched_process_exec": {section: "raw_tracepoint/sched_process_exec", typ: RawTracepoint, attachTo: "sched_process_exec"},
		},
	},
	"example": {
		license: "Dual MIT/GPL",
		progs: map[string]wantProgram{
			"classify":    {section: "socket", typ: SocketFilter},
			"count_small": {section: "socket/small", typ: SocketFilter},
			"count_large": {section: "socket/large", typ: SocketFilter},
		},
		maps: map[string]*MapSpec{
			"sizes": {Name: "sizes", Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 2},
			"bytes": {Name: "bytes", Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 2},
			"handlers": {Name: "handlers", Type: ProgramArray, KeySize: 4, ValueSize: 4, MaxEntries: 2,
				Contents: []MapKV{{uint32(0), "count_small"}, {uint32(1), "count_large"}}},
			".rodata": wantDataSection(".rodata", 8),
		},
	},
	"run": {
		license: "Dual MIT/GPL",
		progs: map[string]wantProgram{
			"socket_seven": {section: "socket", typ: SocketFilter},
			"socket_const": {section: "socket", typ: SocketFilter},
			"xdp_pass":     {section: "xdp", typ: XDP},
			"tc_subprogs":  {section: "tc", typ: SchedCLS},
			"tc_counter":   {section: "tc", typ: SchedCLS},
			"tail_caller":  {section: "socket/tail", typ: SocketFilter},
			"tail_callee":  {section: "socket/tail", typ: SocketFilter},
			"raw_tp_run":   {section: "raw_tp/sys_enter", typ: RawTracepoint, attachTo: "sys_enter"},
			"syscall_ctx":  {section: "syscall", typ: Syscall, flags: progFlagSleepable},
		},
		maps: map[string]*MapSpec{
			"results":    {Name: "results", Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 4},
			"jump_table": {Name: "jump_table", Type: ProgramArray, KeySize: 4, ValueSize: 4, MaxEntries: 2},
			".rodata":    wantDataSection(".rodata", 8),
			".data":      wantDataSection(".data", 4),
			".bss":       wantDataSection(".bss", 8),
		},
	},
	"section_names": sectionNamesObject(),
	"strings": {
		license: "MIT",
		progs:   map[string]wantProgram{"filter": {section: "xdp", typ: XDP}},
		maps: map[string]*MapSpec{
			"my_map":         {Name: "my_map", Type: Hash, KeySize: 48, ValueSize: 4, MaxEntries: 2},
			".rodata.str1.1": wantDataSection(".rodata.str1.1", 48),
		},
	},
	"subprog_reloc": {
		license: "MIT",
		progs:   map[string]wantProgram{"fp_relocation": {section: "xdp", typ: XDP}},
		maps:    map[string]*MapSpec{"hash_map": {Name: "hash_map", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1}},
	},
	"subprog_reloc_global": {
		license: "MIT",
		progs:   map[string]wantProgram{"fp_global": {section: "xdp", typ: XDP}},
		maps:    map[string]*MapSpec{"array": {Name: "array", Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 1}},
	},

	"invalid_btf_map_init": {
		errContains: []string{"load BTF maps", "map hash_map", "initializing BTF map definitions"},
		errIs:       ErrNotSupported,
	},
	"invalid_map_static": {
		errContains: []string{`possible erroneous static qualifier on map definition: found reference to "hash_map"`, "section xdp"},
	},
	"unsupported_data_section": {
		errContains: []string{`section "socket"`, "custom_value", ".data.custom"},
		errIs:       ErrNotSupported,
	},
	"unsupported_ksym_var": {
		errContains: []string{".ksyms", "bpf_prog_active"},
		errIs:       ErrNotSupported,
	},
	"unsupported_map_extra": {
		errContains: []string{"map bloom", "unrecognized field map_extra in BTF map definition"},
	},
	"unsupported_numa_node": {
		errContains: []string{"map numa_hash", "unrecognized field numa_node in BTF map definition"},
	},
}

func manyprogsObject() wantObject {
	obj := wantObject{
		license: "GPL",
		version: 0xFFFFFFFE,
		progs:   make(map[string]wantProgram),
		maps:    map[string]*MapSpec{"kprobe_map": {Name: "kprobe_map", Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 128}},
	}
	for i := range 100 {
		obj.progs[fmt.Sprintf("kprobe_execve%d", i)] = wantProgram{
			section:  fmt.Sprintf("kprobe/sys_execve%d", i),
			typ:      Kprobe,
			attachTo: fmt.Sprintf("sys_execve%d", i),
		}
	}
	return obj
}

func sectionNamesObject() wantObject {
	obj := wantObject{
		license: "Dual MIT/GPL",
		version: 0x00060100,
		progs:   make(map[string]wantProgram),
	}
	for _, sn := range sectionNamePrograms {
		obj.progs[sn.name] = wantProgram{sn.section, sn.typ, sn.attachType, sn.flags, sn.attachTo}
	}
	return obj
}

// objectName returns the name of testdata/<name>-el.elf.
func objectName(file string) string {
	base := filepath.Base(file)
	base = strings.TrimSuffix(base, ".elf")
	base = strings.TrimSuffix(base, "-el")
	return strings.TrimSuffix(base, "-eb")
}

func byteOrderOf(tb testing.TB, file string) binary.ByteOrder {
	switch {
	case strings.HasSuffix(file, "-el.elf"):
		return binary.LittleEndian
	case strings.HasSuffix(file, "-eb.elf"):
		return binary.BigEndian
	}
	tb.Fatalf("no byte order in the name of %s", file)
	return nil
}

func TestLoadCollectionSpecObjects(t *testing.T) {
	files := testutils.Glob(t, "testdata/*.elf")
	testutils.Files(t, files, func(t *testing.T, file string) {
		want, ok := testdataObjects[objectName(file)]
		if !ok {
			t.Fatalf("no expectations for %s: add them to testdataObjects", file)
		}
		checkObject(t, file, want)
	})
}

func checkObject(t *testing.T, file string, want wantObject) {
	t.Helper()

	spec, err := LoadCollectionSpec(file)
	if want.errContains != nil || want.errIs != nil {
		qt.Assert(t, qt.IsNil(spec))
		qt.Assert(t, qt.IsNotNil(err))
		for _, s := range want.errContains {
			qt.Check(t, qt.StringContains(err.Error(), s))
		}
		if want.errIs != nil {
			qt.Check(t, qt.ErrorIs(err, want.errIs))
		}
		qt.Check(t, qt.StringContains(err.Error(), file), qt.Commentf("error names the file"))
		return
	}
	qt.Assert(t, qt.IsNil(err))

	bo := byteOrderOf(t, file)
	qt.Check(t, qt.Equals(spec.ByteOrder, bo))

	haveProgs := make(map[string]wantProgram)
	for name, prog := range spec.Programs {
		qt.Check(t, qt.Equals(prog.Name, name))
		qt.Check(t, qt.Equals(prog.License, want.license), qt.Commentf("program %s", name))
		qt.Check(t, qt.Equals(prog.KernelVersion, want.version), qt.Commentf("program %s", name))
		qt.Check(t, qt.Equals(prog.ByteOrder, bo), qt.Commentf("program %s", name))
		qt.Check(t, qt.Equals(prog.Instructions.Name(), name), qt.Commentf("first instruction of %s", name))
		haveProgs[name] = wantProgram{prog.SectionName, prog.Type, prog.AttachType, prog.Flags, prog.AttachTo}
	}
	if diff := cmp.Diff(want.progs, haveProgs, cmp.AllowUnexported(wantProgram{}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("programs (-want +have):\n%s", diff)
	}

	haveMaps := make(map[string]*MapSpec)
	for name, m := range spec.Maps {
		m = m.Copy()
		if strings.HasPrefix(name, ".") {
			m.Contents = nil
		}
		haveMaps[name] = m
	}
	ignore := cmpopts.IgnoreFields(MapSpec{}, "Key", "Value", "Extra")
	if diff := cmp.Diff(want.maps, haveMaps, ignore, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("maps (-want +have):\n%s", diff)
	}
}

// TestLoadCollectionSpec checks testdata/loader-*.elf against ELF.md §14
// beyond what the table above covers.
func TestLoadCollectionSpec(t *testing.T) {
	files := testutils.Glob(t, "testdata/loader-*.elf")
	testutils.Files(t, files, func(t *testing.T, file string) {
		spec, err := LoadCollectionSpec(file)
		qt.Assert(t, qt.IsNil(err))
		checkLoaderDetails(t, spec)

		bo := byteOrderOf(t, file)
		rodata := spec.Maps[".rodata"]
		want := make([]byte, 16)
		bo.PutUint32(want[0:], uint32(0xfffffffa)) // uneg
		bo.PutUint32(want[4:], 1)                  // arg
		bo.PutUint64(want[8:], uint64(0xfffffffffffffff8))
		qt.Assert(t, qt.DeepEquals(rodata.Contents, []MapKV{{uint32(0), want}}))

		data := spec.Maps[".data"]
		qt.Assert(t, qt.HasLen(data.Contents, 1))
		raw := data.Contents[0].Value.([]byte)
		qt.Check(t, qt.Equals(bo.Uint32(raw[0:]), 2))                 // key3
		qt.Check(t, qt.Equals(int32(bo.Uint32(raw[4:])), -5))         // neg
		qt.Check(t, qt.Equals(bo.Uint32(raw[8:]), 1))                 // key2
		qt.Check(t, qt.Equals(int64(bo.Uint64(raw[16:])), int64(-7))) // static_neg
		qt.Check(t, qt.IsNil(spec.Maps[".bss"].Contents), qt.Commentf(".bss is NOBITS"))

		// Data loads carry the offset of the variable; static variables are
		// relocated against the section, global ones against their symbol.
		var dataLoads []string
		for _, ins := range spec.Programs["data_sections"].Instructions {
			if ins.IsLoadFromMap() {
				dataLoads = append(dataLoads, fmt.Sprintf("%s+%d", ins.Reference(), ins.Constant>>32))
			}
		}
		qt.Check(t, qt.DeepEquals(dataLoads, []string{".data+4", ".rodata+0", ".data+16", ".rodata+8"}))

	})
}

// checkLoaderDetails checks the parts of loader.c's spec that the objects of
// every compiler version have in common.
func checkLoaderDetails(t *testing.T, spec *CollectionSpec) {
	t.Helper()

	qt.Assert(t, qt.IsNotNil(spec.Types))

	// BTF key and value types where the definition names them.
	for _, name := range []string{"hash_map", "btf_pin"} {
		m := spec.Maps[name]
		qt.Check(t, qt.Equals(sizeof(t, m.Key), 4), qt.Commentf("key of %s", name))
		qt.Check(t, qt.Equals(sizeof(t, m.Value), 8), qt.Commentf("value of %s", name))
	}
	qt.Check(t, qt.IsNil(spec.Maps["hash_map2"].Key), qt.Commentf("key_size gives no BTF key"))
	qt.Check(t, qt.IsNil(spec.Maps["hash_map2"].Value))
	inner := spec.Maps["btf_outer_map_anon"].InnerMap
	qt.Check(t, qt.Equals(sizeof(t, inner.Key), 4))
	qt.Check(t, qt.Equals(sizeof(t, inner.Value), 4))
	qt.Check(t, qt.IsNil(spec.Maps["array_of_hash_map"].Key), qt.Commentf("legacy maps have no BTF"))

	// Data sections: BTF where there is a Datasec, and Key Void.
	for _, name := range []string{".bss", ".data", ".rodata", ".rodata.test"} {
		m := spec.Maps[name]
		ds, ok := m.Value.(*btf.Datasec)
		qt.Assert(t, qt.IsTrue(ok), qt.Commentf("value of %s: %T", name, m.Value))
		qt.Check(t, qt.Equals(ds.Name, name))
		qt.Check(t, qt.Equals(ds.Size, m.ValueSize))
		qt.Check(t, qt.DeepEquals(m.Key, btf.Type(&btf.Void{})))
	}
	qt.Check(t, qt.IsNil(spec.Maps[".rodata.cst32"].Value), qt.Commentf("anonymous constants have no Datasec"))
	qt.Check(t, qt.IsTrue(datasecHasVar(spec.Maps[".rodata"], "arg")))
	qt.Check(t, qt.IsTrue(datasecHasVar(spec.Maps[".rodata.test"], "arg2")))

	// Inline assembly references are kept.
	asmReloc := spec.Programs["asm_relocation"].Instructions[0]
	qt.Check(t, qt.Equals(asmReloc.Reference(), "MY_CONST"))
	qt.Check(t, qt.IsTrue(asmReloc.OpCode.IsDWordLoad()))

	// xdp_prog links every function it calls, transitively, once.
	xdp := spec.Programs["xdp_prog"].Instructions
	syms, err := xdp.SymbolOffsets()
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.Equals(syms["xdp_prog"], 0))
	qt.Check(t, qt.HasLen(syms, 5))
	for _, fn := range []string{"static_fn", "global_fn", "global_fn2", "global_fn3"} {
		_, ok := syms[fn]
		qt.Check(t, qt.IsTrue(ok), qt.Commentf("%s linked into xdp_prog", fn))
	}
	qt.Check(t, qt.HasLen(xdp.FunctionReferences(), 4))

	// Map and data loads refer to their map by name.
	refs := xdp.ReferenceOffsets()
	for name, src := range map[string]asm.Register{
		"hash_map": asm.PseudoMapFD, "hash_map2": asm.PseudoMapFD,
		".bss": asm.PseudoMapValue, ".data": asm.PseudoMapValue, ".rodata": asm.PseudoMapValue, ".rodata.test": asm.PseudoMapValue,
	} {
		qt.Assert(t, qt.Not(qt.HasLen(refs[name], 0)), qt.Commentf("reference to %s", name))
		for _, i := range refs[name] {
			qt.Check(t, qt.IsTrue(xdp[i].IsLoadFromMap()), qt.Commentf("load of %s", name))
			qt.Check(t, qt.Equals(xdp[i].Src, src), qt.Commentf("load of %s", name))
		}
	}

	// Functions outside of .text stay programs of unknown type; those in
	// .text disappear.
	qt.Check(t, qt.IsNil(spec.Programs["global_fn"]))
	qt.Check(t, qt.IsNil(spec.Programs["global_fn2"]))
}

func sizeof(tb testing.TB, typ btf.Type) int {
	tb.Helper()
	if typ == nil {
		tb.Fatal("no type")
	}
	n, err := btf.Sizeof(typ)
	qt.Assert(tb, qt.IsNil(err))
	return n
}

func datasecHasVar(m *MapSpec, name string) bool {
	ds, ok := m.Value.(*btf.Datasec)
	if !ok {
		return false
	}
	for _, vs := range ds.Vars {
		if vs.Type.TypeName() == name {
			return true
		}
	}
	return false
}

// TestLoadCollectionSpecFuncInfos checks that func and line infos survive
// splitting and linking.
func TestLoadCollectionSpecFuncInfos(t *testing.T) {
	spec, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/loader-%s.elf"))
	qt.Assert(t, qt.IsNil(err))

	var funcs []string
	var lines int
	for _, ins := range spec.Programs["xdp_prog"].Instructions {
		if fn := btf.FuncMetadata(&ins); fn != nil {
			qt.Check(t, qt.Equals(fn.Name, ins.Symbol()))
			funcs = append(funcs, fn.Name)
		}
		if ins.Source() != nil {
			lines++
		}
	}
	slices.Sort(funcs)
	qt.Check(t, qt.DeepEquals(funcs, []string{"global_fn", "global_fn2", "global_fn3", "static_fn", "xdp_prog"}))
	qt.Check(t, qt.Not(qt.Equals(lines, 0)))
}

func TestLoadCollectionSpecByteOrders(t *testing.T) {
	files := testutils.Glob(t, "testdata/*-el.elf")
	testutils.Files(t, files, func(t *testing.T, el string) {
		eb := strings.TrimSuffix(el, "-el.elf") + "-eb.elf"
		elSpec, elErr := LoadCollectionSpec(el)
		ebSpec, ebErr := LoadCollectionSpec(eb)
		if elErr != nil || ebErr != nil {
			qt.Assert(t, qt.IsNotNil(elErr))
			qt.Assert(t, qt.IsNotNil(ebErr))
			qt.Check(t, qt.Equals(strings.ReplaceAll(elErr.Error(), "-el.elf", ""), strings.ReplaceAll(ebErr.Error(), "-eb.elf", "")))
			return
		}

		qt.Check(t, qt.Equals(elSpec.ByteOrder, binary.ByteOrder(binary.LittleEndian)))
		qt.Check(t, qt.Equals(ebSpec.ByteOrder, binary.ByteOrder(binary.BigEndian)))

		// clang may pick different instructions per byte order (constants
		// are laid out differently), but functions and references agree.
		qt.Assert(t, qt.HasLen(ebSpec.Programs, len(elSpec.Programs)))
		for name, prog := range elSpec.Programs {
			other := ebSpec.Programs[name]
			qt.Assert(t, qt.IsNotNil(other), qt.Commentf("program %s", name))
			qt.Check(t, qt.DeepEquals(symbols(other.Instructions), symbols(prog.Instructions)), qt.Commentf("program %s", name))
			qt.Check(t, qt.DeepEquals(references(other.Instructions), references(prog.Instructions)), qt.Commentf("program %s", name))
			other.Instructions, other.ByteOrder = nil, nil
			prog = prog.Copy()
			prog.Instructions, prog.ByteOrder = nil, nil
			qt.Check(t, qt.DeepEquals(other, prog))
		}

		qt.Assert(t, qt.HasLen(ebSpec.Maps, len(elSpec.Maps)))
		for name, m := range elSpec.Maps {
			other := ebSpec.Maps[name]
			qt.Assert(t, qt.IsNotNil(other), qt.Commentf("map %s", name))
			if strings.HasPrefix(name, ".") {
				// Data sections are copied verbatim, in the object's byte order.
				m, other = m.Copy(), other.Copy()
				m.Contents, other.Contents = nil, nil
			}
			qt.Check(t, qt.CmpEquals(other, m, cmpopts.IgnoreFields(MapSpec{}, "Key", "Value", "Extra")), qt.Commentf("map %s", name))
		}
	})
}

// references lists the references of insns in order, with the offset in
// the map value for data section loads.
func references(insns asm.Instructions) []string {
	var refs []string
	for _, ins := range insns {
		switch ref := ins.Reference(); {
		case ref == "":
		case ins.Src == asm.PseudoMapValue:
			refs = append(refs, fmt.Sprintf("%s+%d", ref, ins.Constant>>32))
		default:
			refs = append(refs, fmt.Sprintf("%s %v %d", ref, ins.OpCode, ins.Constant))
		}
	}
	return refs
}

func TestLoadCollectionSpecReferenceCorpus(t *testing.T) {
	if _, err := os.Stat(referenceCorpus); err != nil {
		t.Skip("reference corpus not available:", err)
	}

	files := testutils.Glob(t, filepath.Join(referenceCorpus, "*.elf"))
	testutils.Files(t, files, func(t *testing.T, file string) {
		spec, err := LoadCollectionSpec(file)

		switch name := objectName(file); {
		case name == "invalid_btf_map_init":
			qt.Assert(t, qt.IsNil(spec))
			qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
		case name == "invalid_map_static":
			qt.Assert(t, qt.IsNil(spec))
			qt.Assert(t, qt.ErrorMatches(err, `.*possible erroneous static qualifier on map definition: found reference to "hash_map".*`))
		case strings.HasPrefix(name, "loader"):
			qt.Assert(t, qt.IsNil(err))
			checkLoaderDetails(t, spec)
			checkSpecAgainst(t, spec, loaderObject, byteOrderOf(t, file))
		default:
			qt.Assert(t, qt.IsNil(err))
			qt.Check(t, qt.Equals(spec.ByteOrder, byteOrderOf(t, file)))
		}
	})
}

// checkSpecAgainst compares programs and non-data maps with want.
func checkSpecAgainst(t *testing.T, spec *CollectionSpec, want wantObject, bo binary.ByteOrder) {
	t.Helper()
	qt.Check(t, qt.Equals(spec.ByteOrder, bo))
	for name, wp := range want.progs {
		prog := spec.Programs[name]
		if !qt.Check(t, qt.IsNotNil(prog), qt.Commentf("program %s", name)) {
			continue
		}
		qt.Check(t, qt.Equals(wantProgram{prog.SectionName, prog.Type, prog.AttachType, prog.Flags, prog.AttachTo}, wp))
		qt.Check(t, qt.Equals(prog.License, want.license))
	}
	qt.Check(t, qt.HasLen(spec.Programs, len(want.progs)))
	for name, wm := range want.maps {
		if strings.HasPrefix(name, ".") {
			continue
		}
		qt.Check(t, qt.CmpEquals(spec.Maps[name], wm, cmpopts.IgnoreFields(MapSpec{}, "Key", "Value", "Extra")), qt.Commentf("map %s", name))
	}
}

func TestLoadCollectionSpecStaticValues(t *testing.T) {
	spec, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/btf_map_init-%s.elf"))
	qt.Assert(t, qt.IsNil(err))

	outer := spec.Maps["outer_map_init"]
	qt.Check(t, qt.Equals(sizeof(t, outer.Key), 4))
	qt.Check(t, qt.Equals(sizeof(t, outer.Value), 4))
	qt.Check(t, qt.Equals(sizeof(t, outer.InnerMap.Key), 4))
	qt.Check(t, qt.Equals(sizeof(t, outer.InnerMap.Value), 4))

	// The tail call refers to the prog array like any map.
	refs := spec.Programs["tail_main"].Instructions.ReferenceOffsets()
	qt.Check(t, qt.HasLen(refs["prog_array_init"], 1))
}

func TestLoadCollectionSpecLegacyExtra(t *testing.T) {
	for _, bo := range []string{"el", "eb"} {
		t.Run(bo, func(t *testing.T) {
			order := byteOrderOf(t, "-"+bo+".elf").(binary.AppendByteOrder)

			spec, err := LoadCollectionSpec("testdata/invalid_map-" + bo + ".elf")
			qt.Assert(t, qt.IsNil(err))
			m := spec.Maps["invalid_map"]
			qt.Assert(t, qt.IsNotNil(m.Extra))
			qt.Check(t, qt.DeepEquals(readAll(t, m.Extra), order.AppendUint32(nil, 1)))

			spec, err = LoadCollectionSpec("testdata/iproute2_map_compat-" + bo + ".elf")
			qt.Assert(t, qt.IsNil(err))
			m = spec.Maps["hash_map"]
			qt.Check(t, qt.Equals(m.Pinning, PinNone), qt.Commentf("iproute2's pinning is not interpreted"))
			var want []byte
			for _, v := range []uint32{0 /* id */, 2 /* pinning */, 0 /* inner_id */, 0 /* inner_idx */} {
				want = order.AppendUint32(want, v)
			}
			qt.Check(t, qt.DeepEquals(readAll(t, m.Extra), want))
			qt.Check(t, qt.IsNil(m.Key))
		})
	}
}

func readAll(tb testing.TB, r *bytes.Reader) []byte {
	tb.Helper()
	buf := make([]byte, r.Len())
	_, err := r.ReadAt(buf, 0)
	qt.Assert(tb, qt.IsNil(err))
	return buf
}

func TestLoadCollectionSpecStrings(t *testing.T) {
	spec, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/strings-%s.elf"))
	qt.Assert(t, qt.IsNil(err))

	m := spec.Maps[".rodata.str1.1"]
	qt.Assert(t, qt.IsNotNil(m))
	qt.Check(t, qt.IsTrue(m.Freeze))
	qt.Check(t, qt.Equals(m.Flags, uint32(mapFlagRdonlyProg)))
	qt.Check(t, qt.IsNil(m.Value), qt.Commentf("string literals have no Datasec"))
	qt.Check(t, qt.DeepEquals(m.Contents, []MapKV{{uint32(0), []byte("Strings live in .rodata.str1.1, not in .rodata!\x00")}}))
}

func TestLoadCollectionSpecFunctionPointers(t *testing.T) {
	for file, fn := range map[string]string{
		"testdata/subprog_reloc-%s.elf":        "sub_prog",
		"testdata/subprog_reloc_global-%s.elf": "global_cb",
	} {
		t.Run(fn, func(t *testing.T) {
			spec, err := LoadCollectionSpec(testutils.NativeFile(t, file))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.HasLen(spec.Programs, 1))

			var prog *ProgramSpec
			for _, p := range spec.Programs {
				prog = p
			}
			refs := prog.Instructions.ReferenceOffsets()[fn]
			qt.Assert(t, qt.HasLen(refs, 1))
			ins := prog.Instructions[refs[0]]
			qt.Check(t, qt.IsTrue(ins.IsLoadOfFunctionPointer()))
			qt.Check(t, qt.Equals(ins.Constant, -1))

			syms, err := prog.Instructions.SymbolOffsets()
			qt.Assert(t, qt.IsNil(err))
			_, ok := syms[fn]
			qt.Check(t, qt.IsTrue(ok), qt.Commentf("%s is linked", fn))
		})
	}
}

func TestLoadCollectionSpecForwardDeclaration(t *testing.T) {
	spec, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/fwd_decl-%s.elf"))
	qt.Assert(t, qt.IsNil(err))

	insns := spec.Programs["call_fwd"].Instructions
	qt.Check(t, qt.IsTrue(insns[0].IsFunctionCall()))
	qt.Check(t, qt.Equals(insns[0].Reference(), "fwd"))
	qt.Check(t, qt.DeepEquals(insns.FunctionReferences(), []string{"fwd"}))
}

func TestLoadCollectionSpecKfuncs(t *testing.T) {
	spec, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/kfunc-%s.elf"))
	qt.Assert(t, qt.IsNil(err))

	type kfuncRef struct {
		Name     string
		Call     bool
		Constant int64
		Weak     bool
	}
	var have []kfuncRef
	for _, name := range []string{"call_rcu_kfuncs", "weak_kfunc_missing"} {
		for _, ins := range spec.Programs[name].Instructions {
			meta, _ := ins.Metadata.Get(kfuncMetaKey{}).(*kfuncMeta)
			if meta == nil {
				continue
			}
			qt.Check(t, qt.Equals(meta.Func.Name, ins.Reference()))
			have = append(have, kfuncRef{ins.Reference(), ins.IsKfuncCall(), ins.Constant, meta.Binding == 2 /* STB_WEAK */})
		}
	}
	qt.Check(t, qt.DeepEquals(have, []kfuncRef{
		{"bpf_rcu_read_lock", true, -1, false},
		{"bpf_rcu_read_unlock", true, -1, false},
		{"invalid_kfunc", false, 0, true}, // bpf_ksym_exists
		{"invalid_kfunc", true, -1, true},
	}))
}

func TestLoadCollectionSpecKconfig(t *testing.T) {
	spec, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/kconfig_types-%s.elf"))
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.IsNil(spec.Maps[".kconfig"]), qt.Commentf(".kconfig is not a map of the spec"))

	var (
		kconfig *MapSpec
		offsets []uint32
	)
	for _, ins := range spec.Programs["kconfig_types"].Instructions {
		meta, _ := ins.Metadata.Get(kconfigMetaKey{}).(*kconfigMeta)
		if meta == nil {
			continue
		}
		qt.Check(t, qt.Equals(ins.Reference(), ""), qt.Commentf("kconfig loads have no reference"))
		qt.Check(t, qt.Equals(ins.Src, asm.PseudoMapValue))
		if kconfig == nil {
			kconfig = meta.Map
		}
		qt.Check(t, qt.Equals(meta.Map, kconfig), qt.Commentf("one .kconfig spec"))
		offsets = append(offsets, meta.Offset)
	}
	slices.Sort(offsets)
	qt.Check(t, qt.DeepEquals(offsets, []uint32{0, 16, 20, 24, 32, 40}))

	qt.Assert(t, qt.IsNotNil(kconfig))
	qt.Check(t, qt.CmpEquals(kconfig, &MapSpec{
		Name: ".kconfig", Type: Array, KeySize: 4, ValueSize: 44, MaxEntries: 1,
		Flags: mapFlagRdonlyProg, Freeze: true,
	}, cmpopts.IgnoreFields(MapSpec{}, "Key", "Value")))
	qt.Check(t, qt.DeepEquals(kconfig.Key, btf.Type(&btf.Int{Size: 4})))
	ds := kconfig.Value.(*btf.Datasec)
	for _, vs := range ds.Vars {
		qt.Check(t, qt.Equals(vs.Type.(*btf.Var).Linkage, btf.GlobalVar))
	}
}

func TestLoadCollectionSpecSplitsSections(t *testing.T) {
	// Functions of one section share its decoded instructions; appending to
	// one must not overwrite the next.
	spec, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/errors-%s.elf"))
	qt.Assert(t, qt.IsNil(err))

	next := slices.Clone(spec.Programs["poisoned_double"].Instructions)
	single := spec.Programs["poisoned_single"]
	single.Instructions = append(single.Instructions, asm.Return(), asm.Return())
	qt.Check(t, qt.Equals(fmt.Sprint(spec.Programs["poisoned_double"].Instructions), fmt.Sprint(next)))
}

func TestCollectionSpecCopyIsDeep(t *testing.T) {
	orig, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/loader-%s.elf"))
	qt.Assert(t, qt.IsNil(err))
	before := fmt.Sprintf("%v", orig.Programs["xdp_prog"].Instructions)

	cpy := orig.Copy()
	qt.Check(t, qt.Equals(cpy.Types, orig.Types))
	qt.Check(t, qt.Equals(cpy.ByteOrder, orig.ByteOrder))

	cpy.Maps["btf_outer_map"].InnerMap.MaxEntries = 42
	cpy.Maps[".rodata"].Contents[0] = MapKV{uint32(0), []byte{1, 2, 3}}
	cpy.Maps["hash_map"].MaxEntries = 42
	delete(cpy.Maps, "hash_map2")
	insns := cpy.Programs["xdp_prog"].Instructions
	insns[0].Constant = 42
	insns[0] = insns[0].WithReference("other")
	insns[1] = insns[1].WithSymbol("renamed")
	cpy.Programs["xdp_prog"].Instructions = append(insns, asm.Return())
	cpy.Programs["no_relocation"].Name = "renamed"

	qt.Check(t, qt.Equals(orig.Maps["btf_outer_map"].InnerMap.MaxEntries, 1))
	qt.Check(t, qt.HasLen(orig.Maps[".rodata"].Contents[0].Value.([]byte), 16))
	qt.Check(t, qt.Equals(orig.Maps["hash_map"].MaxEntries, 1))
	qt.Check(t, qt.IsNotNil(orig.Maps["hash_map2"]))
	qt.Check(t, qt.Equals(fmt.Sprintf("%v", orig.Programs["xdp_prog"].Instructions), before))
	qt.Check(t, qt.Equals(orig.Programs["no_relocation"].Name, "no_relocation"))

	qt.Check(t, qt.IsNil((*CollectionSpec)(nil).Copy()))
	qt.Check(t, qt.IsNil((*MapSpec)(nil).Copy()))
	qt.Check(t, qt.IsNil((*ProgramSpec)(nil).Copy()))
}

func TestLoadCollectionSpecErrorsAreNil(t *testing.T) {
	// A nil spec always comes with an error, and vice versa.
	_, err := LoadCollectionSpec("testdata/does-not-exist.elf")
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))

	spec, err := LoadCollectionSpecFromReader(bytes.NewReader([]byte("not an ELF")))
	qt.Assert(t, qt.IsNil(spec))
	qt.Assert(t, qt.IsNotNil(err))
}

func TestELFSectionsAreSortedAndUnique(t *testing.T) {
	type item struct{ Off, ID uint64 }
	in := []item{{8, 1}, {0, 2}, {8, 3}, {16, 4}, {0, 5}}
	out := sortedByOffset(in, func(i item) uint64 { return i.Off })
	qt.Assert(t, qt.DeepEquals(out, []item{{0, 5}, {8, 3}, {16, 4}}))
	qt.Assert(t, qt.HasLen(sortedByOffset([]item(nil), func(i item) uint64 { return i.Off }), 0))
}

// elfPatch edits a copy of an ELF64 object in place, to build malformed
// objects out of valid ones.
type elfPatch struct {
	tb   testing.TB
	data []byte
	file *elf.File
	bo   binary.ByteOrder
}

func newELFPatch(tb testing.TB, path string) *elfPatch {
	tb.Helper()
	data, err := os.ReadFile(path)
	qt.Assert(tb, qt.IsNil(err))
	file, err := elf.NewFile(bytes.NewReader(data))
	qt.Assert(tb, qt.IsNil(err))
	return &elfPatch{tb, data, file, file.ByteOrder}
}

// Offsets of fields in Elf64_Shdr and Elf64_Sym.
const (
	shType      = 4
	shOffset    = 24
	shSize      = 32
	shAddralign = 48
	shEntsize   = 56
	stName      = 0
	stInfo      = 4
	stShndx     = 6
	stValue     = 8
)

func (p *elfPatch) put(off, size int, value uint64) {
	switch size {
	case 1:
		p.data[off] = byte(value)
	case 2:
		p.bo.PutUint16(p.data[off:], uint16(value))
	case 4:
		p.bo.PutUint32(p.data[off:], uint32(value))
	case 8:
		p.bo.PutUint64(p.data[off:], value)
	}
}

func (p *elfPatch) get(off, size int) uint64 {
	switch size {
	case 2:
		return uint64(p.bo.Uint16(p.data[off:]))
	case 4:
		return uint64(p.bo.Uint32(p.data[off:]))
	}
	return p.bo.Uint64(p.data[off:])
}

// sectionHeader returns the file offset of the header of section name.
func (p *elfPatch) sectionHeader(name string) int {
	p.tb.Helper()
	shoff := int(p.bo.Uint64(p.data[0x28:]))
	for i, sec := range p.file.Sections {
		if sec.Name == name {
			return shoff + i*64
		}
	}
	p.tb.Fatalf("no section %s", name)
	return 0
}

func (p *elfPatch) sectionIndex(name string) int {
	p.tb.Helper()
	for i, sec := range p.file.Sections {
		if sec.Name == name {
			return i
		}
	}
	p.tb.Fatalf("no section %s", name)
	return 0
}

// symbol returns the file offset of the symbol table entry of name.
func (p *elfPatch) symbol(name string) int {
	p.tb.Helper()
	syms, err := p.file.Symbols()
	qt.Assert(p.tb, qt.IsNil(err))
	symtab := p.file.Section(".symtab")
	for i, sym := range syms {
		if sym.Name == name {
			return int(symtab.Offset) + (i+1)*24
		}
	}
	p.tb.Fatalf("no symbol %s", name)
	return 0
}

// sectionSymbol returns the file offset of the symbol table entry of
// section name's STT_SECTION symbol.
func (p *elfPatch) sectionSymbol(name string) int {
	p.tb.Helper()
	syms, err := p.file.Symbols()
	qt.Assert(p.tb, qt.IsNil(err))
	for i, sym := range syms {
		if elf.ST_TYPE(sym.Info) == elf.STT_SECTION && p.file.Sections[sym.Section].Name == name {
			return int(p.file.Section(".symtab").Offset) + (i+1)*24
		}
	}
	p.tb.Fatalf("no section symbol for %s", name)
	return 0
}

// stripBTF renames .BTF so that the object has no BTF.
func (p *elfPatch) stripBTF() {
	names := p.file.Sections[p.bo.Uint16(p.data[0x3e:])]
	off := int(names.Offset) + int(p.get(p.sectionHeader(".BTF"), 4))
	p.data[off+3] = 'X' // .BTF → .BTX
}

// renameSymbol makes symbol from use the name of symbol to.
func (p *elfPatch) renameSymbol(from, to string) {
	p.put(p.symbol(from)+stName, 4, p.get(p.symbol(to)+stName, 4))
}

// sectionData returns the contents of section name, writable.
func (p *elfPatch) sectionData(name string) []byte {
	sec := p.file.Section(name)
	return p.data[sec.Offset : sec.Offset+sec.Size]
}

func TestLoadCollectionSpecMalformed(t *testing.T) {
	const (
		loader     = "testdata/loader-el.elf"
		invalidMap = "testdata/invalid_map-el.elf"
	)

	for _, tc := range []struct {
		name  string
		file  string
		patch func(p *elfPatch)
		want  []string
		is    error
	}{
		{"not an ELF", loader, func(p *elfPatch) { p.data = []byte("\x7fELF, but not really") }, nil, nil},
		{"truncated header", loader, func(p *elfPatch) { p.data = p.data[:40] }, nil, nil},
		{"truncated", loader, func(p *elfPatch) { p.data = p.data[:len(p.data)/2] }, nil, nil},
		{"section names beyond the end of the file", loader, func(p *elfPatch) {
			p.put(p.sectionHeader(".strtab")+shOffset, 8, uint64(len(p.data)-2))
		}, []string{"read ELF headers and section names"}, nil},
		{"machine", loader, func(p *elfPatch) { p.put(18, 2, uint64(elf.EM_X86_64)) },
			[]string{"unexpected machine type for BPF ELF: EM_X86_64"}, nil},
		{"relocation entry size", loader, func(p *elfPatch) { p.put(p.sectionHeader(".relxdp")+shEntsize, 8, 8) },
			[]string{"load relocations", `section "xdp"`, "relocations are less than 16 bytes"}, nil},
		{"relocation section size", loader, func(p *elfPatch) { p.put(p.sectionHeader(".relxdp")+shSize, 8, 0xa0-8) },
			[]string{`section "xdp"`, "not a multiple of the entry size 16"}, nil},
		{"relocation symbol", loader, func(p *elfPatch) { p.put(int(p.file.Section(".relxdp").Offset)+8, 8, 0xffff<<32|1) },
			[]string{`section "xdp"`, "symbol 65535 doesn't exist"}, nil},
		{"relocation symbol zero", loader, func(p *elfPatch) { p.put(int(p.file.Section(".relxdp").Offset)+8, 8, 1) },
			[]string{`section "xdp"`, "symbol 0 doesn't exist"}, nil},
		{"relocation to unsupported section", "testdata/strings-el.elf", func(p *elfPatch) {
			p.put(p.sectionSymbol(".rodata.str1.1")+stShndx, 2, uint64(p.sectionIndex(".BTF")))
		}, []string{`section "xdp"`, `reference to ".BTF" in section`, "(.BTF)"}, ErrNotSupported},
		{"no symbols in program section", loader, func(p *elfPatch) {
			p.put(p.symbol("xdp_prog")+stShndx, 2, uint64(p.sectionIndex(".BTF")))
		}, []string{"load programs", "section xdp: missing symbols"}, nil},
		{"first instruction without symbol", loader, func(p *elfPatch) { p.put(p.symbol("xdp_prog")+stValue, 8, 8) },
			[]string{"section xdp", "insns must start with a Symbol"}, nil},
		{"duplicate program name", loader, func(p *elfPatch) { p.renameSymbol("no_relocation", "asm_relocation") },
			[]string{"duplicate program name asm_relocation"}, nil},
		{"duplicate symbol in section", "testdata/errors-el.elf", func(p *elfPatch) { p.renameSymbol("poisoned_double", "poisoned_single") },
			[]string{"section socket", "duplicate Symbol poisoned_single"}, nil},
		{"program section beyond the end of the file", loader, func(p *elfPatch) {
			p.put(p.sectionHeader("xdp")+shOffset, 8, uint64(len(p.data)-8))
		}, []string{"load programs", "section xdp", "read contents"}, nil},
		{"relocation section beyond the end of the file", loader, func(p *elfPatch) {
			p.put(p.sectionHeader(".relxdp")+shOffset, 8, uint64(len(p.data)-16))
		}, []string{"load relocations", `section "xdp"`, "relocation section .relxdp", "read contents"}, nil},
		{"data section beyond the end of the file", loader, func(p *elfPatch) {
			p.put(p.sectionHeader(".rodata")+shOffset, 8, uint64(len(p.data)-4))
		}, []string{"load data sections", "data section .rodata", "read contents"}, nil},
		{"license beyond the end of the file", loader, func(p *elfPatch) {
			p.put(p.sectionHeader("license")+shOffset, 8, uint64(len(p.data)-2))
		}, []string{"section license", "read contents"}, nil},
		{"BTF map section beyond the end of the file", loader, func(p *elfPatch) {
			p.put(p.sectionHeader(".maps")+shOffset, 8, uint64(len(p.data)-8))
		}, []string{"load BTF maps", "section .maps", "read contents"}, nil},
		{"undecodable instructions", loader, func(p *elfPatch) { p.put(p.sectionHeader("xdp")+shSize, 8, 0xe8-4) },
			[]string{"section xdp", "decode instructions"}, nil},
		{"call without symbol", loader, func(p *elfPatch) { p.put(int(p.file.Section("xdp").Offset)+0x98+4, 4, 5) },
			[]string{"section xdp", "offset 152", "call: no symbol at offset 48 of section static"}, nil},
		{"relocation of neither call nor load", loader, func(p *elfPatch) {
			p.put(int(p.file.Section(".rel.text").Offset), 8, 0x18)
		}, []string{"section .text", "offset 24", "global_fn2: neither a call nor a load instruction"}, nil},
		{"map relocation of a call", loader, func(p *elfPatch) {
			p.put(int(p.file.Section(".relxdp").Offset), 8, 0x20)
		}, []string{"map hash_map", "not of a 64-bit immediate load"}, nil},
		{"relocation inside an instruction", loader, func(p *elfPatch) {
			p.put(int(p.file.Section(".relxdp").Offset), 8, 8)
		}, []string{"section xdp", "relocation at offset 8 against hash_map: not at the start of an instruction"}, nil},
		{"relocation after the last instruction", loader, func(p *elfPatch) {
			p.put(int(p.file.Section(".relxdp").Offset), 8, 0x1000)
		}, []string{"section xdp", "relocation at offset 4096 against hash_map: beyond the last instruction"}, nil},
		{"relative call without target", loader, func(p *elfPatch) {
			copy(p.sectionData("socket"), []byte{0x85, 0x10, 0, 0, 5, 0, 0, 0})
		}, []string{"section socket", "no jump target found at offset 48"}, nil},
		{"unsupported binding", loader, func(p *elfPatch) {
			p.put(p.sectionSymbol(".rodata")+stInfo, 1, uint64(elf.ST_INFO(elf.STB_GLOBAL, elf.STT_SECTION)))
		}, []string{"data section .rodata", "unsupported binding: STB_GLOBAL"}, errUnsupportedBinding},
		{"legacy maps of unequal size", "testdata/invalid_map_static-el.elf", func(p *elfPatch) { p.put(p.sectionHeader("maps")+shSize, 8, 39) },
			[]string{"load maps", "section maps", "map descriptors are not of equal size"}, nil},
		{"legacy map without flags", loader, func(p *elfPatch) { p.put(p.sectionHeader("maps")+shSize, 8, 19) },
			[]string{"load maps", "section maps", "map array_of_hash_map: missing flags"}, nil},
		{"legacy map without symbol", loader, func(p *elfPatch) { p.put(p.symbol("array_of_hash_map")+stValue, 8, 4) },
			[]string{"section maps", "missing symbol for map at offset 0"}, nil},
		{"legacy map truncated", invalidMap, func(p *elfPatch) { p.put(p.sectionHeader("maps")+shSize, 8, 8) },
			[]string{"map invalid_map: missing value size"}, nil},
		{"legacy map without symbols", invalidMap, func(p *elfPatch) {
			p.put(p.symbol("invalid_map")+stInfo, 1, uint64(elf.ST_INFO(elf.STB_GLOBAL, elf.STT_FUNC)))
		}, []string{"section maps", "no symbols"}, nil},
		{"legacy map in huge NOBITS", invalidMap, func(p *elfPatch) {
			hdr := p.sectionHeader("maps")
			p.put(hdr+shType, 4, uint64(elf.SHT_NOBITS))
			p.put(hdr+shSize, 8, 1<<31)
		}, []string{"section maps", "too large"}, nil},
		{"duplicate map", "testdata/invalid_map_static-el.elf", func(p *elfPatch) {
			p.stripBTF()
			p.renameSymbol("dummy", "hash_map")
		}, []string{"load maps", "map hash_map already exists"}, nil},
		{"BTF map definitions overrun", loader, func(p *elfPatch) { p.put(p.sectionHeader(".maps")+shSize, 8, 0xd0-8) },
			[]string{"load BTF maps", "map btf_typedef_map", "exceeds the section's 200 bytes"}, nil},
		{"BTF map section with leftovers", loader, func(p *elfPatch) { p.put(p.sectionHeader(".maps")+shSize, 8, 0xd0+8) },
			[]string{"section .maps", "8 bytes after the last map definition"}, nil},
		{"BTF maps without BTF", loader, (*elfPatch).stripBTF, []string{"section .maps", "missing BTF"}, nil},
		{"static values without alignment", "testdata/btf_map_init-el.elf", func(p *elfPatch) {
			p.put(p.sectionHeader(".maps")+shAddralign, 8, 0)
		}, []string{"map prog_array_init", "no alignment"}, nil},
		{"static values misaligned", "testdata/btf_map_init-el.elf", func(p *elfPatch) {
			p.put(p.sectionHeader(".maps")+shAddralign, 8, 5)
		}, []string{"map prog_array_init", "unaligned static values section"}, nil},
		{"data section of unknown type", loader, func(p *elfPatch) {
			p.put(p.sectionHeader(".rodata.cst32")+shType, 4, uint64(elf.SHT_NOTE))
		}, []string{"load data sections", "data section .rodata.cst32: unknown section type SHT_NOTE"}, nil},
		{"version too short", "testdata/section_names-el.elf", func(p *elfPatch) {
			p.put(p.sectionHeader("version")+shSize, 8, 2)
		}, []string{"section version", "version needs 4 bytes"}, nil},
		{"kconfig variable missing", "testdata/kconfig-el.elf", func(p *elfPatch) {
			p.renameSymbol("LINUX_KERNEL_VERSION", "kernel_version")
		}, []string{"kconfig kernel_version not found in .kconfig"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newELFPatch(t, tc.file)
			tc.patch(p)

			spec, err := LoadCollectionSpecFromReader(bytes.NewReader(p.data))
			qt.Assert(t, qt.IsNil(spec))
			qt.Assert(t, qt.IsNotNil(err))
			t.Log(err)
			for _, want := range tc.want {
				qt.Check(t, qt.StringContains(err.Error(), want))
			}
			if tc.is != nil {
				qt.Check(t, qt.ErrorIs(err, tc.is))
			}
		})
	}
}

// TestLoadCollectionSpecRuns loads what the reader produced and runs it:
// the values of data sections, relocations and linked functions must be
// the ones the C sources compute.
func TestLoadCollectionSpecRuns(t *testing.T) {
	testutils.RequirePrivileges(t)

	spec, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/loader-%s.elf"))
	qt.Assert(t, qt.IsNil(err))
	spec.Maps["array_of_hash_map"].InnerMap = spec.Maps["hash_map"]

	// The inline assembly constant is the user's to fill in.
	asmReloc := spec.Programs["asm_relocation"].Instructions
	qt.Assert(t, qt.Equals(asmReloc[0].Reference(), "MY_CONST"))
	asmReloc[0].Constant = -1

	coll, err := NewCollectionWithOptions(spec, CollectionOptions{
		Maps:     MapOptions{PinPath: testutils.TempBPFFS(t)},
		Programs: ProgramOptions{LogLevel: LogLevelBranch},
	})
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	defer coll.Close()

	for name, want := range map[string]uint32{
		"xdp_prog":       7,
		"no_relocation":  0,
		"asm_relocation": 0xffffffff,
		"data_sections":  0,
		"anon_const":     0,
	} {
		ret, _, err := coll.Programs[name].Test(make([]byte, 64))
		qt.Assert(t, qt.IsNil(err), qt.Commentf("program %s", name))
		qt.Check(t, qt.Equals(ret, want), qt.Commentf("program %s", name))
	}
	qt.Check(t, qt.IsNil(coll.Programs["static_fn"]), qt.Commentf("functions of unknown type are not loaded"))
}

func TestLoadCollectionSpecCallback(t *testing.T) {
	testutils.RequirePrivileges(t)

	spec, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/subprog_reloc-%s.elf"))
	qt.Assert(t, qt.IsNil(err))

	coll, err := NewCollection(spec)
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	defer coll.Close()

	ret, _, err := coll.Programs["fp_relocation"].Test(make([]byte, 64))
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 42))
}

// TestLoadCollectionSpecRelocationAddend checks that the addend in the
// immediate of a relocated load counts, as libbpf has it, even though clang
// emits zero there.
func TestLoadCollectionSpecRelocationAddend(t *testing.T) {
	p := newELFPatch(t, "testdata/loader-el.elf")
	// r2 = key3 ll, against the global symbol key3 at .data+0.
	p.put(int(p.file.Section("xdp").Offset)+0x60+4, 4, 4)

	spec, err := LoadCollectionSpecFromReader(bytes.NewReader(p.data))
	qt.Assert(t, qt.IsNil(err))
	ins := spec.Programs["xdp_prog"].Instructions[7]
	qt.Assert(t, qt.Equals(ins.Reference(), ".data"))
	qt.Assert(t, qt.Equals(ins.Constant, 4<<32))
}
