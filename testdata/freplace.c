/* A global subprogram and an extension program that can replace it.
 *
 * Expected programs (License "MIT"):
 *   sched_process_exec  section raw_tracepoint/sched_process_exec  RawTracepoint,
 *                       calls subprog (linked from .text), returns its result (0)
 *   replacement         section freplace/subprog  Extension, AttachTo "subprog",
 *                       returns 1
 * subprog lives in .text, is global (verified on its own by the kernel, and
 * therefore replaceable) and is not a program.
 */
#include "common.h"

char __license[] __section("license") = "MIT";

__noinline int subprog(void)
{
	volatile int ret = 0;
	return ret;
}

__section("raw_tracepoint/sched_process_exec") int sched_process_exec(void *ctx)
{
	return subprog();
}

__section("freplace/subprog") int replacement(void)
{
	return 1;
}
