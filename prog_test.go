package ebpf

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-quicktest/qt"
	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// socketFilterSpec returns "r0 = ret; exit" as a socket filter.
func socketFilterSpec(ret int32) *ProgramSpec {
	return &ProgramSpec{
		Name: "test",
		Type: SocketFilter,
		Instructions: asm.Instructions{
			asm.LoadImm(asm.R0, int64(ret), asm.DWord),
			asm.Return(),
		},
		License: "MIT",
	}
}

// xdpPatternSpec returns an XDP program that writes 0x01020304 (native
// endian) into the first four bytes of the packet and returns 42.
func xdpPatternSpec() *ProgramSpec {
	return &ProgramSpec{
		Name: "xdp_pattern",
		Type: XDP,
		Instructions: asm.Instructions{
			asm.LoadMem(asm.R2, asm.R1, 0, asm.Word), // data
			asm.LoadMem(asm.R3, asm.R1, 4, asm.Word), // data_end
			asm.Mov.Reg(asm.R4, asm.R2),
			asm.Add.Imm(asm.R4, 4),
			asm.JGT.Reg(asm.R4, asm.R3, "out"),
			asm.StoreImm(asm.R2, 0, 0x01020304, asm.Word),
			asm.Mov.Imm(asm.R0, 42).WithSymbol("out"),
			asm.Return(),
		},
		License: "MIT",
	}
}

func mustNewProgram(tb testing.TB, spec *ProgramSpec, opts *ProgramOptions) *Program {
	tb.Helper()
	if opts == nil {
		opts = &ProgramOptions{}
	}
	prog, err := NewProgramWithOptions(spec, *opts)
	testutils.SkipIfNotSupported(tb, err)
	qt.Assert(tb, qt.IsNil(err), qt.Commentf("%+v", err))
	tb.Cleanup(func() { prog.Close() })
	return prog
}

// rawMap is an array map created with a raw syscall, standing in for a Map
// where the test is about programs.
type rawMap struct{ fd *sys.FD }

func (m *rawMap) FD() int { return m.fd.Int() }

func newRawMap(tb testing.TB) *rawMap {
	tb.Helper()
	fd, err := sys.MapCreate(&sys.MapCreateAttr{
		MapType:    sys.BPF_MAP_TYPE_ARRAY,
		KeySize:    4,
		ValueSize:  8,
		MaxEntries: 1,
		MapName:    sys.NewObjName("test_map"),
	})
	qt.Assert(tb, qt.IsNil(err))
	tb.Cleanup(func() { fd.Close() })
	return &rawMap{fd}
}

// mapLookupSpec returns a socket filter that looks up key 0 of m.
func mapLookupSpec(tb testing.TB, m asm.FDer) *ProgramSpec {
	insns := asm.Instructions{
		asm.StoreImm(asm.RFP, -4, 0, asm.Word),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.LoadMapPtr(asm.R1, 0),
		asm.FnMapLookupElem.Call(),
		asm.Mov.Imm(asm.R0, 0),
		asm.Return(),
	}
	qt.Assert(tb, qt.IsNil(insns[3].AssociateMap(m)))
	return &ProgramSpec{Name: "map_lookup", Type: SocketFilter, Instructions: insns, License: "MIT"}
}

func TestProgramRun(t *testing.T) {
	testutils.RequirePrivileges(t)

	prog := mustNewProgram(t, xdpPatternSpec(), nil)
	clone, err := prog.Clone()
	qt.Assert(t, qt.IsNil(err))
	defer clone.Close()

	ret, out, err := clone.Test(make([]byte, 14))
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 42))
	qt.Assert(t, qt.HasLen(out, 14))
	want := internal.NativeEndian.AppendUint32(nil, 0x01020304)
	qt.Assert(t, qt.DeepEquals(out[:4], want))
}

func TestProgramRunWithOptions(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "5.15", "XDP ctx_in/ctx_out")

	prog := mustNewProgram(t, xdpPatternSpec(), nil)

	buf := make([]byte, 64)
	in := sys.XdpMd{Data: 0, DataEnd: uint32(len(buf))}
	var out sys.XdpMd
	opts := RunOptions{
		Data:       buf,
		DataOut:    make([]byte, len(buf)+testOutputPad),
		Context:    in,
		ContextOut: &out,
	}
	ret, err := prog.Run(&opts)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 42))
	qt.Assert(t, qt.Equals(out, in))
	qt.Assert(t, qt.HasLen(opts.DataOut, len(buf)))
}

