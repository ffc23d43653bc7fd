/* Many programs sharing subprograms and a map, for benchmarks of the ELF
 * reader, the linker and collection loading.
 *
 * Expected: 100 programs kprobe_execve0 .. kprobe_execve99, each Kprobe in its
 * own section kprobe/sys_execve<N> (AttachTo "sys_execve<N>"), License "GPL",
 * KernelVersion 0xFFFFFFFE (the "running kernel" magic value). Each calls the
 * global subprogram count_event (in .text, shared by all), which updates the
 * BTF map kprobe_map (Hash key 4 value 8 max 128) and calls the static
 * subprogram current_pid, which reads task_struct::pid through a CO-RE
 * relocation (field byte offset, resolved against vmlinux). So every
 * program links two .text functions and carries one CO-RE relocation.
 * All load on this kernel (attaching needs tracefs/kprobes, not tested here).
 */
#include "common.h"

char __license[] __section("license") = "GPL";
uint32_t __version __section("version") = 0xFFFFFFFE;

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 128);
} kprobe_map __section(".maps");

static __noinline int current_pid(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int pid = 0;

	bpf_probe_read_kernel(&pid, sizeof(pid), &task->pid);
	return pid;
}

__noinline int count_event(uint32_t id)
{
	uint64_t value = (uint64_t)current_pid() << 32 | id;
	bpf_map_update_elem(&kprobe_map, &id, &value, BPF_ANY);
	return 0;
}

#define PROG(N)                                                                \
	__section("kprobe/sys_execve" #N) int kprobe_execve##N(void *ctx)      \
	{                                                                      \
		return count_event(N);                                         \
	}

#define PROG10(N)                                                              \
	PROG(N##0) PROG(N##1) PROG(N##2) PROG(N##3) PROG(N##4)                 \
	PROG(N##5) PROG(N##6) PROG(N##7) PROG(N##8) PROG(N##9)

PROG(0) PROG(1) PROG(2) PROG(3) PROG(4) PROG(5) PROG(6) PROG(7) PROG(8) PROG(9)
PROG10(1) PROG10(2) PROG10(3) PROG10(4) PROG10(5) PROG10(6) PROG10(7) PROG10(8) PROG10(9)
