package btf

import (
	"fmt"
	"reflect"
)

// Three relations decide whether a target type can stand in for a local one
// in CO-RE, from loosest to strictest:
//
//   - coreAreTypesCompatible (typesCompatible in compat.go, which
//     CheckTypeCompatibility shares), for type relocations (exists, size,
//     IDs): same kinds all the way down through pointers, arrays and
//     function prototypes; names, sizes and members don't matter.
//   - coreAreMembersCompatible, for the type of a field a field relocation
//     reaches: structs and unions are interchangeable, enums and forward
//     declarations need the same name.
//   - coreTypesMatch, for type_matches relocations: the layout has to
//     agree, member by member and enumerator by enumerator.

// sameKind reports whether two types are of the same kind (both *Struct,
// both *Int, ...).
func sameKind(a, b Type) bool {
	return reflect.TypeOf(a) == reflect.TypeOf(b)
}

// coreAreTypesCompatible is libbpf's bpf_core_types_are_compat, the
// relation of CheckTypeCompatibility (compat.go) with the CO-RE rules, for
// the root types of type relocations: floats are compatible like integers,
// types of different kinds are incompatible before anything else, and
// nesting deeper than 32 levels fails.
//
// It returns an error wrapping errIncompatibleTypes if the types aren't
// compatible, and a different error for kinds that can't be relocated (Var,
// Datasec, ...), Typedef loops or nesting too deep.
func coreAreTypesCompatible(local, target Type) error {
	return typesCompatible(local, target, coreCompat)
}

// coreAreMembersCompatible reports whether a target member's type can stand
// in for a local member's type in a field relocation (libbpf's
// bpf_core_fields_are_compat). After skipping qualifiers and Typedefs: any
// struct or union is compatible with any other; pointers, integers and
// floats with their own kind; enums and forward declarations need the same
// name without flavour, unless one is anonymous; arrays need compatible
// elements.
//
// It returns nil if the types are compatible and an error wrapping
// errIncompatibleTypes otherwise, including for kinds that can't be the
// type of a member, or errNestedTooDeep.
func coreAreMembersCompatible(local, target Type) error {
	for depth := 0; depth <= maxResolveDepth; depth++ {
		local, target = UnderlyingType(local), UnderlyingType(target)

		_, localComposite := local.(composite)
		_, targetComposite := target.(composite)
		if localComposite && targetComposite {
			return nil
		}
		if !sameKind(local, target) {
			return fmt.Errorf("%s and %s: %w", local, target, errIncompatibleTypes)
		}

		switch l := local.(type) {
		case *Pointer, *Int, *Float:
			return nil

		case *Enum, *Fwd:
			localName, targetName := essentialName(l.TypeName()), essentialName(target.TypeName())
			if localName == "" || targetName == "" || localName == targetName {
				return nil
			}
			return fmt.Errorf("%s and %s: names differ: %w", local, target, errIncompatibleTypes)

		case *Array:
			local, target = l.Type, target.(*Array).Type

		default:
			return fmt.Errorf("%s can't be the type of a member: %w", local, errIncompatibleTypes)
		}
	}
	return fmt.Errorf("compare %s and %s: %w", local, target, errNestedTooDeep)
}

// coreTypesMatch reports whether a target type matches a local type in the
// sense of type_matches relocations (libbpf's __bpf_core_types_match). The
// names of the roots are assumed to match already. After skipping
// qualifiers and Typedefs, both must be of the same kind and have matching
// names, and:
//
//   - integers: the same size and signedness;
//   - floats: the same size;
//   - enums: the same size, every local enumerator name in the target;
//   - structs and unions: every local member has a target member of the
//     same name with a matching type; behind a pointer only the kind
//     counts, and a forward declaration of that kind matches as well;
//   - pointers and arrays: matching targets, arrays of the same length;
//   - function prototypes: the same number of parameters, matching
//     parameter and return types.
//
// It returns nil on a match, an error wrapping errIncompatibleTypes if the
// types don't match and errNestedTooDeep if they nest more than 32 levels.
func coreTypesMatch(local, target Type) error {
	match, err := coreTypesMatchAt(local, target, false, maxResolveDepth)
	if err != nil {
		return err
	}
	if !match {
		return fmt.Errorf("%s doesn't match %s: %w", target, local, errIncompatibleTypes)
	}
	return nil
}

