package ebpf

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// loadTestdataSpec parses testdata/<name>-<native endian>.elf.
func loadTestdataSpec(tb testing.TB, name string) *CollectionSpec {
	tb.Helper()
	spec, err := LoadCollectionSpec(testutils.NativeFile(tb, "testdata/"+name+"-%s.elf"))
	qt.Assert(tb, qt.IsNil(err))
	return spec
}

// objectTracker finds the maps and programs of one test in the kernel. Every
// object of the test's spec gets a kernel name that no other test, or
// process, uses, so the test's objects can be told apart from everything
// else; and only objects created after the spec was named are looked at.
type objectTracker struct {
	// names maps kernel names to "map <key>" or "program <key>".
	names     map[string]string
	firstMap  uint32
	firstProg uint32
}

// nameKernelObjects renames the maps and programs of spec for the kernel,
// see objectTracker.
func nameKernelObjects(tb testing.TB, spec *CollectionSpec) *objectTracker {
	tb.Helper()
	maps, progs := kernelIDs(tb)
	ko := &objectTracker{names: make(map[string]string)}
	if len(maps) > 0 {
		ko.firstMap = slices.Max(maps) + 1
	}
	if len(progs) > 0 {
		ko.firstProg = slices.Max(progs) + 1
	}

	prefix := fmt.Sprintf("t%05x", rand.IntN(1<<20))
	for i, key := range sortedKeys(spec.Maps) {
		name := fmt.Sprintf("%s_m%d", prefix, i)
		spec.Maps[key].Name = name
		ko.names[name] = "map " + key
	}
	for i, key := range sortedKeys(spec.Programs) {
		name := fmt.Sprintf("%s_p%d", prefix, i)
		spec.Programs[key].Name = name
		ko.names[name] = "program " + key
	}
	return ko
}

// kernelIDs lists the IDs of every map and program in the kernel, without
// opening any.
func kernelIDs(tb testing.TB) (maps, progs []uint32) {
	tb.Helper()
	for id := MapID(0); ; {
		next, err := MapGetNextID(id)
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		qt.Assert(tb, qt.IsNil(err))
		maps, id = append(maps, uint32(next)), next
	}
	for id := ProgramID(0); ; {
		next, err := ProgramGetNextID(id)
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		qt.Assert(tb, qt.IsNil(err))
		progs, id = append(progs, uint32(next)), next
	}
	return maps, progs
}

// stableIDs lists the maps and programs created since the test began that
// exist for at least settle. Objects are only opened (to learn their
// names) once they are stable, so that the test's own program arrays have
// been emptied by the kernel by then (see openMapsByID).
func (ko *objectTracker) stableIDs(tb testing.TB, settle time.Duration) (maps, progs []uint32) {
	tb.Helper()
	maps1, progs1 := kernelIDs(tb)
	if !slices.ContainsFunc(maps1, ko.isNewMap) && !slices.ContainsFunc(progs1, ko.isNewProg) {
		return nil, nil
	}
	time.Sleep(settle)
	maps2, progs2 := kernelIDs(tb)

	for _, id := range maps2 {
		if id >= ko.firstMap && slices.Contains(maps1, id) {
			maps = append(maps, id)
		}
	}
	for _, id := range progs2 {
		if id >= ko.firstProg && slices.Contains(progs1, id) {
			progs = append(progs, id)
		}
	}
	return maps, progs
}

func (ko *objectTracker) isNewMap(id uint32) bool  { return id >= ko.firstMap }
func (ko *objectTracker) isNewProg(id uint32) bool { return id >= ko.firstProg }

// live returns the test's objects that exist in the kernel, sorted.
func (ko *objectTracker) live(tb testing.TB) []string {
	tb.Helper()
	maps, progs := ko.stableIDs(tb, 200*time.Millisecond)

	var live []string
	opened := openMapsByID(maps)
	for _, m := range opened {
		info, err := m.Info()
		if err == nil && ko.names[info.Name] != "" {
			live = append(live, ko.names[info.Name])
		}
	}
	closeMapsOpenedByID(opened)
	for _, id := range progs {
		p, err := NewProgramFromID(ProgramID(id))
		if err != nil {
			continue
		}
		info, err := p.Info()
		p.Close()
		if err == nil && ko.names[info.Name] != "" {
			live = append(live, ko.names[info.Name])
		}
	}

	slices.Sort(live)
	return live
}

