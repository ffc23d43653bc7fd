package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/internal/testutils"
)

func TestRun(t *testing.T) {
	testutils.RequirePrivileges(t)
	object := "../../" + defaultObject()

	for _, tc := range []struct {
		threshold uint32
		want      string
	}{
		// skb->len of the frames is 50, 1486, 86 and 26 bytes.
		{128, "small: 3 packets, 162 bytes\nlarge: 1 packets, 1486 bytes\n"},
		{32, "small: 1 packets, 26 bytes\nlarge: 3 packets, 1622 bytes\n"},
	} {
		var out bytes.Buffer
		qt.Assert(t, qt.IsNil(run(&out, object, tc.threshold)))
		qt.Check(t, qt.StringContains(out.String(), "handlers[0] = count_small\nhandlers[1] = count_large\n"))
		qt.Check(t, qt.StringContains(out.String(), "frame of   64 bytes (skb->len   50): classify returned 1\n"))
		qt.Check(t, qt.IsTrue(strings.HasSuffix(out.String(), tc.want)), qt.Commentf("%s", out.String()))
	}
}

func TestRunErrors(t *testing.T) {
	err := run(&bytes.Buffer{}, "testdata/does-not-exist.elf", 1)
	qt.Check(t, qt.ErrorIs(err, os.ErrNotExist))

	testutils.RequirePrivileges(t)
	// A constant the object doesn't have is refused before anything loads.
	err = run(&bytes.Buffer{}, "../../testdata/run-el.elf", 1)
	qt.Check(t, qt.ErrorMatches(err, "rewrite constants: some constants are missing from .rodata: threshold"))
}
