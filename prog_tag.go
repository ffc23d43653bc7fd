package ebpf

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"sync"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/kallsyms"
	"github.com/bpfcore/ebpf/internal/sys"
)

// Tag returns the tag the running kernel will give the program: the first 8
// bytes, hex-encoded, of a digest of its instructions in native byte order
// with the immediates of map loads zeroed. References are not resolved
// first, so the tag matches for programs without bpf-to-bpf calls or with
// calls already resolved.
//
// Kernels up to 6.17 use SHA-1, kernels from 6.18 on SHA-256 (see
// asm.Instructions.Tag for the SHA-1 form). Which one the running kernel
// uses is found out once by loading a two-instruction program and
// comparing its tag; without the privileges for that, the kernel version
// decides.
//
// It returns an error if an instruction can't be encoded.
func (ps *ProgramSpec) Tag() (string, error) {
	newHash, err := kernelTagHash()
	if err != nil {
		return "", err
	}
	return instructionsTag(ps.Instructions, internal.NativeEndian, newHash())
}

// KernelModule returns the name of the kernel module that contains the
// function the program attaches to, or "" if it is part of vmlinux. Only
// kprobes and fentry/fexit programs attach to functions; other programs,
// and programs without AttachTo, give "". Answers come from /proc/kallsyms
// and are cached until btf.FlushKernelSpec.
//
// It returns an error if /proc/kallsyms can't be read.
func (ps *ProgramSpec) KernelModule() (string, error) {
	if ps.AttachTo == "" {
		return "", nil
	}

	switch ps.Type {
	case Kprobe:
	case Tracing:
		if ps.AttachType != AttachTraceFEntry && ps.AttachType != AttachTraceFExit {
			return "", nil
		}
	default:
		return "", nil
	}
	return kallsyms.KernelModule(ps.AttachTo)
}

// instructionsTag hashes insns as the kernel's bpf_prog_calc_tag does, with
// the digest h.
func instructionsTag(insns asm.Instructions, bo binary.ByteOrder, h hash.Hash) (string, error) {
	var buf bytes.Buffer
	buf.Grow(int(insns.Size()))
	for i := range insns {
		ins := insns[i]
		if ins.IsLoadFromMap() {
			// The kernel hashes map loads without their fd and offset,
			// which differ from one load to the next.
			ins.Constant = 0
		}
		if _, err := ins.Marshal(&buf, bo); err != nil {
			return "", fmt.Errorf("tag: instruction %d: %w", i, err)
		}
	}

	h.Write(buf.Bytes())
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:tagSize]), nil
}

// tagSize is the length of a program tag in bytes (BPF_TAG_SIZE).
const tagSize = 8

// tagHashes are the digests kernels have used for program tags, oldest
// first.
var tagHashes = []struct {
	name string
	new  func() hash.Hash
	// since is the first kernel that used the digest.
	since internal.Version
}{
	{"SHA-1", sha1.New, internal.Version{}},
	{"SHA-256", sha256.New, internal.Version{6, 18, 0}},
}

// kernelTag remembers the digest the running kernel hashes tags with, once
// a probe found out.
var kernelTag struct {
	sync.Mutex
	newHash func() hash.Hash
}

// kernelTagHash returns the digest the running kernel uses for program
// tags. The answer of a probe is cached; if the probe can't load a program,
// the kernel version decides and the probe is tried again next time.
func kernelTagHash() (func() hash.Hash, error) {
	kernelTag.Lock()
	defer kernelTag.Unlock()

	if kernelTag.newHash != nil {
		return kernelTag.newHash, nil
	}

	newHash, err := probeTagHash()
	if err == nil {
		kernelTag.newHash = newHash
		return newHash, nil
	}

	kernel, verr := internal.KernelVersion()
	if verr != nil {
		return nil, fmt.Errorf("program tag digest: %w (kernel version: %w)", err, verr)
	}
	newHash = tagHashes[0].new
	for _, th := range tagHashes {
		if !kernel.Less(th.since) {
			newHash = th.new
		}
	}
	return newHash, nil
}

// probeTagHash loads a minimal program and returns the digest whose tag
// equals the kernel's.
func probeTagHash() (func() hash.Hash, error) {
	insns := asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()}
	fd, err := probeProgram(sys.BPF_PROG_TYPE_SOCKET_FILTER, insns)
	if err != nil {
		return nil, fmt.Errorf("load program: %w", err)
	}
	defer fd.Close()

	var info sys.ProgInfo
	if err := sys.ObjInfo(fd, &info); err != nil {
		return nil, fmt.Errorf("program info: %w", err)
	}
	kernelTag := hex.EncodeToString(info.Tag[:])

	for _, th := range tagHashes {
		tag, err := instructionsTag(insns, internal.NativeEndian, th.new())
		if err != nil {
			return nil, err
		}
		if tag == kernelTag {
			return th.new, nil
		}
	}
	return nil, fmt.Errorf("kernel tag %s is neither a SHA-1 nor a SHA-256 tag", kernelTag)
}
