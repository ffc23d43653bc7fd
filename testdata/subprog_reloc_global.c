/* A function pointer to a *global* function: the ld_imm64 relocation is
 * against the function's own STT_FUNC/STB_GLOBAL symbol (for a static
 * callback it is against the section symbol, see subprog_reloc.c).
 *
 * Expected: the spec parses; program fp_global (section xdp, XDP,
 * License "MIT") has an ld_imm64 with Src PseudoFunc, Constant -1,
 * Reference "global_cb", and global_cb (in .text) is linked into it.
 * Maps["array"] Array key 4 value 8 max 1.
 * Loading fails in the verifier: "callback function not static".
 */
#include "common.h"

char __license[] __section("license") = "MIT";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 1);
} array __section(".maps");

__noinline long global_cb(void *map, uint32_t *key, uint64_t *value, uint64_t *ctx)
{
	*ctx = 1;
	return 0;
}

__section("xdp") int fp_global(void *ctx)
{
	uint64_t result = 0;

	bpf_for_each_map_elem(&array, global_cb, &result, 0);
	return result;
}
