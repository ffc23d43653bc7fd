/* Enum value relocations emitted as 64-bit immediate loads (ld_imm64),
 * resolved against the running kernel's BTF. The local enumerators have
 * deliberately wrong values; only relocation makes them right.
 *
 * Expected: program core_ld64imm (section socket/core_ld64imm, SocketFilter,
 * License "MIT") loads against vmlinux and returns 0 when run:
 *   bpf_map_type::BPF_MAP_TYPE_HASH  -> 1, BPF_MAP_TYPE_ARRAY -> 2
 *   perf_callchain_context::PERF_CONTEXT_KERNEL -> (u64)-128 (an ENUM64 in
 *   the kernel's BTF; 7 locally)
 * Against its own BTF it loads too but returns the line of the first check.
 */
#include "core.h"

char __license[] __section("license") = "MIT";

enum bpf_map_type___local {
	BPF_MAP_TYPE_HASH = 101,
	BPF_MAP_TYPE_ARRAY = 102,
};

enum perf_callchain_context___local {
	PERF_CONTEXT_KERNEL = 7,
};

__section("socket/core_ld64imm") int core_ld64imm(void *ctx)
{
	check(core_enum_value(enum bpf_map_type___local, BPF_MAP_TYPE_HASH) == 1);
	check(core_enum_value(enum bpf_map_type___local, BPF_MAP_TYPE_ARRAY) == 2);
	check(core_enum_value(enum perf_callchain_context___local, PERF_CONTEXT_KERNEL) == (u64)-128);
	return 0;
}