func TestProgramRunErrors(t *testing.T) {
	testutils.RequirePrivileges(t)

	prog := mustNewProgram(t, socketFilterSpec(0), nil)

	_, err := prog.Run(&RunOptions{ContextOut: new(string)})
	qt.Assert(t, qt.ErrorMatches(err, `run program: context out: .*`))

	_, err = prog.Run(&RunOptions{Context: "a string"})
	qt.Assert(t, qt.ErrorMatches(err, `run program: encode context: .*`))

	_, _, err = prog.Benchmark(nil, math.MaxUint32+1, nil)
	qt.Assert(t, qt.ErrorMatches(err, `benchmark program: repeat .* is too high`))

	// nil options are no options, and a socket filter needs a packet.
	_, err = prog.Run(nil)
	qt.Assert(t, qt.ErrorIs(err, unix.EINVAL))

	qt.Assert(t, qt.ErrorMatches(prog.BindMap(nil), `bind map to program .*: nil map`))

	closed := mustNewProgram(t, socketFilterSpec(0), nil)
	qt.Assert(t, qt.IsNil(closed.Close()))
	_, _, err = closed.Test(make([]byte, 14))
	qt.Assert(t, qt.ErrorIs(err, unix.EBADF))
}

func TestProgramBenchmark(t *testing.T) {
	testutils.RequirePrivileges(t)

	prog := mustNewProgram(t, socketFilterSpec(7), nil)
	ret, duration, err := prog.Benchmark(make([]byte, 14), 1000, nil)
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 7))
	qt.Assert(t, qt.Not(qt.Equals(duration, time.Duration(0))))
}

func TestProgramTestRunUnsupportedType(t *testing.T) {
	testutils.RequirePrivileges(t)

	spec := socketFilterSpec(0)
	spec.Type = Kprobe
	spec.License = "GPL"
	prog := mustNewProgram(t, spec, nil)

	_, _, err := prog.Test(make([]byte, 14))
	qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
	qt.Assert(t, qt.ErrorMatches(err, `test program: kernel doesn't support running Kprobe: not supported`))
}

func TestProgramClose(t *testing.T) {
	testutils.RequirePrivileges(t)

	prog, err := NewProgram(socketFilterSpec(0))
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(prog.Close()))
	qt.Assert(t, qt.Equals(prog.FD(), -1))
	qt.Assert(t, qt.IsNil(prog.Close()))
	qt.Assert(t, qt.IsNil((*Program)(nil).Close()))
}

func TestProgramPin(t *testing.T) {
	testutils.RequirePrivileges(t)

	prog := mustNewProgram(t, socketFilterSpec(0), nil)
	tmp := testutils.TempBPFFS(t)

	path := filepath.Join(tmp, "program")
	qt.Assert(t, qt.IsNil(prog.Pin(path)))
	qt.Assert(t, qt.IsTrue(prog.IsPinned()))

	// Pinning to the same path again is a no-op, moving works.
	qt.Assert(t, qt.IsNil(prog.Pin(path)))
	moved := filepath.Join(tmp, "moved")
	qt.Assert(t, qt.IsNil(prog.Pin(moved)))
	_, err := os.Stat(path)
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
	prog.Close()

	pinned, err := LoadPinnedProgram(moved, nil)
	qt.Assert(t, qt.IsNil(err))
	defer pinned.Close()

	qt.Assert(t, qt.Equals(pinned.Type(), SocketFilter))
	qt.Assert(t, qt.IsTrue(pinned.IsPinned()))
	if haveObjName() == nil {
		qt.Assert(t, qt.Equals(pinned.name, "test"))
	} else {
		qt.Assert(t, qt.Equals(pinned.name, "moved"))
	}

	ret, _, err := pinned.Test(make([]byte, 14))
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 0))

	qt.Assert(t, qt.IsNil(pinned.Unpin()))
	qt.Assert(t, qt.IsFalse(pinned.IsPinned()))
	_, err = os.Stat(moved)
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
	qt.Assert(t, qt.IsNil(pinned.Unpin()))
}

