package ebpf

import (
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// rodataSpec is a spec with a .rodata section of two 4-byte variables,
// the_constant at offset 0 and other at offset 4.
func rodataSpec() *CollectionSpec {
	u32 := &btf.Int{Size: 4}
	return &CollectionSpec{
		Maps: map[string]*MapSpec{
			".rodata": {
				Type:       Array,
				KeySize:    4,
				ValueSize:  8,
				MaxEntries: 1,
				Value: &btf.Datasec{
					Name: ".rodata",
					Size: 8,
					Vars: []btf.VarSecinfo{
						{Type: &btf.Var{Name: "the_constant", Type: u32}, Offset: 0, Size: 4},
						{Type: &btf.Var{Name: "other", Type: u32}, Offset: 4, Size: 4},
					},
				},
				Contents: []MapKV{{uint32(0), []byte{1, 1, 1, 1, 2, 2, 2, 2}}},
			},
			".data": {
				Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1,
				Value: &btf.Datasec{Name: ".data", Size: 4, Vars: []btf.VarSecinfo{
					{Type: &btf.Var{Name: "variable", Type: u32}, Offset: 0, Size: 4},
				}},
				Contents: []MapKV{{uint32(0), []byte{0, 0, 0, 0}}},
			},
		},
	}
}

func TestRewriteConstants(t *testing.T) {
	spec := rodataSpec()
	before := spec.Copy()
	original := spec.Maps[".rodata"].Contents[0].Value.([]byte)

	err := spec.RewriteConstants(map[string]interface{}{
		"the_constant": uint32(0x42424242),
	})
	qt.Assert(t, qt.IsNil(err))

	got := spec.Maps[".rodata"].Contents[0]
	want := internal.NativeEndian.AppendUint32(nil, 0x42424242)
	want = append(want, 2, 2, 2, 2)
	qt.Check(t, qt.DeepEquals(got, MapKV{uint32(0), want}))

	// Neither the old byte slice nor an earlier copy of the spec changed.
	qt.Check(t, qt.DeepEquals(original, []byte{1, 1, 1, 1, 2, 2, 2, 2}))
	qt.Check(t, qt.DeepEquals(before.Maps[".rodata"].Contents[0].Value, interface{}([]byte{1, 1, 1, 1, 2, 2, 2, 2})))

	// Rewriting a second time starts from the rewritten contents.
	qt.Assert(t, qt.IsNil(spec.RewriteConstants(map[string]interface{}{"other": int32(-1)})))
	qt.Check(t, qt.DeepEquals(spec.Maps[".rodata"].Contents[0].Value.([]byte)[4:], []byte{0xff, 0xff, 0xff, 0xff}))
	qt.Check(t, qt.DeepEquals(spec.Maps[".rodata"].Contents[0].Value.([]byte)[:4], want[:4]))
}

func TestRewriteConstantsMissing(t *testing.T) {
	spec := rodataSpec()
	err := spec.RewriteConstants(map[string]interface{}{
		"fake_constant_one": uint32(1),
		"the_constant":      uint32(7),
		"fake_constant_two": uint32(2),
		// .data is not .rodata: its variables can't be rewritten.
		"variable": uint32(3),
	})

	var mce *MissingConstantsError
	qt.Assert(t, qt.ErrorAs(err, &mce))
	qt.Check(t, qt.DeepEquals(mce.Constants, []string{"fake_constant_one", "fake_constant_two", "variable"}))
	qt.Check(t, qt.ErrorMatches(err, "rewrite constants: some constants are missing from .rodata: fake_constant_one, fake_constant_two, variable"))

	// The constant that exists was rewritten anyway.
	qt.Check(t, qt.DeepEquals(spec.Maps[".rodata"].Contents[0].Value.([]byte)[:4], internal.NativeEndian.AppendUint32(nil, 7)))
}

func TestRewriteConstantsErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*CollectionSpec)
		consts map[string]interface{}
		err    string
	}{
		{
			name:   "wrong size",
			consts: map[string]interface{}{"the_constant": uint64(1)},
			err:    "section .rodata: constant the_constant: uint64 doesn't marshal to 4 bytes",
		},
		{
			name:   "contents not bytes",
			modify: func(cs *CollectionSpec) { cs.Maps[".rodata"].Contents[0].Value = "text" },
			consts: map[string]interface{}{"the_constant": uint32(1)},
			err:    "section .rodata: expected contents to be \\[\\]byte, got string",
		},
		{
			name:   "no contents",
			modify: func(cs *CollectionSpec) { cs.Maps[".rodata"].Contents = nil },
			consts: map[string]interface{}{"the_constant": uint32(1)},
			err:    "section .rodata: expected exactly one value in contents, got 0",
		},
		{
			name: "out of bounds",
			modify: func(cs *CollectionSpec) {
				cs.Maps[".rodata"].Value.(*btf.Datasec).Vars[1].Offset = 6
			},
			consts: map[string]interface{}{"other": uint32(1)},
			err:    "section .rodata: variable other at offset 6 \\(\\+4\\) is out of bounds \\(8 bytes\\)",
		},
		{
			name: "not a variable",
			modify: func(cs *CollectionSpec) {
				cs.Maps[".rodata"].Value.(*btf.Datasec).Vars[0].Type = &btf.Int{Size: 4}
			},
			consts: map[string]interface{}{"other": uint32(1)},
			err:    "section .rodata: variable 0: expected a \\*btf.Var, got \\*btf.Int",
		},
		{
			name: "duplicate variable",
			modify: func(cs *CollectionSpec) {
				cpy := cs.Maps[".rodata"].Copy()
				cs.Maps[".rodata.dup"] = cpy
			},
			consts: map[string]interface{}{"other": uint32(1)},
			err:    "section .rodata.dup: duplicate variable other",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := rodataSpec()
			if tc.modify != nil {
				tc.modify(spec)
			}
			qt.Check(t, qt.ErrorMatches(spec.RewriteConstants(tc.consts), tc.err))
		})
	}

	// A .rodata section without BTF, like string literals, is skipped.
	spec := rodataSpec()
	spec.Maps[".rodata"].Value = nil
	var mce *MissingConstantsError
	qt.Check(t, qt.ErrorAs(spec.RewriteConstants(map[string]interface{}{"the_constant": uint32(1)}), &mce))
}

