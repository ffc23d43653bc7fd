package btf

import (
	"errors"
	"fmt"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestCOREAreMembersCompatible(t *testing.T) {
	for _, tc := range []struct {
		local, target Type
		compatible    bool
	}{
		{&Struct{Name: "a"}, &Struct{Name: "b"}, true},
		{&Struct{Name: "a"}, &Union{Name: "b"}, true},
		{&Union{}, &Typedef{"t", &Struct{Name: "b"}}, true},
		{&Int{Size: 4}, &Int{Size: 8, Encoding: Signed}, true},
		{&Int{Size: 4}, &Enum{Size: 4}, false},
		{&Pointer{&Int{}}, &Pointer{&Struct{}}, true},
		{&Pointer{}, &Int{Size: 8}, false},
		{&Float{Size: 4}, &Float{Size: 8}, true},
		{&Float{Size: 8}, &Int{Size: 8}, false},
		{&Enum{Name: "e"}, &Enum{Name: "e"}, true},
		{&Enum{Name: "e___flavour"}, &Enum{Name: "e"}, true},
		{&Enum{Name: "e"}, &Enum{Name: "e___other"}, true},
		{&Enum{Name: "e"}, &Enum{Name: "f"}, false},
		{&Enum{Name: ""}, &Enum{Name: "f"}, true},
		{&Enum{Name: "e"}, &Enum{Name: ""}, true},
		{&Fwd{Name: "f"}, &Fwd{Name: "f___x"}, true},
		{&Fwd{Name: "f"}, &Fwd{Name: "g"}, false},
		{&Fwd{Name: "f"}, &Struct{Name: "f"}, false},
		{&Array{Type: &Int{Size: 4}, Nelems: 2}, &Array{Type: &Int{Size: 8}, Nelems: 7}, true},
		{&Array{Type: &Int{Size: 4}}, &Array{Type: &Pointer{}}, false},
		{&Const{&Volatile{&Int{}}}, &Typedef{"i", &Int{}}, true},
		// Kinds that can't be the type of a member.
		{&Func{Name: "f"}, &Func{Name: "f"}, false},
		{&FuncProto{}, &FuncProto{}, false},
		{&Var{Name: "v"}, &Var{Name: "v"}, false},
		{&Datasec{Name: "d"}, &Datasec{Name: "d"}, false},
		{&Void{}, &Void{}, false},
	} {
		t.Run(fmt.Sprintf("%s_%s", tc.local, tc.target), func(t *testing.T) {
			err := coreAreMembersCompatible(tc.local, tc.target)
			if tc.compatible {
				qt.Check(t, qt.IsNil(err))
			} else {
				qt.Check(t, qt.ErrorIs(err, errIncompatibleTypes))
			}
		})
	}

	// A typedef cycle is too deep, not incompatible.
	loop := &Typedef{Name: "loop"}
	loop.Type = loop
	err := coreAreMembersCompatible(loop, &Int{})
	qt.Check(t, qt.IsNotNil(err))
}

func TestCORETypesMatch(t *testing.T) {
	u32 := &Int{Name: "unsigned int", Size: 4}
	s32 := &Int{Name: "int", Size: 4, Encoding: Signed}
	u64 := &Int{Name: "unsigned long", Size: 8}
	fwdStruct := &Fwd{Name: "s", Kind: FwdStruct}
	fwdUnion := &Fwd{Name: "s", Kind: FwdUnion}
	structS := &Struct{Name: "s", Size: 8, Members: []Member{{Name: "a", Type: u32}, {Name: "b", Type: u32, Offset: 32}}}
	unionS := &Union{Name: "s", Size: 4, Members: []Member{{Name: "a", Type: u32}}}

	for _, tc := range []struct {
		name          string
		local, target Type
		match         bool
		// reversible means the result is the same with local and
		// target swapped.
		reversible bool
	}{
		{"same int", u32, &Int{Name: "unsigned int", Size: 4}, true, true},
		{"int sizes", u32, &Int{Name: "unsigned int", Size: 8}, false, true},
		{"int signedness", u32, &Int{Name: "unsigned int", Size: 4, Encoding: Signed}, false, true},
		{"int names", u32, s32, false, true},
		{"int typedef", &Typedef{"u32", u32}, u32, true, true},
		{"int vs enum", u32, &Enum{Name: "unsigned int", Size: 4}, false, true},
		{"float", &Float{Name: "double", Size: 8}, &Float{Name: "double", Size: 8}, true, true},
		{"fwd same kind", fwdStruct, &Fwd{Name: "s", Kind: FwdStruct}, true, true},
		{"fwd other kind", fwdStruct, fwdUnion, false, true},
		{"fwd vs struct", fwdStruct, structS, false, true},
		{"pointer to fwd vs struct", &Pointer{fwdStruct}, &Pointer{structS}, true, true},
		{"pointer to fwd vs union", &Pointer{fwdUnion}, &Pointer{unionS}, true, true},
		{"pointer to struct fwd vs union", &Pointer{fwdStruct}, &Pointer{unionS}, false, true},
		{"pointer to structs", &Pointer{structS}, &Pointer{&Struct{Name: "s", Size: 99}}, true, true},
		{"pointer to struct vs union", &Pointer{structS}, &Pointer{unionS}, false, true},
		{"pointer to other name", &Pointer{structS}, &Pointer{&Struct{Name: "t"}}, false, true},
		{"pointer vs int", &Pointer{u32}, u64, false, true},
		{"struct same", structS, &Struct{Name: "s", Size: 8, Members: []Member{{Name: "b", Type: u32}, {Name: "a", Type: u32, Offset: 32}}}, true, true},
		{"struct flavour", &Struct{Name: "s___v1", Members: structS.Members}, structS, true, true},
		{"struct subset", &Struct{Name: "s", Members: structS.Members[:1]}, structS, true, false},
		{"struct member type", structS, &Struct{Name: "s", Members: []Member{{Name: "a", Type: u64}, {Name: "b", Type: u32}}}, false, true},
		{"struct member missing", structS, &Struct{Name: "s", Members: []Member{{Name: "a", Type: u32}, {Name: "c", Type: u32}}}, false, true},
		{"struct vs union", structS, &Union{Name: "s", Members: structS.Members}, false, true},
		{"struct behind pointers in members",
			&Struct{Name: "l", Members: []Member{{Name: "next", Type: &Pointer{&Struct{Name: "l"}}}}},
			&Struct{Name: "l", Members: []Member{{Name: "next", Type: &Pointer{&Struct{Name: "l", Members: []Member{{Name: "x", Type: u32}}}}}}},
			true, true},
		{"anonymous members",
			&Struct{Name: "s", Members: []Member{{Type: &Union{Members: []Member{{Name: "a", Type: u32}}}}}},
			&Struct{Name: "s", Members: []Member{{Name: "x", Type: u64}, {Type: &Union{Members: []Member{{Name: "a", Type: u32}}}}}},
			true, false},
		{"anonymous vs named", &Struct{Name: "s"}, &Struct{}, false, true},
		{"enum same", &Enum{Name: "e", Size: 4, Values: []EnumValue{{"A", 1}, {"B", 2}}}, &Enum{Name: "e", Size: 4, Values: []EnumValue{{"B", 20}, {"A", 10}}}, true, true},
		{"enum subset", &Enum{Name: "e", Size: 4, Values: []EnumValue{{"A", 1}}}, &Enum{Name: "e", Size: 4, Values: []EnumValue{{"B", 20}, {"A", 10}}}, true, false},
		{"enum value flavour", &Enum{Name: "e", Size: 4, Values: []EnumValue{{"A___x", 1}}}, &Enum{Name: "e", Size: 4, Values: []EnumValue{{"A", 1}}}, true, true},
		{"enum missing value", &Enum{Name: "e", Size: 4, Values: []EnumValue{{"C", 1}}}, &Enum{Name: "e", Size: 4, Values: []EnumValue{{"A", 1}}}, false, true},
		{"enum sizes", &Enum{Name: "e", Size: 4}, &Enum{Name: "e", Size: 8}, false, true},
		{"array", &Array{Type: u32, Nelems: 4}, &Array{Type: &Typedef{"u", u32}, Nelems: 4}, true, true},
		{"array length", &Array{Type: u32, Nelems: 4}, &Array{Type: u32, Nelems: 5}, false, true},
		{"array element", &Array{Type: u32, Nelems: 4}, &Array{Type: s32, Nelems: 4}, false, true},
		{"func proto", &FuncProto{Return: u32, Params: []FuncParam{{"a", s32}}}, &FuncProto{Return: u32, Params: []FuncParam{{"b", s32}}}, true, true},
		{"func proto arity", &FuncProto{Return: u32, Params: []FuncParam{{"a", s32}}}, &FuncProto{Return: u32}, false, true},
		{"func proto param", &FuncProto{Return: u32, Params: []FuncParam{{"a", s32}}}, &FuncProto{Return: u32, Params: []FuncParam{{"a", u32}}}, false, true},
		{"func proto return", &FuncProto{Return: u32}, &FuncProto{Return: &Void{}}, false, true},
		{"void", &Void{}, &Void{}, true, true},
		{"unsupported kind", &Var{Name: "v", Type: u32}, &Var{Name: "v", Type: u32}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check := func(local, target Type) {
				t.Helper()
				err := coreTypesMatch(local, target)
				if tc.match {
					qt.Check(t, qt.IsNil(err))
				} else {
					qt.Check(t, qt.ErrorIs(err, errIncompatibleTypes))
				}
			}
			check(tc.local, tc.target)
			if tc.reversible {
				check(tc.target, tc.local)
			} else {
				err := coreTypesMatch(tc.target, tc.local)
				qt.Check(t, qt.ErrorIs(err, errIncompatibleTypes), qt.Commentf("reversed"))
			}
		})
	}

	// Cycles through arrays end as too deep, not as a match.
	loop := &Typedef{Name: "loop"}
	loop.Type = &Array{Type: loop, Nelems: 1}
	err := coreTypesMatch(loop, loop)
	qt.Check(t, qt.IsNotNil(err))
	qt.Check(t, qt.IsFalse(errors.Is(err, errIncompatibleTypes)))
}

