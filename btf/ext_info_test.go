package btf

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
	"github.com/bpfcore/ebpf/internal/testutils"
)

// loadTestELFExtInfos parses the BTF and ext infos of an ELF, skipping
// objects that the reader rejects on purpose.
func loadTestELFExtInfos(tb testing.TB, file string) (*Spec, *ExtInfos) {
	tb.Helper()
	fh, err := os.Open(file)
	qt.Assert(tb, qt.IsNil(err))
	defer fh.Close()

	spec, ei, err := LoadSpecAndExtInfosFromReader(fh)
	if errors.Is(err, ErrNotSupported) {
		tb.Skip("object is unsupported by design:", err)
	}
	qt.Assert(tb, qt.IsNil(err))
	return spec, ei
}

// sectionInstructions decodes the instructions of an ELF section and
// returns them with the functions the symbol table says start in it, by raw
// instruction offset.
func sectionInstructions(tb testing.TB, file *elf.File, name string) (asm.Instructions, map[asm.RawInstructionOffset]string) {
	tb.Helper()
	sec := file.Section(name)
	qt.Assert(tb, qt.IsNotNil(sec), qt.Commentf("section %s", name))

	data, err := sec.Data()
	qt.Assert(tb, qt.IsNil(err))
	var insns asm.Instructions
	qt.Assert(tb, qt.IsNil(insns.Unmarshal(bytes.NewReader(data), file.ByteOrder)))

	symbols, err := file.Symbols()
	qt.Assert(tb, qt.IsNil(err))
	funcs := make(map[asm.RawInstructionOffset]string)
	for _, sym := range symbols {
		if elf.ST_TYPE(sym.Info) != elf.STT_FUNC || int(sym.Section) >= len(file.Sections) || file.Sections[sym.Section] != sec {
			continue
		}
		funcs[asm.RawInstructionOffset(sym.Value/asm.InstructionSize)] = sym.Name
	}
	return insns, funcs
}

func TestExtInfosOfTestdata(t *testing.T) {
	for _, file := range testELFs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			spec, ei := loadTestELFExtInfos(t, file)
			if ei == nil {
				t.Skip("no .BTF.ext")
			}
			qt.Assert(t, qt.Not(qt.HasLen(ei.funcInfos, 0)))
			qt.Assert(t, qt.Not(qt.HasLen(ei.lineInfos, 0)))

			ef, err := elf.Open(file)
			qt.Assert(t, qt.IsNil(err))
			defer ef.Close()

			for section, fis := range ei.funcInfos {
				checkSectionExtInfos(t, ef, spec, ei, section, fis)
			}
		})
	}
}

// checkSectionExtInfos checks that the ext infos of a section agree with
// its symbols and instructions.
func checkSectionExtInfos(t *testing.T, ef *elf.File, spec *Spec, ei *ExtInfos, section string, fis FuncInfos) {
	t.Helper()

	insns, funcs := sectionInstructions(t, ef, section)
	ei.Assign(insns, section)

	// Every function symbol starts a function with the same name, and no
	// other instruction does.
	found := 0
	lines := 0
	for iter := insns.Iterate(); iter.Next(); {
		fn := FuncMetadata(iter.Ins)
		if name, ok := funcs[iter.Offset]; ok {
			qt.Assert(t, qt.IsNotNil(fn), qt.Commentf("%s: no func info for %s", section, name))
			qt.Assert(t, qt.Equals(fn.Name, name))
			_, err := spec.TypeID(fn)
			qt.Assert(t, qt.IsNil(err), qt.Commentf("func info must refer to the spec's types"))
			found++
		} else {
			qt.Assert(t, qt.IsNil(fn), qt.Commentf("%s: unexpected func info at %d", section, iter.Offset))
		}

		if line, ok := iter.Ins.Source().(*Line); ok {
			lines++
			qt.Assert(t, qt.Not(qt.Equals(line.FileName(), "")))
			qt.Assert(t, qt.Not(qt.Equals(line.LineNumber(), 0)))
			qt.Assert(t, qt.Equals(line.String(), line.Line()))
		}
	}
	qt.Assert(t, qt.Equals(found, len(fis.infos)))
	qt.Assert(t, qt.Equals(lines, len(ei.lineInfos[section].infos)), qt.Commentf("%s: every line info lands on an instruction", section))

	// The first instruction of a section with code always has a line.
	qt.Assert(t, qt.IsNotNil(insns[0].Source()), qt.Commentf("%s: first instruction has no line info", section))
}

