package btf

import (
	"errors"
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
)

// checkGoDecl fails the test unless decl is a valid Go declaration.
func checkGoDecl(tb testing.TB, decl string) {
	tb.Helper()
	_, err := parser.ParseFile(token.NewFileSet(), "", "package p; "+decl, 0)
	qt.Assert(tb, qt.IsNil(err), qt.Commentf("invalid Go: %s", decl))
}

func TestGoTypeDeclaration(t *testing.T) {
	u32 := &Int{Size: 4}
	for _, test := range []struct {
		name string
		typ  Type
		want string
	}{
		{"uint8", &Int{Size: 1}, "type t uint8"},
		{"bool", &Int{Size: 1, Encoding: Bool}, "type t bool"},
		{"char", &Int{Size: 1, Encoding: Char}, "type t uint8"},
		{"int16", &Int{Size: 2, Encoding: Signed}, "type t int16"},
		{"int32", &Int{Size: 4, Encoding: Signed}, "type t int32"},
		{"uint64", &Int{Size: 8}, "type t uint64"},
		{"int128", &Int{Size: 16, Encoding: Signed}, "type t [16]byte /* int128 */"},
		{"odd int", &Int{Size: 3}, "type t [3]byte /* uint24 */"},
		{"typedef", &Typedef{Name: "frob", Type: &Int{Size: 8}}, "type t uint64"},
		{"qualifiers", &Const{&Volatile{&Restrict{&typeTag{Type: u32, Value: "x"}}}}, "type t uint32"},
		{"enum", &Enum{Values: []EnumValue{{"FOO", 32}}, Size: 4}, "type t uint32; const ( tFOO t = 32; )"},
		{"signed enum", &Enum{Values: []EnumValue{{"BAR", 1}}, Size: 1, Signed: true}, "type t int8; const ( tBAR t = 1; )"},
		{"minus one", &Enum{Values: []EnumValue{{"MINUS_ONE", math.MaxUint64}}, Size: 1, Signed: true}, "type t int8; const ( tMINUS_ONE t = -1; )"},
		{"enum64", &Enum{Values: []EnumValue{{"BIG", math.MaxUint64}}, Size: 8}, "type t uint64; const ( tBIG t = 18446744073709551615; )"},
		{"empty enum", &Enum{Size: 2}, "type t uint16"},
		{
			"enum member",
			&Struct{Name: "enum literals", Size: 2, Members: []Member{
				{Name: "enum", Type: &Enum{Values: []EnumValue{{"BAR", 1}}, Size: 2}, Offset: 0},
			}},
			"type t struct { enum uint16; }",
		},
		{"array", &Array{Nelems: 2, Type: &Int{Size: 1}}, "type t [2]uint8"},
		{"pointer member", &Struct{Size: 8, Members: []Member{{Name: "p", Type: &Pointer{u32}}}}, ""},
		{
			"union",
			&Union{Size: 8, Members: []Member{
				{Name: "a", Type: &Int{Size: 4}},
				{Name: "b", Type: &Int{Size: 8}},
			}},
			"type t struct { a uint32; _ [4]byte; }",
		},
		{"empty union", &Union{Size: 4}, "type t struct { _ [4]byte; }"},
		{
			"field padding",
			&Struct{Size: 16, Members: []Member{
				{Name: "frob", Type: &Int{Size: 4}, Offset: 0},
				{Name: "foo", Type: &Int{Size: 8}, Offset: 8 * 8},
			}},
			"type t struct { frob uint32; _ [4]byte; foo uint64; }",
		},
		{
			"end padding",
			&Struct{Size: 16, Members: []Member{
				{Name: "foo", Type: &Int{Size: 8}, Offset: 0},
				{Name: "frob", Type: &Int{Size: 4}, Offset: 8 * 8},
			}},
			"type t struct { foo uint64; frob uint32; _ [4]byte; }",
		},
		{
			"bitfield",
			&Struct{Size: 8, Members: []Member{
				{Name: "foo", Type: &Int{Size: 4}, Offset: 0, BitfieldSize: 1},
				{Name: "frob", Type: &Int{Size: 4}, Offset: 4 * 8},
			}},
			"type t struct { _ [4]byte /* unsupported bitfield */; frob uint32; }",
		},
		{
			"trailing bitfields",
			&Struct{Size: 8, Members: []Member{
				{Name: "frob", Type: &Int{Size: 4}},
				{Name: "a", Type: &Int{Size: 4}, Offset: 32, BitfieldSize: 3},
				{Name: "b", Type: &Int{Size: 4}, Offset: 35, BitfieldSize: 5},
			}},
			"type t struct { frob uint32; _ [4]byte /* unsupported bitfield */; }",
		},
		{
			"nested",
			&Struct{Size: 8, Members: []Member{
				{Name: "foo", Type: &Struct{Size: 4, Members: []Member{{Name: "bar", Type: &Int{Size: 4}}}}},
				{Name: "frob", Type: &Int{Size: 4}, Offset: 4 * 8},
			}},
			"type t struct { foo struct { bar uint32; }; frob uint32; }",
		},
		{
			"nested anon union",
			&Struct{Size: 8, Members: []Member{
				{Type: &Union{Size: 4, Members: []Member{
					{Name: "foo", Type: &Int{Size: 4}},
					{Name: "bar", Type: &Int{Size: 4}},
				}}},
			}},
			"type t struct { foo uint32; _ [4]byte; }",
		},
		{
			"anon union with padding",
			&Struct{Size: 16, Members: []Member{
				{Type: &Union{Size: 8, Members: []Member{
					{Name: "small", Type: &Int{Size: 2}},
					{Name: "big", Type: &Int{Size: 8}},
				}}},
				{Name: "after", Type: &Int{Size: 8}, Offset: 64},
			}},
			"type t struct { small uint16; _ [6]byte; after uint64; }",
		},
		{
			"datasec",
			&Datasec{Size: 16, Vars: []VarSecinfo{
				{&Var{Name: "s", Type: &Int{Size: 2}, Linkage: StaticVar}, 0, 2},
				{&Var{Name: "g", Type: &Int{Size: 4}, Linkage: GlobalVar}, 4, 4},
				{&Var{Name: "e", Type: &Int{Size: 8}, Linkage: ExternVar}, 8, 8},
			}},
			"type t struct { _ [4]byte; g uint32; _ [8]byte; }",
		},
		{
			"ksyms",
			&Datasec{Name: ".ksyms", Vars: []VarSecinfo{{&Func{Name: "kfunc", Linkage: ExternFunc}, 0, 0}}},
			"type t struct { }",
		},
	} {
		t.Run(test.name, func(t *testing.T) {
			var gf GoFormatter
			got, err := gf.TypeDeclaration("t", test.typ)
			if test.want == "" {
				// Not representable.
				qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
				return
			}
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals(got, test.want))
			checkGoDecl(t, got)
		})
	}
}

