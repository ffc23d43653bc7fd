/* fentry/fexit programs whose attach target is another BPF program of this
 * object (the tc program `target`). The ELF reader only records AttachTo
 * "target"; attaching needs the target loaded first (AttachTarget), which
 * link tests do.
 *
 * Expected programs (License "MIT"):
 *   target          section tc             SchedCLS, returns 0
 *   trace_on_entry  section fentry/target  Tracing, AttachTraceFEntry, AttachTo "target"
 *   trace_on_exit   section fexit/target   Tracing, AttachTraceFExit,  AttachTo "target"
 */
#include "common.h"

char __license[] __section("license") = "MIT";

__section("tc") int target(void *ctx)
{
	return 0;
}

__section("fentry/target") int trace_on_entry(void *ctx)
{
	return 0;
}

__section("fexit/target") int trace_on_exit(void *ctx)
{
	return 0;
}