func TestExtInfosCORERelocations(t *testing.T) {
	for _, file := range []string{"testdata/relocs-el.elf", "testdata/relocs-eb.elf"} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			spec, ei := loadTestELFExtInfos(t, file)
			qt.Assert(t, qt.IsNotNil(ei))
			qt.Assert(t, qt.Not(qt.HasLen(ei.relocationInfos, 0)))

			ef, err := elf.Open(file)
			qt.Assert(t, qt.IsNil(err))
			defer ef.Close()

			for section, relos := range ei.relocationInfos {
				insns, _ := sectionInstructions(t, ef, section)
				ei.Assign(insns, section)

				n := 0
				for iter := insns.Iterate(); iter.Next(); {
					relo := CORERelocationMetadata(iter.Ins)
					if relo == nil {
						continue
					}
					n++
					qt.Assert(t, qt.IsTrue(relo.kind.valid()), qt.Commentf("%s", relo))
					qt.Assert(t, qt.Not(qt.HasLen(relo.accessor, 0)))
					id, err := spec.TypeID(relo.typ)
					qt.Assert(t, qt.IsNil(err))
					qt.Assert(t, qt.Equals(id, relo.id))
					qt.Assert(t, qt.StringContains(relo.String(), "CORERelocation("))
				}
				qt.Assert(t, qt.Equals(n, len(relos.infos)), qt.Commentf("section %s", section))
			}
		})
	}
}

func TestLoadSpecAndExtInfosErrors(t *testing.T) {
	// Raw BTF is not an ELF.
	b, err := NewBuilder([]Type{&Int{Size: 4}})
	qt.Assert(t, qt.IsNil(err))
	raw, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))
	_, _, err = LoadSpecAndExtInfosFromReader(bytes.NewReader(raw))
	qt.Assert(t, qt.IsNotNil(err))

	_, _, err = LoadSpecAndExtInfosFromReader(bytes.NewReader([]byte("\x7fELF garbage")))
	qt.Assert(t, qt.IsNotNil(err))
}

// extBlob assembles a .BTF.ext section for tests.
type extBlob struct {
	bo                     binary.ByteOrder
	hdrLen                 uint32
	funcs, lines, coreRelo []byte
}

func (eb *extBlob) encode() []byte {
	hdrLen := eb.hdrLen
	if hdrLen == 0 {
		hdrLen = btfExtCOREHeaderEnd
	}
	buf := make([]byte, hdrLen)
	eb.bo.PutUint16(buf[0:], btfMagic)
	buf[2] = 1
	eb.bo.PutUint32(buf[4:], hdrLen)
	off := uint32(0)
	for i, sub := range [][]byte{eb.funcs, eb.lines, eb.coreRelo} {
		pos := 8 + 8*i
		if pos+8 > int(hdrLen) {
			break
		}
		eb.bo.PutUint32(buf[pos:], off)
		eb.bo.PutUint32(buf[pos+4:], uint32(len(sub)))
		off += uint32(len(sub))
	}
	buf = append(buf, eb.funcs...)
	buf = append(buf, eb.lines...)
	return append(buf, eb.coreRelo...)
}

// extSub assembles a sub-section: record size, then blocks of
// {section name offset, count, records}.
func extSub(bo binary.ByteOrder, recordSize uint32, blocks ...[]uint32) []byte {
	abo := bo.(binary.AppendByteOrder)
	buf := abo.AppendUint32(nil, recordSize)
	for _, block := range blocks {
		for _, w := range block {
			buf = abo.AppendUint32(buf, w)
		}
	}
	return buf
}