func TestGoTypeDeclarationNamed(t *testing.T) {
	e1 := &Enum{Name: "e1", Size: 4}
	s1 := &Struct{
		Name: "s1",
		Size: 4,
		Members: []Member{
			{Name: "frob", Type: e1},
		},
	}
	s2 := &Struct{
		Name: "s2",
		Size: 4,
		Members: []Member{
			{Name: "frood", Type: s1},
		},
	}
	td := &Typedef{Name: "td", Type: e1}
	arr := &Array{Nelems: 1, Type: td}

	for _, test := range []struct {
		typ   Type
		named []Type
		want  string
	}{
		{e1, []Type{e1}, "type t uint32"},
		{s1, []Type{e1, s1}, "type t struct { frob E1; }"},
		{s2, []Type{e1}, "type t struct { frood struct { frob E1; }; }"},
		{s2, []Type{e1, s1}, "type t struct { frood S1; }"},
		{td, nil, "type t uint32"},
		{td, []Type{td}, "type t uint32"},
		{arr, []Type{td}, "type t [1]TD"},
		// Qualifiers are looked through when looking up names.
		{&Struct{Size: 4, Members: []Member{{Name: "c", Type: &Const{e1}}}}, []Type{e1}, "type t struct { c E1; }"},
	} {
		names := make(map[Type]string)
		for _, named := range test.named {
			names[named] = strings.ToUpper(named.TypeName())
		}

		gf := GoFormatter{Names: names}
		got, err := gf.TypeDeclaration("t", test.typ)
		qt.Assert(t, qt.IsNil(err), qt.Commentf("%s", test.typ))
		qt.Assert(t, qt.Equals(got, test.want), qt.Commentf("%s", test.typ))
	}
}

func TestGoTypeDeclarationIdentifiers(t *testing.T) {
	gf := GoFormatter{
		Identifier:     strings.ToUpper,
		EnumIdentifier: func(name, element string) string { return "E_" + element },
	}

	got, err := gf.TypeDeclaration("t", &Struct{Size: 4, Members: []Member{{Name: "field", Type: &Int{Size: 4}}}})
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(got, "type t struct { FIELD uint32; }"))

	got, err = gf.TypeDeclaration("e", &Enum{Size: 4, Values: []EnumValue{{"A", 0}}})
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(got, "type e uint32; const ( E_A e = 0; )"))

	// The default enum identifier uses Identifier.
	gf.EnumIdentifier = nil
	got, err = gf.TypeDeclaration("e", &Enum{Size: 4, Values: []EnumValue{{"a", 0}}})
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(got, "type e uint32; const ( eA e = 0; )"))
}

