package btf

import (
	"io/fs"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/internal/btfinternal"
)

func sharedKernelSpecForTest(tb testing.TB) *Spec {
	tb.Helper()
	spec, err := btfinternal.KernelSpec()
	qt.Assert(tb, qt.IsNil(err))
	return spec.(*Spec)
}

func TestSharedKernelSpec(t *testing.T) {
	requireKernelBTF(t)

	shared := sharedKernelSpecForTest(t)
	qt.Assert(t, qt.Equals(sharedKernelSpecForTest(t), shared))

	var sharedTask *Struct
	qt.Assert(t, qt.IsNil(shared.TypeByName("task_struct", &sharedTask)))

	// Lookups in the shared Spec leave the one LoadKernelSpec copies alone,
	// so that copies stay cheap.
	kernelBTF.Lock()
	pristine := kernelBTF.kernel.pristine
	kernelBTF.Unlock()
	qt.Assert(t, qt.Equals(len(pristine.decoded.list), 0))

	// Copies are independent of the shared Spec.
	spec, err := LoadKernelSpec()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Not(qt.Equals(spec, shared)))
	var task *Struct
	qt.Assert(t, qt.IsNil(spec.TypeByName("task_struct", &task)))
	qt.Assert(t, qt.Not(qt.Equals(task, sharedTask)))
	task.Name = "changed"
	qt.Assert(t, qt.Equals(sharedTask.Name, "task_struct"))

	FlushKernelSpec()
	qt.Assert(t, qt.Not(qt.Equals(sharedKernelSpecForTest(t), shared)))
}

func TestSharedKernelModuleSpec(t *testing.T) {
	requireKernelBTF(t)

	_, err := btfinternal.KernelModuleSpec("../vmlinux")
	qt.Assert(t, qt.IsNotNil(err))

	_, err = btfinternal.KernelModuleSpec("no_such_module_here")
	qt.Assert(t, qt.ErrorIs(err, fs.ErrNotExist))
}