// extTestSpec returns a spec with a Func, a struct and the strings that
// extBlobs refer to, and the offsets of those strings.
func extTestSpec(tb testing.TB) (*Spec, map[string]uint32) {
	tb.Helper()
	var b Builder
	fn := &Func{Name: "fn", Type: &FuncProto{Return: (*Void)(nil)}, Linkage: GlobalFunc}
	s := &Struct{Name: "s", Size: 4, Members: []Member{{Name: "a", Type: &Int{Name: "int", Size: 4}}}}
	for _, typ := range []Type{fn, s} {
		_, err := b.Add(typ)
		qt.Assert(tb, qt.IsNil(err))
	}
	offsets := make(map[string]uint32)
	for _, str := range []string{"socket", "file.c", "return 0;", "0:0"} {
		off, err := b.addString(str)
		qt.Assert(tb, qt.IsNil(err))
		offsets[str] = off
	}
	raw, err := b.Marshal(nil, nil)
	qt.Assert(tb, qt.IsNil(err))
	spec, err := loadRawSpec(raw, nil, nil)
	qt.Assert(tb, qt.IsNil(err))
	return spec, offsets
}

func TestLoadExtInfos(t *testing.T) {
	spec, str := extTestSpec(t)
	bo := internal.NativeEndian

	// fn is type 1, s is type 2.
	valid := func() *extBlob {
		return &extBlob{
			bo:       bo,
			funcs:    extSub(bo, 8, []uint32{str["socket"], 2, 16, 1, 0, 1}),
			lines:    extSub(bo, 16, []uint32{str["socket"], 2, 8, str["file.c"], str["return 0;"], 3<<10 | 5, 0, str["file.c"], str["return 0;"], 2 << 10}),
			coreRelo: extSub(bo, 16, []uint32{str["socket"], 1, 8, 2, str["0:0"], uint32(reloFieldByteOffset)}),
		}
	}

	ei, err := loadExtInfos(valid().encode(), bo, spec)
	qt.Assert(t, qt.IsNil(err))

	// Records are sorted by offset, and offsets are in instructions.
	fis := ei.funcInfos["socket"].infos
	qt.Assert(t, qt.HasLen(fis, 2))
	qt.Assert(t, qt.Equals(fis[0].offset, 0))
	qt.Assert(t, qt.Equals(fis[1].offset, 2))
	qt.Assert(t, qt.Equals(fis[0].fn.Name, "fn"))

	lis := ei.lineInfos["socket"].infos
	qt.Assert(t, qt.HasLen(lis, 2))
	qt.Assert(t, qt.Equals(lis[0].offset, 0))
	qt.Assert(t, qt.Equals(lis[1].offset, 1))
	line := lis[1].line
	qt.Assert(t, qt.Equals(line.FileName(), "file.c"))
	qt.Assert(t, qt.Equals(line.Line(), "return 0;"))
	qt.Assert(t, qt.Equals(line.LineNumber(), 3))
	qt.Assert(t, qt.Equals(line.LineColumn(), 5))

	relos := ei.relocationInfos["socket"].infos
	qt.Assert(t, qt.HasLen(relos, 1))
	qt.Assert(t, qt.Equals(relos[0].offset, 1))
	qt.Assert(t, qt.Equals(relos[0].relo.String(), `CORERelocation(byte_off, Struct:"s"[0:0], local_id=2)`))

	// A header without the CO-RE fields (LLVM < 10).
	old := valid()
	old.hdrLen = btfExtHeaderLen
	ei, err = loadExtInfos(old.encode(), bo, spec)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(ei.relocationInfos, 0))
	qt.Assert(t, qt.HasLen(ei.funcInfos["socket"].infos, 2))

	for _, test := range []struct {
		name   string
		modify func(eb *extBlob, raw []byte) []byte
		err    string
	}{
		{"short header", func(_ *extBlob, raw []byte) []byte { return raw[:20] }, `header: 20 bytes is too short.*`},
		{"bad magic", func(_ *extBlob, raw []byte) []byte { raw[0] = 0; return raw }, `header: magic .*`},
		{"bad version", func(_ *extBlob, raw []byte) []byte { raw[2] = 2; return raw }, `header: unsupported version 2`},
		{"bad flags", func(_ *extBlob, raw []byte) []byte { raw[3] = 1; return raw }, `header: unsupported flags 0x1`},
		{"header too long", func(_ *extBlob, raw []byte) []byte {
			bo.PutUint32(raw[4:], 1<<20)
			return raw
		}, `header: length 1048576 exceeds .*`},
		{"header cuts CO-RE fields", func(eb *extBlob, _ []byte) []byte { eb.hdrLen = 28; return eb.encode() }, `header: length 28 cuts the CO-RE relocation fields short.*`},
		{"func infos out of bounds", func(_ *extBlob, raw []byte) []byte {
			bo.PutUint32(raw[12:], 1<<20)
			return raw
		}, `func infos \(offset 0, length 1048576\) exceeds .*`},
		{"absurd func record size", func(eb *extBlob, _ []byte) []byte {
			eb.funcs = extSub(bo, 1<<20, []uint32{str["socket"], 1, 0, 1})
			return eb.encode()
		}, `func infos: record size 1048576 is outside .*`},
		{"absurd line record size", func(eb *extBlob, _ []byte) []byte {
			eb.lines = extSub(bo, 2, []uint32{str["socket"], 1, 0, 0, 0, 0})
			return eb.encode()
		}, `line infos: record size 2 is outside .*`},
		{"wrong func record size", func(eb *extBlob, _ []byte) []byte {
			eb.funcs = extSub(bo, 12, []uint32{str["socket"], 1, 0, 1, 0})
			return eb.encode()
		}, `func infos: record size 12, want 8`},
		{"truncated record size", func(eb *extBlob, _ []byte) []byte { eb.funcs = []byte{8, 0}; return eb.encode() }, `func infos: 2 bytes is too short for the record size`},
		{"truncated section header", func(eb *extBlob, _ []byte) []byte {
			eb.funcs = extSub(bo, 8, []uint32{str["socket"]})
			return eb.encode()
		}, `func infos: offset 4: 4 bytes left is too short for a section header`},
		{"bad section name", func(eb *extBlob, _ []byte) []byte {
			eb.funcs = extSub(bo, 8, []uint32{1 << 20, 1, 0, 1})
			return eb.encode()
		}, `func infos: offset 4: section name: .*invalid string offset.*`},
		{"empty section name", func(eb *extBlob, _ []byte) []byte {
			eb.funcs = extSub(bo, 8, []uint32{0, 1, 0, 1})
			return eb.encode()
		}, `func infos: offset 4: empty section name`},
		{"no records", func(eb *extBlob, _ []byte) []byte {
			eb.funcs = extSub(bo, 8, []uint32{str["socket"], 0})
			return eb.encode()
		}, `func infos: section socket: no records`},
		{"too many records", func(eb *extBlob, _ []byte) []byte {
			eb.funcs = extSub(bo, 8, []uint32{str["socket"], 1 << 30, 0, 1})
			return eb.encode()
		}, `func infos: section socket: 1073741824 records of 8 bytes exceed the 8 bytes left`},
		{"unaligned instruction offset", func(eb *extBlob, _ []byte) []byte {
			eb.funcs = extSub(bo, 8, []uint32{str["socket"], 1, 3, 1})
			return eb.encode()
		}, `func infos: section socket: record 0: instruction offset 3 is not a multiple of 8`},
		{"func info not a func", func(eb *extBlob, _ []byte) []byte {
			eb.funcs = extSub(bo, 8, []uint32{str["socket"], 1, 0, 2})
			return eb.encode()
		}, `func infos: section socket: record 0: type ID 2 is Struct:"s", not a \*Func`},
		{"func info unknown type", func(eb *extBlob, _ []byte) []byte {
			eb.funcs = extSub(bo, 8, []uint32{str["socket"], 1, 0, 99})
			return eb.encode()
		}, `func infos: section socket: record 0: .*not found`},
		{"line info bad file name", func(eb *extBlob, _ []byte) []byte {
			eb.lines = extSub(bo, 16, []uint32{str["socket"], 1, 0, 1 << 20, 0, 0})
			return eb.encode()
		}, `line infos: section socket: record 0: file name: .*invalid string offset.*`},
		{"line info bad line", func(eb *extBlob, _ []byte) []byte {
			eb.lines = extSub(bo, 16, []uint32{str["socket"], 1, 0, 0, str["file.c"] + 1, 0})
			return eb.encode()
		}, `line infos: section socket: record 0: line: .*inside a string`},
		{"CO-RE bad accessor", func(eb *extBlob, _ []byte) []byte {
			eb.coreRelo = extSub(bo, 16, []uint32{str["socket"], 1, 0, 2, str["file.c"], 0})
			return eb.encode()
		}, `CO-RE relocations: section socket: record 0: type ID 2: invalid accessor.*`},
		{"CO-RE unknown type", func(eb *extBlob, _ []byte) []byte {
			eb.coreRelo = extSub(bo, 16, []uint32{str["socket"], 1, 0, 77, str["0:0"], 0})
			return eb.encode()
		}, `CO-RE relocations: section socket: record 0: .*not found`},
	} {
		t.Run(test.name, func(t *testing.T) {
			eb := valid()
			raw := test.modify(eb, eb.encode())
			ei, err := loadExtInfos(raw, bo, spec)
			qt.Assert(t, qt.IsNil(ei))
			qt.Assert(t, qt.ErrorMatches(err, test.err))
		})
	}
}

