package testutils

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bpfcore/ebpf/internal"
)

// NativeFile fills the %s in path with the host's BPF byte order suffix:
// "testdata/loader-%s.elf" becomes "testdata/loader-el.elf" on
// little-endian hosts. It fails the test if path has no %s.
func NativeFile(tb testing.TB, path string) string {
	tb.Helper()
	if strings.Count(path, "%s") != 1 {
		tb.Fatalf("NativeFile: %q needs exactly one %%s for the byte order", path)
	}
	return fmt.Sprintf(path, internal.ClangEndian)
}

// Glob returns the files matching pattern, except those whose path or base
// name matches one of the excludes (themselves patterns). It fails the test
// on a malformed pattern.
func Glob(tb testing.TB, pattern string, excludes ...string) []string {
	tb.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		tb.Fatalf("glob %q: %v", pattern, err)
	}

	return slices.DeleteFunc(files, func(file string) bool {
		for _, exclude := range excludes {
			if matched(tb, exclude, file) || matched(tb, exclude, filepath.Base(file)) {
				return true
			}
		}
		return false
	})
}

func matched(tb testing.TB, pattern, name string) bool {
	tb.Helper()
	ok, err := filepath.Match(pattern, name)
	if err != nil {
		tb.Fatalf("exclude pattern %q: %v", pattern, err)
	}
	return ok
}

// Files runs fn as a subtest per file, named after the file's base name. It
// fails the test if files is empty, so that a missing fixture directory is
// noticed rather than passing vacuously.
func Files(t *testing.T, files []string, fn func(*testing.T, string)) {
	t.Helper()
	requireFiles(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			fn(t, file)
		})
	}
}

func requireFiles(tb testing.TB, files []string) {
	tb.Helper()
	if len(files) == 0 {
		tb.Fatal("no files to test")
	}
}
