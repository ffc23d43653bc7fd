package btf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
	"github.com/google/go-cmp/cmp"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// typeRef stands in for a referenced type in a flattened type list, so that
// cyclic graphs can be compared with go-cmp: only the ID of a child is
// compared, the child itself is compared at its own position in the list.
type typeRef struct{ ID TypeID }

func (r *typeRef) Format(f fmt.State, verb rune) { fmt.Fprintf(f, "ref(%d)", r.ID) }
func (r *typeRef) TypeName() string              { return "" }
func (r *typeRef) copy() Type                    { cpy := *r; return &cpy }

// flattenSpec returns shallow copies of the types of spec in ID order, each
// reference replaced by a typeRef.
func flattenSpec(tb testing.TB, spec *Spec) []Type {
	tb.Helper()
	var flat []Type
	for iter := spec.Iterate(); iter.Next(); {
		flat = append(flat, flattenType(tb, iter.Type, spec.TypeID))
	}
	return flat
}

func flattenType(tb testing.TB, typ Type, idOf func(Type) (TypeID, error)) Type {
	tb.Helper()
	cpy := typ.copy()
	visitChildren(cpy, func(child *Type) bool {
		id, err := idOf(*child)
		qt.Assert(tb, qt.IsNil(err), qt.Commentf("child %s of %s", *child, typ))
		*child = &typeRef{id}
		return true
	})
	return cpy
}

// specTypes returns all types of spec in ID order, starting with Void.
func specTypes(tb testing.TB, spec *Spec) []Type {
	tb.Helper()
	var types []Type
	for iter := spec.Iterate(); iter.Next(); {
		types = append(types, iter.Type)
	}
	qt.Assert(tb, qt.Not(qt.HasLen(types, 0)))
	return types
}

// checkRoundTrip marshals spec in byte order bo, parses the result and
// compares the types.
//
// A type keeps its ID only mostly: the Builder moves the Typedefs and
// qualifiers of a Datasec's variables ahead of the Datasec, and kernel BTF
// sorted by name (Linux 7.x) has Datasecs ahead of them. So the expectation
// names children by the IDs the Builder gave them.
func checkRoundTrip(tb testing.TB, spec *Spec, bo binary.ByteOrder) {
	tb.Helper()
	b, err := NewBuilder(specTypes(tb, spec))
	qt.Assert(tb, qt.IsNil(err))
	raw, err := b.Marshal(nil, &MarshalOptions{Order: bo})
	qt.Assert(tb, qt.IsNil(err))

	parsed, err := loadRawSpec(raw, nil, nil)
	qt.Assert(tb, qt.IsNil(err))
	qt.Assert(tb, qt.Equals(parsed.byteOrder(), bo))

	checkTypeLists(tb, 1, builderTypes(tb, b), flattenSpec(tb, parsed)[1:])
}

// builderTypes returns the types added to b in ID order (from 1), flattened
// with the IDs b gave them.
func builderTypes(tb testing.TB, b *Builder) []Type {
	tb.Helper()
	builderID := func(typ Type) (TypeID, error) {
		if _, ok := typ.(*Void); ok {
			return 0, nil
		}
		if id, ok := b.id(typ); ok {
			return id, nil
		}
		return 0, fmt.Errorf("%s was not added", typ)
	}
	want := make([]Type, 0, len(b.types))
	for _, typ := range b.types {
		want = append(want, flattenType(tb, typ, builderID))
	}
	return want
}

// checkTypeLists compares two flattened type lists starting at type ID
// first, type by type, and fails the test with the first few types that differ and
// how many do: a diff of two whole kernel type lists takes minutes.
func checkTypeLists(tb testing.TB, first TypeID, want, got []Type) {
	tb.Helper()
	const show = 5
	var (
		diffs []string
		n     int
	)
	for i := range min(len(want), len(got)) {
		if cmp.Equal(want[i], got[i]) {
			continue
		}
		if n++; len(diffs) < show {
			diffs = append(diffs, fmt.Sprintf("type %d (-want +got):\n%s", first+TypeID(i), cmp.Diff(want[i], got[i])))
		}
	}
	if n == 0 && len(want) == len(got) {
		return
	}
	tb.Fatalf("%d of %d types differ, %d and %d types in all; the first:\n%s",
		n, min(len(want), len(got)), len(want), len(got), strings.Join(diffs, "\n"))
}

