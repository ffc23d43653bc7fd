/* Target types for relocs_read.c: the "kernel" that program is relocated
 * against. Compared with the local types in relocs_read.c, members are
 * reordered, resized, renamed at the type level (the local side uses
 * ___flavour names), moved into other bitfield containers, or missing.
 *
 * relocs_read.c carries an exact copy of each struct below under a
 * *_layout name, which it uses to build test data in this layout; keep them
 * in sync. No programs: only BTF (the globals make clang emit the types).
 */
#include "core.h"

struct point {
	u64 z;
	u32 tag; /* u8 in the local type */
	u32 y;
	u32 x;
	/* no member `gone` */
};

struct rect {
	u32 h;
	u32 w;
};

struct bits {
	u8 d;
	u32 pad : 3;
	s32 c : 6;
	u32 b : 9; /* 4 bits in the local type */
	u64 a : 37; /* u32 a : 4 in the local type */
};

struct mismatch {
	u64 a; /* u32 in the local type */
};

enum color {
	BLUE = 10,
	RED = 11,
	GREEN = 12,
	/* no PURPLE */
};

enum big {
	BIG_A = 0x100000001ULL, /* 1 in the local type */
};

struct point unused_point;
struct rect unused_rect;
struct bits unused_bits;
struct mismatch unused_mismatch;
enum color unused_color;
enum big unused_big;