func TestProgramLoadPinnedErrors(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "4.14", "file_flags in BPF_OBJ_GET")

	prog := mustNewProgram(t, socketFilterSpec(0), nil)
	path := filepath.Join(testutils.TempBPFFS(t), "program")
	qt.Assert(t, qt.IsNil(prog.Pin(path)))

	_, err := LoadPinnedProgram(path, &LoadPinOptions{Flags: math.MaxUint32})
	qt.Assert(t, qt.ErrorIs(err, unix.EINVAL))

	_, err = LoadPinnedProgram(path+"-missing", nil)
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
}

func TestProgramVerifierOutputOnError(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	// Exit without setting R0.
	_, err := NewProgram(&ProgramSpec{
		Type:         SocketFilter,
		Instructions: asm.Instructions{asm.Return()},
		License:      "MIT",
	})
	qt.Assert(t, qt.IsNotNil(err))

	ve, ok := err.(*VerifierError)
	qt.Assert(t, qt.IsTrue(ok), qt.Commentf("NewProgram must return an unwrapped *VerifierError, got %T", err))
	qt.Assert(t, qt.ErrorIs(err, unix.EACCES))
	qt.Assert(t, qt.IsFalse(ve.Truncated))
	qt.Assert(t, qt.StringContains(err.Error(), "R0 !read_ok"))
}

func TestProgramKernelVersion(t *testing.T) {
	testutils.RequirePrivileges(t)

	spec := socketFilterSpec(0)
	spec.Type = Kprobe
	spec.License = "GPL"
	spec.KernelVersion = 42
	mustNewProgram(t, spec, nil)

	spec.KernelVersion = internal.MagicKernelVersion
	mustNewProgram(t, spec, nil)
}

func TestProgramVerifierLog(t *testing.T) {
	testutils.RequirePrivileges(t)

	prog := mustNewProgram(t, socketFilterSpec(0), &ProgramOptions{LogLevel: LogLevelInstruction})
	qt.Assert(t, qt.StringContains(prog.VerifierLog, "processed 2 insns"))
	qt.Assert(t, qt.Not(qt.StringContains(prog.VerifierLog, "\x00")))

	prog = mustNewProgram(t, socketFilterSpec(0), nil)
	qt.Assert(t, qt.Equals(prog.VerifierLog, ""))

	// An invalid program with a log level is still a VerifierError.
	_, err := NewProgramWithOptions(&ProgramSpec{
		Type:         SocketFilter,
		Instructions: asm.Instructions{asm.Return()},
		License:      "MIT",
	}, ProgramOptions{LogLevel: LogLevelInstruction})
	var ve *VerifierError
	qt.Assert(t, qt.ErrorAs(err, &ve))
	qt.Assert(t, qt.ErrorIs(err, unix.EACCES))
}

func TestProgramVerifierLogDisabled(t *testing.T) {
	testutils.RequirePrivileges(t)

	_, err := NewProgramWithOptions(&ProgramSpec{
		Type:         SocketFilter,
		Instructions: asm.Instructions{asm.Return()},
		License:      "MIT",
	}, ProgramOptions{LogDisabled: true, LogLevel: LogLevelBranch})
	var ve *VerifierError
	qt.Assert(t, qt.ErrorAs(err, &ve))
	qt.Assert(t, qt.HasLen(ve.Log, 0))
	qt.Assert(t, qt.ErrorIs(err, unix.EACCES))
}

