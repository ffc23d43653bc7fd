package btf

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/go-quicktest/qt"
)

// corpusDir holds objects built by the reference toolchain. It lives outside
// the repository; tests using it skip when it is absent.
const corpusDir = "../../shared/corpus/reference"

func corpusFile(tb testing.TB, name string) string {
	tb.Helper()
	path := filepath.Join(corpusDir, name)
	if _, err := os.Stat(path); err != nil {
		tb.Skip("reference corpus not available:", err)
	}
	return path
}

// vmlinuxTestdata returns the raw vmlinux BTF of the reference corpus.
func vmlinuxTestdata(tb testing.TB) []byte {
	tb.Helper()
	fh, err := os.Open(corpusFile(tb, "btf/vmlinux.btf.gz"))
	qt.Assert(tb, qt.IsNil(err))
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	qt.Assert(tb, qt.IsNil(err))
	raw, err := io.ReadAll(zr)
	qt.Assert(tb, qt.IsNil(err))
	return raw
}

func vmlinuxTestdataSpec(tb testing.TB) *Spec {
	tb.Helper()
	spec, err := loadRawSpec(vmlinuxTestdata(tb), nil, nil)
	qt.Assert(tb, qt.IsNil(err))
	return spec
}

// elfFiles returns the ELF objects of the corpus and of testdata.
func elfFiles(tb testing.TB) []string {
	var files []string
	for _, pattern := range []string{
		filepath.Join(corpusDir, "*.elf"),
		filepath.Join(corpusDir, "btf", "*.elf"),
		"../testdata/*.elf",
	} {
		matches, err := filepath.Glob(pattern)
		qt.Assert(tb, qt.IsNil(err))
		files = append(files, matches...)
	}
	if len(files) == 0 {
		tb.Skip("no ELF objects found")
	}
	return files
}

func TestLoadSpecFromELF(t *testing.T) {
	for _, file := range elfFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			spec, err := LoadSpec(file)
			if filepath.Base(file) == "unsupported_ksym_var-el.elf" || filepath.Base(file) == "unsupported_ksym_var-eb.elf" {
				qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
				return
			}
			qt.Assert(t, qt.IsNil(err))

			fh, err := elf.Open(file)
			qt.Assert(t, qt.IsNil(err))
			defer fh.Close()
			qt.Assert(t, qt.Equals(spec.byteOrder(), fh.ByteOrder))

			n := 0
			for iter := spec.Iterate(); iter.Next(); n++ {
				if n == 0 {
					qt.Assert(t, qt.Equals[Type](iter.Type, (*Void)(nil)))
				}
				// Every type formats without panicking.
				_ = fmt.Sprintf("%+10v", iter.Type)
			}
			qt.Assert(t, qt.Equals(n, int(spec.raw.lastID())+1))
		})
	}
}

func TestLoaderELF(t *testing.T) {
	for _, order := range []string{"el", "eb"} {
		t.Run(order, func(t *testing.T) {
			spec, err := LoadSpec(corpusFile(t, "loader-"+order+".elf"))
			qt.Assert(t, qt.IsNil(err))

			void, err := spec.TypeByID(0)
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.Equals[Type](void, (*Void)(nil)))

			var def *Struct
			qt.Assert(t, qt.IsNil(spec.TypeByName("bpf_map_def", &def)))
			qt.Assert(t, qt.Equals(def.Name, "bpf_map_def"))

			_, err = spec.AnyTypeByName("totally_bogus_type")
			qt.Assert(t, qt.ErrorIs(err, ErrNotFound))

			var fn *Func
			qt.Assert(t, qt.IsNil(spec.TypeByName("global_fn", &fn)))
			qt.Assert(t, qt.Equals(fn.Linkage, GlobalFunc))
			_, ok := fn.Type.(*FuncProto)
			qt.Assert(t, qt.IsTrue(ok))

			var v *Var
			qt.Assert(t, qt.IsNil(spec.TypeByName("key3", &v)))
			qt.Assert(t, qt.Equals(v.Linkage, GlobalVar))
		})
	}
}