func TestRewriteConstantsTestdata(t *testing.T) {
	spec := loadTestdataSpec(t, "run")
	qt.Assert(t, qt.IsNil(spec.RewriteConstants(map[string]interface{}{"multiplier": uint32(5)})))

	err := spec.RewriteConstants(map[string]interface{}{"base": uint32(5)})
	var mce *MissingConstantsError
	qt.Check(t, qt.ErrorAs(err, &mce), qt.Commentf("base is in .data"))
}

func TestRewriteConstantsChangesResults(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := loadTestdataSpec(t, "constants")

	// freeze_rodata returns ret, 0xffffffff by default, which an sk_lookup
	// program may not return: it only verifies once ret is rewritten, and
	// only because .rodata is frozen before verification.
	_, err := NewCollection(spec)
	qt.Assert(t, qt.ErrorMatches(err, "program freeze_rodata: .*"))

	qt.Assert(t, qt.IsNil(spec.RewriteConstants(map[string]interface{}{
		"ret":        uint32(1),
		"socket_ret": uint32(5),
		"tc_ret":     uint32(1),
	})))
	coll := mustNewCollection(t, spec, nil)
	qt.Check(t, qt.Equals(testRun(t, coll.Programs["socket_const"]), 5))
	qt.Check(t, qt.Equals(testRun(t, coll.Programs["tc_const"]), 1))

	// run.c multiplies two constants.
	run := loadTestdataSpec(t, "run")
	qt.Assert(t, qt.IsNil(run.RewriteConstants(map[string]interface{}{"multiplier": uint32(6)})))
	var objs struct {
		Prog *Program `ebpf:"socket_const"`
	}
	qt.Assert(t, qt.IsNil(run.LoadAndAssign(&objs, nil)))
	defer objs.Prog.Close()
	qt.Check(t, qt.Equals(testRun(t, objs.Prog), 42))
}

func TestRewriteMapsErrors(t *testing.T) {
	spec := loadTestdataSpec(t, "run")
	err := spec.RewriteMaps(map[string]*Map{"missing": {}})
	qt.Check(t, qt.ErrorMatches(err, "map missing not referenced by any programs"))
	qt.Check(t, qt.IsNotNil(spec.Maps["results"]))
}
