/* CO-RE helpers for the programs in this directory, written directly on
 * clang's builtins so the objects need neither libbpf nor kernel headers.
 *
 * Every builtin below makes clang emit a CO-RE relocation record into
 * .BTF.ext and an instruction whose immediate (or offset) holds the value
 * computed against the *local* types; the loader rewrites it against the
 * target types.
 */
#pragma once

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

#define __section(NAME) __attribute__((section(NAME), used))
#define __core __attribute__((preserve_access_index))
#define __noinline __attribute__((noinline))
#define __always_inline inline __attribute__((always_inline))

/* Second argument of __builtin_preserve_field_info. */
#define FIELD_BYTE_OFFSET 0
#define FIELD_BYTE_SIZE 1
#define FIELD_EXISTS 2
#define FIELD_SIGNED 3
#define FIELD_LSHIFT_U64 4
#define FIELD_RSHIFT_U64 5

/* Second argument of __builtin_btf_type_id. */
#define TYPE_ID_LOCAL 0
#define TYPE_ID_TARGET 1

/* Second argument of __builtin_preserve_type_info. */
#define TYPE_EXISTS 0
#define TYPE_SIZE 1
#define TYPE_MATCHES 2

/* Second argument of __builtin_preserve_enum_value. */
#define ENUMVAL_EXISTS 0
#define ENUMVAL_VALUE 1

/* Field relocations take a member access expression, e.g. p->a.b[2]. */
#define core_field_offset(field) __builtin_preserve_field_info(field, FIELD_BYTE_OFFSET)
#define core_field_size(field) __builtin_preserve_field_info(field, FIELD_BYTE_SIZE)
#define core_field_exists(field) __builtin_preserve_field_info(field, FIELD_EXISTS)
#define core_field_signed(field) __builtin_preserve_field_info(field, FIELD_SIGNED)
#define core_field_lshift(field) __builtin_preserve_field_info(field, FIELD_LSHIFT_U64)
#define core_field_rshift(field) __builtin_preserve_field_info(field, FIELD_RSHIFT_U64)

/* Type relocations take a type, e.g. struct foo or an enum or a typedef. */
#define core_type_id_local(type) __builtin_btf_type_id(*(typeof(type) *)0, TYPE_ID_LOCAL)
#define core_type_id_target(type) __builtin_btf_type_id(*(typeof(type) *)0, TYPE_ID_TARGET)
#define core_type_exists(type) __builtin_preserve_type_info(*(typeof(type) *)0, TYPE_EXISTS)
#define core_type_size(type) __builtin_preserve_type_info(*(typeof(type) *)0, TYPE_SIZE)
#define core_type_matches(type) __builtin_preserve_type_info(*(typeof(type) *)0, TYPE_MATCHES)

/* Enum value relocations take the enum type and one of its enumerators. */
#define core_enum_exists(type, value) __builtin_preserve_enum_value(*(typeof(type) *)value, ENUMVAL_EXISTS)
#define core_enum_value(type, value) __builtin_preserve_enum_value(*(typeof(type) *)value, ENUMVAL_VALUE)

/* Loads `size` bytes at p as an unsigned integer in native byte order. */
static __always_inline u64 core_load_sized(const void *p, u32 size)
{
	switch (size) {
	case 1:
		return *(const volatile u8 *)p;
	case 2:
		return *(const volatile u16 *)p;
	case 4:
		return *(const volatile u32 *)p;
	default:
		return *(const volatile u64 *)p;
	}
}

/* Reads the bitfield (or plain integer) member `field` of the object ptr
 * points to, using only relocated values: where the containing bytes are,
 * how many to load, and which shifts isolate and extend the field.
 *
 * The empty asm hides the address from the optimiser. Without it clang
 * folds the byte offset relocation into each of the loads in
 * core_load_sized, including those whose size differs from the member's,
 * which a loader must then refuse to patch. */
#define core_read_bitfield(ptr, field)                                         \
	({                                                                     \
		const u8 *__addr = (const u8 *)(ptr) +                         \
				   core_field_offset((ptr)->field);            \
		asm volatile("" : "+r"(__addr));                               \
		u64 __raw = core_load_sized(__addr,                            \
					    core_field_size((ptr)->field));    \
		__raw <<= core_field_lshift((ptr)->field);                     \
		core_field_signed((ptr)->field)                                \
			? (u64)((s64)__raw >> core_field_rshift((ptr)->field)) \
			: __raw >> core_field_rshift((ptr)->field);            \
	})

/* Returns the line number of the first failing check. */
#define check(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			return __LINE__;                                       \
	} while (0)
