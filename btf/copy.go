package btf

// Copy returns a deep copy of typ and of every type reachable from it.
//
// Sharing and cycles are preserved: a type that is reachable along several
// paths is copied once. Copy(nil) returns nil.
func Copy(typ Type) Type {
	if typ == nil {
		return nil
	}
	return copyType(typ, make(map[Type]Type))
}

// copyType deep copies typ, recording every original → copy pair in copies.
// Types already present in copies are not copied again, which lets several
// calls share one graph (Spec.Copy relies on this).
func copyType(typ Type, copies map[Type]Type) Type {
	if typ == nil {
		return nil
	}
	if cpy, ok := copies[typ]; ok {
		return cpy
	}

	root := typ.copy()
	copies[typ] = root

	// Copies whose children still point at originals.
	work := []Type{root}
	replace := func(child *Type) bool {
		orig := *child
		if orig == nil {
			return true
		}
		if cpy, ok := copies[orig]; ok {
			*child = cpy
			return true
		}
		cpy := orig.copy()
		copies[orig] = cpy
		*child = cpy
		work = append(work, cpy)
		return true
	}

	for len(work) > 0 {
		t := work[len(work)-1]
		work = work[:len(work)-1]
		visitChildren(t, replace)
	}
	return root
}
