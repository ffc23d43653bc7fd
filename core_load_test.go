package ebpf

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// coreSectionPrograms splits a code section of an ELF into its functions,
// with CO-RE relocations and line infos attached from .BTF.ext, without the
// ELF reader: enough for sections whose programs make no calls and use no
// maps. It also returns the object's BTF.
func coreSectionPrograms(tb testing.TB, path, section string, typ ProgramType) (map[string]*ProgramSpec, *btf.Spec) {
	tb.Helper()

	raw, err := os.ReadFile(path)
	qt.Assert(tb, qt.IsNil(err))
	spec, extInfos, err := btf.LoadSpecAndExtInfosFromReader(bytes.NewReader(raw))
	qt.Assert(tb, qt.IsNil(err))

	file, err := elf.NewFile(bytes.NewReader(raw))
	qt.Assert(tb, qt.IsNil(err))
	defer file.Close()

	var license string
	if sec := file.Section("license"); sec != nil {
		data, err := sec.Data()
		qt.Assert(tb, qt.IsNil(err))
		license = string(bytes.TrimRight(data, "\x00"))
	}

	sec := file.Section(section)
	qt.Assert(tb, qt.IsNotNil(sec), qt.Commentf("%s: no section %s", path, section))
	data, err := sec.Data()
	qt.Assert(tb, qt.IsNil(err))
	var insns asm.Instructions
	qt.Assert(tb, qt.IsNil(insns.Unmarshal(bytes.NewReader(data), file.ByteOrder)))
	extInfos.Assign(insns, section)

	symbols, err := file.Symbols()
	qt.Assert(tb, qt.IsNil(err))
	starts := make(map[asm.RawInstructionOffset]string)
	for _, sym := range symbols {
		if file.Sections[sym.Section] == sec && elf.ST_TYPE(sym.Info) == elf.STT_FUNC {
			starts[asm.RawInstructionOffset(sym.Value/asm.InstructionSize)] = sym.Name
		}
	}

	progs := make(map[string]*ProgramSpec)
	var current *ProgramSpec
	iter := insns.Iterate()
	for iter.Next() {
		if name, ok := starts[iter.Offset]; ok {
			current = &ProgramSpec{Name: name, Type: typ, License: license, ByteOrder: file.ByteOrder, SectionName: section}
			progs[name] = current
			*iter.Ins = iter.Ins.WithSymbol(name)
		}
		qt.Assert(tb, qt.IsNotNil(current))
		current.Instructions = append(current.Instructions, *iter.Ins)
	}
	return progs, spec
}

// coreHasRelocations reports whether any instruction of the spec's programs
// carries a CO-RE relocation.
func coreHasRelocations(spec *CollectionSpec) bool {
	for _, prog := range spec.Programs {
		for i := range prog.Instructions {
			if btf.CORERelocationMetadata(&prog.Instructions[i]) != nil {
				return true
			}
		}
	}
	return false
}

// coreCollectionSpec loads a test object with the ELF reader, which must
// have attached the object's CO-RE relocations to its instructions: a
// reader that lost them would otherwise load every program unrelocated.
func coreCollectionSpec(tb testing.TB, path string) *CollectionSpec {
	tb.Helper()
	spec, err := LoadCollectionSpec(path)
	qt.Assert(tb, qt.IsNil(err))
	qt.Assert(tb, qt.IsTrue(coreHasRelocations(spec)), qt.Commentf("%s: the ELF reader attached no CO-RE relocations", path))
	return spec
}

// taskInfo is the context of the core_task programs.
type taskInfo struct {
	PID, TGID, LeaderPID int32
	_                    uint32
	Comm                 [16]byte
}