// mapByIDHold is how long maps opened by ID stay open before they are
// closed again.
//
// When the last descriptor of a program array closes, Linux schedules
// work that empties the array and holds a reference to the map until it
// ran. Opening the map by ID in the meantime, and closing it before that
// work began, schedules the same work a second time, which the kernel
// ignores without dropping the reference it took for it: the map then
// stays in the kernel for good (seen on 6.18). The IDs listed here include
// other processes' maps, closed at any moment, so every map opened by ID
// is held until pending work has surely run.
const mapByIDHold = 50 * time.Millisecond

// openMapsByID opens the maps with the given IDs, leaving out those that
// are gone. Close them with closeMapsOpenedByID.
func openMapsByID(ids []uint32) []*Map {
	var maps []*Map
	for _, id := range ids {
		if m, err := NewMapFromID(MapID(id)); err == nil {
			maps = append(maps, m)
		}
	}
	return maps
}

// closeMapsOpenedByID closes maps opened by openMapsByID, once they have
// been open for mapByIDHold.
func closeMapsOpenedByID(maps []*Map) {
	if len(maps) == 0 {
		return
	}
	time.Sleep(mapByIDHold)
	for _, m := range maps {
		m.Close()
	}
}

// requireGone fails the test unless none of the test's objects exists in
// the kernel. Maps used by a closed program are released after an RCU
// grace period, so it waits a little for them.
func (ko *objectTracker) requireGone(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		live := ko.live(tb)
		if len(live) == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("objects left in the kernel: %v", live)
		}
	}
}

// TestOpenProgramArrayByID opens a program array by ID right after its
// last descriptor closed, as the object tracker may do with another
// process's array, and checks that the array still goes away.
func TestOpenProgramArrayByID(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	// caller tail calls through the array, which keeps the array alive
	// once its descriptors are closed.
	caller := asm.Instructions{
		asm.LoadMapPtr(asm.R2, 0).WithReference("jump"),
		asm.Mov.Imm(asm.R3, 0),
		asm.FnTailCall.Call(),
		asm.Mov.Imm(asm.R0, 0),
		asm.Return(),
	}
	spec := &CollectionSpec{
		Maps: map[string]*MapSpec{"jump": {Type: ProgramArray, KeySize: 4, ValueSize: 4, MaxEntries: 1}},
		Programs: map[string]*ProgramSpec{
			"caller": {Type: SocketFilter, License: "MIT", Instructions: caller},
			"target": socketFilterSpec(0),
		},
	}
	names := nameKernelObjects(t, spec)

	// The kernel empties the array after the close: a slot still filled
	// when it is looked up through the new descriptor shows that the
	// emptying was pending, the case that leaks without the hold.
	pending := 0
	for i := 0; i < 10; i++ {
		coll := mustNewCollection(t, spec, nil)
		jump := coll.DetachMap("jump")
		qt.Assert(t, qt.IsNil(jump.Put(uint32(0), coll.Programs["target"])))
		id := mapID(t, jump)
		qt.Assert(t, qt.IsNil(jump.Close()))

		opened := openMapsByID([]uint32{uint32(id)})
		qt.Assert(t, qt.HasLen(opened, 1))
		var progID uint32
		if opened[0].Lookup(uint32(0), &progID) == nil {
			pending++
		}
		closeMapsOpenedByID(opened)
		coll.Close()
	}
	t.Logf("the array was still being emptied in %d of 10 openings", pending)
	names.requireGone(t)
}

func mustNewCollection(tb testing.TB, spec *CollectionSpec, opts *CollectionOptions) *Collection {
	tb.Helper()
	if opts == nil {
		opts = &CollectionOptions{}
	}
	coll, err := NewCollectionWithOptions(spec, *opts)
	testutils.SkipIfNotSupported(tb, err)
	qt.Assert(tb, qt.IsNil(err))
	tb.Cleanup(coll.Close)
	return coll
}

