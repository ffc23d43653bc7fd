package ebpf

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestPossibleCPU(t *testing.T) {
	data, err := os.ReadFile("/sys/devices/system/cpu/possible")
	if err != nil {
		t.Skip(err)
	}
	_, last, ok := strings.Cut(strings.TrimSpace(string(data)), "-")
	want := 1
	if ok {
		n, err := strconv.Atoi(last)
		qt.Assert(t, qt.IsNil(err))
		want = n + 1
	}

	got, err := PossibleCPU()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(got, want))
	qt.Assert(t, qt.Equals(MustPossibleCPU(), want))
}
