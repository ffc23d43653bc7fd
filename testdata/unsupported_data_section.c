/* Globals in custom data sections (.data.<name>, .bss.<name>), which libbpf
 * turns into extra maps. This library version only treats .data, .bss and
 * .rodata* as data sections.
 *
 * Expected: LoadCollectionSpec fails with an error wrapping ErrNotSupported
 * that names the program section (socket) and the symbol or section
 * referenced (.data.custom). libbpf/bpftool load it.
 */
#include "common.h"

char __license[] __section("license") = "GPL";

uint32_t custom_value __section(".data.custom") = 5;

__section("socket") int use_custom(void *ctx)
{
	return custom_value;
}
