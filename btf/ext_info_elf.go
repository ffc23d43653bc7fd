package btf

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal"
)

// LoadSpecAndExtInfosFromReader reads BTF and its ext infos (.BTF.ext) from
// an ELF object.
//
// ExtInfos is nil, without error, if the ELF has no .BTF.ext. It returns an
// error wrapping ErrNotFound if the ELF has no .BTF, and an error naming the
// offending section, record and field if either is malformed.
func LoadSpecAndExtInfosFromReader(rd io.ReaderAt) (*Spec, *ExtInfos, error) {
	file, err := internal.NewSafeELFFile(rd)
	if err != nil {
		return nil, nil, err
	}
	return loadSpecAndExtInfosFromELF(file, nil)
}

// loadSpecFromSafeELF is loadSpecFromELFFile, turning panics of debug/elf
// into errors.
func loadSpecFromSafeELF(file *internal.SafeELFFile, symbols []elf.Symbol) (spec *Spec, err error) {
	defer func() {
		if r := recover(); r != nil {
			spec, err = nil, fmt.Errorf("read ELF: malformed file: %v", r)
		}
	}()
	return loadSpecFromELFFile(file.File, symbols)
}

// loadExtInfosFromELF parses the .BTF.ext section of file against spec, the
// BTF of the same file. It returns nil if there is no such section.
func loadExtInfosFromELF(file *internal.SafeELFFile, spec *Spec) (_ *ExtInfos, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("section .BTF.ext: malformed ELF: %v", r)
		}
	}()

	section := file.Section(".BTF.ext")
	if section == nil {
		return nil, nil
	}
	data, err := sectionData(section, "compressed ext infos are not supported")
	if err != nil {
		return nil, err
	}

	infos, err := loadExtInfos(data, file.ByteOrder, spec)
	if err != nil {
		return nil, fmt.Errorf("section .BTF.ext: %w", err)
	}
	return infos, nil
}

// The wire format of .BTF.ext, as in the kernel's tools/lib/bpf/libbpf_internal.h.
//
// A header {magic u16, version u8, flags u8, hdr_len u32, func_info_off,
// func_info_len, line_info_off, line_info_len u32} is followed, if hdr_len
// says so, by {core_relo_off, core_relo_len u32}. Offsets count from the end
// of the header (hdr_len). Each of the three sub-sections starts with a u32
// record size followed by blocks {sec_name_off u32, num_info u32, records}.
const (
	btfExtHeaderLen     = 24
	btfExtCOREHeaderEnd = btfExtHeaderLen + 8

	// Sizes of a func info {insn_off, type_id}, a line info {insn_off,
	// file_name_off, line_off, line_col} and a CO-RE relocation {insn_off,
	// type_id, access_str_off, kind}.
	extFuncInfoLen = 8
	extLineInfoLen = 16
	extCOREReloLen = 16

	// Bounds of a sane record size.
	minExtRecordSize = 4
	maxExtRecordSize = 256
)

// btfExtHeader is the fixed part of the .BTF.ext header.
type btfExtHeader struct {
	Magic       uint16
	Version     uint8
	Flags       uint8
	HdrLen      uint32
	FuncInfoOff uint32
	FuncInfoLen uint32
	LineInfoOff uint32
	LineInfoLen uint32
	// Only present if HdrLen covers them.
	COREReloOff uint32
	COREReloLen uint32
}

// parseBTFExtHeader decodes and validates the header at the start of data.
func parseBTFExtHeader(data []byte, bo binary.ByteOrder) (*btfExtHeader, error) {
	hdrLen, err := parseBTFPreamble(data, bo, btfExtHeaderLen, ".BTF.ext", "section")
	if err != nil {
		return nil, err
	}

	hdr := &btfExtHeader{
		Magic:       btfMagic,
		Version:     1,
		HdrLen:      hdrLen,
		FuncInfoOff: bo.Uint32(data[8:]),
		FuncInfoLen: bo.Uint32(data[12:]),
		LineInfoOff: bo.Uint32(data[16:]),
		LineInfoLen: bo.Uint32(data[20:]),
	}

	// A longer header has the CO-RE relocation fields (LLVM 10 and later
	// always write them). Anything between the two sizes is corrupt.
	if hdr.HdrLen > btfExtHeaderLen {
		if hdr.HdrLen < btfExtCOREHeaderEnd {
			return nil, fmt.Errorf("header: length %d cuts the CO-RE relocation fields short (need %d)", hdr.HdrLen, btfExtCOREHeaderEnd)
		}
		hdr.COREReloOff = bo.Uint32(data[24:])
		hdr.COREReloLen = bo.Uint32(data[28:])
	}
	return hdr, nil
}

