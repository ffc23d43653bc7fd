package ebpf

import "strings"

// Program flags derived from section names (prog_flags of BPF_PROG_LOAD).
const (
	progFlagSleepable   = 0x10 // BPF_F_SLEEPABLE
	progFlagXDPHasFrags = 0x20 // BPF_F_XDP_HAS_FRAGS
)

// sectionFlag modifies how a matching section definition is turned into a
// program type, attach type, flags and attach target.
type sectionFlag uint8

const (
	// secSleepable sets BPF_F_SLEEPABLE.
	secSleepable sectionFlag = 1 << iota
	// secXDPFrags sets BPF_F_XDP_HAS_FRAGS.
	secXDPFrags
	// secOptionalAttach marks libbpf's optional expected attach type: for
	// XDP the attach type becomes AttachNone, so that objects load on
	// kernels that predate the attach type.
	secOptionalAttach
	// secNoAttachTo discards the text after the first '/'.
	secNoAttachTo
)

// sectionDef maps a section name pattern to what programs in such a section
// are. Patterns take three forms, see matchSectionName.
type sectionDef struct {
	pattern    string
	progType   ProgramType
	attachType AttachType
	flags      sectionFlag
}

// sectionDefs is searched in order and the first match wins, so more
// specific patterns come before the prefixes that would also match them.
// The first rows are compatibility entries of this library that must precede
// libbpf's "xdp" prefix; the rest follow libbpf's table.
var sectionDefs = []sectionDef{
	{"xdp.frags/", XDP, AttachXDP, secXDPFrags | secNoAttachTo},
	{"xdp.frags_devmap/", XDP, AttachXDPDevMap, secXDPFrags},
	{"xdp_devmap/", XDP, AttachXDPDevMap, 0},
	{"xdp.frags_cpumap/", XDP, AttachXDPCPUMap, secXDPFrags},
	{"xdp_cpumap/", XDP, AttachXDPCPUMap, 0},
	{"seccomp", SocketFilter, AttachNone, 0},

	{"socket", SocketFilter, AttachNone, 0},
	{"sk_reuseport/migrate", SkReuseport, AttachSkReuseportSelectOrMigrate, 0},
	{"sk_reuseport", SkReuseport, AttachSkReuseportSelect, 0},
	{"kprobe+", Kprobe, AttachNone, 0},
	{"uprobe+", Kprobe, AttachNone, 0},
	{"uprobe.s+", Kprobe, AttachNone, secSleepable},
	{"kretprobe+", Kprobe, AttachNone, 0},
	{"uretprobe+", Kprobe, AttachNone, 0},
	{"uretprobe.s+", Kprobe, AttachNone, secSleepable},
	{"kprobe.multi+", Kprobe, AttachTraceKprobeMulti, 0},
	{"kretprobe.multi+", Kprobe, AttachTraceKprobeMulti, 0},
	{"uprobe.multi+", Kprobe, AttachTraceUprobeMulti, 0},
	{"uretprobe.multi+", Kprobe, AttachTraceUprobeMulti, 0},
	{"uprobe.multi.s+", Kprobe, AttachTraceUprobeMulti, secSleepable},
	{"uretprobe.multi.s+", Kprobe, AttachTraceUprobeMulti, secSleepable},
	{"ksyscall+", Kprobe, AttachNone, 0},
	{"kretsyscall+", Kprobe, AttachNone, 0},
	{"usdt+", Kprobe, AttachNone, 0},
	{"usdt.s+", Kprobe, AttachNone, secSleepable},
	{"tc/ingress", SchedCLS, AttachTCXIngress, 0},
	{"tc/egress", SchedCLS, AttachTCXEgress, 0},
	{"tcx/ingress", SchedCLS, AttachTCXIngress, 0},
	{"tcx/egress", SchedCLS, AttachTCXEgress, 0},
	{"tc", SchedCLS, AttachNone, 0},
	{"classifier", SchedCLS, AttachNone, 0},
	{"action", SchedACT, AttachNone, 0},
	{"netkit/primary", SchedCLS, AttachNetkitPrimary, 0},
	{"netkit/peer", SchedCLS, AttachNetkitPeer, 0},
	{"tracepoint+", TracePoint, AttachNone, 0},
	{"tp+", TracePoint, AttachNone, 0},
	{"raw_tracepoint+", RawTracepoint, AttachNone, 0},
	{"raw_tp+", RawTracepoint, AttachNone, 0},
	{"raw_tracepoint.w+", RawTracepointWritable, AttachNone, 0},
	{"raw_tp.w+", RawTracepointWritable, AttachNone, 0},
	{"tp_btf+", Tracing, AttachTraceRawTp, 0},
	{"fentry+", Tracing, AttachTraceFEntry, 0},
	{"fmod_ret+", Tracing, AttachModifyReturn, 0},
	{"fexit+", Tracing, AttachTraceFExit, 0},
	{"fentry.s+", Tracing, AttachTraceFEntry, secSleepable},
	{"fmod_ret.s+", Tracing, AttachModifyReturn, secSleepable},
	{"fexit.s+", Tracing, AttachTraceFExit, secSleepable},
	{"freplace+", Extension, AttachNone, 0},
	{"lsm+", LSM, AttachLSMMac, 0},
	{"lsm.s+", LSM, AttachLSMMac, secSleepable},
	{"lsm_cgroup+", LSM, AttachLSMCgroup, 0},
	{"iter+", Tracing, AttachTraceIter, 0},
	{"iter.s+", Tracing, AttachTraceIter, secSleepable},
	{"syscall", Syscall, AttachNone, secSleepable},
	{"xdp.frags/devmap", XDP, AttachXDPDevMap, secXDPFrags},
	{"xdp/devmap", XDP, AttachXDPDevMap, 0},
	{"xdp.frags/cpumap", XDP, AttachXDPCPUMap, secXDPFrags},
	{"xdp/cpumap", XDP, AttachXDPCPUMap, 0},
	{"xdp.frags", XDP, AttachXDP, secXDPFrags},
	{"xdp", XDP, AttachXDP, secOptionalAttach},
	{"perf_event", PerfEvent, AttachNone, 0},
	{"lwt_in", LWTIn, AttachNone, 0},
	{"lwt_out", LWTOut, AttachNone, 0},
	{"lwt_xmit", LWTXmit, AttachNone, 0},
	{"lwt_seg6local", LWTSeg6Local, AttachNone, 0},
	{"sockops", SockOps, AttachCGroupSockOps, 0},
	{"sk_skb/stream_parser", SkSKB, AttachSkSKBStreamParser, 0},
	{"sk_skb/stream_verdict", SkSKB, AttachSkSKBStreamVerdict, 0},
	{"sk_skb", SkSKB, AttachNone, 0},
	{"sk_msg", SkMsg, AttachSkMsgVerdict, 0},
	{"lirc_mode2", LircMode2, AttachLircMode2, 0},
	{"flow_dissector", FlowDissector, AttachFlowDissector, 0},
	{"cgroup_skb/ingress", CGroupSKB, AttachCGroupInetIngress, 0},
	{"cgroup_skb/egress", CGroupSKB, AttachCGroupInetEgress, 0},
	{"cgroup/skb", CGroupSKB, AttachNone, 0},
	{"cgroup/sock_create", CGroupSock, AttachCGroupInetSockCreate, 0},
	{"cgroup/sock_release", CGroupSock, AttachCgroupInetSockRelease, 0},
	{"cgroup/sock", CGroupSock, AttachCGroupInetSockCreate, 0},
	{"cgroup/post_bind4", CGroupSock, AttachCGroupInet4PostBind, 0},
	{"cgroup/post_bind6", CGroupSock, AttachCGroupInet6PostBind, 0},
	{"cgroup/bind4", CGroupSockAddr, AttachCGroupInet4Bind, 0},
	{"cgroup/bind6", CGroupSockAddr, AttachCGroupInet6Bind, 0},
	{"cgroup/connect4", CGroupSockAddr, AttachCGroupInet4Connect, 0},
	{"cgroup/connect6", CGroupSockAddr, AttachCGroupInet6Connect, 0},
	{"cgroup/connect_unix", CGroupSockAddr, AttachCgroupUnixConnect, 0},
	{"cgroup/sendmsg4", CGroupSockAddr, AttachCGroupUDP4Sendmsg, 0},
	{"cgroup/sendmsg6", CGroupSockAddr, AttachCGroupUDP6Sendmsg, 0},
	{"cgroup/sendmsg_unix", CGroupSockAddr, AttachCgroupUnixSendmsg, 0},
	{"cgroup/recvmsg4", CGroupSockAddr, AttachCGroupUDP4Recvmsg, 0},
	{"cgroup/recvmsg6", CGroupSockAddr, AttachCGroupUDP6Recvmsg, 0},
	{"cgroup/recvmsg_unix", CGroupSockAddr, AttachCgroupUnixRecvmsg, 0},
	{"cgroup/getpeername4", CGroupSockAddr, AttachCgroupInet4GetPeername, 0},
	{"cgroup/getpeername6", CGroupSockAddr, AttachCgroupInet6GetPeername, 0},
	{"cgroup/getpeername_unix", CGroupSockAddr, AttachCgroupUnixGetpeername, 0},
	{"cgroup/getsockname4", CGroupSockAddr, AttachCgroupInet4GetSockname, 0},
	{"cgroup/getsockname6", CGroupSockAddr, AttachCgroupInet6GetSockname, 0},
	{"cgroup/getsockname_unix", CGroupSockAddr, AttachCgroupUnixGetsockname, 0},
	{"cgroup/sysctl", CGroupSysctl, AttachCGroupSysctl, 0},
	{"cgroup/getsockopt", CGroupSockopt, AttachCGroupGetsockopt, 0},
	{"cgroup/setsockopt", CGroupSockopt, AttachCGroupSetsockopt, 0},
	{"cgroup/dev", CGroupDevice, AttachCGroupDevice, 0},
	{"struct_ops+", StructOps, AttachNone, 0},
	{"struct_ops.s+", StructOps, AttachNone, secSleepable},
	{"sk_lookup", SkLookup, AttachSkLookup, 0},
	{"netfilter", Netfilter, AttachNetfilter, 0},
}

