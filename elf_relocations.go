package ebpf

import (
	"debug/elf"
	"errors"
	"fmt"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
)

// Instruction metadata for the program loader.
//
// The ELF reader resolves extern symbols into metadata that the loader acts
// on per program load (LOADER.md §4):
//
//   - A read of an extern __kconfig variable is an LdImmDW with Src
//     PseudoMapValue, no Reference, and a *kconfigMeta under kconfigMetaKey{}.
//     The loader fills a private copy of kconfigMeta.Map, associates the
//     instruction with it and sets Constant to Offset<<32.
//   - A kfunc call (Src PseudoKfuncCall, Constant -1) or the address load of
//     a kfunc (LdImmDW, Constant 0, as bpf_ksym_exists emits) carries a
//     *kfuncMeta under kfuncMetaKey{}, and Reference is the function's name.
//     The loader looks the function up in the kernel's BTF; a missing
//     function whose Binding is elf.STB_WEAK is poisoned instead of failing.
type (
	kconfigMetaKey struct{}
	kfuncMetaKey   struct{}
)

// kconfigMeta describes a load of an extern __kconfig variable.
type kconfigMeta struct {
	// Map is the object's .kconfig MapSpec, shared by all instructions that
	// read kconfig values. Its Value is the *btf.Datasec of the variables.
	Map *MapSpec
	// Offset is the variable's offset in the map's single value.
	Offset uint32
	// Binding is elf.STB_GLOBAL, or elf.STB_WEAK for a __weak extern that
	// may be zero-filled when the kernel lacks it.
	Binding elf.SymBind
}

// kfuncMeta describes a reference to a kernel function declared __ksym.
type kfuncMeta struct {
	// Binding is elf.STB_GLOBAL, or elf.STB_WEAK for a __weak extern.
	Binding elf.SymBind
	// Func is the function's declaration in the object's .ksyms section.
	Func *btf.Func
}

// errUnsupportedBinding is wrapped by errors about symbols whose binding
// (local, global, weak) doesn't fit how they are referenced.
var errUnsupportedBinding = errors.New("unsupported binding")

// relSize is the size of an Elf64_Rel entry.
const relSize = 16

// loadRelocations reads every SHT_REL section that applies to a section of
// interest and indexes its entries by offset (ELF.md §4). Relocations of
// other sections, such as .BTF or debug info, are skipped.
func (r *elfReader) loadRelocations() error {
	for _, rs := range r.relSections {
		target := r.section(rs.target)
		if target == nil || target.kind == undefSection {
			continue
		}

		rels, err := r.readRelocations(rs.sec, target)
		if err != nil {
			return fmt.Errorf("section %q: relocation section %s: %w", target.Name, rs.sec.Name, err)
		}
		if target.relocations == nil {
			target.relocations = rels
		} else {
			target.relocations = append(target.relocations, rels...)
		}
	}

	for _, sec := range r.sections {
		if sec != nil && len(sec.relocations) > 0 {
			sec.relocations = sortedByOffset(sec.relocations, func(rel elfRelocation) uint64 { return rel.offset })
		}
	}
	return nil
}

// readRelocations decodes the entries of a relocation section and counts
// the references they make to sections of interest.
func (r *elfReader) readRelocations(sec *elf.Section, target *elfSection) ([]elfRelocation, error) {
	if sec.Entsize < relSize {
		return nil, fmt.Errorf("relocations are less than %d bytes", relSize)
	}
	data, err := sectionData(sec)
	if err != nil {
		return nil, err
	}
	if uint64(len(data))%sec.Entsize != 0 {
		return nil, fmt.Errorf("size %d is not a multiple of the entry size %d", len(data), sec.Entsize)
	}

	entsize := int(sec.Entsize)
	rels := make([]elfRelocation, 0, len(data)/entsize)
	for off := 0; off < len(data); off += entsize {
		offset := r.bo.Uint64(data[off:])
		info := r.bo.Uint64(data[off+8:])

		symNum := elf.R_SYM64(info)
		if symNum == 0 || uint64(symNum) > uint64(len(r.symbols)) {
			return nil, fmt.Errorf("offset %d: symbol %d doesn't exist", offset, symNum)
		}
		sym := r.symbols[symNum-1]

		symSec := r.section(sym.Section)
		if symSec == nil {
			return nil, fmt.Errorf("offset %d: reference to %q in section %s: %w",
				offset, r.symbolName(sym), r.sectionName(sym.Section), ErrNotSupported)
		}
		symSec.references++
		rels = append(rels, elfRelocation{offset, sym})
	}
	return rels, nil
}

