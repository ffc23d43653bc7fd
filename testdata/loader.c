/* The ELF reader's main fixture: every kind of map definition, data section
 * and subprogram layout the reader has to understand, in one object.
 *
 * Expected CollectionSpec (see ELF.md §14; data-section maps aside):
 *   Maps
 *     hash_map            Hash          key 4 value 8 max 1  Flags BPF_F_NO_PREALLOC (key/value as types)
 *     hash_map2           Hash          key 4 value 8 max 2  (key_size/value_size as numbers)
 *     btf_pin             Hash          key 4 value 8 max 1  Pinning PinByName
 *     btf_outer_map       ArrayOfMaps   key 4 value 4 max 1  InnerMap btf_outer_map_inner Hash 4/4/1
 *                                                             (named inner template struct inner_map_t)
 *     btf_outer_map_anon  ArrayOfMaps   key 4 value 4 max 1  InnerMap btf_outer_map_anon_inner Hash 4/4/1
 *                                                             (anonymous inner struct)
 *     perf_event_array    PerfEventArray key 0 value 0 max 4096
 *     array_of_hash_map   ArrayOfMaps   key 4 value 0 max 2  (legacy `maps` section, no BTF, no InnerMap)
 *     btf_typedef_map     Array         key 4 value 8 max 1  (definition behind a typedef)
 *   Data sections (all referenced from code): .bss, .data, .rodata, .rodata.test
 *     and .rodata.cst32 (no BTF Datasec, so not rewritable).
 *   Programs (License "MIT", KernelVersion 0)
 *     xdp_prog       section xdp       XDP           returns 7 when run
 *     no_relocation  section socket    SocketFilter  returns 0
 *     asm_relocation section socket/2  SocketFilter  first insn is `r0 = MY_CONST ll`
 *                                                   with Reference "MY_CONST"
 *     data_sections  section socket/3  SocketFilter  returns 0 (else the number of
 *                                                   the failed check)
 *     anon_const     section socket/4  SocketFilter  returns 0 (reads .rodata.cst32)
 *     static_fn      section static    UnspecifiedProgram
 *     global_fn3     section other     UnspecifiedProgram
 *   global_fn and global_fn2 live in .text and are not programs.
 *   xdp_prog calls static_fn and global_fn; global_fn calls global_fn2 and
 *   global_fn3, so its linked instructions carry func infos for xdp_prog,
 *   static_fn, global_fn, global_fn2 and global_fn3.
 *   RewriteConstants accepts arg (.rodata) and arg2 (.rodata.test).
 */
#include "common.h"

char __license[] __section("license") = "MIT";

/* Key and value given as types; flags set. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} hash_map __section(".maps");

/* Key and value given as sizes only: no BTF types for them. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(key_size, sizeof(uint32_t));
	__uint(value_size, sizeof(uint64_t));
	__uint(max_entries, 2);
} hash_map2 __section(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} btf_pin __section(".maps");

/* A named template for inner maps. */
struct inner_map_t {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__uint(max_entries, 1);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(key_size, sizeof(uint32_t));
	__uint(max_entries, 1);
	__array(values, struct inner_map_t);
} btf_outer_map __section(".maps");

/* The same shape with an anonymous inner definition. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__type(key, uint32_t);
	__uint(max_entries, 1);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__uint(max_entries, 1);
		__type(key, uint32_t);
		__type(value, uint32_t);
	});
} btf_outer_map_anon __section(".maps");

/* Neither key nor value: the loader fills in 4-byte sizes at creation. */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(max_entries, 4096);
} perf_event_array __section(".maps");

typedef struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, uint32_t);
	__type(value, uint64_t);
	__uint(max_entries, 1);
} array_map_t;

array_map_t btf_typedef_map __section(".maps");

/* Legacy definition of a map of maps: the user supplies InnerMap. */
struct bpf_map_def array_of_hash_map __section("maps") = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.key_size = sizeof(uint32_t),
	.max_entries = 2,
};

/* Globals in every data section. Static ones are relocated against the
 * section symbol (offset in the instruction), global ones against their own
 * symbol. */
static uint32_t key1;               /* .bss */
static uint32_t key2 = 1;           /* .data */
uint32_t key3 = 2;                  /* .data, global symbol */
static volatile const uint32_t arg = 1; /* .rodata */
static volatile const uint32_t arg2 __section(".rodata.test") = 2;

/* Negative values in .data and .rodata, global and static. */
volatile int32_t neg = -5;                       /* .data */
volatile const uint32_t uneg = (uint32_t)-6;     /* .rodata */
static volatile int64_t static_neg = -7;         /* .data */
static volatile const int64_t static_uneg = -8;  /* .rodata */

/* A subprogram in a section of its own, not a program type. */
static __noinline __section("static") int static_fn(uint32_t x)
{
	return x + 1;
}

__noinline int global_fn2(uint32_t x)
{
	return x - 1;
}

__noinline __section("other") int global_fn3(uint32_t x)
{
	return x * 3;
}

__noinline int global_fn(uint32_t x)
{
	return global_fn2(x) + global_fn3(x);
}

/* With arg = 1 and arg2 = 2: static_fn 2 + global_fn (0 + 3) + 2 = 7. */
__section("xdp") int xdp_prog(void)
{
	bpf_map_lookup_elem(&hash_map, &key1);
	bpf_map_lookup_elem(&hash_map2, &key2);
	bpf_map_lookup_elem(&hash_map2, &key3);
	uint32_t a = arg;
	return static_fn(a) + global_fn(a) + arg2;
}

__section("socket") int no_relocation(void)
{
	return 0;
}

/* MY_CONST is resolved by nobody: the instruction keeps the symbol as its
 * Reference and the user may patch the constant. */
__section("socket/2") int asm_relocation(void)
{
	int ret;
	asm volatile("%0 = MY_CONST ll" : "=r"(ret));
	return ret;
}

__section("socket/3") int data_sections(void)
{
	if (neg != -5)
		return 1;
	if (uneg != (uint32_t)-6)
		return 2;
	if (static_neg != -7)
		return 3;
	if (static_uneg != -8)
		return 4;
	return 0;
}

/* A constant table that clang places in the anonymous, BTF-less section
 * .rodata.cst32; the program reads it through a section-relative relocation.
 * Every entry's halves XOR to 0x88888888 only for index 0, which the volatile
 * index always is, so the program returns 0. */
__section("socket/4") int anon_const(void)
{
	const uint64_t table[4] = {
		0x0123456789abcdefULL,
		0x1111111122222222ULL,
		0x1122334455667788ULL,
		0x8877665544332211ULL,
	};
	volatile uint32_t idx = 0;
	uint64_t v = table[idx & 3];
	return (uint32_t)(v ^ (v >> 32)) - 0x88888888;
}
