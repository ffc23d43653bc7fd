package kallsyms

import (
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
ffffffffc0400100 t twice	[first]
ffffffffc0400200 t twice	[second]
ffffffffc0400300 t module_first	[first]
ffffffff81003000 t module_first
ffffffff81004000 t vmlinux_later
ffffffffc0400400 t vmlinux_later	[first]
malformed
ffffffffc0400500 t`

func TestModuleFunctions(t *testing.T) {
	modules := moduleFunctions([]byte(sample))
	for _, tc := range []struct{ fn, mod string }{
		{"_stext", ""},
		{"do_one_initcall", ""}, // vmlinux comes first
		{"bpf_testmod_test_read", "bpf_testmod"},
		{"ftrace_trampoline", "__builtin__ftrace"},
		{"some_data", ""},        // not text
		{"bpf_testmod_data", ""}, // not text
		{"missing", ""},
		{"bpf_testmod", ""},
		{"twice", "first"},
		{"module_first", "first"},
		{"vmlinux_later", ""},
	} {
		qt.Assert(t, qt.Equals(modules[tc.fn], tc.mod), qt.Commentf("function %s", tc.fn))
	}
	qt.Assert(t, qt.DeepEquals(modules, map[string]string{
		"ftrace_trampoline":     "__builtin__ftrace",
		"bpf_testmod_test_read": "bpf_testmod",
		"twice":                 "first",
		"module_first":          "first",
	}))
}

func TestModuleFunctionsWithoutModules(t *testing.T) {
	modules := moduleFunctions([]byte("ffffffff81000000 T _stext\nffffffff81001000 t do_one_initcall\n"))
	qt.Assert(t, qt.HasLen(modules, 0))
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

func TestKernelModuleConcurrent(t *testing.T) {
	FlushKernelModuleCache()
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() {
			_, err := KernelModule("bpf_prog_load")
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Skip("no /proc/kallsyms:", err)
		}
	}
}

func FuzzModuleFunctions(f *testing.F) {
	f.Add([]byte(sample))
	f.Fuzz(func(t *testing.T, data []byte) {
		for name, mod := range moduleFunctions(data) {
			if mod == "" {
				t.Fatalf("function %q: stored without a module", name)
			}
		}
	})
}
