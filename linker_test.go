package ebpf

import (
	"fmt"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/testutils"
)

func TestSplitSymbols(t *testing.T) {
	_, err := splitSymbols(nil)
	qt.Assert(t, qt.IsNotNil(err), qt.Commentf("empty input"))

	_, err = splitSymbols(asm.Instructions{asm.Return()})
	qt.Assert(t, qt.ErrorMatches(err, ".*must start with a Symbol.*"))

	_, err = splitSymbols(asm.Instructions{
		asm.Return().WithSymbol("foo"),
		asm.Return().WithSymbol("bar"),
		asm.Return().WithSymbol("foo"),
	})
	qt.Assert(t, qt.ErrorMatches(err, ".*duplicate Symbol foo.*"))

	single, err := splitSymbols(asm.Instructions{asm.Return().WithSymbol("single")})
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(single, 1))
	qt.Assert(t, qt.HasLen(single["single"], 1))

	// Functions of one to four instructions, with a DWord load in between.
	var insns asm.Instructions
	want := map[string]int{}
	for i := 1; i <= 4; i++ {
		name := fmt.Sprintf("fn%d", i)
		want[name] = i
		for j := range i {
			ins := asm.Mov.Imm(asm.R0, int32(j))
			if j == 1 {
				ins = asm.LoadImm(asm.R0, 1<<40, asm.DWord)
			}
			if j == 0 {
				ins = ins.WithSymbol(name)
			}
			insns = append(insns, ins)
		}
	}
	funcs, err := splitSymbols(insns)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(funcs, len(want)))
	for name, n := range want {
		qt.Check(t, qt.HasLen(funcs[name], n), qt.Commentf("function %s", name))
		qt.Check(t, qt.Equals(funcs[name].Name(), name))
		qt.Check(t, qt.Equals(cap(funcs[name]), n), qt.Commentf("appending to %s must not overwrite the next", name))
	}
}

// testProgram returns a ProgramSpec whose instructions call every function
// in calls and then return.
func testProgram(name string, calls ...string) *ProgramSpec {
	insns := asm.Instructions{asm.Mov.Imm(asm.R0, 0).WithSymbol(name)}
	for _, call := range calls {
		insns = append(insns, asm.Call.Label(call))
	}
	insns = append(insns, asm.Return())
	return &ProgramSpec{Name: name, Type: SocketFilter, Instructions: insns}
}

func symbols(insns asm.Instructions) []string {
	var syms []string
	for _, ins := range insns {
		if sym := ins.Symbol(); sym != "" {
			syms = append(syms, sym)
		}
	}
	return syms
}

func TestFlattenPrograms(t *testing.T) {
	progs := map[string]*ProgramSpec{
		"prog_a":   testProgram("prog_a", "fn_b", "fn_c", "extern"),
		"prog_b":   testProgram("prog_b", "fn_c"),
		"prog_c":   testProgram("prog_c"),
		"prog_rec": testProgram("prog_rec", "fn_rec"),
		"fn_b":     testProgram("fn_b", "fn_d", "fn_c"),
		"fn_c":     testProgram("fn_c", "fn_d"),
		"fn_d":     testProgram("fn_d", "fn_b"), // cycle b → d → b
		"fn_rec":   testProgram("fn_rec", "prog_rec", "fn_rec"),
	}
	unlinkedC := progs["prog_c"].Instructions
	unlinkedFnB := fmt.Sprint(progs["fn_b"].Instructions)

	flattenPrograms(progs, []string{"prog_a", "prog_b", "prog_c", "prog_rec"})

	// Breadth first, each function once, unknown references left alone.
	qt.Check(t, qt.DeepEquals(symbols(progs["prog_a"].Instructions), []string{"prog_a", "fn_b", "fn_c", "fn_d"}))
	qt.Check(t, qt.DeepEquals(symbols(progs["prog_b"].Instructions), []string{"prog_b", "fn_c", "fn_d", "fn_b"}))
	qt.Check(t, qt.DeepEquals(symbols(progs["prog_rec"].Instructions), []string{"prog_rec", "fn_rec"}))
	qt.Check(t, qt.DeepEquals(progs["prog_a"].Instructions.FunctionReferences(), []string{"extern", "fn_b", "fn_c", "fn_d"}))

	// Programs without references are not copied; functions that are not
	// named are not linked.
	qt.Check(t, qt.Equals(&progs["prog_c"].Instructions[0], &unlinkedC[0]))
	qt.Check(t, qt.Equals(fmt.Sprint(progs["fn_b"].Instructions), unlinkedFnB))

	// The result marshals: every reference but the extern resolves.
	for _, name := range []string{"prog_b", "prog_c", "prog_rec"} {
		insns := progs[name].Instructions
		qt.Check(t, qt.IsNil(insns.Marshal(discard{}, internal.NativeEndian)), qt.Commentf("program %s", name))
	}
	err := progs["prog_a"].Instructions.Marshal(discard{}, internal.NativeEndian)
	qt.Check(t, qt.ErrorIs(err, asm.ErrUnsatisfiedProgramReference))
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestFlattenProgramsLoads(t *testing.T) {
	testutils.RequirePrivileges(t)

	progs := map[string]*ProgramSpec{
		"entrypoint": {
			Name: "entrypoint", Type: SocketFilter, License: "MIT",
			Instructions: asm.Instructions{
				asm.Call.Label("my_func").WithSymbol("entrypoint"),
				asm.Return(),
			},
		},
		"my_func": {
			Name: "my_func",
			Instructions: asm.Instructions{
				asm.Call.Label("my_other_func").WithSymbol("my_func"),
				asm.Return(),
			},
		},
		"my_other_func": {
			Name: "my_other_func",
			Instructions: asm.Instructions{
				asm.LoadImm(asm.R0, 1337, asm.DWord).WithSymbol("my_other_func"),
				asm.Return(),
			},
		},
	}
	flattenPrograms(progs, []string{"entrypoint"})

	prog, err := NewProgram(progs["entrypoint"])
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	defer prog.Close()

	ret, _, err := prog.Test(internal.EmptyBPFContext)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 1337))
}

