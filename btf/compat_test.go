package btf

import (
	"errors"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestCheckTypeCompatibility(t *testing.T) {
	i32 := &Int{Name: "int", Size: 4, Encoding: Signed}
	u64 := &Int{Name: "u64", Size: 8}
	s := &Struct{Name: "s", Size: 4}

	selfRef := func() *FuncProto {
		fp := &FuncProto{Return: i32}
		fp.Params = []FuncParam{{"cb", &Pointer{fp}}}
		return fp
	}

	for _, test := range []struct {
		name       string
		a, b       Type
		compatible bool
	}{
		{"void", &Void{}, &Void{}, true},
		{"ints of different size", i32, u64, true},
		{"structs of different names", s, &Struct{Name: "other", Size: 8}, true},
		{"unions", &Union{Name: "a"}, &Union{Name: "b"}, true},
		{"enums", &Enum{Name: "a", Size: 4}, &Enum{Name: "b", Size: 8}, true},
		{"fwds", &Fwd{Name: "a"}, &Fwd{Name: "b", Kind: FwdUnion}, true},
		{"pointers", &Pointer{i32}, &Pointer{u64}, true},
		{"pointers to different kinds", &Pointer{i32}, &Pointer{s}, false},
		{"arrays of different length", &Array{Type: i32, Nelems: 3}, &Array{Type: i32, Nelems: 5}, true},
		{"arrays of different kinds", &Array{Type: i32}, &Array{Type: s}, false},
		{"typedef and qualifiers", &Typedef{"t", i32}, &Const{&Volatile{u64}}, true},
		{"struct and union", s, &Union{Name: "s"}, false},
		{"int and struct", i32, s, false},
		{"pointer and array", &Pointer{i32}, &Array{Type: i32}, false},
		{"int and fwd", i32, &Fwd{Name: "int"}, false},
		{"void and int", &Void{}, i32, false},
		{
			"func protos",
			&FuncProto{Return: i32, Params: []FuncParam{{"a", &Pointer{s}}}},
			&FuncProto{Return: u64, Params: []FuncParam{{"b", &Pointer{&Struct{Name: "x"}}}}},
			true,
		},
		{
			"func protos with different arity",
			&FuncProto{Return: i32, Params: []FuncParam{{"a", i32}}},
			&FuncProto{Return: i32},
			false,
		},
		{
			"func protos with different return kinds",
			&FuncProto{Return: i32},
			&FuncProto{Return: &Pointer{i32}},
			false,
		},
		{
			"func protos with different parameter kinds",
			&FuncProto{Return: i32, Params: []FuncParam{{"a", i32}}},
			&FuncProto{Return: i32, Params: []FuncParam{{"a", s}}},
			false,
		},
		{"cyclic func protos", selfRef(), selfRef(), true},
	} {
		t.Run(test.name, func(t *testing.T) {
			for _, pair := range [][2]Type{{test.a, test.b}, {test.b, test.a}} {
				err := CheckTypeCompatibility(pair[0], pair[1])
				if test.compatible {
					qt.Assert(t, qt.IsNil(err))
				} else {
					qt.Assert(t, qt.ErrorIs(err, errIncompatibleTypes))
				}
			}
		})
	}
}

func TestCheckTypeCompatibilityUnsupported(t *testing.T) {
	loop := &Typedef{Name: "loop"}
	loop.Type = loop

	for _, test := range []struct {
		name string
		a, b Type
	}{
		{"var", &Var{Name: "a", Type: &Int{}}, &Var{Name: "b", Type: &Int{}}},
		{"datasec", &Datasec{Name: "a"}, &Datasec{Name: "b"}},
		{"func", &Func{Name: "a"}, &Func{Name: "a"}},
		{"float", &Float{Name: "f", Size: 4}, &Float{Name: "f", Size: 4}},
		{"var and int", &Var{Name: "a", Type: &Int{}}, &Int{}},
		{"typedef loop", loop, loop},
		{"nil", nil, &Int{}},
	} {
		t.Run(test.name, func(t *testing.T) {
			for _, pair := range [][2]Type{{test.a, test.b}, {test.b, test.a}} {
				err := CheckTypeCompatibility(pair[0], pair[1])
				qt.Assert(t, qt.IsNotNil(err))
				qt.Assert(t, qt.IsFalse(errors.Is(err, errIncompatibleTypes)), qt.Commentf("%v", err))
			}
		})
	}
}

// TestTypesCompatibleRules checks where CheckTypeCompatibility and CO-RE's
// coreAreTypesCompatible, which share typesCompatible, differ: floats,
// uncomparable kinds next to other kinds, and nesting depth.
func TestTypesCompatibleRules(t *testing.T) {
	deep := func() Type {
		var typ Type = &Int{Size: 4}
		for range maxResolveDepth + 1 {
			typ = &Pointer{Target: typ}
		}
		return typ
	}

	for _, test := range []struct {
		name           string
		a, b           Type
		exported, core error // nil: compatible, errIncompatibleTypes, or another sentinel
	}{
		{"pointers to floats", &Pointer{&Float{Size: 4}}, &Pointer{&Float{Size: 8}}, errUnsupportedCompatKind, nil},
		{"var and int", &Var{Name: "v", Type: &Int{}}, &Int{}, errUnsupportedCompatKind, errIncompatibleTypes},
		{"datasecs", &Datasec{Name: "a"}, &Datasec{Name: "b"}, errUnsupportedCompatKind, errUnsupportedCompatKind},
		{"deep pointers", deep(), deep(), nil, errNestedTooDeep},
	} {
		t.Run(test.name, func(t *testing.T) {
			for _, pair := range [][2]Type{{test.a, test.b}, {test.b, test.a}} {
				for _, check := range []struct {
					fn   func(Type, Type) error
					want error
				}{
					{CheckTypeCompatibility, test.exported},
					{coreAreTypesCompatible, test.core},
				} {
					err := check.fn(pair[0], pair[1])
					if check.want == nil {
						qt.Assert(t, qt.IsNil(err))
						continue
					}
					qt.Assert(t, qt.ErrorIs(err, check.want))
					if check.want != errIncompatibleTypes {
						qt.Assert(t, qt.IsFalse(errors.Is(err, errIncompatibleTypes)))
					}
				}
			}
		})
	}
}

func TestTypesCompatibleAllocs(t *testing.T) {
	a, b := &Struct{Name: "a"}, &Struct{Name: "b", Size: 8}
	allocs := testing.AllocsPerRun(100, func() {
		if coreAreTypesCompatible(a, b) != nil || CheckTypeCompatibility(a, b) != nil {
			t.Fatal("structs are compatible")
		}
	})
	qt.Assert(t, qt.Equals(allocs, 0))
}