func TestAssignMetadataToInstructions(t *testing.T) {
	fn1 := &Func{Name: "one"}
	fn2 := &Func{Name: "two"}
	l := func(n uint32) *Line { return &Line{"file.c", fmt.Sprint("line ", n), n, 1} }

	insns := asm.Instructions{
		asm.Mov.Imm(asm.R0, 0),             // 0
		asm.LoadImm(asm.R1, 42, asm.DWord), // 1-2
		asm.Mov.Imm(asm.R2, 0),             // 3
		asm.Return(),                       // 4
	}

	AssignMetadataToInstructions(insns,
		FuncInfos{[]funcInfo{{fn1, 0}, {fn2, 4}}},
		// Offset 2 is the middle of the dword load: dropped. Duplicates at
		// offset 3: the first wins. Offset 9 is past the end.
		LineInfos{[]lineInfo{{l(1), 0}, {l(2), 2}, {l(3), 3}, {l(4), 3}, {l(5), 4}, {l(6), 9}}},
		CORERelocationInfos{[]coreRelocationInfo{{&CORERelocation{kind: reloTypeSize}, 1}}},
	)

	var (
		fns   []string
		lines []string
		relos []bool
	)
	for _, ins := range insns {
		name := ""
		if fn := FuncMetadata(&ins); fn != nil {
			name = fn.Name
		}
		fns = append(fns, name)
		src := ""
		if ins.Source() != nil {
			src = ins.Source().String()
		}
		lines = append(lines, src)
		relos = append(relos, CORERelocationMetadata(&ins) != nil)
	}
	qt.Assert(t, qt.DeepEquals(fns, []string{"one", "", "", "two"}))
	qt.Assert(t, qt.DeepEquals(lines, []string{"line 1", "", "line 3", "line 5"}))
	qt.Assert(t, qt.DeepEquals(relos, []bool{false, true, false, false}))

	// A nil ExtInfos assigns nothing.
	var ei *ExtInfos
	ei.Assign(insns, "socket")

	// WithFuncMetadata(nil) removes the metadata.
	ins := WithFuncMetadata(insns[0], nil)
	qt.Assert(t, qt.IsNil(FuncMetadata(&ins)))
}

