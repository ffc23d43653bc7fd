package sys

import "unsafe"

// The attribute structs mirror the members of union bpf_attr in
// include/uapi/linux/bpf.h (Linux 6.1 layout, plus log_true_size from 6.4):
// one struct per command, fields in Go case, implicit C padding spelled out
// as blank fields so the layout is the same on 32-bit platforms. Each ends
// at the last field its command reads; the kernel zero-fills the rest.
// layout_test.go checks every offset against the C header.

// MapCreateAttr is the attribute of BPF_MAP_CREATE.
type MapCreateAttr struct {
	MapType               MapType
	KeySize               uint32
	ValueSize             uint32
	MaxEntries            uint32
	MapFlags              MapFlags
	InnerMapFd            uint32
	NumaNode              uint32
	MapName               ObjName
	MapIfindex            uint32
	BtfFd                 uint32
	BtfKeyTypeId          TypeID
	BtfValueTypeId        TypeID
	BtfVmlinuxValueTypeId TypeID
	MapExtra              uint64
}

// MapCreate creates a map and returns its FD, or the errno of the kernel.
func MapCreate(attr *MapCreateAttr) (*FD, error) {
	return bpfFD(BPF_MAP_CREATE, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapLookupElemAttr is the attribute of BPF_MAP_LOOKUP_ELEM.
type MapLookupElemAttr struct {
	MapFd uint32
	_     [4]byte
	Key   Pointer
	Value Pointer
	Flags uint64
}

// MapLookupElem copies the value of Key into Value. It returns an error
// wrapping ENOENT if the key does not exist.
func MapLookupElem(attr *MapLookupElemAttr) error {
	return bpfErr(BPF_MAP_LOOKUP_ELEM, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapUpdateElemAttr is the attribute of BPF_MAP_UPDATE_ELEM.
type MapUpdateElemAttr struct {
	MapFd uint32
	_     [4]byte
	Key   Pointer
	Value Pointer
	Flags uint64
}

// MapUpdateElem stores Value at Key according to Flags (BPF_ANY,
// BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK). It returns the kernel's errno.
func MapUpdateElem(attr *MapUpdateElemAttr) error {
	return bpfErr(BPF_MAP_UPDATE_ELEM, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapDeleteElemAttr is the attribute of BPF_MAP_DELETE_ELEM.
type MapDeleteElemAttr struct {
	MapFd uint32
	_     [4]byte
	Key   Pointer
}

// MapDeleteElem removes Key. It returns an error wrapping ENOENT if the key
// does not exist.
func MapDeleteElem(attr *MapDeleteElemAttr) error {
	return bpfErr(BPF_MAP_DELETE_ELEM, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapGetNextKeyAttr is the attribute of BPF_MAP_GET_NEXT_KEY.
type MapGetNextKeyAttr struct {
	MapFd   uint32
	_       [4]byte
	Key     Pointer
	NextKey Pointer
}

// MapGetNextKey writes the key following Key into NextKey; a NULL or
// missing Key yields the first key. It returns an error wrapping ENOENT
// after the last key.
func MapGetNextKey(attr *MapGetNextKeyAttr) error {
	return bpfErr(BPF_MAP_GET_NEXT_KEY, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapLookupAndDeleteElemAttr is the attribute of
// BPF_MAP_LOOKUP_AND_DELETE_ELEM.
type MapLookupAndDeleteElemAttr struct {
	MapFd uint32
	_     [4]byte
	Key   Pointer
	Value Pointer
	Flags uint64
}

// MapLookupAndDeleteElem copies the value of Key into Value and removes it
// (pops from queues and stacks). It returns an error wrapping ENOENT if there
// is nothing to remove.
func MapLookupAndDeleteElem(attr *MapLookupAndDeleteElemAttr) error {
	return bpfErr(BPF_MAP_LOOKUP_AND_DELETE_ELEM, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapFreezeAttr is the attribute of BPF_MAP_FREEZE.
type MapFreezeAttr struct {
	MapFd uint32
}

// MapFreeze makes the map read-only for user space. It returns the kernel's
// errno, EBUSY if the map is mapped writable.
func MapFreeze(attr *MapFreezeAttr) error {
	return bpfErr(BPF_MAP_FREEZE, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapLookupBatchAttr is the attribute of BPF_MAP_LOOKUP_BATCH.
type MapLookupBatchAttr struct {
	InBatch   Pointer
	OutBatch  Pointer
	Keys      Pointer
	Values    Pointer
	Count     uint32
	MapFd     uint32
	ElemFlags uint64
	Flags     uint64
}

// MapLookupBatch copies up to Count entries starting at InBatch and sets
// Count to the number copied. It returns an error wrapping ENOENT once the
// end of the map is reached (Count may still be non-zero then).
func MapLookupBatch(attr *MapLookupBatchAttr) error {
	return bpfErr(BPF_MAP_LOOKUP_BATCH, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapLookupAndDeleteBatchAttr is the attribute of
// BPF_MAP_LOOKUP_AND_DELETE_BATCH.
type MapLookupAndDeleteBatchAttr struct {
	InBatch   Pointer
	OutBatch  Pointer
	Keys      Pointer
	Values    Pointer
	Count     uint32
	MapFd     uint32
	ElemFlags uint64
	Flags     uint64
}

// MapLookupAndDeleteBatch is MapLookupBatch that also removes the entries
// it copied. It returns errors like MapLookupBatch.
func MapLookupAndDeleteBatch(attr *MapLookupAndDeleteBatchAttr) error {
	return bpfErr(BPF_MAP_LOOKUP_AND_DELETE_BATCH, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapUpdateBatchAttr is the attribute of BPF_MAP_UPDATE_BATCH.
type MapUpdateBatchAttr struct {
	InBatch   Pointer
	OutBatch  Pointer
	Keys      Pointer
	Values    Pointer
	Count     uint32
	MapFd     uint32
	ElemFlags uint64
	Flags     uint64
}

// MapUpdateBatch stores Count key/value pairs and sets Count to the number
// stored. It returns the errno of the first failing element.
func MapUpdateBatch(attr *MapUpdateBatchAttr) error {
	return bpfErr(BPF_MAP_UPDATE_BATCH, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapDeleteBatchAttr is the attribute of BPF_MAP_DELETE_BATCH.
type MapDeleteBatchAttr struct {
	InBatch   Pointer
	OutBatch  Pointer
	Keys      Pointer
	Values    Pointer
	Count     uint32
	MapFd     uint32
	ElemFlags uint64
	Flags     uint64
}

// MapDeleteBatch removes Count keys and sets Count to the number removed.
// It returns the errno of the first failing element.
func MapDeleteBatch(attr *MapDeleteBatchAttr) error {
	return bpfErr(BPF_MAP_DELETE_BATCH, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// ProgLoadAttr is the attribute of BPF_PROG_LOAD.
type ProgLoadAttr struct {
	ProgType           ProgType
	InsnCnt            uint32
	Insns              Pointer
	License            Pointer
	LogLevel           LogLevel
	LogSize            uint32
	LogBuf             Pointer
	KernVersion        uint32
	ProgFlags          uint32
	ProgName           ObjName
	ProgIfindex        uint32
	ExpectedAttachType AttachType
	ProgBtfFd          uint32
	FuncInfoRecSize    uint32
	FuncInfo           Pointer
	FuncInfoCnt        uint32
	LineInfoRecSize    uint32
	LineInfo           Pointer
	LineInfoCnt        uint32
	AttachBtfId        TypeID
	// AttachBtfObjFd shares its slot with attach_prog_fd: it is the fd of
	// the BTF object or of the program that AttachBtfId refers to.
	AttachBtfObjFd  uint32
	CoreReloCnt     uint32
	FdArray         Pointer
	CoreRelos       Pointer
	CoreReloRecSize uint32
	// LogTrueSize (Linux 6.4+) is set by the kernel to the log size the
	// verifier needed. Older kernels leave it zero.
	LogTrueSize uint32
}

// ProgLoad verifies and loads a program and returns its FD. The verifier's
// output goes to LogBuf. It returns the kernel's errno: EACCES or EINVAL
// when the verifier rejects the program, ENOSPC when the log did not fit.
func ProgLoad(attr *ProgLoadAttr) (*FD, error) {
	return bpfFD(BPF_PROG_LOAD, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// ObjPinAttr is the attribute of BPF_OBJ_PIN.
type ObjPinAttr struct {
	Pathname  Pointer
	BpfFd     uint32
	FileFlags uint32
}

// ObjPin pins the object BpfFd at Pathname on a bpf filesystem. It returns
// the kernel's errno, EEXIST if the path is taken.
func ObjPin(attr *ObjPinAttr) error {
	return bpfErr(BPF_OBJ_PIN, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// ObjGetAttr is the attribute of BPF_OBJ_GET.
type ObjGetAttr struct {
	Pathname  Pointer
	BpfFd     uint32
	FileFlags uint32
}

// ObjGet opens the object pinned at Pathname and returns its FD, or the
// kernel's errno (ENOENT if nothing is pinned there).
func ObjGet(attr *ObjGetAttr) (*FD, error) {
	return bpfFD(BPF_OBJ_GET, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// ProgRunAttr is the attribute of BPF_PROG_RUN (BPF_PROG_TEST_RUN).
type ProgRunAttr struct {
	ProgFd      uint32
	Retval      uint32
	DataSizeIn  uint32
	DataSizeOut uint32
	DataIn      Pointer
	DataOut     Pointer
	Repeat      uint32
	Duration    uint32
	CtxSizeIn   uint32
	CtxSizeOut  uint32
	CtxIn       Pointer
	CtxOut      Pointer
	Flags       uint32
	Cpu         uint32
	BatchSize   uint32
	_           [4]byte
}

// ProgRun runs a program Repeat times on DataIn/CtxIn and reports Retval,
// Duration and the output sizes. It returns the kernel's errno, ENOSPC if
// DataOut is too small.
func ProgRun(attr *ProgRunAttr) error {
	return bpfErr(BPF_PROG_RUN, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// ProgGetNextIdAttr is the attribute of BPF_PROG_GET_NEXT_ID.
type ProgGetNextIdAttr struct {
	StartId uint32
	NextId  uint32
}

// ProgGetNextId sets NextId to the first program ID above StartId. It
// returns an error wrapping ENOENT after the last one.
func ProgGetNextId(attr *ProgGetNextIdAttr) error {
	return bpfErr(BPF_PROG_GET_NEXT_ID, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapGetNextIdAttr is the attribute of BPF_MAP_GET_NEXT_ID.
type MapGetNextIdAttr struct {
	StartId uint32
	NextId  uint32
}

// MapGetNextId sets NextId to the first map ID above StartId. It returns an
// error wrapping ENOENT after the last one.
func MapGetNextId(attr *MapGetNextIdAttr) error {
	return bpfErr(BPF_MAP_GET_NEXT_ID, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// BtfGetNextIdAttr is the attribute of BPF_BTF_GET_NEXT_ID.
type BtfGetNextIdAttr struct {
	StartId BTFID
	NextId  BTFID
}

// BtfGetNextId sets NextId to the first BTF object ID above StartId. It
// returns an error wrapping ENOENT after the last one.
func BtfGetNextId(attr *BtfGetNextIdAttr) error {
	return bpfErr(BPF_BTF_GET_NEXT_ID, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// ProgGetFdByIdAttr is the attribute of BPF_PROG_GET_FD_BY_ID.
type ProgGetFdByIdAttr struct {
	ProgId uint32
}

// ProgGetFdById opens the program with ID ProgId and returns its FD. It
// returns an error wrapping ENOENT if no such program exists.
func ProgGetFdById(attr *ProgGetFdByIdAttr) (*FD, error) {
	return bpfFD(BPF_PROG_GET_FD_BY_ID, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// MapGetFdByIdAttr is the attribute of BPF_MAP_GET_FD_BY_ID.
type MapGetFdByIdAttr struct {
	MapId     uint32
	_         [4]byte
	OpenFlags uint32
}

// MapGetFdById opens the map with ID MapId and returns its FD. It returns an
// error wrapping ENOENT if no such map exists.
func MapGetFdById(attr *MapGetFdByIdAttr) (*FD, error) {
	return bpfFD(BPF_MAP_GET_FD_BY_ID, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// BtfGetFdByIdAttr is the attribute of BPF_BTF_GET_FD_BY_ID.
type BtfGetFdByIdAttr struct {
	BtfId BTFID
}

// BtfGetFdById opens the BTF object with ID BtfId and returns its FD. It
// returns an error wrapping ENOENT if no such object exists.
func BtfGetFdById(attr *BtfGetFdByIdAttr) (*FD, error) {
	return bpfFD(BPF_BTF_GET_FD_BY_ID, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// ObjGetInfoByFdAttr is the attribute of BPF_OBJ_GET_INFO_BY_FD. Prefer
// ObjInfo, which fills in the pointer and length from a typed info struct.
type ObjGetInfoByFdAttr struct {
	BpfFd   uint32
	InfoLen uint32
	Info    Pointer
}

// ObjGetInfoByFd copies up to InfoLen bytes of information about BpfFd into
// Info and sets InfoLen to the number written. It returns the kernel's errno.
func ObjGetInfoByFd(attr *ObjGetInfoByFdAttr) error {
	return bpfErr(BPF_OBJ_GET_INFO_BY_FD, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// BtfLoadAttr is the attribute of BPF_BTF_LOAD.
type BtfLoadAttr struct {
	Btf         Pointer
	BtfLogBuf   Pointer
	BtfSize     uint32
	BtfLogSize  uint32
	BtfLogLevel uint32
	// BtfLogTrueSize (Linux 6.4+) is set by the kernel to the log size
	// needed. Older kernels leave it zero.
	BtfLogTrueSize uint32
}

// BtfLoad loads a BTF blob and returns its FD, or the kernel's errno
// (EINVAL with the reason in BtfLogBuf).
func BtfLoad(attr *BtfLoadAttr) (*FD, error) {
	return bpfFD(BPF_BTF_LOAD, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// EnableStatsAttr is the attribute of BPF_ENABLE_STATS.
type EnableStatsAttr struct {
	Type uint32
}

// EnableStats turns on the statistics given by Type (BPF_STATS_RUN_TIME)
// until the returned FD is closed. It returns the kernel's errno.
func EnableStats(attr *EnableStatsAttr) (*FD, error) {
	return bpfFD(BPF_ENABLE_STATS, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// ProgBindMapAttr is the attribute of BPF_PROG_BIND_MAP.
type ProgBindMapAttr struct {
	ProgFd uint32
	MapFd  uint32
	Flags  uint32
}

// ProgBindMap ties the lifetime of MapFd to the program ProgFd even though
// the program does not reference it. It returns the kernel's errno.
func ProgBindMap(attr *ProgBindMapAttr) error {
	return bpfErr(BPF_PROG_BIND_MAP, unsafe.Pointer(attr), unsafe.Sizeof(*attr))
}

// bpfErr runs a command that returns nothing but an error.
func bpfErr(cmd Cmd, attr unsafe.Pointer, size uintptr) error {
	_, err := BPF(cmd, attr, size)
	return err
}

// bpfFD runs a command that returns a new descriptor and takes ownership of
// it.
func bpfFD(cmd Cmd, attr unsafe.Pointer, size uintptr) (*FD, error) {
	fd, err := BPF(cmd, attr, size)
	if err != nil {
		return nil, err
	}
	return NewFD(int(fd))
}
