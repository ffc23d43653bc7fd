package ebpf

// MapType is the type of a BPF map, as the kernel's enum bpf_map_type numbers it.
type MapType uint32

// Map types known by name. Kernel map types without a constant here (bloom
// filter, user ring buffer, cgroup storage) may still be used by number.
const (
	UnspecifiedMap MapType = iota
	Hash
	Array
	ProgramArray
	PerfEventArray
	PerCPUHash
	PerCPUArray
	StackTrace
	CGroupArray
	LRUHash
	LRUCPUHash
	LPMTrie
	ArrayOfMaps
	HashOfMaps
	DevMap
	SockMap
	CPUMap
	XSKMap
	SockHash
	CGroupStorage
	ReusePortSockArray
	PerCPUCGroupStorage
	Queue
	Stack
	SkStorage
	DevMapHash
	StructOpsMap
	RingBuf
	InodeStorage
	TaskStorage
)

// hasPerCPUValue reports whether a value of the map holds one slot per
// possible CPU.
func (mt MapType) hasPerCPUValue() bool {
	return mt == PerCPUHash || mt == PerCPUArray || mt == LRUCPUHash || mt == PerCPUCGroupStorage
}

// canStoreMapOrProgram reports whether the map's values are file descriptors
// of maps or programs.
func (mt MapType) canStoreMapOrProgram() bool {
	return mt.canStoreMap() || mt.canStoreProgram()
}

func (mt MapType) canStoreMap() bool {
	return mt == ArrayOfMaps || mt == HashOfMaps
}

func (mt MapType) canStoreProgram() bool {
	return mt == ProgramArray
}

// ProgramType is the type of a BPF program, as the kernel's enum
// bpf_prog_type numbers it.
type ProgramType uint32

// Program types.
const (
	UnspecifiedProgram    ProgramType = 0
	SocketFilter          ProgramType = 1
	Kprobe                ProgramType = 2
	SchedCLS              ProgramType = 3
	SchedACT              ProgramType = 4
	TracePoint            ProgramType = 5
	XDP                   ProgramType = 6
	PerfEvent             ProgramType = 7
	CGroupSKB             ProgramType = 8
	CGroupSock            ProgramType = 9
	LWTIn                 ProgramType = 10
	LWTOut                ProgramType = 11
	LWTXmit               ProgramType = 12
	SockOps               ProgramType = 13
	SkSKB                 ProgramType = 14
	CGroupDevice          ProgramType = 15
	SkMsg                 ProgramType = 16
	RawTracepoint         ProgramType = 17
	CGroupSockAddr        ProgramType = 18
	LWTSeg6Local          ProgramType = 19
	LircMode2             ProgramType = 20
	SkReuseport           ProgramType = 21
	FlowDissector         ProgramType = 22
	CGroupSysctl          ProgramType = 23
	RawTracepointWritable ProgramType = 24
	CGroupSockopt         ProgramType = 25
	Tracing               ProgramType = 26
	StructOps             ProgramType = 27
	Extension             ProgramType = 28
	LSM                   ProgramType = 29
	SkLookup              ProgramType = 30
	Syscall               ProgramType = 31
	Netfilter             ProgramType = 32
)

// AttachType tells the kernel where a program is going to be attached; it is
// the kernel's enum bpf_attach_type.
type AttachType uint32

// AttachNone is the attach type of programs that do not need one. Its value
// is also that of AttachCGroupInetIngress.
const AttachNone AttachType = 0

