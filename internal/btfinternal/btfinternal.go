// Package btfinternal holds entry points into package btf that the rest of
// this module uses but that are not part of btf's API. Package btf can't
// export them without widening its API, and other packages can't call its
// unexported functions, so btf registers them here when it is initialised.
//
// The values are *btf.Spec and *btf.ExtInfos; callers assert the types.
package btfinternal

import (
	"debug/elf"

	"github.com/bpfcore/ebpf/internal"
)

// KernelSpec returns the *btf.Spec of vmlinux that the library shares for
// the process, loading it on first use, until btf.FlushKernelSpec.
// btf.LoadKernelSpec returns a copy on every call because callers may modify
// the types they get, and a copy decodes every type it is asked for again,
// which for vmlinux means megabytes per program. The loader only reads
// kernel types, so it uses this Spec instead, which decodes each type once.
// Everyone sees the same types: nothing may modify them.
//
// It returns an error if the kernel's BTF can't be loaded.
var KernelSpec func() (any, error)

// KernelModuleSpec is KernelSpec for the named kernel module, split on top
// of vmlinux. It returns an error wrapping fs.ErrNotExist if the module has
// no BTF.
var KernelModuleSpec func(name string) (any, error)

// LoadSpecAndExtInfosFromELF is btf.LoadSpecAndExtInfosFromReader for an
// ELF the caller parsed already, so that the ELF reader doesn't make btf
// parse the file a second time. symbols is the file's symbol table as
// file.Symbols returns it, which btf needs to lay out data sections; nil
// makes btf read it. It returns the *btf.Spec and *btf.ExtInfos (nil
// without .BTF.ext), and an error wrapping btf.ErrNotFound if there is no
// .BTF section.
var LoadSpecAndExtInfosFromELF func(file *internal.SafeELFFile, symbols []elf.Symbol) (spec, extInfos any, err error)
