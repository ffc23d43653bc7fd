package internal

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// VerifierError is the failure of a kernel load that produced a log, such
// as a program rejected by the verifier or BTF rejected by the kernel. The
// whole log is kept; Error summarises it and Format prints it in full.
type VerifierError struct {
	source string
	// Cause is the error of the syscall.
	Cause error
	// Log holds the lines of the kernel's log, without surrounding
	// whitespace.
	Log []string
	// Truncated is true if the kernel had more to say than fitted into the
	// log buffer.
	Truncated bool
}

// logWhitespace is what the kernel pads log lines with.
const logWhitespace = "\t\r\v\n "

// ErrorWithLog builds a VerifierError from a raw log buffer. source names
// what was being loaded ("load program"). The log is cut at its first NUL,
// trimmed, split into lines and each line is trimmed on the right.
func ErrorWithLog(source string, err error, log []byte, truncated bool) *VerifierError {
	if i := bytes.IndexByte(log, 0); i != -1 {
		log = log[:i]
	}
	log = bytes.Trim(log, logWhitespace)

	var lines []string
	if len(log) > 0 {
		raw := bytes.Split(log, []byte{'\n'})
		lines = make([]string, 0, len(raw))
		for _, line := range raw {
			lines = append(lines, string(bytes.TrimRight(line, logWhitespace)))
		}
	}

	return &VerifierError{source: source, Cause: err, Log: lines, Truncated: truncated}
}

// Unwrap returns the syscall error.
func (le *VerifierError) Unwrap() error {
	return le.Cause
}

// Error returns "<source>: <cause>" followed by the line of the log that
// most likely explains the failure, with one line of context where the last
// line needs it, and a note on what was left out.
func (le *VerifierError) Error() string {
	log := le.Log
	// The statistics line says nothing about the failure.
	if n := len(log); n > 0 && strings.HasPrefix(log[n-1], "processed ") {
		log = log[:n-1]
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s: %v", le.source, le.Cause)

	n := len(log)
	if n == 0 {
		return b.String()
	}

	summary := log[n-1:]
	if n >= 2 && (needsPreviousLine(log[n-1]) || le.Truncated) {
		summary = log[n-2:]
	}
	for _, line := range summary {
		b.WriteString(": ")
		b.WriteString(strings.TrimSpace(line))
	}

	omitted := len(le.Log) - len(summary)
	switch {
	case le.Truncated && omitted > 0:
		fmt.Fprintf(&b, " (truncated, %d line(s) omitted)", omitted)
	case le.Truncated:
		b.WriteString(" (truncated)")
	case omitted > 0:
		fmt.Fprintf(&b, " (%d line(s) omitted)", omitted)
	}
	return b.String()
}

// needsPreviousLine reports whether the last line of a log only makes sense
// together with the line before it: register state dumps, indented
// continuation lines, and context access errors that the previous
// instruction explains.
func needsPreviousLine(line string) bool {
	switch {
	case strings.HasPrefix(line, "\t"):
		return true
	case len(line) >= 2 && line[0] == 'R' && line[1] >= '0' && line[1] <= '9':
		return true
	case strings.HasPrefix(line, "invalid bpf_context access"):
		return true
	}
	return false
}

// Format implements fmt.Formatter.
//
//	%s, %v  the summary of Error
//	%+v     "<source>: <cause>:" and every log line on its own indented line
//	%+Nv    ... only the first N lines, noting how many were omitted
//	%-Nv    ... only the last N lines, the note first
//
// A truncated log ends with "(truncated)". A width without a flag, both
// flags at once, or another verb print a %!v(BADWIDTH), %!v(BADFLAG) or
// %!<verb>(BADVERB) marker like package fmt does.
func (le *VerifierError) Format(f fmt.State, verb rune) {
	switch verb {
	case 's':
		_, _ = io.WriteString(f, le.Error())

	case 'v':
		plus, minus := f.Flag('+'), f.Flag('-')
		width, hasWidth := f.Width()
		switch {
		case plus && minus:
			_, _ = io.WriteString(f, "%!v(BADFLAG)")
			return
		case !plus && !minus && hasWidth:
			_, _ = io.WriteString(f, "%!v(BADWIDTH)")
			return
		case !plus && !minus:
			_, _ = io.WriteString(f, le.Error())
			return
		}

		n := len(le.Log)
		if hasWidth && width < n {
			n = width
		}
		omitted := len(le.Log) - n

		fmt.Fprintf(f, "%s: %v:", le.source, le.Cause)
		lines := le.Log[:n]
		if minus {
			lines = le.Log[len(le.Log)-n:]
			writeOmitted(f, omitted)
		}
		for _, line := range lines {
			fmt.Fprintf(f, "\n\t%s", line)
		}
		if plus {
			writeOmitted(f, omitted)
		}
		if le.Truncated {
			_, _ = io.WriteString(f, "\n\t(truncated)")
		}

	default:
		fmt.Fprintf(f, "%%!%c(BADVERB)", verb)
	}
}

func writeOmitted(w io.Writer, omitted int) {
	if omitted > 0 {
		fmt.Fprintf(w, "\n\t(%d line(s) omitted)", omitted)
	}
}