// getProgType derives what a program is from the name of its ELF section.
// A leading '?' (libbpf's "don't load automatically") is ignored. Unknown
// names give UnspecifiedProgram, AttachNone, no flags and no attach target.
func getProgType(sectionName string) (ProgramType, AttachType, uint32, string) {
	sectionName = strings.TrimPrefix(sectionName, "?")

	for _, def := range sectionDefs {
		attachTo, ok := matchSectionName(sectionName, def.pattern)
		if !ok {
			continue
		}

		attachType := def.attachType
		if def.flags&secOptionalAttach != 0 && def.progType == XDP {
			attachType = AttachNone
		}

		var flags uint32
		if def.flags&secSleepable != 0 {
			flags |= progFlagSleepable
		}
		if def.flags&secXDPFrags != 0 {
			flags |= progFlagXDPHasFrags
		}
		if def.flags&secNoAttachTo != 0 {
			attachTo = ""
		}
		return def.progType, attachType, flags, attachTo
	}

	return UnspecifiedProgram, AttachNone, 0, ""
}

// matchSectionName reports whether sectionName matches pattern and returns
// the attach target it names. Patterns come in three forms:
//
//   - "prefix/": the name has a '/' and the text before the first '/' is
//     prefix; the target is the text after it (possibly empty).
//   - "prefix+": the text before the first '/' (or the whole name) is
//     prefix; the target is the text after the first '/', or "".
//   - anything else: the name starts with the pattern; there is no target.
func matchSectionName(sectionName, pattern string) (string, bool) {
	switch {
	case strings.HasSuffix(pattern, "/"):
		before, after, found := strings.Cut(sectionName, "/")
		if !found || before != pattern[:len(pattern)-1] {
			return "", false
		}
		return after, true

	case strings.HasSuffix(pattern, "+"):
		before, after, _ := strings.Cut(sectionName, "/")
		if before != pattern[:len(pattern)-1] {
			return "", false
		}
		return after, true

	default:
		return "", strings.HasPrefix(sectionName, pattern)
	}
}
