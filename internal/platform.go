package internal

import "runtime"

// PlatformPrefix returns the prefix the kernel puts in front of syscall
// entry points on this architecture when it wraps them ("__x64_" for
// __x64_sys_bpf), or "" if the architecture is not known to do so.
func PlatformPrefix() string {
	switch runtime.GOARCH {
	case "386":
		return "__ia32_"
	case "amd64", "amd64p32":
		return "__x64_"
	case "arm", "armbe":
		return "__arm_"
	case "arm64", "arm64be":
		return "__arm64_"
	case "loong64":
		return "__loongarch_"
	case "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le":
		return "__mips_"
	case "ppc", "ppc64", "ppc64le":
		return "__powerpc_"
	case "riscv", "riscv64":
		return "__riscv_"
	case "s390":
		return "__s390_"
	case "s390x":
		return "__s390x_"
	default:
		return ""
	}
}