// testELFs returns the ELF objects of testdata and btf/testdata.
func testELFs(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, pattern := range []string{"../testdata/*.elf", "testdata/*.elf"} {
		matches, err := filepath.Glob(pattern)
		qt.Assert(tb, qt.IsNil(err))
		files = append(files, matches...)
	}
	if len(files) == 0 {
		tb.Fatal("no ELF objects in testdata")
	}
	return files
}

// elfByteOrder returns the byte order of an object from its name.
func elfByteOrder(file string) binary.ByteOrder {
	if strings.HasSuffix(file, "-eb.elf") {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// loadTestELFSpec parses the BTF of an ELF, skipping objects that the reader
// rejects on purpose.
func loadTestELFSpec(tb testing.TB, file string) *Spec {
	tb.Helper()
	spec, err := LoadSpec(file)
	if errors.Is(err, ErrNotSupported) || errors.Is(err, internal.ErrNotSupported) {
		tb.Skip("object is unsupported by design:", err)
	}
	qt.Assert(tb, qt.IsNil(err))
	return spec
}

func TestMarshalRoundTripELF(t *testing.T) {
	for _, file := range testELFs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			spec := loadTestELFSpec(t, file)
			bo := elfByteOrder(file)
			qt.Assert(t, qt.Equals(spec.byteOrder(), bo))

			// Both the object's byte order and the other one.
			checkRoundTrip(t, spec, binary.LittleEndian)
			checkRoundTrip(t, spec, binary.BigEndian)
		})
	}
}

func TestMarshalRoundTripVmlinux(t *testing.T) {
	spec := loadVmlinuxForMarshal(t)
	checkRoundTrip(t, spec, internal.NativeEndian)
}

func loadVmlinuxForMarshal(tb testing.TB) *Spec {
	tb.Helper()
	spec, err := LoadSpec("/sys/kernel/btf/vmlinux")
	if errors.Is(err, os.ErrNotExist) {
		tb.Skip("no kernel BTF")
	}
	qt.Assert(tb, qt.IsNil(err))
	return spec
}

func TestBuilderAdd(t *testing.T) {
	i := &Int{Name: "foo", Size: 2}
	ptr := &Pointer{i}
	td := &Typedef{"bar", ptr}

	var b Builder
	qt.Assert(t, qt.IsTrue(b.Empty()))

	for _, test := range []struct {
		typ  Type
		want TypeID
	}{
		{(*Void)(nil), 0},
		{&Void{}, 0},
		{i, 1},
		{i, 1},
		{ptr, 2},
		{ptr, 2},
		{td, 3},
	} {
		id, err := b.Add(test.typ)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(id, test.want), qt.Commentf("%s", test.typ))
	}
	qt.Assert(t, qt.IsFalse(b.Empty()))

	_, err := b.Add(nil)
	qt.Assert(t, qt.IsNotNil(err))

	b2, err := NewBuilder([]Type{(*Void)(nil), i, ptr, td})
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(b2.types, 3))

	_, err = NewBuilder([]Type{i, nil})
	qt.Assert(t, qt.ErrorMatches(err, `add type 1 .*`))
}

