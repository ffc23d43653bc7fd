package kallsyms

import (
	"testing"

	"github.com/go-quicktest/qt"
)

// scanTextSymbol is hasTextSymbol done the slow way, line by line.
func scanTextSymbol(data []byte, name string) bool {
	for rest := data; len(rest) > 0; {
		var line []byte
		line, rest = nextLine(rest)
		if sym, _, ok := parseTextSymbol(line); ok && string(sym) == name {
			return true
		}
	}
	return false
}

func TestHasTextSymbol(t *testing.T) {
	data := []byte(sample)
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"_stext", true},
		{"do_one_initcall", true},
		{"bpf_testmod_test_read", true}, // in a module
		{"twice", true},
		{"vmlinux_later", true},
		{"some_data", false},        // not text
		{"bpf_testmod_data", false}, // not text
		{"_stex", false},            // a prefix
		{"stext", false},            // a suffix
		{"bpf_testmod", false},      // a module
		{"malformed", false},
		{"missing", false},
		{"", false},
	} {
		qt.Check(t, qt.Equals(hasTextSymbol(data, tc.name), tc.want), qt.Commentf("symbol %q", tc.name))
		if tc.name != "" {
			qt.Check(t, qt.Equals(scanTextSymbol(data, tc.name), tc.want), qt.Commentf("symbol %q, line by line", tc.name))
		}
	}
}

func TestHasSyscallWrapper(t *testing.T) {
	data, err := readFile("/proc/kallsyms")
	if err != nil {
		t.Skip("no /proc/kallsyms:", err)
	}
	symbol := syscallWrapperSymbol()
	if symbol == "" {
		_, err := HasSyscallWrapper()
		qt.Assert(t, qt.IsNotNil(err))
		return
	}

	FlushKernelModuleCache()
	has, err := HasSyscallWrapper()
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.Equals(has, scanTextSymbol(data, symbol)))

	// Answered from the cache that KernelModule filled.
	FlushKernelModuleCache()
	_, err = KernelModule("bpf_prog_load")
	qt.Assert(t, qt.IsNil(err))
	again, err := HasSyscallWrapper()
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.Equals(again, has))
}

func FuzzHasTextSymbol(f *testing.F) {
	f.Add([]byte(sample), "twice")
	f.Add([]byte(sample), "_stex")
	f.Add([]byte("0 T a\n0 t b c\t[m]\n0 T  x"), "b c")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		if name == "" {
			return
		}
		if got, want := hasTextSymbol(data, name), scanTextSymbol(data, name); got != want {
			t.Fatalf("symbol %q: got %v, line by line %v", name, got, want)
		}
	})
}

// BenchmarkHasTextSymbol is what HasSyscallWrapper adds to the single read
// of the kernel's symbols, next to the parse that KernelModule needs.
func BenchmarkHasTextSymbol(b *testing.B) {
	data, err := readFile("/proc/kallsyms")
	if err != nil {
		b.Skip("no /proc/kallsyms:", err)
	}
	b.SetBytes(int64(len(data)))

	b.Run("search", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hasTextSymbol(data, "__x64_sys_bpf")
		}
	})
	b.Run("module functions", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			moduleFunctions(data)
		}
	})
}