func TestProgramVerifierLogTruncated(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	invalid := &ProgramSpec{
		Type: SocketFilter,
		Instructions: asm.Instructions{
			asm.Mov.Imm(asm.R1, 0),
			asm.Mov.Imm(asm.R2, 0),
			asm.Mov.Imm(asm.R3, 0),
			asm.Mov.Imm(asm.R4, 0),
			asm.Mov.Imm(asm.R5, 0),
			asm.Return(),
		},
		License: "MIT",
	}
	valid := socketFilterSpec(0)

	check := func(t *testing.T, err error) {
		t.Helper()
		var ve *VerifierError
		qt.Assert(t, qt.ErrorAs(err, &ve))
		qt.Assert(t, qt.IsTrue(ve.Truncated), qt.Commentf("%+v", err))
	}

	t.Run("invalid, no level", func(t *testing.T) {
		_, err := NewProgramWithOptions(invalid, ProgramOptions{LogSize: 128})
		check(t, err)
		// The first attempt had no log, so its errno is the verifier's.
		qt.Assert(t, qt.ErrorIs(err, unix.EACCES))
	})
	t.Run("invalid, level", func(t *testing.T) {
		_, err := NewProgramWithOptions(invalid, ProgramOptions{LogSize: 128, LogLevel: LogLevelInstruction})
		check(t, err)
	})
	t.Run("valid, level", func(t *testing.T) {
		_, err := NewProgramWithOptions(valid, ProgramOptions{LogSize: 128, LogLevel: LogLevelInstruction | LogLevelStats})
		check(t, err)
		qt.Assert(t, qt.ErrorIs(err, unix.ENOSPC))
	})
	t.Run("valid, no level", func(t *testing.T) {
		prog, err := NewProgramWithOptions(valid, ProgramOptions{LogSize: 128})
		qt.Assert(t, qt.IsNil(err))
		prog.Close()
	})
}

func TestProgramVerifierLogTooLarge(t *testing.T) {
	testutils.RequirePrivileges(t)

	_, err := NewProgramWithOptions(socketFilterSpec(0), ProgramOptions{
		LogSize:  maxVerifierLogSize + 1,
		LogLevel: LogLevelBranch,
	})
	qt.Assert(t, qt.ErrorIs(err, unix.EINVAL))
	qt.Assert(t, qt.ErrorMatches(err, `load program: invalid argument \(ProgramOptions.LogSize exceeds maximum value of 1073741823\)`))

	// Without a level no log is needed for a valid program.
	prog, err := NewProgramWithOptions(socketFilterSpec(0), ProgramOptions{LogSize: maxVerifierLogSize + 1})
	qt.Assert(t, qt.IsNil(err))
	prog.Close()
}

// hugeSpec returns a socket filter of n instructions that are all
// verified. If valid is false, the last one reads an uninitialised
// register.
func hugeSpec(n int, valid bool) *ProgramSpec {
	insns := make(asm.Instructions, 0, n)
	insns = append(insns, asm.Mov.Imm(asm.R0, 0))
	for len(insns) < n-2 {
		insns = append(insns, asm.Add.Imm(asm.R0, 1))
	}
	if valid {
		insns = append(insns, asm.Mov.Imm(asm.R0, 0))
	} else {
		insns = append(insns, asm.Mov.Reg(asm.R0, asm.R7))
	}
	insns = append(insns, asm.Return())
	return &ProgramSpec{Name: "huge", Type: SocketFilter, Instructions: insns, License: "MIT"}
}

func TestProgramVerifierLogGrows(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	// At LogLevelInstruction every instruction logs a line with the
	// register state: far more than the default 64 KiB.
	const n = 4096

	t.Run("valid", func(t *testing.T) {
		prog := mustNewProgram(t, hugeSpec(n, true), &ProgramOptions{LogLevel: LogLevelInstruction})
		qt.Assert(t, qt.IsTrue(len(prog.VerifierLog) > DefaultVerifierLogSize))
		// The whole log: from the first instruction to the statistics.
		qt.Assert(t, qt.IsTrue(strings.HasPrefix(prog.VerifierLog, "func#0 @0\n")))
		qt.Assert(t, qt.StringContains(prog.VerifierLog, fmt.Sprintf("processed %d insns", n)))
	})

	t.Run("invalid", func(t *testing.T) {
		_, err := NewProgramWithOptions(hugeSpec(n, false), ProgramOptions{LogLevel: LogLevelInstruction})
		ve, ok := err.(*VerifierError)
		qt.Assert(t, qt.IsTrue(ok), qt.Commentf("%T: %v", err, err))
		qt.Assert(t, qt.IsFalse(ve.Truncated))
		qt.Assert(t, qt.ErrorIs(err, unix.EACCES))
		qt.Assert(t, qt.IsTrue(len(ve.Log) > n), qt.Commentf("%d lines", len(ve.Log)))
		qt.Assert(t, qt.Equals(ve.Log[0], "func#0 @0"))
		qt.Assert(t, qt.StringContains(err.Error(), "R7 !read_ok"))
	})

	t.Run("invalid, default options", func(t *testing.T) {
		// The log of the retry after the failed first attempt outgrows
		// the default buffer too.
		_, err := NewProgram(hugeSpec(n, false))
		ve, ok := err.(*VerifierError)
		qt.Assert(t, qt.IsTrue(ok), qt.Commentf("%T: %v", err, err))
		qt.Assert(t, qt.IsFalse(ve.Truncated))
		qt.Assert(t, qt.ErrorIs(err, unix.EACCES))
		size := 0
		for _, line := range ve.Log {
			size += len(line) + 1
		}
		qt.Assert(t, qt.IsTrue(size > DefaultVerifierLogSize), qt.Commentf("%d bytes of log", size))
		qt.Assert(t, qt.Equals(ve.Log[0], "0: R1=ctx() R10=fp0"))
		qt.Assert(t, qt.StringContains(ve.Log[1], "0: (b7) r0 = 0"))
		qt.Assert(t, qt.StringContains(ve.Log[len(ve.Log)-2], "R7 !read_ok"))
		qt.Assert(t, qt.StringContains(ve.Log[len(ve.Log)-1], "processed 4095 insns"))
	})

	t.Run("capped", func(t *testing.T) {
		_, err := NewProgramWithOptions(hugeSpec(n, false), ProgramOptions{LogLevel: LogLevelInstruction, LogSize: DefaultVerifierLogSize})
		var ve *VerifierError
		qt.Assert(t, qt.ErrorAs(err, &ve))
		qt.Assert(t, qt.IsTrue(ve.Truncated))
	})
}

