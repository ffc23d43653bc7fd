package btf

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal"
)

// Ext infos are what .BTF.ext adds to the instructions of a program: which
// instruction starts which function (func info), which source line an
// instruction was compiled from (line info) and which instructions need CO-RE
// relocation. In an ELF they are kept per section, with offsets in bytes;
// the kernel takes func and line infos per program, with offsets in
// instructions. In between, this package keeps them as metadata of
// asm.Instructions, which survives the instructions being split into
// programs, moved and linked.

// ExtInfos contains the func infos, line infos and CO-RE relocations of the
// sections of an ELF, parsed from .BTF.ext.
type ExtInfos struct {
	// Keyed by ELF section name. The lists are sorted by offset.
	funcInfos       map[string]FuncInfos
	lineInfos       map[string]LineInfos
	relocationInfos map[string]CORERelocationInfos
}

// Assign attaches the func infos, line infos and CO-RE relocations of an ELF
// section to the instructions decoded from it, by raw instruction offset:
// func infos as FuncMetadata, line infos as a *Line Source and relocations
// as CORERelocationMetadata. Calling Assign on a nil *ExtInfos does
// nothing.
func (ei *ExtInfos) Assign(insns asm.Instructions, section string) {
	if ei == nil {
		return
	}

	AssignMetadataToInstructions(insns,
		ei.funcInfos[section],
		ei.lineInfos[section],
		ei.relocationInfos[section],
	)
}

// AssignMetadataToInstructions attaches func infos, line infos and CO-RE
// relocations to the instructions at their raw instruction offsets (a
// 64-bit immediate load counts as two).
//
// An info whose offset matches no instruction, for example because it
// points into the middle of a 64-bit load, is dropped. If several infos of
// one kind have the same offset, the first one wins.
func AssignMetadataToInstructions(
	insns asm.Instructions,
	funcInfos FuncInfos,
	lineInfos LineInfos,
	reloInfos CORERelocationInfos,
) {
	fns, lines, relos := funcInfos.infos, lineInfos.infos, reloInfos.infos

	iter := insns.Iterate()
	for iter.Next() {
		if len(fns) == 0 && len(lines) == 0 && len(relos) == 0 {
			return
		}
		off := iter.Offset

		for len(fns) > 0 && fns[0].offset < off {
			fns = fns[1:]
		}
		if len(fns) > 0 && fns[0].offset == off {
			*iter.Ins = WithFuncMetadata(*iter.Ins, fns[0].fn)
			for len(fns) > 0 && fns[0].offset == off {
				fns = fns[1:]
			}
		}

		for len(lines) > 0 && lines[0].offset < off {
			lines = lines[1:]
		}
		if len(lines) > 0 && lines[0].offset == off {
			*iter.Ins = iter.Ins.WithSource(lines[0].line)
			for len(lines) > 0 && lines[0].offset == off {
				lines = lines[1:]
			}
		}

		for len(relos) > 0 && relos[0].offset < off {
			relos = relos[1:]
		}
		if len(relos) > 0 && relos[0].offset == off {
			iter.Ins.Metadata.Set(coreRelocationMeta{}, relos[0].relo)
			for len(relos) > 0 && relos[0].offset == off {
				relos = relos[1:]
			}
		}
	}
}

type funcInfoMeta struct{}

// FuncMetadata returns the *Func attached to an instruction, which marks the
// first instruction of a BPF function, or nil.
func FuncMetadata(ins *asm.Instruction) *Func {
	fn, _ := ins.Metadata.Get(funcInfoMeta{}).(*Func)
	return fn
}

// WithFuncMetadata returns a copy of ins with fn attached as its function
// metadata. A nil fn removes it.
func WithFuncMetadata(ins asm.Instruction, fn *Func) asm.Instruction {
	if fn == nil {
		ins.Metadata.Set(funcInfoMeta{}, nil)
		return ins
	}
	ins.Metadata.Set(funcInfoMeta{}, fn)
	return ins
}

// bpfFuncInfo is struct bpf_func_info: the kernel's format of a func info,
// with the offset in instructions.
type bpfFuncInfo struct {
	InsnOff uint32
	TypeID  TypeID
}

// bpfLineInfo is struct bpf_line_info: the kernel's format of a line info,
// with the offset in instructions and strings in the program's BTF.
type bpfLineInfo struct {
	InsnOff     uint32
	FileNameOff uint32
	LineOff     uint32
	LineCol     uint32
}

// FuncInfoSize and LineInfoSize are the sizes of the kernel's func and line
// info records, which programs are loaded with.
var (
	FuncInfoSize = uint32(binary.Size(bpfFuncInfo{}))
	LineInfoSize = uint32(binary.Size(bpfLineInfo{}))
)

