/* Programs meant to be run with BPF_PROG_TEST_RUN (Program.Run / Test /
 * Benchmark), for examples and collection tests. Every program has a known
 * result when run with a 64-byte zeroed packet (14 bytes or more suffice)
 * and default options.
 *
 * Maps:
 *   results    Array key 4 value 8 max 4 (Key/Value uint32/uint64)
 *   jump_table ProgramArray key 4 value 4 max 2, empty in the spec
 * Data sections: .rodata (multiplier = 3, greeting = 7), .bss (runs),
 *   .data (base = 10)
 * Programs (License "Dual MIT/GPL"):
 *   socket_seven    socket      SocketFilter  returns 7
 *   socket_const    socket      SocketFilter  returns multiplier * greeting
 *                                             = 21 (RewriteConstants changes it)
 *   xdp_pass        xdp         XDP           returns XDP_PASS (2); also
 *                                             writes packet length (64) into
 *                                             results[0]
 *   tc_subprogs     tc          SchedCLS      returns add(base, twice(5)) = 20
 *                                             through a global (.text) and a
 *                                             static subprogram
 *   tc_counter      tc          SchedCLS      increments the .bss counter
 *                                             `runs`, writes it to results[1]
 *                                             and returns it (1 on first run)
 *   tail_caller     socket/tail SocketFilter  tail calls jump_table[0];
 *                                             returns 1 if that slot is empty
 *   tail_callee     socket/tail SocketFilter  returns 17 (put it into
 *                                             jump_table[0] and run tail_caller:
 *                                             17)
 *   raw_tp_run      raw_tp/sys_enter  RawTracepoint  returns 0, writes 3
 *                                             into results[2] (runs with empty
 *                                             options)
 *   syscall_ctx     syscall     Syscall       reads two u32 from its context
 *                                             (struct args {a, b}), writes
 *                                             their sum to the context's
 *                                             `sum` field and returns a * b
 * All load and run on this kernel.
 */
#include "common.h"

char __license[] __section("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 4);
} results __section(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(key_size, sizeof(uint32_t));
	__uint(value_size, sizeof(uint32_t));
	__uint(max_entries, 2);
} jump_table __section(".maps");

volatile const uint32_t multiplier = 3;
volatile const uint32_t greeting = 7;
uint32_t base = 10;
uint64_t runs;

static __always_inline void store(uint32_t key, uint64_t value)
{
	bpf_map_update_elem(&results, &key, &value, BPF_ANY);
}

static __noinline int twice(int x)
{
	return x * 2;
}

__noinline int add(int a, int b)
{
	return a + b;
}

__section("socket") int socket_seven(struct __sk_buff *skb)
{
	return 7;
}

__section("socket") int socket_const(struct __sk_buff *skb)
{
	return multiplier * greeting;
}

__section("xdp") int xdp_pass(struct xdp_md *ctx)
{
	store(0, ctx->data_end - ctx->data);
	return XDP_PASS;
}

__section("tc") int tc_subprogs(struct __sk_buff *skb)
{
	return add(base, twice(5));
}

__section("tc") int tc_counter(struct __sk_buff *skb)
{
	uint64_t n = __sync_add_and_fetch(&runs, 1);
	store(1, n);
	return n;
}

__section("socket/tail") int tail_caller(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jump_table, 0);
	return 1;
}

__section("socket/tail") int tail_callee(struct __sk_buff *skb)
{
	return 17;
}

__section("raw_tp/sys_enter") int raw_tp_run(void *ctx)
{
	store(2, 3);
	return 0;
}

struct args {
	uint32_t a;
	uint32_t b;
	uint32_t sum;
};

__section("syscall") int syscall_ctx(struct args *args)
{
	args->sum = args->a + args->b;
	return args->a * args->b;
}
