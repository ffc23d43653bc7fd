package ebpf

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/go-quicktest/qt"
)

// getName returns the tag name as the value of string fields.
func getName(typ reflect.Type, name string) (interface{}, error) {
	if typ.Kind() != reflect.String {
		return nil, fmt.Errorf("unsupported type %s", typ)
	}
	return name, nil
}

type embeddedTags struct {
	Embedded string `ebpf:"embedded"`
}

type unexportedEmbedded struct {
	Inner string `ebpf:"inner"`
}

type selfReferential struct {
	Name string `ebpf:"name"`
	Next *selfReferential
}

func TestAssignValuesAccepts(t *testing.T) {
	t.Run("pointer to struct", func(t *testing.T) {
		var s struct {
			A string `ebpf:"a"`
			B string
		}
		qt.Assert(t, qt.IsNil(assignValues(&s, getName)))
		qt.Check(t, qt.Equals(s.A, "a"))
		qt.Check(t, qt.Equals(s.B, ""))
	})

	t.Run("embedded struct", func(t *testing.T) {
		var s struct {
			embeddedTags
			Named embeddedTags
		}
		err := assignValues(&s, getName)
		// The same tag twice for fields of the same type.
		qt.Check(t, qt.ErrorMatches(err, `field Embedded: object "embedded" was already assigned to Embedded`))

		var single struct{ embeddedTags }
		qt.Assert(t, qt.IsNil(assignValues(&single, getName)))
		qt.Check(t, qt.Equals(single.Embedded, "embedded"))
	})

	t.Run("embedded non-nil pointer", func(t *testing.T) {
		s := struct{ *embeddedTags }{&embeddedTags{}}
		qt.Assert(t, qt.IsNil(assignValues(&s, getName)))
		qt.Check(t, qt.Equals(s.Embedded, "embedded"))
	})

	t.Run("exported field of unexported embedded struct", func(t *testing.T) {
		var s struct{ unexportedEmbedded }
		qt.Assert(t, qt.IsNil(assignValues(&s, getName)))
		qt.Check(t, qt.Equals(s.Inner, "inner"))
	})

	t.Run("untagged fields", func(t *testing.T) {
		var s struct {
			A string
			B int
			c *int
			D []string
		}
		qt.Check(t, qt.IsNil(assignValues(&s, getName)))
	})

	t.Run("same name, different types", func(t *testing.T) {
		var s struct {
			Prog *Program `ebpf:"x"`
			Map  *Map     `ebpf:"x"`
		}
		err := assignValues(&s, func(typ reflect.Type, name string) (interface{}, error) {
			if typ == programType {
				return &Program{}, nil
			}
			return &Map{}, nil
		})
		qt.Check(t, qt.IsNil(err))
		qt.Check(t, qt.IsNotNil(s.Prog))
		qt.Check(t, qt.IsNotNil(s.Map))
	})

	t.Run("list without cycle", func(t *testing.T) {
		// The same type twice, but not on the same path: not recursion.
		var s struct {
			A struct {
				X string `ebpf:"x"`
			}
			B struct {
				embeddedTags
			}
			C struct {
				embeddedTags `ebpf:"-"`
			}
		}
		qt.Check(t, qt.ErrorMatches(assignValues(&s, getName), "field embeddedTags: unsupported type ebpf.embeddedTags"))
	})
}

func TestAssignValuesRejects(t *testing.T) {
	var str string
	for _, tc := range []struct {
		name string
		to   interface{}
		err  string
	}{
		{"nil", nil, `<nil> is not a pointer to struct`},
		{"struct value", struct{}{}, `struct {} is not a pointer to struct`},
		{"nil pointer", (*struct{})(nil), `nil pointer to \*struct {}`},
		{"pointer to non-struct", &str, `string is not a struct`},
		{"embedded nil pointer", &struct{ *embeddedTags }{}, `field embeddedTags: nil pointer to \*ebpf.embeddedTags`},
		{"nested nil pointer", &struct{ A struct{ B *embeddedTags } }{}, `field A: field B: nil pointer to \*ebpf.embeddedTags`},
		{"unexported tagged field", &struct {
			a string `ebpf:"a"`
		}{}, `field a: can't set value`},
		{"unexported named struct", &struct {
			a embeddedTags
		}{}, `field Embedded: can't set value`},
		{"duplicate tag", &struct {
			A string `ebpf:"a"`
			B string `ebpf:"a"`
		}{}, `field B: object "a" was already assigned to A`},
		{"comma", &struct {
			A string `ebpf:"a,b"`
		}{}, `field A: ebpf tag contains a comma`},
		{"lookup fails", &struct {
			A int `ebpf:"a"`
		}{}, `field A: unsupported type int`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			qt.Check(t, qt.ErrorMatches(assignValues(tc.to, getName), tc.err))
		})
	}
}

