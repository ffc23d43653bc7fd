package btf

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// CO-RE (compile once, run everywhere) adjusts a program compiled against
// one set of types to the types of the kernel it is loaded into. clang
// records, for each instruction that depends on a type, which aspect of the
// type it used (CORERelocation); CORERelocate looks the same aspect up in the
// target types and returns COREFixups, which Apply writes into the
// instructions. The matching rules are libbpf's (tools/lib/bpf/relo_core.c).

var (
	// errIncompatibleTypes is wrapped when a local and a target type can't
	// describe the same thing.
	errIncompatibleTypes = errors.New("incompatible types")
	// errImpossibleRelocation is wrapped when a target type doesn't have
	// what a relocation asks for, so that it is not a candidate.
	errImpossibleRelocation = errors.New("impossible relocation")
	// errAmbiguousRelocation is returned when several equally good target
	// candidates give different results for one relocation.
	errAmbiguousRelocation = errors.New("ambiguous relocation")
	// errNoSignedness is wrapped by signed relocations of fields that are
	// neither integers nor enums.
	errNoSignedness = errors.New("no signedness")
)

// CORERelocate resolves CO-RE relocations against the target specs.
//
// targets must hold at least one Spec, and all of them must have byte order
// bo: the first is the kernel's (vmlinux) BTF, where target type IDs are
// looked up, the others module BTF. resolveLocalTypeID is called for
// local_type_id relocations with the local type and must return the ID the
// type will have in the program's BTF.
//
// It returns one COREFixup per relocation, in the order of relos. A
// relocation that can't be satisfied gives a poisoned fixup, not an error.
// It returns an error for malformed relocations, relocations of anonymous
// types (wrapping ErrNotSupported), candidates that give different results
// (ambiguous relocation) and a failing resolveLocalTypeID.
func CORERelocate(relos []*CORERelocation, targets []*Spec, bo binary.ByteOrder, resolveLocalTypeID func(Type) (TypeID, error)) ([]COREFixup, error) {
	if len(targets) == 0 {
		return nil, errors.New("CO-RE relocation needs at least one target spec")
	}
	for i, target := range targets {
		if target == nil {
			return nil, fmt.Errorf("CO-RE target %d is nil", i)
		}
		if tbo := target.byteOrder(); tbo != bo {
			return nil, fmt.Errorf("can't relocate %s against %s target %d", bo, tbo, i)
		}
	}

	fixups := make([]COREFixup, len(relos))
	groups, err := groupCORERelocations(relos, fixups, resolveLocalTypeID)
	if err != nil {
		return nil, err
	}

	for _, group := range groups {
		if err := group.relocate(targets, bo, fixups); err != nil {
			return nil, err
		}
	}
	return fixups, nil
}

// coreGroup is the relocations sharing one local root type. They are
// resolved together: the candidate target type that satisfies most of them
// wins.
type coreGroup struct {
	typ     Type
	relos   []*CORERelocation
	indices []int
}

// groupCORERelocations resolves local_type_id relocations right away, into
// fixups, and groups the others by local type, in order of appearance.
func groupCORERelocations(relos []*CORERelocation, fixups []COREFixup, resolveLocalTypeID func(Type) (TypeID, error)) ([]coreGroup, error) {
	var (
		groups  []coreGroup
		byLocal = make(map[Type]int)
	)
	for i, relo := range relos {
		if relo == nil || relo.typ == nil {
			return nil, fmt.Errorf("CO-RE relocation %d: no local type", i)
		}
		if !relo.kind.valid() {
			return nil, fmt.Errorf("%s: unsupported relocation kind", relo)
		}

		if relo.kind == reloTypeIDLocal {
			fixup, err := coreLocalTypeIDFixup(relo, resolveLocalTypeID)
			if err != nil {
				return nil, err
			}
			fixups[i] = fixup
			continue
		}

		g, ok := byLocal[relo.typ]
		if !ok {
			g = len(groups)
			byLocal[relo.typ] = g
			groups = append(groups, coreGroup{typ: relo.typ})
		}
		groups[g].relos = append(groups[g].relos, relo)
		groups[g].indices = append(groups[g].indices, i)
	}
	return groups, nil
}

func coreLocalTypeIDFixup(relo *CORERelocation, resolveLocalTypeID func(Type) (TypeID, error)) (COREFixup, error) {
	if len(relo.accessor) != 1 || relo.accessor[0] != 0 {
		return COREFixup{}, fmt.Errorf("%s: accessor %s: want 0", relo, relo.accessor)
	}
	if resolveLocalTypeID == nil {
		return COREFixup{}, fmt.Errorf("%s: no way to resolve local type IDs", relo)
	}
	id, err := resolveLocalTypeID(relo.typ)
	if err != nil {
		return COREFixup{}, fmt.Errorf("%s: resolve local type ID: %w", relo, err)
	}
	return COREFixup{kind: relo.kind, local: uint64(relo.id), target: uint64(id), relo: relo}, nil
}

