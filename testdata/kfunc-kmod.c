/* A kfunc provided by a kernel module (bpf_testmod, from the kernel's
 * selftests), resolved against the module's split BTF.
 *
 * Expected: program call_kfunc (section tc, SchedCLS, License "GPL") calling
 * bpf_testmod_test_mod_kfunc(42) and returning 1. Loads only where
 * bpf_testmod is loaded (not on this machine: CONFIG_MODULES is off); elsewhere
 * the load fails because the kfunc is not found.
 */
#include "common.h"

char __license[] __section("license") = "GPL";

extern void bpf_testmod_test_mod_kfunc(int i) __ksym;

__section("tc") int call_kfunc(void *ctx)
{
	bpf_testmod_test_mod_kfunc(42);
	return 1;
}
