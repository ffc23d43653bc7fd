package internal

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// PossibleCPUs returns the number of CPUs the kernel could ever bring
// online, which is the number of slots in a per-CPU map value. It reads
// /sys/devices/system/cpu/possible once per process and returns an error if
// the file cannot be read or has an unexpected form.
var PossibleCPUs = sync.OnceValues(func() (int, error) {
	const path = "/sys/devices/system/cpu/possible"
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	n, err := parseCPUs(string(data))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
})

// parseCPUs parses a CPU list of the form "0" or "0-N" (optionally followed
// by a newline) and returns the number of CPUs in it.
//
// Other lists, with several ranges or not starting at CPU 0, are rejected:
// per-CPU map values are laid out as if the possible CPUs were numbered
// contiguously from 0, so such a list would mean a miscount.
func parseCPUs(spec string) (int, error) {
	spec = strings.TrimSuffix(spec, "\n")
	if strings.Contains(spec, ",") {
		return 0, fmt.Errorf("cpu list %q: multiple ranges are not supported", spec)
	}

	first, last, isRange := strings.Cut(spec, "-")
	lo, err := strconv.ParseUint(first, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("cpu list %q: %w", spec, err)
	}
	if lo != 0 {
		return 0, fmt.Errorf("cpu list %q: does not start at cpu 0", spec)
	}
	if !isRange {
		return 1, nil
	}

	hi, err := strconv.ParseUint(last, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("cpu list %q: %w", spec, err)
	}
	return int(hi) + 1, nil
}
