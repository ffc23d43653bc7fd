/* A subprogram used as a callback: its address is taken with an ld_imm64
 * (BPF_PSEUDO_FUNC) instead of being called.
 *
 * Expected: Maps["hash_map"] legacy Hash key 4 value 8 max 1. Program
 * fp_relocation (section xdp, XDP, License "MIT"): inserts {0: 0}, runs
 * bpf_for_each_map_elem with the static callback sub_prog (in .text; the
 * relocation is against the .text section symbol with the byte offset in
 * the immediate), which stores 42 into the element and into the context
 * the program passes; returns 42. The linked program contains sub_prog and
 * the ld_imm64 has Src PseudoFunc, Constant -1, Reference "sub_prog".
 */
#include "common.h"

char __license[] __section("license") = "MIT";

struct bpf_map_def hash_map __section("maps") = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(uint32_t),
	.value_size = sizeof(uint64_t),
	.max_entries = 1,
};

static long sub_prog(void *map, uint32_t *key, uint64_t *value, uint64_t *ctx)
{
	*value = 42;
	*ctx = *value;
	return 0;
}

__section("xdp") int fp_relocation(void *ctx)
{
	uint32_t key = 0;
	uint64_t value = 0, result = 0;

	bpf_map_update_elem(&hash_map, &key, &value, BPF_ANY);
	bpf_for_each_map_elem(&hash_map, sub_prog, &result, 0);
	return result;
}
