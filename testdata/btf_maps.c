/* BTF map definitions beyond loader.c: more map types, struct and array
 * key/value types, a hash of maps, flags. All are accepted by the reader and
 * created on this kernel.
 *
 * Expected Maps (Key/Value are the BTF types named; "-" = nil):
 *   hash_of_maps  HashOfMaps key 4 value 4 max 4, Key uint32, InnerMap
 *                 hash_of_maps_inner Array key 4 value 8 max 2
 *   lru           LRUHash key 8 value 16 max 16, Key struct flow_key (8),
 *                 Value struct counters (16)
 *   percpu        PerCPUArray key 4 value 8 max 4
 *   lpm           LPMTrie key 8 value 4 max 16 Flags BPF_F_NO_PREALLOC,
 *                 Key struct lpm_key {prefixlen u32, addr u8[4]}
 *   queue         Queue key 0 value 4 max 8 (no key member at all)
 *   ringbuf       RingBuf key 0 value 0 max 4096
 *   array_key     Hash key 16 value 4 max 1, Key uint8[16] (array type)
 *   rdonly        Array key 4 value 4 max 1 Flags BPF_F_RDONLY_PROG
 *   typedef_vals  Hash key 4 value 8 max 1, Key/Value typedefs
 *                 (flow_id_t -> uint32, counter_t -> uint64)
 * Program use_maps (section socket, SocketFilter, License "GPL") references
 * each map once and returns 0.
 */
#include "common.h"

char __license[] __section("license") = "GPL";

struct inner_array {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 2);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__type(key, uint32_t);
	__uint(max_entries, 4);
	__array(values, struct inner_array);
} hash_of_maps __section(".maps");

struct flow_key {
	uint32_t saddr;
	uint16_t sport;
	uint16_t dport;
};

struct counters {
	uint64_t packets;
	uint64_t bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct flow_key);
	__type(value, struct counters);
	__uint(max_entries, 16);
} lru __section(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 4);
} percpu __section(".maps");

struct lpm_key {
	uint32_t prefixlen;
	uint8_t addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpm_key);
	__type(value, uint32_t);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} lpm __section(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__type(value, uint32_t);
	__uint(max_entries, 8);
} queue __section(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ringbuf __section(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, uint8_t[16]);
	__type(value, uint32_t);
	__uint(max_entries, 1);
} array_key __section(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_RDONLY_PROG);
} rdonly __section(".maps");

typedef uint32_t flow_id_t;
typedef uint64_t counter_t;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, flow_id_t);
	__type(value, counter_t);
	__uint(max_entries, 1);
} typedef_vals __section(".maps");

__section("socket") int use_maps(void *ctx)
{
	uint32_t key = 0;
	struct flow_key fk = {};
	struct lpm_key lk = {.prefixlen = 32};
	uint8_t ak[16] = {};

	bpf_map_lookup_elem(&hash_of_maps, &key);
	bpf_map_lookup_elem(&lru, &fk);
	bpf_map_lookup_elem(&percpu, &key);
	bpf_map_lookup_elem(&lpm, &lk);
	bpf_map_lookup_elem(&array_key, ak);
	bpf_map_lookup_elem(&rdonly, &key);
	bpf_map_lookup_elem(&typedef_vals, &key);
	/* Queue and ring buffer have no keys. */
	bpf_map_push_elem(&queue, &key, BPF_ANY);
	bpf_ringbuf_output(&ringbuf, &key, sizeof(key), 0);
	return 0;
}
