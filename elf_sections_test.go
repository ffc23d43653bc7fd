package ebpf

import (
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// sectionNamePrograms is the table at the top of testdata/section_names.c:
// every row of ELF.md §5.1 and its examples, one program each.
var sectionNamePrograms = []struct {
	name, section string
	typ           ProgramType
	attachType    AttachType
	flags         uint32
	attachTo      string
}{
	{"xdp_frags_foo", "xdp.frags/foo", XDP, AttachXDP, 0x20, ""},
	{"xdp_frags_devmap", "xdp.frags_devmap/foo", XDP, AttachXDPDevMap, 0x20, "foo"},
	{"xdp_devmap_foo", "xdp_devmap/foo", XDP, AttachXDPDevMap, 0, "foo"},
	{"xdp_frags_cpumap", "xdp.frags_cpumap/foo", XDP, AttachXDPCPUMap, 0x20, "foo"},
	{"xdp_cpumap_foo", "xdp_cpumap/foo", XDP, AttachXDPCPUMap, 0, "foo"},
	{"seccomp_prog", "seccomp", SocketFilter, AttachNone, 0, ""},
	{"socket_a", "socket", SocketFilter, AttachNone, 0, ""},
	{"socket_b", "socket", SocketFilter, AttachNone, 0, ""},
	{"socket_garbage", "socket/garbage", SocketFilter, AttachNone, 0, ""},
	{"sk_reuseport_migrate", "sk_reuseport/migrate", SkReuseport, AttachSkReuseportSelectOrMigrate, 0, ""},
	{"sk_reuseport_prog", "sk_reuseport", SkReuseport, AttachSkReuseportSelect, 0, ""},
	{"kprobe_a", "kprobe/do_sys_open", Kprobe, AttachNone, 0, "do_sys_open"},
	{"kprobe_b", "kprobe/do_sys_open", Kprobe, AttachNone, 0, "do_sys_open"},
	{"uprobe_prog", "uprobe//bin/bash:readline", Kprobe, AttachNone, 0, "/bin/bash:readline"},
	{"uprobe_s_prog", "uprobe.s//bin/bash:readline", Kprobe, AttachNone, 0x10, "/bin/bash:readline"},
	{"kretprobe_prog", "kretprobe/do_sys_open", Kprobe, AttachNone, 0, "do_sys_open"},
	{"uretprobe_prog", "uretprobe//bin/bash:readline", Kprobe, AttachNone, 0, "/bin/bash:readline"},
	{"uretprobe_s_prog", "uretprobe.s//bin/bash:readline", Kprobe, AttachNone, 0x10, "/bin/bash:readline"},
	{"kprobe_multi_prog", "kprobe.multi/vfs_*", Kprobe, AttachTraceKprobeMulti, 0, "vfs_*"},
	{"kprobe_multi_bare", "kprobe.multi", Kprobe, AttachTraceKprobeMulti, 0, ""},
	{"kretprobe_multi_prog", "kretprobe.multi/vfs_*", Kprobe, AttachTraceKprobeMulti, 0, "vfs_*"},
	{"kretprobe_multi_bare", "kretprobe.multi", Kprobe, AttachTraceKprobeMulti, 0, ""},
	{"uprobe_multi_prog", "uprobe.multi//bin/bash:read*", Kprobe, AttachTraceUprobeMulti, 0, "/bin/bash:read*"},
	{"uretprobe_multi_prog", "uretprobe.multi//bin/bash:read*", Kprobe, AttachTraceUprobeMulti, 0, "/bin/bash:read*"},
	{"uprobe_multi_s_prog", "uprobe.multi.s//bin/bash:read*", Kprobe, AttachTraceUprobeMulti, 0x10, "/bin/bash:read*"},
	{"uretprobe_multi_s_prog", "uretprobe.multi.s//bin/bash:read*", Kprobe, AttachTraceUprobeMulti, 0x10, "/bin/bash:read*"},
	{"ksyscall_prog", "ksyscall/openat", Kprobe, AttachNone, 0, "openat"},
	{"kretsyscall_prog", "kretsyscall/openat", Kprobe, AttachNone, 0, "openat"},
	{"usdt_prog", "usdt/libc.so.6:libc:setjmp", Kprobe, AttachNone, 0, "libc.so.6:libc:setjmp"},
	{"usdt_s_prog", "usdt.s/libc.so.6:libc:setjmp", Kprobe, AttachNone, 0x10, "libc.so.6:libc:setjmp"},
	{"tc_ingress", "tc/ingress", SchedCLS, AttachTCXIngress, 0, ""},
	{"tc_egress", "tc/egress", SchedCLS, AttachTCXEgress, 0, ""},
	{"tcx_ingress", "tcx/ingress", SchedCLS, AttachTCXIngress, 0, ""},
	{"tcx_egress", "tcx/egress", SchedCLS, AttachTCXEgress, 0, ""},
	{"tc_prog", "tc", SchedCLS, AttachNone, 0, ""},
	{"tcfoo_prog", "tcfoo", SchedCLS, AttachNone, 0, ""},
	{"classifier_prog", "classifier", SchedCLS, AttachNone, 0, ""},
	{"action_prog", "action", SchedACT, AttachNone, 0, ""},
	{"netkit_primary", "netkit/primary", SchedCLS, AttachNetkitPrimary, 0, ""},
	{"netkit_peer", "netkit/peer", SchedCLS, AttachNetkitPeer, 0, ""},
	{"tracepoint_prog", "tracepoint/syscalls/sys_enter_openat", TracePoint, AttachNone, 0, "syscalls/sys_enter_openat"},
	{"tp_prog", "tp/syscalls/sys_enter_openat", TracePoint, AttachNone, 0, "syscalls/sys_enter_openat"},
	{"raw_tracepoint_prog", "raw_tracepoint/sched_switch", RawTracepoint, AttachNone, 0, "sched_switch"},
	{"raw_tp_prog", "raw_tp/sched_switch", RawTracepoint, AttachNone, 0, "sched_switch"},
	{"raw_tracepoint_w_prog", "raw_tracepoint.w/sched_switch", RawTracepointWritable, AttachNone, 0, "sched_switch"},
	{"raw_tp_w_prog", "raw_tp.w/sched_switch", RawTracepointWritable, AttachNone, 0, "sched_switch"},
	{"tp_btf_prog", "tp_btf/task_newtask", Tracing, AttachTraceRawTp, 0, "task_newtask"},
	{"fentry_prog", "fentry/inet_dgram_connect", Tracing, AttachTraceFEntry, 0, "inet_dgram_connect"},
	{"fmod_ret_prog", "fmod_ret/bpf_modify_return_test", Tracing, AttachModifyReturn, 0, "bpf_modify_return_test"},
	{"fexit_prog", "fexit/inet_dgram_connect", Tracing, AttachTraceFExit, 0, "inet_dgram_connect"},
	{"fentry_s_prog", "fentry.s/inet_dgram_connect", Tracing, AttachTraceFEntry, 0x10, "inet_dgram_connect"},
	{"fmod_ret_s_prog", "fmod_ret.s/bpf_modify_return_test", Tracing, AttachModifyReturn, 0x10, "bpf_modify_return_test"},
	{"fexit_s_prog", "fexit.s/inet_dgram_connect", Tracing, AttachTraceFExit, 0x10, "inet_dgram_connect"},
	{"freplace_prog", "freplace/some_func", Extension, AttachNone, 0, "some_func"},
	{"lsm_prog", "lsm/task_getpgid", LSM, AttachLSMMac, 0, "task_getpgid"},
	{"lsm_s_prog", "lsm.s/task_getpgid", LSM, AttachLSMMac, 0x10, "task_getpgid"},
	{"lsm_cgroup_prog", "lsm_cgroup/socket_bind", LSM, AttachLSMCgroup, 0, "socket_bind"},
	{"iter_prog", "iter/bpf_map", Tracing, AttachTraceIter, 0, "bpf_map"},
	{"iter_s_prog", "iter.s/bpf_map", Tracing, AttachTraceIter, 0x10, "bpf_map"},
	{"syscall_prog", "syscall", Syscall, AttachNone, 0x10, ""},
	{"xdp_frags_prog", "xdp.frags", XDP, AttachXDP, 0x20, ""},
	{"xdp_devmap_prog", "xdp/devmap", XDP, AttachXDPDevMap, 0, ""},
	{"xdp_cpumap_prog", "xdp/cpumap", XDP, AttachXDPCPUMap, 0, ""},
	{"xdp_a", "xdp", XDP, AttachNone, 0, ""},
	{"xdp_b", "xdp", XDP, AttachNone, 0, ""},
	{"xdp_foo", "xdp/foo", XDP, AttachNone, 0, ""},
	{"perf_event_prog", "perf_event", PerfEvent, AttachNone, 0, ""},
	{"lwt_in_prog", "lwt_in", LWTIn, AttachNone, 0, ""},
	{"lwt_out_prog", "lwt_out", LWTOut, AttachNone, 0, ""},
	{"lwt_xmit_prog", "lwt_xmit", LWTXmit, AttachNone, 0, ""},
	{"lwt_seg6local_prog", "lwt_seg6local", LWTSeg6Local, AttachNone, 0, ""},
	{"sockops_prog", "sockops", SockOps, AttachCGroupSockOps, 0, ""},
	{"sk_skb_stream_parser", "sk_skb/stream_parser", SkSKB, AttachSkSKBStreamParser, 0, ""},
	{"sk_skb_stream_verdict", "sk_skb/stream_verdict", SkSKB, AttachSkSKBStreamVerdict, 0, ""},
	{"sk_skb_stream_verdict_foo", "sk_skb/stream_verdict/foo", SkSKB, AttachSkSKBStreamVerdict, 0, ""},
	{"sk_skb_bar", "sk_skb/bar", SkSKB, AttachNone, 0, ""},
	{"sk_skb_prog", "sk_skb", SkSKB, AttachNone, 0, ""},
	{"sk_msg_prog", "sk_msg", SkMsg, AttachSkMsgVerdict, 0, ""},
	{"lirc_mode2_prog", "lirc_mode2", LircMode2, AttachLircMode2, 0, ""},
	{"flow_dissector_prog", "flow_dissector", FlowDissector, AttachFlowDissector, 0, ""},
	{"cgroup_skb_ingress", "cgroup_skb/ingress", CGroupSKB, AttachCGroupInetIngress, 0, ""},
	{"cgroup_skb_egress", "cgroup_skb/egress", CGroupSKB, AttachCGroupInetEgress, 0, ""},
	{"cgroup_skb_prog", "cgroup/skb", CGroupSKB, AttachNone, 0, ""},
	{"cgroup_sock_create", "cgroup/sock_create", CGroupSock, AttachCGroupInetSockCreate, 0, ""},
	{"cgroup_sock_release", "cgroup/sock_release", CGroupSock, AttachCgroupInetSockRelease, 0, ""},
	{"cgroup_sock_prog", "cgroup/sock", CGroupSock, AttachCGroupInetSockCreate, 0, ""},
	{"cgroup_post_bind4", "cgroup/post_bind4", CGroupSock, AttachCGroupInet4PostBind, 0, ""},
	{"cgroup_post_bind6", "cgroup/post_bind6", CGroupSock, AttachCGroupInet6PostBind, 0, ""},
	{"cgroup_bind4", "cgroup/bind4", CGroupSockAddr, AttachCGroupInet4Bind, 0, ""},
	{"cgroup_bind6", "cgroup/bind6", CGroupSockAddr, AttachCGroupInet6Bind, 0, ""},
	{"cgroup_connect4", "cgroup/connect4", CGroupSockAddr, AttachCGroupInet4Connect, 0, ""},
	{"cgroup_connect6", "cgroup/connect6", CGroupSockAddr, AttachCGroupInet6Connect, 0, ""},
	{"cgroup_connect_unix", "cgroup/connect_unix", CGroupSockAddr, AttachCgroupUnixConnect, 0, ""},
	{"cgroup_sendmsg4", "cgroup/sendmsg4", CGroupSockAddr, AttachCGroupUDP4Sendmsg, 0, ""},
	{"cgroup_sendmsg6", "cgroup/sendmsg6", CGroupSockAddr, AttachCGroupUDP6Sendmsg, 0, ""},
	{"cgroup_sendmsg_unix", "cgroup/sendmsg_unix", CGroupSockAddr, AttachCgroupUnixSendmsg, 0, ""},
	{"cgroup_recvmsg4", "cgroup/recvmsg4", CGroupSockAddr, AttachCGroupUDP4Recvmsg, 0, ""},
	{"cgroup_recvmsg6", "cgroup/recvmsg6", CGroupSockAddr, AttachCGroupUDP6Recvmsg, 0, ""},
	{"cgroup_recvmsg_unix", "cgroup/recvmsg_unix", CGroupSockAddr, AttachCgroupUnixRecvmsg, 0, ""},
	{"cgroup_getpeername4", "cgroup/getpeername4", CGroupSockAddr, AttachCgroupInet4GetPeername, 0, ""},
	{"cgroup_getpeername6", "cgroup/getpeername6", CGroupSockAddr, AttachCgroupInet6GetPeername, 0, ""},
	{"cgroup_getpeername_unix", "cgroup/getpeername_unix", CGroupSockAddr, AttachCgroupUnixGetpeername, 0, ""},
	{"cgroup_getsockname4", "cgroup/getsockname4", CGroupSockAddr, AttachCgroupInet4GetSockname, 0, ""},
	{"cgroup_getsockname6", "cgroup/getsockname6", CGroupSockAddr, AttachCgroupInet6GetSockname, 0, ""},
	{"cgroup_getsockname_unix", "cgroup/getsockname_unix", CGroupSockAddr, AttachCgroupUnixGetsockname, 0, ""},
	{"cgroup_sysctl", "cgroup/sysctl", CGroupSysctl, AttachCGroupSysctl, 0, ""},
	{"cgroup_getsockopt", "cgroup/getsockopt", CGroupSockopt, AttachCGroupGetsockopt, 0, ""},
	{"cgroup_setsockopt", "cgroup/setsockopt", CGroupSockopt, AttachCGroupSetsockopt, 0, ""},
	{"cgroup_dev", "cgroup/dev", CGroupDevice, AttachCGroupDevice, 0, ""},
	{"struct_ops_prog", "struct_ops/test_1", StructOps, AttachNone, 0, "test_1"},
	{"struct_ops_s_prog", "struct_ops.s/test_2", StructOps, AttachNone, 0x10, "test_2"},
	{"sk_lookup_prog", "sk_lookup", SkLookup, AttachSkLookup, 0, ""},
	{"netfilter_prog", "netfilter", Netfilter, AttachNetfilter, 0, ""},
	{"optional_tc", "?tc", SchedCLS, AttachNone, 0, ""},
	{"optional_kprobe", "?kprobe/vfs_read", Kprobe, AttachNone, 0, "vfs_read"},
	{"unknown_section", "not_a_program_type", UnspecifiedProgram, AttachNone, 0, ""},
}

func TestSectionNamesObject(t *testing.T) {
	files := testutils.Glob(t, "testdata/section_names-*.elf")
	testutils.Files(t, files, func(t *testing.T, file string) {
		spec, err := LoadCollectionSpec(file)
		qt.Assert(t, qt.IsNil(err))
		qt.Assert(t, qt.HasLen(spec.Programs, len(sectionNamePrograms)))

		for _, want := range sectionNamePrograms {
			prog := spec.Programs[want.name]
			if !qt.Check(t, qt.IsNotNil(prog), qt.Commentf("program %s", want.name)) {
				continue
			}
			qt.Check(t, qt.Equals(prog.SectionName, want.section), qt.Commentf("program %s", want.name))
			qt.Check(t, qt.Equals(prog.Type, want.typ), qt.Commentf("program %s", want.name))
			qt.Check(t, qt.Equals(prog.AttachType, want.attachType), qt.Commentf("program %s", want.name))
			qt.Check(t, qt.Equals(prog.Flags, want.flags), qt.Commentf("program %s", want.name))
			qt.Check(t, qt.Equals(prog.AttachTo, want.attachTo), qt.Commentf("program %s", want.name))
			qt.Check(t, qt.Equals(prog.License, "Dual MIT/GPL"))
			qt.Check(t, qt.Equals(prog.KernelVersion, 0x00060100))
		}
	})
}

func TestGetProgType(t *testing.T) {
	type progType struct {
		typ        ProgramType
		attachType AttachType
		flags      uint32
		attachTo   string
	}

	for section, want := range map[string]progType{
		"socket":                      {SocketFilter, AttachNone, 0, ""},
		"socket/garbage":              {SocketFilter, AttachNone, 0, ""},
		"seccomp":                     {SocketFilter, AttachNone, 0, ""},
		"sk_reuseport/migrate":        {SkReuseport, AttachSkReuseportSelectOrMigrate, 0, ""},
		"sk_reuseport":                {SkReuseport, AttachSkReuseportSelect, 0, ""},
		"kprobe/func":                 {Kprobe, AttachNone, 0, "func"},
		"kprobe":                      {Kprobe, AttachNone, 0, ""},
		"kprobe.multi":                {Kprobe, AttachTraceKprobeMulti, 0, ""},
		"kretprobe.multi":             {Kprobe, AttachTraceKprobeMulti, 0, ""},
		"kprobe.multi/foo_*":          {Kprobe, AttachTraceKprobeMulti, 0, "foo_*"},
		"uprobe/bin:sym":              {Kprobe, AttachNone, 0, "bin:sym"},
		"uprobe.s/bin:sym":            {Kprobe, AttachNone, progFlagSleepable, "bin:sym"},
		"uretprobe.s/bin:sym":         {Kprobe, AttachNone, progFlagSleepable, "bin:sym"},
		"uprobe.multi/bin:*":          {Kprobe, AttachTraceUprobeMulti, 0, "bin:*"},
		"uretprobe.multi.s/bin:*":     {Kprobe, AttachTraceUprobeMulti, progFlagSleepable, "bin:*"},
		"kretprobe/func":              {Kprobe, AttachNone, 0, "func"},
		"ksyscall/openat":             {Kprobe, AttachNone, 0, "openat"},
		"kretsyscall/openat":          {Kprobe, AttachNone, 0, "openat"},
		"usdt/lib:prov:name":          {Kprobe, AttachNone, 0, "lib:prov:name"},
		"usdt.s/lib:prov:name":        {Kprobe, AttachNone, progFlagSleepable, "lib:prov:name"},
		"kprobefoo":                   {UnspecifiedProgram, AttachNone, 0, ""},
		"tc/ingress":                  {SchedCLS, AttachTCXIngress, 0, ""},
		"tc/egress":                   {SchedCLS, AttachTCXEgress, 0, ""},
		"tcx/ingress":                 {SchedCLS, AttachTCXIngress, 0, ""},
		"tcx/egress":                  {SchedCLS, AttachTCXEgress, 0, ""},
		"tcx/foo":                     {SchedCLS, AttachNone, 0, ""},
		"tc":                          {SchedCLS, AttachNone, 0, ""},
		"tcfoo":                       {SchedCLS, AttachNone, 0, ""},
		"classifier":                  {SchedCLS, AttachNone, 0, ""},
		"action":                      {SchedACT, AttachNone, 0, ""},
		"netkit/primary":              {SchedCLS, AttachNetkitPrimary, 0, ""},
		"netkit/peer":                 {SchedCLS, AttachNetkitPeer, 0, ""},
		"tracepoint/sched/sched_exec": {TracePoint, AttachNone, 0, "sched/sched_exec"},
		"tp/sched/sched_exec":         {TracePoint, AttachNone, 0, "sched/sched_exec"},
		"raw_tracepoint/sched_exec":   {RawTracepoint, AttachNone, 0, "sched_exec"},
		"raw_tp/sched_exec":           {RawTracepoint, AttachNone, 0, "sched_exec"},
		"raw_tracepoint.w/sched_exec": {RawTracepointWritable, AttachNone, 0, "sched_exec"},
		"raw_tp.w/sched_exec":         {RawTracepointWritable, AttachNone, 0, "sched_exec"},
		"tp_btf/task_newtask":         {Tracing, AttachTraceRawTp, 0, "task_newtask"},
		"fentry/foo":                  {Tracing, AttachTraceFEntry, 0, "foo"},
		"fmod_ret/foo":                {Tracing, AttachModifyReturn, 0, "foo"},
		"fexit/foo":                   {Tracing, AttachTraceFExit, 0, "foo"},
		"fentry.s/foo":                {Tracing, AttachTraceFEntry, progFlagSleepable, "foo"},
		"fmod_ret.s/foo":              {Tracing, AttachModifyReturn, progFlagSleepable, "foo"},
		"fexit.s/foo":                 {Tracing, AttachTraceFExit, progFlagSleepable, "foo"},
		"freplace/foo":                {Extension, AttachNone, 0, "foo"},
		"lsm/foo":                     {LSM, AttachLSMMac, 0, "foo"},
		"lsm.s/foo":                   {LSM, AttachLSMMac, progFlagSleepable, "foo"},
		"lsm_cgroup/foo":              {LSM, AttachLSMCgroup, 0, "foo"},
		"iter/bpf_map":                {Tracing, AttachTraceIter, 0, "bpf_map"},
		"iter.s/bpf_map":              {Tracing, AttachTraceIter, progFlagSleepable, "bpf_map"},
		"syscall":                     {Syscall, AttachNone, progFlagSleepable, ""},
		"xdp.frags/devmap":            {XDP, AttachXDP, progFlagXDPHasFrags, ""},
		"xdp.frags/cpumap":            {XDP, AttachXDP, progFlagXDPHasFrags, ""},
		"xdp.frags/foo":               {XDP, AttachXDP, progFlagXDPHasFrags, ""},
		"xdp.frags_devmap/foo":        {XDP, AttachXDPDevMap, progFlagXDPHasFrags, "foo"},
		"xdp.frags_cpumap/foo":        {XDP, AttachXDPCPUMap, progFlagXDPHasFrags, "foo"},
		"xdp_devmap/foo":              {XDP, AttachXDPDevMap, 0, "foo"},
		"xdp_cpumap/foo":              {XDP, AttachXDPCPUMap, 0, "foo"},
		"xdp/devmap":                  {XDP, AttachXDPDevMap, 0, ""},
		"xdp/cpumap":                  {XDP, AttachXDPCPUMap, 0, ""},
		"xdp.frags":                   {XDP, AttachXDP, progFlagXDPHasFrags, ""},
		"xdp":                         {XDP, AttachNone, 0, ""},
		"xdp/foo":                     {XDP, AttachNone, 0, ""},
		"perf_event":                  {PerfEvent, AttachNone, 0, ""},
		"lwt_in":                      {LWTIn, AttachNone, 0, ""},
		"lwt_out":                     {LWTOut, AttachNone, 0, ""},
		"lwt_xmit":                    {LWTXmit, AttachNone, 0, ""},
		"lwt_seg6local":               {LWTSeg6Local, AttachNone, 0, ""},
		"sockops":                     {SockOps, AttachCGroupSockOps, 0, ""},
		"sk_skb/stream_parser":        {SkSKB, AttachSkSKBStreamParser, 0, ""},
		"sk_skb/stream_verdict":       {SkSKB, AttachSkSKBStreamVerdict, 0, ""},
		"sk_skb/stream_verdict/foo":   {SkSKB, AttachSkSKBStreamVerdict, 0, ""},
		"sk_skb/bar":                  {SkSKB, AttachNone, 0, ""},
		"sk_skb":                      {SkSKB, AttachNone, 0, ""},
		"sk_msg":                      {SkMsg, AttachSkMsgVerdict, 0, ""},
		"lirc_mode2":                  {LircMode2, AttachLircMode2, 0, ""},
		"flow_dissector":              {FlowDissector, AttachFlowDissector, 0, ""},
		"cgroup_skb/ingress":          {CGroupSKB, AttachCGroupInetIngress, 0, ""},
		"cgroup_skb/egress":           {CGroupSKB, AttachCGroupInetEgress, 0, ""},
		"cgroup/skb":                  {CGroupSKB, AttachNone, 0, ""},
		"cgroup/sock_create":          {CGroupSock, AttachCGroupInetSockCreate, 0, ""},
		"cgroup/sock_release":         {CGroupSock, AttachCgroupInetSockRelease, 0, ""},
		"cgroup/sock":                 {CGroupSock, AttachCGroupInetSockCreate, 0, ""},
		"cgroup/post_bind4":           {CGroupSock, AttachCGroupInet4PostBind, 0, ""},
		"cgroup/post_bind6":           {CGroupSock, AttachCGroupInet6PostBind, 0, ""},
		"cgroup/bind4":                {CGroupSockAddr, AttachCGroupInet4Bind, 0, ""},
		"cgroup/bind6":                {CGroupSockAddr, AttachCGroupInet6Bind, 0, ""},
		"cgroup/connect4":             {CGroupSockAddr, AttachCGroupInet4Connect, 0, ""},
		"cgroup/connect6":             {CGroupSockAddr, AttachCGroupInet6Connect, 0, ""},
		"cgroup/connect_unix":         {CGroupSockAddr, AttachCgroupUnixConnect, 0, ""},
		"cgroup/sendmsg4":             {CGroupSockAddr, AttachCGroupUDP4Sendmsg, 0, ""},
		"cgroup/sendmsg6":             {CGroupSockAddr, AttachCGroupUDP6Sendmsg, 0, ""},
		"cgroup/sendmsg_unix":         {CGroupSockAddr, AttachCgroupUnixSendmsg, 0, ""},
		"cgroup/recvmsg4":             {CGroupSockAddr, AttachCGroupUDP4Recvmsg, 0, ""},
		"cgroup/recvmsg6":             {CGroupSockAddr, AttachCGroupUDP6Recvmsg, 0, ""},
		"cgroup/recvmsg_unix":         {CGroupSockAddr, AttachCgroupUnixRecvmsg, 0, ""},
		"cgroup/getpeername4":         {CGroupSockAddr, AttachCgroupInet4GetPeername, 0, ""},
		"cgroup/getpeername6":         {CGroupSockAddr, AttachCgroupInet6GetPeername, 0, ""},
		"cgroup/getpeername_unix":     {CGroupSockAddr, AttachCgroupUnixGetpeername, 0, ""},
		"cgroup/getsockname4":         {CGroupSockAddr, AttachCgroupInet4GetSockname, 0, ""},
		"cgroup/getsockname6":         {CGroupSockAddr, AttachCgroupInet6GetSockname, 0, ""},
		"cgroup/getsockname_unix":     {CGroupSockAddr, AttachCgroupUnixGetsockname, 0, ""},
		"cgroup/sysctl":               {CGroupSysctl, AttachCGroupSysctl, 0, ""},
		"cgroup/getsockopt":           {CGroupSockopt, AttachCGroupGetsockopt, 0, ""},
		"cgroup/setsockopt":           {CGroupSockopt, AttachCGroupSetsockopt, 0, ""},
		"cgroup/dev":                  {CGroupDevice, AttachCGroupDevice, 0, ""},
		"struct_ops/foo":              {StructOps, AttachNone, 0, "foo"},
		"struct_ops.s/foo":            {StructOps, AttachNone, progFlagSleepable, "foo"},
		"sk_lookup":                   {SkLookup, AttachSkLookup, 0, ""},
		"sk_lookup/":                  {SkLookup, AttachSkLookup, 0, ""},
		"netfilter":                   {Netfilter, AttachNetfilter, 0, ""},
		"?tc":                         {SchedCLS, AttachNone, 0, ""},
		"?kprobe/vfs_read":            {Kprobe, AttachNone, 0, "vfs_read"},
		".text":                       {UnspecifiedProgram, AttachNone, 0, ""},
		"other":                       {UnspecifiedProgram, AttachNone, 0, ""},
		"":                            {UnspecifiedProgram, AttachNone, 0, ""},
	} {
		t.Run(section, func(t *testing.T) {
			typ, attachType, flags, attachTo := getProgType(section)
			qt.Assert(t, qt.Equals(progType{typ, attachType, flags, attachTo}, want))
		})
	}
}

func TestMatchSectionName(t *testing.T) {
	for _, tc := range []struct {
		pattern, section string
		match            bool
		extra            string
	}{
		{"prefix/", "prefix/", true, ""},
		{"prefix/", "prefix/a", true, "a"},
		{"prefix/", "prefix/a/b", true, "a/b"},
		{"prefix/", "prefix", false, ""},
		{"prefix/", "prefixfoo/a", false, ""},
		{"prefix/", "other/a", false, ""},

		{"prefix+", "prefix", true, ""},
		{"prefix+", "prefix/", true, ""},
		{"prefix+", "prefix/a", true, "a"},
		{"prefix+", "prefix/a/b", true, "a/b"},
		{"prefix+", "prefixfoo", false, ""},
		{"prefix+", "prefix.s/a", false, ""},

		{"prefix", "prefix", true, ""},
		{"prefix", "prefix/a", true, ""},
		{"prefix", "prefixfoo", true, ""},
		{"prefix", "prefi", false, ""},
		{"prefix", "other", false, ""},
	} {
		t.Run(tc.pattern+" "+tc.section, func(t *testing.T) {
			extra, match := matchSectionName(tc.section, tc.pattern)
			qt.Assert(t, qt.Equals(match, tc.match))
			qt.Assert(t, qt.Equals(extra, tc.extra))
		})
	}
}
