package ebpf

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/sysenc"
)

// MapIterator walks the entries of a map. It is not safe for concurrent
// use.
//
// The kernel hands out keys one after the other (BPF_MAP_GET_NEXT_KEY) and
// the iterator looks each value up. Entries deleted during the walk are
// skipped. A hash map changed during the walk may start over from its first
// key; the iterator gives up after MaxEntries+1 steps with an error
// wrapping ErrIterationAborted rather than walk forever.
type MapIterator struct {
	target *Map
	// cursor holds the key of the current entry; the kernel reads the
	// previous key from it and writes the next one into it.
	cursor  []byte
	started bool
	// steps counts next-key requests of this traversal.
	steps    uint32
	maxSteps uint32
	done     bool
	err      error
}

func newMapIterator(target *Map) *MapIterator {
	return &MapIterator{
		target:   target,
		cursor:   make([]byte, target.keySize),
		maxSteps: target.maxEntries + 1,
	}
}

// Next decodes the next entry into keyOut and valueOut, by the rules of
// Lookup and NextKey, and reports whether there was one. It does not
// allocate for fixed-size keys and values.
//
// It returns false at the end of the map, or when an error occurred; Err
// tells which.
func (mi *MapIterator) Next(keyOut, valueOut interface{}) bool {
	if mi.err != nil || mi.done {
		return false
	}

	for mi.steps < mi.maxSteps {
		mi.steps++

		var prev sys.Pointer
		if mi.started {
			prev = sys.NewSlicePointer(mi.cursor)
		}
		err := mi.target.nextKeyPtr(prev, sys.NewSlicePointer(mi.cursor))
		if errors.Is(err, ErrKeyNotExist) {
			mi.done = true
			return false
		}
		if err != nil {
			mi.err = fmt.Errorf("get next key: %w", err)
			return false
		}
		mi.started = true

		err = mi.target.lookupIntoPtr(sys.BPF_MAP_LOOKUP_ELEM, sys.NewSlicePointer(mi.cursor), valueOut, 0)
		if errors.Is(err, ErrKeyNotExist) {
			// Deleted since the kernel returned it, or an empty slot of a
			// map-of-maps or program array.
			continue
		}
		if err != nil {
			mi.err = fmt.Errorf("look up next key: %w", err)
			return false
		}

		if err := mi.copyKey(keyOut); err != nil {
			mi.err = fmt.Errorf("decode key: %w", err)
			return false
		}
		return true
	}

	mi.err = fmt.Errorf("%w: %s has no end after %d next-key steps (MaxEntries+1): it changes under the iterator",
		ErrIterationAborted, mi.target, mi.maxSteps)
	return false
}

func (mi *MapIterator) copyKey(keyOut any) error {
	if ptr, ok := keyOut.(unsafe.Pointer); ok {
		copy(unsafe.Slice((*byte)(ptr), len(mi.cursor)), mi.cursor)
		return nil
	}
	return sysenc.Unmarshal(keyOut, mi.cursor)
}

// Err returns the error that ended the iteration, or nil if it ended at the
// end of the map.
func (mi *MapIterator) Err() error {
	return mi.err
}
