/* A map in iproute2's (tc's) legacy format, struct bpf_elf_map, which is
 * struct bpf_map_def followed by four more u32 fields.
 *
 * Expected: Maps["hash_map"] Hash key 4 value 8 max 2, Pinning PinNone (the
 * library does not interpret the extra fields), Extra = 16 bytes:
 * id 0, pinning 2 (PIN_GLOBAL_NS), inner_id 0, inner_idx 0, each a u32 in ELF
 * byte order. Creating the map needs Extra cleared (or consumed) first; with
 * Pinning PinByName and a PinPath the collection then loads.
 * Program use_map (section socket, SocketFilter, License "GPL") looks the map
 * up and returns 0.
 */
#include "common.h"

char __license[] __section("license") = "GPL";

#define PIN_GLOBAL_NS 2

struct bpf_elf_map {
	uint32_t type;
	uint32_t size_key;
	uint32_t size_value;
	uint32_t max_elem;
	uint32_t flags;
	uint32_t id;
	uint32_t pinning;
	uint32_t inner_id;
	uint32_t inner_idx;
};

struct bpf_elf_map hash_map __section("maps") = {
	.type = BPF_MAP_TYPE_HASH,
	.size_key = sizeof(uint32_t),
	.size_value = sizeof(uint64_t),
	.max_elem = 2,
	.pinning = PIN_GLOBAL_NS,
};

__section("socket") int use_map(void *ctx)
{
	uint32_t key = 0;
	bpf_map_lookup_elem(&hash_map, &key);
	return 0;
}
