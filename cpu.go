package ebpf

import "github.com/bpfcore/ebpf/internal"

// PossibleCPU returns the number of CPUs the kernel could ever bring online,
// which is the number of slots in a value of a per-CPU map.
//
// It reads /sys/devices/system/cpu/possible once per process. It returns an
// error if that file cannot be read, or lists several ranges or a range that
// does not start at CPU 0.
func PossibleCPU() (int, error) {
	return internal.PossibleCPUs()
}

// MustPossibleCPU is PossibleCPU for callers that cannot continue without
// the number. It panics if PossibleCPU returns an error.
func MustPossibleCPU() int {
	cpus, err := PossibleCPU()
	if err != nil {
		panic(err)
	}
	return cpus
}
