package ebpf

import (
	"bytes"
	"errors"
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

// returnZero is the body of every attach test program.
var returnZero = asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()}

// kernelTypeID looks name up in vmlinux BTF.
func kernelTypeID(tb testing.TB, name string, typ btf.Type) btf.TypeID {
	tb.Helper()
	spec, err := btf.LoadKernelSpec()
	testutils.SkipIfNotSupported(tb, err)
	qt.Assert(tb, qt.IsNil(err))
	qt.Assert(tb, qt.IsNil(spec.TypeByName(name, &typ)))
	id, err := spec.TypeID(typ)
	qt.Assert(tb, qt.IsNil(err))
	return id
}

func TestResolveAttachTarget(t *testing.T) {
	for _, tc := range []struct {
		typ      ProgramType
		attach   AttachType
		attachTo string
		btfName  string
		btfType  btf.Type
	}{
		{LSM, AttachLSMMac, "task_getpgid", "bpf_lsm_task_getpgid", (*btf.Func)(nil)},
		{Tracing, AttachTraceFEntry, "inet_dgram_connect", "inet_dgram_connect", (*btf.Func)(nil)},
		{Tracing, AttachTraceFExit, "inet_dgram_connect", "inet_dgram_connect", (*btf.Func)(nil)},
		{Tracing, AttachModifyReturn, "bpf_modify_return_test", "bpf_modify_return_test", (*btf.Func)(nil)},
		{Tracing, AttachTraceRawTp, "kfree_skb", "btf_trace_kfree_skb", (*btf.Typedef)(nil)},
		{Tracing, AttachTraceIter, "task", "bpf_iter_task", (*btf.Func)(nil)},
	} {
		t.Run(tc.typ.String()+"/"+tc.attach.String(), func(t *testing.T) {
			want := kernelTypeID(t, tc.btfName, tc.btfType)

			spec := &ProgramSpec{Type: tc.typ, AttachType: tc.attach, AttachTo: tc.attachTo}
			var attr sys.ProgLoadAttr
			kt := &kernelTypes{}
			defer kt.close()
			qt.Assert(t, qt.IsNil(resolveAttachTarget(spec, &attr, kt)))
			qt.Assert(t, qt.Equals(attr.AttachBtfId, want))
			qt.Assert(t, qt.Equals(attr.AttachBtfObjFd, 0), qt.Commentf("vmlinux needs no BTF object"))
		})
	}
}

func TestResolveAttachTargetErrors(t *testing.T) {
	testutils.RequirePrivileges(t)

	kt := &kernelTypes{}
	defer kt.close()

	spec := &ProgramSpec{Type: Tracing, AttachType: AttachTraceFEntry, AttachTo: "no_such_function_in_the_kernel"}
	err := resolveAttachTarget(spec, &sys.ProgLoadAttr{}, kt)
	qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
	var ufe *internal.UnsupportedFeatureError
	qt.Assert(t, qt.ErrorAs(err, &ufe))
	qt.Assert(t, qt.Equals(ufe.Name, "fentry no_such_function_in_the_kernel"))

	spec = &ProgramSpec{Type: LSM, AttachType: AttachLSMMac, AttachTo: "no_such_hook"}
	err = resolveAttachTarget(spec, &sys.ProgLoadAttr{}, kt)
	qt.Assert(t, qt.ErrorMatches(err, `no_such_hook LSM hook not supported`))

	// AttachTo of programs that don't attach by BTF is ignored.
	spec = &ProgramSpec{Type: Kprobe, AttachTo: "no_such_function_in_the_kernel"}
	qt.Assert(t, qt.IsNil(resolveAttachTarget(spec, &sys.ProgLoadAttr{}, kt)))

	// An AttachTarget only makes sense for some programs.
	target := mustNewProgram(t, socketFilterSpec(0), nil)
	spec = &ProgramSpec{Type: SocketFilter, AttachTarget: target, AttachTo: "x"}
	err = resolveAttachTarget(spec, &sys.ProgLoadAttr{}, kt)
	qt.Assert(t, qt.ErrorIs(err, errUnrecognizedAttachType))
	qt.Assert(t, qt.ErrorMatches(err, `attach SocketFilter/.*: unrecognized attach type`))
}

