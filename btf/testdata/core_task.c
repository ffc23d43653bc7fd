/* Reads fields of the current task_struct through CO-RE relocations against
 * the running kernel, from a program type that BPF_PROG_TEST_RUN can run
 * (syscall, kernel >= 5.14), and checks them against helper results.
 *
 * Local task_struct: pid, tgid, comm, group_leader (a tiny subset, in an
 * order unrelated to the kernel's, so every offset must be relocated).
 *
 * Programs (section syscall, Syscall, sleepable, License "GPL"), both take a
 * context struct task_info {s32 pid; s32 tgid; s32 leader_pid; u32 pad;
 * char comm[16];} (32 bytes; pass it as Context and read it back from
 * ContextOut):
 *   task_probe_read  reads through bpf_get_current_task() +
 *                    bpf_probe_read_kernel() (relocated offsets as values)
 *   task_btf_read    reads through bpf_get_current_task_btf() with direct
 *                    loads (relocated load offsets)
 * Both fill the context with the current thread's pid (thread id), tgid
 * (process id), group leader's pid (== tgid) and comm, and return 0 when
 * those agree with bpf_get_current_pid_tgid()/bpf_get_current_comm(); else
 * the source line of the failed check. Run from Go, pid is the calling
 * thread's id (lock the OS thread), tgid os.Getpid(), comm the thread's
 * name (the test binary's name, truncated to 15 bytes).
 */
#include "core.h"
#include <linux/bpf.h>

char __license[] __section("license") = "GPL";

struct task_struct {
	char comm[16];
	struct task_struct *group_leader;
	int tgid;
	int pid;
} __core;

struct task_info {
	s32 pid;
	s32 tgid;
	s32 leader_pid;
	u32 pad;
	char comm[16];
};

static u64 (*bpf_get_current_task)(void) = (void *)BPF_FUNC_get_current_task;
static struct task_struct *(*bpf_get_current_task_btf)(void) = (void *)BPF_FUNC_get_current_task_btf;
static long (*bpf_probe_read_kernel)(void *dst, u32 size, const void *src) = (void *)BPF_FUNC_probe_read_kernel;
static u64 (*bpf_get_current_pid_tgid)(void) = (void *)BPF_FUNC_get_current_pid_tgid;
static long (*bpf_get_current_comm)(void *buf, u32 size) = (void *)BPF_FUNC_get_current_comm;

static __always_inline int compare(struct task_info *out, const u64 comm[2])
{
	u64 pid_tgid = bpf_get_current_pid_tgid();
	u64 want[2] = {};

	bpf_get_current_comm(want, sizeof(want));
	check(out->pid == (s32)pid_tgid);
	check(out->tgid == (s32)(pid_tgid >> 32));
	check(out->leader_pid == out->tgid);
	check(comm[0] == want[0]);
	check(comm[1] == want[1]);
	return 0;
}

__section("syscall") int task_probe_read(struct task_info *out)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *leader = 0;
	u64 comm[2] = {};
	s32 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &task->pid);
	out->pid = v;
	bpf_probe_read_kernel(&v, sizeof(v), &task->tgid);
	out->tgid = v;
	bpf_probe_read_kernel(&leader, sizeof(leader), &task->group_leader);
	bpf_probe_read_kernel(&v, sizeof(v), &leader->pid);
	out->leader_pid = v;
	bpf_probe_read_kernel(comm, sizeof(comm), task->comm);
	__builtin_memcpy(out->comm, comm, sizeof(comm));
	return compare(out, comm);
}

__section("syscall") int task_btf_read(struct task_info *out)
{
	struct task_struct *task = bpf_get_current_task_btf();
	u64 comm[2];

	out->pid = task->pid;
	out->tgid = task->tgid;
	out->leader_pid = task->group_leader->pid;
	comm[0] = *(u64 *)&task->comm[0];
	comm[1] = *(u64 *)&task->comm[8];
	__builtin_memcpy(out->comm, comm, sizeof(comm));
	return compare(out, comm);
}