// symbolName names sym in errors: section symbols are nameless in
// debug/elf, so they are named after their section.
func (r *elfReader) symbolName(sym elf.Symbol) string {
	if sym.Name == "" && elf.ST_TYPE(sym.Info) == elf.STT_SECTION && int(sym.Section) < len(r.file.Sections) {
		return r.file.Sections[sym.Section].Name
	}
	return sym.Name
}

// sectionName names the section at idx in errors.
func (r *elfReader) sectionName(idx elf.SectionIndex) string {
	if int(idx) < len(r.file.Sections) && idx != elf.SHN_UNDEF {
		return fmt.Sprintf("%d (%s)", idx, r.file.Sections[idx].Name)
	}
	return idx.String()
}

// relocateInstruction applies the relocation against sym to ins, according
// to what kind of section sym is defined in (ELF.md §4). The relocation type
// itself is not consulted: the instruction says what is meant.
func (r *elfReader) relocateInstruction(ins *asm.Instruction, sym elf.Symbol) error {
	target := r.section(sym.Section)

	var (
		ref string
		err error
	)
	switch target.kind {
	case mapSection, btfMapSection:
		ref, err = relocateMapLoad(ins, sym, target)
	case dataSection:
		ref, err = relocateDataLoad(ins, sym, target)
	case programSection:
		ref, err = relocateFunctionReference(ins, sym, target)
	case undefSection:
		ref, err = r.relocateExtern(ins, sym)
	default:
		err = fmt.Errorf("relocation to %q: %w", target.Name, ErrNotSupported)
	}
	if err != nil {
		return err
	}

	if ref != "" {
		*ins = ins.WithReference(ref)
	}
	return nil
}

// relocateMapLoad turns an LdImmDW into a load of a map's fd; the map is
// named by the symbol of its definition.
func relocateMapLoad(ins *asm.Instruction, sym elf.Symbol, sec *elfSection) (string, error) {
	if !ins.OpCode.IsDWordLoad() {
		return "", fmt.Errorf("map %s: relocation of %v, not of a 64-bit immediate load", sym.Name, ins.OpCode)
	}

	typ := elf.ST_TYPE(sym.Info)
	if typ == elf.STT_SECTION {
		// A static definition, referenced through the section symbol with
		// its offset in the instruction: find its name for the error below.
		offset := uint64(uint32(ins.Constant))
		def, ok := sec.symbolAt(offset)
		if !ok {
			return "", fmt.Errorf("map load: no map definition at offset %d of section %s", offset, sec.Name)
		}
		sym, typ = def, elf.ST_TYPE(def.Info)
	}

	switch bind := elf.ST_BIND(sym.Info); bind {
	case elf.STB_GLOBAL, elf.STB_WEAK:
		// The reference rejects weak map definitions, but libbpf's usdt.bpf.h
		// declares its maps __weak so that several objects can share one
		// definition when linked; libbpf and bpftool load such objects (for
		// example libbpf-tools' javagc), and within one object a weak
		// definition is simply the definition.
	case elf.STB_LOCAL:
		return "", fmt.Errorf("possible erroneous static qualifier on map definition: found reference to %q", sym.Name)
	default:
		return "", fmt.Errorf("map %s: %w: %s", sym.Name, errUnsupportedBinding, bind)
	}

	if typ != elf.STT_OBJECT && typ != elf.STT_NOTYPE {
		return "", fmt.Errorf("map load: incorrect relocation type %s for map %s", typ, sym.Name)
	}

	ins.Src = asm.PseudoMapFD
	return sym.Name, nil
}

