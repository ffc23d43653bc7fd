package ebpf