func TestProgramInvalid(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	for _, tc := range []struct {
		name  string
		insns asm.Instructions
		errno error
		words string
	}{
		{
			"out of bounds stack read",
			asm.Instructions{
				asm.LoadMem(asm.R0, asm.RFP, 8, asm.DWord),
				asm.Return(),
			},
			unix.EACCES,
			"invalid read from stack",
		},
		{
			"out of bounds context read",
			asm.Instructions{
				asm.LoadMem(asm.R0, asm.R1, 4096, asm.Word),
				asm.Return(),
			},
			unix.EACCES,
			"invalid bpf_context access",
		},
		{
			"unreachable instruction",
			asm.Instructions{
				asm.Mov.Imm(asm.R0, 0),
				asm.Return(),
				asm.Mov.Imm(asm.R0, 1),
				asm.Return(),
			},
			unix.EINVAL,
			"unreachable insn 2",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewProgram(&ProgramSpec{Type: SocketFilter, Instructions: tc.insns, License: "MIT"})
			ve, ok := err.(*VerifierError)
			qt.Assert(t, qt.IsTrue(ok), qt.Commentf("%T: %v", err, err))
			qt.Assert(t, qt.ErrorIs(err, tc.errno))
			qt.Assert(t, qt.IsFalse(ve.Truncated))
			qt.Assert(t, qt.StringContains(fmt.Sprintf("%+v", err), tc.words))
			qt.Assert(t, qt.StringContains(err.Error(), tc.words))
		})
	}
}

func TestProgramSpecErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec *ProgramSpec
		opts ProgramOptions
		err  string
	}{
		{"nil", nil, ProgramOptions{}, "can't load a program from a nil spec"},
		{"empty", &ProgramSpec{Type: SocketFilter}, ProgramOptions{}, "instructions cannot be empty"},
		{"unspecified", &ProgramSpec{Instructions: socketFilterSpec(0).Instructions}, ProgramOptions{}, "can't load program of unspecified type"},
		{"log size", socketFilterSpec(0), ProgramOptions{LogSize: -1}, "ProgramOptions.LogSize must be a positive value.*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewProgramWithOptions(tc.spec, tc.opts)
			qt.Assert(t, qt.ErrorMatches(err, tc.err))
		})
	}
}

func TestProgramForeignByteOrder(t *testing.T) {
	spec := socketFilterSpec(0)
	spec.ByteOrder = foreignEndian()
	_, err := NewProgram(spec)
	qt.Assert(t, qt.ErrorMatches(err, `can't load .* program on .*`))
}

