package btf

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestFormatShapes(t *testing.T) {
	i := &Int{Name: "int", Size: 4, Encoding: Signed}
	for _, test := range []struct {
		typ  Type
		want string
	}{
		{&Void{}, "Void"},
		{i, `Int:"int"[signed size=4]`},
		{&Pointer{i}, `Pointer[target=Int:"int"]`},
		{&Array{&Int{Name: "x"}, i, 4}, `Array[index=Int:"x" type=Int:"int" n=4]`},
		{&Struct{Name: "s", Members: []Member{{}}}, `Struct:"s"[fields=1]`},
		{&Enum{Name: "e", Size: 4, Values: []EnumValue{{"a", 1}}}, `Enum:"e"[size=4 values=1]`},
		{&Fwd{Name: "f", Kind: FwdUnion}, `Fwd:"f"[union]`},
		{&Typedef{"t", i}, `Typedef:"t"[Int:"int"]`},
		{&Const{i}, `Const[Int:"int"]`},
		{&Func{"fn", &FuncProto{}, GlobalFunc}, `Func:"fn"[global proto=FuncProto]`},
		{&FuncProto{i, []FuncParam{{"a", i}}}, `FuncProto[args=1 return=Int:"int"]`},
		{&Var{"v", i, GlobalVar}, `Var:"v"[global]`},
		{&Datasec{Name: ".data"}, `Datasec:".data"`},
		{&Float{"double", 8}, `Float:"double"[size=64]`},
	} {
		qt.Check(t, qt.Equals(fmt.Sprintf("%v", test.typ), test.want))
	}

	qt.Check(t, qt.Equals(fmt.Sprintf("%s", &Pointer{i}), "Pointer"))
	qt.Check(t, qt.Equals(fmt.Sprintf("%1v", &Pointer{i}), `Pointer[target=Int:"int"[signed size=4]]`))
	qt.Check(t, qt.Equals(fmt.Sprintf("%d", i), "{UNRECOGNIZED: d}"))
}

func ExampleAs() {
	fmt.Println(As[*Pointer](&Volatile{Type: &Pointer{Target: &Typedef{Name: "foo", Type: &Int{Size: 2}}}}))
	// Output: Pointer[target=Typedef:"foo"] true
}

// newTypes returns one value of every concrete Type, with every field
// that holds a Type set to a distinct *Int.
func newTypes() []Type {
	i := func(n string) *Int { return &Int{Name: n, Size: 4} }
	return []Type{
		&Void{},
		i("int"),
		&Pointer{i("target")},
		&Array{i("index"), i("elem"), 2},
		&Struct{"s", 8, []Member{{"a", i("a"), 0, 0}, {"b", i("b"), 32, 0}}},
		&Union{"u", 4, []Member{{"a", i("a"), 0, 0}}},
		&Enum{"e", 4, false, []EnumValue{{"A", 1}}},
		&Fwd{"f", FwdStruct},
		&Typedef{"td", i("td")},
		&Volatile{i("v")},
		&Const{i("c")},
		&Restrict{i("r")},
		&Func{"fn", &FuncProto{i("ret"), nil}, GlobalFunc},
		&FuncProto{i("ret"), []FuncParam{{"p", i("p")}, {"q", i("q")}}},
		&Var{"v", i("v"), StaticVar},
		&Datasec{".data", 8, []VarSecinfo{{&Var{Name: "x", Type: i("x")}, 0, 4}}},
		&Float{"double", 8},
		&declTag{i("dt"), "tag", -1},
		&typeTag{i("tt"), "tag"},
		&cycle{i("root")},
	}
}

func TestChildrenVisitsAllTypeFields(t *testing.T) {
	typeInterface := reflect.TypeFor[Type]()
	for _, typ := range newTypes() {
		t.Run(fmt.Sprintf("%T", typ), func(t *testing.T) {
			// Count the fields of type Type with reflection, including
			// those in slices of structs.
			want := 0
			var count func(v reflect.Value)
			count = func(v reflect.Value) {
				switch v.Kind() {
				case reflect.Struct:
					for i := range v.NumField() {
						if v.Type().Field(i).Type == typeInterface {
							want++
						} else {
							count(v.Field(i))
						}
					}
				case reflect.Slice:
					for i := range v.Len() {
						count(v.Index(i))
					}
				}
			}
			if _, ok := typ.(*cycle); !ok {
				count(reflect.ValueOf(typ).Elem())
			}

			got := 0
			for child := range children(typ) {
				qt.Assert(t, qt.IsNotNil(*child))
				got++
			}
			qt.Assert(t, qt.Equals(got, want))

			// copy yields an equal, distinct value.
			cpy := typ.copy()
			if _, ok := typ.(*Void); !ok {
				qt.Assert(t, qt.Not(qt.Equals(cpy, typ)))
				qt.Assert(t, qt.IsTrue(reflect.DeepEqual(cpy, typ)))
			}
			_ = fmt.Sprintf("%+2v", typ)
		})
	}
}