// relocate finds the candidates for the group's local type in all targets
// and stores the resulting fixups at the group's indices.
func (g *coreGroup) relocate(targets []*Spec, bo binary.ByteOrder, fixups []COREFixup) error {
	name := g.typ.TypeName()
	if name == "" {
		return fmt.Errorf("relocate anonymous type %s: %w", g.typ, ErrNotSupported)
	}

	candidates, err := coreCandidates(essentialName(name), targets)
	if err != nil {
		return fmt.Errorf("relocate %s: %w", g.typ, err)
	}

	result, err := coreCalculateFixups(g.relos, candidates, bo)
	if err != nil {
		return fmt.Errorf("relocate %s: %w", g.typ, err)
	}
	for j, i := range g.indices {
		fixups[i] = result[j]
	}
	return nil
}

// coreTarget is a candidate target type for a local type.
type coreTarget struct {
	typ Type
	// id is the ID of typ in the vmlinux spec (the first target), 0 if the
	// type comes from another spec. Target type IDs only refer to vmlinux.
	id TypeID
}

// coreCandidates returns the types of all targets whose essential name is
// ess: those of vmlinux first, in ID order, then those of each module.
func coreCandidates(ess string, targets []*Spec) ([]coreTarget, error) {
	var candidates []coreTarget
	for i, target := range targets {
		types, err := target.typesByEssentialName(ess)
		if err != nil {
			return nil, fmt.Errorf("target %d: %w", i, err)
		}
		for _, typ := range types {
			var id TypeID
			if i == 0 {
				if id, err = target.TypeID(typ); err != nil {
					return nil, fmt.Errorf("target %d: %w", i, err)
				}
			}
			candidates = append(candidates, coreTarget{typ, id})
		}
	}
	return candidates, nil
}

// coreCalculateFixups computes the fixups of relocations that share one
// local type against every candidate and picks the candidate that satisfies
// most of them. Candidates that satisfy equally many must agree on every
// value, else the result is an error wrapping errAmbiguousRelocation.
//
// Without candidates, existence relocations resolve to 0 and all others are
// poisoned. The local side is checked in any case, so a malformed relocation
// is an error even if nothing matches.
func coreCalculateFixups(relos []*CORERelocation, candidates []coreTarget, bo binary.ByteOrder) ([]COREFixup, error) {
	var (
		best       []COREFixup
		bestTarget Type
		bestScore  = len(relos) + 1
		scratch    []COREFixup
	)

	for _, candidate := range candidates {
		fixups := scratch[:0]
		score := 0
		for _, relo := range relos {
			fixup, err := coreCalculateFixup(relo, &candidate, bo)
			if err != nil {
				return nil, fmt.Errorf("candidate %s: %w", candidate.typ, err)
			}
			if fixup.poison || fixup.isNonExistent() {
				score++
			}
			fixups = append(fixups, fixup)
		}

		switch {
		case score > bestScore:
			scratch = fixups
		case score < bestScore:
			// Keep the winner, recycle the loser's storage.
			best, scratch = fixups, best
			bestTarget, bestScore = candidate.typ, score
		default:
			for i := range best {
				if !best[i].sameResult(&fixups[i]) {
					return nil, fmt.Errorf("%s: %w: %s against %s, %s against %s", relos[i],
						errAmbiguousRelocation, best[i].resultString(), bestTarget, fixups[i].resultString(), candidate.typ)
				}
			}
			scratch = fixups
		}
	}

	if best != nil {
		return best, nil
	}

	// No candidate at all.
	best = make([]COREFixup, 0, len(relos))
	for _, relo := range relos {
		fixup, err := coreCalculateFixup(relo, nil, bo)
		if err != nil {
			return nil, err
		}
		best = append(best, fixup)
	}
	return best, nil
}

// coreCalculateFixup computes the fixup of one relocation against one
// target, or against no target at all if target is nil.
//
// A target that can't satisfy the relocation gives a poisoned fixup, or for
// existence kinds a fixup with target value 0. Errors are for relocations
// that are malformed or unsupported on the local side, or target types that
// break the rules in ways that make the result meaningless.
func coreCalculateFixup(relo *CORERelocation, target *coreTarget, bo binary.ByteOrder) (COREFixup, error) {
	var (
		fixup COREFixup
		err   error
	)
	switch {
	case relo.kind.isType():
		fixup, err = coreTypeFixup(relo, target)
	case relo.kind.isEnumval():
		fixup, err = coreEnumvalFixup(relo, target)
	case relo.kind.isField():
		fixup, err = coreFieldFixup(relo, target, bo)
	default:
		err = errors.New("unsupported relocation kind")
	}
	if err != nil {
		return COREFixup{}, fmt.Errorf("%s: %w", relo, err)
	}

	fixup.kind = relo.kind
	fixup.relo = relo
	return fixup, nil
}