func TestProgramAttachBTFLoads(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "5.5", "BTF attach targets")
	testutils.CheckFDLeaks(t)

	t.Run("tp_btf", func(t *testing.T) {
		mustNewProgram(t, &ProgramSpec{
			Type:         Tracing,
			AttachType:   AttachTraceRawTp,
			AttachTo:     "kfree_skb",
			Instructions: returnZero,
			License:      "GPL",
		}, nil)
	})

	t.Run("iter", func(t *testing.T) {
		spec, err := btf.LoadSpec("/sys/kernel/btf/vmlinux")
		testutils.SkipIfNotSupported(t, err)
		qt.Assert(t, qt.IsNil(err))

		mustNewProgram(t, &ProgramSpec{
			Type:         Tracing,
			AttachType:   AttachTraceIter,
			AttachTo:     "bpf_map",
			Instructions: returnZero,
			License:      "GPL",
		}, &ProgramOptions{KernelTypes: spec})
	})
}

func TestProgramAttachBTFRefused(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "5.5", "BTF attach targets")
	testutils.CheckFDLeaks(t)

	for _, spec := range []*ProgramSpec{
		{Type: Tracing, AttachType: AttachTraceFEntry, AttachTo: "inet_dgram_connect"},
		{Type: Tracing, AttachType: AttachTraceFExit, AttachTo: "inet_dgram_connect"},
		{Type: Tracing, AttachType: AttachModifyReturn, AttachTo: "bpf_modify_return_test"},
		{Type: LSM, AttachType: AttachLSMMac, AttachTo: "task_getpgid"},
	} {
		t.Run(spec.AttachType.String(), func(t *testing.T) {
			spec.Instructions = returnZero
			spec.License = "GPL"

			prog, err := NewProgram(spec)
			if err == nil {
				prog.Close()
				return
			}
			if !strings.Contains(err.Error(), unix.EPERM.Error()) {
				t.Fatalf("%+v", err)
			}
			// Some kernels refuse trampolines outright. Then the error
			// must say so, and not blame MEMLOCK.
			qt.Assert(t, qt.ErrorIs(err, unix.EPERM))
			var ve *VerifierError
			qt.Assert(t, qt.IsFalse(errors.As(err, &ve)), qt.Commentf("a refusal before verification is not a VerifierError"))
			qt.Assert(t, qt.StringContains(err.Error(), "the kernel refused "+spec.Type.String()+"/"+spec.AttachType.String()))
			qt.Assert(t, qt.Not(qt.StringContains(err.Error(), "MEMLOCK may be too low")))
			testutils.SkipIfKernelRefuses(t, err, "this kernel refuses tracing programs that need a trampoline")
		})
	}
}

// funcProgramSpec returns a SchedCLS program whose first instruction
// carries a global BTF function called name, so the program is loaded with
// BTF and func info.
func funcProgramSpec(name string) *ProgramSpec {
	ctx := &btf.Pointer{Target: &btf.Struct{Name: "__sk_buff"}}
	fn := &btf.Func{
		Name: name,
		Type: &btf.FuncProto{
			Return: &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed},
			Params: []btf.FuncParam{{Name: "skb", Type: ctx}},
		},
		Linkage: btf.GlobalFunc,
	}
	insns := asm.Instructions{
		btf.WithFuncMetadata(asm.Mov.Imm(asm.R0, 0), fn).WithSource(asm.Comment("return 0;")),
		asm.Return(),
	}
	return &ProgramSpec{Name: name, Type: SchedCLS, Instructions: insns, License: "GPL"}
}

func TestProgramHandle(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	prog := mustNewProgram(t, funcProgramSpec("with_btf"), nil)
	handle, err := prog.Handle()
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	defer handle.Close()

	spec, err := handle.Spec(nil)
	qt.Assert(t, qt.IsNil(err))
	var fn *btf.Func
	qt.Assert(t, qt.IsNil(spec.TypeByName("with_btf", &fn)))

	plain := mustNewProgram(t, socketFilterSpec(0), nil)
	_, err = plain.Handle()
	qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
}