// TestCORERootsCompatible checks the extra rules for root types: the kinds
// must agree before Typedefs are skipped, and floats are compatible.
func TestCORERootsCompatible(t *testing.T) {
	s := &Struct{Name: "s"}
	qt.Check(t, qt.IsNil(coreRootsCompatible(s, &Struct{Name: "s", Size: 8})))
	qt.Check(t, qt.ErrorIs(coreRootsCompatible(&Typedef{"s", s}, s), errIncompatibleTypes))
	qt.Check(t, qt.IsNil(coreRootsCompatible(&Typedef{"s", s}, &Typedef{"s", &Struct{}})))
	qt.Check(t, qt.IsNil(coreRootsCompatible(&Float{Name: "f", Size: 4}, &Float{Name: "f", Size: 8})))
	qt.Check(t, qt.ErrorIs(coreRootsCompatible(&Typedef{"f", &Float{}}, &Typedef{"f", &Int{}}), errIncompatibleTypes))
}

func TestCOREAreTypesCompatible(t *testing.T) {
	// A function pointer type that takes itself as an argument.
	cyclic := &FuncProto{Return: &Void{}}
	cyclic.Params = []FuncParam{{"self", &Pointer{cyclic}}}
	cyclic2 := &FuncProto{Return: &Void{}}
	cyclic2.Params = []FuncParam{{"self", &Pointer{cyclic2}}}

	for _, tc := range []struct {
		a, b       Type
		compatible bool
	}{
		{&Void{}, &Void{}, true},
		{&Struct{Name: "a", Size: 1}, &Struct{Name: "b", Size: 2}, true},
		{&Union{}, &Union{Name: "u"}, true},
		{&Struct{}, &Union{}, false},
		{&Enum{Size: 4}, &Enum{Size: 8}, true},
		{&Fwd{Kind: FwdStruct}, &Fwd{Kind: FwdUnion}, true},
		{&Int{Size: 1}, &Int{Size: 8, Encoding: Signed}, true},
		{&Int{}, &Enum{}, false},
		{&Float{Size: 4}, &Float{Size: 8}, true},
		{&Pointer{&Int{}}, &Pointer{&Int{Size: 8}}, true},
		{&Pointer{&Int{}}, &Pointer{&Struct{}}, false},
		{&Pointer{&Int{}}, &Int{}, false},
		{&Array{Type: &Int{}, Nelems: 1}, &Array{Type: &Int{}, Nelems: 9}, true},
		{&Array{Type: &Int{}}, &Array{Type: &Pointer{&Int{}}}, false},
		{&Typedef{"t", &Const{&Int{}}}, &Volatile{&Int{}}, true},
		{&FuncProto{Return: &Int{}, Params: []FuncParam{{"a", &Pointer{&Struct{}}}}}, &FuncProto{Return: &Int{}, Params: []FuncParam{{"b", &Pointer{&Union{}}}}}, false},
		{&FuncProto{Return: &Int{}, Params: []FuncParam{{"a", &Int{}}}}, &FuncProto{Return: &Int{}, Params: []FuncParam{{"b", &Int{}}}}, true},
		{&FuncProto{Return: &Int{}}, &FuncProto{Return: &Void{}}, false},
		{&FuncProto{Return: &Int{}, Params: []FuncParam{{"a", &Int{}}}}, &FuncProto{Return: &Int{}}, false},
		{cyclic, cyclic2, true},
	} {
		t.Run(fmt.Sprintf("%s_%s", tc.a, tc.b), func(t *testing.T) {
			for _, pair := range [][2]Type{{tc.a, tc.b}, {tc.b, tc.a}} {
				err := coreAreTypesCompatible(pair[0], pair[1])
				if tc.compatible {
					qt.Check(t, qt.IsNil(err))
				} else {
					qt.Check(t, qt.ErrorIs(err, errIncompatibleTypes))
				}
			}
		})
	}

	for _, typ := range []Type{&Var{Name: "v", Type: &Int{}}, &Datasec{Name: "d"}, &Func{Name: "f", Type: &FuncProto{}}} {
		err := coreAreTypesCompatible(typ, typ)
		qt.Check(t, qt.IsNotNil(err), qt.Commentf("%s", typ))
		qt.Check(t, qt.IsFalse(errors.Is(err, errIncompatibleTypes)), qt.Commentf("%s", typ))
	}
}
