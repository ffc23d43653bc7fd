package testutils

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fdSettleTime is how long finalizers get to close unreachable FDs before
// descriptors are counted again.
const fdSettleTime = 10 * time.Millisecond

// runtimeFDs are targets of descriptors the Go runtime opens lazily (the
// network poller), which are not leaks of the code under test.
var runtimeFDs = []string{"anon_inode:[eventpoll]", "anon_inode:[eventfd]", "anon_inode:[pidfd]"}

// CheckFDLeaks fails the test if it ends with more open descriptors than it
// started with, listing what the leaked ones point at. Unreachable FDs are
// given a garbage collection and a moment to be finalized first, so only
// descriptors still referenced, or lost without a finalizer, count.
//
// It looks at the whole process, so it must not be used by tests that run
// in parallel with others.
func CheckFDLeaks(tb testing.TB) {
	tb.Helper()
	before, err := openFDs()
	if err != nil {
		tb.Fatal("list open fds:", err)
	}

	tb.Cleanup(func() {
		runtime.GC()
		time.Sleep(fdSettleTime)
		runtime.GC()

		after, err := openFDs()
		if err != nil {
			tb.Error("list open fds:", err)
			return
		}

		var leaked []string
		for fd, target := range after {
			if before[fd] == target || slices.Contains(runtimeFDs, target) {
				continue
			}
			leaked = append(leaked, fmt.Sprintf("fd %d -> %s", fd, target))
		}
		if len(after) > len(before) && len(leaked) > 0 {
			slices.Sort(leaked)
			tb.Errorf("%d fd(s) leaked (%d open before, %d after):\n\t%s",
				len(leaked), len(before), len(after), strings.Join(leaked, "\n\t"))
		}
	})
}

// openFDs maps the open descriptors of the process to their readlink
// targets, leaving out the one used to list them.
func openFDs() (map[int]string, error) {
	const dir = "/proc/self/fd"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}

	fds := make(map[int]string, len(entries))
	for _, entry := range entries {
		fd, err := strconv.Atoi(entry.Name())
		if err != nil {
			continue
		}
		target, err := os.Readlink(dir + "/" + entry.Name())
		if err != nil {
			// The directory's own descriptor is closed by now.
			continue
		}
		fds[fd] = target
	}
	return fds, nil
}
