/* Every kind of CO-RE relocation clang emits, checked against the object's
 * own types. Each program compares relocated values (which the loader
 * rewrites against the target BTF) with the same values computed by the
 * compiler (sizeof, offsetof, plain C accesses), and returns 0 if all agree,
 * else the source line of the first mismatch.
 *
 * Expectations for the Go tests, by construction:
 *   * CORERelocate of every program against this object's own BTF yields,
 *     for every relocation, target value == local value (except the err_*
 *     programs), and every non-err_* program loads with KernelTypes = this
 *     spec's Types and returns 0 when run. The exception to target ==
 *     local is local_type_id, whose value is an ID in the program's BTF as
 *     the loader builds it, not in this object's (see type_ids).
 *   * err_ambiguous and err_ambiguous_flavour: the target BTF has two
 *     candidates with the essential name "ambiguous" (struct ambiguous and
 *     struct ambiguous___flavour) that give different byte offsets for
 *     member b (4 and 0), so relocation fails with an ambiguous-relocation
 *     error.
 *   * AnyTypesByName("ambiguous") and AnyTypesByName("ambiguous___flavour")
 *     each return exactly one type.
 *
 * Sections (all SocketFilter, programs named after them):
 *   socket/type_ids   TYPE_ID_LOCAL, TYPE_ID_TARGET
 *   socket/types      TYPE_EXISTS, TYPE_SIZE, TYPE_MATCHES
 *   socket/enums      ENUMVAL_EXISTS, ENUMVAL_VALUE (32-bit, signed and
 *                     64-bit enums; the latter is an ld_imm64)
 *   socket/fields     FIELD_BYTE_OFFSET, FIELD_BYTE_SIZE, FIELD_EXISTS,
 *                     FIELD_SIGNED, FIELD_LSHIFT_U64, FIELD_RSHIFT_U64, and
 *                     relocated loads (struct, nested struct, anonymous union,
 *                     array element, pointer, bitfields)
 *   socket/err_ambiguous, socket/err_ambiguous_flavour  see above
 * Types named with a ___flavour suffix have no unsuffixed twin here (except
 * the ambiguous pair), so they relocate to themselves.
 */
#include "core.h"

char __license[] __section("license") = "MIT";

struct s {
	int a;
	u8 b;
	struct {
		u16 x;
		u16 y;
	} nested;
	union {
		u32 u32v;
		s8 s8v;
	};
	int arr[4];
	struct s *next;
	u32 ubits : 3;
	s32 sbits : 5;
	s16 mid : 9;
	u64 wide : 40;
} __core;

typedef struct s s_t;

union u {
	u32 a;
	u64 b;
} __core;

typedef int int_arr[7];

struct t___flavour {
	u64 only;
} __core;

enum e {
	E_ZERO,
	E_ONE,
	E_BIG = 0x7fffffff,
};

enum e_signed {
	E_NEG = -2,
	E_POS = 3,
};

enum e64 {
	E64_SMALL = 1,
	E64_BIG = 0x1234567890ULL,
};

enum f___flavour {
	F_FIVE = 5,
};

/* Keep the compiler from folding accesses through p into the values it
 * just stored. */
#define opaque(p) asm volatile("" : "+r"(p)::"memory")

/* Local and target type IDs are two unrelated numberings: target IDs are
 * those of the target BTF, local IDs those of the BTF the loader builds
 * afresh for the program (LOADER.md §5.6), so an ID from one says nothing
 * about the other even when the target is this object's own BTF. What
 * holds in each numbering: no named type has ID 0 (void), and different
 * types have different IDs, including a typedef and the struct it names. */
__section("socket/type_ids") int type_ids(void *ctx)
{
	check(core_type_id_local(struct s) != 0);
	check(core_type_id_local(union u) != 0);
	check(core_type_id_local(enum e) != 0);
	check(core_type_id_local(s_t) != 0);
	check(core_type_id_local(int_arr) != 0);
	check(core_type_id_local(struct t___flavour) != 0);
	check(core_type_id_local(struct s) != core_type_id_local(union u));
	check(core_type_id_local(struct s) != core_type_id_local(s_t));
	check(core_type_id_local(enum e) != core_type_id_local(int_arr));

	check(core_type_id_target(struct s) != 0);
	check(core_type_id_target(union u) != 0);
	check(core_type_id_target(enum e) != 0);
	check(core_type_id_target(s_t) != 0);
	check(core_type_id_target(int_arr) != 0);
	check(core_type_id_target(struct t___flavour) != 0);
	check(core_type_id_target(struct s) != core_type_id_target(union u));
	check(core_type_id_target(struct s) != core_type_id_target(s_t));
	check(core_type_id_target(enum e) != core_type_id_target(int_arr));
	return 0;
}

