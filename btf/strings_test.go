package btf

import (
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestStringTable(t *testing.T) {
	base, err := newStringTable([]byte("\x00foo\x00barfoo\x00"), nil)
	qt.Assert(t, qt.IsNil(err))

	for off, want := range map[uint32]string{0: "", 1: "foo", 5: "barfoo"} {
		s, err := base.lookup(off)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(s, want))
		qt.Assert(t, qt.IsTrue(base.valid(off)))
	}
	for _, off := range []uint32{2, 8, 12, 13, 1 << 31} {
		_, err := base.lookup(off)
		qt.Assert(t, qt.ErrorIs(err, errStringOffset), qt.Commentf("offset %d", off))
		qt.Assert(t, qt.IsFalse(base.valid(off)))
	}

	// Split tables continue the offsets of their base.
	split, err := newStringTable([]byte("baz\x00\x00qux\x00"), base)
	qt.Assert(t, qt.IsNil(err))
	for off, want := range map[uint32]string{0: "", 1: "foo", 12: "baz", 16: "", 17: "qux"} {
		s, err := split.lookup(off)
		qt.Assert(t, qt.IsNil(err), qt.Commentf("offset %d", off))
		qt.Assert(t, qt.Equals(s, want))
	}
	_, err = split.lookup(13)
	qt.Assert(t, qt.ErrorIs(err, errStringOffset))
	_, err = split.lookup(21)
	qt.Assert(t, qt.ErrorIs(err, errStringOffset))

	empty, err := newStringTable(nil, base)
	qt.Assert(t, qt.IsNil(err))
	_, err = empty.lookup(12)
	qt.Assert(t, qt.ErrorIs(err, errStringOffset))
	_, err = newStringTable([]byte("\x00"), split)
	qt.Assert(t, qt.IsNotNil(err))

	for _, bad := range []string{"", "foo\x00", "\x00foo"} {
		_, err := newStringTable([]byte(bad), nil)
		qt.Assert(t, qt.IsNotNil(err), qt.Commentf("%q", bad))
	}
}

func TestEssentialName(t *testing.T) {
	for name, want := range map[string]string{
		"":                "",
		"foo":             "foo",
		"foo___bar":       "foo",
		"foo___bar___baz": "foo___bar",
		"foo____bar":      "foo_",
		"___foo":          "___foo",
		"a___":            "a",
		"foo__bar":        "foo__bar",
		"_":               "_",
		"___":             "___",
		"a_b_c_d_e_f":     "a_b_c_d_e_f",
	} {
		qt.Check(t, qt.Equals(essentialName(name), want), qt.Commentf("%q", name))
	}
}

func TestNameHash(t *testing.T) {
	seen := make(map[uint32]string)
	for n := range 40 {
		s := strings.Repeat("abcdefghijklmnopqrstuvwxyz_0123456789", 2)[:n]
		h := nameHash(s)
		// The table variant agrees, wherever the string sits relative to
		// the end of the table.
		for _, pad := range []string{"", "\x00", "x\x00foo\x00bar", "___\x00"} {
			table := "\x00" + s + "\x00" + pad
			got, flavoured := nameHashAt(table, 1)
			qt.Assert(t, qt.Equals(got, h), qt.Commentf("%q", s))
			qt.Assert(t, qt.IsFalse(flavoured))
		}
		if other, ok := seen[h]; ok {
			t.Errorf("%q and %q collide", s, other)
		}
		seen[h] = s
	}

	// Flavours are found wherever the underscores fall relative to the
	// 8-byte words the hash reads.
	for n := range 20 {
		for _, name := range []string{strings.Repeat("a", n) + "___", strings.Repeat("b", n) + "___x"} {
			_, flavoured := nameHashAt("\x00"+name+"\x00", 1)
			qt.Assert(t, qt.IsTrue(flavoured), qt.Commentf("%q", name))
		}
		for _, name := range []string{strings.Repeat("_", n%3) + "a", "a__b__c" + strings.Repeat("_", n%3)} {
			_, flavoured := nameHashAt("\x00"+name+"\x00___", 1)
			qt.Assert(t, qt.IsFalse(flavoured), qt.Commentf("%q", name))
		}
	}

	st, err := newStringTable([]byte("\x00foo___bar\x00foo\x00"), nil)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(st.essentialNameHash(1), nameHash("foo")))
	qt.Assert(t, qt.Equals(st.essentialNameHash(11), nameHash("foo")))
}
