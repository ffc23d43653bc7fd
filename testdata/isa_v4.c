/* Compiled with -mcpu=v4 (see the Makefile) so that clang emits the
 * instructions of BPF ISA v4: sign-extending loads (ldsx, e.g.
 * `r1 = *(s8 *)(r1 + 0)`), sign-extending moves (movsx, `r1 = (s8)r2`),
 * unconditional byte swaps (`r1 = bswap64 r1`) and signed division and
 * modulo (`s/=`, `s%=`). The inputs and the expected results are volatile
 * globals, so that clang cannot fold the computations away. The reader must
 * decode and re-encode these instructions unchanged (big-endian objects
 * store the same instructions with swapped register nibbles).
 *
 * Program isa_v4 (section socket, SocketFilter, License "GPL") returns 0 when
 * every computation gives its expected value, else the number of the failed
 * check. Loads and returns 0 on kernels >= 6.6.
 */
#include "common.h"

char __license[] __section("license") = "GPL";

volatile int8_t s8 = -3;
volatile int16_t s16 = -300;
volatile int32_t s32 = -70000;
volatile uint64_t u64 = 0x0102030405060708ULL;
volatile int64_t divisor = -7;

volatile int64_t want_s8 = -3;
volatile int64_t want_s16 = -300;
volatile int64_t want_s32 = -70000;
volatile int64_t want_movsx = (int8_t)-70000;
volatile uint64_t want_bswap64 = 0x0807060504030201ULL;
volatile uint32_t want_bswap32 = 0x08070605;
volatile uint16_t want_bswap16 = 0x0807;
volatile int64_t want_sdiv = 10000;
volatile int64_t want_smod = 0;

__section("socket") int isa_v4(void *ctx)
{
	int64_t c = s32;
	uint64_t v = u64;

	if ((int64_t)s8 != want_s8)
		return 1;
	if ((int64_t)s16 != want_s16)
		return 2;
	if (c != want_s32)
		return 3;
	if ((int64_t)(int8_t)c != want_movsx)
		return 4;
	if (__builtin_bswap64(v) != want_bswap64)
		return 5;
	if (__builtin_bswap32((uint32_t)v) != want_bswap32)
		return 6;
	if (__builtin_bswap16((uint16_t)v) != want_bswap16)
		return 7;
	if (c / divisor != want_sdiv)
		return 8;
	if (c % divisor != want_smod)
		return 9;
	return 0;
}
