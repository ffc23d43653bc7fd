/* A BTF map definition with `numa_node`. libbpf understands it (together
 * with BPF_F_NUMA_NODE); this library version does not read it from BTF
 * (MapSpec.NumaNode can only be set programmatically).
 *
 * Expected: LoadCollectionSpec fails with "unrecognized field numa_node in
 * BTF map definition" (naming the map numa_hash). libbpf/bpftool load it.
 */
#include "common.h"

char __license[] __section("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NUMA_NODE);
	__uint(numa_node, 0);
} numa_hash __section(".maps");

__section("socket") int use_numa(void *ctx)
{
	uint32_t key = 0;
	bpf_map_lookup_elem(&numa_hash, &key);
	return 0;
}
