/* `volatile const` globals in .rodata, which RewriteConstants changes before
 * loading and which the loader freezes so the verifier may trust them.
 *
 * Expected CollectionSpec:
 *   Maps: .rodata (Array, key 4, value 12, max 1, Flags BPF_F_RDONLY_PROG,
 *         Freeze, Value = Datasec ".rodata" with vars ret, socket_ret,
 *         tc_ret in that order of offsets 0, 4, 8)
 *   Programs (License "MIT")
 *     freeze_rodata  section sk_lookup/  SkLookup, AttachSkLookup
 *         returns `ret`. sk_lookup programs must return SK_DROP (0) or
 *         SK_PASS (1); the default 0xffffffff only verifies if it is
 *         rewritten, e.g. RewriteConstants({"ret": uint32(1)}) then loads
 *         (this relies on .rodata being frozen before verification).
 *     socket_const   section socket      SocketFilter, returns socket_ret
 *         (default 21; rewrite it and run to see the new value)
 *     tc_const       section tc          SchedCLS, returns tc_ret (default 2)
 */
#include "common.h"

char __license[] __section("license") = "MIT";

volatile const uint32_t ret = 0xffffffff;
volatile const uint32_t socket_ret = 21;
volatile const uint32_t tc_ret = 2;

__section("sk_lookup/") int freeze_rodata(void *ctx)
{
	return ret;
}

__section("socket") int socket_const(void *ctx)
{
	return socket_ret;
}

__section("tc") int tc_const(void *ctx)
{
	return tc_ret;
}
