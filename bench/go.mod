module github.com/bpfcore/ebpf/bench

go 1.24

require (
	github.com/bpfcore/ebpf v0.0.0
	github.com/cilium/ebpf v0.15.0
)

require (
	golang.org/x/exp v0.0.0-20230224173230-c95f2b4c22f2 // indirect
	golang.org/x/sys v0.33.0 // indirect
)

replace github.com/bpfcore/ebpf => ../
