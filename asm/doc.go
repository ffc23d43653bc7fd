// Package asm is an assembler and disassembler for eBPF instructions.
package asm
