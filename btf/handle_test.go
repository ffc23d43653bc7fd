package btf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

func TestMarshalLoadELF(t *testing.T) {
	testutils.RequirePrivileges(t)

	for _, file := range testELFs(t) {
		if elfByteOrder(file) != internal.NativeEndian {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			spec := loadTestELFSpec(t, file)
			types := kernelLoadableTypes(t, specTypes(t, spec))
			b, err := NewBuilder(types)
			qt.Assert(t, qt.IsNil(err))

			h, err := NewHandle(b)
			qt.Assert(t, qt.IsNil(err))
			defer h.Close()

			// The kernel gives back what it was given.
			got, err := h.Spec(nil)
			qt.Assert(t, qt.IsNil(err))
			checkTypeLists(t, 1, builderTypes(t, b), flattenSpec(t, got)[1:])
		})
	}
}

// kernelLoadableTypes drops the declarations of extern functions (kfuncs)
// and the Datasecs listing them: the kernel refuses extern linkage, and the
// loader never puts them in a program's BTF.
func kernelLoadableTypes(tb testing.TB, types []Type) []Type {
	var keep []Type
	for _, typ := range types {
		switch t := typ.(type) {
		case *Func:
			if t.Linkage == ExternFunc {
				continue
			}
		case *Datasec:
			if slices.ContainsFunc(t.Vars, func(vsi VarSecinfo) bool {
				fn, ok := vsi.Type.(*Func)
				return ok && fn.Linkage == ExternFunc
			}) {
				continue
			}
		}
		keep = append(keep, typ)
	}
	if dropped := len(types) - len(keep); dropped > 0 {
		tb.Logf("Left out %d extern functions and .ksyms sections", dropped)
	}
	return keep
}

func TestMarshalLoadVmlinux(t *testing.T) {
	testutils.RequirePrivileges(t)
	spec := loadVmlinuxForMarshal(t)

	b, err := NewBuilder(specTypes(t, spec))
	qt.Assert(t, qt.IsNil(err))
	h, err := NewHandle(b)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(h.Close()))
}

func TestLoadInvalidBTF(t *testing.T) {
	testutils.RequirePrivileges(t)

	b, err := NewBuilder([]Type{&Int{Name: "bogus", Size: 4, Encoding: 255}})
	qt.Assert(t, qt.IsNil(err))
	_, err = NewHandle(b)
	var ve *internal.VerifierError
	qt.Assert(t, qt.ErrorAs(err, &ve))
	qt.Assert(t, qt.IsFalse(ve.Truncated))
	qt.Assert(t, qt.Not(qt.HasLen(ve.Log, 0)))
	t.Log(err)
}

func TestLoadStringsOnly(t *testing.T) {
	testutils.RequirePrivileges(t)

	var b Builder
	_, err := b.addString("foo")
	qt.Assert(t, qt.IsNil(err))
	h, err := NewHandle(&b)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(h.Close()))
}

func TestDatasecResolveWorkaround(t *testing.T) {
	testutils.RequirePrivileges(t)

	i := &Int{Name: "int", Size: 4, Encoding: Signed}
	for _, typ := range []Type{
		&Typedef{"foo", i},
		&Volatile{i},
		&Const{i},
		&Restrict{&Pointer{i}},
		&typeTag{Type: i, Value: "tag"},
	} {
		t.Run(fmt.Sprint(typ), func(t *testing.T) {
			size := uint32(4)
			if _, ok := typ.(*Restrict); ok {
				size = 8
			}
			ds := &Datasec{
				Name: "a",
				Size: size,
				Vars: []VarSecinfo{{Type: &Var{Name: "a", Type: typ, Linkage: GlobalVar}, Size: size}},
			}

			b, err := NewBuilder([]Type{ds})
			qt.Assert(t, qt.IsNil(err))
			// The variable's type was added before the Datasec.
			id, _ := b.id(typ)
			qt.Assert(t, qt.Equals(id, 1))
			id, _ = b.id(ds)
			qt.Assert(t, qt.Equals(id, 2))

			h, err := NewHandle(b)
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.IsNil(h.Close()))
		})
	}
}

