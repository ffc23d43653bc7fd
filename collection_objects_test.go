package ebpf

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/kconfig"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// objectLoad says how an object file is expected to load into the kernel
// here (Linux 6.18, root, no tracefs, no modules; see testdata/README.md).
type objectLoad struct {
	// specErr matches the error of LoadCollectionSpec for objects the
	// reader rejects.
	specErr string
	// prepare adapts the spec and options before loading, as a user of
	// the object would.
	prepare func(tb testing.TB, spec *CollectionSpec, opts *CollectionOptions)
	// fails maps programs that can't load here to a regexp of their error.
	// They are left out of the collection, and each is loaded on its own
	// to check its error.
	fails map[string]string
	// mapFails matches the error of maps that can't be created.
	mapFails map[string]string
	// needsConfig is set for objects that read CONFIG_* values.
	needsConfig bool
	// returns maps programs to what they return when run on a zeroed
	// 64-byte packet.
	returns map[string]uint32
}

// loaderPrepare makes loader.c loadable: its map of maps has no inner map
// in the object, and one map is pinned by name.
func loaderPrepare(tb testing.TB, spec *CollectionSpec, opts *CollectionOptions) {
	spec.Maps["array_of_hash_map"].InnerMap = spec.Maps["hash_map"]
	opts.Maps.PinPath = testutils.TempBPFFS(tb)
}

// rewriteRet makes freeze_rodata of constants.c verify.
func rewriteRet(tb testing.TB, spec *CollectionSpec, _ *CollectionOptions) {
	qt.Assert(tb, qt.IsNil(spec.RewriteConstants(map[string]interface{}{"ret": uint32(1)})))
}

// Tracing and extension programs need a target program or function that
// the kernel here refuses (fentry is not permitted in this VM).
const needsTarget = `program \w+: .+`

// testdataLoads are the objects of testdata/, by base name.
var testdataLoads = map[string]objectLoad{
	"btf_map_init": {returns: map[string]uint32{"tail_main": 42, "tail_1": 42}},
	"btf_maps":     {returns: map[string]uint32{"use_maps": 0}},
	"constants":    {prepare: rewriteRet, returns: map[string]uint32{"socket_const": 21, "tc_const": 2}},
	"example":      {returns: map[string]uint32{"classify": 1}},
	"errors": {fails: map[string]string{
		"poisoned_single": `program poisoned_single: load program: bad CO-RE relocation: .*`,
		"poisoned_double": `program poisoned_double: load program: bad CO-RE relocation: .*`,
		"poisoned_kfunc":  `program poisoned_kfunc: load program: unknown kfunc: .*`,
	}, returns: map[string]uint32{"poisoned_dead": 0}},
	"fentry_fexit":         {fails: map[string]string{"trace_on_entry": needsTarget, "trace_on_exit": needsTarget}},
	"freplace":             {fails: map[string]string{"replacement": needsTarget}},
	"fwd_decl":             {fails: map[string]string{"call_fwd": `program call_fwd: .*symbol "fwd": unsatisfied program reference`}},
	"invalid-kfunc":        {fails: map[string]string{"call_kfunc": `program call_kfunc: fixing up kfuncs: instruction \d+: kfunc "bpf_task_acquire": .*incompatible types`}},
	"invalid_btf_map_init": {specErr: `map hash_map: initializing BTF map definitions: not supported`},
	"invalid_map":          {mapFails: map[string]string{"invalid_map": `map invalid_map: extra contains unhandled non-zero bytes`}},
	"invalid_map_static":   {specErr: `possible erroneous static qualifier on map definition: found reference to "hash_map"`},
	"iproute2_map_compat": {
		// The iproute2 fields after the libbpf ones are not this library's
		// to interpret; its users clear them.
		prepare: func(tb testing.TB, spec *CollectionSpec, _ *CollectionOptions) { spec.Maps["hash_map"].Extra = nil },
	},
	"isa_v4":         {returns: map[string]uint32{"isa_v4": 0}},
	"kconfig":        {},
	"kconfig_config": {needsConfig: true},
	"kconfig_types":  {needsConfig: true, returns: map[string]uint32{"kconfig_types": 0}},
	"kfunc": {
		fails:   map[string]string{"benchmark": needsTarget},
		returns: map[string]uint32{"call_kfunc": 1, "call_rcu_kfuncs": 2},
	},
	"kfunc-kmod":     {fails: map[string]string{"call_kfunc": `program call_kfunc: fixing up kfuncs: instruction \d+: kfunc "bpf_testmod_test_mod_kfunc": not supported`}},
	"loader":         {prepare: loaderPrepare, returns: map[string]uint32{"xdp_prog": 7, "data_sections": 0, "anon_const": 0}},
	"manyprogs":      {},
	"map_spin_lock":  {returns: map[string]uint32{"add_locked": 1}},
	"raw_tracepoint": {},
	"run":            {returns: map[string]uint32{"socket_seven": 7, "socket_const": 21, "xdp_pass": 2, "tc_subprogs": 20}},
	// Every row of the section name table, most of which don't verify as
	// they are: the object is for the reader.
	"section_names": {fails: map[string]string{"*": `program \w+: .+`}},
	"strings":       {returns: map[string]uint32{"filter": 2}},
	"subprog_reloc": {returns: map[string]uint32{"fp_relocation": 42}},
	"subprog_reloc_global": {fails: map[string]string{
		"fp_global": `program fp_global: load program: invalid argument: callback function not static.*`,
	}},
	"unsupported_data_section": {specErr: `reference to "custom_value" in section \d+ \(.data.custom\): not supported`},
	"unsupported_ksym_var":     {specErr: `bpf_prog_active is a \*btf.Var, only functions are supported: not supported`},
	"unsupported_map_extra":    {specErr: `map bloom: unrecognized field map_extra in BTF map definition`},
	"unsupported_numa_node":    {specErr: `map numa_hash: unrecognized field numa_node in BTF map definition`},
}