func TestDatasecFixup(t *testing.T) {
	file := corpusFile(t, "loader-el.elf")
	spec, err := LoadSpec(file)
	qt.Assert(t, qt.IsNil(err))

	fh, err := elf.Open(file)
	qt.Assert(t, qt.IsNil(err))
	defer fh.Close()
	syms, err := fh.Symbols()
	qt.Assert(t, qt.IsNil(err))

	checked := 0
	for _, name := range []string{".data", ".bss", ".rodata"} {
		var ds *Datasec
		qt.Assert(t, qt.IsNil(spec.TypeByName(name, &ds)))
		sec := fh.Section(name)
		qt.Assert(t, qt.IsNotNil(sec))
		qt.Check(t, qt.Equals(uint64(ds.Size), sec.Size), qt.Commentf("size of %s", name))

		for _, vsi := range ds.Vars {
			for _, sym := range syms {
				if sym.Name == vsi.Type.TypeName() && int(sym.Section) < len(fh.Sections) && fh.Sections[sym.Section].Name == name {
					qt.Check(t, qt.Equals(uint64(vsi.Offset), sym.Value), qt.Commentf("offset of %s", sym.Name))
					checked++
				}
			}
		}
	}
	qt.Assert(t, qt.IsTrue(checked > 3))
}

func TestFixupDatasecLayout(t *testing.T) {
	u8 := &Int{Size: 1}
	u16 := &Int{Size: 2}
	u32 := &Int{Size: 4}
	u64 := &Int{Size: 8}
	ds := &Datasec{Name: ".kconfig", Vars: []VarSecinfo{
		{Type: &Var{Name: "a", Type: u32}},
		{Type: &Var{Name: "b", Type: u8}},
		{Type: &Var{Name: "c", Type: &Typedef{"bool", u8}}},
		{Type: &Var{Name: "d", Type: u16}},
		{Type: &Var{Name: "e", Type: u64}},
		{Type: &Var{Name: "f", Type: &Array{Type: u8, Nelems: 11}}},
		{Type: &Var{Name: "g", Type: &Enum{Size: 4}}},
	}}
	qt.Assert(t, qt.IsNil(fixupDatasecLayout(ds)))

	var offsets []uint32
	for _, vsi := range ds.Vars {
		offsets = append(offsets, vsi.Offset)
	}
	qt.Assert(t, qt.DeepEquals(offsets, []uint32{0, 4, 5, 6, 8, 16, 28}))
	qt.Assert(t, qt.Equals(ds.Size, uint32(32)))

	bad := &Datasec{Vars: []VarSecinfo{{Type: &Var{Name: "s", Type: &Struct{Size: 4}}}}}
	qt.Assert(t, qt.IsNotNil(fixupDatasecLayout(bad)))
	odd := &Datasec{Vars: []VarSecinfo{{Type: &Var{Name: "s", Type: &Int{Size: 3}}}}}
	qt.Assert(t, qt.IsNotNil(fixupDatasecLayout(odd)))
}

func TestKconfigDatasec(t *testing.T) {
	spec, err := LoadSpec(corpusFile(t, "kconfig-el.elf"))
	qt.Assert(t, qt.IsNil(err))

	var ds *Datasec
	qt.Assert(t, qt.IsNil(spec.TypeByName(".kconfig", &ds)))
	qt.Assert(t, qt.Not(qt.HasLen(ds.Vars, 0)))
	qt.Assert(t, qt.Not(qt.Equals(ds.Size, 0)))
	for _, vsi := range ds.Vars {
		qt.Assert(t, qt.Equals(vsi.Type.(*Var).Linkage, GlobalVar))
	}
}

func TestLoadSpecNoBTF(t *testing.T) {
	// An ELF without .BTF: the test binary itself.
	exe, err := os.Executable()
	qt.Assert(t, qt.IsNil(err))
	_, err = LoadSpec(exe)
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
}

func TestAnyTypesByNameFlavours(t *testing.T) {
	spec, err := LoadSpec(corpusFile(t, "btf/relocs-el.elf"))
	qt.Assert(t, qt.IsNil(err))

	for _, name := range []string{"ambiguous", "ambiguous___flavour"} {
		types, err := spec.AnyTypesByName(name)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.HasLen(types, 1))
		qt.Assert(t, qt.Equals(types[0].TypeName(), name))
	}

	var s, flavour *Struct
	qt.Assert(t, qt.IsNil(spec.TypeByName("ambiguous", &s)))
	qt.Assert(t, qt.IsNil(spec.TypeByName("ambiguous___flavour", &flavour)))
	qt.Assert(t, qt.Not(qt.Equals(s, flavour)))

	cands, err := spec.typesByEssentialName("ambiguous")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(cands, 2))
}

