package btf

import (
	"fmt"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestStringTableBuilder(t *testing.T) {
	stb := newStringTableBuilder(0)

	off, err := stb.Add("")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(off, 0), qt.Commentf("empty string must be at offset 0"))

	foo, err := stb.Add("foo")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(foo, 1))
	bar, err := stb.Add("bar")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(bar, 5))

	again, err := stb.Add("foo")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(again, foo), qt.Commentf("strings are deduplicated"))

	// A prefix or suffix of a string is a string of its own.
	fo, err := stb.Add("fo")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(fo, 9))

	_, err = stb.Add("a\x00b")
	qt.Assert(t, qt.ErrorIs(err, errStringContainsNUL))

	off, err = stb.Lookup("bar")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(off, bar))
	_, err = stb.Lookup("baz")
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))

	encoded := stb.AppendEncoded(nil)
	qt.Assert(t, qt.Equals(string(encoded), "\x00foo\x00bar\x00fo\x00"))
	qt.Assert(t, qt.Equals(stb.Length(), len(encoded)))

	// The encoded table reads back.
	table, err := newStringTable(encoded, nil)
	qt.Assert(t, qt.IsNil(err))
	for s, off := range map[string]uint32{"": 0, "foo": foo, "bar": bar, "fo": fo} {
		got, err := table.lookup(off)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(got, s))
	}
}

func TestStringTableBuilderZeroValue(t *testing.T) {
	var stb stringTableBuilder
	qt.Assert(t, qt.Equals(stb.Length(), 1))
	qt.Assert(t, qt.Equals(string(stb.AppendEncoded(nil)), "\x00"))
	off, err := stb.Add("x")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(off, 1))
}

func TestStringTableBuilderGrowAndCopy(t *testing.T) {
	stb := newStringTableBuilder(1)
	offsets := make(map[string]uint32)
	for i := range 10000 {
		s := fmt.Sprint("str", i)
		off, err := stb.Add(s)
		qt.Assert(t, qt.IsNil(err))
		offsets[s] = off
	}

	var cpy stringTableBuilder
	cpy.copyFrom(stb, 100000)
	qt.Assert(t, qt.Equals(cpy.Length(), stb.Length()))

	for s, want := range offsets {
		off, err := stb.Lookup(s)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(off, want))
		off, err = cpy.Lookup(s)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(off, want))
	}

	// The copy is independent.
	_, err := cpy.Add("only in copy")
	qt.Assert(t, qt.IsNil(err))
	_, err = stb.Lookup("only in copy")
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))

	cpy.reset(0)
	qt.Assert(t, qt.Equals(cpy.Length(), 1))
	_, err = cpy.Lookup("str1")
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
}

func BenchmarkStringTableBuilder(b *testing.B) {
	strs := make([]string, 1000)
	for i := range strs {
		strs[i] = fmt.Sprint("member_name_", i%500)
	}

	b.ReportAllocs()
	var stb stringTableBuilder
	for b.Loop() {
		stb.reset(len(strs))
		for _, s := range strs {
			if _, err := stb.Add(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