func TestMarshalExtInfos(t *testing.T) {
	proto := &FuncProto{Return: &Int{Name: "int", Size: 4, Encoding: Signed}}
	main := &Func{Name: "main", Type: proto, Linkage: GlobalFunc}
	sub := &Func{Name: "sub", Type: proto, Linkage: StaticFunc}

	insns := asm.Instructions{
		WithFuncMetadata(asm.Mov.Imm(asm.R0, 0), main).WithSource(&Line{"prog.c", "int x = 0;", 3, 2}),
		asm.LoadImm(asm.R1, 1, asm.DWord),
		asm.Return().WithSource(asm.Comment("return x;")),
		WithFuncMetadata(asm.Mov.Imm(asm.R0, 1), sub).WithSource(&Line{"prog.c", "return 1;", 9, 5}),
		asm.Return(),
	}

	var b Builder
	fis, lis, err := MarshalExtInfos(insns, &b)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.HasLen(fis, 2*int(FuncInfoSize)))
	qt.Assert(t, qt.HasLen(lis, 3*int(LineInfoSize)))

	raw, err := b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNil(err))
	spec, err := loadRawSpec(raw, nil, nil)
	qt.Assert(t, qt.IsNil(err))

	bo := internal.NativeEndian
	funcInfos, err := LoadFuncInfos(bytes.NewReader(fis), bo, 2, spec)
	qt.Assert(t, qt.IsNil(err))
	lineInfos, err := LoadLineInfos(bytes.NewReader(lis), bo, 3, spec)
	qt.Assert(t, qt.IsNil(err))

	qt.Assert(t, qt.Equals(funcInfos.infos[0].offset, 0))
	qt.Assert(t, qt.Equals(funcInfos.infos[0].fn.Name, "main"))
	qt.Assert(t, qt.Equals(funcInfos.infos[1].offset, 4), qt.Commentf("offsets count raw instructions"))
	qt.Assert(t, qt.Equals(funcInfos.infos[1].fn.Name, "sub"))

	want := []Line{
		{"prog.c", "int x = 0;", 3, 2},
		{"", "return x;", 0, 0},
		{"prog.c", "return 1;", 9, 5},
	}
	for i, li := range lineInfos.infos {
		qt.Assert(t, qt.Equals(*li.line, want[i]))
	}
	qt.Assert(t, qt.Equals(lineInfos.infos[1].offset, 3))

	// Assigning them back reproduces the metadata.
	cpy := slices.Clone(insns)
	for i := range cpy {
		cpy[i] = WithFuncMetadata(cpy[i].WithSource(nil), nil)
	}
	AssignMetadataToInstructions(cpy, funcInfos, lineInfos, CORERelocationInfos{})
	qt.Assert(t, qt.Equals(FuncMetadata(&cpy[3]).Name, "sub"))
	qt.Assert(t, qt.Equals(cpy[2].Source().String(), "return x;"))

	// Without metadata, there is nothing to marshal.
	fis, lis, err = MarshalExtInfos(asm.Instructions{asm.Return()}, &b)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsNil(fis))
	qt.Assert(t, qt.IsNil(lis))
}

