package asm

import (
	"fmt"
	"math"
	"strings"
)

// Format writes a readable form of ins for the verb v, such as
// "LdImmDW dst: r0 imm: 42", "Call FnMapLookupElem" or
// "JEqImm dst: r1 off: -1 imm: 0 <exit>"; a reference is appended in angle
// brackets. Other verbs print "{UNRECOGNIZED: c}".
func (ins Instruction) Format(f fmt.State, c rune) {
	if c != 'v' {
		fmt.Fprintf(f, "{UNRECOGNIZED: %c}", c)
		return
	}

	op := ins.OpCode
	switch {
	case op == InvalidOpCode:
		fmt.Fprint(f, "INVALID")
		return
	case op.JumpOp() == Exit:
		fmt.Fprint(f, op)
		return
	case op.IsDWordLoad() && ins.Src != R0 && ins.Src != PseudoFunc:
		ins.formatPseudoLoad(f)
	case op.Class().IsALU():
		ins.formatALU(f)
	default:
		fmt.Fprintf(f, "%v ", op)
		switch cls := op.Class(); {
		case cls.isLoadOrStore():
			ins.formatLoadStore(f)
		case cls.IsJump():
			ins.formatJump(f)
		}
	}

	if ref := ins.Reference(); ref != "" {
		fmt.Fprintf(f, " <%s>", ref)
	}
}

// formatPseudoLoad prints 64-bit immediate loads whose immediate is not a
// plain number.
func (ins Instruction) formatPseudoLoad(f fmt.State) {
	m := ins.Map()
	switch ins.Src {
	case PseudoMapFD:
		if m != nil {
			fmt.Fprintf(f, "LoadMapPtr dst: %s map: %v", ins.Dst, m)
		} else {
			fmt.Fprintf(f, "LoadMapPtr dst: %s fd: %d", ins.Dst, ins.mapFd())
		}
	case PseudoMapValue:
		if m != nil {
			fmt.Fprintf(f, "LoadMapValue dst: %s, map: %v off: %d", ins.Dst, m, ins.mapOffset())
		} else {
			fmt.Fprintf(f, "LoadMapValue dst: %s, fd: %d off: %d", ins.Dst, ins.mapFd(), ins.mapOffset())
		}
	case pseudoMapIdx:
		fmt.Fprintf(f, "LoadMapPtr dst: %s idx: %d", ins.Dst, ins.mapFd())
	case pseudoMapIdxValue:
		fmt.Fprintf(f, "LoadMapValue dst: %s, idx: %d off: %d", ins.Dst, ins.mapFd(), ins.mapOffset())
	case pseudoBTFID:
		fmt.Fprintf(f, "LoadKernelSymbol dst: %s btf_id: %d", ins.Dst, int32(ins.Constant))
	default:
		fmt.Fprintf(f, "%v dst: %s src: %d imm: %d", ins.OpCode, ins.Dst, ins.Src, ins.Constant)
	}
}

func (ins Instruction) formatLoadStore(f fmt.State) {
	switch ins.OpCode.Mode() {
	case ImmMode:
		fmt.Fprintf(f, "dst: %s imm: %d", ins.Dst, ins.Constant)
	case AbsMode:
		fmt.Fprintf(f, "imm: %d", ins.Constant)
	case IndMode:
		fmt.Fprintf(f, "dst: %s src: %s imm: %d", ins.Dst, ins.Src, ins.Constant)
	case MemMode, MemSXMode:
		fmt.Fprintf(f, "dst: %s src: %s off: %d imm: %d", ins.Dst, ins.Src, ins.Offset, ins.Constant)
	case XAddMode:
		fmt.Fprintf(f, "dst: %s src: %s", ins.Dst, ins.Src)
		if ins.Offset != 0 {
			fmt.Fprintf(f, " off: %d", ins.Offset)
		}
		if ins.Constant != 0 {
			fmt.Fprintf(f, " atomic: %v", atomicOp(ins.Constant))
		}
	default:
		fmt.Fprintf(f, "dst: %s src: %s off: %d imm: %d", ins.Dst, ins.Src, ins.Offset, ins.Constant)
	}
}

