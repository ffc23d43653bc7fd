/* A CONFIG_* extern, which the loader reads from the kernel's configuration
 * (/proc/config.gz or /boot/config-$(uname -r)).
 *
 * Expected: program kconfig (section socket, SocketFilter, License "MIT")
 * stores CONFIG_HZ at key 0 of array_map (Array key 4 value 4 max 1) and
 * returns 0. On this machine CONFIG_HZ=250.
 */
#include "common.h"

char __license[] __section("license") = "MIT";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__uint(max_entries, 1);
} array_map __section(".maps");

extern int CONFIG_HZ __kconfig;

__section("socket") int kconfig(void)
{
	uint32_t key = 0;
	uint32_t value = CONFIG_HZ;
	bpf_map_update_elem(&array_map, &key, &value, 0);
	return 0;
}