// Attach types.
const (
	AttachCGroupInetIngress          AttachType = 0
	AttachCGroupInetEgress           AttachType = 1
	AttachCGroupInetSockCreate       AttachType = 2
	AttachCGroupSockOps              AttachType = 3
	AttachSkSKBStreamParser          AttachType = 4
	AttachSkSKBStreamVerdict         AttachType = 5
	AttachCGroupDevice               AttachType = 6
	AttachSkMsgVerdict               AttachType = 7
	AttachCGroupInet4Bind            AttachType = 8
	AttachCGroupInet6Bind            AttachType = 9
	AttachCGroupInet4Connect         AttachType = 10
	AttachCGroupInet6Connect         AttachType = 11
	AttachCGroupInet4PostBind        AttachType = 12
	AttachCGroupInet6PostBind        AttachType = 13
	AttachCGroupUDP4Sendmsg          AttachType = 14
	AttachCGroupUDP6Sendmsg          AttachType = 15
	AttachLircMode2                  AttachType = 16
	AttachFlowDissector              AttachType = 17
	AttachCGroupSysctl               AttachType = 18
	AttachCGroupUDP4Recvmsg          AttachType = 19
	AttachCGroupUDP6Recvmsg          AttachType = 20
	AttachCGroupGetsockopt           AttachType = 21
	AttachCGroupSetsockopt           AttachType = 22
	AttachTraceRawTp                 AttachType = 23
	AttachTraceFEntry                AttachType = 24
	AttachTraceFExit                 AttachType = 25
	AttachModifyReturn               AttachType = 26
	AttachLSMMac                     AttachType = 27
	AttachTraceIter                  AttachType = 28
	AttachCgroupInet4GetPeername     AttachType = 29
	AttachCgroupInet6GetPeername     AttachType = 30
	AttachCgroupInet4GetSockname     AttachType = 31
	AttachCgroupInet6GetSockname     AttachType = 32
	AttachXDPDevMap                  AttachType = 33
	AttachCgroupInetSockRelease      AttachType = 34
	AttachXDPCPUMap                  AttachType = 35
	AttachSkLookup                   AttachType = 36
	AttachXDP                        AttachType = 37
	AttachSkSKBVerdict               AttachType = 38
	AttachSkReuseportSelect          AttachType = 39
	AttachSkReuseportSelectOrMigrate AttachType = 40
	AttachPerfEvent                  AttachType = 41
	AttachTraceKprobeMulti           AttachType = 42
	AttachLSMCgroup                  AttachType = 43
	AttachStructOps                  AttachType = 44
	AttachNetfilter                  AttachType = 45
	AttachTCXIngress                 AttachType = 46
	AttachTCXEgress                  AttachType = 47
	AttachTraceUprobeMulti           AttachType = 48
	AttachCgroupUnixConnect          AttachType = 49
	AttachCgroupUnixSendmsg          AttachType = 50
	AttachCgroupUnixRecvmsg          AttachType = 51
	AttachCgroupUnixGetpeername      AttachType = 52
	AttachCgroupUnixGetsockname      AttachType = 53
	AttachNetkitPrimary              AttachType = 54
	AttachNetkitPeer                 AttachType = 55
)

// AttachFlags are the flags of BPF_PROG_ATTACH.
type AttachFlags uint32

// PinType says how a map in a CollectionSpec is pinned.
type PinType uint32

// Pin types; they mirror libbpf's LIBBPF_PIN_*.
const (
	// PinNone does not pin the map.
	PinNone PinType = iota
	// PinByName pins the map under its name in CollectionOptions.Maps.PinPath,
	// reusing a compatible map that is already pinned there.
	PinByName
)

// MapLookupFlags are the flags of map lookups.
type MapLookupFlags uint64

// LookupLock takes the spin lock of the value while it is copied out
// (BPF_F_LOCK).
const LookupLock MapLookupFlags = 4

// MapUpdateFlags control the behaviour of map updates.
type MapUpdateFlags uint64

const (
	// UpdateAny creates a new element or updates an existing one.
	UpdateAny MapUpdateFlags = iota
	// UpdateNoExist creates a new element only; the update fails with
	// ErrKeyExist when the key is present.
	UpdateNoExist MapUpdateFlags = 1 << (iota - 1)
	// UpdateExist updates an existing element only; the update fails with
	// ErrKeyNotExist when the key is absent.
	UpdateExist
	// UpdateLock updates the value under its spin lock (BPF_F_LOCK).
	UpdateLock
)

// DefaultVerifierLogSize is the default size of the buffer that receives the
// verifier log when a program fails to load.
const DefaultVerifierLogSize = 64 * 1024
