/* A raw tracepoint program (RawTracepoint, AttachTo "sched_process_exec").
 * Loads on any kernel >= 4.17; returns 0.
 */
#include "common.h"

char __license[] __section("license") = "MIT";

__section("raw_tracepoint/sched_process_exec") int sched_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
	return 0;
}
