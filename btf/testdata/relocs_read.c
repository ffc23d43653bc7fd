/* CO-RE reads against the types of a different object, relocs_read_tgt.c,
 * where members are reordered, resized, renamed (local ___flavour type
 * names), moved between bitfield containers or missing.
 *
 * Expectations for the Go tests, by construction:
 *   * Program reads (section socket, SocketFilter, License "MIT") calls the
 *     global subprogram read_subprog (in .text, also doing CO-RE reads, so
 *     its relocations must follow it into the linked program). Loaded with
 *     KernelTypes = the BTF of relocs_read_tgt-<endianness>.elf and run, it
 *     returns 0; a non-zero result is the source line of the failed check.
 *   * Against its own BTF the relocations all succeed (local == target) but
 *     the program returns non-zero: its test data is laid out like the
 *     target types.
 *   * The poisoned relocation (member `gone`, enumerator PURPLE) sits in
 *     dead code: loading succeeds.
 * Relocation kinds used: field byte offset (on loads and as values), byte
 * size, existence, signedness, lshift/rshift, type existence, type size,
 * type matches, enum value existence and value (32-bit to 64-bit).
 */
#include "core.h"

char __license[] __section("license") = "MIT";

/* Local views of the target's types. */
struct point {
	u32 x;
	u32 y;
	u64 z;
	u8 tag;
	u32 gone;
} __core;

struct rect___old {
	u32 w;
	u32 h;
} __core;

struct bits___v1 {
	u32 a : 4;
	u32 b : 4;
	s32 c : 6;
	u8 d;
} __core;

struct mismatch {
	u32 a;
} __core;

struct not_in_target {
	int x;
} __core;

enum color {
	RED,
	GREEN,
	BLUE,
	PURPLE,
};

enum big {
	BIG_A = 1,
};

/* Copies of relocs_read_tgt.c's types, to build data in the target layout. */
struct point_layout {
	u64 z;
	u32 tag;
	u32 y;
	u32 x;
};

struct rect_layout {
	u32 h;
	u32 w;
};

struct bits_layout {
	u8 d;
	u32 pad : 3;
	s32 c : 6;
	u32 b : 9;
	u64 a : 37;
};

#define opaque(p) asm volatile("" : "+r"(p)::"memory")

static __noinline int read_point(struct point *p)
{
	opaque(p);
	check(core_field_offset(p->x) == __builtin_offsetof(struct point_layout, x));
	check(core_field_offset(p->z) == __builtin_offsetof(struct point_layout, z));
	check(core_field_size(p->tag) == sizeof(u32));
	check(core_field_exists(p->x));
	check(!core_field_exists(p->gone));

	check(p->x == 0x11111111);
	check(p->y == 0x22222222);
	check(p->z == 0x3333333344444444ULL);
	/* A resized member: read it through its relocated size. */
	check(core_read_bitfield(p, tag) == 0x55555);
	if (core_field_exists(p->gone))
		return p->gone; /* poisoned, dead */
	return 0;
}

static __noinline int read_rect(struct rect___old *r)
{
	opaque(r);
	check(r->w == 640);
	check(r->h == 480);
	return 0;
}

static __noinline int read_bits(struct bits___v1 *b)
{
	opaque(b);
	check(core_field_size(b->a) == sizeof(u64));
	check(core_field_signed(b->c));
	check(!core_field_signed(b->b));
	check(core_read_bitfield(b, a) == 0x1234567890ULL);
	check(core_read_bitfield(b, b) == 0x1ab);
	check((s64)core_read_bitfield(b, c) == -17);
	check(core_read_bitfield(b, d) == 0xd1);
	return 0;
}

/* Global, so it is a function of its own in .text that `reads` calls. */
__noinline int read_subprog(void)
{
	struct bits_layout bits = {.d = 0xd1, .pad = 5, .c = -17, .b = 0x1ab, .a = 0x1234567890ULL};

	check(core_type_exists(struct point));
	check(core_type_exists(struct rect___old));
	check(!core_type_exists(struct not_in_target));
	check(core_type_size(struct point) == sizeof(struct point_layout));
	check(core_type_size(struct bits___v1) == sizeof(struct bits_layout));
	check(core_type_matches(struct rect___old));
	check(!core_type_matches(struct mismatch));

	check(core_enum_exists(enum color, GREEN));
	check(!core_enum_exists(enum color, PURPLE));
	check(core_enum_value(enum color, RED) == 11);
	check(core_enum_value(enum color, GREEN) == 12);
	check(core_enum_value(enum color, BLUE) == 10);
	check(core_enum_value(enum big, BIG_A) == 0x100000001ULL);
	if (core_enum_exists(enum color, PURPLE))
		return core_enum_value(enum color, PURPLE); /* poisoned, dead */

	return read_bits((struct bits___v1 *)&bits);
}

__section("socket") int reads(void *ctx)
{
	struct point_layout point = {.z = 0x3333333344444444ULL, .tag = 0x55555, .y = 0x22222222, .x = 0x11111111};
	struct rect_layout rect = {.h = 480, .w = 640};
	int ret;

	ret = read_point((struct point *)&point);
	if (ret)
		return ret;
	ret = read_rect((struct rect___old *)&rect);
	if (ret)
		return ret;
	return read_subprog();
}