// subsection returns the part of the body described by off and length.
func subsection(body []byte, name string, off, length uint32) ([]byte, error) {
	if uint64(off)+uint64(length) > uint64(len(body)) {
		return nil, fmt.Errorf("%s (offset %d, length %d) exceeds the %d bytes after the header", name, off, length, len(body))
	}
	return body[off : off+length], nil
}

// loadExtInfos parses a .BTF.ext section in byte order bo. Names, types and
// strings refer to spec.
func loadExtInfos(data []byte, bo binary.ByteOrder, spec *Spec) (*ExtInfos, error) {
	hdr, err := parseBTFExtHeader(data, bo)
	if err != nil {
		return nil, err
	}
	body := data[hdr.HdrLen:]

	funcData, err := subsection(body, "func infos", hdr.FuncInfoOff, hdr.FuncInfoLen)
	if err != nil {
		return nil, err
	}
	lineData, err := subsection(body, "line infos", hdr.LineInfoOff, hdr.LineInfoLen)
	if err != nil {
		return nil, err
	}
	coreData, err := subsection(body, "CO-RE relocations", hdr.COREReloOff, hdr.COREReloLen)
	if err != nil {
		return nil, err
	}

	r := extInfoReader{bo: bo, spec: spec}
	ei := &ExtInfos{}
	if ei.funcInfos, err = r.funcInfos(funcData); err != nil {
		return nil, fmt.Errorf("func infos: %w", err)
	}
	if ei.lineInfos, err = r.lineInfos(lineData); err != nil {
		return nil, fmt.Errorf("line infos: %w", err)
	}
	if ei.relocationInfos, err = r.coreRelocations(coreData); err != nil {
		return nil, fmt.Errorf("CO-RE relocations: %w", err)
	}
	return ei, nil
}

// extInfoReader decodes the records of .BTF.ext.
type extInfoReader struct {
	bo   binary.ByteOrder
	spec *Spec
}

// extInfoBlock is the records of one ELF section in a sub-section.
type extInfoBlock struct {
	section string
	records []byte
	n       int
}

// blocks splits a sub-section into per-section blocks of records of
// wantSize bytes each. An empty sub-section has no blocks.
func (r *extInfoReader) blocks(data []byte, wantSize uint32) ([]extInfoBlock, error) {
	if len(data) == 0 {
		return nil, nil
	}
	if len(data) < 4 {
		return nil, fmt.Errorf("%d bytes is too short for the record size", len(data))
	}

	recordSize := r.bo.Uint32(data)
	if recordSize < minExtRecordSize || recordSize > maxExtRecordSize {
		return nil, fmt.Errorf("record size %d is outside [%d, %d]", recordSize, minExtRecordSize, maxExtRecordSize)
	}
	if recordSize != wantSize {
		return nil, fmt.Errorf("record size %d, want %d", recordSize, wantSize)
	}

	var blocks []extInfoBlock
	for off := uint64(4); off < uint64(len(data)); {
		if off+8 > uint64(len(data)) {
			return nil, fmt.Errorf("offset %d: %d bytes left is too short for a section header", off, uint64(len(data))-off)
		}
		nameOff := r.bo.Uint32(data[off:])
		numInfo := r.bo.Uint32(data[off+4:])

		name, err := r.spec.strings().lookup(nameOff)
		if err != nil {
			return nil, fmt.Errorf("offset %d: section name: %w", off, err)
		}
		if name == "" {
			return nil, fmt.Errorf("offset %d: empty section name", off)
		}
		if numInfo == 0 {
			return nil, fmt.Errorf("section %s: no records", name)
		}

		off += 8
		size := uint64(numInfo) * uint64(recordSize)
		if left := uint64(len(data)) - off; size > left {
			return nil, fmt.Errorf("section %s: %d records of %d bytes exceed the %d bytes left", name, numInfo, recordSize, left)
		}

		blocks = append(blocks, extInfoBlock{name, data[off : off+size], int(numInfo)})
		off += size
	}
	return blocks, nil
}

// rawOffset converts the byte offset of a record into a raw instruction
// offset.
func rawOffset(byteOff uint32) (asm.RawInstructionOffset, error) {
	if byteOff%asm.InstructionSize != 0 {
		return 0, fmt.Errorf("instruction offset %d is not a multiple of %d", byteOff, asm.InstructionSize)
	}
	return asm.RawInstructionOffset(byteOff / asm.InstructionSize), nil
}

