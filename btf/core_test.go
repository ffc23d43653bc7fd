package btf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
)

// resolveByBuilder returns a resolveLocalTypeID that adds types to a fresh
// Builder, like the program loader does.
func resolveByBuilder(tb testing.TB) func(Type) (TypeID, error) {
	tb.Helper()
	b, err := NewBuilder(nil)
	qt.Assert(tb, qt.IsNil(err))
	return b.Add
}

// TestCORERelocateSelf relocates every relocation of every relocs object
// against the object's own BTF: every fixup must then leave the value the
// compiler computed, except where the compiler's value can't be checked,
// and apply cleanly. The err_ambiguous* programs have two candidates that
// disagree.
func TestCORERelocateSelf(t *testing.T) {
	for _, path := range coreTestFiles(t, "relocs*.elf") {
		t.Run(filepath.Base(path)+"@"+filepath.Base(filepath.Dir(filepath.Dir(path))), func(t *testing.T) {
			obj := loadCORETestObject(t, path)
			for _, sec := range obj.sections {
				indices, relos := sec.relocations()
				if len(relos) == 0 {
					continue
				}

				t.Run(sec.name, func(t *testing.T) {
					fixups, err := CORERelocate(relos, []*Spec{obj.spec}, obj.spec.byteOrder(), resolveByBuilder(t))
					if strings.Contains(sec.name, "err_ambiguous") {
						qt.Assert(t, qt.ErrorIs(err, errAmbiguousRelocation))
						return
					}
					qt.Assert(t, qt.IsNil(err))
					qt.Assert(t, qt.HasLen(fixups, len(relos)))

					for j, fixup := range fixups {
						relo := relos[j]
						qt.Check(t, qt.IsFalse(fixup.poison), qt.Commentf("%s", relo))
						if relo.kind != reloTypeIDLocal && !fixup.skipLocalValidation {
							qt.Check(t, qt.Equals(fixup.target, fixup.local), qt.Commentf("%s: %s", relo, &fixup))
						}
						ins := sec.insns[indices[j]]
						qt.Check(t, qt.IsNil(fixup.Apply(&ins)), qt.Commentf("%s", relo))
					}
				})
			}
		})
	}
}

// TestCORERelocateArguments checks the preconditions of CORERelocate.
func TestCORERelocateArguments(t *testing.T) {
	obj := loadCORETestObject(t, "testdata/relocs-el.elf")
	_, relos := obj.section(t, "socket/types").relocations()

	_, err := CORERelocate(relos, nil, binary.LittleEndian, nil)
	qt.Assert(t, qt.IsNotNil(err))

	_, err = CORERelocate(relos, []*Spec{obj.spec}, binary.BigEndian, nil)
	qt.Assert(t, qt.IsNotNil(err))

	anon := &CORERelocation{&Struct{Size: 4}, coreAccessor{0}, reloTypeExists, 1}
	_, err = CORERelocate([]*CORERelocation{anon}, []*Spec{obj.spec}, binary.LittleEndian, nil)
	qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))

	unknown := &CORERelocation{&Struct{Name: "s", Size: 4}, coreAccessor{0}, coreKind(13), 1}
	_, err = CORERelocate([]*CORERelocation{unknown}, []*Spec{obj.spec}, binary.LittleEndian, nil)
	qt.Assert(t, qt.ErrorMatches(err, `.*unknown \(13\).*`))

	fixups, err := CORERelocate(nil, []*Spec{obj.spec}, binary.LittleEndian, nil)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(fixups, 0))

	failing := errors.New("no IDs today")
	local := &CORERelocation{&Struct{Name: "s", Size: 4}, coreAccessor{0}, reloTypeIDLocal, 1}
	_, err = CORERelocate([]*CORERelocation{local}, []*Spec{obj.spec}, binary.LittleEndian, func(Type) (TypeID, error) {
		return 0, failing
	})
	qt.Assert(t, qt.ErrorIs(err, failing))
}

