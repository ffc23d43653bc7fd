/* A BTF map definition with an initialised member other than `values`.
 *
 * Expected: LoadCollectionSpec fails with an error wrapping ErrNotSupported
 * (non-zero bytes in .maps; there is no relocation to explain them).
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 1);
} hash_map __section(".maps") = {
	/* The member is a pointer; any non-null value ends up in the section. */
	.max_entries = (void *)1,
};
