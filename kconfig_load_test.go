package ebpf

import (
	"bytes"
	"debug/elf"
	"errors"
	"strconv"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/kallsyms"
	"github.com/bpfcore/ebpf/internal/kconfig"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// kernelConfig returns the running kernel's value of the named options,
// skipping the test if there is no kernel config file.
func kernelConfig(tb testing.TB, names ...string) map[string]string {
	tb.Helper()
	f, err := kconfig.Find()
	if err != nil {
		tb.Skip("no kernel config:", err)
	}
	defer f.Close()

	filter := make(map[string]struct{})
	for _, name := range names {
		filter[name] = struct{}{}
	}
	config, err := kconfig.Parse(f, filter)
	qt.Assert(tb, qt.IsNil(err))
	return config
}

func TestKconfigKernelVersion(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	coll := mustNewCollection(t, loadTestdataSpec(t, "kconfig"), nil)
	version, err := internal.KernelVersion()
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.Equals(testRun(t, coll.Programs["kernel_version"]), version.Kernel()))
}

func TestKconfigSyscallWrapper(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	want := uint32(1)
	if err := haveSyscallWrapper(); err != nil {
		testutils.SkipIfNotSupported(t, err)
		want = 0
	}
	coll := mustNewCollection(t, loadTestdataSpec(t, "kconfig"), nil)
	qt.Check(t, qt.Equals(testRun(t, coll.Programs["syscall_wrapper"]), want))
}

func TestHaveSyscallWrapper(t *testing.T) {
	testutils.CheckFeatureTest(t, haveSyscallWrapper)

	// The BTF answer, the one taken when /proc/kallsyms can't be read,
	// works on this kernel and agrees with kallsyms where that is readable.
	inBTF, err := kernelBTFHasFunction(internal.PlatformPrefix() + "sys_bpf")
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	if inKallsyms, err := kallsyms.HasSyscallWrapper(); err == nil {
		qt.Check(t, qt.Equals(inKallsyms, inBTF))
	} else {
		t.Log("kallsyms not compared:", err)
	}

	missing, err := kernelBTFHasFunction("no_such_function_in_the_kernel")
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.IsFalse(missing))
}

// TestBTFHasFunctionDuplicates looks functions up in BTF that describes
// one twice, as Debian 12's 6.1 does __x64_sys_bpf, and in BTF where the
// name is only a type.
func TestBTFHasFunctionDuplicates(t *testing.T) {
	proto := &btf.FuncProto{Return: &btf.Int{Name: "long", Size: 8, Encoding: btf.Signed}}
	spec := specFromTypes(t,
		&btf.Func{Name: "__x64_sys_bpf", Type: proto, Linkage: btf.GlobalFunc},
		&btf.Func{Name: "__x64_sys_bpf", Type: proto, Linkage: btf.StaticFunc},
		&btf.Typedef{Name: "not_a_function", Type: proto.Return},
	)

	found, err := btfHasFunction(spec, "__x64_sys_bpf")
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.IsTrue(found))

	found, err = btfHasFunction(spec, "not_a_function")
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.IsFalse(found))

	found, err = btfHasFunction(spec, "missing")
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.IsFalse(found))
}

// specFromTypes marshals types and parses them back into a Spec.
func specFromTypes(tb testing.TB, types ...btf.Type) *btf.Spec {
	tb.Helper()
	b, err := btf.NewBuilder(types)
	qt.Assert(tb, qt.IsNil(err))
	raw, err := b.Marshal(nil, nil)
	qt.Assert(tb, qt.IsNil(err))
	spec, err := btf.LoadSpecFromReader(bytes.NewReader(raw))
	qt.Assert(tb, qt.IsNil(err))
	return spec
}

func TestKconfigConfig(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	config := kernelConfig(t, "CONFIG_HZ")
	hz, err := strconv.ParseUint(config["CONFIG_HZ"], 10, 32)
	qt.Assert(t, qt.IsNil(err))

	coll := mustNewCollection(t, loadTestdataSpec(t, "kconfig_config"), nil)
	qt.Check(t, qt.Equals(testRun(t, coll.Programs["kconfig"]), 0))

	var value uint32
	qt.Assert(t, qt.IsNil(coll.Maps["array_map"].Lookup(uint32(0), &value)))
	qt.Check(t, qt.Equals(uint64(value), hz))
}

