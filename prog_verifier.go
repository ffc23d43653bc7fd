package ebpf

import (
	"bytes"
	"errors"
	"fmt"
	"math"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// maxVerifierLogSize is the largest log buffer the kernel accepts
// (UINT_MAX >> 2); larger ones are rejected with EINVAL.
const maxVerifierLogSize = math.MaxUint32 >> 2

// verifierLogTailSize is how much of the end of the log the error
// classification looks at.
const verifierLogTailSize = 256

var (
	// errBadRelocation is the cause of a load that failed on an instruction
	// that CO-RE poisoned because its relocation could not be resolved.
	errBadRelocation = errors.New("bad CO-RE relocation")
	// errUnknownKfunc is the cause of a load that failed on a call of a
	// __weak kfunc that the kernel doesn't have, poisoned by fixupKfuncs.
	errUnknownKfunc = errors.New("unknown kfunc")
)

// Poisoned instructions show up in the verifier's log like this.
var (
	badRelocationCall = []byte(fmt.Sprintf("invalid func unknown#%d\n", corePoisonConstant))
	badRelocationLoad = []byte(fmt.Sprintf("(18) r10 = 0x%x\n", corePoisonConstant))
	unknownKfuncCall  = []byte(fmt.Sprintf("invalid func unknown#%d\n", kfuncPoisonConstant))
)

const (
	// corePoisonConstant is the immediate CO-RE writes into instructions
	// whose relocation failed (0xbad2310, "bad relo").
	corePoisonConstant = 0xbad2310
	// kfuncPoisonConstant is the call target of unresolved __weak kfuncs,
	// libbpf's poison base.
	kfuncPoisonConstant = 2002000000
)

// verifierLog is the log buffer policy of one program load.
//
// The buffer starts at ProgramOptions.LogSize, or DefaultVerifierLogSize if
// that is zero. When the kernel reports that the log did not fit (ENOSPC)
// and the caller did not choose the size, the load is repeated with a
// buffer of the size the kernel says it needed (Linux 6.4+, log_true_size),
// or twice as large on older kernels, up to the kernel's maximum of 1 GiB.
// The log is then complete and Truncated stays false. A LogSize chosen by
// the caller is a cap: the buffer never grows beyond it and a log that
// doesn't fit is reported as truncated.
type verifierLog struct {
	size  int
	fixed bool
	buf   []byte
	// truncated is true if the last attempt ran out of log space.
	truncated bool
}

func newVerifierLog(opts *ProgramOptions) *verifierLog {
	if opts.LogSize != 0 {
		return &verifierLog{size: opts.LogSize, fixed: true}
	}
	return &verifierLog{size: DefaultVerifierLogSize}
}

// attach points attr at a log buffer of the current size with the given
// level. It returns an error for a size the kernel would refuse.
func (vl *verifierLog) attach(attr *sys.ProgLoadAttr, level LogLevel) error {
	if vl.size > maxVerifierLogSize {
		return fmt.Errorf("load program: %w (ProgramOptions.LogSize exceeds maximum value of %d)",
			unix.EINVAL, maxVerifierLogSize)
	}
	if len(vl.buf) != vl.size {
		vl.buf = make([]byte, vl.size)
	} else {
		clear(vl.buf)
	}
	attr.LogLevel = level
	attr.LogBuf, attr.LogSize = sys.NewSlicePointerLen(vl.buf)
	attr.LogTrueSize = 0
	return nil
}

// grow decides, after an attempt that failed with err, whether the log
// buffer is to be enlarged and the load repeated.
func (vl *verifierLog) grow(attr *sys.ProgLoadAttr, err error) bool {
	vl.truncated = errors.Is(err, unix.ENOSPC)
	if !vl.truncated || vl.fixed || vl.size >= maxVerifierLogSize {
		return false
	}

	next := 2 * vl.size
	if needed := int(attr.LogTrueSize); needed > vl.size {
		next = needed
	}
	vl.size = min(next, maxVerifierLogSize)
	return true
}

// text returns the log up to its terminating NUL.
func (vl *verifierLog) text() []byte {
	if i := bytes.IndexByte(vl.buf, 0); i >= 0 {
		return vl.buf[:i]
	}
	return vl.buf
}

// load runs BPF_PROG_LOAD with the log policy of opts (LOADER.md §5.14): a
// log of opts.LogLevel on the only attempt if a level is given; otherwise
// no log, and on failure one more attempt with LogLevelBranch whose log
// explains the first attempt's error. Either way the log buffer grows while
// the kernel says it is too small, see verifierLog.
//
// On success it returns the program's fd and, if a level was given, the
// log. On failure the error is classified by loadError.
func load(attr *sys.ProgLoadAttr, opts *ProgramOptions, spec *ProgramSpec, insns asm.Instructions) (*sys.FD, string, error) {
	vl := newVerifierLog(opts)
	level := opts.LogLevel
	var cause error

	if opts.LogDisabled || level == 0 {
		fd, err := sys.ProgLoad(attr)
		if err == nil || opts.LogDisabled {
			return fd, "", loadError(err, nil, opts, spec, insns)
		}
		// Ask again with a log, but report the first error: a log that
		// doesn't fit fails the load with ENOSPC whatever the cause.
		cause = err
		level = LogLevelBranch
	}

	for {
		if err := vl.attach(attr, level); err != nil {
			return nil, "", err
		}
		fd, err := sys.ProgLoad(attr)
		if err == nil {
			var log string
			if opts.LogLevel != 0 {
				log = string(vl.text())
			}
			return fd, log, nil
		}
		if vl.grow(attr, err) {
			continue
		}
		if cause == nil {
			cause = err
		}
		return nil, "", loadError(cause, vl, opts, spec, insns)
	}
}

// loadError explains a failed load (LOADER.md §5.15): refusals before the
// verifier ran are plain errors that say what was refused, verifier
// rejections are a *VerifierError with the whole log. Known failure
// signatures replace the kernel's errno with errBadRelocation or
// errUnknownKfunc. err nil gives nil.
func loadError(err error, vl *verifierLog, opts *ProgramOptions, spec *ProgramSpec, insns asm.Instructions) error {
	if err == nil {
		return nil
	}

	var log []byte
	truncated := false
	if vl != nil {
		log, truncated = vl.text(), vl.truncated
	}
	tail := log[max(0, len(log)-verifierLogTailSize):]

	switch {
	case errors.Is(err, unix.EPERM):
		if vl != nil && len(log) == 0 {
			// The kernel refused before the verifier said anything.
			return refusalError(err, spec)
		}

	case errors.Is(err, unix.EINVAL):
		switch {
		case bytes.Contains(tail, badRelocationCall):
			err = badRelocationError(insns, log)
		case bytes.Contains(tail, unknownKfuncCall):
			err = errUnknownKfunc
		case len(log) == 0 && spec.Name != "" && SanitizeName(spec.Name, -1) != spec.Name:
			return fmt.Errorf("load program: %w (the name %q contains characters the kernel rejects, see SanitizeName)", err, spec.Name)
		}

	case errors.Is(err, unix.EACCES):
		if bytes.Contains(tail, badRelocationLoad) {
			err = badRelocationError(insns, log)
		}
	}

	if (errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EPERM)) && hasFunctionReferences(insns) {
		if ferr := haveBPFToBPFCalls(); ferr != nil {
			return ferr
		}
	}

	return internal.ErrorWithLog("load program", err, log, truncated)
}

