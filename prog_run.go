package ebpf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// RunOptions are the input and output of a test run of a program with
// BPF_PROG_RUN (see Program.Run).
type RunOptions struct {
	// Data is the program's input, for example a packet.
	Data []byte
	// DataOut receives the program's output data; its capacity is what the
	// kernel may write. Run shortens it to the length the kernel reports.
	DataOut []byte
	// Context is the program's context, encoded with encoding/binary in
	// native byte order. Not every program type accepts one.
	Context interface{}
	// ContextOut receives the context after the run, decoded with
	// encoding/binary; it must point to a value of fixed size. Syscall
	// programs modify Context in place: for them ContextOut receives that
	// context and must be as large as Context.
	ContextOut interface{}
	// Repeat runs the program that many times; 0 and 1 both run it once.
	Repeat uint32
	// Flags are the flags of BPF_PROG_RUN.
	Flags uint32
	// CPU is the CPU to run on, for program types that support it with
	// BPF_F_TEST_RUN_ON_CPU in Flags.
	CPU uint32
	// Reset is called before a run that was interrupted by a signal is
	// repeated from the start, to reset state the program keeps in maps.
	//
	// Deprecated: the syscall layer restarts interrupted runs itself, so
	// this is rarely called. Keep program state consistent across
	// repetitions instead.
	Reset func()
}

// testOutputPad is how much longer than its input the output buffer of Test
// is: XDP programs may grow a packet by its headroom (256 bytes), plus room
// for the two bytes an Ethernet header can be padded with.
const testOutputPad = 256 + 2

// Test runs the program once with in as its data, and returns its return
// value and its output data. The output buffer is len(in)+258 bytes, or
// none for empty input.
//
// It returns an error wrapping ErrNotSupported if the kernel can't run
// programs, or programs of this type, and the kernel's errno otherwise.
func (p *Program) Test(in []byte) (uint32, []byte, error) {
	var out []byte
	if len(in) > 0 {
		out = make([]byte, len(in)+testOutputPad)
	}

	opts := RunOptions{Data: in, DataOut: out, Repeat: 1}
	ret, _, err := p.run(&opts)
	if err != nil {
		return ret, nil, fmt.Errorf("test program: %w", err)
	}
	return ret, opts.DataOut, nil
}

// Run runs the program as opts describe and returns its return value. The
// outputs are written to opts.DataOut and opts.ContextOut. A nil opts runs
// the program once without input.
//
// It returns an error wrapping ErrNotSupported if the kernel can't run
// programs, or programs of this type, and the kernel's errno otherwise.
// It panics if the kernel wrote more output data than opts.DataOut holds.
func (p *Program) Run(opts *RunOptions) (uint32, error) {
	if opts == nil {
		opts = &RunOptions{}
	}
	ret, _, err := p.run(opts)
	if err != nil {
		return ret, fmt.Errorf("run program: %w", err)
	}
	return ret, nil
}

// Benchmark runs the program repeat times on in and returns its last return
// value and the average time of one run as measured by the kernel. reset,
// if not nil, is called before the runs are restarted after an
// interruption.
//
// It returns an error if repeat doesn't fit 32 bits, one wrapping
// ErrNotSupported if the kernel can't run programs of this type, and the
// kernel's errno otherwise.
func (p *Program) Benchmark(in []byte, repeat int, reset func()) (uint32, time.Duration, error) {
	if uint(repeat) > math.MaxUint32 {
		return 0, 0, fmt.Errorf("benchmark program: repeat %d is too high", repeat)
	}

	opts := RunOptions{Data: in, Repeat: uint32(repeat), Reset: reset}
	ret, total, err := p.run(&opts)
	if err != nil {
		return ret, total, fmt.Errorf("benchmark program: %w", err)
	}
	return ret, total, nil
}

// run executes BPF_PROG_RUN and returns the program's return value and the
// duration the kernel reports.
func (p *Program) run(opts *RunOptions) (uint32, time.Duration, error) {
	if uint(len(opts.Data)) > math.MaxUint32 {
		return 0, 0, fmt.Errorf("input is too long")
	}
	if err := haveProgRun(); err != nil {
		return 0, 0, err
	}

	var ctxIn []byte
	if opts.Context != nil {
		var err error
		ctxIn, err = binary.Append(nil, internal.NativeEndian, opts.Context)
		if err != nil {
			return 0, 0, fmt.Errorf("encode context: %w", err)
		}
	}

	// Syscall programs refuse ctx_out: the kernel copies the context back
	// into ctx_in, which ContextOut is then decoded from.
	inPlace := p.typ == Syscall && len(ctxIn) != 0

	var ctxOut []byte
	if opts.ContextOut != nil {
		size := binary.Size(opts.ContextOut)
		switch {
		case size < 0:
			return 0, 0, fmt.Errorf("context out: %T has no fixed size", opts.ContextOut)
		case !inPlace:
			ctxOut = make([]byte, size)
		case size != len(ctxIn):
			return 0, 0, fmt.Errorf("context out: %T has %d bytes, the context %d", opts.ContextOut, size, len(ctxIn))
		}
	}

	dataOut, dataOutLen := sys.NewSlicePointerLen(opts.DataOut[:cap(opts.DataOut)])
	attr := sys.ProgRunAttr{
		ProgFd:      p.fd.Uint(),
		DataSizeIn:  uint32(len(opts.Data)),
		DataSizeOut: dataOutLen,
		DataIn:      sys.NewSlicePointer(opts.Data),
		DataOut:     dataOut,
		Repeat:      opts.Repeat,
		CtxSizeIn:   uint32(len(ctxIn)),
		CtxSizeOut:  uint32(len(ctxOut)),
		CtxIn:       sys.NewSlicePointer(ctxIn),
		CtxOut:      sys.NewSlicePointer(ctxOut),
		Flags:       opts.Flags,
		Cpu:         opts.CPU,
	}

	if err := p.runRetrying(&attr, opts.Reset); err != nil {
		return 0, 0, err
	}

	if opts.DataOut != nil {
		if int(attr.DataSizeOut) > cap(opts.DataOut) {
			// The kernel was told the capacity and must respect it: memory
			// after the buffer is corrupt.
			panic("kernel wrote past the end of the output buffer")
		}
		opts.DataOut = opts.DataOut[:int(attr.DataSizeOut)]
	}

	if inPlace && opts.ContextOut != nil {
		ctxOut = ctxIn
	}
	if len(ctxOut) != 0 {
		if _, err := binary.Decode(ctxOut, internal.NativeEndian, opts.ContextOut); err != nil {
			return 0, 0, fmt.Errorf("decode context out: %w", err)
		}
	}

	return attr.Retval, time.Duration(attr.Duration) * time.Nanosecond, nil
}

// runRetrying calls BPF_PROG_RUN until it is not interrupted. Kernels check
// for pending signals before they check whether all repetitions ran, so an
// interrupted single run counts as done. reset is called before the runs
// are repeated.
func (p *Program) runRetrying(attr *sys.ProgRunAttr, reset func()) error {
	for {
		err := sys.ProgRun(attr)
		runtime.KeepAlive(p.fd)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			if attr.Repeat <= 1 {
				return nil
			}
			if reset != nil {
				reset()
			}
			continue
		case errors.Is(err, sys.ENOTSUPP):
			return fmt.Errorf("kernel doesn't support running %s: %w", p.Type(), ErrNotSupported)
		}
		return err
	}
}