func TestCopy(t *testing.T) {
	i := &Int{Name: "int", Size: 4}
	s := &Struct{Name: "s", Members: []Member{{Name: "a", Type: i}, {Name: "b", Type: i}}}
	// A cycle: s contains a pointer to itself.
	s.Members = append(s.Members, Member{Name: "next", Type: &Pointer{s}})

	cpy := Copy(s).(*Struct)
	qt.Assert(t, qt.Not(qt.Equals(cpy, s)))
	qt.Assert(t, qt.Equals(cpy.Name, "s"))
	// Sharing is preserved...
	qt.Assert(t, qt.Equals(cpy.Members[0].Type, cpy.Members[1].Type))
	qt.Assert(t, qt.Not(qt.Equals(cpy.Members[0].Type, Type(i))))
	// ...and so is the cycle.
	qt.Assert(t, qt.Equals(cpy.Members[2].Type.(*Pointer).Target, Type(cpy)))

	// The copy is independent.
	cpy.Members[0].Name = "changed"
	cpy.Members[0].Type.(*Int).Size = 8
	qt.Assert(t, qt.Equals(s.Members[0].Name, "a"))
	qt.Assert(t, qt.Equals(i.Size, 4))

	qt.Assert(t, qt.IsNil(Copy(nil)))
}

func TestAs(t *testing.T) {
	i := &Int{Name: "int", Size: 4}
	typ := Type(&Const{&Typedef{"t", &Volatile{i}}})

	got, ok := As[*Int](typ)
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.Equals(got, i))

	td, ok := As[*Typedef](typ)
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.Equals(td.Name, "t"))

	// Pointers are not peeled.
	_, ok = As[*Int](&Pointer{i})
	qt.Assert(t, qt.IsFalse(ok))
	_, ok = As[*Struct](typ)
	qt.Assert(t, qt.IsFalse(ok))

	// Loops end.
	loop := &Typedef{Name: "loop"}
	loop.Type = loop
	_, ok = As[*Int](loop)
	qt.Assert(t, qt.IsFalse(ok))
}

func TestUnderlyingType(t *testing.T) {
	i := &Int{Name: "int", Size: 4}
	wrappers := map[string]func(Type) Type{
		"const":    func(t Type) Type { return &Const{t} },
		"volatile": func(t Type) Type { return &Volatile{t} },
		"restrict": func(t Type) Type { return &Restrict{t} },
		"typedef":  func(t Type) Type { return &Typedef{"td", t} },
		"typetag":  func(t Type) Type { return &typeTag{t, "tag"} },
	}
	for name, wrap := range wrappers {
		t.Run(name, func(t *testing.T) {
			qt.Assert(t, qt.Equals(UnderlyingType(wrap(i)), Type(i)))

			// A wrapper pointing to itself is a cycle.
			root := wrap(nil)
			for child := range children(root) {
				*child = root
			}
			got, ok := UnderlyingType(root).(*cycle)
			qt.Assert(t, qt.IsTrue(ok))
			qt.Assert(t, qt.Equals(got.root, root))
		})
	}

	// Deep but finite chains also end with a cycle placeholder.
	deep := Type(i)
	for range maxResolveDepth + 1 {
		deep = &Const{deep}
	}
	_, ok := UnderlyingType(deep).(*cycle)
	qt.Assert(t, qt.IsTrue(ok))
}

