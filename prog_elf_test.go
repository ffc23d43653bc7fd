package ebpf

import (
	"errors"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// These tests load programs compiled by clang, read with LoadCollectionSpec.
// Maps are created by hand, the way the collection loader will.

// loadELFProgram reads the program name from a testdata object, creates the
// maps it refers to and loads it.
func loadELFProgram(tb testing.TB, file, name string, opts *ProgramOptions) (*Program, error) {
	tb.Helper()
	spec := elfProgramSpec(tb, file, name)
	if opts == nil {
		opts = &ProgramOptions{}
	}
	prog, err := NewProgramWithOptions(spec, *opts)
	if err == nil {
		tb.Cleanup(func() { prog.Close() })
	}
	return prog, err
}

// elfProgramSpec returns a copy of the program name of file whose map
// references are associated with freshly created maps.
func elfProgramSpec(tb testing.TB, file, name string) *ProgramSpec {
	tb.Helper()
	coll, err := LoadCollectionSpec(testutils.NativeFile(tb, file))
	qt.Assert(tb, qt.IsNil(err))
	spec := coll.Programs[name]
	qt.Assert(tb, qt.IsNotNil(spec), qt.Commentf("no program %s in %s", name, file))
	spec = spec.Copy()

	for i := range spec.Instructions {
		ins := &spec.Instructions[i]
		ref := ins.Reference()
		if !ins.IsLoadFromMap() || ref == "" {
			continue
		}
		mapSpec := coll.Maps[ref]
		qt.Assert(tb, qt.IsNotNil(mapSpec), qt.Commentf("program %s refers to unknown map %s", name, ref))
		m, err := NewMap(mapSpec)
		qt.Assert(tb, qt.IsNil(err), qt.Commentf("map %s", ref))
		tb.Cleanup(func() { m.Close() })
		qt.Assert(tb, qt.IsNil(spec.Instructions.AssociateMap(ref, m)))
	}
	return spec
}

func TestProgramELFRun(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	for _, tc := range []struct {
		name string
		want uint32
	}{
		{"socket_seven", 7},
		{"socket_const", 21},
		{"xdp_pass", 2},
		{"tc_subprogs", 20},
		{"tc_counter", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog, err := loadELFProgram(t, "testdata/run-%s.elf", tc.name, nil)
			qt.Assert(t, qt.IsNil(err), qt.Commentf("%+v", err))

			ret, out, err := prog.Test(make([]byte, 64))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(ret, tc.want))
			qt.Assert(t, qt.HasLen(out, 64))
		})
	}
}

func TestProgramELFInfo(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "5.0", "program ext_infos")

	spec := elfProgramSpec(t, "testdata/loader-%s.elf", "xdp_prog")
	if btf.FuncMetadata(&spec.Instructions[0]) == nil {
		t.Skip("the ELF reader attached no func info")
	}
	prog := mustNewProgram(t, spec, nil)

	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(info.Type, XDP))
	if haveObjName() == nil {
		qt.Assert(t, qt.Equals(info.Name, "xdp_prog"))
	}
	ids, ok := info.MapIDs()
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.Not(qt.HasLen(ids, 0)))

	insns, err := info.Instructions()
	qt.Assert(t, qt.IsNil(err))

	var funcs []string
	lines := 0
	for i := range insns {
		if fn := btf.FuncMetadata(&insns[i]); fn != nil {
			funcs = append(funcs, fn.Name)
		}
		if _, ok := insns[i].Source().(*btf.Line); ok {
			lines++
		}
	}
	qt.Assert(t, qt.ContentEquals(funcs, []string{"xdp_prog", "static_fn", "global_fn", "global_fn2", "global_fn3"}))
	qt.Assert(t, qt.Not(qt.Equals(lines, 0)))
	qt.Assert(t, qt.Equals(insns[0].Symbol(), "xdp_prog"))
}

func TestProgramKfuncs(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "5.18", "kfuncs")
	testutils.CheckFDLeaks(t)

	for _, tc := range []struct {
		name string
		want uint32
		run  bool
	}{
		{"call_kfunc", 1, true},
		{"call_rcu_kfuncs", 2, true},
		{"call_task_kfuncs", 0, false},
		{"weak_kfunc_missing", 0, false},
		{"call_weak_kfunc", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog, err := loadELFProgram(t, "testdata/kfunc-%s.elf", tc.name, nil)
			testutils.SkipIfNotSupported(t, err)
			qt.Assert(t, qt.IsNil(err), qt.Commentf("%+v", err))
			if !tc.run {
				return
			}
			ret, _, err := prog.Test(make([]byte, 64))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(ret, tc.want))
		})
	}
}

func TestFixupKfuncs(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "5.18", "kfuncs")

	spec := elfProgramSpec(t, "testdata/kfunc-%s.elf", "call_rcu_kfuncs")
	insns := spec.Instructions
	kt := &kernelTypes{}
	defer kt.close()

	km, err := fixupKfuncs(insns, kt)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(km.fdArray, 0), qt.Commentf("vmlinux kfuncs need no fd_array"))

	calls := 0
	for i := range insns {
		if !insns[i].IsKfuncCall() {
			continue
		}
		calls++
		name := insns[i].Reference()
		qt.Assert(t, qt.Equals(btf.TypeID(insns[i].Constant), kernelTypeID(t, name, (*btf.Func)(nil))), qt.Commentf("kfunc %s", name))
		qt.Assert(t, qt.Equals(insns[i].Offset, 0))
	}
	qt.Assert(t, qt.Equals(calls, 2))

	// A weak kfunc that doesn't exist is poisoned.
	spec = elfProgramSpec(t, "testdata/errors-%s.elf", "poisoned_kfunc")
	_, err = fixupKfuncs(spec.Instructions, kt)
	qt.Assert(t, qt.IsNil(err))
	poisoned := false
	for _, ins := range spec.Instructions {
		if ins.OpCode.JumpOp() == asm.Call && ins.Constant == kfuncPoisonConstant {
			poisoned = ins.Src == asm.R0
		}
	}
	qt.Assert(t, qt.IsTrue(poisoned))
}

