/* CONFIG_* externs of every type the .kconfig layout and the value parser
 * handle: bool, tristate (an enum), a string as a char array, a number in
 * an integer wider than 4 bytes, and a weak extern that does not exist.
 *
 * Expected .kconfig Datasec after the layout fix-up. clang-19 lists the
 * variables in order of first use, and the reader lays them out in that order,
 * each aligned to its type (Int/Enum: size, Array: element):
 *   CONFIG_DEFAULT_HOSTNAME   char[16]     offset 0
 *   LINUX_KERNEL_VERSION      u32          offset 16
 *   CONFIG_BPF                bool         offset 20
 *   CONFIG_NET_CLS_BPF        tristate     offset 24 (enum, size 4)
 *   CONFIG_HZ                 u64          offset 32
 *   CONFIG_BOGUS_FOR_TESTING  int (weak)   offset 40
 *   size 44, every variable's linkage GlobalVar.
 * Program kconfig_types (section socket, SocketFilter, License "MIT") writes
 * into `values` (Array key 4 value 8 max 6):
 *   0: LINUX_KERNEL_VERSION, 1: CONFIG_BPF (1 for y), 2: CONFIG_NET_CLS_BPF
 *   (TRI_YES 1, TRI_MODULE 2, TRI_NO 0), 3: first 8 bytes of
 *   CONFIG_DEFAULT_HOSTNAME as a native-endian u64 ("(none)\0\0" here),
 *   4: CONFIG_HZ (250 here), 5: CONFIG_BOGUS_FOR_TESTING (0, missing weak)
 * and returns 0. Needs a kernel config file to load.
 */
#include "common.h"

char __license[] __section("license") = "MIT";

enum libbpf_tristate {
	TRI_NO = 0,
	TRI_YES = 1,
	TRI_MODULE = 2,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 6);
} values __section(".maps");

extern uint32_t LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF __kconfig;
extern enum libbpf_tristate CONFIG_NET_CLS_BPF __kconfig;
extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig;
extern uint64_t CONFIG_HZ __kconfig;
extern int CONFIG_BOGUS_FOR_TESTING __kconfig __weak;

static __always_inline void store(uint32_t key, uint64_t value)
{
	bpf_map_update_elem(&values, &key, &value, 0);
}

__section("socket") int kconfig_types(void)
{
	uint64_t hostname = 0;
	__builtin_memcpy(&hostname, CONFIG_DEFAULT_HOSTNAME, sizeof(hostname));

	store(0, LINUX_KERNEL_VERSION);
	store(1, CONFIG_BPF);
	store(2, CONFIG_NET_CLS_BPF);
	store(3, hostname);
	store(4, CONFIG_HZ);
	store(5, CONFIG_BOGUS_FOR_TESTING);
	return 0;
}
