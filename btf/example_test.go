package btf_test

import (
	"fmt"

	"github.com/bpfcore/ebpf/btf"
)

func ExampleSpec_TypeByName() {
	spec, err := btf.LoadKernelSpec()
	if err != nil {
		fmt.Println(err)
		return
	}

	// Pass a pointer to a variable of the kind you are looking for.
	var task *btf.Struct
	if err := spec.TypeByName("task_struct", &task); err != nil {
		fmt.Println(err)
		return
	}

	fmt.Println(task.Name, task.Size > 0)
}

// The concrete types a Type can be.
func ExampleType_validTypes() {
	types := []btf.Type{
		&btf.Void{},
		&btf.Int{},
		&btf.Pointer{},
		&btf.Array{},
		&btf.Struct{},
		&btf.Union{},
		&btf.Enum{},
		&btf.Fwd{},
		&btf.Typedef{},
		&btf.Volatile{},
		&btf.Const{},
		&btf.Restrict{},
		&btf.Func{},
		&btf.FuncProto{},
		&btf.Var{},
		&btf.Datasec{},
		&btf.Float{},
	}
	for _, typ := range types {
		fmt.Printf("%s ", typ)
	}
	fmt.Println()
	// Output: Void Int Pointer Array Struct Union Enum Fwd Typedef Volatile Const Restrict Func FuncProto Var Datasec Float
}