// refusalError explains an EPERM that came without a word from the
// verifier. On kernels before 5.11 that is typically RLIMIT_MEMLOCK, which
// also stops the smallest program; if a minimal socket filter does load,
// neither MEMLOCK nor missing privileges are the reason and the kernel
// refuses this kind of program (for example fentry or LSM programs in a VM
// that doesn't allow them).
func refusalError(err error, spec *ProgramSpec) error {
	fd, trivialErr := probeProgram(sys.BPF_PROG_TYPE_SOCKET_FILTER,
		asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()})
	if trivialErr != nil {
		return fmt.Errorf("load program: %w (MEMLOCK may be too low, consider rlimit.RemoveMemlock)", err)
	}
	_ = fd.Close()

	what := spec.Type.String()
	if spec.AttachType != AttachNone {
		what += "/" + spec.AttachType.String()
	}
	if spec.AttachTo != "" {
		what += " attached to " + spec.AttachTo
	}
	return fmt.Errorf("load program: %w (the kernel refused %s before verification; a minimal socket filter loads, so this is not a MEMLOCK limit or missing privileges)", err, what)
}

// hasFunctionReferences reports whether insns call or take the address of
// bpf-to-bpf functions.
func hasFunctionReferences(insns asm.Instructions) bool {
	for i := range insns {
		if insns[i].IsFunctionReference() {
			return true
		}
	}
	return false
}