func TestSizeof(t *testing.T) {
	i := &Int{Size: 4}
	for _, test := range []struct {
		typ  Type
		size int
	}{
		{i, 4},
		{&Void{}, 0},
		{&Pointer{i}, 8},
		{&Array{Type: i, Nelems: 3}, 12},
		{&Array{Type: &Array{Type: i, Nelems: 2}, Nelems: 3}, 24},
		{&Array{Type: i, Nelems: 0}, 0},
		{&Typedef{"t", &Const{&Volatile{i}}}, 4},
		{&Struct{Size: 16}, 16},
		{&Union{Size: 8}, 8},
		{&Enum{Size: 2}, 2},
		{&Float{Size: 8}, 8},
		{&Datasec{Size: 12}, 12},
	} {
		size, err := Sizeof(test.typ)
		qt.Assert(t, qt.IsNil(err), qt.Commentf("%v", test.typ))
		qt.Assert(t, qt.Equals(size, test.size), qt.Commentf("%v", test.typ))
	}

	for _, typ := range []Type{&Func{}, &FuncProto{}, &Fwd{}, &Var{}, &declTag{}} {
		_, err := Sizeof(typ)
		qt.Assert(t, qt.ErrorIs(err, errUnsizedType), qt.Commentf("%T", typ))
	}

	_, err := Sizeof(&Array{Type: &Array{Type: &Int{Size: 1 << 31}, Nelems: 1 << 31}, Nelems: 1 << 31})
	qt.Assert(t, qt.IsNotNil(err))

	loop := &Typedef{Name: "loop"}
	loop.Type = loop
	_, err = Sizeof(loop)
	qt.Assert(t, qt.ErrorIs(err, errNestedTooDeep))
}

func TestVisitInPostorder(t *testing.T) {
	i := &Int{Name: "int"}
	s := &Struct{Name: "s", Members: []Member{{Type: i}, {Type: &Pointer{i}}}}
	s.Members = append(s.Members, Member{Type: &Pointer{s}})

	var order []Type
	qt.Assert(t, qt.IsTrue(visitInPostorder(s, nil, func(typ Type) bool {
		order = append(order, typ)
		return true
	})))
	qt.Assert(t, qt.HasLen(order, 4))
	qt.Assert(t, qt.Equals(order[0], Type(i)))
	qt.Assert(t, qt.Equals(order[len(order)-1], Type(s)))

	// Every child comes before its parent unless they form a cycle.
	pos := make(map[Type]int)
	for n, typ := range order {
		pos[typ] = n
	}
	for _, typ := range order {
		for child := range children(typ) {
			if *child != Type(s) {
				qt.Assert(t, qt.IsTrue(pos[*child] < pos[typ]))
			}
		}
	}

	// Stopping early.
	n := 0
	qt.Assert(t, qt.IsFalse(visitInPostorder(s, nil, func(Type) bool { n++; return n < 2 })))
	qt.Assert(t, qt.Equals(n, 2))
}

func TestFormatWidthAndFlags(t *testing.T) {
	i := &Int{Name: "int", Size: 4, Encoding: Signed}
	typ := &Pointer{&Pointer{i}}

	qt.Assert(t, qt.Equals(fmt.Sprintf("%v", typ), "Pointer[target=Pointer]"))
	qt.Assert(t, qt.Equals(fmt.Sprintf("%1v", typ), `Pointer[target=Pointer[target=Int:"int"]]`))
	qt.Assert(t, qt.Equals(fmt.Sprintf("%2v", typ), `Pointer[target=Pointer[target=Int:"int"[signed size=4]]]`))
	qt.Assert(t, qt.Matches(fmt.Sprintf("%+v", i), `Int:"int":[0-9a-f]+\[signed size=4\]`))
	qt.Assert(t, qt.Matches(fmt.Sprintf("%+s", i), `Int:"int":[0-9a-f]+`))
	qt.Assert(t, qt.Equals(fmt.Sprintf("%v", &Pointer{}), "Pointer[target=<nil>]"))
	qt.Assert(t, qt.Equals(fmt.Sprintf("%v", &Int{Name: "x", Encoding: Bool}), `Int:"x"[bool size=0]`))
	qt.Assert(t, qt.Equals(IntEncoding(3).String(), "IntEncoding(3)"))
	qt.Assert(t, qt.Equals(FwdKind(7).String(), "btf.FwdKind(7)"))
	qt.Assert(t, qt.Equals(FuncLinkage(9).String(), "FuncLinkage(9)"))
	qt.Assert(t, qt.Equals(VarLinkage(ExternVar).String(), "extern"))
	qt.Assert(t, qt.Equals(Bits(15).Bytes(), uint32(1)))
}
