package internal

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
)

var errCause = errors.New("permission denied")

func TestErrorWithLogWhitespace(t *testing.T) {
	log := []byte("\t\n 0: (b7) r0 = 0  \n1: (95) exit\t\r\n\n\x00garbage after the NUL")
	ve := ErrorWithLog("load program", errCause, log, false)
	qt.Assert(t, qt.DeepEquals(ve.Log, []string{"0: (b7) r0 = 0", "1: (95) exit"}))
	qt.Assert(t, qt.ErrorIs(ve, errCause))
	qt.Assert(t, qt.Equals(ve.Cause, errCause))
	qt.Assert(t, qt.IsFalse(ve.Truncated))

	empty := ErrorWithLog("load program", errCause, []byte(" \n\t\x00"), false)
	qt.Assert(t, qt.IsNil(empty.Log))
	qt.Assert(t, qt.Equals(empty.Error(), "load program: permission denied"))
}

func TestVerifierErrorSummary(t *testing.T) {
	for _, tc := range []struct {
		name      string
		log       string
		truncated bool
		want      string
	}{
		{"empty", "", false, "src: permission denied"},
		{"one line", "R1 type=ctx expected=fp", false, "src: permission denied: R1 type=ctx expected=fp"},
		{"last line only", "a\nb\nc", false, "src: permission denied: c (2 line(s) omitted)"},
		{"processed dropped and counted", "a\nb\nunreachable insn 3\nprocessed 3 insns (limit 1000000)",
			false, "src: permission denied: unreachable insn 3 (3 line(s) omitted)"},
		{"only processed", "processed 3 insns", false, "src: permission denied"},
		{"tab continuation", "a\nfrom 3 to 5: safe\n\tR0=scalar()", false,
			"src: permission denied: from 3 to 5: safe: R0=scalar() (1 line(s) omitted)"},
		{"register dump", "a\n0: (61) r0 = *(u32 *)(r1 +0)\nR1 invalid mem access 'scalar'", false,
			"src: permission denied: 0: (61) r0 = *(u32 *)(r1 +0): R1 invalid mem access 'scalar' (1 line(s) omitted)"},
		{"register R10 is not a register dump without digit", "a\nRxx is not special", false,
			"src: permission denied: Rxx is not special (1 line(s) omitted)"},
		{"context access", "0: (61) r2 = *(u32 *)(r1 +4096)\ninvalid bpf_context access off=4096 size=4", false,
			"src: permission denied: 0: (61) r2 = *(u32 *)(r1 +4096): invalid bpf_context access off=4096 size=4"},
		{"truncated", "a\nb\nc", true, "src: permission denied: b: c (truncated, 1 line(s) omitted)"},
		{"truncated two lines", "b\nc", true, "src: permission denied: b: c (truncated)"},
		{"truncated one line", "c", true, "src: permission denied: c (truncated)"},
		{"inner whitespace trimmed in summary", "a\n   last line", false, "src: permission denied: last line (1 line(s) omitted)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ve := ErrorWithLog("src", errCause, []byte(tc.log), tc.truncated)
			qt.Assert(t, qt.Equals(ve.Error(), tc.want))
			qt.Assert(t, qt.Equals(fmt.Sprintf("%s", ve), tc.want))
			qt.Assert(t, qt.Equals(fmt.Sprintf("%v", ve), tc.want))
		})
	}
}

func TestVerifierErrorFormat(t *testing.T) {
	ve := ErrorWithLog("src", errCause, []byte("l1\nl2\nl3\nl4\nl5"), false)
	header := "src: permission denied:"

	for _, tc := range []struct {
		format string
		want   string
	}{
		{"%+v", header + "\n\tl1\n\tl2\n\tl3\n\tl4\n\tl5"},
		{"%+2v", header + "\n\tl1\n\tl2\n\t(3 line(s) omitted)"},
		{"%+10v", header + "\n\tl1\n\tl2\n\tl3\n\tl4\n\tl5"},
		{"%-3v", header + "\n\t(2 line(s) omitted)\n\tl3\n\tl4\n\tl5"},
		{"%-v", header + "\n\tl1\n\tl2\n\tl3\n\tl4\n\tl5"},
		{"%3v", "%!v(BADWIDTH)"},
		{"%+-2v", "%!v(BADFLAG)"},
		{"%d", "%!d(BADVERB)"},
		{"%q", "%!q(BADVERB)"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			qt.Assert(t, qt.Equals(fmt.Sprintf(tc.format, ve), tc.want))
		})
	}

	truncated := ErrorWithLog("src", errCause, []byte("l1\nl2"), true)
	qt.Assert(t, qt.Equals(fmt.Sprintf("%+v", truncated), header+"\n\tl1\n\tl2\n\t(truncated)"))
	qt.Assert(t, qt.Equals(fmt.Sprintf("%-1v", truncated), header+"\n\t(1 line(s) omitted)\n\tl2\n\t(truncated)"))

	empty := ErrorWithLog("src", errCause, nil, false)
	qt.Assert(t, qt.Equals(fmt.Sprintf("%+v", empty), header))
}

func TestVerifierErrorWrapped(t *testing.T) {
	ve := ErrorWithLog("src", errCause, []byte("x"), false)
	wrapped := fmt.Errorf("program foo: %w", ve)

	var target *VerifierError
	qt.Assert(t, qt.ErrorAs(wrapped, &target))
	qt.Assert(t, qt.ErrorIs(wrapped, errCause))
	qt.Assert(t, qt.IsTrue(strings.HasSuffix(wrapped.Error(), "src: permission denied: x")))
}

func FuzzErrorWithLog(f *testing.F) {
	f.Add([]byte("a\nb\n\tc\nprocessed 1 insns"), true, 2)
	f.Add([]byte("\x00"), false, 0)
	f.Fuzz(func(t *testing.T, log []byte, truncated bool, width int) {
		ve := ErrorWithLog("src", errCause, log, truncated)
		_ = ve.Error()
		width = width % 64
		if width < 0 {
			width = -width
		}
		_ = fmt.Sprintf("%+*v %-*v %v %s", width, ve, width, ve, ve, ve)
	})
}
