// Package btf reads, writes and loads BPF Type Format (BTF) type information.
package btf