func TestMarshalExtInfosErrors(t *testing.T) {
	for _, test := range []struct {
		line *Line
		err  string
	}{
		{&Line{"f.c", "x", 1 << 22, 0}, `line info at instruction 0: line number 4194304 exceeds 4194303`},
		{&Line{"f.c", "x", 1, 1024}, `line info at instruction 0: column 1024 exceeds 1023`},
		{&Line{"f\x00.c", "x", 1, 1}, `line info at instruction 0: file name: .*NUL.*`},
	} {
		var b Builder
		_, _, err := MarshalExtInfos(asm.Instructions{asm.Return().WithSource(test.line)}, &b)
		qt.Assert(t, qt.ErrorMatches(err, test.err))
	}

	var b Builder
	bad := &Func{Name: "bad", Type: &Pointer{}}
	_, _, err := MarshalExtInfos(asm.Instructions{WithFuncMetadata(asm.Return(), bad)}, &b)
	qt.Assert(t, qt.IsNil(err), qt.Commentf("Add doesn't marshal"))
	_, err = b.Marshal(nil, nil)
	qt.Assert(t, qt.IsNotNil(err))
}

func TestLoadFuncAndLineInfosErrors(t *testing.T) {
	spec, str := extTestSpec(t)
	bo := internal.NativeEndian

	valid := bo.AppendUint32(bo.AppendUint32(nil, 0), 1)
	_, err := LoadFuncInfos(bytes.NewReader(append(valid, 0, 0, 0, 0)), bo, 2, spec)
	qt.Assert(t, qt.ErrorMatches(err, `read func info 1: .*EOF`))
	_, err = LoadFuncInfos(bytes.NewReader(bo.AppendUint32(bo.AppendUint32(nil, 0), 2)), bo, 1, spec)
	qt.Assert(t, qt.ErrorMatches(err, `func info 0: type ID 2 is Struct:"s", not a \*Func`))

	// A huge count with little data fails without allocating for the count.
	_, err = LoadLineInfos(bytes.NewReader(nil), bo, 1<<31, spec)
	qt.Assert(t, qt.ErrorMatches(err, `read line info 0: EOF`))

	rec := bo.AppendUint32(nil, 0)
	rec = bo.AppendUint32(rec, str["file.c"])
	rec = bo.AppendUint32(rec, 1<<20)
	rec = bo.AppendUint32(rec, 0)
	_, err = LoadLineInfos(bytes.NewReader(rec), bo, 1, spec)
	qt.Assert(t, qt.ErrorMatches(err, `line info 0: line: .*invalid string offset.*`))
}

