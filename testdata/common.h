/* Shared definitions for the test programs in this directory.
 *
 * The programs are compiled for both bpfel and bpfeb without libbpf, so this
 * header provides the handful of macros and helper declarations they need.
 * Types and constants come from the kernel UAPI header <linux/bpf.h>.
 */
#pragma once

#include <linux/bpf.h>
#include <linux/types.h>

typedef __u8 uint8_t;
typedef __u16 uint16_t;
typedef __u32 uint32_t;
typedef __u64 uint64_t;
typedef __s8 int8_t;
typedef __s16 int16_t;
typedef __s32 int32_t;
typedef __s64 int64_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

/* Placement and linkage. */
#define __section(NAME) __attribute__((section(NAME), used))
#define __weak __attribute__((weak))
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define __noinline __attribute__((noinline))

/* Externs resolved by the loader: kernel configuration values and kernel
 * symbols (kfuncs). */
#define __kconfig __attribute__((section(".kconfig")))
#define __ksym __attribute__((section(".ksyms")))

/* True if the weak extern SYM was resolved at load time. The static assert
 * catches a symbol that was not declared weak, for which the test is
 * meaningless. */
#define bpf_ksym_exists(sym)                                                   \
	({                                                                     \
		_Static_assert(!__builtin_constant_p(!!sym),                   \
			       #sym " should be marked as __weak");            \
		!!sym;                                                         \
	})

/* BTF map definition encoding: integers become the length of an array that a
 * pointer member points to; types become the pointee of a pointer member. */
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]

/* Values of the `pinning` member of a BTF map definition. */
#define LIBBPF_PIN_NONE 0
#define LIBBPF_PIN_BY_NAME 1

/* Definition format of the legacy `maps` section. */
struct bpf_map_def {
	uint32_t type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
};

/* Helper functions, declared the classic way: a pointer whose value is the
 * helper's number, which clang turns into `call <number>`. */
static void *(*bpf_map_lookup_elem)(const void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(const void *map, const void *key, const void *value, uint64_t flags) = (void *)BPF_FUNC_map_update_elem;
static long (*bpf_map_push_elem)(const void *map, const void *value, uint64_t flags) = (void *)BPF_FUNC_map_push_elem;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, uint64_t size, uint64_t flags) = (void *)BPF_FUNC_ringbuf_output;
static long (*bpf_map_delete_elem)(const void *map, const void *key) = (void *)BPF_FUNC_map_delete_elem;
static long (*bpf_probe_read_kernel)(void *dst, uint32_t size, const void *src) = (void *)BPF_FUNC_probe_read_kernel;
static uint64_t (*bpf_ktime_get_ns)(void) = (void *)BPF_FUNC_ktime_get_ns;
static uint32_t (*bpf_get_smp_processor_id)(void) = (void *)BPF_FUNC_get_smp_processor_id;
static uint64_t (*bpf_get_current_pid_tgid)(void) = (void *)BPF_FUNC_get_current_pid_tgid;
static long (*bpf_get_current_comm)(void *buf, uint32_t size) = (void *)BPF_FUNC_get_current_comm;
static uint64_t (*bpf_get_current_task)(void) = (void *)BPF_FUNC_get_current_task;
static long (*bpf_tail_call)(void *ctx, const void *prog_array, uint32_t index) = (void *)BPF_FUNC_tail_call;
static long (*bpf_perf_event_output)(void *ctx, const void *map, uint64_t flags, void *data, uint64_t size) = (void *)BPF_FUNC_perf_event_output;
static long (*bpf_for_each_map_elem)(const void *map, void *callback_fn, void *callback_ctx, uint64_t flags) = (void *)BPF_FUNC_for_each_map_elem;
static void (*bpf_spin_lock)(struct bpf_spin_lock *lock) = (void *)BPF_FUNC_spin_lock;
static void (*bpf_spin_unlock)(struct bpf_spin_lock *lock) = (void *)BPF_FUNC_spin_unlock;
static long (*bpf_trace_printk)(const char *fmt, uint32_t fmt_size, ...) = (void *)BPF_FUNC_trace_printk;