// relocateDataLoad turns an LdImmDW into a load of an address in a data
// section's map value. The instruction refers to the data section by the
// section's name, and carries the offset in the upper 32 bits of its
// constant, where the kernel expects it.
func relocateDataLoad(ins *asm.Instruction, sym elf.Symbol, sec *elfSection) (string, error) {
	if !ins.OpCode.IsDWordLoad() {
		return "", fmt.Errorf("data section %s: relocation of %v, not of a 64-bit immediate load", sec.Name, ins.OpCode)
	}

	var offset uint32
	switch typ, bind := elf.ST_TYPE(sym.Info), elf.ST_BIND(sym.Info); typ {
	case elf.STT_SECTION:
		// A static variable: clang leaves the offset in the instruction.
		if bind != elf.STB_LOCAL {
			return "", fmt.Errorf("data section %s: %w: %s", sec.Name, errUnsupportedBinding, bind)
		}
		offset = uint32(ins.Constant)
	case elf.STT_OBJECT:
		// A global variable, or an anonymous constant of some LLVMs. The
		// immediate holds the addend, zero in what clang emits.
		if bind != elf.STB_GLOBAL && bind != elf.STB_LOCAL {
			return "", fmt.Errorf("data section %s: symbol %s: %w: %s", sec.Name, sym.Name, errUnsupportedBinding, bind)
		}
		offset = uint32(sym.Value) + uint32(ins.Constant)
	case elf.STT_NOTYPE:
		// Anonymous constants of old LLVMs.
		if bind != elf.STB_LOCAL {
			return "", fmt.Errorf("data section %s: symbol %s: %w: %s", sec.Name, sym.Name, errUnsupportedBinding, bind)
		}
		offset = uint32(sym.Value) + uint32(ins.Constant)
	default:
		return "", fmt.Errorf("data section %s: symbol %s: incorrect relocation type %s", sec.Name, sym.Name, typ)
	}

	ins.Src = asm.PseudoMapValue
	ins.Constant = int64(uint64(offset) << 32)
	return sec.Name, nil
}

// relocateFunctionReference resolves a bpf-to-bpf call or the load of a
// function's address (a callback) to the name of the function.
func relocateFunctionReference(ins *asm.Instruction, sym elf.Symbol, sec *elfSection) (string, error) {
	typ, bind := elf.ST_TYPE(sym.Info), elf.ST_BIND(sym.Info)

	switch {
	case ins.OpCode.JumpOp() == asm.Call:
		if ins.Src != asm.PseudoCall {
			return "", fmt.Errorf("call: %s: incorrect source register", sym.Name)
		}

		switch typ {
		case elf.STT_NOTYPE, elf.STT_FUNC:
			if bind != elf.STB_GLOBAL {
				return "", fmt.Errorf("call: %s: %w: %s", sym.Name, errUnsupportedBinding, bind)
			}
			return sym.Name, nil

		case elf.STT_SECTION:
			if bind != elf.STB_LOCAL {
				return "", fmt.Errorf("call: section %s: %w: %s", sec.Name, errUnsupportedBinding, bind)
			}
			// A call to a static function: the immediate is the distance
			// in instructions from the start of the section, minus one.
			offset := (int64(int32(ins.Constant)) + 1) * asm.InstructionSize
			fn, ok := symbolAtOffset(sec, offset)
			if !ok {
				return "", fmt.Errorf("call: no symbol at offset %d of section %s", offset, sec.Name)
			}
			ins.Constant = -1
			return fn.Name, nil

		default:
			return "", fmt.Errorf("call: %s: invalid symbol type %s", sym.Name, typ)
		}

	case ins.OpCode.IsDWordLoad():
		switch typ {
		case elf.STT_FUNC:
			if bind != elf.STB_GLOBAL {
				return "", fmt.Errorf("load: %s: %w: %s", sym.Name, errUnsupportedBinding, bind)
			}
		case elf.STT_SECTION:
			if bind != elf.STB_LOCAL {
				return "", fmt.Errorf("load: section %s: %w: %s", sec.Name, errUnsupportedBinding, bind)
			}
		default:
			return "", fmt.Errorf("load: %s: invalid symbol type %s", sym.Name, typ)
		}

		// The immediate is the byte offset of the function in the section;
		// for a global function it is zero and the symbol's own value
		// counts instead.
		offset := ins.Constant
		if typ == elf.STT_FUNC {
			offset += int64(sym.Value)
		}
		fn, ok := symbolAtOffset(sec, offset)
		if !ok {
			return "", fmt.Errorf("load: no symbol at offset %d of section %s", offset, sec.Name)
		}
		ins.Src = asm.PseudoFunc
		ins.Constant = -1
		return fn.Name, nil

	default:
		return "", fmt.Errorf("relocation against %s: neither a call nor a load instruction: %v", sym.Name, ins)
	}
}

