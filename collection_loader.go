package ebpf

import (
	"errors"
	"fmt"
	"slices"
)

// collectionLoader creates the maps and programs of a CollectionSpec on
// demand (LOADER.md §2.2–2.4). Each object is created at most once; asking
// for a program creates the maps it refers to first. Maps that hold other
// maps or programs are created empty and populated at the end, once
// everything they refer to exists; all other maps are written and frozen as
// soon as they are created, so that the verifier sees frozen .rodata.
//
// The loader owns what it created until the caller takes it out of maps and
// programs; close releases the rest.
type collectionLoader struct {
	spec     *CollectionSpec
	opts     *CollectionOptions
	maps     map[string]*Map
	programs map[string]*Program
	// populated holds the names of maps that hold maps or programs and
	// have been populated.
	populated map[string]bool
}

// newCollectionLoader checks that every replacement map names a map of the
// spec and is compatible with it, before anything is created.
func newCollectionLoader(spec *CollectionSpec, opts *CollectionOptions) (*collectionLoader, error) {
	if spec == nil {
		return nil, errors.New("nil CollectionSpec")
	}
	if opts == nil {
		opts = &CollectionOptions{}
	}

	for _, name := range sortedKeys(opts.MapReplacements) {
		mapSpec := spec.Maps[name]
		if mapSpec == nil {
			return nil, fmt.Errorf("replacement map %s not found in CollectionSpec", name)
		}
		if err := mapSpec.Compatible(opts.MapReplacements[name]); err != nil {
			return nil, fmt.Errorf("using replacement map %s: %w", name, err)
		}
	}

	return &collectionLoader{
		spec:      spec,
		opts:      opts,
		maps:      make(map[string]*Map),
		programs:  make(map[string]*Program),
		populated: make(map[string]bool),
	}, nil
}

// close releases every object the loader still owns.
func (cl *collectionLoader) close() {
	for _, m := range cl.maps {
		_ = m.Close()
	}
	for _, p := range cl.programs {
		_ = p.Close()
	}
	cl.maps, cl.programs = nil, nil
}

// loadMap returns the map called name, creating it if needed.
//
// It returns an error naming the map if the spec has no such map, or if it
// can't be created or, unless it holds maps or programs, written.
func (cl *collectionLoader) loadMap(name string) (*Map, error) {
	if m := cl.maps[name]; m != nil {
		return m, nil
	}

	spec := cl.spec.Maps[name]
	if spec == nil {
		return nil, fmt.Errorf("missing map %s", name)
	}

	if replacement, ok := cl.opts.MapReplacements[name]; ok {
		// The caller keeps the original and may close it at will.
		m, err := replacement.Clone()
		if err != nil {
			return nil, fmt.Errorf("replacement map %s: %w", name, err)
		}
		cl.maps[name] = m
		return m, nil
	}

	m, err := newMapWithOptions(spec, cl.opts.Maps)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", name, err)
	}

	if !spec.Type.canStoreMapOrProgram() {
		// Write and freeze it now: the verifier relies on frozen .rodata
		// to prune code that depends on constants.
		if err := m.finalize(spec); err != nil {
			_ = m.Close()
			return nil, fmt.Errorf("finalizing map %s: %w", name, err)
		}
	}

	cl.maps[name] = m
	return m, nil
}

// loadProgram returns the program called name, creating it and the maps it
// refers to if needed.
//
// It returns an error naming the program if the spec has no such program,
// its type is unspecified, a map it needs can't be created, or the kernel
// rejects it (a *VerifierError stays reachable with errors.As).
func (cl *collectionLoader) loadProgram(name string) (*Program, error) {
	if p := cl.programs[name]; p != nil {
		return p, nil
	}

	progSpec := cl.spec.Programs[name]
	if progSpec == nil {
		return nil, fmt.Errorf("unknown program %s", name)
	}
	if progSpec.Type == UnspecifiedProgram {
		return nil, fmt.Errorf("cannot load program %s: program type is unspecified", name)
	}

	// The caller's spec stays as it is: map references are resolved in a
	// copy.
	progSpec = progSpec.Copy()
	if err := cl.associateMaps(progSpec); err != nil {
		return nil, fmt.Errorf("program %s: %w", name, err)
	}

	prog, err := newProgramWithOptions(progSpec, cl.opts.Programs)
	if err != nil {
		return nil, fmt.Errorf("program %s: %w", name, err)
	}

	cl.programs[name] = prog
	return prog, nil
}

// associateMaps creates the maps that progSpec's map loads refer to by name
// and associates the instructions with them. A load whose instruction
// already holds a map fd (a positive 32-bit constant) was set up by the
// caller and is left alone: its map is not created. Such an instruction
// still needs an associated map, or the program load reports its
// reference as unsatisfied, as the reference library does. Loads of
// .kconfig values refer to no map by name; the program loader resolves
// them.
func (cl *collectionLoader) associateMaps(progSpec *ProgramSpec) error {
	insns := progSpec.Instructions
	for i := range insns {
		ins := &insns[i]
		if !ins.IsLoadFromMap() {
			continue
		}
		ref := ins.Reference()
		if ref == "" || int32(ins.Constant) > 0 {
			continue
		}

		m, err := cl.loadMap(ref)
		if err != nil {
			return err
		}
		if err := ins.AssociateMap(m); err != nil {
			return fmt.Errorf("instruction %d: map %s: %w", i, ref, err)
		}
	}
	return nil
}

// populateDeferredMaps writes the contents of the loaded maps that hold
// maps or programs, creating the objects the contents name. Populating a
// map can load programs that need further maps of this kind, so it repeats
// until every such map is populated.
//
// It returns an error naming the map and the object that could not be
// loaded or written.
func (cl *collectionLoader) populateDeferredMaps() error {
	for {
		var pending []string
		for name, m := range cl.maps {
			if m.Type().canStoreMapOrProgram() && !cl.populated[name] {
				pending = append(pending, name)
			}
		}
		if len(pending) == 0 {
			return nil
		}

		slices.Sort(pending)
		for _, name := range pending {
			if err := cl.populateMap(name); err != nil {
				return err
			}
			cl.populated[name] = true
		}
	}
}

// populateMap resolves the names in the contents of the map called name to
// loaded objects and writes them, then freezes the map if asked.
func (cl *collectionLoader) populateMap(name string) error {
	m := cl.maps[name]
	spec := cl.spec.Maps[name].Copy()

	for i, kv := range spec.Contents {
		objName, ok := kv.Value.(string)
		if !ok {
			continue
		}

		switch {
		case m.Type().canStoreProgram():
			prog, err := cl.loadProgram(objName)
			if err != nil {
				return fmt.Errorf("loading program %s, for map %s: %w", objName, name, err)
			}
			spec.Contents[i] = MapKV{kv.Key, prog}

		case m.Type().canStoreMap():
			inner, err := cl.loadMap(objName)
			if err != nil {
				return fmt.Errorf("loading inner map %s, for map %s: %w", objName, name, err)
			}
			spec.Contents[i] = MapKV{kv.Key, inner}
		}
	}

	if err := m.finalize(spec); err != nil {
		return fmt.Errorf("populating map %s: %w", name, err)
	}
	return nil
}