// TestCORETaskStruct loads programs that read the current task_struct
// through CO-RE against the running kernel, runs them and compares what they
// read with what the process knows about itself.
func TestCORETaskStruct(t *testing.T) {
	testutils.SkipOnOldKernel(t, "5.14", "syscall programs")
	testutils.RequirePrivileges(t)

	progs, _ := coreSectionPrograms(t, testutils.NativeFile(t, "btf/testdata/core_task-%s.elf"), "syscall", Syscall)
	qt.Assert(t, qt.HasLen(progs, 2))

	for _, name := range []string{"task_probe_read", "task_btf_read"} {
		t.Run(name, func(t *testing.T) {
			spec := progs[name]
			spec.Flags = unix.BPF_F_SLEEPABLE

			prog, err := NewProgram(spec)
			testutils.SkipIfNotSupported(t, err)
			qt.Assert(t, qt.IsNil(err))
			defer prog.Close()

			// The program reads the calling thread's task_struct.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			comm, err := os.ReadFile("/proc/thread-self/comm")
			qt.Assert(t, qt.IsNil(err))

			// Syscall programs write their context back into the input
			// buffer, which Program.Run doesn't hand back: run directly.
			ctx := make([]byte, binary.Size(taskInfo{}))
			attr := sys.ProgRunAttr{
				ProgFd:    prog.fd.Uint(),
				CtxSizeIn: uint32(len(ctx)),
				CtxIn:     sys.NewSlicePointer(ctx),
			}
			qt.Assert(t, qt.IsNil(sys.ProgRun(&attr)))
			qt.Assert(t, qt.Equals(attr.Retval, 0), qt.Commentf("failed check at line %d of core_task.c", attr.Retval))

			var out taskInfo
			_, err = binary.Decode(ctx, internal.NativeEndian, &out)
			qt.Assert(t, qt.IsNil(err))

			qt.Check(t, qt.Equals(out.PID, int32(unix.Gettid())))
			qt.Check(t, qt.Equals(out.TGID, int32(os.Getpid())))
			qt.Check(t, qt.Equals(out.LeaderPID, int32(os.Getpid())))
			qt.Check(t, qt.Equals(string(bytes.TrimRight(out.Comm[:], "\x00")), strings.TrimSpace(string(comm))))
		})
	}
}

// TestCOREEnumValueLdImm64 relocates 64-bit immediate enum values against the
// running kernel, including an ENUM64.
func TestCOREEnumValueLdImm64(t *testing.T) {
	testutils.RequirePrivileges(t)

	progs, own := coreSectionPrograms(t, testutils.NativeFile(t, "btf/testdata/relocs_enum-%s.elf"), "socket/core_ld64imm", SocketFilter)
	spec := progs["core_ld64imm"]
	qt.Assert(t, qt.IsNotNil(spec))

	for _, tc := range []struct {
		name   string
		target *btf.Spec
		want   uint32
	}{
		{"kernel", nil, 0},
		// Against its own types the enumerators keep their wrong local
		// values, so the first check fails (line 27 of the source).
		{"own", own, 27},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog, err := NewProgramWithOptions(spec, ProgramOptions{KernelTypes: tc.target})
			qt.Assert(t, qt.IsNil(err))
			defer prog.Close()

			ret, _, err := prog.Test(make([]byte, 14))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(ret, tc.want))
		})
	}
}

