/* A bloom filter with `map_extra` (number of hash functions) in its BTF
 * definition. libbpf understands map_extra; this library version does not.
 *
 * Expected: LoadCollectionSpec fails with "unrecognized field map_extra in
 * BTF map definition" (naming the map bloom). libbpf/bpftool load it.
 */
#include "common.h"

char __license[] __section("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__type(value, uint32_t);
	__uint(max_entries, 16);
	__uint(map_extra, 3);
} bloom __section(".maps");

__section("socket") int use_bloom(void *ctx)
{
	uint32_t value = 1;
	bpf_map_push_elem(&bloom, &value, BPF_ANY);
	return 0;
}