// testRun runs prog with a zeroed 64-byte packet and returns its result.
func testRun(tb testing.TB, prog *Program) uint32 {
	tb.Helper()
	ret, _, err := prog.Test(make([]byte, 64))
	testutils.SkipIfNotSupported(tb, err)
	qt.Assert(tb, qt.IsNil(err))
	return ret
}

func TestCollectionRun(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	coll := mustNewCollection(t, loadTestdataSpec(t, "run"), nil)
	qt.Assert(t, qt.HasLen(coll.Programs, 9))
	qt.Assert(t, qt.HasLen(coll.Maps, 5)) // results, jump_table, .rodata, .data, .bss

	for name, want := range map[string]uint32{
		"socket_seven": 7,
		"socket_const": 21,
		"xdp_pass":     2,
		"tc_subprogs":  20,
		"tc_counter":   1,
		"tail_caller":  1, // jump_table is empty
	} {
		qt.Check(t, qt.Equals(testRun(t, coll.Programs[name]), want), qt.Commentf("program %s", name))
	}

	ret, err := coll.Programs["raw_tp_run"].Run(&RunOptions{})
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.Equals(ret, 0))

	var value uint64
	for key, want := range map[uint32]uint64{0: 64, 1: 1, 2: 3} {
		qt.Assert(t, qt.IsNil(coll.Maps["results"].Lookup(key, &value)))
		qt.Check(t, qt.Equals(value, want), qt.Commentf("results[%d]", key))
	}

	// A tail call through a prog array filled at run time.
	qt.Assert(t, qt.IsNil(coll.Maps["jump_table"].Put(uint32(0), coll.Programs["tail_callee"])))
	qt.Check(t, qt.Equals(testRun(t, coll.Programs["tail_caller"]), 17))
}

func TestCollectionStaticInitialisation(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	coll := mustNewCollection(t, loadTestdataSpec(t, "btf_map_init"), nil)

	// tail_main tail calls slot 1 of the statically initialised prog array.
	qt.Check(t, qt.Equals(testRun(t, coll.Programs["tail_main"]), 42))

	// inner_map is slot 1 of outer_map_init.
	var inner *Map
	qt.Assert(t, qt.IsNil(coll.Maps["outer_map_init"].Lookup(uint32(1), &inner)))
	defer inner.Close()
	qt.Check(t, qt.Equals(mapID(t, inner), mapID(t, coll.Maps["inner_map"])))

	var empty *Map
	err := coll.Maps["outer_map_init"].Lookup(uint32(0), &empty)
	qt.Check(t, qt.ErrorIs(err, ErrKeyNotExist))
}

func mapID(tb testing.TB, m *Map) MapID {
	tb.Helper()
	info, err := m.Info()
	qt.Assert(tb, qt.IsNil(err))
	id, ok := info.ID()
	qt.Assert(tb, qt.IsTrue(ok))
	return id
}

func TestCollectionLoadAndAssignStaticProgramArray(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "btf_map_init")
	names := nameKernelObjects(t, spec)

	// tail_1 is not requested: populating the prog array loads it, and the
	// array keeps it alive once the loader closes its descriptor.
	var objs struct {
		TailMain  *Program `ebpf:"tail_main"`
		ProgArray *Map     `ebpf:"prog_array_init"`
	}
	qt.Assert(t, qt.IsNil(spec.LoadAndAssign(&objs, nil)))
	qt.Check(t, qt.Equals(testRun(t, objs.TailMain), 42))
	qt.Check(t, qt.DeepEquals(names.live(t), []string{"map prog_array_init", "program tail_1", "program tail_main"}))

	objs.TailMain.Close()
	objs.ProgArray.Close()
	names.requireGone(t)
}