func TestTypeByName(t *testing.T) {
	spec := vmlinuxTestdataSpec(t)

	for _, typ := range []any{
		nil,
		Struct{},
		&Struct{},
		[]Struct{},
		&[]Struct{},
		map[int]Struct{},
		&map[int]Struct{},
		int(0),
		new(int),
		(**Struct)(nil),
		new(Type), // holds a nil interface
	} {
		t.Run(fmt.Sprintf("%T", typ), func(t *testing.T) {
			err := spec.TypeByName("iphdr", typ)
			qt.Assert(t, qt.IsNotNil(err))
		})
	}

	var iphdr *Struct
	qt.Assert(t, qt.IsNil(spec.TypeByName("iphdr", &iphdr)))
	var again *Struct
	qt.Assert(t, qt.IsNil(spec.TypeByName("iphdr", &again)))
	qt.Assert(t, qt.Equals(iphdr, again))

	var asType Type = (*Struct)(nil)
	qt.Assert(t, qt.IsNil(spec.TypeByName("iphdr", &asType)))
	qt.Assert(t, qt.Equals[Type](asType, iphdr))

	var wrongKind *Union
	qt.Assert(t, qt.ErrorIs(spec.TypeByName("iphdr", &wrongKind), ErrNotFound))

	// iphdr starts with two 4-bit bitfields of type __u8, encoded with
	// kind_flag: ihl (offset 0) and version (offset 4) on little endian.
	version := iphdr.Members[1]
	qt.Assert(t, qt.Equals(version.Name, "version"))
	qt.Assert(t, qt.Equals(version.Offset, Bits(4)))
	qt.Assert(t, qt.Equals(version.BitfieldSize, Bits(4)))
	td, ok := version.Type.(*Typedef)
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.Equals(td.Name, "__u8"))
	u8, ok := td.Type.(*Int)
	qt.Assert(t, qt.IsTrue(ok))
	qt.Assert(t, qt.Equals(u8.Encoding, Unsigned))
}

func TestTypeIdentityAndIDs(t *testing.T) {
	spec := vmlinuxTestdataSpec(t)

	skb, err := spec.AnyTypeByName("sk_buff")
	qt.Assert(t, qt.IsNil(err))
	id, err := spec.TypeID(skb)
	qt.Assert(t, qt.IsNil(err))
	byID, err := spec.TypeByID(id)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(byID, skb))

	// Types reached through the graph have IDs too.
	for _, m := range skb.(*Struct).Members {
		mid, err := spec.TypeID(m.Type)
		qt.Assert(t, qt.IsNil(err))
		typ, err := spec.TypeByID(mid)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(typ, m.Type))
	}

	_, err = spec.TypeID(&Int{Name: "foreign"})
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
	voidID, err := spec.TypeID(&Void{})
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(voidID, 0))

	_, err = spec.TypeByID(spec.raw.lastID() + 1)
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
}

func TestSpecCopy(t *testing.T) {
	spec := vmlinuxTestdataSpec(t)

	// Change a type before copying: the copy keeps the change.
	var iphdr *Struct
	qt.Assert(t, qt.IsNil(spec.TypeByName("iphdr", &iphdr)))
	iphdr.Name = "modified"
	iphdrID, err := spec.TypeID(iphdr)
	qt.Assert(t, qt.IsNil(err))

	cpy := spec.Copy()
	typ, err := cpy.TypeByID(iphdrID)
	qt.Assert(t, qt.IsNil(err))
	cpyIphdr := typ.(*Struct)
	qt.Assert(t, qt.Equals(cpyIphdr.Name, "modified"))
	qt.Assert(t, qt.Not(qt.Equals(cpyIphdr, iphdr)))
	qt.Assert(t, qt.Not(qt.Equals(cpyIphdr.Members[0].Type, iphdr.Members[0].Type)))

	// Changes after copying are not shared, in either direction.
	iphdr.Name = "later"
	qt.Assert(t, qt.Equals(cpyIphdr.Name, "modified"))
	cpyIphdr.Members[0].Name = "copy only"
	qt.Assert(t, qt.Not(qt.Equals(iphdr.Members[0].Name, "copy only")))

	// Types decoded after copying are distinct as well, and refer to the
	// copied types of the copy.
	a, err := spec.AnyTypeByName("sk_buff")
	qt.Assert(t, qt.IsNil(err))
	b, err := cpy.AnyTypeByName("sk_buff")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Not(qt.Equals(a, b)))
	qt.Assert(t, qt.Equals(fmt.Sprintf("%3v", a), fmt.Sprintf("%3v", b)))

	// Every type of the copy is distinct from the original's.
	seen := make(map[Type]bool)
	for iter := spec.Iterate(); iter.Next(); {
		seen[iter.Type] = true
	}
	for iter := cpy.Iterate(); iter.Next(); {
		if _, ok := iter.Type.(*Void); ok {
			continue
		}
		if seen[iter.Type] {
			t.Fatalf("type %s is shared by both specs", iter.Type)
		}
	}

	qt.Assert(t, qt.IsNil((*Spec)(nil).Copy()))
}