func foreignEndian() binary.ByteOrder {
	if internal.NativeEndian == binary.LittleEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

func TestProgramUnsatisfiedMapReference(t *testing.T) {
	spec := &ProgramSpec{
		Type: SocketFilter,
		Instructions: asm.Instructions{
			asm.LoadMapPtr(asm.R1, 0).WithReference("my_map"),
			asm.Mov.Imm(asm.R0, 0),
			asm.Return(),
		},
		License: "MIT",
	}
	_, err := NewProgram(spec)
	qt.Assert(t, qt.ErrorIs(err, asm.ErrUnsatisfiedMapReference))
	qt.Assert(t, qt.ErrorMatches(err, `cannot load program without loading its whole collection: instruction 0: map my_map: unsatisfied map reference`))
}

func TestProgramUnsatisfiedProgramReference(t *testing.T) {
	spec := &ProgramSpec{
		Type: SocketFilter,
		Instructions: asm.Instructions{
			asm.Call.Label("missing"),
			asm.Return(),
		},
		License: "MIT",
	}
	_, err := NewProgram(spec)
	qt.Assert(t, qt.ErrorIs(err, asm.ErrUnsatisfiedProgramReference))
}

func TestProgramDoesNotModifySpec(t *testing.T) {
	testutils.RequirePrivileges(t)

	spec := &ProgramSpec{
		Type: SocketFilter,
		Instructions: asm.Instructions{
			asm.Call.Label("fn"),
			asm.Return(),
			asm.Mov.Imm(asm.R0, 3).WithSymbol("fn"),
			asm.Return(),
		},
		License: "MIT",
	}
	cpy := spec.Copy()
	prog := mustNewProgram(t, spec, nil)
	qt.Assert(t, qt.Equals(fmt.Sprint(spec.Instructions), fmt.Sprint(cpy.Instructions)))

	ret, _, err := prog.Test(make([]byte, 14))
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 3))
}

func TestProgramName(t *testing.T) {
	testutils.RequirePrivileges(t)
	if haveObjName() != nil {
		t.Skip("kernel without object names")
	}

	spec := socketFilterSpec(0)
	spec.Name = "a_rather_long_program_name"
	prog := mustNewProgram(t, spec, nil)

	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(info.Name, "a_rather_long_p"))
	qt.Assert(t, qt.Equals(prog.String(), fmt.Sprintf("SocketFilter(a_rather_long_program_name)#%d", prog.FD())))

	spec.Name = ""
	prog = mustNewProgram(t, spec, nil)
	qt.Assert(t, qt.Equals(prog.String(), fmt.Sprintf("SocketFilter(%d)", prog.FD())))
}

func TestProgramInvalidName(t *testing.T) {
	testutils.RequirePrivileges(t)
	if haveObjName() != nil {
		t.Skip("kernel without object names")
	}

	spec := socketFilterSpec(0)
	spec.Name = "bad-name"
	_, err := NewProgram(spec)
	qt.Assert(t, qt.ErrorIs(err, unix.EINVAL))
	qt.Assert(t, qt.StringContains(err.Error(), "SanitizeName"))

	spec.Name = SanitizeName(spec.Name, '_')
	mustNewProgram(t, spec, nil)
}

func TestSanitizeName(t *testing.T) {
	for input, want := range map[string]string{
		"test":     "test",
		"t-est":    "test",
		"t_est":    "t_est",
		"hörnchen": "hrnchen",
		"a b":      "ab",
	} {
		qt.Assert(t, qt.Equals(SanitizeName(input, -1), want), qt.Commentf("input %q", input))
	}
	qt.Assert(t, qt.Equals(SanitizeName("t-est", '_'), "t_est"))
}

func TestInvalidBPFObjNameChar(t *testing.T) {
	qt.Assert(t, qt.IsTrue(invalidBPFObjNameChar('-')))
	qt.Assert(t, qt.IsTrue(invalidBPFObjNameChar(' ')))
	qt.Assert(t, qt.IsFalse(invalidBPFObjNameChar('a')))
	qt.Assert(t, qt.IsFalse(invalidBPFObjNameChar('_')))
	// Only a kernel that refuses dots makes them invalid; an inconclusive
	// probe keeps them.
	qt.Assert(t, qt.Equals(invalidBPFObjNameChar('.'), errors.Is(objNameAllowsDot(), ErrNotSupported)))
}

func TestProgramCloneNil(t *testing.T) {
	p, err := (*Program)(nil).Clone()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(p))
}