func TestBuilderMarshalDoesNotMutate(t *testing.T) {
	fn := &Func{"fn", &FuncProto{Return: &Int{Name: "int", Size: 4, Encoding: Signed}}, GlobalFunc}

	var b Builder
	_, err := b.Add(fn)
	qt.Assert(t, qt.IsNil(err))
	_, err = b.addString("foo")
	qt.Assert(t, qt.IsNil(err))
	strLen := b.strings.Length()

	first, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))
	second, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))

	qt.Assert(t, qt.DeepEquals(first, second))
	qt.Assert(t, qt.HasLen(b.types, 1))
	qt.Assert(t, qt.Equals(b.strings.Length(), strLen))

	// Marshal appends to buf.
	prefixed, err := b.Marshal([]byte("xyz"), nil)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(prefixed[3:], first))
	qt.Assert(t, qt.Equals(string(prefixed[:3]), "xyz"))

	// Strings added before marshaling keep their offset.
	spec, err := loadRawSpec(first, nil, nil)
	qt.Assert(t, qt.IsNil(err))
	s, err := spec.strings().lookup(1)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(s, "foo"))
}

func TestMarshalIDOrder(t *testing.T) {
	// Dependencies that weren't added get IDs after the added types,
	// children before parents.
	i := &Int{Name: "int", Size: 4}
	ptr := &Pointer{i}
	arr := &Array{Index: i, Type: ptr, Nelems: 2}
	td := &Typedef{"td", arr}
	s := &Struct{Name: "s", Size: 8, Members: []Member{{Name: "next", Type: &Pointer{}}}}
	// A cycle through a dependency.
	s.Members[0].Type.(*Pointer).Target = s

	b, err := NewBuilder([]Type{td, s})
	qt.Assert(t, qt.IsNil(err))
	raw, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))
	spec, err := loadRawSpec(raw, nil, nil)
	qt.Assert(t, qt.IsNil(err))

	var names []string
	for iter := spec.Iterate(); iter.Next(); {
		names = append(names, fmt.Sprintf("%s", iter.Type))
	}
	qt.Assert(t, qt.DeepEquals(names, []string{
		"Void",
		`Typedef:"td"`,
		`Struct:"s"`,
		`Int:"int"`,
		"Pointer",
		"Array",
		"Pointer",
	}))

	gotS, err := spec.TypeByID(2)
	qt.Assert(t, qt.IsNil(err))
	self := gotS.(*Struct).Members[0].Type.(*Pointer).Target
	qt.Assert(t, qt.Equals(self, gotS))
}

func TestMarshalEnum64(t *testing.T) {
	enum := &Enum{
		Name:   "enum64",
		Size:   8,
		Signed: true,
		Values: []EnumValue{{"A", math.MaxUint64}, {"B", 1 << 40}},
	}
	unsigned := &Enum{Name: "u64", Size: 8, Values: []EnumValue{{"C", 1}}}
	s := &Struct{Name: "s", Size: 16, Members: []Member{
		{Name: "a", Type: enum},
		{Name: "b", Type: unsigned, Offset: 64},
	}}

	b, err := NewBuilder([]Type{s})
	qt.Assert(t, qt.IsNil(err))

	t.Run("enum64", func(t *testing.T) {
		raw, err := b.Marshal(nil, nil)
		qt.Assert(t, qt.IsNil(err))
		spec, err := loadRawSpec(raw, nil, nil)
		qt.Assert(t, qt.IsNil(err))

		got, err := spec.AnyTypeByName("enum64")
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.DeepEquals(got, Type(enum)))
	})

	t.Run("replaced", func(t *testing.T) {
		raw, err := b.Marshal(nil, &MarshalOptions{ReplaceEnum64: true})
		qt.Assert(t, qt.IsNil(err))
		spec, err := loadRawSpec(raw, nil, nil)
		qt.Assert(t, qt.IsNil(err))

		var u *Union
		qt.Assert(t, qt.IsNil(spec.TypeByName("enum64", &u)))
		qt.Assert(t, qt.Equals(u.Size, 8))
		qt.Assert(t, qt.HasLen(u.Members, 2))
		placeholder := &Int{Name: "enum64_placeholder", Size: 8, Encoding: Signed}
		for i, m := range u.Members {
			qt.Assert(t, qt.Equals(m.Name, enum.Values[i].Name))
			qt.Assert(t, qt.DeepEquals(m.Type, Type(placeholder)))
			qt.Assert(t, qt.Equals(m.Offset, 0))
		}

		qt.Assert(t, qt.IsNil(spec.TypeByName("u64", &u)))
		qt.Assert(t, qt.DeepEquals(u.Members[0].Type, Type(&Int{Name: "enum64_placeholder", Size: 8})))

		// The layout of the struct is intact.
		var got *Struct
		qt.Assert(t, qt.IsNil(spec.TypeByName("s", &got)))
		size, err := Sizeof(got)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(size, 16))

		// One placeholder per signedness, shared by all enums.
		placeholders, err := spec.AnyTypesByName("enum64_placeholder")
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.HasLen(placeholders, 2))
	})
}