func (ins Instruction) formatALU(f fmt.State) {
	op := ins.OpCode
	if op.ALUOp() == Swap {
		// The width is part of the name of unconditional swaps (BSwap16);
		// conversions print like the reference, without it.
		if op.Class() == ALU64Class {
			fmt.Fprintf(f, "%v%d dst: %s ", op, ins.Constant, ins.Dst)
		} else {
			fmt.Fprintf(f, "%v dst: %s ", op, ins.Dst)
		}
		return
	}
	fmt.Fprintf(f, "%v dst: %s ", op, ins.Dst)
	if op.Source() == ImmSource {
		fmt.Fprintf(f, "imm: %d", ins.Constant)
	} else {
		fmt.Fprintf(f, "src: %s", ins.Src)
	}
	if ins.Offset != 0 {
		fmt.Fprintf(f, " off: %d", ins.Offset)
	}
}

func (ins Instruction) formatJump(f fmt.State) {
	op := ins.OpCode
	switch jop := op.JumpOp(); {
	case jop == Call:
		switch ins.Src {
		case PseudoCall:
			// bpf-to-bpf call: the relative offset of the callee.
			fmt.Fprint(f, ins.Constant)
		case PseudoKfuncCall:
			fmt.Fprintf(f, "Kfunc(%d)", ins.Constant)
			if ins.Offset != 0 {
				fmt.Fprintf(f, " btf_fd_idx: %d", ins.Offset)
			}
		default:
			fmt.Fprint(f, BuiltinFunc(ins.Constant))
		}
	case jop == Ja && op.Class() == Jump32Class:
		fmt.Fprintf(f, "imm: %d", ins.Constant)
	case jop == Ja, jop == jCond:
		fmt.Fprintf(f, "off: %d", ins.Offset)
	default:
		fmt.Fprintf(f, "dst: %s off: %d ", ins.Dst, ins.Offset)
		if op.Source() == ImmSource {
			fmt.Fprintf(f, "imm: %d", ins.Constant)
		} else {
			fmt.Fprintf(f, "src: %s", ins.Src)
		}
	}
}

// Format writes a disassembly of insns for the verbs s and v, one
// instruction per line preceded by its raw offset, with a label line for
// each symbol and a comment line for each source annotation.
//
// The precision sets how many tabs indent instructions (default 1), the
// width how many indent symbols (default one less than the precision), and
// the space flag indents with spaces instead of tabs: "%.0v", "% 2.3v".
// Other verbs print "{UNRECOGNIZED: c}".
func (insns Instructions) Format(f fmt.State, c rune) {
	if c != 's' && c != 'v' {
		fmt.Fprintf(f, "{UNRECOGNIZED: %c}", c)
		return
	}

	indentChar := "\t"
	if f.Flag(' ') {
		indentChar = " "
	}
	padding, ok := f.Precision()
	if !ok {
		padding = 1
	}
	symPadding, ok := f.Width()
	if !ok {
		symPadding = padding - 1
	}
	indent := strings.Repeat(indentChar, max(padding, 0))
	symIndent := strings.Repeat(indentChar, max(symPadding, 0))

	// Wide enough for the highest offset if every instruction took two
	// slots.
	offsetWidth := 1
	if len(insns) > 0 {
		offsetWidth = max(int(math.Ceil(math.Log10(float64(2*len(insns))))), 1)
	}

	iter := insns.Iterate()
	for iter.Next() {
		ins := iter.Ins
		if sym := ins.Symbol(); sym != "" {
			fmt.Fprintf(f, "%s%s:\n", symIndent, sym)
		}
		if src := ins.Source(); src != nil {
			if line := strings.TrimSpace(src.String()); line != "" {
				fmt.Fprintf(f, "%s%*s; %s\n", indent, offsetWidth, " ", line)
			}
		}
		fmt.Fprintf(f, "%s%*d: %v\n", indent, offsetWidth, iter.Offset, *ins)
	}
}