// TestCollectionLoadsEachObjectOnce asks for objects that other requested
// objects need too: each is created once, and the arrays hold the very
// objects assigned.
func TestCollectionLoadsEachObjectOnce(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "btf_map_init")
	names := nameKernelObjects(t, spec)

	var objs struct {
		Tail1     *Program `ebpf:"tail_1"`
		TailMain  *Program `ebpf:"tail_main"`
		ProgArray *Map     `ebpf:"prog_array_init"`
		Outer     *Map     `ebpf:"outer_map_init"`
		Inner     *Map     `ebpf:"inner_map"`
	}
	qt.Assert(t, qt.IsNil(spec.LoadAndAssign(&objs, nil)))
	qt.Check(t, qt.DeepEquals(names.live(t), []string{
		"map inner_map",
		"map outer_map_init",
		"map prog_array_init",
		"program tail_1",
		"program tail_main",
	}))

	var slot *Program
	qt.Assert(t, qt.IsNil(objs.ProgArray.Lookup(uint32(1), &slot)))
	qt.Check(t, qt.Equals(programID(t, slot), programID(t, objs.Tail1)))
	slot.Close()

	var inner *Map
	qt.Assert(t, qt.IsNil(objs.Outer.Lookup(uint32(1), &inner)))
	qt.Check(t, qt.Equals(mapID(t, inner), mapID(t, objs.Inner)))
	inner.Close()

	for _, c := range []io.Closer{objs.Tail1, objs.TailMain, objs.ProgArray, objs.Outer, objs.Inner} {
		qt.Check(t, qt.IsNil(c.Close()))
	}
	names.requireGone(t)
}

func programID(tb testing.TB, p *Program) ProgramID {
	tb.Helper()
	info, err := p.Info()
	qt.Assert(tb, qt.IsNil(err))
	id, ok := info.ID()
	qt.Assert(tb, qt.IsTrue(ok))
	return id
}

func TestCollectionProgramArrayMustBeAssigned(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "btf_map_init")
	names := nameKernelObjects(t, spec)

	var objs struct {
		TailMain *Program `ebpf:"tail_main"`
	}
	err := spec.LoadAndAssign(&objs, nil)
	qt.Assert(t, qt.ErrorMatches(err, "ProgramArray prog_array_init must be assigned to prevent missed tail calls"))
	qt.Check(t, qt.Equals(objs.TailMain.FD(), -1))
	names.requireGone(t)

	// A statically empty prog array may stay unassigned.
	run := loadTestdataSpec(t, "run")
	var tail struct {
		TailCaller *Program `ebpf:"tail_caller"`
	}
	qt.Assert(t, qt.IsNil(run.LoadAndAssign(&tail, nil)))
	qt.Check(t, qt.Equals(testRun(t, tail.TailCaller), 1))
	tail.TailCaller.Close()
}

func TestCollectionSpecNotModified(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "run")
	orig := spec.Copy()
	mustNewCollection(t, spec, nil).Close()

	qt.Assert(t, qt.HasLen(spec.Maps, len(orig.Maps)))
	for name, ps := range spec.Programs {
		want := orig.Programs[name].Instructions
		qt.Assert(t, qt.HasLen(ps.Instructions, len(want)))
		for i, ins := range ps.Instructions {
			qt.Check(t, qt.Equals(ins.Constant, want[i].Constant), qt.Commentf("%s: instruction %d", name, i))
			qt.Check(t, qt.Equals(ins.Reference(), want[i].Reference()), qt.Commentf("%s: instruction %d", name, i))
			qt.Check(t, qt.IsNil(ins.Map()), qt.Commentf("%s: instruction %d", name, i))
		}
	}
	for name, ms := range spec.Maps {
		qt.Check(t, qt.DeepEquals(ms.Contents, orig.Maps[name].Contents), qt.Commentf("map %s", name))
	}
}

func TestCollectionSpecCopyLoadAndAssign(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "run")
	cpy := spec.Copy()

	for _, s := range []*CollectionSpec{spec, cpy} {
		var objs struct {
			Prog *Program `ebpf:"socket_const"`
		}
		qt.Assert(t, qt.IsNil(s.LoadAndAssign(&objs, nil)))
		qt.Check(t, qt.Equals(testRun(t, objs.Prog), 21))
		objs.Prog.Close()
	}
}

func TestCollectionSpecRewriteMaps(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "run")
	results, err := NewMap(spec.Maps["results"])
	qt.Assert(t, qt.IsNil(err))
	defer results.Close()

	qt.Assert(t, qt.IsNil(spec.RewriteMaps(map[string]*Map{"results": results})))
	qt.Check(t, qt.IsNil(spec.Maps["results"]))

	var objs struct {
		XDP *Program `ebpf:"xdp_pass"`
	}
	qt.Assert(t, qt.IsNil(spec.LoadAndAssign(&objs, nil)))
	defer objs.XDP.Close()
	testRun(t, objs.XDP)

	var value uint64
	qt.Assert(t, qt.IsNil(results.Lookup(uint32(0), &value)))
	qt.Check(t, qt.Equals(value, 64))

	err = spec.RewriteMaps(map[string]*Map{"not_referenced": results})
	qt.Check(t, qt.ErrorMatches(err, "map not_referenced not referenced by any programs"))
}

