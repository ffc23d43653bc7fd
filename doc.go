// Package ebpf reads eBPF object files compiled by clang and loads the maps
// and programs they describe into the Linux kernel.
//
// The usual path is LoadCollectionSpec to parse an ELF object into a
// CollectionSpec, optional edits of that spec (RewriteConstants,
// CollectionOptions.MapReplacements), then CollectionSpec.LoadAndAssign to
// create only the maps and programs a tagged struct asks for.
//
// The API mirrors the loader core of github.com/cilium/ebpf so that programs
// written against it only need their import path changed.
package ebpf
