package btf

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/testutils"
)

func requireKernelBTF(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(vmlinuxPath); err != nil {
		tb.Skip("kernel has no BTF:", err)
	}
}

// bpftoolTypes returns, for each type that bpftool lists in the raw dump of
// a BTF file, its ID, kind and the rest of the line. It skips the test if
// bpftool is not installed, or fails it in strict mode.
func bpftoolTypes(tb testing.TB, file string) map[string][]bpftoolType {
	tb.Helper()
	path := testutils.RequireTool(tb, "bpftool")
	out, err := exec.Command(path, "btf", "dump", "file", file).Output()
	qt.Assert(tb, qt.IsNil(err))

	line := regexp.MustCompile(`^\[(\d+)\] (\w+) '([^']*)'(.*)$`)
	types := make(map[string][]bpftoolType)
	count := 0
	scanner := bufio.NewScanner(bytes.NewReader(out))
	scanner.Buffer(nil, 1<<20)
	for scanner.Scan() {
		m := line.FindStringSubmatch(scanner.Text())
		if m == nil {
			continue
		}
		count++
		id, err := strconv.Atoi(m[1])
		qt.Assert(tb, qt.IsNil(err))
		types[m[3]] = append(types[m[3]], bpftoolType{TypeID(id), m[2], m[4]})
	}
	qt.Assert(tb, qt.IsNil(scanner.Err()))
	types[""] = append(types[""], bpftoolType{TypeID(count), "count", ""})
	return types
}

type bpftoolType struct {
	id   TypeID
	kind string
	rest string
}

func (bt bpftoolType) attr(tb testing.TB, name string) int {
	tb.Helper()
	m := regexp.MustCompile(` ` + name + `=(\d+)`).FindStringSubmatch(bt.rest)
	qt.Assert(tb, qt.IsNotNil(m), qt.Commentf("%s in %q", name, bt.rest))
	n, err := strconv.Atoi(m[1])
	qt.Assert(tb, qt.IsNil(err))
	return n
}

// countRawTypes counts the types of a raw BTF blob by walking its headers,
// independently of the parser.
func countRawTypes(tb testing.TB, raw []byte) int {
	tb.Helper()
	bo := guessRawBTFByteOrder(raw)
	qt.Assert(tb, qt.IsNotNil(bo))
	hdrLen := bo.Uint32(raw[4:])
	typeOff, typeLen := bo.Uint32(raw[8:]), bo.Uint32(raw[12:])
	types := raw[hdrLen+typeOff : hdrLen+typeOff+typeLen]

	n := 0
	for off := 0; off < len(types); n++ {
		info := bo.Uint32(types[off+4:])
		kind, vlen := btfKind(info>>24&0x1f), int(info&0xffff)
		off += 12
		switch kind {
		case kindInt, kindVar, kindDeclTag:
			off += 4
		case kindArray:
			off += 12
		case kindStruct, kindUnion, kindEnum64, kindDatasec:
			off += 12 * vlen
		case kindEnum, kindFuncProto:
			off += 8 * vlen
		}
	}
	return n
}

func TestLoadKernelSpec(t *testing.T) {
	requireKernelBTF(t)

	spec, err := LoadKernelSpec()
	qt.Assert(t, qt.IsNil(err))

	raw, err := os.ReadFile(vmlinuxPath)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(int(spec.raw.lastID()), countRawTypes(t, raw)))

	// Each call returns a copy.
	other, err := LoadKernelSpec()
	qt.Assert(t, qt.IsNil(err))
	a, err := spec.AnyTypeByName("task_struct")
	qt.Assert(t, qt.IsNil(err))
	b, err := other.AnyTypeByName("task_struct")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Not(qt.Equals(a, b)))

	FlushKernelSpec()
	_, err = LoadKernelSpec()
	qt.Assert(t, qt.IsNil(err))
}

func TestKernelSpecMatchesBpftool(t *testing.T) {
	requireKernelBTF(t)
	want := bpftoolTypes(t, vmlinuxPath)

	spec, err := LoadSpec(vmlinuxPath)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(spec.raw.lastID(), want[""][0].id), qt.Commentf("number of types"))

	for _, name := range []string{"task_struct", "sk_buff"} {
		var s *Struct
		qt.Assert(t, qt.IsNil(spec.TypeByName(name, &s)))
		bt := want[name]
		qt.Assert(t, qt.HasLen(bt, 1))
		qt.Check(t, qt.Equals(int(s.Size), bt[0].attr(t, "size")), qt.Commentf("size of %s", name))
		qt.Check(t, qt.Equals(len(s.Members), bt[0].attr(t, "vlen")), qt.Commentf("members of %s", name))
		id, err := spec.TypeID(s)
		qt.Assert(t, qt.IsNil(err))
		qt.Check(t, qt.Equals(id, bt[0].id))
	}

	var progType *Enum
	qt.Assert(t, qt.IsNil(spec.TypeByName("bpf_prog_type", &progType)))
	bt := want["bpf_prog_type"][0]
	qt.Check(t, qt.Equals(int(progType.Size), bt.attr(t, "size")))
	qt.Check(t, qt.Equals(len(progType.Values), bt.attr(t, "vlen")))
	qt.Check(t, qt.Equals(progType.Values[0], EnumValue{"BPF_PROG_TYPE_UNSPEC", 0}))
}