func TestHandleInfoOfUserBTF(t *testing.T) {
	testutils.RequirePrivileges(t)

	b, err := NewBuilder([]Type{&Int{Name: "int", Size: 4}})
	qt.Assert(t, qt.IsNil(err))
	h, err := NewHandle(b)
	qt.Assert(t, qt.IsNil(err))
	defer h.Close()

	qt.Assert(t, qt.Not(qt.Equals(h.FD(), -1)))
	info, err := h.Info()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Not(qt.Equals(info.ID, 0)))
	qt.Assert(t, qt.IsFalse(info.IsKernel))
	qt.Assert(t, qt.IsFalse(info.IsVmlinux()))
	qt.Assert(t, qt.IsFalse(info.IsModule()))

	// The same object by ID.
	h2, err := NewHandleFromID(info.ID)
	qt.Assert(t, qt.IsNil(err))
	defer h2.Close()
	spec, err := h2.Spec(nil)
	qt.Assert(t, qt.IsNil(err))
	typ, err := spec.AnyTypeByName("int")
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.DeepEquals(typ, Type(&Int{Name: "int", Size: 4})))

	qt.Assert(t, qt.IsNil(h.Close()))
	qt.Assert(t, qt.IsNil(h.Close()), qt.Commentf("Close must be idempotent"))
	var nilHandle *Handle
	qt.Assert(t, qt.IsNil(nilHandle.Close()))
}

func TestNewHandleNilBuilder(t *testing.T) {
	_, err := NewHandle(nil)
	qt.Assert(t, qt.ErrorMatches(err, `load BTF: nil Builder`))

	var b *Builder
	raw, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(raw, btfHeaderLen+1))
}

func TestNewHandleFromIDNotExist(t *testing.T) {
	testutils.RequirePrivileges(t)

	_, err := NewHandleFromID(ID(0xfffffff0))
	qt.Assert(t, qt.ErrorIs(err, os.ErrNotExist))
	qt.Assert(t, qt.ErrorMatches(err, `get FD for ID 4294967280: .*`))
}

func TestNewHandleFromRawBTFGarbage(t *testing.T) {
	testutils.RequirePrivileges(t)

	_, err := NewHandleFromRawBTF([]byte("definitely not BTF, but long enough for a header"))
	var ve *internal.VerifierError
	qt.Assert(t, qt.ErrorAs(err, &ve))
	qt.Assert(t, qt.ErrorMatches(err, `load btf: .*`))
}

func TestHandleIterator(t *testing.T) {
	testutils.RequirePrivileges(t)

	// Make sure there is at least one BTF object besides the kernel's.
	b, err := NewBuilder([]Type{&Int{Name: "iterated", Size: 4}})
	qt.Assert(t, qt.IsNil(err))
	h, err := NewHandle(b)
	qt.Assert(t, qt.IsNil(err))
	defer h.Close()
	info, err := h.Info()
	qt.Assert(t, qt.IsNil(err))

	var (
		it      HandleIterator
		ids     []ID
		vmlinux bool
	)
	for it.Next() {
		qt.Assert(t, qt.IsNotNil(it.Handle))
		ids = append(ids, it.ID)
		hi, err := it.Handle.Info()
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.Equals(hi.ID, it.ID))
		vmlinux = vmlinux || hi.IsVmlinux()
	}
	qt.Assert(t, qt.IsNil(it.Err()))
	qt.Assert(t, qt.IsNil(it.Handle), qt.Commentf("the last handle is closed at the end"))
	qt.Assert(t, qt.IsTrue(slices.IsSorted(ids)))
	qt.Assert(t, qt.Equals(it.ID, ids[len(ids)-1]), qt.Commentf("the last ID is kept"))
	qt.Assert(t, qt.IsTrue(slices.Contains(ids, info.ID)))
	// Kernel BTF is a BTF object with a name since 5.11.
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err == nil && !testutils.IsKernelLessThan(t, "5.11") {
		qt.Assert(t, qt.IsTrue(vmlinux), qt.Commentf("kernel BTF not found"))
	}

	qt.Assert(t, qt.IsFalse(it.Next()), qt.Commentf("Next after the end"))
}