func TestMarshalEnumSignedness(t *testing.T) {
	enum := &Enum{Name: "e", Size: 4, Signed: true, Values: []EnumValue{{"MINUS", math.MaxUint64}}}
	b, err := NewBuilder([]Type{enum})
	qt.Assert(t, qt.IsNil(err))

	for _, test := range []struct {
		opts   *MarshalOptions
		signed bool
	}{
		{nil, true},
		{&MarshalOptions{ReplaceEnum64: true}, false},
	} {
		raw, err := b.Marshal(nil, test.opts)
		qt.Assert(t, qt.IsNil(err))
		spec, err := loadRawSpec(raw, nil, nil)
		qt.Assert(t, qt.IsNil(err))
		got, err := spec.TypeByID(1)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(got.(*Enum).Signed, test.signed))
		if test.signed {
			qt.Assert(t, qt.Equals(got.(*Enum).Values[0].Value, math.MaxUint64))
		} else {
			qt.Assert(t, qt.Equals(got.(*Enum).Values[0].Value, math.MaxUint32))
		}
	}
}

func TestMarshalStripFuncLinkage(t *testing.T) {
	fn := &Func{"fn", &FuncProto{Return: (*Void)(nil)}, GlobalFunc}
	b, err := NewBuilder([]Type{fn})
	qt.Assert(t, qt.IsNil(err))

	for _, strip := range []bool{false, true} {
		raw, err := b.Marshal(nil, &MarshalOptions{StripFuncLinkage: strip})
		qt.Assert(t, qt.IsNil(err))
		spec, err := loadRawSpec(raw, nil, nil)
		qt.Assert(t, qt.IsNil(err))
		got, err := spec.TypeByID(1)
		qt.Assert(t, qt.IsNil(err))
		want := GlobalFunc
		if strip {
			want = StaticFunc
		}
		qt.Assert(t, qt.Equals(got.(*Func).Linkage, want))
	}
	qt.Assert(t, qt.Equals(fn.Linkage, GlobalFunc))
}

func TestMarshalPreventNoTypeFound(t *testing.T) {
	var b Builder
	_, err := b.addString("foo")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsFalse(b.Empty()))

	raw, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))
	spec, err := loadRawSpec(raw, nil, nil)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(spec.raw.lastID(), 0))

	raw, err = b.Marshal(nil, &MarshalOptions{PreventNoTypeFound: true})
	qt.Assert(t, qt.IsNil(err))
	spec, err = loadRawSpec(raw, nil, nil)
	qt.Assert(t, qt.IsNil(err))
	typ, err := spec.TypeByID(1)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(typ, Type(&Int{})))
	s, err := spec.strings().lookup(1)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(s, "foo"))
}

