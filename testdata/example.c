/* The object that examples/loader loads: a packet classifier made of a
 * program, a statically initialised prog array, a map, global constants
 * and a subprogram.
 *
 * Expected CollectionSpec:
 *   Maps:
 *     sizes     Array key 4 value 8 max 2 (Key/Value uint32/uint64): packets
 *               counted as small (0) or large (1)
 *     bytes     Array key 4 value 8 max 2: their bytes, likewise
 *     handlers  ProgramArray key 4 value 4 max 2, Contents
 *               [{0, "count_small"}, {1, "count_large"}]
 *     .rodata   threshold = 128, verdict = 1
 *   Programs (section socket, SocketFilter, License "Dual MIT/GPL"):
 *     classify     tail calls handlers[0] for packets shorter than
 *                  `threshold` bytes, handlers[1] for the others; returns 0
 *                  if the slot is empty
 *     count_small  (socket/small) and count_large (socket/large) count the
 *                  packet with the global subprogram `count` and return
 *                  `verdict`
 *   skb->len of a test run excludes the 14-byte Ethernet header: running
 *   classify on a 64-byte frame returns 1 and sets sizes[0] = 1 and
 *   bytes[0] = 50; with threshold rewritten to 32 it counts as large.
 */
#include "common.h"

char __license[] __section("license") = "Dual MIT/GPL";

enum { SMALL, LARGE };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 2);
} sizes __section(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 2);
} bytes __section(".maps");

volatile const uint32_t threshold = 128;
volatile const uint32_t verdict = 1;

/* A global function: verified on its own and called, not inlined. */
__noinline int count(uint32_t kind, uint32_t len)
{
	uint64_t *n = bpf_map_lookup_elem(&sizes, &kind);
	if (n)
		__sync_fetch_and_add(n, 1);

	uint64_t *b = bpf_map_lookup_elem(&bytes, &kind);
	if (b)
		__sync_fetch_and_add(b, len);
	return 0;
}

__section("socket/small") int count_small(struct __sk_buff *skb)
{
	count(SMALL, skb->len);
	return verdict;
}

__section("socket/large") int count_large(struct __sk_buff *skb)
{
	count(LARGE, skb->len);
	return verdict;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__uint(max_entries, 2);
	__array(values, int(struct __sk_buff *));
} handlers __section(".maps") = {
	.values = {
		[SMALL] = (void *)&count_small,
		[LARGE] = (void *)&count_large,
	},
};

__section("socket") int classify(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &handlers, skb->len < threshold ? SMALL : LARGE);
	return 0;
}