// symbolAtOffset is symbolAt for offsets computed from signed immediates.
func symbolAtOffset(sec *elfSection, offset int64) (elf.Symbol, bool) {
	if offset < 0 {
		return elf.Symbol{}, false
	}
	return sec.symbolAt(uint64(offset))
}

// relocateExtern handles a reference to an undefined symbol: a kfunc, a
// kconfig variable, or a symbol that is left for the user or the loader to
// resolve (inline assembly constants, forward declared functions).
func (r *elfReader) relocateExtern(ins *asm.Instruction, sym elf.Symbol) (string, error) {
	typ, bind := elf.ST_TYPE(sym.Info), elf.ST_BIND(sym.Info)
	if bind != elf.STB_GLOBAL && bind != elf.STB_WEAK {
		return "", fmt.Errorf("extern %s: %w: %s", sym.Name, errUnsupportedBinding, bind)
	}
	if typ != elf.STT_NOTYPE {
		return "", fmt.Errorf("extern %s: unsupported symbol type %s", sym.Name, typ)
	}

	if fn := r.kfuncs[sym.Name]; fn != nil {
		switch {
		case ins.OpCode.JumpOp() == asm.Call:
			ins.Src = asm.PseudoKfuncCall
			ins.Constant = -1
		case ins.OpCode.IsDWordLoad():
			// The address of a kfunc, only ever compared with zero to see
			// whether a weak kfunc exists.
			ins.Constant = 0
		default:
			return "", fmt.Errorf("kfunc %s: neither a call nor a load instruction: %v", sym.Name, ins)
		}
		ins.Metadata.Set(kfuncMetaKey{}, &kfuncMeta{Binding: bind, Func: fn})
		return sym.Name, nil
	}

	if r.kconfig != nil && ins.OpCode.IsDWordLoad() {
		offset, ok := r.kconfigOffsets[sym.Name]
		if !ok {
			return "", fmt.Errorf("kconfig %s not found in .kconfig", sym.Name)
		}
		ins.Src = asm.PseudoMapValue
		ins.Metadata.Set(kconfigMetaKey{}, &kconfigMeta{Map: r.kconfig, Offset: offset, Binding: bind})
		// No Reference: the loader creates a .kconfig map per program.
		return "", nil
	}

	return sym.Name, nil
}

// referenceRelativeCall resolves a call or function address load that has
// no relocation, as LLVM 9 and older emit for functions in the same
// section: the immediate is the distance to the target in instructions.
func referenceRelativeCall(ins *asm.Instruction, offset uint64, sec *elfSection) error {
	if !ins.IsFunctionReference() || ins.Constant == -1 {
		return nil
	}

	// No function is that far away; bail out before the arithmetic
	// overflows.
	dist := ins.Constant
	if dist < -(1<<40) || dist > 1<<40 {
		return fmt.Errorf("no jump target found for distance %d", dist)
	}
	target := max(int64(offset)+asm.InstructionSize+dist*asm.InstructionSize, 0)

	fn, ok := sec.symbolAt(uint64(target))
	if !ok {
		return fmt.Errorf("no jump target found at offset %d", target)
	}
	*ins = ins.WithReference(fn.Name)
	ins.Constant = -1
	return nil
}
