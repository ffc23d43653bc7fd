/* Relocations that cannot be satisfied against the kernel's types, and a
 * weak kfunc that does not exist. The loader must not fail: it poisons the
 * instruction, so that the verifier rejects the program only if the poisoned
 * code is reachable.
 *
 * Expected (License "GPL", needed for kfunc calls; all SocketFilter, section
 * socket):
 *   poisoned_single  CO-RE byte offset of struct nonexist::non_exist on a load
 *                    (single-slot instruction). Load fails: *VerifierError,
 *                    errors.Is(err, errBadRelocation).
 *   poisoned_double  CO-RE enum value of nonexist_enum::NON_EXIST on an
 *                    ld_imm64 (double-slot instruction). Load fails with
 *                    errBadRelocation.
 *   poisoned_kfunc   calls the weak kfunc invalid_kfunc unconditionally.
 *                    Load fails: *VerifierError, errUnknownKfunc.
 *   poisoned_dead    the same three constructs behind checks that are false
 *                    after relocation (type does not exist / weak kfunc
 *                    missing): loads and returns 0.
 * With KernelTypes set to this object's own BTF the CO-RE relocations are
 * satisfiable: poisoned_single then returns 0, poisoned_double 1 and
 * poisoned_dead 1 (poisoned_kfunc still fails).
 */
#include "common.h"

char __license[] __section("license") = "GPL";

struct nonexist {
	int non_exist;
} __attribute__((preserve_access_index));

enum nonexist_enum { NON_EXIST = 1 };

extern int invalid_kfunc(void) __ksym __weak;

__section("socket") int poisoned_single(void)
{
	struct nonexist ne = {};
	/* The load from the stack gets a field byte offset relocation. */
	return *(volatile int *)&ne.non_exist;
}

__section("socket") int poisoned_double(void)
{
	/* 1: field kind BPF_ENUMVAL_VALUE, emitted as a 64-bit immediate load. */
	return __builtin_preserve_enum_value(*(typeof(enum nonexist_enum) *)NON_EXIST, 1);
}

__section("socket") int poisoned_kfunc(void)
{
	return invalid_kfunc();
}

__section("socket") int poisoned_dead(void)
{
	/* 0: BPF_TYPE_EXISTS; false when struct nonexist is not in the target. */
	if (__builtin_preserve_type_info(*(typeof(struct nonexist) *)0, 0)) {
		struct nonexist ne = {};
		return *(volatile int *)&ne.non_exist + 1;
	}
	/* 0: BPF_ENUMVAL_EXISTS */
	if (__builtin_preserve_enum_value(*(typeof(enum nonexist_enum) *)NON_EXIST, 0))
		return __builtin_preserve_enum_value(*(typeof(enum nonexist_enum) *)NON_EXIST, 1) + 1;
	if (bpf_ksym_exists(invalid_kfunc))
		return invalid_kfunc() + 1;
	return 0;
}
