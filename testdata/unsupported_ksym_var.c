/* A __ksym extern that is a variable, not a function (libbpf resolves these
 * to kernel addresses). This library version supports only kfuncs in .ksyms.
 *
 * Expected: LoadCollectionSpec fails with an error wrapping ErrNotSupported
 * (the .ksyms Datasec has a btf.Var). The program (tp_btf/task_newtask,
 * taking the address of the per-CPU variable bpf_prog_active) loads with
 * bpftool/libbpf on this kernel.
 */
#include "common.h"

char __license[] __section("license") = "GPL";

extern const int bpf_prog_active __ksym;

__section("tp_btf/task_newtask") int ksym_var(void *ctx)
{
	volatile uint64_t addr = (uint64_t)&bpf_prog_active;
	return addr == 0;
}
