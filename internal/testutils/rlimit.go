package testutils

import "golang.org/x/sys/unix"

// Kernels before 5.11 charge BPF memory against RLIMIT_MEMLOCK, which is
// tiny by default. Lifting it is harmless on newer kernels. Without
// CAP_SYS_RESOURCE only the soft limit can be raised, up to the hard one;
// failure only matters on old kernels.
func init() {
	unlimited := unix.Rlimit{Cur: unix.RLIM_INFINITY, Max: unix.RLIM_INFINITY}
	if unix.Setrlimit(unix.RLIMIT_MEMLOCK, &unlimited) == nil {
		return
	}

	var rlim unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_MEMLOCK, &rlim) == nil && rlim.Cur < rlim.Max {
		rlim.Cur = rlim.Max
		_ = unix.Setrlimit(unix.RLIMIT_MEMLOCK, &rlim)
	}
}