func TestFindHandleVmlinux(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.SkipOnOldKernel(t, "5.11", "kernel BTF as a named BTF object")
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("no kernel BTF")
	}

	h, err := FindHandle(func(info *HandleInfo) bool { return info.IsVmlinux() })
	qt.Assert(t, qt.IsNil(err))
	defer h.Close()

	spec, err := h.Spec(nil)
	qt.Assert(t, qt.IsNil(err))
	var ts *Struct
	qt.Assert(t, qt.IsNil(spec.TypeByName("task_struct", &ts)))

	_, err = FindHandle(func(*HandleInfo) bool { return false })
	qt.Assert(t, qt.ErrorIs(err, ErrNotFound))
}

func TestFindHandleModule(t *testing.T) {
	testutils.RequirePrivileges(t)

	h, err := FindHandle(func(info *HandleInfo) bool { return info.IsModule() })
	if errors.Is(err, ErrNotFound) {
		t.Skip("no kernel module with BTF is loaded")
	}
	qt.Assert(t, qt.IsNil(err))
	defer h.Close()

	_, err = h.Spec(nil)
	qt.Assert(t, qt.ErrorMatches(err, `.*missing base types`))

	base, err := LoadKernelSpec()
	qt.Assert(t, qt.IsNil(err))
	spec, err := h.Spec(base)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsTrue(spec.Iterate().Next()))
}

func TestMarshalMapKV(t *testing.T) {
	testutils.RequirePrivileges(t)

	u32 := &Int{Name: "u32", Size: 4}
	key := &Struct{Name: "key", Size: 8, Members: []Member{
		{Name: "a", Type: u32},
		{Name: "b", Type: u32, Offset: 32},
	}}
	value := &Struct{Name: "value", Size: 16, Members: []Member{
		{Name: "counter", Type: &Int{Name: "u64", Size: 8}},
		{Name: "flags", Type: &Array{Index: u32, Type: u32, Nelems: 2}, Offset: 64},
	}}

	h, keyID, valueID, err := MarshalMapKV(key, value)
	qt.Assert(t, qt.IsNil(err))
	defer h.Close()
	qt.Assert(t, qt.Equals(keyID, 1))
	qt.Assert(t, qt.Equals(valueID, 2))

	// The kernel accepts the IDs as the types of a map's key and value.
	fd, err := sys.MapCreate(&sys.MapCreateAttr{
		MapType:        sys.BPF_MAP_TYPE_HASH,
		KeySize:        8,
		ValueSize:      16,
		MaxEntries:     1,
		BtfFd:          uint32(h.FD()),
		BtfKeyTypeId:   keyID,
		BtfValueTypeId: valueID,
	})
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(fd.Close()))

	// Either type may be missing.
	h2, keyID, valueID, err := MarshalMapKV(nil, value)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(keyID, 0))
	qt.Assert(t, qt.Equals(valueID, 1))
	qt.Assert(t, qt.IsNil(h2.Close()))

	_, _, _, err = MarshalMapKV(&Pointer{}, nil)
	qt.Assert(t, qt.ErrorMatches(err, `marshal BTF: .*nil Type`))
}

func ExampleHandleIterator() {
	var it HandleIterator
	defer it.Handle.Close()

	for it.Next() {
		info, err := it.Handle.Info()
		if err != nil {
			panic(err)
		}

		fmt.Printf("Found handle with ID %d and name %s\n", it.ID, info.Name)
	}
	if err := it.Err(); err != nil {
		panic(err)
	}
}

func TestLoadWithTagQuirks(t *testing.T) {
	testutils.RequirePrivileges(t)

	i := &Int{Name: "int", Size: 4, Encoding: Signed}
	v := &Var{Name: "v", Type: &Pointer{&typeTag{Type: i, Value: "user"}}, Linkage: GlobalVar}
	b, err := NewBuilder([]Type{v, &declTag{Type: v, Value: "whole", Index: -1}})
	qt.Assert(t, qt.IsNil(err))

	raw, err := b.marshal(nil, KernelMarshalOptions(), tagQuirks{replaceDeclTags: true, replaceTypeTags: true})
	qt.Assert(t, qt.IsNil(err))
	h, err := NewHandleFromRawBTF(raw)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(h.Close()))
}
