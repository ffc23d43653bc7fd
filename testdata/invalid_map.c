/* A legacy map definition longer than struct bpf_map_def whose trailing
 * bytes are not zero.
 *
 * Expected: the spec parses; Maps["invalid_map"] is Hash key 4 value 2
 * max 1 (both sizes read in ELF byte order) with Extra holding the 4 bytes of
 * `dummy` (uint32 1 in ELF byte order). NewMap fails because Extra has
 * non-zero bytes the library does not understand.
 */
#include "common.h"

char __license[] __section("license") = "MIT";

struct {
	struct bpf_map_def def;
	uint32_t dummy;
} invalid_map __section("maps") = {
	.def = {
		.type = BPF_MAP_TYPE_HASH,
		.key_size = 4,
		.value_size = 2,
		.max_entries = 1,
	},
	.dummy = 1,
};