func TestProgramClone(t *testing.T) {
	testutils.RequirePrivileges(t)

	prog := mustNewProgram(t, socketFilterSpec(0), &ProgramOptions{LogLevel: LogLevelBranch})
	path := filepath.Join(testutils.TempBPFFS(t), "prog")
	qt.Assert(t, qt.IsNil(prog.Pin(path)))

	clone, err := prog.Clone()
	qt.Assert(t, qt.IsNil(err))
	defer clone.Close()

	qt.Assert(t, qt.Not(qt.Equals(clone.FD(), prog.FD())))
	qt.Assert(t, qt.Equals(clone.VerifierLog, prog.VerifierLog))
	qt.Assert(t, qt.IsFalse(clone.IsPinned()))
	qt.Assert(t, qt.Equals(clone.String()[:len("SocketFilter(test)")], "SocketFilter(test)"))
}

func TestNewProgramFromFD(t *testing.T) {
	testutils.RequirePrivileges(t)

	prog := mustNewProgram(t, socketFilterSpec(0), nil)
	// NewProgramFromFD takes ownership of the raw descriptor.
	raw, err := unix.FcntlInt(uintptr(prog.FD()), unix.F_DUPFD_CLOEXEC, 1)
	qt.Assert(t, qt.IsNil(err))
	other, err := NewProgramFromFD(raw)
	qt.Assert(t, qt.IsNil(err))
	defer other.Close()

	qt.Assert(t, qt.Equals(other.Type(), SocketFilter))
	if haveObjName() == nil {
		qt.Assert(t, qt.Equals(other.name, "test"))
	}

	_, err = NewProgramFromFD(-1)
	qt.Assert(t, qt.IsNotNil(err))
}

func TestProgramGetNextID(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "4.13", "bpf_prog_get_next_id")

	mustNewProgram(t, socketFilterSpec(0), nil)

	var last ProgramID
	var err error
	for i := 0; ; i++ {
		var next ProgramID
		next, err = ProgramGetNextID(last)
		if err != nil {
			break
		}
		qt.Assert(t, qt.IsTrue(next > last), qt.Commentf("id %d after %d", next, last))
		last = next
		qt.Assert(t, qt.IsTrue(i < 100_000))
	}
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
	qt.Assert(t, qt.Not(qt.Equals(last, 0)))
}

func TestNewProgramFromID(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "4.13", "bpf_prog_get_fd_by_id")

	prog := mustNewProgram(t, socketFilterSpec(0), nil)
	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))
	id, ok := info.ID()
	qt.Assert(t, qt.IsTrue(ok))

	byID, err := NewProgramFromID(id)
	qt.Assert(t, qt.IsNil(err))
	defer byID.Close()
	qt.Assert(t, qt.Equals(byID.Type(), SocketFilter))

	_, err = NewProgramFromID(ProgramID(math.MaxUint32))
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
	qt.Assert(t, qt.ErrorMatches(err, `get program by id 4294967295: .*`))
}

func TestProgramSpecTag(t *testing.T) {
	testutils.RequirePrivileges(t)

	m := newRawMap(t)
	spec := mapLookupSpec(t, m)

	tag, err := spec.Tag()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(tag, 16))

	prog := mustNewProgram(t, spec, nil)
	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(info.Tag, tag))

	// The map's fd does not matter.
	other := mapLookupSpec(t, newRawMap(t))
	otherTag, err := other.Tag()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(otherTag, tag))
}

func TestProgramTagDigest(t *testing.T) {
	testutils.RequirePrivileges(t)

	newHash, err := probeTagHash()
	qt.Assert(t, qt.IsNil(err))

	// SHA-1 before 6.18, SHA-256 since.
	sha256Kernel := !testutils.IsKernelLessThan(t, "6.18")
	qt.Assert(t, qt.Equals(newHash().Size() == 32, sha256Kernel))

	// asm.Instructions.Tag is the SHA-1 form.
	insns := socketFilterSpec(1).Instructions
	asmTag, err := insns.Tag(internal.NativeEndian)
	qt.Assert(t, qt.IsNil(err))
	sha1Tag, err := instructionsTag(insns, internal.NativeEndian, tagHashes[0].new())
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(sha1Tag, asmTag))
}

