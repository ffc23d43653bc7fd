package btf

import "iter"

// children returns an iterator over pointers to every field of typ that
// holds a Type, in declaration order. Assigning through a pointer replaces
// the child in typ.
func children(typ Type) iter.Seq[*Type] {
	return func(yield func(*Type) bool) {
		visitChildren(typ, yield)
	}
}

// visitChildren calls fn with a pointer to every Type-valued field of typ
// until fn returns false. It returns false if fn did.
func visitChildren(typ Type, fn func(*Type) bool) bool {
	switch v := typ.(type) {
	case *Void, *Int, *Enum, *Fwd, *Float, *cycle:
		return true
	case *Pointer:
		return fn(&v.Target)
	case *Array:
		return fn(&v.Index) && fn(&v.Type)
	case *Struct:
		return visitMembers(v.Members, fn)
	case *Union:
		return visitMembers(v.Members, fn)
	case *Typedef:
		return fn(&v.Type)
	case *Volatile:
		return fn(&v.Type)
	case *Const:
		return fn(&v.Type)
	case *Restrict:
		return fn(&v.Type)
	case *Func:
		return fn(&v.Type)
	case *FuncProto:
		if !fn(&v.Return) {
			return false
		}
		for i := range v.Params {
			if !fn(&v.Params[i].Type) {
				return false
			}
		}
		return true
	case *Var:
		return fn(&v.Type)
	case *Datasec:
		for i := range v.Vars {
			if !fn(&v.Vars[i].Type) {
				return false
			}
		}
		return true
	case *declTag:
		return fn(&v.Type)
	case *typeTag:
		return fn(&v.Type)
	default:
		// A nil Type or a kind this function doesn't know: no children.
		return true
	}
}

func visitMembers(members []Member, fn func(*Type) bool) bool {
	for i := range members {
		if !fn(&members[i].Type) {
			return false
		}
	}
	return true
}

// visitInPostorder calls fn for root and every type reachable from it, each
// child before its parent, skipping types already in visited (which it
// updates; pass nil for a fresh set). Cycles are broken by visiting a type
// that is still being visited no further. It stops and returns false as
// soon as fn returns false.
//
// It uses an explicit stack, so arbitrarily deep graphs don't grow the
// goroutine stack.
func visitInPostorder(root Type, visited map[Type]struct{}, fn func(Type) bool) bool {
	if visited == nil {
		visited = make(map[Type]struct{})
	}
	if _, ok := visited[root]; ok {
		return true
	}

	type frame struct {
		typ  Type
		kids []Type
	}
	var kidsBuf []Type
	kidsOf := func(t Type) []Type {
		start := len(kidsBuf)
		visitChildren(t, func(child *Type) bool {
			kidsBuf = append(kidsBuf, *child)
			return true
		})
		// Full slice expression: later appends must not overwrite these.
		return kidsBuf[start:len(kidsBuf):len(kidsBuf)]
	}

	visited[root] = struct{}{}
	stack := []frame{{root, kidsOf(root)}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if len(top.kids) == 0 {
			if !fn(top.typ) {
				return false
			}
			stack = stack[:len(stack)-1]
			continue
		}

		child := top.kids[0]
		top.kids = top.kids[1:]
		if _, ok := visited[child]; ok {
			continue
		}
		visited[child] = struct{}{}
		stack = append(stack, frame{child, kidsOf(child)})
	}
	return true
}
