package asm

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// corpusFiles returns the ELF objects to round-trip: the repository's own
// testdata (the root's and btf's) and, when present, the reference corpus
// next to the checkout.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{
		"../testdata/*.elf",
		"../btf/testdata/*.elf",
		"../../shared/corpus/reference/*.elf",
		"../../shared/corpus/reference/btf/*.elf",
	} {
		matches, err := filepath.Glob(pattern)
		qt.Assert(t, qt.IsNil(err))
		files = append(files, matches...)
	}
	if len(files) == 0 {
		t.Skip("no ELF objects found")
	}
	return files
}

// TestRoundTripELF decodes every executable section of every object and
// encodes it again, in the object's byte order and in the other one.
func TestRoundTripELF(t *testing.T) {
	forEachProgramSection(t, func(t *testing.T, _ string, sec *elf.Section, bo binary.ByteOrder) {
		raw, err := sec.Data()
		qt.Assert(t, qt.IsNil(err))
		roundTrip(t, sec.Name, raw, bo)
	})
}

// TestInstructionCountsMatchObjdump compares the number of instructions
// decoded from every executable section with what llvm-objdump disassembles,
// an independent decoder.
func TestInstructionCountsMatchObjdump(t *testing.T) {
	if testing.Short() {
		t.Skip("runs llvm-objdump once per object")
	}
	objdump := testutils.RequireTool(t, "llvm-objdump-19")

	counts := make(map[string]map[string]int)
	forEachProgramSection(t, func(t *testing.T, file string, sec *elf.Section, bo binary.ByteOrder) {
		if counts[file] == nil {
			counts[file] = objdumpCounts(t, objdump, file)
		}
		var insns Instructions
		qt.Assert(t, qt.IsNil(insns.Unmarshal(sec.Open(), bo)), qt.Commentf("section %s", sec.Name))
		qt.Assert(t, qt.Equals(len(insns), counts[file][sec.Name]), qt.Commentf("section %s: llvm-objdump count", sec.Name))
	})
}

// forEachProgramSection calls fn for every non-empty executable section of
// every object of corpusFiles, in a subtest per object.
func forEachProgramSection(t *testing.T, fn func(t *testing.T, file string, sec *elf.Section, bo binary.ByteOrder)) {
	for _, file := range corpusFiles(t) {
		name := strings.TrimPrefix(strings.TrimPrefix(file, "../../shared/corpus/"), "../")
		t.Run(name, func(t *testing.T) {
			f, err := elf.Open(file)
			qt.Assert(t, qt.IsNil(err))
			defer f.Close()

			sections := 0
			for _, sec := range f.Sections {
				if sec.Type != elf.SHT_PROGBITS || sec.Flags&elf.SHF_EXECINSTR == 0 || sec.Size == 0 {
					continue
				}
				sections++
				fn(t, file, sec, f.ByteOrder)
			}
			if sections == 0 {
				t.Log("no executable sections")
			}
		})
	}
}

func roundTrip(t *testing.T, name string, raw []byte, bo binary.ByteOrder) Instructions {
	t.Helper()
	var insns Instructions
	err := insns.Unmarshal(bytes.NewReader(raw), bo)
	qt.Assert(t, qt.IsNil(err), qt.Commentf("section %s", name))

	// One instruction per slot, except the 64-bit immediate load which
	// takes two.
	dwords := 0
	for _, ins := range insns {
		if ins.OpCode.IsDWordLoad() {
			dwords++
		}
	}
	qt.Assert(t, qt.Equals(len(insns), len(raw)/InstructionSize-dwords), qt.Commentf("section %s", name))
	qt.Assert(t, qt.Equals(insns.Size(), uint64(len(raw))), qt.Commentf("section %s", name))

	var buf bytes.Buffer
	qt.Assert(t, qt.IsNil(insns.Marshal(&buf, bo)), qt.Commentf("section %s", name))
	qt.Assert(t, qt.IsTrue(bytes.Equal(buf.Bytes(), raw)), qt.Commentf("section %s: re-encoded bytes differ", name))

	// Through the other byte order and back.
	other := binary.ByteOrder(binary.BigEndian)
	if bo == binary.BigEndian {
		other = binary.LittleEndian
	}
	buf.Reset()
	qt.Assert(t, qt.IsNil(insns.Marshal(&buf, other)))
	var swapped Instructions
	qt.Assert(t, qt.IsNil(swapped.Unmarshal(bytes.NewReader(buf.Bytes()), other)))
	qt.Assert(t, qt.HasLen(swapped, len(insns)))
	for i := range insns {
		qt.Assert(t, qt.IsTrue(swapped[i].equal(insns[i])), qt.Commentf("section %s: instruction %d", name, i))
	}

	// Every instruction prints something.
	for _, line := range strings.Split(strings.TrimSpace(insns.String()), "\n") {
		qt.Assert(t, qt.Not(qt.Matches(line, `.*(UNRECOGNIZED|INVALID).*`)))
	}
	return insns
}

var objdumpInstruction = regexp.MustCompile(`^\s+\d+:\t`)

// objdumpCounts returns how many instructions llvm-objdump prints per
// section; it prints a 64-bit immediate load on a single line.
func objdumpCounts(t *testing.T, objdump, file string) map[string]int {
	t.Helper()
	out, err := exec.Command(objdump, "-d", file).Output()
	qt.Assert(t, qt.IsNil(err))
	counts := make(map[string]int)
	section := ""
	scanner := bufio.NewScanner(bytes.NewReader(out))
	for scanner.Scan() {
		line := scanner.Text()
		if name, ok := strings.CutPrefix(line, "Disassembly of section "); ok {
			section = strings.TrimSuffix(name, ":")
			continue
		}
		if objdumpInstruction.MatchString(line) {
			counts[section]++
		}
	}
	return counts
}
