package btf

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpfcore/ebpf/asm"
	"github.com/go-quicktest/qt"
)

// Helpers that read CO-RE test objects: the instructions of every code
// section with their relocations attached, as the ELF reader would.

// coreTestObject is an ELF of btf/testdata, decoded for CO-RE tests.
type coreTestObject struct {
	path     string
	spec     *Spec
	sections []*coreTestSection
}

// coreTestSection is a code section of a coreTestObject.
type coreTestSection struct {
	name  string
	insns asm.Instructions
	// symbols maps raw instruction offsets to the function starting there.
	symbols map[asm.RawInstructionOffset]string
}

// relocations returns the relocated instructions of the section with the
// relocations attached to them.
func (s *coreTestSection) relocations() (indices []int, relos []*CORERelocation) {
	for i := range s.insns {
		if relo := CORERelocationMetadata(&s.insns[i]); relo != nil {
			indices = append(indices, i)
			relos = append(relos, relo)
		}
	}
	return indices, relos
}

// function returns the name of the function that contains instruction i.
func (s *coreTestSection) function(i int) string {
	var (
		name string
		off  asm.RawInstructionOffset
	)
	for j := range s.insns {
		if fn, ok := s.symbols[off]; ok {
			name = fn
		}
		if j == i {
			return name
		}
		off += asm.RawInstructionOffset(s.insns[j].Size() / asm.InstructionSize)
	}
	return name
}

// section returns the named code section.
func (o *coreTestObject) section(tb testing.TB, name string) *coreTestSection {
	tb.Helper()
	for _, s := range o.sections {
		if s.name == name {
			return s
		}
	}
	tb.Fatalf("%s: no section %q", o.path, name)
	return nil
}

// loadCORETestObject reads the BTF, the ext infos and the code sections of
// an ELF.
func loadCORETestObject(tb testing.TB, path string) *coreTestObject {
	tb.Helper()

	raw, err := os.ReadFile(path)
	qt.Assert(tb, qt.IsNil(err))

	spec, extInfos, err := LoadSpecAndExtInfosFromReader(bytes.NewReader(raw))
	qt.Assert(tb, qt.IsNil(err), qt.Commentf("%s", path))

	file, err := elf.NewFile(bytes.NewReader(raw))
	qt.Assert(tb, qt.IsNil(err))
	defer file.Close()

	symbols, err := file.Symbols()
	qt.Assert(tb, qt.IsNil(err))

	obj := &coreTestObject{path: path, spec: spec}
	for i, sec := range file.Sections {
		if sec.Type != elf.SHT_PROGBITS || sec.Flags&elf.SHF_EXECINSTR == 0 || sec.Size == 0 {
			continue
		}
		data, err := sec.Data()
		qt.Assert(tb, qt.IsNil(err))

		var insns asm.Instructions
		err = insns.Unmarshal(bytes.NewReader(data), file.ByteOrder)
		qt.Assert(tb, qt.IsNil(err), qt.Commentf("%s: section %s", path, sec.Name))
		extInfos.Assign(insns, sec.Name)

		s := &coreTestSection{name: sec.Name, insns: insns, symbols: make(map[asm.RawInstructionOffset]string)}
		for _, sym := range symbols {
			if int(sym.Section) == i && elf.ST_TYPE(sym.Info) == elf.STT_FUNC {
				s.symbols[asm.RawInstructionOffset(sym.Value/asm.InstructionSize)] = sym.Name
			}
		}
		obj.sections = append(obj.sections, s)
	}
	return obj
}

// coreTestFiles returns the paths matching pattern in btf/testdata and, if
// present, in the reference corpus.
func coreTestFiles(tb testing.TB, pattern string) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	qt.Assert(tb, qt.IsNil(err))
	qt.Assert(tb, qt.Not(qt.HasLen(files, 0)), qt.Commentf("no testdata/%s", pattern))

	reference, err := filepath.Glob(filepath.Join(referenceCorpus, "btf", pattern))
	qt.Assert(tb, qt.IsNil(err))
	return append(files, reference...)
}

// coreTestByteOrderSuffix returns "el" or "eb" for a test object's path.
func coreTestByteOrderSuffix(path string) string {
	if strings.HasSuffix(path, "-eb.elf") {
		return "eb"
	}
	return "el"
}

// corePath describes where a relocation points in C syntax: "point.x",
// "s.arr[2]", "color::GREEN", or the type's name for type relocations.
func corePath(relo *CORERelocation) string {
	name := relo.typ.TypeName()
	switch {
	case relo.kind.isEnumval():
		if v, err := relo.accessor.enumValue(relo.typ); err == nil {
			return name + "::" + v.Name
		}
		return name + "::?"
	case !relo.kind.isField():
		return name
	}

	var sb strings.Builder
	sb.WriteString(name)
	if relo.accessor[0] != 0 {
		fmt.Fprintf(&sb, "[%d]", relo.accessor[0])
	}
	typ := relo.typ
	for _, index := range relo.accessor[1:] {
		switch t := UnderlyingType(typ).(type) {
		case composite:
			m := t.members()[index]
			if m.Name != "" {
				sb.WriteString("." + m.Name)
			}
			typ = m.Type
		case *Array:
			fmt.Fprintf(&sb, "[%d]", index)
			typ = t.Type
		default:
			return sb.String() + "?"
		}
	}
	return sb.String()
}
