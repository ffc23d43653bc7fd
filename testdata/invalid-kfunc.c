/* A kfunc declared with a prototype that does not match the kernel's:
 * vmlinux has `struct task_struct *bpf_task_acquire(struct task_struct *p)`.
 *
 * Expected: the spec parses (program call_kfunc, section tc, SchedCLS,
 * License "GPL"); loading fails before verification with the loader's
 * incompatible-kfunc error (*incompatibleKfuncError) naming bpf_task_acquire.
 * Runs on any kernel that has bpf_task_acquire (>= 6.2), no module needed.
 */
#include "common.h"

char __license[] __section("license") = "GPL";

extern int bpf_task_acquire(int pid, int flags) __ksym;

__section("tc") int call_kfunc(void *ctx)
{
	return bpf_task_acquire(1, 2);
}
