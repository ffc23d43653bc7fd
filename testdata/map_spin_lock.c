/* A hash map whose value embeds struct bpf_spin_lock, so that the kernel
 * accepts BPF_F_LOCK on updates and lookups; the map needs its BTF (key and
 * value types) to be created.
 *
 * Expected: Maps["spin_lock_map"] Hash key 4 value 8 max 2, Key uint32,
 * Value struct hash_elem {lock bpf_spin_lock at 0, cnt uint32 at 4}.
 * Program add_locked (section tc, SchedCLS, License "GPL") increments cnt of
 * key 0 under the lock, inserting {0} first if needed, and returns the new
 * count (1 on the first run, 2 on the second...).
 */
#include "common.h"

char __license[] __section("license") = "GPL";

struct hash_elem {
	struct bpf_spin_lock lock;
	uint32_t cnt;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, uint32_t);
	__type(value, struct hash_elem);
	__uint(max_entries, 2);
} spin_lock_map __section(".maps");

__section("tc") int add_locked(void *ctx)
{
	uint32_t key = 0, cnt;
	struct hash_elem zero = {}, *elem;

	elem = bpf_map_lookup_elem(&spin_lock_map, &key);
	if (!elem) {
		bpf_map_update_elem(&spin_lock_map, &key, &zero, BPF_NOEXIST);
		elem = bpf_map_lookup_elem(&spin_lock_map, &key);
		if (!elem)
			return 0;
	}

	bpf_spin_lock(&elem->lock);
	cnt = ++elem->cnt;
	bpf_spin_unlock(&elem->lock);
	return cnt;
}