func TestProgramKfuncErrors(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "5.18", "kfuncs")
	testutils.CheckFDLeaks(t)

	t.Run("unknown weak kfunc called", func(t *testing.T) {
		_, err := loadELFProgram(t, "testdata/errors-%s.elf", "poisoned_kfunc", nil)
		_, ok := err.(*VerifierError)
		qt.Assert(t, qt.IsTrue(ok), qt.Commentf("%T: %v", err, err))
		qt.Assert(t, qt.ErrorIs(err, errUnknownKfunc))
	})

	t.Run("incompatible prototype", func(t *testing.T) {
		_, err := loadELFProgram(t, "testdata/invalid-kfunc-%s.elf", "call_kfunc", nil)
		var ike *incompatibleKfuncError
		qt.Assert(t, qt.ErrorAs(err, &ike))
		qt.Assert(t, qt.Equals(ike.name, "bpf_task_acquire"))
		qt.Assert(t, qt.ErrorMatches(err, `fixing up kfuncs: instruction \d+: kfunc "bpf_task_acquire": .*`))
	})

	t.Run("missing strong kfunc", func(t *testing.T) {
		spec := elfProgramSpec(t, "testdata/kfunc-%s.elf", "call_rcu_kfuncs")
		for i := range spec.Instructions {
			if meta, ok := spec.Instructions[i].Metadata.Get(kfuncMetaKey{}).(*kfuncMeta); ok {
				fn := *meta.Func
				fn.Name = "no_such_kfunc"
				spec.Instructions[i].Metadata.Set(kfuncMetaKey{}, &kfuncMeta{Binding: meta.Binding, Func: &fn})
			}
		}
		_, err := NewProgram(spec)
		qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
		qt.Assert(t, qt.ErrorMatches(err, `fixing up kfuncs: instruction \d+: kfunc "no_such_kfunc": not supported`))
	})

	t.Run("fentry calling a non-kfunc", func(t *testing.T) {
		_, err := loadELFProgram(t, "testdata/kfunc-%s.elf", "benchmark", nil)
		if errors.Is(err, unix.EPERM) {
			testutils.SkipIfKernelRefuses(t, err, "this kernel refuses fentry programs")
		}
		qt.Assert(t, qt.ErrorIs(err, unix.EACCES))
	})
}

func TestProgramCORERelocationErrors(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	for _, name := range []string{"poisoned_single", "poisoned_double"} {
		t.Run(name, func(t *testing.T) {
			spec := elfProgramSpec(t, "testdata/errors-%s.elf", name)
			if !hasCORERelocations(spec.Instructions) {
				t.Skip("the ELF reader attached no CO-RE relocations")
			}
			_, err := NewProgram(spec)
			testutils.SkipIfNotSupported(t, err)
			_, ok := err.(*VerifierError)
			qt.Assert(t, qt.IsTrue(ok), qt.Commentf("%T: %v", err, err))
			qt.Assert(t, qt.ErrorIs(err, errBadRelocation))
		})
	}
}

func hasCORERelocations(insns asm.Instructions) bool {
	for i := range insns {
		if btf.CORERelocationMetadata(&insns[i]) != nil {
			return true
		}
	}
	return false
}

func TestProgramELFRunOptions(t *testing.T) {
	testutils.RequirePrivileges(t)

	t.Run("raw tracepoint without input", func(t *testing.T) {
		testutils.SkipOnOldKernel(t, "5.10", "BPF_PROG_RUN of raw tracepoints")
		prog, err := loadELFProgram(t, "testdata/run-%s.elf", "raw_tp_run", nil)
		qt.Assert(t, qt.IsNil(err), qt.Commentf("%+v", err))
		ret, err := prog.Run(&RunOptions{})
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(ret, 0))
	})

	t.Run("syscall context", func(t *testing.T) {
		testutils.SkipOnOldKernel(t, "5.14", "syscall programs")
		prog, err := loadELFProgram(t, "testdata/run-%s.elf", "syscall_ctx", nil)
		qt.Assert(t, qt.IsNil(err), qt.Commentf("%+v", err))

		// The kernel refuses ctx_out for syscall programs and writes the
		// context back into ctx_in: ContextOut must see it there.
		type args struct{ A, B, Sum uint32 }
		var out args
		ret, err := prog.Run(&RunOptions{Context: args{A: 6, B: 7}, ContextOut: &out})
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(ret, 42))
		qt.Assert(t, qt.Equals(out, args{A: 6, B: 7, Sum: 13}))

		// Without ContextOut the run is the same.
		ret, err = prog.Run(&RunOptions{Context: args{A: 2, B: 3}})
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(ret, 6))

		// The context is one buffer, so both must have the same size.
		var short struct{ A, B uint32 }
		_, err = prog.Run(&RunOptions{Context: args{A: 6, B: 7}, ContextOut: &short})
		qt.Assert(t, qt.ErrorMatches(err, `run program: context out: .* has 8 bytes, the context 12`))
	})
}

func TestProgramKconfig(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	prog, err := loadELFProgram(t, "testdata/kconfig-%s.elf", "kernel_version", nil)
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err), qt.Commentf("%+v", err))

	ret, _, err := prog.Test(make([]byte, 14))
	qt.Assert(t, qt.IsNil(err))
	version, err := internal.KernelVersion()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, version.Kernel()))
}
