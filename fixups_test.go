package ebpf

import (
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// TestKfuncModulesFdArray builds the fd_array of a program calling kfuncs
// of vmlinux and two modules, which the kernel here has none of: module
// BTF is stood in for by two BTF objects of our own.
func TestKfuncModulesFdArray(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFDLeaks(t)

	newHandle := func() *btf.Handle {
		var b btf.Builder
		_, err := b.Add(&btf.Int{Name: "int", Size: 4, Encoding: btf.Signed})
		qt.Assert(t, qt.IsNil(err))
		h, err := btf.NewHandle(&b)
		testutils.SkipIfNotSupported(t, err)
		qt.Assert(t, qt.IsNil(err))
		t.Cleanup(func() { h.Close() })
		return h
	}
	mod1, mod2 := newHandle(), newHandle()

	km := &kfuncModules{}
	var attr sys.ProgLoadAttr
	km.attach(&attr)
	qt.Check(t, qt.Equals(attr.FdArray, sys.Pointer{}), qt.Commentf("vmlinux kfuncs need no fd_array"))

	for _, tc := range []struct {
		module *btf.Handle
		want   int16
	}{{nil, 0}, {mod1, 1}, {mod2, 2}, {mod1, 1}, {nil, 0}, {mod2, 2}} {
		idx, err := km.index(tc.module)
		qt.Assert(t, qt.IsNil(err))
		qt.Check(t, qt.Equals(idx, tc.want))
	}
	// Slot 0 stands for vmlinux; each module appears once.
	qt.Check(t, qt.DeepEquals(km.fdArray, []int32{0, int32(mod1.FD()), int32(mod2.FD())}))

	km.attach(&attr)
	qt.Check(t, qt.Not(qt.Equals(attr.FdArray, sys.Pointer{})))
}
