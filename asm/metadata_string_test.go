package asm

import (
	"fmt"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestMetadataStrings(t *testing.T) {
	ins := Mov.Imm(R0, 0).WithSource(Comment("src")).WithSymbol("sym").WithReference("ref")
	qt.Assert(t, qt.Equals(ins.Symbol(), "sym"))
	qt.Assert(t, qt.Equals(ins.Reference(), "ref"))
	qt.Assert(t, qt.Equals[fmt.Stringer](ins.Source(), Comment("src")))

	// Setting the same string keeps the list.
	same := ins.WithSymbol("sym")
	qt.Assert(t, qt.Equals(same.Metadata, ins.Metadata))

	// Replacing in a copy leaves the original alone, deep in the list too.
	cpy := ins.WithSymbol("other")
	qt.Assert(t, qt.Equals(cpy.Symbol(), "other"))
	qt.Assert(t, qt.Equals(cpy.Reference(), "ref"))
	qt.Assert(t, qt.Equals[fmt.Stringer](cpy.Source(), Comment("src")))
	qt.Assert(t, qt.Equals(ins.Symbol(), "sym"))

	cpy = cpy.WithSource(nil).WithReference("ref2")
	qt.Assert(t, qt.Equals(cpy.Reference(), "ref2"))
	qt.Assert(t, qt.Equals(ins.Reference(), "ref"))
	qt.Assert(t, qt.Equals[fmt.Stringer](ins.Source(), Comment("src")))

	// "" removes.
	cpy = cpy.WithSymbol("").WithReference("")
	qt.Assert(t, qt.Equals(cpy.Symbol(), ""))
	qt.Assert(t, qt.Equals(cpy.Reference(), ""))
	qt.Assert(t, qt.IsNil(cpy.Metadata.Get(symbolMeta{})))
	qt.Assert(t, qt.Equals(ins.Symbol(), "sym"))

	// AssociateMap drops the reference.
	load := LoadMapPtr(R1, 0).WithReference("map")
	qt.Assert(t, qt.IsNil(load.AssociateMap(fder(3))))
	qt.Assert(t, qt.Equals(load.Reference(), ""))
}

var symbolSink Instruction

type fder int

func (f fder) FD() int { return int(f) }

func TestMetadataStringsAllocations(t *testing.T) {
	name := string([]byte("not a constant"))
	allocs := testing.AllocsPerRun(100, func() {
		symbolSink = Mov.Imm(R0, 0).WithSymbol(name)
	})
	qt.Assert(t, qt.Equals(allocs, 1.0))
}