func TestCollectionMapReplacements(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "run")
	results, err := NewMap(spec.Maps["results"])
	qt.Assert(t, qt.IsNil(err))
	defer results.Close()
	opts := CollectionOptions{MapReplacements: map[string]*Map{"results": results}}

	coll, err := NewCollectionWithOptions(spec, opts)
	qt.Assert(t, qt.IsNil(err))
	testRun(t, coll.Programs["xdp_pass"])
	coll.Close()

	// The program wrote into the caller's map, which outlives the
	// collection.
	var value uint64
	qt.Assert(t, qt.IsNil(results.Lookup(uint32(0), &value)))
	qt.Check(t, qt.Equals(value, 64))
	qt.Check(t, qt.IsNil(results.Put(uint32(0), uint64(1))))

	// The same through LoadAndAssign, with the map assigned too.
	var objs struct {
		Counter *Program `ebpf:"tc_counter"`
		Results *Map     `ebpf:"results"`
	}
	qt.Assert(t, qt.IsNil(spec.LoadAndAssign(&objs, &opts)))
	testRun(t, objs.Counter)
	objs.Counter.Close()
	objs.Results.Close()
	qt.Assert(t, qt.IsNil(results.Lookup(uint32(1), &value)))
	qt.Check(t, qt.Equals(value, 1))
}

func TestCollectionMapReplacementErrors(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "run")
	small, err := NewMap(&MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 4})
	qt.Assert(t, qt.IsNil(err))
	defer small.Close()

	_, err = NewCollectionWithOptions(spec, CollectionOptions{MapReplacements: map[string]*Map{"missing": small}})
	qt.Check(t, qt.ErrorMatches(err, "replacement map missing not found in CollectionSpec"))

	_, err = NewCollectionWithOptions(spec, CollectionOptions{MapReplacements: map[string]*Map{"results": small}})
	qt.Check(t, qt.ErrorIs(err, ErrMapIncompatible))
	qt.Check(t, qt.ErrorMatches(err, "using replacement map results: ValueSize: 4 changed to 8: .*"))
}

func TestCollectionSpecLoadAndAssignLoadsOnlyRequested(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "run")
	// Loading either of these fails: LoadAndAssign must not touch them.
	spec.Maps["bogus"] = &MapSpec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 0}
	spec.Programs["bogus"] = &ProgramSpec{Type: SocketFilter, License: "MIT", Instructions: asm.Instructions{asm.Return()}}
	// A map may have the name of a program.
	spec.Maps["socket_seven"] = &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}
	names := nameKernelObjects(t, spec)

	var objs struct {
		Seven    *Program `ebpf:"socket_seven"`
		SevenMap *Map     `ebpf:"socket_seven"`
		XDP      *Program `ebpf:"xdp_pass"`
	}
	qt.Assert(t, qt.IsNil(spec.LoadAndAssign(&objs, nil)))
	qt.Check(t, qt.DeepEquals(names.live(t), []string{
		"map results", // used by xdp_pass
		"map socket_seven",
		"program socket_seven",
		"program xdp_pass",
	}))
	qt.Check(t, qt.Equals(testRun(t, objs.Seven), 7))
	qt.Check(t, qt.Equals(objs.SevenMap.Type(), Array))

	objs.Seven.Close()
	objs.SevenMap.Close()
	objs.XDP.Close()
	names.requireGone(t)
}

