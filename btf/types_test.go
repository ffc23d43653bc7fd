package btf

import (
	"fmt"
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
