package ebpf

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// The probes in this file decide how programs are loaded on older kernels
// (LOADER.md §7). Each runs once, on first use, and caches a definite
// answer; an inconclusive probe is retried on the next call. Only the
// kernel's EINVAL for something as simple as a probe means "unsupported":
// EPERM, ENOMEM and the like say nothing about the feature and must not
// switch it off for the rest of the process.

// haveObjName reports whether the kernel accepts names for programs and maps
// (4.15). Without them, names are not sent and LoadPinnedProgram names a
// program after its pin.
var haveObjName = internal.NewFeatureTest("object names", "4.15", probeObjName)

func probeObjName() error {
	return probeMapName("feature_test")
}

// objNameAllowsDot reports whether object names may contain dots (5.2), which
// SanitizeName removes only on kernels that refuse them.
var objNameAllowsDot = internal.NewFeatureTest("dot in object names", "5.2", probeObjNameDot)

func probeObjNameDot() error {
	if err := haveObjName(); err != nil {
		return err
	}
	return probeMapName(".test")
}

// probeMapName creates a one-element array map called name. The map is as
// simple as maps get, so EINVAL means the kernel refuses the name (or names
// at all: older kernels reject the unknown attribute field).
func probeMapName(name string) error {
	return probeMapCreate(&sys.MapCreateAttr{
		MapType:    sys.BPF_MAP_TYPE_ARRAY,
		KeySize:    4,
		ValueSize:  4,
		MaxEntries: 1,
		MapName:    sys.NewObjName(name),
	})
}

// haveProbeReadKernel reports whether the bpf_probe_read_kernel helper exists
// (5.5); without it, calls are rewritten to bpf_probe_read.
var haveProbeReadKernel = internal.NewFeatureTest("bpf_probe_read_kernel", "5.5", probeProbeReadKernel)

func probeProbeReadKernel() error {
	insns := asm.Instructions{
		asm.Mov.Reg(asm.R1, asm.R10),
		asm.Add.Imm(asm.R1, -8),
		asm.Mov.Imm(asm.R2, 8),
		asm.Mov.Imm(asm.R3, 0),
		asm.FnProbeReadKernel.Call(),
		asm.Return(),
	}
	// The verifier rejects calls to unknown helpers with EINVAL.
	return probeProgramLoad(sys.BPF_PROG_TYPE_KPROBE, insns)
}

// haveBPFToBPFCalls reports whether programs may call their own functions
// (4.16).
var haveBPFToBPFCalls = internal.NewFeatureTest("bpf2bpf calls", "4.16", probeBPFToBPFCalls)

func probeBPFToBPFCalls() error {
	insns := asm.Instructions{
		asm.Call.Label("fn"),
		asm.Return(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("fn"),
		asm.Return(),
	}
	// Older verifiers reject the pseudo call with EINVAL.
	return probeProgramLoad(sys.BPF_PROG_TYPE_SOCKET_FILTER, insns)
}

// haveProgramExtInfos reports whether the kernel takes func and line info
// with a program (5.0). The probe passes a func info with a bad BTF fd:
// kernels that know the fields reject the fd (EBADF), older ones the size
// of the attribute (E2BIG).
var haveProgramExtInfos = internal.NewFeatureTest("program ext_infos", "5.0", func() error {
	insns, err := marshalProbe(asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()})
	if err != nil {
		return err
	}
	var funcInfo [8]byte
	fd, err := sys.ProgLoad(&sys.ProgLoadAttr{
		ProgType:        sys.BPF_PROG_TYPE_SOCKET_FILTER,
		License:         sys.NewStringPointer("MIT"),
		Insns:           sys.NewSlicePointer(insns),
		InsnCnt:         uint32(len(insns) / asm.InstructionSize),
		ProgBtfFd:       ^uint32(0),
		FuncInfoRecSize: uint32(len(funcInfo)),
		FuncInfo:        sys.NewPointer(unsafe.Pointer(&funcInfo)),
		FuncInfoCnt:     1,
	})
	if err == nil {
		_ = fd.Close()
		return errors.New("program with a bad BTF fd loaded")
	}
	switch {
	case errors.Is(err, unix.EBADF):
		return nil
	case errors.Is(err, unix.E2BIG):
		return internal.ErrNotSupported
	}
	return err
})

// haveProgRun reports whether BPF_PROG_RUN can run a socket filter (4.12).
var haveProgRun = internal.NewFeatureTest("BPF_PROG_RUN", "4.12", func() error {
	fd, err := probeProgram(sys.BPF_PROG_TYPE_SOCKET_FILTER,
		asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()})
	if err != nil {
		// The program is as simple as they get: failing to load it says
		// nothing about BPF_PROG_RUN.
		return err
	}
	defer fd.Close()

	in := internal.EmptyBPFContext
	err = sys.ProgRun(&sys.ProgRunAttr{
		ProgFd:     fd.Uint(),
		DataSizeIn: uint32(len(in)),
		DataIn:     sys.NewSlicePointer(in),
	})
	switch {
	case errors.Is(err, unix.EINVAL):
		// Kernels without the command reject its attribute.
		return internal.ErrNotSupported
	case errors.Is(err, unix.EINTR), errors.Is(err, sys.ENOTSUPP):
		// The command exists: it was interrupted, or the program type
		// can't be run.
		return nil
	}
	return err
})

// haveProgramInfoMapIDs reports whether program info lists the maps a
// program uses (4.15).
var haveProgramInfoMapIDs = internal.NewFeatureTest("map IDs in program info", "4.15", func() error {
	fd, err := probeProgram(sys.BPF_PROG_TYPE_SOCKET_FILTER,
		asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()})
	if err != nil {
		return err
	}
	defer fd.Close()

	var id uint32
	err = sys.ObjInfo(fd, &sys.ProgInfo{
		NrMapIds: 1,
		MapIds:   sys.NewPointer(unsafe.Pointer(&id)),
	})
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.E2BIG) {
		return internal.ErrNotSupported
	}
	return err
})

// probeProgramLoad loads insns as a program of type typ and closes it again.
// It returns ErrNotSupported if the kernel refuses the program as invalid
// (EINVAL), and the kernel's error otherwise: a probe program is valid on
// every kernel with the feature, so nothing else means "unsupported".
func probeProgramLoad(typ sys.ProgType, insns asm.Instructions) error {
	fd, err := probeProgram(typ, insns)
	if errors.Is(err, unix.EINVAL) {
		return internal.ErrNotSupported
	}
	if err != nil {
		return err
	}
	return fd.Close()
}

// probeProgram loads insns as a program of type typ without a log.
func probeProgram(typ sys.ProgType, insns asm.Instructions) (*sys.FD, error) {
	raw, err := marshalProbe(insns)
	if err != nil {
		return nil, err
	}
	return sys.ProgLoad(&sys.ProgLoadAttr{
		ProgType: typ,
		License:  sys.NewStringPointer("GPL"),
		Insns:    sys.NewSlicePointer(raw),
		InsnCnt:  uint32(len(raw) / asm.InstructionSize),
	})
}

// marshalProbe encodes the instructions of a probe in native byte order.
func marshalProbe(insns asm.Instructions) ([]byte, error) {
	buf := make([]byte, 0, insns.Size())
	w := appendWriter{&buf}
	if err := insns.Marshal(w, internal.NativeEndian); err != nil {
		return nil, err
	}
	return buf, nil
}

// appendWriter is an io.Writer that appends to a byte slice.
type appendWriter struct{ buf *[]byte }

func (w appendWriter) Write(p []byte) (int, error) {
	*w.buf = append(*w.buf, p...)
	return len(p), nil
}