func TestCollectionAssign(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	coll := mustNewCollection(t, loadTestdataSpec(t, "run"), nil)

	var objs struct {
		Prog *Program `ebpf:"socket_seven"`
		Map  *Map     `ebpf:"results"`
	}
	qt.Assert(t, qt.IsNil(coll.Assign(&objs)))
	defer objs.Prog.Close()
	defer objs.Map.Close()

	// Ownership moved: the collection no longer has them.
	qt.Check(t, qt.IsNil(coll.Programs["socket_seven"]))
	qt.Check(t, qt.IsNil(coll.Maps["results"]))
	coll.Close()
	qt.Check(t, qt.Equals(testRun(t, objs.Prog), 7))

	// A failing Assign leaves the collection as it was.
	coll = mustNewCollection(t, loadTestdataSpec(t, "run"), nil)
	var bad struct {
		Prog    *Program `ebpf:"socket_seven"`
		Missing *Map     `ebpf:"missing"`
	}
	qt.Check(t, qt.ErrorMatches(coll.Assign(&bad), `field Missing: missing map "missing"`))
	qt.Check(t, qt.IsNotNil(coll.Programs["socket_seven"]))

	var unsupported struct {
		Spec *MapSpec `ebpf:"results"`
	}
	qt.Check(t, qt.ErrorMatches(coll.Assign(&unsupported), `field Spec: unsupported type \*ebpf.MapSpec`))
	qt.Check(t, qt.IsNotNil(coll.Maps["results"]))
}

func TestCollectionDetach(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	coll := mustNewCollection(t, loadTestdataSpec(t, "run"), nil)
	prog := coll.DetachProgram("socket_seven")
	m := coll.DetachMap("results")
	qt.Assert(t, qt.IsNotNil(prog))
	qt.Assert(t, qt.IsNotNil(m))
	defer prog.Close()
	defer m.Close()

	qt.Check(t, qt.IsNil(coll.DetachProgram("socket_seven")))
	qt.Check(t, qt.IsNil(coll.DetachMap("missing")))

	coll.Close()
	coll.Close() // Twice is fine.
	qt.Check(t, qt.Equals(testRun(t, prog), 7))
	qt.Check(t, qt.IsNil(m.Put(uint32(0), uint64(1))))
}

func TestIncompleteLoadAndAssign(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "run")
	names := nameKernelObjects(t, spec)

	var objs struct {
		Seven   *Program `ebpf:"socket_seven"`
		Results *Map     `ebpf:"results"`
		Missing *Program `ebpf:"does_not_exist"`
		After   *Program `ebpf:"socket_const"`
	}
	err := spec.LoadAndAssign(&objs, nil)
	qt.Assert(t, qt.ErrorMatches(err, "field Missing: unknown program does_not_exist"))

	// Loaded before the failure, closed since.
	qt.Assert(t, qt.IsNotNil(objs.Seven))
	qt.Check(t, qt.Equals(objs.Seven.FD(), -1))
	qt.Assert(t, qt.IsNotNil(objs.Results))
	qt.Check(t, qt.Equals(objs.Results.FD(), -1))
	qt.Check(t, qt.IsNil(objs.After))
	names.requireGone(t)
}

