/* Statically initialised BTF maps: the `values` member of a map definition
 * filled with programs (prog array) or maps (map of maps).
 *
 * Expected CollectionSpec:
 *   prog_array_init  ProgramArray key 4 value 4 max 4
 *                    Contents [{Key: uint32(1), Value: "tail_1"}]
 *                    (slot 0 is left empty and produces no entry)
 *   inner_map        Hash key 4 value 4 max 1, no Contents
 *   outer_map_init   ArrayOfMaps key 4 value 4 max 3
 *                    Key/Value uint32 BTF types, InnerMap
 *                    outer_map_init_inner Hash key 4 value 4 max 1 with
 *                    Key/Value set; Contents [{Key: uint32(1), Value: "inner_map"}]
 *   Programs (SocketFilter, License "MIT")
 *     tail_1     section socket/tail  returns 42
 *     tail_main  section socket/main  tail calls slot 1 of prog_array_init,
 *                                     so running it returns 42 (0 if the
 *                                     slot is empty)
 */
#include "common.h"

char __license[] __section("license") = "MIT";

__section("socket/tail") int tail_1(void *ctx)
{
	return 42;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__uint(max_entries, 4);
	__array(values, int(void *));
} prog_array_init __section(".maps") = {
	.values = {
		[1] = (void *)&tail_1,
	},
};

struct inner_map_t {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, uint32_t);
	__type(value, uint32_t);
};

struct inner_map_t inner_map __section(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 3);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__array(values, struct inner_map_t);
} outer_map_init __section(".maps") = {
	.values = {
		[1] = &inner_map,
	},
};

__section("socket/main") int tail_main(void *ctx)
{
	bpf_tail_call(ctx, &prog_array_init, 1);
	return 0;
}
