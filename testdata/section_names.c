/* One tiny program per section-name convention (ELF.md §5.1), to check that
 * the ELF reader derives program type, attach type, flags and attach target
 * from the section name. Parse-only: most programs would need a specific
 * context or attach target to load.
 *
 * Several programs share the sections "socket", "kprobe/do_sys_open" and
 * "xdp" (the reader splits a section at every function symbol).
 * Sections whose name contains '/' produce distinct ELF sections; a leading
 * '?' (libbpf's "do not autoload" marker) is stripped before matching.
 *
 * Every program: License "Dual MIT/GPL", KernelVersion 0x00060100 (from the
 * version section), returns 0.
 *
 * Expected specs (Flags: 0x10 = BPF_F_SLEEPABLE, 0x20 = BPF_F_XDP_HAS_FRAGS):
 * program                    section                               ProgramType    AttachType                           Flags AttachTo
 * xdp_frags_foo              xdp.frags/foo                         XDP            AttachXDP                            0x20  ""
 * xdp_frags_devmap           xdp.frags_devmap/foo                  XDP            AttachXDPDevMap                      0x20  "foo"
 * xdp_devmap_foo             xdp_devmap/foo                        XDP            AttachXDPDevMap                      0     "foo"
 * xdp_frags_cpumap           xdp.frags_cpumap/foo                  XDP            AttachXDPCPUMap                      0x20  "foo"
 * xdp_cpumap_foo             xdp_cpumap/foo                        XDP            AttachXDPCPUMap                      0     "foo"
 * seccomp_prog               seccomp                               SocketFilter   AttachNone                           0     ""
 * socket_a                   socket                                SocketFilter   AttachNone                           0     ""
 * socket_b                   socket                                SocketFilter   AttachNone                           0     ""
 * socket_garbage             socket/garbage                        SocketFilter   AttachNone                           0     ""
 * sk_reuseport_migrate       sk_reuseport/migrate                  SkReuseport    AttachSkReuseportSelectOrMigrate     0     ""
 * sk_reuseport_prog          sk_reuseport                          SkReuseport    AttachSkReuseportSelect              0     ""
 * kprobe_a                   kprobe/do_sys_open                    Kprobe         AttachNone                           0     "do_sys_open"
 * kprobe_b                   kprobe/do_sys_open                    Kprobe         AttachNone                           0     "do_sys_open"
 * uprobe_prog                uprobe//bin/bash:readline             Kprobe         AttachNone                           0     "/bin/bash:readline"
 * uprobe_s_prog              uprobe.s//bin/bash:readline           Kprobe         AttachNone                           0x10  "/bin/bash:readline"
 * kretprobe_prog             kretprobe/do_sys_open                 Kprobe         AttachNone                           0     "do_sys_open"
 * uretprobe_prog             uretprobe//bin/bash:readline          Kprobe         AttachNone                           0     "/bin/bash:readline"
 * uretprobe_s_prog           uretprobe.s//bin/bash:readline        Kprobe         AttachNone                           0x10  "/bin/bash:readline"
 * kprobe_multi_prog          kprobe.multi/vfs_*                    Kprobe         AttachTraceKprobeMulti               0     "vfs_*"
 * kprobe_multi_bare          kprobe.multi                          Kprobe         AttachTraceKprobeMulti               0     ""
 * kretprobe_multi_prog       kretprobe.multi/vfs_*                 Kprobe         AttachTraceKprobeMulti               0     "vfs_*"
 * kretprobe_multi_bare       kretprobe.multi                       Kprobe         AttachTraceKprobeMulti               0     ""
 * uprobe_multi_prog          uprobe.multi//bin/bash:read*          Kprobe         AttachTraceUprobeMulti               0     "/bin/bash:read*"
 * uretprobe_multi_prog       uretprobe.multi//bin/bash:read*       Kprobe         AttachTraceUprobeMulti               0     "/bin/bash:read*"
 * uprobe_multi_s_prog        uprobe.multi.s//bin/bash:read*        Kprobe         AttachTraceUprobeMulti               0x10  "/bin/bash:read*"
 * uretprobe_multi_s_prog     uretprobe.multi.s//bin/bash:read*     Kprobe         AttachTraceUprobeMulti               0x10  "/bin/bash:read*"
 * ksyscall_prog              ksyscall/openat                       Kprobe         AttachNone                           0     "openat"
 * kretsyscall_prog           kretsyscall/openat                    Kprobe         AttachNone                           0     "openat"
 * usdt_prog                  usdt/libc.so.6:libc:setjmp            Kprobe         AttachNone                           0     "libc.so.6:libc:setjmp"
 * usdt_s_prog                usdt.s/libc.so.6:libc:setjmp          Kprobe         AttachNone                           0x10  "libc.so.6:libc:setjmp"
 * tc_ingress                 tc/ingress                            SchedCLS       AttachTCXIngress                     0     ""
 * tc_egress                  tc/egress                             SchedCLS       AttachTCXEgress                      0     ""
 * tcx_ingress                tcx/ingress                           SchedCLS       AttachTCXIngress                     0     ""
 * tcx_egress                 tcx/egress                            SchedCLS       AttachTCXEgress                      0     ""
 * tc_prog                    tc                                    SchedCLS       AttachNone                           0     ""
 * tcfoo_prog                 tcfoo                                 SchedCLS       AttachNone                           0     ""
 * classifier_prog            classifier                            SchedCLS       AttachNone                           0     ""
 * action_prog                action                                SchedACT       AttachNone                           0     ""
 * netkit_primary             netkit/primary                        SchedCLS       AttachNetkitPrimary                  0     ""
 * netkit_peer                netkit/peer                           SchedCLS       AttachNetkitPeer                     0     ""
 * tracepoint_prog            tracepoint/syscalls/sys_enter_openat  TracePoint     AttachNone                           0     "syscalls/sys_enter_openat"
 * tp_prog                    tp/syscalls/sys_enter_openat          TracePoint     AttachNone                           0     "syscalls/sys_enter_openat"
 * raw_tracepoint_prog        raw_tracepoint/sched_switch           RawTracepoint  AttachNone                           0     "sched_switch"
 * raw_tp_prog                raw_tp/sched_switch                   RawTracepoint  AttachNone                           0     "sched_switch"
 * raw_tracepoint_w_prog      raw_tracepoint.w/sched_switch         RawTracepointWritable AttachNone                           0     "sched_switch"
 * raw_tp_w_prog              raw_tp.w/sched_switch                 RawTracepointWritable AttachNone                           0     "sched_switch"
 * tp_btf_prog                tp_btf/task_newtask                   Tracing        AttachTraceRawTp                     0     "task_newtask"
 * fentry_prog                fentry/inet_dgram_connect             Tracing        AttachTraceFEntry                    0     "inet_dgram_connect"
 * fmod_ret_prog              fmod_ret/bpf_modify_return_test       Tracing        AttachModifyReturn                   0     "bpf_modify_return_test"
 * fexit_prog                 fexit/inet_dgram_connect              Tracing        AttachTraceFExit                     0     "inet_dgram_connect"
 * fentry_s_prog              fentry.s/inet_dgram_connect           Tracing        AttachTraceFEntry                    0x10  "inet_dgram_connect"
 * fmod_ret_s_prog            fmod_ret.s/bpf_modify_return_test     Tracing        AttachModifyReturn                   0x10  "bpf_modify_return_test"
 * fexit_s_prog               fexit.s/inet_dgram_connect            Tracing        AttachTraceFExit                     0x10  "inet_dgram_connect"
 * freplace_prog              freplace/some_func                    Extension      AttachNone                           0     "some_func"
 * lsm_prog                   lsm/task_getpgid                      LSM            AttachLSMMac                         0     "task_getpgid"
 * lsm_s_prog                 lsm.s/task_getpgid                    LSM            AttachLSMMac                         0x10  "task_getpgid"
 * lsm_cgroup_prog            lsm_cgroup/socket_bind                LSM            AttachLSMCgroup                      0     "socket_bind"
 * iter_prog                  iter/bpf_map                          Tracing        AttachTraceIter                      0     "bpf_map"
 * iter_s_prog                iter.s/bpf_map                        Tracing        AttachTraceIter                      0x10  "bpf_map"
 * syscall_prog               syscall                               Syscall        AttachNone                           0x10  ""
 * xdp_frags_prog             xdp.frags                             XDP            AttachXDP                            0x20  ""
 * xdp_devmap_prog            xdp/devmap                            XDP            AttachXDPDevMap                      0     ""
 * xdp_cpumap_prog            xdp/cpumap                            XDP            AttachXDPCPUMap                      0     ""
 * xdp_a                      xdp                                   XDP            AttachNone                           0     ""
 * xdp_b                      xdp                                   XDP            AttachNone                           0     ""
 * xdp_foo                    xdp/foo                               XDP            AttachNone                           0     ""
 * perf_event_prog            perf_event                            PerfEvent      AttachNone                           0     ""
 * lwt_in_prog                lwt_in                                LWTIn          AttachNone                           0     ""
 * lwt_out_prog               lwt_out                               LWTOut         AttachNone                           0     ""
 * lwt_xmit_prog              lwt_xmit                              LWTXmit        AttachNone                           0     ""
 * lwt_seg6local_prog         lwt_seg6local                         LWTSeg6Local   AttachNone                           0     ""
 * sockops_prog               sockops                               SockOps        AttachCGroupSockOps                  0     ""
 * sk_skb_stream_parser       sk_skb/stream_parser                  SkSKB          AttachSkSKBStreamParser              0     ""
 * sk_skb_stream_verdict      sk_skb/stream_verdict                 SkSKB          AttachSkSKBStreamVerdict             0     ""
 * sk_skb_stream_verdict_foo  sk_skb/stream_verdict/foo             SkSKB          AttachSkSKBStreamVerdict             0     ""
 * sk_skb_bar                 sk_skb/bar                            SkSKB          AttachNone                           0     ""
 * sk_skb_prog                sk_skb                                SkSKB          AttachNone                           0     ""
 * sk_msg_prog                sk_msg                                SkMsg          AttachSkMsgVerdict                   0     ""
 * lirc_mode2_prog            lirc_mode2                            LircMode2      AttachLircMode2                      0     ""
 * flow_dissector_prog        flow_dissector                        FlowDissector  AttachFlowDissector                  0     ""
 * cgroup_skb_ingress         cgroup_skb/ingress                    CGroupSKB      AttachCGroupInetIngress              0     ""
 * cgroup_skb_egress          cgroup_skb/egress                     CGroupSKB      AttachCGroupInetEgress               0     ""
 * cgroup_skb_prog            cgroup/skb                            CGroupSKB      AttachNone                           0     ""
 * cgroup_sock_create         cgroup/sock_create                    CGroupSock     AttachCGroupInetSockCreate           0     ""
 * cgroup_sock_release        cgroup/sock_release                   CGroupSock     AttachCgroupInetSockRelease          0     ""
 * cgroup_sock_prog           cgroup/sock                           CGroupSock     AttachCGroupInetSockCreate           0     ""
 * cgroup_post_bind4          cgroup/post_bind4                     CGroupSock     AttachCGroupInet4PostBind            0     ""
 * cgroup_post_bind6          cgroup/post_bind6                     CGroupSock     AttachCGroupInet6PostBind            0     ""
 * cgroup_bind4               cgroup/bind4                          CGroupSockAddr AttachCGroupInet4Bind                0     ""
 * cgroup_bind6               cgroup/bind6                          CGroupSockAddr AttachCGroupInet6Bind                0     ""
 * cgroup_connect4            cgroup/connect4                       CGroupSockAddr AttachCGroupInet4Connect             0     ""
 * cgroup_connect6            cgroup/connect6                       CGroupSockAddr AttachCGroupInet6Connect             0     ""
 * cgroup_connect_unix        cgroup/connect_unix                   CGroupSockAddr AttachCgroupUnixConnect              0     ""
 * cgroup_sendmsg4            cgroup/sendmsg4                       CGroupSockAddr AttachCGroupUDP4Sendmsg              0     ""
 * cgroup_sendmsg6            cgroup/sendmsg6                       CGroupSockAddr AttachCGroupUDP6Sendmsg              0     ""
 * cgroup_sendmsg_unix        cgroup/sendmsg_unix                   CGroupSockAddr AttachCgroupUnixSendmsg              0     ""
 * cgroup_recvmsg4            cgroup/recvmsg4                       CGroupSockAddr AttachCGroupUDP4Recvmsg              0     ""
 * cgroup_recvmsg6            cgroup/recvmsg6                       CGroupSockAddr AttachCGroupUDP6Recvmsg              0     ""
 * cgroup_recvmsg_unix        cgroup/recvmsg_unix                   CGroupSockAddr AttachCgroupUnixRecvmsg              0     ""
 * cgroup_getpeername4        cgroup/getpeername4                   CGroupSockAddr AttachCgroupInet4GetPeername         0     ""
 * cgroup_getpeername6        cgroup/getpeername6                   CGroupSockAddr AttachCgroupInet6GetPeername         0     ""
 * cgroup_getpeername_unix    cgroup/getpeername_unix               CGroupSockAddr AttachCgroupUnixGetpeername          0     ""
 * cgroup_getsockname4        cgroup/getsockname4                   CGroupSockAddr AttachCgroupInet4GetSockname         0     ""
 * cgroup_getsockname6        cgroup/getsockname6                   CGroupSockAddr AttachCgroupInet6GetSockname         0     ""
 * cgroup_getsockname_unix    cgroup/getsockname_unix               CGroupSockAddr AttachCgroupUnixGetsockname          0     ""
 * cgroup_sysctl              cgroup/sysctl                         CGroupSysctl   AttachCGroupSysctl                   0     ""
 * cgroup_getsockopt          cgroup/getsockopt                     CGroupSockopt  AttachCGroupGetsockopt               0     ""
 * cgroup_setsockopt          cgroup/setsockopt                     CGroupSockopt  AttachCGroupSetsockopt               0     ""
 * cgroup_dev                 cgroup/dev                            CGroupDevice   AttachCGroupDevice                   0     ""
 * struct_ops_prog            struct_ops/test_1                     StructOps      AttachNone                           0     "test_1"
 * struct_ops_s_prog          struct_ops.s/test_2                   StructOps      AttachNone                           0x10  "test_2"
 * sk_lookup_prog             sk_lookup                             SkLookup       AttachSkLookup                       0     ""
 * netfilter_prog             netfilter                             Netfilter      AttachNetfilter                      0     ""
 * optional_tc                ?tc                                   SchedCLS       AttachNone                           0     ""
 * optional_kprobe            ?kprobe/vfs_read                      Kprobe         AttachNone                           0     "vfs_read"
 * unknown_section            not_a_program_type                    UnspecifiedProgram AttachNone                           0     ""
 */
