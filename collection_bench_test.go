package ebpf

import (
	"testing"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// benchSpec is an object of 10 maps and 20 programs: run.c twice (with
// suffixes _a and _b) plus the two programs of constants.c that verify
// unchanged, each copy with its own maps and data sections.
func benchSpec(tb testing.TB) *CollectionSpec {
	tb.Helper()
	spec := &CollectionSpec{Maps: map[string]*MapSpec{}, Programs: map[string]*ProgramSpec{}}
	addRenamed(spec, loadTestdataSpec(tb, "run"), "_a")
	addRenamed(spec, loadTestdataSpec(tb, "run"), "_b")

	constants := loadTestdataSpec(tb, "constants")
	delete(constants.Programs, "freeze_rodata")
	addRenamed(spec, constants, "_c")
	return spec
}

// addRenamed adds the maps and programs of from to spec, with suffix
// appended to their names and to the map references of the programs.
func addRenamed(spec, from *CollectionSpec, suffix string) {
	for name, ms := range from.Maps {
		spec.Maps[name+suffix] = ms
	}
	for name, ps := range from.Programs {
		for i := range ps.Instructions {
			ins := &ps.Instructions[i]
			if ref := ins.Reference(); ins.IsLoadFromMap() && from.Maps[ref] != nil {
				*ins = ins.WithReference(ref + suffix)
			}
		}
		spec.Programs[name+suffix] = ps
	}
}

func BenchmarkNewCollection(b *testing.B) {
	testutils.RequirePrivileges(b)
	spec := benchSpec(b)
	if len(spec.Maps) != 11 || len(spec.Programs) != 20 {
		b.Fatalf("%d maps, %d programs", len(spec.Maps), len(spec.Programs))
	}

	b.ReportAllocs()
	for b.Loop() {
		coll, err := NewCollection(spec)
		if err != nil {
			b.Fatal(err)
		}
		coll.Close()
	}
}

// BenchmarkLoadAndAssignOneProgram loads one program, with the map and
// data section it uses, out of the object of BenchmarkNewCollection.
func BenchmarkLoadAndAssignOneProgram(b *testing.B) {
	testutils.RequirePrivileges(b)
	spec := benchSpec(b)

	b.ReportAllocs()
	for b.Loop() {
		var objs struct {
			Prog *Program `ebpf:"tc_counter_b"`
		}
		if err := spec.LoadAndAssign(&objs, nil); err != nil {
			b.Fatal(err)
		}
		objs.Prog.Close()
	}
}

// BenchmarkAgentStartup is what an agent does when it starts: parse its
// object, set its configuration constants, and load what it uses.
func BenchmarkAgentStartup(b *testing.B) {
	testutils.RequirePrivileges(b)
	file := testutils.NativeFile(b, "testdata/run-%s.elf")

	b.ReportAllocs()
	for b.Loop() {
		spec, err := LoadCollectionSpec(file)
		if err != nil {
			b.Fatal(err)
		}
		if err := spec.RewriteConstants(map[string]interface{}{"multiplier": uint32(5), "greeting": uint32(2)}); err != nil {
			b.Fatal(err)
		}

		var objs struct {
			Const   *Program `ebpf:"socket_const"`
			XDP     *Program `ebpf:"xdp_pass"`
			Counter *Program `ebpf:"tc_counter"`
			Results *Map     `ebpf:"results"`
		}
		if err := spec.LoadAndAssign(&objs, nil); err != nil {
			b.Fatal(err)
		}
		objs.Const.Close()
		objs.XDP.Close()
		objs.Counter.Close()
		objs.Results.Close()
	}
}

// BenchmarkNewCollectionManyProgs loads 100 kprobes that share functions,
// a map and a CO-RE relocation against the kernel's BTF.
func BenchmarkNewCollectionManyProgs(b *testing.B) {
	testutils.RequirePrivileges(b)
	spec := loadTestdataSpec(b, "manyprogs")

	// The first load looks up which module each kprobe's function is in,
	// which is cached for the process; measure the loads after it.
	coll, err := NewCollection(spec)
	if err != nil {
		b.Fatal(err)
	}
	coll.Close()

	b.ReportAllocs()
	for b.Loop() {
		coll, err := NewCollection(spec)
		if err != nil {
			b.Fatal(err)
		}
		coll.Close()
	}
}

// BenchmarkRewriteConstants rewrites two constants of a parsed object.
func BenchmarkRewriteConstants(b *testing.B) {
	spec := loadTestdataSpec(b, "run")
	consts := map[string]interface{}{"multiplier": uint32(5), "greeting": uint32(2)}

	b.ReportAllocs()
	for b.Loop() {
		if err := spec.RewriteConstants(consts); err != nil {
			b.Fatal(err)
		}
	}
}
