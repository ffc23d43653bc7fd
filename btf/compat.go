package btf

import (
	"errors"
	"fmt"
	"reflect"
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
	type pair struct{ local, target Type }

	var (
		// Pairs whose compatibility is being checked or was confirmed. A
		// pair met again is assumed compatible: if it isn't, the first
		// check of it fails.
		seen map[pair]struct{}
		// Pairs still to check.
		work = []pair{{localType, targetType}}
	)

	for len(work) > 0 {
		p := work[len(work)-1]
		work = work[:len(work)-1]

		local, target := UnderlyingType(p.local), UnderlyingType(p.target)
		if err := checkCompatKind(local); err != nil {
			return err
		}
		if err := checkCompatKind(target); err != nil {
			return err
		}
		if reflect.TypeOf(local) != reflect.TypeOf(target) {
			return fmt.Errorf("%s and %s are different kinds: %w", local, target, errIncompatibleTypes)
		}

		switch local.(type) {
		case *Pointer, *Array, *FuncProto:
		default:
			// Leaf kinds are compatible with any of their kind.
			continue
		}

		key := pair{local, target}
		if _, ok := seen[key]; ok {
			continue
		}
		if seen == nil {
			seen = make(map[pair]struct{})
		}
		seen[key] = struct{}{}

		switch lt := local.(type) {
		case *Pointer:
			work = append(work, pair{lt.Target, target.(*Pointer).Target})

		case *Array:
			work = append(work, pair{lt.Type, target.(*Array).Type})

		case *FuncProto:
			tt := target.(*FuncProto)
			if len(lt.Params) != len(tt.Params) {
				return fmt.Errorf("%s has %d parameters, %s has %d: %w",
					local, len(lt.Params), target, len(tt.Params), errIncompatibleTypes)
			}
			work = append(work, pair{lt.Return, tt.Return})
			for i := range lt.Params {
				work = append(work, pair{lt.Params[i].Type, tt.Params[i].Type})
			}
		}
	}
	return nil
}

// checkCompatKind returns an error if typ, with Typedefs and qualifiers
// skipped, is of a kind CheckTypeCompatibility doesn't handle.
func checkCompatKind(typ Type) error {
	switch typ.(type) {
	case *Void, *Struct, *Union, *Enum, *Fwd, *Int, *Pointer, *Array, *FuncProto:
		return nil
	case nil:
		return errors.New("check compatibility: nil Type")
	case *cycle:
		return fmt.Errorf("check compatibility of %s: %w", typ, errNestedTooDeep)
	default:
		return fmt.Errorf("check compatibility of %s: %w", typ, errUnsupportedCompatKind)
	}
}
