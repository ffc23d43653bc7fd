package asm

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/go-quicktest/qt"
)

func TestMetadata(t *testing.T) {
	var m Metadata

	// A new value in a copy is not visible in the original.
	qt.Assert(t, qt.IsNil(m.Get("foo")))
	m.Set("foo", 42)
	qt.Assert(t, qt.Equals(m.Get("foo"), interface{}(42)))

	cpy := m
	cpy.Set("bar", 1)
	qt.Assert(t, qt.IsNil(m.Get("bar")))
	qt.Assert(t, qt.Equals(cpy.Get("bar"), interface{}(1)))
	qt.Assert(t, qt.Equals(cpy.Get("foo"), interface{}(42)))

	// Replacing and removing in a copy leaves the original alone.
	cpy.Set("foo", 43)
	qt.Assert(t, qt.Equals(m.Get("foo"), interface{}(42)))
	qt.Assert(t, qt.Equals(cpy.Get("foo"), interface{}(43)))
	cpy.Set("foo", nil)
	qt.Assert(t, qt.IsNil(cpy.Get("foo")))
	qt.Assert(t, qt.Equals(cpy.Get("bar"), interface{}(1)))
	qt.Assert(t, qt.Equals(m.Get("foo"), interface{}(42)))

	// Removing a missing key and setting the same value change nothing.
	before := m
	m.Set("missing", nil)
	m.Set("foo", 42)
	qt.Assert(t, qt.Equals(m, before))

	// Distinct named types are distinct keys.
	type key1 struct{}
	type key2 struct{}
	m.Set(key1{}, "one")
	m.Set(key2{}, "two")
	qt.Assert(t, qt.Equals(m.Get(key1{}), interface{}("one")))
	qt.Assert(t, qt.Equals(m.Get(key2{}), interface{}("two")))

	// Values that cannot be compared are stored, not compared.
	m.Set("slice", []int{1})
	m.Set("slice", []int{1})
	qt.Assert(t, qt.DeepEquals(m.Get("slice"), interface{}([]int{1})))
}

func TestMetadataCopyOnWrite(t *testing.T) {
	// Modify a key in the middle of a list shared by two copies.
	var a Metadata
	a.Set("x", 1)
	a.Set("y", 2)
	a.Set("z", 3)
	b := a
	b.Set("y", 20)
	qt.Assert(t, qt.Equals(a.Get("y"), interface{}(2)))
	qt.Assert(t, qt.Equals(b.Get("y"), interface{}(20)))
	qt.Assert(t, qt.Equals(b.Get("x"), interface{}(1)))
	qt.Assert(t, qt.Equals(b.Get("z"), interface{}(3)))
	b.Set("x", nil)
	qt.Assert(t, qt.Equals(a.Get("x"), interface{}(1)))
	qt.Assert(t, qt.IsNil(b.Get("x")))
}

func TestMetadataSize(t *testing.T) {
	qt.Assert(t, qt.Equals(unsafe.Sizeof(Metadata{}), unsafe.Sizeof(uintptr(0))))
}

func TestInstructionMetadata(t *testing.T) {
	// Reference
	ins := Mov.Imm(R0, 0).WithReference("a")
	cpy := ins.WithReference("b")
	qt.Assert(t, qt.Equals(ins.Reference(), "a"))
	qt.Assert(t, qt.Equals(cpy.Reference(), "b"))

	// Symbol
	ins = Return().WithSymbol("a")
	cpy = ins.WithSymbol("b")
	qt.Assert(t, qt.Equals(ins.Symbol(), "a"))
	qt.Assert(t, qt.Equals(cpy.Symbol(), "b"))
	qt.Assert(t, qt.Equals(ins.Sym("c").Symbol(), "c"))
	qt.Assert(t, qt.Equals(ins.WithSymbol("").Symbol(), ""))

	// Associated map
	ins = LoadMapPtr(R1, 0)
	cpy = ins
	qt.Assert(t, qt.IsNil(cpy.AssociateMap(testFD(1))))
	qt.Assert(t, qt.IsNil(ins.Map()))
	qt.Assert(t, qt.Equals(cpy.Map(), FDer(testFD(1))))

	// Source
	ins = Return().WithSource(Comment("return 0;"))
	cpy = ins.WithSource(Comment("exit"))
	qt.Assert(t, qt.Equals(ins.Source(), fmt.Stringer(Comment("return 0;"))))
	qt.Assert(t, qt.Equals(cpy.Source(), fmt.Stringer(Comment("exit"))))
	qt.Assert(t, qt.IsNil(ins.WithSource(nil).Source()))

	// WithMetadata shares the list.
	ins = Return().WithSymbol("sym").WithSource(Comment("c"))
	other := Mov.Imm(R0, 1).WithMetadata(ins.Metadata)
	qt.Assert(t, qt.Equals(other.Symbol(), "sym"))
	qt.Assert(t, qt.Equals(other.Metadata, ins.Metadata))
}
