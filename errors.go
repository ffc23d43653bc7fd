package ebpf

import (
	"errors"
	"strings"

	"github.com/bpfcore/ebpf/internal"
)

var (
	// ErrKeyNotExist is returned when a key is not in a map. Errors that wrap it
	// also wrap the kernel's ENOENT.
	ErrKeyNotExist = errors.New("key does not exist")
	// ErrKeyExist is returned when an update that must not overwrite finds the
	// key already present. Errors that wrap it also wrap the kernel's EEXIST.
	ErrKeyExist = errors.New("key already exists")
	// ErrIterationAborted is returned when a map iteration needs more steps
	// than the map has entries, which happens when a hash map changes under
	// the iterator.
	ErrIterationAborted = errors.New("iteration aborted")
	// ErrMapIncompatible is returned when an existing map cannot stand in for a
	// MapSpec: a pinned map, or one given in CollectionOptions.MapReplacements.
	ErrMapIncompatible = errors.New("map spec is incompatible with existing map")
)

// ErrNotSupported is wrapped by every error that means the running kernel
// lacks a feature.
var ErrNotSupported = internal.ErrNotSupported

// VerifierError is returned when the kernel rejects a program. It carries
// the verifier's log; print it with %+v to see the whole log.
type VerifierError = internal.VerifierError

// MissingConstantsError is returned by CollectionSpec.RewriteConstants when
// some of the constants to rewrite are not in any .rodata section.
type MissingConstantsError struct {
	// Constants are the names of the missing constants.
	Constants []string
}

// Error lists the missing constants.
func (m *MissingConstantsError) Error() string {
	return "some constants are missing from .rodata: " + strings.Join(m.Constants, ", ")
}