func TestMarshalTags(t *testing.T) {
	i := &Int{Name: "int", Size: 4, Encoding: Signed}
	s := &Struct{Name: "s", Size: 4, Members: []Member{{Name: "a", Type: i}}}
	tagged := &Pointer{&typeTag{Type: i, Value: "user"}}
	types := []Type{
		s,
		&declTag{Type: s, Value: "whole", Index: -1},
		&declTag{Type: s, Value: "member", Index: 0},
		&Typedef{Name: "uptr", Type: tagged},
	}

	b, err := NewBuilder(types)
	qt.Assert(t, qt.IsNil(err))
	raw, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))
	spec, err := loadRawSpec(raw, nil, nil)
	qt.Assert(t, qt.IsNil(err))

	for id, want := range types {
		got, err := spec.TypeByID(TypeID(id + 1))
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.DeepEquals(got, want))
	}
}

func TestMarshalErrors(t *testing.T) {
	for _, test := range []struct {
		name string
		typ  Type
		msg  string
	}{
		{"nul in name", &Int{Name: "a\x00b", Size: 4}, `.*NUL.*`},
		{"nul in member", &Struct{Name: "s", Size: 4, Members: []Member{{Name: "a\x00", Type: &Int{Size: 4}}}}, `.*member 0.*NUL.*`},
		{"nil pointer target", &Pointer{}, `.*nil Type.*`},
		{"nil member", &Struct{Name: "s", Members: []Member{{Name: "a"}}}, `.*nil Type.*`},
		{"enum out of range", &Enum{Name: "e", Size: 4, Values: []EnumValue{{"X", 1 << 33}}}, `.*value X.*32-bit.*`},
		{"signed enum out of range", &Enum{Name: "e", Size: 4, Signed: true, Values: []EnumValue{{"X", 1 << 31}}}, `.*value X.*signed 32-bit.*`},
		{"int too large", &Int{Name: "i", Size: 64}, `.*size 64 bytes.*`},
		{"bitfield offset", &Struct{Name: "s", Members: []Member{{Name: "a", Type: &Int{Size: 4}, Offset: 1 << 24, BitfieldSize: 1}}}, `.*member a: offset.*`},
		{"cycle placeholder", &cycle{}, `.*can't marshal.*`},
	} {
		t.Run(test.name, func(t *testing.T) {
			b, err := NewBuilder([]Type{test.typ})
			qt.Assert(t, qt.IsNil(err))
			_, err = b.Marshal(nil, nil)
			qt.Assert(t, qt.ErrorMatches(err, test.msg))
		})
	}
}

func BenchmarkMarshaler(b *testing.B) {
	spec := loadVmlinuxForMarshal(b)
	benchmarkBuild(b, specTypes(b, spec)[:100])
}

func BenchmarkBuildVmlinux(b *testing.B) {
	spec := loadVmlinuxForMarshal(b)
	benchmarkBuild(b, specTypes(b, spec))
}

// benchmarkBuild adds types to a new Builder and marshals it.
func benchmarkBuild(b *testing.B, types []Type) {
	b.ReportAllocs()
	for b.Loop() {
		var builder Builder
		for _, typ := range types {
			if _, err := builder.Add(typ); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := builder.Marshal(nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMarshalTagQuirks(t *testing.T) {
	i := &Int{Name: "int", Size: 4, Encoding: Signed}
	v := &Var{Name: "v", Type: &Pointer{&typeTag{Type: i, Value: "user"}}, Linkage: GlobalVar}
	tag := &declTag{Type: v, Value: "whole", Index: -1}

	b, err := NewBuilder([]Type{v, tag})
	qt.Assert(t, qt.IsNil(err))
	raw, err := b.marshal(nil, nil, tagQuirks{replaceDeclTags: true, replaceTypeTags: true})
	qt.Assert(t, qt.IsNil(err))
	plain, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))
	typeLen := func(raw []byte) uint32 { return internal.NativeEndian.Uint32(raw[12:]) }
	qt.Assert(t, qt.Equals(typeLen(raw), typeLen(plain)), qt.Commentf("replacements have the same size"))

	spec, err := loadRawSpec(raw, nil, nil)
	qt.Assert(t, qt.IsNil(err))
	got, err := spec.TypeByID(1)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(got, Type(&Var{Name: "v", Type: &Pointer{&Const{i}}, Linkage: GlobalVar})))
	got, err = spec.TypeByID(2)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(got, Type(&Int{Size: 1})))
}

