// Package kernelbtf lets the library's own packages share the decoded BTF of
// the running kernel that package btf caches for the process.
//
// btf.LoadKernelSpec returns a copy on every call, because callers may
// modify the types they get. The loader only reads kernel types, and a copy
// decodes every type it is asked for again, which for vmlinux means
// megabytes per program. Package btf can't export a non-copying accessor
// without widening its API, so it registers one here when it is initialised.
//
// The values are *btf.Spec. Everyone who calls these functions sees the same
// types and must never modify them.
package kernelbtf

// Kernel returns the shared *btf.Spec of vmlinux, loading it on first use
// until btf.FlushKernelSpec. It is set by package btf; it returns an error
// if the kernel's BTF can't be loaded.
var Kernel func() (any, error)

// Module returns the shared *btf.Spec of the named kernel module, split on
// top of the one of Kernel, with the same lifetime. It is set by package
// btf; it returns an error wrapping fs.ErrNotExist if the module has no BTF.
var Module func(name string) (any, error)