func TestForwardFunctionDeclaration(t *testing.T) {
	testutils.RequirePrivileges(t)

	spec, err := LoadCollectionSpec(testutils.NativeFile(t, "testdata/fwd_decl-%s.elf"))
	qt.Assert(t, qt.IsNil(err))
	call := spec.Programs["call_fwd"]
	call.License = "MIT"

	_, err = NewProgram(call)
	qt.Assert(t, qt.ErrorIs(err, asm.ErrUnsatisfiedProgramReference))

	// Supplying the function makes the program whole.
	call.Instructions = append(call.Instructions,
		asm.Mov.Imm(asm.R0, 23).WithSymbol("fwd"),
		asm.Return(),
	)
	prog, err := NewProgram(call)
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	defer prog.Close()

	ret, _, err := prog.Test(internal.EmptyBPFContext)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 23))
}

// TestLinkEveryCaller checks that the .text functions of manyprogs, a
// global one and the static one it calls, are linked into each of the 100
// programs that call them, with their func info, line info and CO-RE
// relocation, in both byte orders.
func TestLinkEveryCaller(t *testing.T) {
	files := testutils.Glob(t, "testdata/manyprogs-*.elf")
	testutils.Files(t, files, func(t *testing.T, file string) {
		spec, err := LoadCollectionSpec(file)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.HasLen(spec.Programs, 100))

		for name, prog := range spec.Programs {
			insns := prog.Instructions
			qt.Assert(t, qt.DeepEquals(symbols(insns), []string{name, "count_event", "current_pid"}), qt.Commentf("program %s", name))

			var funcs []string
			lines, relos := make(map[string]int), 0
			fn := ""
			for i := range insns {
				if sym := insns[i].Symbol(); sym != "" {
					fn = sym
				}
				if f := btf.FuncMetadata(&insns[i]); f != nil {
					qt.Check(t, qt.Equals(f.Name, insns[i].Symbol()), qt.Commentf("func info in %s", name))
					funcs = append(funcs, f.Name)
				}
				if insns[i].Source() != nil {
					lines[fn]++
				}
				if btf.CORERelocationMetadata(&insns[i]) != nil {
					relos++
				}
			}
			qt.Check(t, qt.DeepEquals(funcs, []string{name, "count_event", "current_pid"}), qt.Commentf("func infos of %s", name))
			for _, f := range funcs {
				qt.Check(t, qt.Not(qt.Equals(lines[f], 0)), qt.Commentf("line infos of %s in %s", f, name))
			}
			qt.Check(t, qt.Equals(relos, 1), qt.Commentf("CO-RE relocations of %s", name))
		}
	})
}