func TestLoadProgramWithExtInfos(t *testing.T) {
	testutils.RequirePrivileges(t)

	ctx := &Pointer{(*Void)(nil)}
	proto := &FuncProto{Return: &Int{Name: "int", Size: 4, Encoding: Signed}, Params: []FuncParam{{"ctx", ctx}}}
	main := &Func{Name: "main", Type: proto, Linkage: GlobalFunc}
	sub := &Func{Name: "sub", Type: &FuncProto{Return: proto.Return}, Linkage: StaticFunc}

	insns := asm.Instructions{
		WithFuncMetadata(asm.Mov.Imm(asm.R0, 0), main).WithSource(&Line{"prog.c", "int main(void *ctx) {", 1, 1}),
		asm.Call.Label("sub").WithSource(asm.Comment("call sub")),
		asm.Return(),
		WithFuncMetadata(asm.Mov.Imm(asm.R0, 1), sub).WithSymbol("sub").WithSource(&Line{"prog.c", "return 1;", 7, 2}),
		asm.Return(),
	}
	// Resolve the call by hand: this package doesn't link.
	insns[1].Constant = 1
	insns[1].Src = asm.PseudoCall

	var b Builder
	fis, lis, err := MarshalExtInfos(insns, &b)
	qt.Assert(t, qt.IsNil(err))
	h, err := NewHandle(&b)
	qt.Assert(t, qt.IsNil(err))
	defer h.Close()

	var code bytes.Buffer
	qt.Assert(t, qt.IsNil(insns.Marshal(&code, internal.NativeEndian)))

	logBuf := make([]byte, 64*1024)
	attr := &sys.ProgLoadAttr{
		ProgType:        sys.BPF_PROG_TYPE_SOCKET_FILTER,
		Insns:           sys.NewSlicePointer(code.Bytes()),
		InsnCnt:         uint32(code.Len() / asm.InstructionSize),
		License:         sys.NewStringPointer("GPL"),
		ProgBtfFd:       uint32(h.FD()),
		FuncInfoRecSize: FuncInfoSize,
		FuncInfo:        sys.NewSlicePointer(fis),
		FuncInfoCnt:     uint32(len(fis)) / FuncInfoSize,
		LineInfoRecSize: LineInfoSize,
		LineInfo:        sys.NewSlicePointer(lis),
		LineInfoCnt:     uint32(len(lis)) / LineInfoSize,
		LogLevel:        1,
		LogBuf:          sys.NewSlicePointer(logBuf),
		LogSize:         uint32(len(logBuf)),
	}
	prog, err := sys.ProgLoad(attr)
	qt.Assert(t, qt.IsNil(err), qt.Commentf("log: %s", bytes.TrimRight(logBuf, "\x00")))
	defer prog.Close()

	// Read the infos back from the kernel, as ProgramInfo does.
	var info sys.ProgInfo
	qt.Assert(t, qt.IsNil(sys.ObjInfo(prog, &info)))
	qt.Assert(t, qt.Equals(info.NrFuncInfo, 2))
	qt.Assert(t, qt.Equals(info.NrLineInfo, 3))

	kfis := make([]byte, info.NrFuncInfo*FuncInfoSize)
	klis := make([]byte, info.NrLineInfo*LineInfoSize)
	info2 := sys.ProgInfo{
		NrFuncInfo:      info.NrFuncInfo,
		FuncInfoRecSize: FuncInfoSize,
		FuncInfo:        sys.NewSlicePointer(kfis),
		NrLineInfo:      info.NrLineInfo,
		LineInfoRecSize: LineInfoSize,
		LineInfo:        sys.NewSlicePointer(klis),
	}
	qt.Assert(t, qt.IsNil(sys.ObjInfo(prog, &info2)))

	progBTF, err := NewHandleFromID(info.BtfId)
	qt.Assert(t, qt.IsNil(err))
	defer progBTF.Close()
	spec, err := progBTF.Spec(nil)
	qt.Assert(t, qt.IsNil(err))

	funcInfos, err := LoadFuncInfos(bytes.NewReader(kfis), internal.NativeEndian, info.NrFuncInfo, spec)
	qt.Assert(t, qt.IsNil(err))
	lineInfos, err := LoadLineInfos(bytes.NewReader(klis), internal.NativeEndian, info.NrLineInfo, spec)
	qt.Assert(t, qt.IsNil(err))

	got := slices.Clone(insns)
	for i := range got {
		got[i] = WithFuncMetadata(got[i].WithSource(nil), nil)
	}
	AssignMetadataToInstructions(got, funcInfos, lineInfos, CORERelocationInfos{})
	for i := range insns {
		qt.Assert(t, qt.Equals(fmt.Sprint(got[i].Source()), fmt.Sprint(insns[i].Source())))
		wantFn, gotFn := FuncMetadata(&insns[i]), FuncMetadata(&got[i])
		if wantFn == nil {
			qt.Assert(t, qt.IsNil(gotFn))
			continue
		}
		qt.Assert(t, qt.Equals(gotFn.Name, wantFn.Name))
	}
}