func (r *extInfoReader) funcInfos(data []byte) (map[string]FuncInfos, error) {
	blocks, err := r.blocks(data, extFuncInfoLen)
	if err != nil {
		return nil, err
	}

	result := make(map[string]FuncInfos, len(blocks))
	for _, block := range blocks {
		infos := result[block.section].infos
		for i := range block.n {
			rec := block.records[i*extFuncInfoLen:]
			off, err := rawOffset(r.bo.Uint32(rec))
			if err != nil {
				return nil, fmt.Errorf("section %s: record %d: %w", block.section, i, err)
			}
			fn, err := funcByID(r.spec, TypeID(r.bo.Uint32(rec[4:])))
			if err != nil {
				return nil, fmt.Errorf("section %s: record %d: %w", block.section, i, err)
			}
			infos = append(infos, funcInfo{fn, off})
		}
		sortByOffset(infos, func(fi funcInfo) asm.RawInstructionOffset { return fi.offset })
		result[block.section] = FuncInfos{infos}
	}
	return result, nil
}

func (r *extInfoReader) lineInfos(data []byte) (map[string]LineInfos, error) {
	blocks, err := r.blocks(data, extLineInfoLen)
	if err != nil {
		return nil, err
	}

	strings := r.spec.strings()
	result := make(map[string]LineInfos, len(blocks))
	for _, block := range blocks {
		infos := result[block.section].infos
		// One allocation for the Lines of the block.
		lines := make([]Line, block.n)
		for i := range block.n {
			rec := block.records[i*extLineInfoLen:]
			off, err := rawOffset(r.bo.Uint32(rec))
			if err != nil {
				return nil, fmt.Errorf("section %s: record %d: %w", block.section, i, err)
			}
			lines[i], err = newLine(strings, r.bo.Uint32(rec[4:]), r.bo.Uint32(rec[8:]), r.bo.Uint32(rec[12:]))
			if err != nil {
				return nil, fmt.Errorf("section %s: record %d: %w", block.section, i, err)
			}
			infos = append(infos, lineInfo{&lines[i], off})
		}
		sortByOffset(infos, func(li lineInfo) asm.RawInstructionOffset { return li.offset })
		result[block.section] = LineInfos{infos}
	}
	return result, nil
}

func (r *extInfoReader) coreRelocations(data []byte) (map[string]CORERelocationInfos, error) {
	blocks, err := r.blocks(data, extCOREReloLen)
	if err != nil {
		return nil, err
	}

	strings := r.spec.strings()
	result := make(map[string]CORERelocationInfos, len(blocks))
	for _, block := range blocks {
		infos := result[block.section].infos
		relos := make([]CORERelocation, block.n)
		for i := range block.n {
			rec := block.records[i*extCOREReloLen:]
			if err := r.coreRelocation(strings, rec, &relos[i]); err != nil {
				return nil, fmt.Errorf("section %s: record %d: %w", block.section, i, err)
			}
			off, err := rawOffset(r.bo.Uint32(rec))
			if err != nil {
				return nil, fmt.Errorf("section %s: record %d: %w", block.section, i, err)
			}
			infos = append(infos, coreRelocationInfo{&relos[i], off})
		}
		sortByOffset(infos, func(ri coreRelocationInfo) asm.RawInstructionOffset { return ri.offset })
		result[block.section] = CORERelocationInfos{infos}
	}
	return result, nil
}

// coreRelocation decodes the type, accessor and kind of a CO-RE relocation
// record into relo.
func (r *extInfoReader) coreRelocation(strings *stringTable, rec []byte, relo *CORERelocation) error {
	id := TypeID(r.bo.Uint32(rec[4:]))
	typ, err := r.spec.TypeByID(id)
	if err != nil {
		return err
	}

	accessStr, err := strings.lookup(r.bo.Uint32(rec[8:]))
	if err != nil {
		return fmt.Errorf("access string: %w", err)
	}
	accessor, err := parseCOREAccessor(accessStr)
	if err != nil {
		return fmt.Errorf("type ID %d: %w", id, err)
	}

	// Unknown kinds are kept: CORERelocate rejects them, and everything
	// else can still use the object.
	kind := coreKind(r.bo.Uint32(rec[12:]))

	*relo = CORERelocation{typ, accessor, kind, id}
	return nil
}