// coreTypesMatchAt reports whether the types match. It only returns an
// error if they nest too deep. It allocates nothing, which matters since
// comparing anonymous members tries many pairs that don't match.
func coreTypesMatchAt(local, target Type, behindPointer bool, level int) (bool, error) {
	if level <= 0 {
		return false, fmt.Errorf("compare %s and %s: %w", local, target, errNestedTooDeep)
	}

	for depth := 0; depth <= maxResolveDepth; depth++ {
		local, target = UnderlyingType(local), UnderlyingType(target)
		if !coreNamesMatch(local.TypeName(), target.TypeName()) {
			return false, nil
		}

		switch l := local.(type) {
		case *Void:
			_, ok := target.(*Void)
			return ok, nil

		case *Fwd:
			switch t := target.(type) {
			case *Fwd:
				return l.Kind == t.Kind, nil
			case *Struct:
				return behindPointer && l.Kind == FwdStruct, nil
			case *Union:
				return behindPointer && l.Kind == FwdUnion, nil
			}
			return false, nil

		case *Struct, *Union:
			if behindPointer {
				if fwd, ok := target.(*Fwd); ok {
					_, isUnion := local.(*Union)
					return (fwd.Kind == FwdUnion) == isUnion, nil
				}
				return sameKind(local, target), nil
			}
			if !sameKind(local, target) {
				return false, nil
			}
			return coreCompositesMatch(local.(composite), target.(composite), level)

		case *Enum:
			t, ok := target.(*Enum)
			return ok && coreEnumsMatch(l, t), nil

		case *Int:
			t, ok := target.(*Int)
			return ok && l.Size == t.Size && l.Encoding&Signed == t.Encoding&Signed, nil

		case *Float:
			t, ok := target.(*Float)
			return ok && l.Size == t.Size, nil

		case *Pointer:
			t, ok := target.(*Pointer)
			if !ok {
				return false, nil
			}
			behindPointer = true
			local, target = l.Target, t.Target

		case *Array:
			t, ok := target.(*Array)
			if !ok || l.Nelems != t.Nelems {
				return false, nil
			}
			local, target = l.Type, t.Type

		case *FuncProto:
			t, ok := target.(*FuncProto)
			if !ok || len(l.Params) != len(t.Params) {
				return false, nil
			}
			for i := range l.Params {
				match, err := coreTypesMatchAt(l.Params[i].Type, t.Params[i].Type, behindPointer, level-1)
				if err != nil || !match {
					return false, err
				}
			}
			local, target = l.Return, t.Return

		default:
			return false, nil
		}
	}
	return false, fmt.Errorf("compare %s and %s: %w", local, target, errNestedTooDeep)
}

// coreNamesMatch compares names without ___flavour suffixes. An anonymous
// target only matches an anonymous local.
func coreNamesMatch(local, target string) bool {
	if target == "" {
		return local == ""
	}
	return essentialName(local) == essentialName(target)
}

// coreCompositesMatch reports whether every local member has a target
// member of the same name whose type matches.
func coreCompositesMatch(local, target composite, level int) (bool, error) {
	localMembers, targetMembers := local.members(), target.members()
	if len(localMembers) > len(targetMembers) {
		return false, nil
	}

next:
	for _, lm := range localMembers {
		for _, tm := range targetMembers {
			if !coreNamesMatch(lm.Name, tm.Name) {
				continue
			}
			match, err := coreTypesMatchAt(lm.Type, tm.Type, false, level-1)
			if err != nil {
				return false, err
			}
			if match {
				continue next
			}
		}
		return false, nil
	}
	return true, nil
}

// coreEnumsMatch reports whether the enums have the same size and every
// local enumerator name is in the target.
func coreEnumsMatch(local, target *Enum) bool {
	if local.Size != target.Size || len(local.Values) > len(target.Values) {
		return false
	}

next:
	for _, lv := range local.Values {
		for _, tv := range target.Values {
			if coreNamesMatch(lv.Name, tv.Name) {
				continue next
			}
		}
		return false
	}
	return true
}
