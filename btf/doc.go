// Package btf reads, writes and loads BPF Type Format (BTF) type information.
//
// BTF describes the C types of a BPF object or of the kernel: a blob holds a
// table of types, referring to each other by TypeID, and a table of names.
// This package turns such a blob into a graph of Go values (*Int, *Struct,
// *Pointer, ...) that implement Type, held by a Spec.
//
// A Spec decodes lazily: loading it keeps the raw bytes and builds an index
// of type offsets and names, and a type is only turned into Go values, with
// everything it refers to, when a lookup asks for it. Looking the same type up
// twice returns the same pointer, so types obtained from a Spec can be
// compared with ==.
//
// The graph may contain cycles (a struct pointing to itself); Copy and
// Spec.Copy preserve them.
package btf
