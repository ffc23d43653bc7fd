package sys

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Leak tracing records the creation stack of every FD while enabled, so that
// a descriptor closed by the garbage collector instead of Close can be traced
// back to the code that opened it.
var (
	tracing atomic.Bool

	traceMu     sync.Mutex
	onLeak      func(*runtime.Frames)
	traces      map[uint64][]uintptr
	nextTraceID uint64
)

// maxTraceDepth limits how many frames of a creation stack are kept.
const maxTraceDepth = 32

// OnLeakFD controls FD leak tracing.
//
// With a non-nil fn, tracing starts for every FD created from now on, and fn
// is called with the creation stack of each traced FD that the garbage
// collector closes instead of Close. Calling it again with another non-nil
// fn replaces the callback and keeps the recorded stacks.
//
// With a nil fn, tracing stops and the previous fn is called once for every
// traced FD that is still open: at that point they count as leaked.
func OnLeakFD(fn func(*runtime.Frames)) {
	traceMu.Lock()
	if fn != nil {
		onLeak = fn
		if traces == nil {
			traces = make(map[uint64][]uintptr)
		}
		tracing.Store(true)
		traceMu.Unlock()
		return
	}

	tracing.Store(false)
	report, open := onLeak, traces
	onLeak, traces = nil, nil
	traceMu.Unlock()

	if report == nil {
		return
	}
	ids := make([]uint64, 0, len(open))
	for id := range open {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		report(runtime.CallersFrames(open[id]))
	}
}

// recordTrace stores the stack of newFD's caller and returns its id.
func recordTrace() uint64 {
	pcs := make([]uintptr, maxTraceDepth)
	// Skip runtime.Callers, recordTrace and newFD.
	pcs = pcs[:runtime.Callers(3, pcs)]

	traceMu.Lock()
	defer traceMu.Unlock()
	if traces == nil {
		return 0
	}
	nextTraceID++
	traces[nextTraceID] = pcs
	return nextTraceID
}

// forgetTrace drops the stack of an FD that is being closed properly.
func forgetTrace(fd *FD) {
	if fd.trace == 0 {
		return
	}
	traceMu.Lock()
	delete(traces, fd.trace)
	traceMu.Unlock()
	fd.trace = 0
}

// reportLeak hands the creation stack of an FD reached by its finalizer to
// the OnLeakFD callback.
func reportLeak(fd *FD) {
	if fd.trace == 0 {
		return
	}
	traceMu.Lock()
	pcs, ok := traces[fd.trace]
	report := onLeak
	delete(traces, fd.trace)
	traceMu.Unlock()
	fd.trace = 0

	if ok && report != nil {
		report(runtime.CallersFrames(pcs))
	}
}

// FormatFrames renders a stack as one "function\n\tfile:line" pair per frame.
func FormatFrames(frames *runtime.Frames) string {
	var sb strings.Builder
	for {
		frame, more := frames.Next()
		if frame.Function != "" || frame.File != "" {
			fmt.Fprintf(&sb, "%s\n\t%s:%d\n", frame.Function, frame.File, frame.Line)
		}
		if !more {
			break
		}
	}
	return sb.String()
}
