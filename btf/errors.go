package btf

import (
	"errors"

	"github.com/bpfcore/ebpf/internal"
)

// ErrNotSupported is returned when the running kernel lacks a BTF feature
// that an operation needs. It is the same value as ebpf.ErrNotSupported.
var ErrNotSupported = internal.ErrNotSupported

// Errors returned by the functions of this package. Match them with
// errors.Is: they are usually wrapped with the name of what failed.
var (
	// ErrNotFound is returned when a type, ID or section does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNoExtendedInfo is exported for compatibility and never returned.
	ErrNoExtendedInfo = errors.New("no extended info")
	// ErrMultipleMatches is returned when a lookup by name that must be
	// unambiguous finds more than one type.
	ErrMultipleMatches = errors.New("multiple matching types")
)

var (
	// errUnsizedType is wrapped by Sizeof for types that have no size.
	errUnsizedType = errors.New("type is unsized")
	// errNestedTooDeep is returned when resolving a type needs more than
	// maxResolveDepth steps.
	errNestedTooDeep = errors.New("nested too deep")
)
