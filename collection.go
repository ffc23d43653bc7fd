package ebpf

import (
	"errors"
	"fmt"
	"reflect"
)

// Collection is a set of loaded maps and programs, keyed by name.
//
// The Collection owns them until they are moved out with Assign,
// DetachMap or DetachProgram; Close releases the rest.
type Collection struct {
	Programs map[string]*Program
	Maps     map[string]*Map
}

var (
	programType     = reflect.TypeOf((*Program)(nil))
	mapType         = reflect.TypeOf((*Map)(nil))
	programSpecType = reflect.TypeOf((*ProgramSpec)(nil))
	mapSpecType     = reflect.TypeOf((*MapSpec)(nil))
)

// NewCollection creates every map and loads every program of spec, with
// default options. See NewCollectionWithOptions.
func NewCollection(spec *CollectionSpec) (*Collection, error) {
	return NewCollectionWithOptions(spec, CollectionOptions{})
}

// NewCollectionWithOptions creates every map of spec and loads every
// program whose type is not UnspecifiedProgram (those are left out).
// Maps named in opts.MapReplacements are not created: the Collection uses
// a clone of the given map, which the caller keeps owning. spec is not
// modified.
//
// It returns an error, and leaves nothing behind in the kernel, if a
// replacement map is not in spec or not compatible with its MapSpec
// (wrapping ErrMapIncompatible), or if a map or program can't be created;
// the error names the object ("map <name>: ", "program <name>: ") and a
// *VerifierError stays reachable with errors.As.
func NewCollectionWithOptions(spec *CollectionSpec, opts CollectionOptions) (*Collection, error) {
	loader, err := newCollectionLoader(spec, &opts)
	if err != nil {
		return nil, err
	}
	defer loader.close()

	// Maps first, so that a map that can't be created is reported as such
	// rather than as a failure of the first program that needs it.
	for _, name := range sortedKeys(spec.Maps) {
		if _, err := loader.loadMap(name); err != nil {
			return nil, err
		}
	}

	for _, name := range sortedKeys(spec.Programs) {
		if ps := spec.Programs[name]; ps != nil && ps.Type == UnspecifiedProgram {
			continue
		}
		if _, err := loader.loadProgram(name); err != nil {
			return nil, err
		}
	}

	if err := loader.populateDeferredMaps(); err != nil {
		return nil, err
	}

	// Ownership moves to the Collection: the loader must not close them.
	coll := &Collection{Programs: loader.programs, Maps: loader.maps}
	loader.programs, loader.maps = nil, nil
	return coll, nil
}

// LoadCollection reads the ELF object at file and loads all of it with
// NewCollection.
//
// It returns an error if the file can't be read or parsed, or if loading
// fails (see NewCollectionWithOptions).
func LoadCollection(file string) (*Collection, error) {
	spec, err := LoadCollectionSpec(file)
	if err != nil {
		return nil, err
	}
	return NewCollection(spec)
}

// Assign moves maps and programs of the collection into the fields of the
// struct that to points at, following the fields' `ebpf:"name"` tags: a
// *Map field gets the map of that name, a *Program field the program.
// Assigned objects are removed from the collection and are the caller's to
// close.
//
// It returns an error if to is not a pointer to a struct, a tagged field
// has another type, a name is missing from the collection, or a tag is
// malformed (see CollectionSpec.LoadAndAssign); the collection then keeps
// every object, though some fields may already be set.
func (coll *Collection) Assign(to interface{}) error {
	if coll == nil {
		return errors.New("nil Collection")
	}
	assignedMaps := make(map[string]bool)
	assignedProgs := make(map[string]bool)

	err := assignValues(to, func(typ reflect.Type, name string) (interface{}, error) {
		switch typ {
		case programType:
			if p := coll.Programs[name]; p != nil {
				assignedProgs[name] = true
				return p, nil
			}
			return nil, fmt.Errorf("missing program %q", name)

		case mapType:
			if m := coll.Maps[name]; m != nil {
				assignedMaps[name] = true
				return m, nil
			}
			return nil, fmt.Errorf("missing map %q", name)

		default:
			return nil, fmt.Errorf("unsupported type %s", typ)
		}
	})
	if err != nil {
		return err
	}

	for name := range assignedProgs {
		delete(coll.Programs, name)
	}
	for name := range assignedMaps {
		delete(coll.Maps, name)
	}
	return nil
}