// TestCORERelocsRead resolves relocs_read against relocs_read_tgt and
// compares every fixup with the values that follow from the C sources by
// construction (see the comments there): reordered, resized and missing
// members, moved bitfields, flavoured type names and changed enumerators.
func TestCORERelocsRead(t *testing.T) {
	type want struct {
		kind coreKind
		path string
	}
	const poison = ^uint64(0)
	common := map[want]uint64{
		// read_point: struct point is {u64 z; u32 tag; u32 y; u32 x;}
		// in the target, without member gone.
		{reloFieldByteOffset, "point.x"}:    16,
		{reloFieldByteOffset, "point.y"}:    12,
		{reloFieldByteOffset, "point.z"}:    0,
		{reloFieldByteOffset, "point.tag"}:  8,
		{reloFieldByteSize, "point.tag"}:    4,
		{reloFieldRShiftU64, "point.tag"}:   32,
		{reloFieldLShiftU64, "point.tag"}:   32,
		{reloFieldSigned, "point.tag"}:      0,
		{reloFieldExists, "point.x"}:        1,
		{reloFieldExists, "point.gone"}:     0,
		{reloFieldByteOffset, "point.gone"}: poison,
		// read_rect: struct rect___old is struct rect {u32 h; u32 w;}.
		{reloFieldByteOffset, "rect___old.w"}: 4,
		{reloFieldByteOffset, "rect___old.h"}: 0,
		// read_bits: struct bits___v1 is struct bits {u8 d; u32 pad:3;
		// s32 c:6; u32 b:9; u64 a:37;}: d at bit 0, c at 11, b at 17, a
		// at 26. Bitfields are loaded from the start of the word of
		// their type's size (8 bytes for a, 4 for b and c).
		{reloFieldByteOffset, "bits___v1.a"}: 0,
		{reloFieldByteSize, "bits___v1.a"}:   8,
		{reloFieldRShiftU64, "bits___v1.a"}:  64 - 37,
		{reloFieldSigned, "bits___v1.a"}:     0,
		{reloFieldByteOffset, "bits___v1.b"}: 0,
		{reloFieldByteSize, "bits___v1.b"}:   4,
		{reloFieldRShiftU64, "bits___v1.b"}:  64 - 9,
		{reloFieldSigned, "bits___v1.b"}:     0,
		{reloFieldByteOffset, "bits___v1.c"}: 0,
		{reloFieldByteSize, "bits___v1.c"}:   4,
		{reloFieldRShiftU64, "bits___v1.c"}:  64 - 6,
		{reloFieldSigned, "bits___v1.c"}:     1,
		{reloFieldByteOffset, "bits___v1.d"}: 0,
		{reloFieldByteSize, "bits___v1.d"}:   1,
		{reloFieldLShiftU64, "bits___v1.d"}:  56,
		{reloFieldRShiftU64, "bits___v1.d"}:  56,
		{reloFieldSigned, "bits___v1.d"}:     0,
		// read_subprog: types and enums.
		{reloTypeExists, "point"}:            1,
		{reloTypeExists, "rect___old"}:       1,
		{reloTypeExists, "not_in_target"}:    0,
		{reloTypeSize, "point"}:              24,
		{reloTypeSize, "bits___v1"}:          8,
		{reloTypeMatches, "rect___old"}:      1,
		{reloTypeMatches, "mismatch"}:        0,
		{reloEnumvalExists, "color::GREEN"}:  1,
		{reloEnumvalExists, "color::PURPLE"}: 0,
		{reloEnumvalValue, "color::RED"}:     11,
		{reloEnumvalValue, "color::GREEN"}:   12,
		{reloEnumvalValue, "color::BLUE"}:    10,
		{reloEnumvalValue, "color::PURPLE"}:  poison,
		{reloEnumvalValue, "big::BIG_A"}:     0x100000001,
	}
	// The left shift puts the top bit of the field at bit 63 after loading
	// the bytes, which depends on where the field's bits land in the
	// register.
	lshift := map[string]map[want]uint64{
		"el": {
			{reloFieldLShiftU64, "bits___v1.a"}: 64 - (26 + 37),
			{reloFieldLShiftU64, "bits___v1.b"}: 64 - (17 + 9),
			{reloFieldLShiftU64, "bits___v1.c"}: 64 - (11 + 6),
		},
		"eb": {
			{reloFieldLShiftU64, "bits___v1.a"}: 26,
			{reloFieldLShiftU64, "bits___v1.b"}: 32 + 17,
			{reloFieldLShiftU64, "bits___v1.c"}: 32 + 11,
		},
	}

	for _, path := range []string{"testdata/relocs_read-el.elf", "testdata/relocs_read-eb.elf"} {
		t.Run(path, func(t *testing.T) {
			bo := coreTestByteOrderSuffix(path)
			obj := loadCORETestObject(t, path)
			target := loadCORETestObject(t, filepath.Join(filepath.Dir(path), "relocs_read_tgt-"+bo+".elf"))

			sec := obj.section(t, ".text")
			indices, relos := sec.relocations()
			fixups, err := CORERelocate(relos, []*Spec{target.spec}, obj.spec.byteOrder(), resolveByBuilder(t))
			qt.Assert(t, qt.IsNil(err))

			seen := make(map[want]bool)
			for i, fixup := range fixups {
				key := want{relos[i].kind, corePath(relos[i])}
				value, ok := common[key]
				if !ok {
					value, ok = lshift[bo][key]
				}
				if !ok {
					t.Errorf("unexpected relocation %s (%s)", relos[i], key.path)
					continue
				}
				seen[key] = true

				if value == poison {
					qt.Check(t, qt.IsTrue(fixup.poison), qt.Commentf("%s: %s", key.path, &fixup))
				} else {
					qt.Check(t, qt.IsFalse(fixup.poison), qt.Commentf("%s: %s", key.path, &fixup))
					qt.Check(t, qt.Equals(fixup.target, value), qt.Commentf("%s: %s", key.path, &fixup))
				}

				ins := sec.insns[indices[i]]
				qt.Check(t, qt.IsNil(fixup.Apply(&ins)), qt.Commentf("%s", key.path))
			}
			for key := range common {
				qt.Check(t, qt.IsTrue(seen[key]), qt.Commentf("no relocation %s of %s", key.kind, key.path))
			}
		})
	}
}

