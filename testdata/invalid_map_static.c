/* A legacy map declared `static` and referenced from code. libbpf-era
 * objects must not do this: the relocation points at a local symbol.
 *
 * Expected: LoadCollectionSpec fails with an error containing
 * "possible erroneous static qualifier on map definition: found reference to
 * \"hash_map\"". (dummy is a valid global map in the same section.)
 */
#include "common.h"

char __license[] __section("license") = "MIT";

static struct bpf_map_def hash_map __section("maps") = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(uint32_t),
	.value_size = sizeof(uint64_t),
	.max_entries = 1,
};

struct bpf_map_def dummy __section("maps") = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(uint32_t),
	.value_size = sizeof(uint64_t),
	.max_entries = 1,
};

__section("xdp") int xdp_prog(void)
{
	uint32_t key = 0;
	bpf_map_lookup_elem(&hash_map, &key);
	bpf_map_lookup_elem(&dummy, &key);
	return 0;
}