// coreTypeFixup handles the kinds that describe the root type as a whole.
func coreTypeFixup(relo *CORERelocation, target *coreTarget) (COREFixup, error) {
	if len(relo.accessor) != 1 || relo.accessor[0] != 0 {
		return COREFixup{}, fmt.Errorf("accessor %s: want 0", relo.accessor)
	}

	var local uint64
	switch relo.kind {
	case reloTypeIDTarget:
		local = uint64(relo.id)
	case reloTypeSize:
		size, err := Sizeof(relo.typ)
		if err != nil {
			return COREFixup{}, fmt.Errorf("local type: %w", err)
		}
		local = uint64(size)
	default: // exists, matches
		local = 1
	}

	matched := false
	if target != nil {
		var err error
		if relo.kind == reloTypeMatches {
			err = coreTypesMatch(relo.typ, target.typ)
		} else {
			err = coreRootsCompatible(relo.typ, target.typ)
		}
		if err != nil && !errors.Is(err, errIncompatibleTypes) {
			return COREFixup{}, err
		}
		matched = err == nil
	}

	if !matched {
		if relo.kind.checksForExistence() {
			return COREFixup{local: local, target: 0}, nil
		}
		return COREFixup{local: local, poison: true}, nil
	}

	switch relo.kind {
	case reloTypeIDTarget:
		if target.id == 0 {
			// The type is only in module BTF, which target type IDs
			// can't refer to.
			return COREFixup{local: local, poison: true}, nil
		}
		// clang writes the ID the type has in the object, which the
		// linker may have changed since: don't insist on it, like libbpf.
		return COREFixup{local: local, target: uint64(target.id), skipLocalValidation: true}, nil

	case reloTypeSize:
		size, err := Sizeof(target.typ)
		if err != nil {
			return COREFixup{}, fmt.Errorf("target %s: %w", target.typ, err)
		}
		return COREFixup{local: local, target: uint64(size)}, nil

	default:
		return COREFixup{local: local, target: 1}, nil
	}
}

// coreRootsCompatible is coreAreTypesCompatible for the root types of a
// relocation, which must also be of the same kind before Typedefs and
// qualifiers are skipped: a local typedef doesn't match a target struct of
// the same name.
func coreRootsCompatible(local, target Type) error {
	if !sameKind(local, target) {
		return fmt.Errorf("%s and %s: %w", local, target, errIncompatibleTypes)
	}
	return coreAreTypesCompatible(local, target)
}

// coreEnumvalFixup handles the enumerator kinds.
func coreEnumvalFixup(relo *CORERelocation, target *coreTarget) (COREFixup, error) {
	var (
		localValue, targetValue *EnumValue
		err                     error
	)
	if target == nil {
		localValue, err = relo.accessor.enumValue(relo.typ)
	} else {
		localValue, targetValue, err = coreFindEnumValue(relo.typ, relo.accessor, target.typ)
		if errors.Is(err, errImpossibleRelocation) {
			err = nil
		}
	}
	if err != nil {
		return COREFixup{}, err
	}

	if targetValue == nil {
		if relo.kind == reloEnumvalExists {
			return COREFixup{local: 1, target: 0}, nil
		}
		return COREFixup{local: localValue.Value, poison: true}, nil
	}
	if relo.kind == reloEnumvalExists {
		return COREFixup{local: 1, target: 1}, nil
	}
	return COREFixup{local: localValue.Value, target: targetValue.Value}, nil
}

// coreFindEnumValue returns the enumerator that accessor selects in local
// and the target enumerator with the same essential name.
//
// It returns an error wrapping errImpossibleRelocation, with the local value
// set, if target isn't an enum or has no such enumerator, and other errors
// if the local side is malformed.
func coreFindEnumValue(local Type, accessor coreAccessor, target Type) (localValue, targetValue *EnumValue, _ error) {
	localValue, err := accessor.enumValue(local)
	if err != nil {
		return nil, nil, err
	}

	targetEnum, ok := As[*Enum](target)
	if !ok {
		return localValue, nil, fmt.Errorf("target %s is not an enum: %w", target, errImpossibleRelocation)
	}

	name := essentialName(localValue.Name)
	for i := range targetEnum.Values {
		if essentialName(targetEnum.Values[i].Name) == name {
			return localValue, &targetEnum.Values[i], nil
		}
	}
	return localValue, nil, fmt.Errorf("no value %q in %s: %w", localValue.Name, target, errImpossibleRelocation)
}