// The layout of line_col.
const (
	lineNumberShift = 10
	lineColumnMask  = 1<<lineNumberShift - 1
	maxLineNumber   = 1<<(32-lineNumberShift) - 1
)

// FuncInfos is the list of func infos of a section or program, sorted by
// offset.
type FuncInfos struct {
	infos []funcInfo
}

// funcInfo marks the instruction at offset as the start of fn.
type funcInfo struct {
	fn     *Func
	offset asm.RawInstructionOffset
}

// LoadFuncInfos parses recordNum func info records in the kernel's format
// (offsets in instructions) from reader, as returned for a loaded program.
// The type IDs refer to spec.
//
// It returns an error if reader ends early or a record refers to a type
// that isn't a named *Func.
func LoadFuncInfos(reader io.Reader, bo binary.ByteOrder, recordNum uint32, spec *Spec) (FuncInfos, error) {
	var (
		infos = make([]funcInfo, 0, min(recordNum, 1024))
		rec   [8]byte
	)
	for i := range recordNum {
		if _, err := io.ReadFull(reader, rec[:]); err != nil {
			return FuncInfos{}, fmt.Errorf("read func info %d: %w", i, err)
		}

		fn, err := funcByID(spec, TypeID(bo.Uint32(rec[4:])))
		if err != nil {
			return FuncInfos{}, fmt.Errorf("func info %d: %w", i, err)
		}
		infos = append(infos, funcInfo{fn, asm.RawInstructionOffset(bo.Uint32(rec[0:]))})
	}

	sortByOffset(infos, func(fi funcInfo) asm.RawInstructionOffset { return fi.offset })
	return FuncInfos{infos}, nil
}

// funcByID returns the type with the given ID if it is a named *Func.
func funcByID(spec *Spec, id TypeID) (*Func, error) {
	if spec == nil {
		return nil, fmt.Errorf("type ID %d: no BTF to look it up in", id)
	}
	typ, err := spec.TypeByID(id)
	if err != nil {
		return nil, err
	}
	fn, ok := typ.(*Func)
	if !ok {
		return nil, fmt.Errorf("type ID %d is %s, not a *Func", id, typ)
	}
	if fn.Name == "" {
		return nil, fmt.Errorf("type ID %d is a Func without a name", id)
	}
	return fn, nil
}

// Line is a source line of a BPF program, attached to the instructions
// compiled from it.
type Line struct {
	fileName   string
	line       string
	lineNumber uint32
	lineColumn uint32
}

// FileName returns the name of the source file.
func (li *Line) FileName() string {
	return li.fileName
}

// Line returns the text of the source line.
func (li *Line) Line() string {
	return li.line
}

// LineNumber returns the number of the line, counting from 1.
func (li *Line) LineNumber() uint32 {
	return li.lineNumber
}

// LineColumn returns the column of the line where the statement starts,
// counting from 1, or 0 if unknown.
func (li *Line) LineColumn() uint32 {
	return li.lineColumn
}

// String returns the text of the source line.
func (li *Line) String() string {
	return li.line
}

// LineInfos is the list of line infos of a section or program, sorted by
// offset.
type LineInfos struct {
	infos []lineInfo
}

// lineInfo attaches line to the instruction at offset.
type lineInfo struct {
	line   *Line
	offset asm.RawInstructionOffset
}

// LoadLineInfos parses recordNum line info records in the kernel's format
// (offsets in instructions) from reader, as returned for a loaded program.
// The strings are those of spec.
//
// It returns an error if reader ends early or a record refers to a string
// that isn't in spec.
func LoadLineInfos(reader io.Reader, bo binary.ByteOrder, recordNum uint32, spec *Spec) (LineInfos, error) {
	if spec == nil {
		return LineInfos{}, errors.New("line infos: no BTF to look up strings in")
	}

	var (
		infos = make([]lineInfo, 0, min(recordNum, 1024))
		lines = make([]Line, 0, cap(infos))
		rec   [16]byte
	)
	for i := range recordNum {
		if _, err := io.ReadFull(reader, rec[:]); err != nil {
			return LineInfos{}, fmt.Errorf("read line info %d: %w", i, err)
		}

		line, err := newLine(spec.strings(), bo.Uint32(rec[4:]), bo.Uint32(rec[8:]), bo.Uint32(rec[12:]))
		if err != nil {
			return LineInfos{}, fmt.Errorf("line info %d: %w", i, err)
		}
		if len(lines) == cap(lines) {
			// Don't move earlier Lines: infos point at them.
			lines = make([]Line, 0, cap(lines))
		}
		lines = append(lines, line)
		infos = append(infos, lineInfo{&lines[len(lines)-1], asm.RawInstructionOffset(bo.Uint32(rec[0:]))})
	}

	sortByOffset(infos, func(li lineInfo) asm.RawInstructionOffset { return li.offset })
	return LineInfos{infos}, nil
}