func TestSpecConcurrentAccess(t *testing.T) {
	spec := vmlinuxTestdataSpec(t)

	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, name := range []string{"sk_buff", "task_struct", "iphdr", "bpf_prog_type"} {
				typ, err := spec.AnyTypeByName(name)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := spec.TypeID(typ); err != nil {
					t.Error(err)
				}
				if i%2 == 0 {
					spec.Copy()
				}
			}
		}()
	}
	wg.Wait()
}

func TestIterate(t *testing.T) {
	b := newTestBlob()
	i := b.addInt("int", 4, Signed)
	b.add("", kindPointer, 0, false, uint32(i))
	b.add("foo", kindTypedef, 0, false, uint32(i))
	spec, err := loadRawSpec(b.encode(binary.LittleEndian), nil, nil)
	qt.Assert(t, qt.IsNil(err))

	var got []string
	iter := spec.Iterate()
	for iter.Next() {
		got = append(got, fmt.Sprint(iter.Type))
	}
	qt.Assert(t, qt.DeepEquals(got, []string{
		"Void",
		`Int:"int"[signed size=4]`,
		`Pointer[target=Int:"int"]`,
		`Typedef:"foo"[Int:"int"]`,
	}))
	qt.Assert(t, qt.IsFalse(iter.Next()))
}

func TestEmptySpec(t *testing.T) {
	spec, err := loadRawSpec(newTestBlob().encode(binary.LittleEndian), nil, nil)
	qt.Assert(t, qt.IsNil(err))

	typ, err := spec.TypeByID(0)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals[Type](typ, (*Void)(nil)))
	_, err = spec.TypeByID(1)
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
	_, err = spec.AnyTypeByName("int")
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
}

func TestGuessByteOrder(t *testing.T) {
	qt.Assert(t, qt.Equals(guessRawBTFByteOrder(vmlinuxTestdata(t)), binary.ByteOrder(binary.LittleEndian)))

	b := newTestBlob()
	b.addInt("int", 4, Signed)
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		raw := b.encode(bo)
		qt.Assert(t, qt.Equals(guessRawBTFByteOrder(raw), bo))
		spec, err := LoadSpecFromReader(bytes.NewReader(raw))
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(spec.byteOrder(), bo))
		typ, err := spec.AnyTypeByName("int")
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.DeepEquals(typ, Type(&Int{Name: "int", Size: 4, Encoding: Signed})))
	}
	qt.Assert(t, qt.IsNil(guessRawBTFByteOrder([]byte{1, 2, 3})))
}

func TestSplitSpec(t *testing.T) {
	base := vmlinuxTestdataSpec(t)
	raw, err := os.ReadFile(corpusFile(t, "btf/btf_testmod.btf"))
	qt.Assert(t, qt.IsNil(err))

	split, err := LoadSplitSpecFromReader(bytes.NewReader(raw), base)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(split.firstTypeID(), base.raw.lastID()+1))

	var fn *Func
	qt.Assert(t, qt.IsNil(split.TypeByName("bpf_testmod_test_read", &fn)))
	id, err := split.TypeID(fn)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsTrue(id >= split.firstTypeID()))
	typ, err := split.TypeByID(id)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals[Type](typ, fn))

	// Base types are not part of the split spec...
	_, err = split.AnyTypeByName("int")
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
	_, err = split.TypeByID(1)
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))

	// ...but split types refer to copies of them.
	var ctx *Struct
	qt.Assert(t, qt.IsNil(split.TypeByName("bpf_testmod_test_read_ctx", &ctx)))
	baseInt, err := base.AnyTypesByName("int")
	qt.Assert(t, qt.IsNil(err))
	var sawBase bool
	visitInPostorder(ctx, nil, func(typ Type) bool {
		for _, b := range baseInt {
			qt.Assert(t, qt.Not(qt.Equals(typ, b)))
		}
		if id, err := split.TypeID(typ); err == nil && id < split.firstTypeID() && id != 0 {
			sawBase = true
		}
		return true
	})
	qt.Assert(t, qt.IsTrue(sawBase))

	// Iteration starts at the first split ID.
	iter := split.Iterate()
	qt.Assert(t, qt.IsTrue(iter.Next()))
	first, err := split.TypeID(iter.Type)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(first, split.firstTypeID()))

	// A copy keeps the IDs.
	cpy := split.Copy()
	typ, err = cpy.TypeByID(id)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(typ.TypeName(), "bpf_testmod_test_read"))
	qt.Assert(t, qt.Not(qt.Equals[Type](typ, fn)))

	// Split BTF over split BTF is not allowed.
	_, err = LoadSplitSpecFromReader(bytes.NewReader(raw), split)
	qt.Assert(t, qt.IsNotNil(err))
	_, err = LoadSplitSpecFromReader(bytes.NewReader(raw), nil)
	qt.Assert(t, qt.IsNotNil(err))
}