__section("socket/types") int types(void *ctx)
{
	check(core_type_exists(struct s));
	check(core_type_exists(union u));
	check(core_type_exists(enum e));
	check(core_type_exists(s_t));
	check(core_type_exists(int_arr));
	check(core_type_exists(struct t___flavour));

	check(core_type_size(struct s) == sizeof(struct s));
	check(core_type_size(union u) == sizeof(union u));
	check(core_type_size(enum e64) == sizeof(enum e64));
	check(core_type_size(s_t) == sizeof(s_t));
	check(core_type_size(int_arr) == sizeof(int_arr));
	check(core_type_size(struct t___flavour) == sizeof(struct t___flavour));

	check(core_type_matches(struct s));
	check(core_type_matches(union u));
	check(core_type_matches(enum e));
	check(core_type_matches(s_t));
	check(core_type_matches(struct t___flavour));
	return 0;
}

__section("socket/enums") int enums(void *ctx)
{
	check(core_enum_exists(enum e, E_ZERO));
	check(core_enum_exists(enum e, E_BIG));
	check(core_enum_exists(enum e64, E64_BIG));
	check(core_enum_exists(enum f___flavour, F_FIVE));

	check(core_enum_value(enum e, E_ZERO) == 0);
	check(core_enum_value(enum e, E_ONE) == 1);
	check(core_enum_value(enum e, E_BIG) == 0x7fffffff);
	check(core_enum_value(enum e_signed, E_NEG) == -2);
	check(core_enum_value(enum e_signed, E_POS) == 3);
	check(core_enum_value(enum e64, E64_SMALL) == 1);
	check(core_enum_value(enum e64, E64_BIG) == 0x1234567890ULL);
	check(core_enum_value(enum f___flavour, F_FIVE) == 5);
	return 0;
}

/* The values stored in the object the checks read. clang builds the object
 * from this constant initialiser, which avoids the unaligned read-modify-write
 * accesses it emits for stores into bitfields on the stack. */
#define VAL_A -12345
#define VAL_B 0xab
#define VAL_X 0x1234
#define VAL_Y 0xfedc
#define VAL_U32V 0x80000001
#define VAL_ARR2 7
#define VAL_NEXT ((struct s *)0x10)
#define VAL_UBITS 5
#define VAL_SBITS -9
#define VAL_MID -200
#define VAL_WIDE 0x87654321abULL

static __noinline int check_fields(struct s *p)
{
	opaque(p);

	check(core_field_offset(p->a) == __builtin_offsetof(struct s, a));
	check(core_field_offset(p->b) == __builtin_offsetof(struct s, b));
	check(core_field_offset(p->nested.y) == __builtin_offsetof(struct s, nested.y));
	check(core_field_offset(p->u32v) == __builtin_offsetof(struct s, u32v));
	check(core_field_offset(p->s8v) == __builtin_offsetof(struct s, s8v));
	check(core_field_offset(p->arr[2]) == __builtin_offsetof(struct s, arr[2]));
	check(core_field_offset(p->next) == __builtin_offsetof(struct s, next));

	check(core_field_size(p->a) == sizeof(p->a));
	check(core_field_size(p->nested) == sizeof(p->nested));
	check(core_field_size(p->arr) == sizeof(p->arr));
	check(core_field_size(p->arr[1]) == sizeof(p->arr[1]));
	check(core_field_size(p->next) == sizeof(p->next));

	check(core_field_exists(p->a));
	check(core_field_exists(p->nested.x));
	check(core_field_exists(p->s8v));
	check(core_field_exists(p->mid));

	check(core_field_signed(p->a));
	check(!core_field_signed(p->b));
	check(core_field_signed(p->s8v));
	check(!core_field_signed(p->ubits));
	check(core_field_signed(p->sbits));

	/* Relocated loads. */
	check(p->a == VAL_A);
	check(p->b == VAL_B);
	check(p->nested.y == VAL_Y);
	check(p->u32v == VAL_U32V);
	check(p->arr[2] == VAL_ARR2);
	check(p->next == VAL_NEXT);

	/* Bitfields through byte offset, byte size, signedness and shifts. */
	check(core_read_bitfield(p, ubits) == VAL_UBITS);
	check((s64)core_read_bitfield(p, sbits) == VAL_SBITS);
	check((s64)core_read_bitfield(p, mid) == VAL_MID);
	check(core_read_bitfield(p, wide) == VAL_WIDE);
	/* Plain integers go the same way. */
	check((s64)core_read_bitfield(p, a) == VAL_A);
	check(core_read_bitfield(p, nested.x) == VAL_X);
	return 0;
}

__section("socket/fields") int fields(void *ctx)
{
	struct s obj = {
		.a = VAL_A,
		.b = VAL_B,
		.nested = {.x = VAL_X, .y = VAL_Y},
		.u32v = VAL_U32V,
		.arr = {[2] = VAL_ARR2},
		.next = VAL_NEXT,
		.ubits = VAL_UBITS,
		.sbits = VAL_SBITS,
		.mid = VAL_MID,
		.wide = VAL_WIDE,
	};

	return check_fields(&obj);
}

struct ambiguous {
	int a;
	int b;
} __core;

struct ambiguous___flavour {
	int b;
	int a;
} __core;

__section("socket/err_ambiguous") int err_ambiguous(void *ctx)
{
	return core_field_offset(((struct ambiguous *)0)->b);
}

__section("socket/err_ambiguous_flavour") int err_ambiguous_flavour(void *ctx)
{
	return core_field_offset(((struct ambiguous___flavour *)0)->b);
}
