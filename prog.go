package ebpf

import "github.com/bpfcore/ebpf/internal/sys"

// Program is a program loaded into the kernel.
type Program struct {
	// VerifierLog is the verifier's log, when ProgramOptions.LogLevel asked
	// for one.
	VerifierLog string

	fd *sys.FD
}
