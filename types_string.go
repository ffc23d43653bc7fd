// The names of the enumerations in types.go, indexed by value, as the
// kernel UAPI numbers them.

package ebpf

import "strconv"

var mapTypeNames = [...]string{
	"UnspecifiedMap",
	"Hash",
	"Array",
	"ProgramArray",
	"PerfEventArray",
	"PerCPUHash",
	"PerCPUArray",
	"StackTrace",
	"CGroupArray",
	"LRUHash",
	"LRUCPUHash",
	"LPMTrie",
	"ArrayOfMaps",
	"HashOfMaps",
	"DevMap",
	"SockMap",
	"CPUMap",
	"XSKMap",
	"SockHash",
	"CGroupStorage",
	"ReusePortSockArray",
	"PerCPUCGroupStorage",
	"Queue",
	"Stack",
	"SkStorage",
	"DevMapHash",
	"StructOpsMap",
	"RingBuf",
	"InodeStorage",
	"TaskStorage",
}
var programTypeNames = [...]string{
	"UnspecifiedProgram",
	"SocketFilter",
	"Kprobe",
	"SchedCLS",
	"SchedACT",
	"TracePoint",
	"XDP",
	"PerfEvent",
	"CGroupSKB",
	"CGroupSock",
	"LWTIn",
	"LWTOut",
	"LWTXmit",
	"SockOps",
	"SkSKB",
	"CGroupDevice",
	"SkMsg",
	"RawTracepoint",
	"CGroupSockAddr",
	"LWTSeg6Local",
	"LircMode2",
	"SkReuseport",
	"FlowDissector",
	"CGroupSysctl",
	"RawTracepointWritable",
	"CGroupSockopt",
	"Tracing",
	"StructOps",
	"Extension",
	"LSM",
	"SkLookup",
	"Syscall",
	"Netfilter",
}
var attachTypeNames = [...]string{
	"None",
	"CGroupInetEgress",
	"CGroupInetSockCreate",
	"CGroupSockOps",
	"SkSKBStreamParser",
	"SkSKBStreamVerdict",
	"CGroupDevice",
	"SkMsgVerdict",
	"CGroupInet4Bind",
	"CGroupInet6Bind",
	"CGroupInet4Connect",
	"CGroupInet6Connect",
	"CGroupInet4PostBind",
	"CGroupInet6PostBind",
	"CGroupUDP4Sendmsg",
	"CGroupUDP6Sendmsg",
	"LircMode2",
	"FlowDissector",
	"CGroupSysctl",
	"CGroupUDP4Recvmsg",
	"CGroupUDP6Recvmsg",
	"CGroupGetsockopt",
	"CGroupSetsockopt",
	"TraceRawTp",
	"TraceFEntry",
	"TraceFExit",
	"ModifyReturn",
	"LSMMac",
	"TraceIter",
	"CgroupInet4GetPeername",
	"CgroupInet6GetPeername",
	"CgroupInet4GetSockname",
	"CgroupInet6GetSockname",
	"XDPDevMap",
	"CgroupInetSockRelease",
	"XDPCPUMap",
	"SkLookup",
	"XDP",
	"SkSKBVerdict",
	"SkReuseportSelect",
	"SkReuseportSelectOrMigrate",
	"PerfEvent",
	"TraceKprobeMulti",
	"LSMCgroup",
	"StructOps",
	"Netfilter",
	"TCXIngress",
	"TCXEgress",
	"TraceUprobeMulti",
	"CgroupUnixConnect",
	"CgroupUnixSendmsg",
	"CgroupUnixRecvmsg",
	"CgroupUnixGetpeername",
	"CgroupUnixGetsockname",
	"NetkitPrimary",
	"NetkitPeer",
}

// String returns the Go name of the map type, or MapType(N) for an unknown value.
func (i MapType) String() string {
	if int(i) < len(mapTypeNames) {
		return mapTypeNames[i]
	}
	return "MapType(" + strconv.FormatUint(uint64(i), 10) + ")"
}

// String returns the Go name of the program type, or ProgramType(N) for an
// unknown value.
func (i ProgramType) String() string {
	if int(i) < len(programTypeNames) {
		return programTypeNames[i]
	}
	return "ProgramType(" + strconv.FormatUint(uint64(i), 10) + ")"
}

// String returns the name of the attach type without its Attach prefix
// ("None" for zero), or AttachType(N) for an unknown value.
func (i AttachType) String() string {
	if int(i) < len(attachTypeNames) {
		return attachTypeNames[i]
	}
	return "AttachType(" + strconv.FormatUint(uint64(i), 10) + ")"
}

// String returns the Go name of the pin type, or PinType(N) for an unknown value.
func (i PinType) String() string {
	switch i {
	case PinNone:
		return "PinNone"
	case PinByName:
		return "PinByName"
	}
	return "PinType(" + strconv.FormatUint(uint64(i), 10) + ")"
}