func TestAssignValuesRecursion(t *testing.T) {
	s := &selfReferential{}
	s.Next = s
	err := assignValues(s, getName)
	qt.Check(t, qt.ErrorIs(err, errRecursiveStruct))
	qt.Check(t, qt.ErrorMatches(err, `field Next: recursion on type ebpf.selfReferential`))

	// Two distinct values of the same type on one path are still a cycle
	// of types, which the search can't tell from an endless one.
	s = &selfReferential{Next: &selfReferential{}}
	qt.Check(t, qt.ErrorIs(assignValues(s, getName), errRecursiveStruct))
}

func TestAssignValuesWrongValue(t *testing.T) {
	// A getValue that returns the wrong type yields an error, not a panic.
	var s struct {
		A string `ebpf:"a"`
	}
	err := assignValues(&s, func(reflect.Type, string) (interface{}, error) { return 1, nil })
	qt.Check(t, qt.ErrorMatches(err, `field A: can't assign int to string`))
	err = assignValues(&s, func(reflect.Type, string) (interface{}, error) { return nil, nil })
	qt.Check(t, qt.IsNotNil(err))
}

func TestCollectionSpecAssign(t *testing.T) {
	spec := &CollectionSpec{
		Maps:     map[string]*MapSpec{"map1": {Type: Array}},
		Programs: map[string]*ProgramSpec{"prog1": {Type: SocketFilter}},
	}

	var objs struct {
		Prog      *ProgramSpec `ebpf:"prog1"`
		Map       *MapSpec     `ebpf:"map1"`
		Untagged  string
		untagged2 int
	}
	qt.Assert(t, qt.IsNil(spec.Assign(&objs)))
	qt.Check(t, qt.Equals(objs.Prog, spec.Programs["prog1"]))
	qt.Check(t, qt.Equals(objs.Map, spec.Maps["map1"]))
	qt.Check(t, qt.Equals(objs.Untagged, ""))

	// An untagged nil pointer to a struct can't be searched for tags.
	var nilPointer struct {
		Prog     *ProgramSpec `ebpf:"prog1"`
		Untagged *ProgramSpec
	}
	qt.Check(t, qt.ErrorMatches(spec.Assign(&nilPointer), `field Untagged: nil pointer to \*ebpf.ProgramSpec`))

	qt.Check(t, qt.IsNotNil(spec.Assign(objs)))
	qt.Check(t, qt.IsNotNil(spec.Assign(new(int))))

	var unexported struct {
		prog *ProgramSpec `ebpf:"prog1"`
	}
	qt.Check(t, qt.ErrorMatches(spec.Assign(&unexported), "field prog: can't set value"))

	var missing struct {
		Prog *ProgramSpec `ebpf:"prog2"`
		Map  *MapSpec     `ebpf:"map2"`
	}
	qt.Check(t, qt.ErrorMatches(spec.Assign(&missing), `field Prog: missing program "prog2"`))
	missing.Prog = nil
	var missingMap struct {
		Map *MapSpec `ebpf:"map2"`
	}
	qt.Check(t, qt.ErrorMatches(spec.Assign(&missingMap), `field Map: missing map "map2"`))

	var loaded struct {
		Prog *Program `ebpf:"prog1"`
	}
	qt.Check(t, qt.ErrorMatches(spec.Assign(&loaded), `field Prog: unsupported type \*ebpf.Program`))

	var nilSpec *CollectionSpec
	qt.Check(t, qt.IsNotNil(nilSpec.Assign(&objs)))
	qt.Check(t, qt.IsFalse(errors.Is(spec.Assign(&objs), ErrNotSupported)))
}

func ExampleCollectionSpec_Assign() {
	spec := &CollectionSpec{
		Maps:     map[string]*MapSpec{"counts": {Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 1}},
		Programs: map[string]*ProgramSpec{"filter": {Type: SocketFilter}},
	}

	// Generated code often embeds one struct per kind of object; an
	// unexported embedded struct works as well.
	type maps struct {
		Counts *MapSpec `ebpf:"counts"`
	}
	var specs struct {
		Filter *ProgramSpec `ebpf:"filter"`
		maps
	}

	if err := spec.Assign(&specs); err != nil {
		panic(err)
	}
	fmt.Println(specs.Filter.Type)
	fmt.Println(specs.Counts.Type)

	// Output: SocketFilter
	// Array
}