#include "common.h"

char __license[] __section("license") = "Dual MIT/GPL";
uint32_t __version __section("version") = 0x00060100;

#define PROG(SEC, NAME) __section(SEC) int NAME(void *ctx) { return 0; }

PROG("xdp.frags/foo", xdp_frags_foo)
PROG("xdp.frags_devmap/foo", xdp_frags_devmap)
PROG("xdp_devmap/foo", xdp_devmap_foo)
PROG("xdp.frags_cpumap/foo", xdp_frags_cpumap)
PROG("xdp_cpumap/foo", xdp_cpumap_foo)
PROG("seccomp", seccomp_prog)
PROG("socket", socket_a)
PROG("socket", socket_b)
PROG("socket/garbage", socket_garbage)
PROG("sk_reuseport/migrate", sk_reuseport_migrate)
PROG("sk_reuseport", sk_reuseport_prog)
PROG("kprobe/do_sys_open", kprobe_a)
PROG("kprobe/do_sys_open", kprobe_b)
PROG("uprobe//bin/bash:readline", uprobe_prog)
PROG("uprobe.s//bin/bash:readline", uprobe_s_prog)
PROG("kretprobe/do_sys_open", kretprobe_prog)
PROG("uretprobe//bin/bash:readline", uretprobe_prog)
PROG("uretprobe.s//bin/bash:readline", uretprobe_s_prog)
PROG("kprobe.multi/vfs_*", kprobe_multi_prog)
PROG("kprobe.multi", kprobe_multi_bare)
PROG("kretprobe.multi/vfs_*", kretprobe_multi_prog)
PROG("kretprobe.multi", kretprobe_multi_bare)
PROG("uprobe.multi//bin/bash:read*", uprobe_multi_prog)
PROG("uretprobe.multi//bin/bash:read*", uretprobe_multi_prog)
PROG("uprobe.multi.s//bin/bash:read*", uprobe_multi_s_prog)
PROG("uretprobe.multi.s//bin/bash:read*", uretprobe_multi_s_prog)
PROG("ksyscall/openat", ksyscall_prog)
PROG("kretsyscall/openat", kretsyscall_prog)
PROG("usdt/libc.so.6:libc:setjmp", usdt_prog)
PROG("usdt.s/libc.so.6:libc:setjmp", usdt_s_prog)
PROG("tc/ingress", tc_ingress)
PROG("tc/egress", tc_egress)
PROG("tcx/ingress", tcx_ingress)
PROG("tcx/egress", tcx_egress)
PROG("tc", tc_prog)
PROG("tcfoo", tcfoo_prog)
PROG("classifier", classifier_prog)
PROG("action", action_prog)
PROG("netkit/primary", netkit_primary)
PROG("netkit/peer", netkit_peer)
PROG("tracepoint/syscalls/sys_enter_openat", tracepoint_prog)
PROG("tp/syscalls/sys_enter_openat", tp_prog)
PROG("raw_tracepoint/sched_switch", raw_tracepoint_prog)
PROG("raw_tp/sched_switch", raw_tp_prog)
PROG("raw_tracepoint.w/sched_switch", raw_tracepoint_w_prog)
PROG("raw_tp.w/sched_switch", raw_tp_w_prog)
PROG("tp_btf/task_newtask", tp_btf_prog)
PROG("fentry/inet_dgram_connect", fentry_prog)
PROG("fmod_ret/bpf_modify_return_test", fmod_ret_prog)
PROG("fexit/inet_dgram_connect", fexit_prog)
PROG("fentry.s/inet_dgram_connect", fentry_s_prog)
PROG("fmod_ret.s/bpf_modify_return_test", fmod_ret_s_prog)
PROG("fexit.s/inet_dgram_connect", fexit_s_prog)
PROG("freplace/some_func", freplace_prog)
PROG("lsm/task_getpgid", lsm_prog)
PROG("lsm.s/task_getpgid", lsm_s_prog)
PROG("lsm_cgroup/socket_bind", lsm_cgroup_prog)
PROG("iter/bpf_map", iter_prog)
PROG("iter.s/bpf_map", iter_s_prog)
PROG("syscall", syscall_prog)
PROG("xdp.frags", xdp_frags_prog)
PROG("xdp/devmap", xdp_devmap_prog)
PROG("xdp/cpumap", xdp_cpumap_prog)
PROG("xdp", xdp_a)
PROG("xdp", xdp_b)
PROG("xdp/foo", xdp_foo)
PROG("perf_event", perf_event_prog)
PROG("lwt_in", lwt_in_prog)
PROG("lwt_out", lwt_out_prog)
PROG("lwt_xmit", lwt_xmit_prog)
PROG("lwt_seg6local", lwt_seg6local_prog)
PROG("sockops", sockops_prog)
PROG("sk_skb/stream_parser", sk_skb_stream_parser)
PROG("sk_skb/stream_verdict", sk_skb_stream_verdict)
PROG("sk_skb/stream_verdict/foo", sk_skb_stream_verdict_foo)
PROG("sk_skb/bar", sk_skb_bar)
PROG("sk_skb", sk_skb_prog)
PROG("sk_msg", sk_msg_prog)
PROG("lirc_mode2", lirc_mode2_prog)
PROG("flow_dissector", flow_dissector_prog)
PROG("cgroup_skb/ingress", cgroup_skb_ingress)
PROG("cgroup_skb/egress", cgroup_skb_egress)
PROG("cgroup/skb", cgroup_skb_prog)
PROG("cgroup/sock_create", cgroup_sock_create)
PROG("cgroup/sock_release", cgroup_sock_release)
PROG("cgroup/sock", cgroup_sock_prog)
PROG("cgroup/post_bind4", cgroup_post_bind4)
PROG("cgroup/post_bind6", cgroup_post_bind6)
PROG("cgroup/bind4", cgroup_bind4)
PROG("cgroup/bind6", cgroup_bind6)
PROG("cgroup/connect4", cgroup_connect4)
PROG("cgroup/connect6", cgroup_connect6)
PROG("cgroup/connect_unix", cgroup_connect_unix)
PROG("cgroup/sendmsg4", cgroup_sendmsg4)
PROG("cgroup/sendmsg6", cgroup_sendmsg6)
PROG("cgroup/sendmsg_unix", cgroup_sendmsg_unix)
PROG("cgroup/recvmsg4", cgroup_recvmsg4)
PROG("cgroup/recvmsg6", cgroup_recvmsg6)
PROG("cgroup/recvmsg_unix", cgroup_recvmsg_unix)
PROG("cgroup/getpeername4", cgroup_getpeername4)
PROG("cgroup/getpeername6", cgroup_getpeername6)
PROG("cgroup/getpeername_unix", cgroup_getpeername_unix)
PROG("cgroup/getsockname4", cgroup_getsockname4)
PROG("cgroup/getsockname6", cgroup_getsockname6)
PROG("cgroup/getsockname_unix", cgroup_getsockname_unix)
PROG("cgroup/sysctl", cgroup_sysctl)
PROG("cgroup/getsockopt", cgroup_getsockopt)
PROG("cgroup/setsockopt", cgroup_setsockopt)
PROG("cgroup/dev", cgroup_dev)
PROG("struct_ops/test_1", struct_ops_prog)
PROG("struct_ops.s/test_2", struct_ops_s_prog)
PROG("sk_lookup", sk_lookup_prog)
PROG("netfilter", netfilter_prog)
PROG("?tc", optional_tc)
PROG("?kprobe/vfs_read", optional_kprobe)
PROG("not_a_program_type", unknown_section)