// TestCollectionErrorsLeaveNothing checks that every kind of failure
// returns an error naming the object, and leaves no kernel object and no
// descriptor behind.
func TestCollectionErrorsLeaveNothing(t *testing.T) {
	testutils.RequirePrivileges(t)

	type objects struct {
		Seven   *Program `ebpf:"socket_seven"`
		Results *Map     `ebpf:"results"`
		XDP     *Program `ebpf:"xdp_pass"`
	}

	for _, tc := range []struct {
		name string
		// spec is the object to load; load loads it and returns the error.
		spec func(testing.TB) *CollectionSpec
		load func(*CollectionSpec) error
		err  string
		is   error
	}{
		{
			name: "missing map",
			spec: func(tb testing.TB) *CollectionSpec {
				spec := loadTestdataSpec(tb, "run")
				delete(spec.Maps, "results")
				return spec
			},
			load: newCollection,
			err:  "program raw_tp_run: missing map results",
		},
		{
			name: "missing map, LoadAndAssign",
			spec: func(tb testing.TB) *CollectionSpec {
				spec := loadTestdataSpec(tb, "run")
				delete(spec.Maps, "results")
				return spec
			},
			load: func(spec *CollectionSpec) error { return spec.LoadAndAssign(&objects{}, nil) },
			err:  "field Results: missing map results",
		},
		{
			name: "incompatible replacement",
			spec: func(tb testing.TB) *CollectionSpec { return loadTestdataSpec(tb, "run") },
			load: func(spec *CollectionSpec) error {
				small, err := NewMap(&MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 4})
				if err != nil {
					return err
				}
				defer small.Close()
				_, err = NewCollectionWithOptions(spec, CollectionOptions{MapReplacements: map[string]*Map{"results": small}})
				return err
			},
			err: "using replacement map results: .*",
			is:  ErrMapIncompatible,
		},
		{
			name: "verifier rejects the third of five programs",
			spec: fivePrograms,
			load: newCollection,
			err:  "program p3: load program: .*",
		},
		{
			name: "map contents out of range",
			spec: func(tb testing.TB) *CollectionSpec {
				spec := loadTestdataSpec(tb, "run")
				spec.Maps["results"].Contents = []MapKV{{uint32(99), uint64(1)}}
				return spec
			},
			load: newCollection,
			err:  "finalizing map results: putting value: key 99: .*",
		},
		{
			name: "prog array names a missing program",
			spec: func(tb testing.TB) *CollectionSpec {
				spec := loadTestdataSpec(tb, "btf_map_init")
				spec.Maps["prog_array_init"].Contents = []MapKV{{uint32(0), "missing"}}
				return spec
			},
			load: newCollection,
			err:  "loading program missing, for map prog_array_init: unknown program missing",
		},
		{
			name: "missing constant",
			spec: func(tb testing.TB) *CollectionSpec { return loadTestdataSpec(tb, "run") },
			load: func(spec *CollectionSpec) error {
				return spec.RewriteConstants(map[string]interface{}{"multiplier": uint32(1), "missing": uint32(1)})
			},
			err: "rewrite constants: some constants are missing from .rodata: missing",
			is:  &MissingConstantsError{},
		},
		{
			name: "bad struct",
			spec: func(tb testing.TB) *CollectionSpec { return loadTestdataSpec(tb, "run") },
			load: func(spec *CollectionSpec) error {
				var objs struct {
					objects
					Wrong uint32 `ebpf:"tc_counter"`
				}
				return spec.LoadAndAssign(&objs, nil)
			},
			err: "field Wrong: unsupported type uint32",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testutils.CheckFDLeaks(t)
			spec := tc.spec(t)
			names := nameKernelObjects(t, spec)

			err := tc.load(spec)
			qt.Assert(t, qt.ErrorMatches(err, tc.err))
			if tc.is != nil {
				if mce, ok := tc.is.(*MissingConstantsError); ok {
					qt.Check(t, qt.ErrorAs(err, &mce))
				} else {
					qt.Check(t, qt.ErrorIs(err, tc.is))
				}
			}
			names.requireGone(t)
		})
	}
}

func newCollection(spec *CollectionSpec) error {
	coll, err := NewCollection(spec)
	if err == nil {
		coll.Close()
	}
	return err
}

// fivePrograms is a spec of five programs p1 to p5, each using its own map
// m1 to m5; p3 doesn't verify (it returns without setting R0).
func fivePrograms(testing.TB) *CollectionSpec {
	spec := &CollectionSpec{Maps: map[string]*MapSpec{}, Programs: map[string]*ProgramSpec{}}
	for i := 1; i <= 5; i++ {
		mapName := fmt.Sprintf("m%d", i)
		spec.Maps[mapName] = &MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}

		insns := asm.Instructions{
			asm.LoadMapPtr(asm.R1, 0).WithReference(mapName),
			asm.Mov.Imm(asm.R0, 0),
			asm.Return(),
		}
		if i == 3 {
			insns = asm.Instructions{asm.Return()}
		}
		spec.Programs[fmt.Sprintf("p%d", i)] = &ProgramSpec{Type: SocketFilter, License: "MIT", Instructions: insns}
	}
	return spec
}