func TestGoTypeDeclarationCycle(t *testing.T) {
	s := &Struct{Name: "cycle", Size: 4}
	s.Members = []Member{{Name: "f", Type: s}}

	var gf GoFormatter
	_, err := gf.TypeDeclaration("t", s)
	qt.Assert(t, qt.ErrorIs(err, errNestedTooDeep))

	td := &Typedef{Name: "loop"}
	td.Type = td
	_, err = gf.TypeDeclaration("t", td)
	qt.Assert(t, qt.ErrorIs(err, errNestedTooDeep))
}

func TestGoTypeDeclarationErrors(t *testing.T) {
	for _, test := range []struct {
		name string
		typ  Type
		is   error
		msg  string
	}{
		{"bool size", &Int{Size: 2, Encoding: Bool}, nil, `.*bool with size 2`},
		{"char size", &Int{Size: 4, Encoding: Char}, nil, `.*char with size 4`},
		{"encoding", &Int{Size: 4, Encoding: 7}, nil, `.*can't encode IntEncoding\(7\)`},
		{"zero int", &Int{Size: 0}, nil, `.*integer of size 0`},
		{"enum size", &Enum{Size: 0}, nil, `.*integer of size 0`},
		{"pointer", &Pointer{&Int{Size: 4}}, ErrNotSupported, ""},
		{"func", &Func{Name: "f", Type: &FuncProto{}}, ErrNotSupported, ""},
		{"fwd", &Fwd{Name: "f"}, ErrNotSupported, ""},
		{"field exceeds size", &Struct{Size: 2, Members: []Member{{Name: "a", Type: &Int{Size: 4}}}}, nil, `.*field 0 of size 4 exceeds type size 2`},
		{"unaligned field", &Struct{Size: 4, Members: []Member{{Name: "a", Type: &Int{Size: 1}, Offset: 3}}}, nil, `.*field 0: unsupported offset 3`},
		{"overlapping fields", &Struct{Size: 8, Members: []Member{
			{Name: "a", Type: &Int{Size: 4}},
			{Name: "b", Type: &Int{Size: 4}, Offset: 16},
		}}, nil, `.*field 1: offset 2 overlaps .*`},
		{"anonymous struct", &Struct{Size: 4, Members: []Member{{Type: &Struct{Size: 4}}}}, nil, `.*only anonymous unions are supported`},
		{"empty anonymous union", &Struct{Size: 4, Members: []Member{{Type: &Union{Size: 4}}}}, nil, `.*empty anonymous union`},
		{"unsized field", &Struct{Size: 4, Members: []Member{{Name: "a", Type: &FuncProto{}}}}, errUnsizedType, ""},
		{"datasec with int", &Datasec{Vars: []VarSecinfo{{Type: &Int{Name: "i"}}}}, nil, `.*can't format Int:"i" as part of data section`},
		{"datasec exceeds size", &Datasec{Size: 2, Vars: []VarSecinfo{{&Var{Name: "v", Type: &Int{Size: 4}, Linkage: GlobalVar}, 0, 4}}}, nil, `.*variable v of size 4 exceeds section size 2`},
		{"datasec anonymous var", &Datasec{Size: 4, Vars: []VarSecinfo{{&Var{Type: &Int{Size: 4}, Linkage: GlobalVar}, 0, 4}}}, nil, `.*variable 0: empty name`},
	} {
		t.Run(test.name, func(t *testing.T) {
			var gf GoFormatter
			_, err := gf.TypeDeclaration("t", test.typ)
			qt.Assert(t, qt.IsNotNil(err))
			if test.is != nil {
				qt.Assert(t, qt.ErrorIs(err, test.is))
			}
			if test.msg != "" {
				qt.Assert(t, qt.ErrorMatches(err, test.msg))
			}
		})
	}

	var gf GoFormatter
	_, err := gf.TypeDeclaration("", &Int{Size: 4})
	qt.Assert(t, qt.ErrorMatches(err, `need a name for type .*`))
}

// TestGoTypeDeclarationTestdata formats every struct, union, enum and data
// section of the testdata objects: what can be formatted must be valid Go
// and describe a type of the right size.
func TestGoTypeDeclarationTestdata(t *testing.T) {
	for _, file := range testELFs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			spec := loadTestELFSpec(t, file)
			// Like bpf2go, export identifiers: C names may be Go keywords.
			gf := GoFormatter{Identifier: func(s string) string {
				return strings.ToUpper(s[:1]) + s[1:]
			}}
			formatted := 0
			for iter := spec.Iterate(); iter.Next(); {
				switch iter.Type.(type) {
				case *Struct, *Union, *Enum, *Datasec:
				default:
					continue
				}
				decl, err := gf.TypeDeclaration("t", iter.Type)
				if errors.Is(err, ErrNotSupported) || errors.Is(err, errUnsizedType) {
					continue
				}
				if err != nil && strings.Contains(err.Error(), "anonymous") {
					continue
				}
				qt.Assert(t, qt.IsNil(err), qt.Commentf("%v", iter.Type))
				checkGoDecl(t, decl)
				formatted++
			}
			t.Log("formatted", formatted, "types")
		})
	}
}
