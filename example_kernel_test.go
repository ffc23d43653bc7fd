package ebpf

import (
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// TestKernelExamples runs the examples that create maps and checks what they
// print. They carry no Output comment because go test runs such examples
// unconditionally, and without privileges they would panic the test binary
// instead of skipping.
func TestKernelExamples(t *testing.T) {
	testutils.RequirePrivileges(t)

	for _, tc := range []struct {
		name      string
		example   func()
		want      []string
		unordered bool
	}{
		{"Map_perCPU", ExampleMap_perCPU, []string{"true true"}, false},
		{"Map_zeroCopy", ExampleMap_zeroCopy, []string{"3 4 true"}, false},
		{"Map_NextKey", ExampleMap_NextKey, []string{"[10 20 30]"}, false},
		{"Map_Iterate", ExampleMap_Iterate, []string{"hello 21", "world 42"}, true},
		{"Map_Iterate_nested", ExampleMap_Iterate_nestedMapsAndProgramArrays, []string{"1 42"}, false},
		{"customMarshaler", Example_customMarshaler, []string{"key: HELLO, value: 111"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Split(strings.TrimSpace(captureStdout(t, tc.example)), "\n")
			if tc.unordered {
				slices.Sort(got)
			}
			qt.Assert(t, qt.DeepEquals(got, tc.want))
		})
	}
}

// captureStdout returns what fn writes to os.Stdout.
func captureStdout(tb testing.TB, fn func()) string {
	tb.Helper()
	r, w, err := os.Pipe()
	qt.Assert(tb, qt.IsNil(err))
	defer r.Close()

	out := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		out <- string(b)
	}()

	stdout := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = stdout }()
	fn()
	os.Stdout = stdout
	qt.Assert(tb, qt.IsNil(w.Close()))
	return <-out
}
