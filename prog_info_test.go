package ebpf

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/testutils"
)

func TestProgramInfo(t *testing.T) {
	testutils.RequirePrivileges(t)

	spec := socketFilterSpec(0)
	prog := mustNewProgram(t, spec, nil)
	tag, err := spec.Tag()
	qt.Assert(t, qt.IsNil(err))

	for name, fn := range map[string]func() (*ProgramInfo, error){
		"syscall": prog.Info,
		"fdinfo":  func() (*ProgramInfo, error) { return newProgramInfoFromProc(prog.fd) },
	} {
		t.Run(name, func(t *testing.T) {
			info, err := fn()
			testutils.SkipIfNotSupported(t, err)
			qt.Assert(t, qt.IsNil(err))

			qt.Assert(t, qt.Equals(info.Type, SocketFilter))
			qt.Assert(t, qt.Equals(info.Tag, tag))
			qt.Assert(t, qt.HasLen(info.Tag, 16))

			id, ok := info.ID()
			uid, haveUID := info.CreatedByUID()
			if name == "syscall" {
				qt.Assert(t, qt.IsTrue(ok))
				qt.Assert(t, qt.Not(qt.Equals(id, 0)))
				if haveObjName() == nil {
					qt.Assert(t, qt.Equals(info.Name, "test"))
				}
				if !testutils.IsKernelLessThan(t, "4.15") {
					qt.Assert(t, qt.IsTrue(haveUID))
					qt.Assert(t, qt.Equals(uid, uint32(os.Getuid())))
				}
			} else {
				qt.Assert(t, qt.IsFalse(ok))
				qt.Assert(t, qt.IsFalse(haveUID))
				_, ok = info.RunCount()
				qt.Assert(t, qt.IsFalse(ok))
			}
		})
	}
}

// TestProgramInfoCanonicalTag pins the tag of the canonical socket filter,
// "r0 = 2 ll; exit", in both digests.
func TestProgramInfoCanonicalTag(t *testing.T) {
	insns := asm.Instructions{asm.LoadImm(asm.R0, 2, asm.DWord), asm.Return()}
	sha1Tag, err := instructionsTag(insns, internal.NativeEndian, tagHashes[0].new())
	qt.Assert(t, qt.IsNil(err))
	if internal.NativeEndian.String() == "LittleEndian" {
		qt.Assert(t, qt.Equals(sha1Tag, "d7edec644f05498d"))
	}

	testutils.RequirePrivileges(t)
	prog := mustNewProgram(t, &ProgramSpec{Type: SocketFilter, Instructions: insns, License: "MIT"}, nil)
	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))
	if testutils.IsKernelLessThan(t, "6.18") {
		qt.Assert(t, qt.Equals(info.Tag, sha1Tag))
	} else {
		sha256Tag, err := instructionsTag(insns, internal.NativeEndian, tagHashes[1].new())
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(info.Tag, sha256Tag))
		qt.Assert(t, qt.Not(qt.Equals(info.Tag, sha1Tag)))
	}
}

func TestProgramInfoMapIDs(t *testing.T) {
	testutils.RequirePrivileges(t)

	arr, err := NewMap(&MapSpec{Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	qt.Assert(t, qt.IsNil(err))
	defer arr.Close()

	prog := mustNewProgram(t, mapLookupSpec(t, arr), nil)
	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))

	ids, ok := info.MapIDs()
	if testutils.IsKernelLessThan(t, "4.15") {
		qt.Assert(t, qt.IsFalse(ok))
		return
	}
	qt.Assert(t, qt.IsTrue(ok))

	mapInfo, err := arr.Info()
	qt.Assert(t, qt.IsNil(err))
	mapID, ok := mapInfo.ID()
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.DeepEquals(ids, []MapID{mapID}))

	// Without maps the list is empty but available.
	plain := mustNewProgram(t, socketFilterSpec(0), nil)
	info, err = plain.Info()
	qt.Assert(t, qt.IsNil(err))
	ids, ok = info.MapIDs()
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.HasLen(ids, 0))
}