func TestKconfigTypes(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	config := kernelConfig(t, "CONFIG_BPF", "CONFIG_NET_CLS_BPF", "CONFIG_DEFAULT_HOSTNAME", "CONFIG_HZ")
	hz, err := strconv.ParseUint(config["CONFIG_HZ"], 10, 64)
	qt.Assert(t, qt.IsNil(err))
	tristate := map[string]uint64{"n": 0, "y": 1, "m": 2, "": 0}
	hostname, err := strconv.Unquote(config["CONFIG_DEFAULT_HOSTNAME"])
	qt.Assert(t, qt.IsNil(err))
	var hostBytes [8]byte
	copy(hostBytes[:], hostname)
	version, err := internal.KernelVersion()
	qt.Assert(t, qt.IsNil(err))

	coll := mustNewCollection(t, loadTestdataSpec(t, "kconfig_types"), nil)
	qt.Check(t, qt.Equals(testRun(t, coll.Programs["kconfig_types"]), 0))

	want := []uint64{
		uint64(version.Kernel()),
		tristate[config["CONFIG_BPF"]],
		tristate[config["CONFIG_NET_CLS_BPF"]],
		internal.NativeEndian.Uint64(hostBytes[:]),
		hz,
		0, // CONFIG_BOGUS_FOR_TESTING is __weak and missing.
	}
	for key, value := range want {
		var got uint64
		qt.Assert(t, qt.IsNil(coll.Maps["values"].Lookup(uint32(key), &got)))
		qt.Check(t, qt.Equals(got, value), qt.Commentf("values[%d]", key))
	}
}

// kconfigSpec is a .kconfig MapSpec of the given variables, laid out one
// after the other.
func kconfigSpec(vars ...*btf.Var) *MapSpec {
	ds := &btf.Datasec{Name: ".kconfig"}
	for _, v := range vars {
		size, err := btf.Sizeof(v.Type)
		if err != nil {
			panic(err)
		}
		ds.Vars = append(ds.Vars, btf.VarSecinfo{Type: v, Offset: ds.Size, Size: uint32(size)})
		ds.Size += uint32(size)
	}
	return &MapSpec{
		Name: ".kconfig", Type: Array, KeySize: 4, ValueSize: ds.Size, MaxEntries: 1,
		Flags: mapFlagRdonlyProg, Freeze: true, Key: &btf.Int{Size: 4}, Value: ds,
	}
}

func TestResolveKconfig(t *testing.T) {
	u32 := &btf.Int{Size: 4}
	bogus := &btf.Var{Name: "CONFIG_BOGUS_FOR_TESTING", Type: u32}
	version := &btf.Var{Name: "LINUX_KERNEL_VERSION", Type: &btf.Typedef{Name: "__u32", Type: u32}}

	// A missing option only fails a program that needs it.
	spec := kconfigSpec(version, bogus)
	if _, err := kconfig.Find(); err != nil {
		t.Skip("no kernel config:", err)
	}
	qt.Check(t, qt.ErrorMatches(resolveKconfig(spec.Copy(), map[uint32]bool{4: false}),
		`config option "CONFIG_BOGUS_FOR_TESTING" does not exists for this kernel`))
	qt.Check(t, qt.IsNil(resolveKconfig(spec.Copy(), map[uint32]bool{4: true})), qt.Commentf("weak"))
	qt.Check(t, qt.IsNil(resolveKconfig(spec.Copy(), map[uint32]bool{0: false})), qt.Commentf("not read"))

	cpy := spec.Copy()
	qt.Assert(t, qt.IsNil(resolveKconfig(cpy, nil)))
	kv, err := internal.KernelVersion()
	qt.Assert(t, qt.IsNil(err))
	data := cpy.Contents[0].Value.([]byte)
	qt.Check(t, qt.Equals(internal.NativeEndian.Uint32(data), kv.Kernel()))
	qt.Check(t, qt.IsNil(spec.Contents), qt.Commentf("the original spec is not changed"))
}

func TestResolveKconfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec *MapSpec
		err  string
	}{
		{"kernel version not 4 bytes", kconfigSpec(&btf.Var{Name: "LINUX_KERNEL_VERSION", Type: &btf.Int{Size: 8}}),
			"variable LINUX_KERNEL_VERSION: must be a 32 bits integer, got .*"},
		{"syscall wrapper not an int", kconfigSpec(&btf.Var{Name: "LINUX_HAS_SYSCALL_WRAPPER", Type: &btf.Pointer{Target: &btf.Void{}}}),
			"variable LINUX_HAS_SYSCALL_WRAPPER: must be an integer, got .*"},
		{"variable too small", func() *MapSpec {
			spec := kconfigSpec(&btf.Var{Name: "LINUX_KERNEL_VERSION", Type: &btf.Int{Size: 4}})
			spec.Value.(*btf.Datasec).Vars[0].Size = 2
			return spec
		}(), "variable LINUX_KERNEL_VERSION: 2 bytes in .kconfig, but its type has 4"},
		{"out of bounds", func() *MapSpec {
			spec := kconfigSpec(&btf.Var{Name: "LINUX_KERNEL_VERSION", Type: &btf.Int{Size: 4}})
			spec.Value.(*btf.Datasec).Vars[0].Offset = 2
			return spec
		}(), "variable LINUX_KERNEL_VERSION: offset 2 \\(\\+4\\) is out of bounds"},
		{"not a datasec", &MapSpec{Value: &btf.Int{Size: 4}}, "value type: expected \\*btf.Datasec, got \\*btf.Int"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			qt.Check(t, qt.ErrorMatches(resolveKconfig(tc.spec, nil), tc.err))
		})
	}
}