func TestProgramSpecKernelModule(t *testing.T) {
	for _, tc := range []struct {
		spec ProgramSpec
		want string
	}{
		{ProgramSpec{Type: Kprobe}, ""},
		{ProgramSpec{Type: Kprobe, AttachTo: "bpf_prog_load"}, ""},
		{ProgramSpec{Type: Tracing, AttachType: AttachTraceFEntry, AttachTo: "bpf_prog_load"}, ""},
		{ProgramSpec{Type: XDP, AttachTo: "whatever"}, ""},
		{ProgramSpec{Type: Tracing, AttachType: AttachTraceRawTp, AttachTo: "whatever"}, ""},
	} {
		mod, err := tc.spec.KernelModule()
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			t.Skip("no /proc/kallsyms")
		}
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(mod, tc.want))
	}
}

func TestProgramFromELF(t *testing.T) {
	testutils.RequirePrivileges(t)

	insns := readELFFunction(t, testutils.NativeFile(t, "testdata/run-%s.elf"), "socket_seven")
	prog := mustNewProgram(t, &ProgramSpec{
		Name:         "socket_seven",
		Type:         SocketFilter,
		Instructions: insns,
		License:      "Dual MIT/GPL",
	}, nil)

	ret, _, err := prog.Test(make([]byte, 64))
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 7))
}

// readELFFunction decodes the instructions of a function symbol that needs
// no relocation.
func readELFFunction(tb testing.TB, file, name string) asm.Instructions {
	tb.Helper()
	f, err := elf.Open(file)
	qt.Assert(tb, qt.IsNil(err))
	defer f.Close()

	syms, err := f.Symbols()
	qt.Assert(tb, qt.IsNil(err))
	for _, sym := range syms {
		if sym.Name != name || elf.ST_TYPE(sym.Info) != elf.STT_FUNC {
			continue
		}
		data, err := f.Sections[sym.Section].Data()
		qt.Assert(tb, qt.IsNil(err))
		var insns asm.Instructions
		err = insns.Unmarshal(bytes.NewReader(data[sym.Value:sym.Value+sym.Size]), f.ByteOrder)
		qt.Assert(tb, qt.IsNil(err))
		return insns
	}
	tb.Fatalf("no function %s in %s", name, file)
	return nil
}

func TestProgramFailedLoadsDoNotLeak(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	for i := 0; i < 20; i++ {
		_, err := NewProgram(hugeSpec(64, false))
		qt.Assert(t, qt.IsNotNil(err))
		_, err = NewProgramWithOptions(hugeSpec(64, false), ProgramOptions{LogSize: 64})
		qt.Assert(t, qt.IsNotNil(err))
	}
}

func TestProgramProbes(t *testing.T) {
	testutils.RequirePrivileges(t)

	for name, probe := range map[string]func() error{
		"haveObjName":           haveObjName,
		"objNameAllowsDot":      objNameAllowsDot,
		"haveProbeReadKernel":   haveProbeReadKernel,
		"haveBPFToBPFCalls":     haveBPFToBPFCalls,
		"haveProgramExtInfos":   haveProgramExtInfos,
		"haveProgRun":           haveProgRun,
		"haveProgramInfoMapIDs": haveProgramInfoMapIDs,
	} {
		t.Run(name, func(t *testing.T) {
			testutils.CheckFeatureTest(t, probe)
		})
	}
}

func TestFixupProbeRead(t *testing.T) {
	// Which helper is used depends on a probe that loads a program.
	testutils.RequirePrivileges(t)

	for _, fn := range []asm.BuiltinFunc{asm.FnProbeReadKernel, asm.FnProbeReadUser, asm.FnProbeReadKernelStr, asm.FnProbeReadUserStr, asm.FnMapLookupElem} {
		ins := fn.Call()
		qt.Assert(t, qt.IsNil(fixupProbeRead(&ins)))
		if haveProbeReadKernel() == nil || fn == asm.FnMapLookupElem {
			qt.Assert(t, qt.Equals(asm.BuiltinFunc(ins.Constant), fn))
			continue
		}
		want := asm.FnProbeRead
		if strings.HasSuffix(fn.String(), "Str") {
			want = asm.FnProbeReadStr
		}
		qt.Assert(t, qt.Equals(asm.BuiltinFunc(ins.Constant), want))
	}
}