func TestProgramBindMap(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "5.10", "BPF_PROG_BIND_MAP")

	arr, err := NewMap(&MapSpec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	qt.Assert(t, qt.IsNil(err))
	defer arr.Close()

	prog := mustNewProgram(t, socketFilterSpec(0), nil)
	qt.Assert(t, qt.IsNil(prog.BindMap(arr)))

	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))
	ids, _ := info.MapIDs()
	qt.Assert(t, qt.HasLen(ids, 1))
}

func TestProgramInfoInstructions(t *testing.T) {
	testutils.RequirePrivileges(t)

	spec := socketFilterSpec(3)
	prog := mustNewProgram(t, spec, nil)
	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))

	insns, err := info.Instructions()
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(insns[0].Symbol(), "test"))

	tag, err := (&ProgramSpec{Instructions: insns}).Tag()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(tag, info.Tag))

	var empty ProgramInfo
	_, err = empty.Instructions()
	qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
}

func TestScanFdInfoReader(t *testing.T) {
	var typ ProgramType
	var tag string

	for _, tc := range []struct {
		name   string
		input  string
		fields map[string]interface{}
		err    error
	}{
		{"nil fields", "prog_type:\t1\n", nil, nil},
		{"present", "pos:\t0\nprog_type:\t5\nprog_tag:\tabcdef0123456789\n", map[string]interface{}{"prog_type": &typ, "prog_tag": &tag}, nil},
		{"missing", "prog_type:\t5\n", map[string]interface{}{"prog_type": &typ, "prog_tag": &tag}, errMissingFdInfoFields},
		{"unparsable", "prog_type:\tnot-a-number\n", map[string]interface{}{"prog_type": &typ}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := scanFdInfoReader(strings.NewReader(tc.input), tc.fields)
			switch tc.name {
			case "nil fields":
				qt.Assert(t, qt.IsNil(err))
			case "present":
				qt.Assert(t, qt.IsNil(err))
				qt.Assert(t, qt.Equals(typ, TracePoint))
				qt.Assert(t, qt.Equals(tag, "abcdef0123456789"))
			case "missing":
				qt.Assert(t, qt.ErrorIs(err, tc.err))
				qt.Assert(t, qt.ErrorMatches(err, `.*prog_tag`))
			case "unparsable":
				qt.Assert(t, qt.IsNotNil(err))
				qt.Assert(t, qt.IsFalse(errors.Is(err, errMissingFdInfoFields)))
			}
		})
	}
}

func TestProgramStats(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "5.8", "BPF_ENABLE_STATS")

	prog := mustNewProgram(t, socketFilterSpec(0), nil)

	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))
	runs, ok := info.RunCount()
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.Equals(runs, 0))
	runtime, ok := info.Runtime()
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.Equals(runtime, time.Duration(0)))

	stats, err := EnableStats(0)
	qt.Assert(t, qt.IsNil(err))
	_, _, err = prog.Benchmark(make([]byte, 14), 10, nil)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(stats.Close()))

	info, err = prog.Info()
	qt.Assert(t, qt.IsNil(err))
	runs, _ = info.RunCount()
	qt.Assert(t, qt.IsTrue(runs >= 10), qt.Commentf("run count %d", runs))
	runtime, _ = info.Runtime()
	qt.Assert(t, qt.IsTrue(runtime > 0))

	// Counting stops with the Closer.
	_, _, err = prog.Benchmark(make([]byte, 14), 10, nil)
	qt.Assert(t, qt.IsNil(err))
	info, err = prog.Info()
	qt.Assert(t, qt.IsNil(err))
	after, _ := info.RunCount()
	qt.Assert(t, qt.Equals(after, runs))

	_, err = EnableStats(42)
	qt.Assert(t, qt.IsNotNil(err))
}

func BenchmarkProgramInfo(b *testing.B) {
	testutils.RequirePrivileges(b)
	prog := mustNewProgram(b, socketFilterSpec(0), nil)

	b.ReportAllocs()
	for b.Loop() {
		if _, err := prog.Info(); err != nil {
			b.Fatal(err)
		}
	}
}