func TestFindTargetInProgram(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	target := mustNewProgram(t, funcProgramSpec("replace_me"), nil)

	handle, err := target.Handle()
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))
	spec, err := handle.Spec(nil)
	handle.Close()
	qt.Assert(t, qt.IsNil(err))
	var fn *btf.Func
	qt.Assert(t, qt.IsNil(spec.TypeByName("replace_me", &fn)))
	want, err := spec.TypeID(fn)
	qt.Assert(t, qt.IsNil(err))

	for _, attach := range []struct {
		typ    ProgramType
		attach AttachType
	}{{Extension, AttachNone}, {Tracing, AttachTraceFEntry}, {Tracing, AttachTraceFExit}} {
		var attr sys.ProgLoadAttr
		err := resolveAttachTarget(&ProgramSpec{
			Type:         attach.typ,
			AttachType:   attach.attach,
			AttachTarget: target,
			AttachTo:     "replace_me",
		}, &attr, &kernelTypes{})
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(attr.AttachBtfId, want))
		qt.Assert(t, qt.Equals(int(attr.AttachBtfObjFd), target.FD()))
	}

	_, err = findTargetInProgram(target, "missing", Extension, AttachNone)
	qt.Assert(t, qt.ErrorIs(err, btf.ErrNotFound))
}

func TestProgramExtInfos(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	prog := mustNewProgram(t, funcProgramSpec("ext_infos"), nil)
	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))
	_, ok := info.BTFID()
	if !ok {
		testutils.SkipOnOldKernel(t, "5.0", "program ext_infos")
		t.Fatal("program has no BTF")
	}

	insns, err := info.Instructions()
	qt.Assert(t, qt.IsNil(err))
	fn := btf.FuncMetadata(&insns[0])
	qt.Assert(t, qt.IsNotNil(fn))
	qt.Assert(t, qt.Equals(fn.Name, "ext_infos"))
	qt.Assert(t, qt.Equals(insns[0].Symbol(), "ext_infos"))
	qt.Assert(t, qt.IsNotNil(insns[0].Source()))
	qt.Assert(t, qt.Equals(insns[0].Source().String(), "return 0;"))
}

func TestProgramExtInfosDropped(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	// A source line that is not on a function's first instruction: the
	// kernel refuses such line info, the program loads without it.
	spec := socketFilterSpec(5)
	spec.Instructions[1] = spec.Instructions[1].WithSource(asm.Comment("return 5;"))
	prog := mustNewProgram(t, spec, nil)

	ret, _, err := prog.Test(make([]byte, 14))
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(ret, 5))

	// The BTF only carried the line info, so it went too.
	info, err := prog.Info()
	qt.Assert(t, qt.IsNil(err))
	_, ok := info.BTFID()
	qt.Assert(t, qt.IsFalse(ok))
}

// TestResolveAttachTargetInModule finds a fentry target that only a
// kernel module has. The kernel here has no modules: a BTF object of our
// own, listed as a loaded module, stands in for one.
func TestResolveAttachTargetInModule(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	fn := &btf.Func{
		Name:    "only_in_a_module",
		Type:    &btf.FuncProto{Return: &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}},
		Linkage: btf.GlobalFunc,
	}
	var b btf.Builder
	_, err := b.Add(fn)
	qt.Assert(t, qt.IsNil(err))
	raw, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))
	modSpec, err := btf.LoadSpecFromReader(bytes.NewReader(raw))
	qt.Assert(t, qt.IsNil(err))
	var modFn *btf.Func
	qt.Assert(t, qt.IsNil(modSpec.TypeByName(fn.Name, &modFn)))
	want, err := modSpec.TypeID(modFn)
	qt.Assert(t, qt.IsNil(err))

	handle, err := btf.NewHandle(&b)
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))

	// kt.close closes the module's handle.
	kt := &kernelTypes{modules: []kernelModule{{"fake_module", handle, modSpec}}}
	defer kt.close()

	spec := &ProgramSpec{Type: Tracing, AttachType: AttachTraceFEntry, AttachTo: fn.Name}
	var attr sys.ProgLoadAttr
	qt.Assert(t, qt.IsNil(resolveAttachTarget(spec, &attr, kt)))
	qt.Check(t, qt.Equals(attr.AttachBtfId, want))
	qt.Check(t, qt.Equals(int(attr.AttachBtfObjFd), handle.FD()))

	// vmlinux comes first: a function it has resolves there.
	spec.AttachTo = "inet_dgram_connect"
	attr = sys.ProgLoadAttr{}
	qt.Assert(t, qt.IsNil(resolveAttachTarget(spec, &attr, kt)))
	qt.Check(t, qt.Equals(attr.AttachBtfId, kernelTypeID(t, "inet_dgram_connect", (*btf.Func)(nil))))
	qt.Check(t, qt.Equals(attr.AttachBtfObjFd, 0))
}