func TestResolveKconfigReferences(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	spec := kconfigSpec(&btf.Var{Name: "LINUX_KERNEL_VERSION", Type: &btf.Int{Size: 4}})
	load := func(spec *MapSpec, binding elf.SymBind) asm.Instruction {
		ins := asm.LoadMapValue(asm.R1, 0, 0)
		ins.Metadata.Set(kconfigMetaKey{}, &kconfigMeta{Map: spec, Offset: 0, Binding: binding})
		return ins
	}

	// No kconfig reads: no map.
	m, err := resolveKconfigReferences(asm.Instructions{asm.Return()})
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.IsNil(m))

	insns := asm.Instructions{load(spec, elf.STB_GLOBAL), load(spec, elf.STB_GLOBAL), asm.Return()}
	m, err = resolveKconfigReferences(insns)
	qt.Assert(t, qt.IsNil(err))
	defer m.Close()
	for _, ins := range insns[:2] {
		qt.Check(t, qt.Equals(ins.Map(), asm.FDer(m)))
		qt.Check(t, qt.IsNil(ins.Metadata.Get(kconfigMetaKey{})))
	}
	var value uint32
	qt.Assert(t, qt.IsNil(m.Lookup(uint32(0), &value)))
	kv, err := internal.KernelVersion()
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.Equals(value, kv.Kernel()))
	qt.Check(t, qt.IsNotNil(m.Put(uint32(0), uint32(0))), qt.Commentf("frozen"))

	other := spec.Copy()
	_, err = resolveKconfigReferences(asm.Instructions{load(spec, elf.STB_GLOBAL), load(other, elf.STB_GLOBAL)})
	qt.Check(t, qt.ErrorMatches(err, "reference to multiple .kconfig maps is not allowed"))
}

// BenchmarkSyscallWrapperProbe is the first LINUX_HAS_SYSCALL_WRAPPER of a
// process. "cold" reads the kernel's symbols for it; "with kprobe" is what
// programs on syscalls, which use the variable, normally pay: the module
// lookup of a kprobe followed by the probe, together; "warm" finds the
// symbols read already.
func BenchmarkSyscallWrapperProbe(b *testing.B) {
	probe := func(b *testing.B) {
		if err := probeSyscallWrapper(); err != nil && !errors.Is(err, ErrNotSupported) {
			b.Skip(err)
		}
	}

	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			kallsyms.FlushKernelModuleCache()
			probe(b)
		}
	})
	b.Run("with kprobe", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			kallsyms.FlushKernelModuleCache()
			if _, err := kallsyms.KernelModule("bpf_prog_load"); err != nil {
				b.Skip(err)
			}
			probe(b)
		}
	})
	b.Run("warm", func(b *testing.B) {
		probe(b)
		b.ReportAllocs()
		for b.Loop() {
			probe(b)
		}
	})
}

// BenchmarkResolveKconfig fills .kconfig as every program load that reads
// it does, with the special variables only and with a CONFIG_ option too.
func BenchmarkResolveKconfig(b *testing.B) {
	u32 := &btf.Int{Size: 4}
	version := &btf.Var{Name: "LINUX_KERNEL_VERSION", Type: u32}
	wrapper := &btf.Var{Name: "LINUX_HAS_SYSCALL_WRAPPER", Type: u32}
	bpf := &btf.Var{Name: "CONFIG_BPF", Type: &btf.Enum{Name: "libbpf_tristate", Size: 4, Values: []btf.EnumValue{
		{Name: "TRI_NO", Value: 0}, {Name: "TRI_YES", Value: 1}, {Name: "TRI_MODULE", Value: 2},
	}}}

	for _, tc := range []struct {
		name string
		spec *MapSpec
	}{
		{"special", kconfigSpec(version, wrapper)},
		{"config", kconfigSpec(version, wrapper, bpf)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if err := resolveKconfig(tc.spec.Copy(), nil); err != nil {
				b.Skip(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := resolveKconfig(tc.spec.Copy(), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