func FuzzExtInfo(f *testing.F) {
	spec, err := LoadSpec("testdata/relocs-el.elf")
	if err != nil {
		f.Fatal(err)
	}

	// The real thing, and a minimal valid section.
	ef, err := elf.Open("testdata/relocs-el.elf")
	if err != nil {
		f.Fatal(err)
	}
	data, err := ef.Section(".BTF.ext").Data()
	ef.Close()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add((&extBlob{bo: binary.LittleEndian}).encode())

	f.Fuzz(func(t *testing.T, data []byte) {
		ei, err := loadExtInfos(data, binary.LittleEndian, spec)
		if err != nil {
			if ei != nil {
				t.Fatal("ExtInfos and error returned")
			}
			// Every error names the part of the section that was wrong.
			msg := err.Error()
			if !slices.ContainsFunc([]string{"header", "func infos", "line infos", "CO-RE relocations"}, func(prefix string) bool {
				return strings.HasPrefix(msg, prefix)
			}) {
				t.Fatalf("error doesn't say where: %v", err)
			}
			return
		}
		if ei == nil {
			t.Fatal("neither ExtInfos nor error returned")
		}
		for _, fis := range ei.funcInfos {
			if !slices.IsSortedFunc(fis.infos, func(a, b funcInfo) int { return int(a.offset) - int(b.offset) }) {
				t.Fatal("func infos not sorted")
			}
		}
	})
}
