/* String literals, which clang puts into the mergeable section
 * .rodata.str1.1 (no BTF Datasec for it).
 *
 * Expected: Maps[".rodata.str1.1"] Array key 4 value <section size> max 1,
 * Flags BPF_F_RDONLY_PROG, Freeze, Contents = the raw section bytes, Key and
 * Value nil (no BTF). Maps["my_map"] Hash key 48 value 4 max 2.
 * Program filter (section xdp, XDP, License "MIT") uses the 48-byte literal
 * KEY (47 characters and NUL,
 * "Strings live in .rodata.str1.1, not in .rodata!") as key into my_map and sets its value to 1,
 * then returns XDP_PASS (2). After one run, my_map[KEY] == 1.
 */
#include "common.h"

char __license[] __section("license") = "MIT";

#define KEY "Strings live in .rodata.str1.1, not in .rodata!"
_Static_assert(sizeof(KEY) == 48, "KEY must be 48 bytes");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(key_size, 48);
	__type(value, uint32_t);
	__uint(max_entries, 2);
} my_map __section(".maps");

__section("xdp") int filter(void *ctx)
{
	uint32_t one = 1;
	bpf_map_update_elem(&my_map, KEY, &one, BPF_ANY);
	return XDP_PASS;
}
