package btf

import (
	"errors"
	"fmt"
)

// errUnsupportedCompatKind is wrapped by CheckTypeCompatibility for kinds
// that compatibility isn't defined for, such as Var or Datasec.
var errUnsupportedCompatKind = errors.New("type kind not supported by compatibility check")

// CheckTypeCompatibility checks local and target types for compatibility
// according to CO-RE rules (libbpf's "types are compatible").
//
// Typedefs and qualifiers are skipped on both sides, then both types must
// be of the same kind. Structs, unions, enums, forward declarations, ints
// and void are compatible regardless of name and size. Pointers and arrays
// are compatible if their targets or elements are (array lengths don't
// matter), function prototypes if they have as many parameters and
// compatible return and parameter types. Cycles are fine.
//
// It returns an error wrapping an "incompatible types" sentinel if the
// types are not compatible, and a different error for kinds the check
// doesn't support (Var, Datasec, Func, Float, ...).
func CheckTypeCompatibility(localType Type, targetType Type) error {
	return typesCompatible(localType, targetType, exportedCompat)
}

// compatRules are where the two users of typesCompatible differ.
type compatRules struct {
	// floats makes Float a kind like Int, compatible with any Float.
	// Otherwise floats can't be compared at all.
	floats bool
	// kindsFirst reports types of different kinds as incompatible even if
	// one of the kinds can't be compared. Otherwise such a kind is an
	// error of its own, whatever the other side.
	kindsFirst bool
	// maxDepth, if not zero, is how many pointers, arrays and function
	// prototypes deep the comparison may go before it fails with
	// errNestedTooDeep. Without it, the comparison goes as deep as the
	// types do.
	maxDepth int
}

var (
	// exportedCompat are the rules of CheckTypeCompatibility, which the
	// loader uses for kfunc prototypes.
	exportedCompat = compatRules{}
	// coreCompat are the rules of CO-RE type relocations
	// (coreAreTypesCompatible), after libbpf: floats are compatible, and
	// nesting is bounded like every other walk in CO-RE.
	coreCompat = compatRules{floats: true, kindsFirst: true, maxDepth: maxResolveDepth}
)

// compatPair is a pair of local and target types under comparison.
type compatPair struct{ local, target Type }

// typesCompatible is libbpf's bpf_core_types_are_compat under rules.
// Qualifiers and Typedefs are skipped, then both types must be of the same
// kind: structs, unions, enums, forward declarations, integers and void
// (and floats, if rules allow) are compatible regardless of name and size;
// pointers and arrays (of any length) if their targets are; function
// prototypes if they have as many parameters and compatible parameter and
// return types. A pair met again while comparing counts as compatible: if
// it isn't, its first comparison fails, so cycles end.
//
// It returns an error wrapping errIncompatibleTypes if the types aren't
// compatible, and a different error for kinds that can't be compared (Var,
// Datasec, ...), Typedef loops or nesting deeper than rules allow. It
// allocates nothing unless it meets pointers, arrays or prototypes.
func typesCompatible(local, target Type, rules compatRules) error {
	var visited []compatPair
	return typesCompatibleAt(local, target, rules, &visited, 0)
}

func typesCompatibleAt(local, target Type, rules compatRules, visited *[]compatPair, depth int) error {
	for ; ; depth++ {
		if rules.maxDepth > 0 && depth > rules.maxDepth {
			return fmt.Errorf("compare %s and %s: %w", local, target, errNestedTooDeep)
		}

		local, target = UnderlyingType(local), UnderlyingType(target)
		if err := compatCycle(local, target); err != nil {
			return err
		}
		if !rules.kindsFirst {
			if err := rules.checkKind(local); err != nil {
				return err
			}
			if err := rules.checkKind(target); err != nil {
				return err
			}
		}
		if !sameKind(local, target) {
			return fmt.Errorf("%s and %s are different kinds: %w", local, target, errIncompatibleTypes)
		}
		if err := rules.checkKind(local); err != nil {
			return err
		}

		switch local.(type) {
		case *Pointer, *Array, *FuncProto:
		default:
			// Leaf kinds are compatible with any of their kind.
			return nil
		}

		pair := compatPair{local, target}
		for _, seen := range *visited {
			if seen == pair {
				return nil
			}
		}
		*visited = append(*visited, pair)

		switch l := local.(type) {
		case *Pointer:
			local, target = l.Target, target.(*Pointer).Target

		case *Array:
			local, target = l.Type, target.(*Array).Type

		case *FuncProto:
			t := target.(*FuncProto)
			if len(l.Params) != len(t.Params) {
				return fmt.Errorf("%s has %d parameters, %s has %d: %w",
					l, len(l.Params), t, len(t.Params), errIncompatibleTypes)
			}
			for i := range l.Params {
				if err := typesCompatibleAt(l.Params[i].Type, t.Params[i].Type, rules, visited, depth+1); err != nil {
					return fmt.Errorf("parameter %d: %w", i, err)
				}
			}
			local, target = l.Return, t.Return
		}
	}
}

// compatCycle returns errNestedTooDeep if either type, with Typedefs and
// qualifiers skipped, is a Typedef loop.
func compatCycle(local, target Type) error {
	for _, typ := range [2]Type{local, target} {
		if _, ok := typ.(*cycle); ok {
			return fmt.Errorf("check compatibility of %s: %w", typ, errNestedTooDeep)
		}
	}
	return nil
}

// checkKind returns an error if typ, with Typedefs and qualifiers skipped,
// is of a kind that can't be compared under r.
func (r compatRules) checkKind(typ Type) error {
	switch typ.(type) {
	case *Void, *Struct, *Union, *Enum, *Fwd, *Int, *Pointer, *Array, *FuncProto:
		return nil
	case *Float:
		if r.floats {
			return nil
		}
	case nil:
		return errors.New("check compatibility: nil Type")
	}
	return fmt.Errorf("check compatibility of %s: %w", typ, errUnsupportedCompatKind)
}