// Close releases every map and program the collection still owns. Calling
// it again does nothing.
func (coll *Collection) Close() {
	for _, p := range coll.Programs {
		_ = p.Close()
	}
	for _, m := range coll.Maps {
		_ = m.Close()
	}
}

// DetachMap removes the map called name from the collection and returns
// it; the caller now closes it. It returns nil if there is no such map.
func (coll *Collection) DetachMap(name string) *Map {
	m := coll.Maps[name]
	delete(coll.Maps, name)
	return m
}

// DetachProgram removes the program called name from the collection and
// returns it; the caller now closes it. It returns nil if there is no such
// program.
func (coll *Collection) DetachProgram(name string) *Program {
	p := coll.Programs[name]
	delete(coll.Programs, name)
	return p
}

// Assign sets the fields of the struct that to points at to the specs of
// the collection, following the fields' `ebpf:"name"` tags: a *MapSpec
// field gets cs.Maps[name], a *ProgramSpec field cs.Programs[name]. The
// very pointers of the spec are assigned, not copies.
//
// It returns an error if to is not a pointer to a struct, a tagged field
// has another type, a name is missing, or a tag is malformed (see
// LoadAndAssign).
func (cs *CollectionSpec) Assign(to interface{}) error {
	if cs == nil {
		return errors.New("nil CollectionSpec")
	}
	return assignValues(to, func(typ reflect.Type, name string) (interface{}, error) {
		switch typ {
		case programSpecType:
			if p := cs.Programs[name]; p != nil {
				return p, nil
			}
			return nil, fmt.Errorf("missing program %q", name)

		case mapSpecType:
			if m := cs.Maps[name]; m != nil {
				return m, nil
			}
			return nil, fmt.Errorf("missing map %q", name)

		default:
			return nil, fmt.Errorf("unsupported type %s", typ)
		}
	})
}

// LoadAndAssign loads the maps and programs that the struct to points at
// asks for, and assigns them to its fields. Fields are matched by their
// `ebpf:"name"` tags: *Map fields get the map, *Program fields the program
// of that name. Untagged struct fields and non-nil pointers to structs are
// searched for more tags. Only the requested objects and what they need
// (maps they use, programs and maps that populate their maps) are created;
// the caller closes the assigned ones, everything else is closed before
// LoadAndAssign returns. opts may be nil.
//
// A ProgramArray with contents in the spec that is loaded but not assigned
// is an error: the kernel empties a program array once its last file
// descriptor closes, so its tail calls would silently fail.
//
// It returns an error naming the field and object if to is not a non-nil
// pointer to a struct, a tag contains a comma or names the same object
// twice, a field is unexported or of another type, or an object is missing
// or can't be loaded (see NewCollectionWithOptions). Then every object it
// created is closed again, including those already assigned: such fields
// are non-nil, with FD() -1.
func (cs *CollectionSpec) LoadAndAssign(to interface{}, opts *CollectionOptions) error {
	loader, err := newCollectionLoader(cs, opts)
	if err != nil {
		return err
	}
	defer loader.close()

	assignedMaps := make(map[string]bool)
	assignedProgs := make(map[string]bool)

	err = assignValues(to, func(typ reflect.Type, name string) (interface{}, error) {
		switch typ {
		case programType:
			assignedProgs[name] = true
			return loader.loadProgram(name)

		case mapType:
			assignedMaps[name] = true
			return loader.loadMap(name)

		default:
			return nil, fmt.Errorf("unsupported type %s", typ)
		}
	})
	if err != nil {
		return err
	}

	if err := loader.populateDeferredMaps(); err != nil {
		return err
	}

	for _, name := range sortedKeys(loader.maps) {
		if loader.maps[name].Type() != ProgramArray || assignedMaps[name] {
			continue
		}
		if len(cs.Maps[name].Contents) > 0 {
			return fmt.Errorf("ProgramArray %s must be assigned to prevent missed tail calls", name)
		}
	}

	// Ownership of the assigned objects moves to the caller.
	for name := range assignedMaps {
		delete(loader.maps, name)
	}
	for name := range assignedProgs {
		delete(loader.programs, name)
	}
	return nil
}
