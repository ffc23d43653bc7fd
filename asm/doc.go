// Package asm is an assembler and disassembler for eBPF instructions.
//
// An Instruction is the decoded form of one eBPF instruction: the 16-byte
// load of a 64-bit immediate (LdImmDW) is a single Instruction, and the
// signed division, signed modulo and sign-extending move encodings of the
// version 4 instruction set are folded into OpCode as the "extended" ALU
// operations SDiv, SMod and MovSX8/16/32. Instructions carry Metadata next to
// them: the symbol an instruction defines, the symbol or map it references,
// its source line, and the map it has been associated with. Marshal resolves
// symbolic jump and call targets into offsets, so programs can be built and
// spliced with the DSL (Mov.Imm, JEq.Imm, LoadMapPtr, FnMapLookupElem.Call,
// Return, ...) without computing offsets by hand.
package asm