func TestSpecLookupErrors(t *testing.T) {
	spec := vmlinuxTestdataSpec(t)

	_, err := spec.AnyTypeByName("does_not_exist")
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))

	// Many unrelated types share a common name in vmlinux? Find one that is
	// ambiguous by construction instead.
	b := newTestBlob()
	i := b.addInt("dup", 4, Signed)
	b.add("dup", kindTypedef, 0, false, uint32(i))
	b.add("dup", kindTypedef, 0, false, uint32(i))
	dup, err := loadRawSpec(b.encode(binary.LittleEndian), nil, nil)
	qt.Assert(t, qt.IsNil(err))

	types, err := dup.AnyTypesByName("dup")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(types, 3))
	_, err = dup.AnyTypeByName("dup")
	qt.Assert(t, qt.ErrorMatches(err, "found multiple types.*"))
	var td *Typedef
	qt.Assert(t, qt.ErrorIs(dup.TypeByName("dup", &td), ErrMultipleMatches))
	var it *Int
	qt.Assert(t, qt.IsNil(dup.TypeByName("dup", &it)))
	qt.Assert(t, qt.ErrorIs(err, err))
	qt.Assert(t, qt.IsFalse(errors.Is(err, ErrNotFound)))
}

// TestNameIndexFindsEveryType checks that every named type of vmlinux can
// be found under its essential name, which ties the hash computed while
// scanning the string table to the one computed for lookups.
func TestNameIndexFindsEveryType(t *testing.T) {
	spec := vmlinuxTestdataSpec(t)
	r := spec.raw
	for i, off := range r.offsets {
		hdr := r.header(off)
		if hdr.NameOff == 0 || !hasTypeName(hdr.Kind()) {
			continue
		}
		id := r.firstID + TypeID(i)
		name := r.typeName(off)
		ids := r.idsByEssentialName(essentialName(name))
		qt.Assert(t, qt.SliceContains(ids, id), qt.Commentf("%s %q", hdr.Kind(), name))
	}
}

func TestZeroSpec(t *testing.T) {
	var spec Spec
	typ, err := spec.TypeByID(0)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals[Type](typ, (*Void)(nil)))
	_, err = spec.TypeByID(1)
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
	_, err = spec.AnyTypeByName("int")
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
	_, err = spec.TypeID(&Int{})
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
	iter := spec.Iterate()
	qt.Assert(t, qt.IsTrue(iter.Next()))
	qt.Assert(t, qt.IsFalse(iter.Next()))
	qt.Assert(t, qt.IsNotNil(spec.Copy()))
}

// Looking a type up by name is common (CO-RE, attach targets, kernel
// features), so it mustn't allocate once the type is decoded: cilium/ebpf
// v0.15.0 allocates once.
func TestAnyTypeByNameAllocs(t *testing.T) {
	i := &Int{Name: "int", Size: 4, Encoding: Signed}
	s := &Struct{Name: "pair", Size: 8, Members: []Member{{Name: "a", Type: i}, {Name: "b", Type: i, Offset: 32}}}
	b, err := NewBuilder([]Type{s, &Typedef{Name: "pair_t", Type: s}})
	qt.Assert(t, qt.IsNil(err))
	raw, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))
	spec, err := loadRawSpec(raw, nil, nil)
	qt.Assert(t, qt.IsNil(err))

	want, err := spec.AnyTypeByName("pair")
	qt.Assert(t, qt.IsNil(err))
	allocs := testing.AllocsPerRun(100, func() {
		if got, err := spec.AnyTypeByName("pair"); err != nil || got != want {
			t.Fatal("pair:", got, err)
		}
	})
	qt.Assert(t, qt.Equals(allocs, 0))

	_, err = spec.AnyTypeByName("missing")
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
}