// TestCOREPoisonedInstructions loads programs whose relocations can't be
// resolved: the verifier rejects the poisoned instruction, and the error
// says it was a bad CO-RE relocation and which one. Against the object's
// own types the same programs load and run.
func TestCOREPoisonedInstructions(t *testing.T) {
	testutils.RequirePrivileges(t)

	path := testutils.NativeFile(t, "testdata/errors-%s.elf")
	progs, own := coreSectionPrograms(t, path, "socket", SocketFilter)
	// A target without struct nonexist and enum nonexist_enum.
	_, other := coreSectionPrograms(t, testutils.NativeFile(t, "btf/testdata/relocs_enum-%s.elf"), "socket/core_ld64imm", SocketFilter)

	for _, tc := range []struct {
		name     string
		relo     string
		ownValue uint32
	}{
		{"poisoned_single", `byte_off, Struct:"nonexist"`, 0},
		{"poisoned_double", `enumval_value, Enum:"nonexist_enum"`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := progs[tc.name]
			qt.Assert(t, qt.IsNotNil(spec))

			_, err := NewProgramWithOptions(spec, ProgramOptions{KernelTypes: other})
			qt.Assert(t, qt.IsNotNil(err))
			var ve *internal.VerifierError
			qt.Assert(t, qt.ErrorAs(err, &ve))
			qt.Check(t, qt.ErrorIs(err, errBadRelocation))
			qt.Check(t, qt.StringContains(strings.Join(ve.Log, "\n"), "instruction poisoned by CO-RE: CORERelocation("+tc.relo))

			// The verifier log is enough to name the relocation.
			named := badRelocationError(spec.Instructions, []byte(strings.Join(ve.Log, "\n")+"\n"))
			qt.Check(t, qt.ErrorIs(named, errBadRelocation))
			qt.Check(t, qt.StringContains(named.Error(), tc.relo))
			// And so does the error the user sees.
			qt.Check(t, qt.StringContains(err.Error(), "bad CO-RE relocation: instruction "))
			qt.Check(t, qt.StringContains(err.Error(), tc.relo))

			prog, err := NewProgramWithOptions(spec, ProgramOptions{KernelTypes: own})
			qt.Assert(t, qt.IsNil(err))
			defer prog.Close()
			ret, _, err := prog.Test(make([]byte, 14))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(ret, tc.ownValue))
		})
	}
}

// TestCOREPoisonedCollection loads the errors object through the ELF
// reader against the running kernel: poisoned code that is dead loads, live
// poisoned code fails with errBadRelocation and an error naming the
// relocation and its type.
func TestCOREPoisonedCollection(t *testing.T) {
	testutils.RequirePrivileges(t)
	spec := coreCollectionSpec(t, testutils.NativeFile(t, "testdata/errors-%s.elf"))

	for name, relo := range map[string]string{
		"poisoned_single": `byte_off, Struct:"nonexist"`,
		"poisoned_double": `enumval_value, Enum:"nonexist_enum"`,
		"poisoned_dead":   "",
	} {
		t.Run(name, func(t *testing.T) {
			prog, err := NewProgram(spec.Programs[name])
			if relo == "" {
				qt.Assert(t, qt.IsNil(err))
				defer prog.Close()
				ret, _, err := prog.Test(make([]byte, 14))
				qt.Assert(t, qt.IsNil(err))
				qt.Assert(t, qt.Equals(ret, 0))
				return
			}
			qt.Assert(t, qt.ErrorIs(err, errBadRelocation))
			var ve *internal.VerifierError
			qt.Assert(t, qt.ErrorAs(err, &ve))
			qt.Check(t, qt.StringContains(err.Error(), "bad CO-RE relocation: instruction "))
			qt.Check(t, qt.StringContains(err.Error(), "CORERelocation("+relo))
		})
	}
}

// TestCORECollectionOptionsKernelTypes loads relocs_read as a collection
// with CollectionOptions.Programs.KernelTypes set to relocs_read_tgt's BTF:
// every program is relocated against it and returns 0. Against the running
// kernel, which lacks the object's types, the same live relocations are
// poisoned and the load fails.
func TestCORECollectionOptionsKernelTypes(t *testing.T) {
	testutils.RequirePrivileges(t)
	spec := coreCollectionSpec(t, testutils.NativeFile(t, "btf/testdata/relocs_read-%s.elf"))
	target, err := btf.LoadSpec(testutils.NativeFile(t, "btf/testdata/relocs_read_tgt-%s.elf"))
	qt.Assert(t, qt.IsNil(err))

	coll, err := NewCollectionWithOptions(spec, CollectionOptions{Programs: ProgramOptions{KernelTypes: target}})
	qt.Assert(t, qt.IsNil(err))
	defer coll.Close()
	qt.Assert(t, qt.Not(qt.HasLen(coll.Programs, 0)))
	for name, prog := range coll.Programs {
		ret, _, err := prog.Test(make([]byte, 14))
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(ret, 0), qt.Commentf("%s: failed check at line %d of relocs_read.c", name, ret))
	}

	_, err = NewCollection(spec)
	qt.Assert(t, qt.ErrorIs(err, errBadRelocation))
	qt.Check(t, qt.StringContains(err.Error(), "program reads: "))
	qt.Check(t, qt.StringContains(err.Error(), "CORERelocation("))
}

