package sys

import (
	"runtime"
	"unsafe"
)

// Info is implemented by the structs BPF_OBJ_GET_INFO_BY_FD can fill in:
// *MapInfo, *ProgInfo and *BtfInfo.
type Info interface {
	info() (unsafe.Pointer, uint32)
}

// ObjInfo asks the kernel to fill info about the object behind fd. Pointer
// fields set by the caller (with their counts or lengths) receive the
// variable-sized parts, such as map IDs or instructions.
//
// Kernels older than the struct leave the fields they don't know zero;
// newer kernels truncate. It returns the kernel's errno, EINVAL if info does
// not match the object's kind.
func ObjInfo(fd *FD, info Info) error {
	ptr, size := info.info()
	attr := ObjGetInfoByFdAttr{
		BpfFd:   fd.Uint(),
		InfoLen: size,
		Info:    NewPointer(ptr),
	}
	err := ObjGetInfoByFd(&attr)
	runtime.KeepAlive(fd)
	return err
}

// MapInfo mirrors struct bpf_map_info.
type MapInfo struct {
	Type                  MapType
	Id                    uint32
	KeySize               uint32
	ValueSize             uint32
	MaxEntries            uint32
	MapFlags              MapFlags
	Name                  ObjName
	Ifindex               uint32
	BtfVmlinuxValueTypeId TypeID
	NetnsDev              uint64
	NetnsIno              uint64
	BtfId                 BTFID
	BtfKeyTypeId          TypeID
	BtfValueTypeId        TypeID
	_                     [4]byte
	MapExtra              uint64
}

func (mi *MapInfo) info() (unsafe.Pointer, uint32) {
	return unsafe.Pointer(mi), uint32(unsafe.Sizeof(*mi))
}

// ProgInfo mirrors struct bpf_prog_info. The Pointer fields are inputs: set
// them, together with the matching length or count, to receive the data.
type ProgInfo struct {
	Type            ProgType
	Id              uint32
	Tag             [8]byte
	JitedProgLen    uint32
	XlatedProgLen   uint32
	JitedProgInsns  Pointer
	XlatedProgInsns Pointer
	LoadTime        uint64
	CreatedByUid    uint32
	NrMapIds        uint32
	MapIds          Pointer
	Name            ObjName
	Ifindex         uint32
	// GplCompatible is the 32-bit word holding the gpl_compatible:1
	// bitfield; read it with IsGplCompatible.
	GplCompatible        uint32
	NetnsDev             uint64
	NetnsIno             uint64
	NrJitedKsyms         uint32
	NrJitedFuncLens      uint32
	JitedKsyms           Pointer
	JitedFuncLens        Pointer
	BtfId                BTFID
	FuncInfoRecSize      uint32
	FuncInfo             Pointer
	NrFuncInfo           uint32
	NrLineInfo           uint32
	LineInfo             Pointer
	JitedLineInfo        Pointer
	NrJitedLineInfo      uint32
	LineInfoRecSize      uint32
	JitedLineInfoRecSize uint32
	NrProgTags           uint32
	ProgTags             Pointer
	RunTimeNs            uint64
	RunCnt               uint64
	RecursionMisses      uint64
	VerifiedInsns        uint32
	AttachBtfObjId       BTFID
	AttachBtfId          TypeID
	_                    [4]byte
}

func (pi *ProgInfo) info() (unsafe.Pointer, uint32) {
	return unsafe.Pointer(pi), uint32(unsafe.Sizeof(*pi))
}

// IsGplCompatible reports the gpl_compatible bitfield. C compilers allocate
// the first bitfield of a word at the lowest bit on little-endian targets and
// at the highest bit on big-endian ones.
func (pi *ProgInfo) IsGplCompatible() bool {
	if hostIsBigEndian() {
		return pi.GplCompatible&(1<<31) != 0
	}
	return pi.GplCompatible&1 != 0
}

// BtfInfo mirrors struct bpf_btf_info. Set Btf/BtfSize and Name/NameLen to
// receive the raw BTF and the object's name.
type BtfInfo struct {
	Btf       Pointer
	BtfSize   uint32
	Id        BTFID
	Name      Pointer
	NameLen   uint32
	KernelBtf uint32
}

func (bi *BtfInfo) info() (unsafe.Pointer, uint32) {
	return unsafe.Pointer(bi), uint32(unsafe.Sizeof(*bi))
}

func hostIsBigEndian() bool {
	word := uint16(1)
	return (*[2]byte)(unsafe.Pointer(&word))[0] == 0
}
