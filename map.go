package ebpf

import "github.com/bpfcore/ebpf/internal/sys"

// Map is a map loaded into the kernel.
type Map struct {
	fd *sys.FD
}
