package asm_test

import (
	"strings"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// TestBuiltinFuncsMatchKernel compares every BuiltinFunc with enum
// bpf_func_id of the running kernel's BTF: same number, and a name that is
// the kernel's BPF_FUNC_<name> in Go case (map_lookup_elem: FnMapLookupElem).
func TestBuiltinFuncsMatchKernel(t *testing.T) {
	spec, err := btf.LoadKernelSpec()
	testutils.SkipIfNotSupported(t, err)
	qt.Assert(t, qt.IsNil(err))

	var ids *btf.Enum
	qt.Assert(t, qt.IsNil(spec.TypeByName("bpf_func_id", &ids)))

	kernel := make(map[asm.BuiltinFunc]string)
	for _, v := range ids.Values {
		name, ok := strings.CutPrefix(v.Name, "BPF_FUNC_")
		if !ok {
			continue // __BPF_FUNC_MAX_ID
		}
		kernel[asm.BuiltinFunc(v.Value)] = goCase("Fn", name)
	}

	for fn := asm.FnUnspec; fn <= fn.Max(); fn++ {
		want, ok := kernel[fn]
		if !ok {
			// Kernels older than asm's table lack the newest helpers.
			continue
		}
		qt.Check(t, qt.Equals(fn.String(), want), qt.Commentf("helper %d", uint32(fn)))
		delete(kernel, fn)
	}
	for fn, name := range kernel {
		t.Errorf("the kernel has helper %d (%s), asm stops at %d", uint32(fn), name, uint32(asm.FnUnspec.Max()))
	}
}

// goCase turns snake_case into prefix + CamelCase.
func goCase(prefix, snake string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, word := range strings.Split(snake, "_") {
		if word != "" {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}