func TestKernelTaskStruct(t *testing.T) {
	requireKernelBTF(t)
	spec, err := LoadSpec(vmlinuxPath)
	qt.Assert(t, qt.IsNil(err))

	var task *Struct
	qt.Assert(t, qt.IsNil(spec.TypeByName("task_struct", &task)))
	members := make(map[string]Member)
	for _, m := range task.Members {
		members[m.Name] = m
	}
	pid, ok := members["pid"]
	qt.Assert(t, qt.IsTrue(ok))
	size, err := Sizeof(pid.Type)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(size, 4))
	qt.Assert(t, qt.Equals(UnderlyingType(pid.Type).(*Int).Encoding, Signed))

	comm, ok := members["comm"]
	qt.Assert(t, qt.IsTrue(ok))
	arr, ok := As[*Array](comm.Type)
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.Equals(arr.Nelems, 16))

	size, err = Sizeof(task)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(size, int(task.Size)))
}

func TestLoadKernelModuleSpec(t *testing.T) {
	requireKernelBTF(t)

	entries, err := os.ReadDir("/sys/kernel/btf")
	qt.Assert(t, qt.IsNil(err))
	var module string
	for _, e := range entries {
		if e.Name() != "vmlinux" {
			module = e.Name()
			break
		}
	}

	_, err = LoadKernelModuleSpec("definitely_not_a_module")
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
	_, err = LoadKernelModuleSpec("../vmlinux")
	qt.Assert(t, qt.IsNotNil(err))
	_, err = LoadKernelModuleSpec("foo.ko")
	qt.Assert(t, qt.IsNotNil(err))

	if module == "" {
		t.Skip("no kernel module with BTF is loaded")
	}

	spec, err := LoadKernelModuleSpec(module)
	qt.Assert(t, qt.IsNil(err))
	n := 0
	for iter := spec.Iterate(); iter.Next(); n++ {
	}
	qt.Assert(t, qt.Not(qt.Equals(n, 0)))
	qt.Assert(t, qt.Equals(spec.firstTypeID(), TypeID(countRawTypes(t, mustReadFile(t, vmlinuxPath)))+1))
}

func mustReadFile(tb testing.TB, file string) []byte {
	tb.Helper()
	raw, err := os.ReadFile(file)
	qt.Assert(tb, qt.IsNil(err))
	return raw
}

// TestFindVMLinuxLocations puts an ELF with BTF at one of the locations
// findVMLinux searches, named after the running kernel's release, behind a
// location where nothing exists: it must be found and parsed.
func TestFindVMLinuxLocations(t *testing.T) {
	release, err := internal.KernelRelease()
	qt.Assert(t, qt.IsNil(err))
	dir := t.TempDir()
	qt.Assert(t, qt.IsNil(os.WriteFile(filepath.Join(dir, "vmlinux-"+release), mustReadFile(t, "testdata/relocs-el.elf"), 0o644)))

	saved := vmlinuxLocations
	t.Cleanup(func() { vmlinuxLocations = saved })

	vmlinuxLocations = []string{filepath.Join(dir, "missing/vmlinux-%[1]s"), filepath.Join(dir, "vmlinux-%[1]s")}
	file, err := findVMLinux()
	qt.Assert(t, qt.IsNil(err))
	defer file.Close()
	qt.Assert(t, qt.Equals(file.Name(), filepath.Join(dir, "vmlinux-"+release)))
	spec, err := LoadSpecFromReader(file)
	qt.Assert(t, qt.IsNil(err))
	var s *Struct
	qt.Assert(t, qt.IsNil(spec.TypeByName("s", &s)))

	vmlinuxLocations = vmlinuxLocations[:1]
	_, err = findVMLinux()
	qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
	qt.Assert(t, qt.ErrorMatches(err, ".*"+regexp.QuoteMeta(release)+".*"))
}

func TestFindVMLinux(t *testing.T) {
	file, err := findVMLinux()
	if err != nil {
		qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
		t.Skip("no vmlinux file on disk:", err)
	}
	defer file.Close()

	spec, err := LoadSpecFromReader(file)
	qt.Assert(t, qt.IsNil(err))
	_, err = spec.AnyTypeByName("task_struct")
	qt.Assert(t, qt.IsNil(err))
}

// TestMappedSpecOutlived checks that types decoded from a memory-mapped blob
// don't refer into the mapping, which goes away with the Spec.
func TestMappedSpecOutlived(t *testing.T) {
	requireKernelBTF(t)

	fh, err := os.Open(vmlinuxPath)
	qt.Assert(t, qt.IsNil(err))
	spec, mapped, err := mapSysfsBTF(fh)
	fh.Close()
	qt.Assert(t, qt.IsNil(err))
	if !mapped {
		t.Skip("kernel BTF can't be mapped")
	}
	qt.Assert(t, qt.IsTrue(spec.raw.strings.mapped))

	typ, err := spec.AnyTypeByName("task_struct")
	qt.Assert(t, qt.IsNil(err))
	want := fmt.Sprintf("%v", typ.(*Struct).Members)

	spec = nil
	for range 5 {
		runtime.GC()
	}
	// Give the cleanup goroutine a chance to unmap.
	time.Sleep(10 * time.Millisecond)
	runtime.GC()

	qt.Assert(t, qt.Equals(typ.TypeName(), "task_struct"))
	qt.Assert(t, qt.Equals(fmt.Sprintf("%v", typ.(*Struct).Members), want))
}