// referenceLoads are the objects of the reference's own build, in
// ../shared/corpus/reference, by base name.
var referenceLoads = map[string]objectLoad{
	"btf_map_init": {returns: map[string]uint32{"tail_main": 42}},
	"constants":    {prepare: rewriteRet},
	"errors": {fails: map[string]string{
		"poisoned_single": `program poisoned_single: load program: bad CO-RE relocation: .*`,
		"poisoned_double": `program poisoned_double: load program: bad CO-RE relocation: .*`,
		"poisoned_kfunc":  `program poisoned_kfunc: load program: unknown kfunc: .*`,
	}},
	"fentry_fexit": {fails: map[string]string{"trace_on_entry": needsTarget, "trace_on_exit": needsTarget}},
	"freplace":     {fails: map[string]string{"replacement": needsTarget}},
	"fwd_decl":     {fails: map[string]string{"call_fwd": `program call_fwd: .*symbol "fwd": unsatisfied program reference`}},
	// The reference's version calls a kfunc of bpf_testmod.
	"invalid-kfunc":        {fails: map[string]string{"call_kfunc": `program call_kfunc: fixing up kfuncs: instruction \d+: kfunc "bpf_kfunc_call_test_mem_len_pass1": not supported`}},
	"invalid_btf_map_init": {specErr: `map hash_map: initializing BTF map definitions: not supported`},
	"invalid_map":          {mapFails: map[string]string{"invalid_map": `map invalid_map: extra contains unhandled non-zero bytes`}},
	"invalid_map_static":   {specErr: `possible erroneous static qualifier on map definition: found reference to "hash_map"`},
	"iproute2_map_compat": {
		prepare: func(tb testing.TB, spec *CollectionSpec, _ *CollectionOptions) { spec.Maps["hash_map"].Extra = nil },
	},
	"kconfig":        {},
	"kconfig_config": {needsConfig: true},
	"kfunc":          {fails: map[string]string{"benchmark": needsTarget}},
	"kfunc-kmod":     {fails: map[string]string{"call_kfunc": `program call_kfunc: fixing up kfuncs: instruction \d+: kfunc "bpf_testmod_test_mod_kfunc": not supported`}},
	"loader": {
		// xdp_prog returns 7 with these values; the object's are zero.
		prepare: func(tb testing.TB, spec *CollectionSpec, opts *CollectionOptions) {
			loaderPrepare(tb, spec, opts)
			consts := map[string]interface{}{"arg": uint32(1), "arg2": uint32(2)}
			qt.Assert(tb, qt.IsNil(spec.RewriteConstants(consts)))
			opts.Programs.LogLevel = LogLevelBranch
		},
		returns: map[string]uint32{"xdp_prog": 7},
	},
	"manyprogs":      {},
	"map_spin_lock":  {},
	"raw_tracepoint": {},
	"strings":        {},
	"subprog_reloc":  {returns: map[string]uint32{"fp_relocation": 42}},
}

// loadObjectName is the base name of an object file without byte order and
// compiler suffixes: testdata/loader-clang-14-el.elf is "loader".
func loadObjectName(file string) string {
	name := strings.TrimSuffix(filepath.Base(file), ".elf")
	name = strings.TrimSuffix(strings.TrimSuffix(name, "-el"), "-eb")
	if i := strings.Index(name, "-clang-"); i >= 0 {
		name = name[:i]
	}
	return name
}

func TestCollectionTestdataObjects(t *testing.T) {
	testObjects(t, testutils.Glob(t, "testdata/*.elf"), testdataLoads)
}