// TestCollectionExplicitMapFD loads a program whose map load names a map
// of the spec but already holds the fd of another: the loader leaves the
// instruction alone, and the load fails naming the map, as the
// reference's does, leaving nothing behind.
func TestCollectionExplicitMapFD(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	m, err := NewMap(&MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	qt.Assert(t, qt.IsNil(err))
	defer m.Close()

	spec := &CollectionSpec{
		Maps: map[string]*MapSpec{"named": {Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1}},
		Programs: map[string]*ProgramSpec{"prog": {Type: SocketFilter, License: "MIT", Instructions: asm.Instructions{
			asm.LoadMapPtr(asm.R1, m.FD()).WithReference("named"),
			asm.Mov.Imm(asm.R0, 0),
			asm.Return(),
		}}},
	}
	names := nameKernelObjects(t, spec)

	var objs struct {
		Prog *Program `ebpf:"prog"`
	}
	err = spec.LoadAndAssign(&objs, nil)
	qt.Check(t, qt.ErrorIs(err, asm.ErrUnsatisfiedMapReference))
	qt.Check(t, qt.ErrorMatches(err, "field Prog: program prog: instruction 0: map named: unsatisfied map reference"))
	names.requireGone(t)
}

func TestCollectionVerifierErrorReachable(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	_, err := NewCollection(fivePrograms(t))
	var ve *VerifierError
	qt.Assert(t, qt.ErrorAs(err, &ve))
	qt.Check(t, qt.IsTrue(len(ve.Log) > 0))
}

func TestCollectionUnspecifiedPrograms(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := fivePrograms(t)
	// Unspecified programs are left out of a Collection, whatever they hold.
	spec.Programs["p3"].Type = UnspecifiedProgram
	coll := mustNewCollection(t, spec, nil)
	qt.Check(t, qt.HasLen(coll.Programs, 4))
	qt.Check(t, qt.HasLen(coll.Maps, 5))

	var objs struct {
		P3 *Program `ebpf:"p3"`
	}
	err := spec.LoadAndAssign(&objs, nil)
	qt.Check(t, qt.ErrorMatches(err, "field P3: cannot load program p3: program type is unspecified"))
}

func TestCollectionNilSpec(t *testing.T) {
	_, err := NewCollection(nil)
	qt.Check(t, qt.IsNotNil(err))
	var cs *CollectionSpec
	qt.Check(t, qt.IsNotNil(cs.LoadAndAssign(&struct{}{}, nil)))
	qt.Check(t, qt.IsNotNil(cs.RewriteConstants(map[string]interface{}{"a": uint32(1)})))
	qt.Check(t, qt.IsNotNil(cs.RewriteMaps(map[string]*Map{"a": nil})))
	var coll *Collection
	qt.Check(t, qt.IsNotNil(coll.Assign(&struct{}{})))
}

// TestCollectionNilEntries gives the loader specs with nil entries, which
// are errors naming the entry, not panics.
func TestCollectionNilEntries(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	_, err := NewCollection(&CollectionSpec{Programs: map[string]*ProgramSpec{"p": nil}})
	qt.Check(t, qt.ErrorMatches(err, "unknown program p"))

	_, err = NewCollection(&CollectionSpec{Maps: map[string]*MapSpec{"m": nil}})
	qt.Check(t, qt.ErrorMatches(err, "missing map m"))

	m, err := NewMap(&MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	qt.Assert(t, qt.IsNil(err))
	defer m.Close()
	_, err = NewCollectionWithOptions(&CollectionSpec{Maps: map[string]*MapSpec{"m": nil}},
		CollectionOptions{MapReplacements: map[string]*Map{"m": m}})
	qt.Check(t, qt.ErrorMatches(err, "replacement map m not found in CollectionSpec"))

	spec := rodataSpec()
	spec.Maps[".rodata.nil"] = nil
	qt.Check(t, qt.IsNil(spec.RewriteConstants(map[string]interface{}{"the_constant": uint32(1)})))
}

// ExampleCollectionSpec_LoadAndAssign loads two objects of a spec into a
// struct. It has no checked output because it needs privileges.
func ExampleCollectionSpec_LoadAndAssign() {
	spec, err := LoadCollectionSpec("testdata/run-el.elf")
	if err != nil {
		panic(err)
	}

	var objs struct {
		Prog *Program `ebpf:"socket_seven"`
		Map  *Map     `ebpf:"results"`
	}
	if err := spec.LoadAndAssign(&objs, nil); err != nil {
		panic(err)
	}
	defer objs.Prog.Close()
	defer objs.Map.Close()

	fmt.Println(objs.Prog.Type())
	fmt.Println(objs.Map.Type())
}