// TestCORERelocsReadReference resolves the reference's relocs_read against
// its relocs_read_tgt: its sources differ from ours, so only check that
// every relocation resolves and applies.
func TestCORERelocsReadReference(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(referenceCorpus, "btf", "relocs_read-e?.elf"))
	qt.Assert(t, qt.IsNil(err))
	if len(files) == 0 {
		t.Skip("no reference corpus")
	}

	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			obj := loadCORETestObject(t, path)
			target := loadCORETestObject(t, filepath.Join(filepath.Dir(path), "relocs_read_tgt-"+coreTestByteOrderSuffix(path)+".elf"))
			for _, sec := range obj.sections {
				indices, relos := sec.relocations()
				fixups, err := CORERelocate(relos, []*Spec{target.spec}, obj.spec.byteOrder(), resolveByBuilder(t))
				qt.Assert(t, qt.IsNil(err))
				for i := range fixups {
					ins := sec.insns[indices[i]]
					qt.Check(t, qt.IsNil(fixups[i].Apply(&ins)), qt.Commentf("%s", relos[i]))
				}
			}
		})
	}
}

// TestCORETargetTypeIDModule checks that target type IDs only come from the
// first target (vmlinux): a type found only in a later target (a module)
// poisons target_type_id, while other kinds resolve against it.
func TestCORETargetTypeIDModule(t *testing.T) {
	local, err := LoadSpec("testdata/relocs-el.elf")
	qt.Assert(t, qt.IsNil(err))
	vmlinux, err := LoadSpec("testdata/relocs_read_tgt-el.elf")
	qt.Assert(t, qt.IsNil(err))
	module, err := LoadSpec("testdata/relocs-el.elf")
	qt.Assert(t, qt.IsNil(err))

	var s *Struct
	qt.Assert(t, qt.IsNil(local.TypeByName("s", &s)))
	id, err := local.TypeID(s)
	qt.Assert(t, qt.IsNil(err))

	relos := []*CORERelocation{
		{s, coreAccessor{0}, reloTypeIDTarget, id},
		{s, coreAccessor{0}, reloTypeExists, id},
		{s, coreAccessor{0}, reloTypeSize, id},
		{s, coreAccessor{0, 1}, reloFieldByteOffset, id},
	}
	fixups, err := CORERelocate(relos, []*Spec{vmlinux, module}, binary.LittleEndian, nil)
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.IsTrue(fixups[0].poison))
	qt.Check(t, qt.Equals(fixups[1].String(), "type_exists=1->1"))
	qt.Check(t, qt.Equals(fixups[2].String(), fmt.Sprintf("type_size=%d->%d", s.Size, s.Size)))
	qt.Check(t, qt.Equals(fixups[3].String(), "byte_off=4->4"))

	// With the object as vmlinux, the ID is its own.
	fixups, err = CORERelocate(relos[:1], []*Spec{module, vmlinux}, binary.LittleEndian, nil)
	qt.Assert(t, qt.IsNil(err))
	moduleS, err := module.AnyTypeByName("s")
	qt.Assert(t, qt.IsNil(err))
	moduleID, err := module.TypeID(moduleS)
	qt.Assert(t, qt.IsNil(err))
	qt.Check(t, qt.Equals(fixups[0].target, uint64(moduleID)))
}

// TestCORENoCandidates relocates every relocation of relocs against types
// that have none of its types: existence kinds resolve to 0, all others are
// poisoned, and the fixups come back in the order of the relocations.
func TestCORENoCandidates(t *testing.T) {
	obj := loadCORETestObject(t, "testdata/relocs-el.elf")
	empty, err := LoadSpec("testdata/relocs_enum-el.elf")
	qt.Assert(t, qt.IsNil(err))

	for _, sec := range obj.sections {
		_, relos := sec.relocations()
		if len(relos) == 0 || strings.Contains(sec.name, "err_") {
			continue
		}
		fixups, err := CORERelocate(relos, []*Spec{empty}, binary.LittleEndian, resolveByBuilder(t))
		qt.Assert(t, qt.IsNil(err))
		for i, fixup := range fixups {
			qt.Assert(t, qt.Equals(fixup.kind, relos[i].kind))
			qt.Assert(t, qt.Equals(fixup.relo, relos[i]))
			switch {
			case relos[i].kind == reloTypeIDLocal:
				qt.Check(t, qt.IsFalse(fixup.poison))
			case relos[i].kind.checksForExistence():
				qt.Check(t, qt.Equals(fixup.String(), relos[i].kind.String()+"=1->0"))
			default:
				qt.Check(t, qt.IsTrue(fixup.poison), qt.Commentf("%s", relos[i]))
			}
		}
	}
}