// newLine looks up the strings of a line info.
func newLine(strings *stringTable, fileNameOff, lineOff, lineCol uint32) (Line, error) {
	fileName, err := strings.lookup(fileNameOff)
	if err != nil {
		return Line{}, fmt.Errorf("file name: %w", err)
	}
	line, err := strings.lookup(lineOff)
	if err != nil {
		return Line{}, fmt.Errorf("line: %w", err)
	}
	return Line{fileName, line, lineCol >> lineNumberShift, lineCol & lineColumnMask}, nil
}

// CORERelocationInfos is the list of CO-RE relocations of a section, sorted
// by offset.
type CORERelocationInfos struct {
	infos []coreRelocationInfo
}

// coreRelocationInfo attaches relo to the instruction at offset.
type coreRelocationInfo struct {
	relo   *CORERelocation
	offset asm.RawInstructionOffset
}

// sortByOffset sorts infos by the offset key returns, keeping the order of
// infos with equal offsets.
func sortByOffset[T any](infos []T, key func(T) asm.RawInstructionOffset) {
	compare := func(a, b T) int { return cmp.Compare(key(a), key(b)) }
	if !slices.IsSortedFunc(infos, compare) {
		slices.SortStableFunc(infos, compare)
	}
}

// MarshalExtInfos encodes the func and line infos attached to insns in the
// kernel's format (native endianness, offsets in instructions) for loading
// them with the program.
//
// Every *Func is added to b and referred to by its ID there; file names and
// source lines are added to the string table of b. A Source that isn't a
// *Line, like an asm.Comment, becomes a line info with just its text. If no
// instruction has func or source metadata, it returns nil slices.
//
// It returns an error if a Func can't be added to b, or a line number or
// column is too big for the kernel's format.
func MarshalExtInfos(insns asm.Instructions, b *Builder) (funcInfos, lineInfos []byte, _ error) {
	iter := insns.Iterate()
	found := false
	for !found && iter.Next() {
		found = FuncMetadata(iter.Ins) != nil || iter.Ins.Source() != nil
	}
	if !found {
		return nil, nil, nil
	}

	bo := internal.NativeEndian
	for {
		off := uint32(iter.Offset)

		if fn := FuncMetadata(iter.Ins); fn != nil {
			id, err := b.Add(fn)
			if err != nil {
				return nil, nil, fmt.Errorf("func info at instruction %d: add %s: %w", off, fn, err)
			}
			funcInfos = bo.AppendUint32(funcInfos, off)
			funcInfos = bo.AppendUint32(funcInfos, uint32(id))
		}

		if src := iter.Ins.Source(); src != nil {
			rec, err := marshalLineInfo(src, b)
			if err != nil {
				return nil, nil, fmt.Errorf("line info at instruction %d: %w", off, err)
			}
			lineInfos = bo.AppendUint32(lineInfos, off)
			lineInfos = bo.AppendUint32(lineInfos, rec.FileNameOff)
			lineInfos = bo.AppendUint32(lineInfos, rec.LineOff)
			lineInfos = bo.AppendUint32(lineInfos, rec.LineCol)
		}

		if !iter.Next() {
			break
		}
	}

	return funcInfos, lineInfos, nil
}

// marshalLineInfo returns the line info record for a source annotation,
// without the offset.
func marshalLineInfo(src fmt.Stringer, b *Builder) (bpfLineInfo, error) {
	var rec bpfLineInfo

	line, ok := src.(*Line)
	if !ok {
		// A comment or other annotation: only its text survives.
		lineOff, err := b.addString(src.String())
		if err != nil {
			return rec, fmt.Errorf("line: %w", err)
		}
		rec.LineOff = lineOff
		return rec, nil
	}

	if line.lineNumber > maxLineNumber {
		return rec, fmt.Errorf("line number %d exceeds %d", line.lineNumber, maxLineNumber)
	}
	if line.lineColumn > lineColumnMask {
		return rec, fmt.Errorf("column %d exceeds %d", line.lineColumn, lineColumnMask)
	}

	fileNameOff, err := b.addString(line.fileName)
	if err != nil {
		return rec, fmt.Errorf("file name: %w", err)
	}
	lineOff, err := b.addString(line.line)
	if err != nil {
		return rec, fmt.Errorf("line: %w", err)
	}

	rec.FileNameOff = fileNameOff
	rec.LineOff = lineOff
	rec.LineCol = line.lineNumber<<lineNumberShift | line.lineColumn
	return rec, nil
}
