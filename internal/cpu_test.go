package internal

import (
	"testing"

	"github.com/go-quicktest/qt"
)

func TestParseCPUs(t *testing.T) {
	for in, want := range map[string]int{
		"0":      1,
		"0\n":    1,
		"0-1":    2,
		"0-2\n":  3,
		"0-3":    4,
		"0-1023": 1024,
	} {
		n, err := parseCPUs(in)
		qt.Assert(t, qt.IsNil(err), qt.Commentf("%q", in))
		qt.Assert(t, qt.Equals(n, want), qt.Commentf("%q", in))
	}

	// Several ranges, ranges not starting at 0 and malformed lists.
	for _, in := range []string{"", "\n", "0-1,3", "0,3-4", "1,", "0-", "-1", "1", "1-3", "a", "0-a", " 0", "0-1\n\n"} {
		_, err := parseCPUs(in)
		qt.Assert(t, qt.IsNotNil(err), qt.Commentf("%q", in))
	}
}

func TestPossibleCPUs(t *testing.T) {
	n, err := PossibleCPUs()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsTrue(n >= 1))
	again, _ := PossibleCPUs()
	qt.Assert(t, qt.Equals(again, n))
}

func FuzzParseCPUs(f *testing.F) {
	for _, seed := range []string{"0", "0-3\n", "0-1,3", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := parseCPUs(in)
		if err == nil && n < 1 {
			t.Fatalf("%q: %d CPUs without error", in, n)
		}
	})
}