// TestCORERelocsCollections loads the relocs objects through the ELF
// reader: against their own BTF every program but err_* returns 0, and
// relocs_read returns 0 against relocs_read_tgt.
func TestCORERelocsCollections(t *testing.T) {
	testutils.RequirePrivileges(t)
	testCORERelocsObjects(t, func(object string) string {
		return testutils.NativeFile(t, "btf/testdata/"+object+"-%s.elf")
	})
}

// testCORERelocsObjects loads the relocs, relocs_read and relocs_read_tgt
// objects that path names, in native byte order: against their own BTF
// every relocs program but err_* returns 0 (err_* fail as ambiguous), and
// every relocs_read program returns 0 against relocs_read_tgt's BTF.
func testCORERelocsObjects(t *testing.T, path func(object string) string) {
	t.Run("relocs", func(t *testing.T) {
		spec := coreCollectionSpec(t, path("relocs"))
		runCOREChecks(t, spec, spec.Types)
	})

	t.Run("relocs_read", func(t *testing.T) {
		spec := coreCollectionSpec(t, path("relocs_read"))
		target, err := btf.LoadSpec(path("relocs_read_tgt"))
		qt.Assert(t, qt.IsNil(err))
		runCOREChecks(t, spec, target)
	})
}

// runCOREChecks loads every program of spec against target and runs it: it
// must return 0, else the number is the source line of the failed check.
// Programs named err_* must fail to load with an ambiguous relocation.
func runCOREChecks(t *testing.T, spec *CollectionSpec, target *btf.Spec) {
	for name, progSpec := range spec.Programs {
		t.Run(name, func(t *testing.T) {
			prog, err := NewProgramWithOptions(progSpec, ProgramOptions{KernelTypes: target})
			if strings.HasPrefix(name, "err_") {
				qt.Assert(t, qt.ErrorMatches(err, ".*ambiguous relocation.*"))
				return
			}
			qt.Assert(t, qt.IsNil(err))
			defer prog.Close()
			ret, _, err := prog.Test(make([]byte, 14))
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(ret, 0), qt.Commentf("failed check at line %d of the source", ret))
		})
	}
}

func TestBadRelocationError(t *testing.T) {
	insns := asm.Instructions{
		asm.LoadImm(asm.R10, btf.COREBadRelocationSentinel, asm.DWord),
		asm.BuiltinFunc(btf.COREBadRelocationSentinel).Call(),
		asm.Return(),
	}

	for _, tc := range []struct {
		log  string
		want string
	}{
		{"0: (18) r10 = 0xbad2310\nframe pointer is read only\n", "bad CO-RE relocation at instruction offset 0"},
		{"func#0 @0\n2: (85) call unknown#195896080\ninvalid func unknown#195896080\n", "bad CO-RE relocation at instruction offset 2"},
		{"nothing to see\n", "bad CO-RE relocation"},
	} {
		err := badRelocationError(insns, []byte(tc.log))
		qt.Check(t, qt.ErrorIs(err, errBadRelocation))
		qt.Check(t, qt.Equals(err.Error(), tc.want))
	}
	qt.Check(t, qt.IsTrue(errors.Is(badRelocationError(nil, nil), errBadRelocation)))
}

// TestCORERelocsReference loads the reference's relocs objects, compiled
// from its own sources, as TestCORERelocsCollections does ours.
func TestCORERelocsReference(t *testing.T) {
	testutils.RequirePrivileges(t)
	dir := filepath.Join("..", "shared", "corpus", "reference", "btf")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no reference corpus:", err)
	}
	suffix := "el"
	if bo := binary.ByteOrder(internal.NativeEndian); bo == binary.BigEndian {
		suffix = "eb"
	}
	testCORERelocsObjects(t, func(object string) string {
		return filepath.Join(dir, object+"-"+suffix+".elf")
	})
}