func TestCollectionReferenceObjects(t *testing.T) {
	const dir = "../shared/corpus/reference"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("reference corpus not available:", err)
	}
	testObjects(t, testutils.Glob(t, dir+"/*.elf"), referenceLoads)
}

func testObjects(t *testing.T, files []string, objects map[string]objectLoad) {
	testutils.RequirePrivileges(t)
	testutils.Files(t, files, func(t *testing.T, file string) {
		want, ok := objects[loadObjectName(file)]
		if !ok {
			t.Fatalf("no expectations for %s: add it to the table", loadObjectName(file))
		}
		testutils.CheckFDLeaks(t)

		spec, err := LoadCollectionSpec(file)
		if want.specErr != "" {
			qt.Assert(t, qt.ErrorMatches(err, ".*"+want.specErr+".*"))
			qt.Check(t, qt.IsNil(spec))
			return
		}
		qt.Assert(t, qt.IsNil(err))

		if spec.ByteOrder != internal.NativeEndian {
			testForeignObject(t, spec)
			return
		}
		if want.needsConfig {
			if _, err := kconfig.Find(); err != nil {
				t.Skip("no kernel config file:", err)
			}
		}
		testNativeObject(t, spec, want)
	})
}

// testForeignObject checks that an object of the other byte order fails to
// load cleanly, unless it has nothing to load that depends on byte order.
func testForeignObject(t *testing.T, spec *CollectionSpec) {
	loadable := false
	for _, p := range spec.Programs {
		loadable = loadable || p.Type != UnspecifiedProgram
	}
	if !loadable {
		return
	}
	names := nameKernelObjects(t, spec)
	_, err := NewCollection(spec)
	qt.Check(t, qt.IsNotNil(err))
	names.requireGone(t)
}

func testNativeObject(t *testing.T, spec *CollectionSpec, want objectLoad) {
	var opts CollectionOptions
	if want.prepare != nil {
		want.prepare(t, spec, &opts)
	}
	names := nameKernelObjects(t, spec)

	for name, pattern := range want.mapFails {
		var objs = objectsStruct(mapType, name)
		err := spec.LoadAndAssign(objs.Interface(), &opts)
		qt.Check(t, qt.ErrorMatches(err, "field Object: "+pattern), qt.Commentf("map %s", name))
		delete(spec.Maps, name)
	}

	for name, pattern := range want.fails {
		if name == "*" {
			continue
		}
		objs := objectsStruct(programType, name)
		err := spec.LoadAndAssign(objs.Interface(), &opts)
		qt.Check(t, qt.ErrorMatches(err, "field Object: "+pattern), qt.Commentf("program %s", name))
		delete(spec.Programs, name)
	}

	coll, err := NewCollectionWithOptions(spec, opts)
	if pattern, ok := want.fails["*"]; ok {
		qt.Check(t, qt.ErrorMatches(err, pattern))
		qt.Check(t, qt.IsNil(coll))
		names.requireGone(t)
		return
	}
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))

	for name, ps := range spec.Programs {
		if ps.Type == UnspecifiedProgram {
			qt.Check(t, qt.IsNil(coll.Programs[name]), qt.Commentf("program %s", name))
			continue
		}
		qt.Check(t, qt.IsNotNil(coll.Programs[name]), qt.Commentf("program %s", name))
	}
	qt.Check(t, qt.HasLen(coll.Maps, len(spec.Maps)))

	for name, want := range want.returns {
		prog := coll.Programs[name]
		qt.Assert(t, qt.IsNotNil(prog), qt.Commentf("program %s", name))
		qt.Check(t, qt.Equals(testRun(t, prog), want), qt.Commentf("program %s", name))
	}

	coll.Close()
	if opts.Maps.PinPath != "" {
		qt.Assert(t, qt.IsNil(os.RemoveAll(opts.Maps.PinPath)))
	}
	names.requireGone(t)
}

// objectsStruct returns a pointer to a new struct with one field, Object,
// of type typ and tagged with name.
func objectsStruct(typ reflect.Type, name string) reflect.Value {
	st := reflect.StructOf([]reflect.StructField{{
		Name: "Object",
		Type: typ,
		Tag:  reflect.StructTag(`ebpf:"` + name + `"`),
	}})
	return reflect.New(st)
}

func TestObjectName(t *testing.T) {
	for file, want := range map[string]string{
		"testdata/loader-clang-14-el.elf": "loader",
		"testdata/invalid-kfunc-eb.elf":   "invalid-kfunc",
		"x/kfunc-kmod-el.elf":             "kfunc-kmod",
	} {
		qt.Check(t, qt.Equals(loadObjectName(file), want))
	}
}