// checkIsomorphic walks the graphs of want and got in parallel and fails
// the test unless they have the same shape: every pair of types met is
// equal except for its children, and a type of want always meets the same
// type of got. It handles cycles.
func checkIsomorphic(tb testing.TB, want, got Type, pairs map[Type]Type) {
	tb.Helper()
	placeholder := func(Type) (TypeID, error) { return 0, nil }

	work := [][2]Type{{want, got}}
	for len(work) > 0 {
		w, g := work[len(work)-1][0], work[len(work)-1][1]
		work = work[:len(work)-1]

		if _, ok := w.(*Void); ok {
			qt.Assert(tb, qt.DeepEquals(g, Type((*Void)(nil))))
			continue
		}
		if seen, ok := pairs[w]; ok {
			if seen != g {
				tb.Fatalf("%s maps to both %s and %s", w, seen, g)
			}
			continue
		}
		pairs[w] = g

		if diff := cmp.Diff(flattenType(tb, w, placeholder), flattenType(tb, g, placeholder)); diff != "" {
			tb.Fatalf("%s differs (-want +got):\n%s", w, diff)
		}

		var wKids, gKids []Type
		visitChildren(w, func(child *Type) bool { wKids = append(wKids, *child); return true })
		visitChildren(g, func(child *Type) bool { gKids = append(gKids, *child); return true })
		for i := range wKids {
			work = append(work, [2]Type{wKids[i], gKids[i]})
		}
	}
}

func TestMarshalShuffledVmlinux(t *testing.T) {
	types := specTypes(t, loadVmlinuxForMarshal(t))[1:]
	rng := testutils.Rand(t)
	rng.Shuffle(len(types), func(i, j int) { types[i], types[j] = types[j], types[i] })
	// Types outside the subset are only reachable as dependencies.
	types = types[:min(len(types), math.MaxInt16)]

	b, err := NewBuilder(types)
	qt.Assert(t, qt.IsNil(err))
	raw, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))

	spec, err := loadRawSpec(slices.Clone(raw), nil, nil)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsTrue(int(spec.raw.lastID()) > len(types)), qt.Commentf("dependencies are emitted"))

	pairs := make(map[Type]Type)
	for _, typ := range types {
		// Not i+1: a Datasec pulls the Typedefs of its variables in ahead of
		// itself, so IDs follow Add order only mostly.
		id, err := b.Add(typ)
		qt.Assert(t, qt.IsNil(err))
		got, err := spec.TypeByID(id)
		qt.Assert(t, qt.IsNil(err))
		checkIsomorphic(t, typ, got, pairs)
	}

	testutils.RequirePrivileges(t)
	h, err := NewHandleFromRawBTF(raw)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(h.Close()))
}

// TestMarshalRoundTripSortedBTF round-trips BTF laid out the way Linux 7.x
// sorts kernel BTF by name: a Datasec (".data..percpu" sorts before
// letters) ahead of the Var and the Typedef it refers to. The Builder moves
// the Typedef ahead of the Datasec, so IDs change; the types must not.
func TestMarshalRoundTripSortedBTF(t *testing.T) {
	b := newTestBlob()
	ds := b.add(".data..percpu", kindDatasec, 1, false, 8, 3, 0, 8) // 1
	i := b.addInt("unsigned long long", 8, Unsigned)                // 2
	b.add("runqueues", kindVar, 0, false, 4, uint32(GlobalVar))     // 3
	b.add("u64", kindTypedef, 0, false, uint32(i))                  // 4
	qt.Assert(t, qt.Equals(ds, 1))

	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		spec, err := loadRawSpec(b.encode(bo), nil, nil)
		qt.Assert(t, qt.IsNil(err))
		checkRoundTrip(t, spec, binary.LittleEndian)
		checkRoundTrip(t, spec, binary.BigEndian)
	}
}
