package ebpf

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal/sys"
)

// programBTF is the BTF loaded with a program (LOADER.md §5.7-8): the local
// types that CO-RE relocations refer to by ID, and the functions and source
// lines of its func and line info.
type programBTF struct {
	handle *btf.Handle
	// onlyExtInfos is true if the BTF exists only to carry func and line
	// info, so the program loads without it.
	onlyExtInfos bool
	funcInfos    []byte
	lineInfos    []byte
}

// newProgramBTF encodes the func and line info of insns into b, which
// already holds the types CO-RE relocations needed, and loads b into the
// kernel if it is not empty.
//
// Func and line info are debugging aids: on kernels without them (before
// 5.0), or if the kernel rejects the BTF that only they need, they are
// dropped. It returns an error if CO-RE relocations need BTF the kernel
// doesn't take.
func newProgramBTF(insns asm.Instructions, b *btf.Builder) (*programBTF, error) {
	pb := &programBTF{onlyExtInfos: b.Empty()}

	extInfosErr := haveProgramExtInfos()
	if !pb.onlyExtInfos && errors.Is(extInfosErr, ErrNotSupported) {
		// A CO-RE relocation needs a stable local type ID, which only
		// program BTF provides.
		return nil, extInfosErr
	}

	if extInfosErr == nil {
		var err error
		pb.funcInfos, pb.lineInfos, err = btf.MarshalExtInfos(insns, b)
		if err != nil {
			return nil, fmt.Errorf("marshal ext_infos: %w", err)
		}
	}

	if b.Empty() {
		return pb, nil
	}

	handle, err := btf.NewHandle(b)
	if err != nil {
		if pb.onlyExtInfos {
			pb.dropExtInfos()
			return pb, nil
		}
		return nil, fmt.Errorf("load BTF: %w", err)
	}
	pb.handle = handle
	return pb, nil
}

// attach passes the BTF and the ext infos to the kernel.
func (pb *programBTF) attach(attr *sys.ProgLoadAttr) {
	attr.ProgBtfFd = 0
	if pb.handle != nil {
		attr.ProgBtfFd = uint32(pb.handle.FD())
	}

	attr.FuncInfoRecSize, attr.FuncInfoCnt, attr.FuncInfo = 0, 0, sys.Pointer{}
	if len(pb.funcInfos) > 0 {
		attr.FuncInfoRecSize = btf.FuncInfoSize
		attr.FuncInfoCnt = uint32(len(pb.funcInfos)) / btf.FuncInfoSize
		attr.FuncInfo = sys.NewSlicePointer(pb.funcInfos)
	}

	attr.LineInfoRecSize, attr.LineInfoCnt, attr.LineInfo = 0, 0, sys.Pointer{}
	if len(pb.lineInfos) > 0 {
		attr.LineInfoRecSize = btf.LineInfoSize
		attr.LineInfoCnt = uint32(len(pb.lineInfos)) / btf.LineInfoSize
		attr.LineInfo = sys.NewSlicePointer(pb.lineInfos)
	}
}

// hasExtInfos reports whether func or line info will be passed.
func (pb *programBTF) hasExtInfos() bool {
	return len(pb.funcInfos) > 0 || len(pb.lineInfos) > 0
}

// dropExtInfos forgets func and line info, and the BTF if only they needed
// it.
func (pb *programBTF) dropExtInfos() {
	pb.funcInfos, pb.lineInfos = nil, nil
	if pb.onlyExtInfos {
		_ = pb.handle.Close()
		pb.handle = nil
	}
}

// close releases the BTF; safe on nil.
func (pb *programBTF) close() {
	if pb != nil {
		_ = pb.handle.Close()
	}
}

// rejectsExtInfos reports whether err is the kernel refusing the func or
// line info rather than the program, as it does when they don't match the
// layout of the program's functions (for example line info from comments
// added with asm.Instruction.WithSource that miss a function's first
// instruction).
func rejectsExtInfos(err error) bool {
	var ve *VerifierError
	if !errors.As(err, &ve) {
		return false
	}
	for _, line := range ve.Log {
		if strings.Contains(line, "func_info") || strings.Contains(line, "line_info") ||
			strings.Contains(line, "func info") {
			return true
		}
	}
	return false
}

// Handle returns the BTF that the program was loaded with. The caller must
// close it.
//
// It returns an error wrapping ErrNotSupported if the program has no BTF,
// and an error if the kernel can't describe the program or open its BTF.
func (p *Program) Handle() (*btf.Handle, error) {
	info, err := p.Info()
	if err != nil {
		return nil, err
	}

	id, ok := info.BTFID()
	if !ok {
		return nil, fmt.Errorf("program %s: retrieve BTF ID: %w", p, ErrNotSupported)
	}
	return btf.NewHandleFromID(id)
}
