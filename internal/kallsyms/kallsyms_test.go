package kallsyms

import (
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
)

const sample = `ffffffff81000000 T _stext
ffffffff81001000 t do_one_initcall
ffffffff81002000 D some_data	[data_mod]
ffffffffc0201000 t ftrace_trampoline	[__builtin__ftrace]
ffffffffc0300000 T bpf_testmod_test_read	[bpf_testmod]
ffffffffc0300100 d bpf_testmod_data	[bpf_testmod]
ffffffffc0400000 t do_one_initcall	[shadow]
malformed
`

func TestModuleOf(t *testing.T) {
	for _, tc := range []struct{ fn, mod string }{
		{"_stext", ""},
		{"do_one_initcall", ""}, // vmlinux comes first
		{"bpf_testmod_test_read", "bpf_testmod"},
		{"ftrace_trampoline", "__builtin__ftrace"},
		{"some_data", ""},        // not text
		{"bpf_testmod_data", ""}, // not text
		{"missing", ""},
		{"bpf_testmod", ""},
	} {
		mod, err := moduleOf(strings.NewReader(sample), tc.fn)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(mod, tc.mod), qt.Commentf("function %s", tc.fn))
	}
}

func TestKernelModule(t *testing.T) {
	mod, err := KernelModule("bpf_prog_load")
	if err != nil {
		t.Skip("no /proc/kallsyms:", err)
	}
	qt.Assert(t, qt.Equals(mod, ""))

	FlushKernelModuleCache()
	mod, err = KernelModule("bpf_prog_load")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(mod, ""))
}

func BenchmarkKernelModule(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		FlushKernelModuleCache()
		if _, err := KernelModule("bpf_prog_load"); err != nil {
			b.Skip(err)
		}
	}
}
