/* Calls into kernel functions (kfuncs), declared as __ksym externs and
 * resolved against vmlinux BTF at load time.
 *
 * Expected .ksyms Datasec: every entry a btf.Func (bpf_skb_ct_lookup,
 * bpf_ct_release, bpf_rcu_read_lock, bpf_rcu_read_unlock, bpf_fentry_test1,
 * bpf_task_acquire, bpf_task_release, and the weak invalid_kfunc,
 * bpf_cpumask_create, bpf_cpumask_release). Calls get Src PseudoKfuncCall,
 * Constant -1, Reference = kfunc name; bpf_ksym_exists() address loads get
 * Constant 0. Programs (License "GPL"):
 *   call_kfunc          tc                     SchedCLS. Looks up a conntrack
 *                                              entry for an all-zero tuple
 *                                              (finds none) and returns 1.
 *   call_rcu_kfuncs     tc                     SchedCLS. bpf_rcu_read_lock/
 *                                              unlock, returns 2.
 *   benchmark           fentry/bpf_fentry_test2  Tracing. Calls
 *                                              bpf_fentry_test1, which is
 *                                              not a kfunc: load fails with
 *                                              EACCES, every time.
 *   call_task_kfuncs    tp_btf/task_newtask    Tracing. Acquires and
 *                                              releases the new task, returns 0.
 *   weak_kfunc_missing  tp_btf/task_newtask    Tracing. Calls the weak, missing
 *                                              invalid_kfunc behind
 *                                              bpf_ksym_exists: the call is
 *                                              poisoned, the program loads
 *                                              and returns 0.
 *   call_weak_kfunc     tp_btf/task_newtask    Tracing. Weak but existing
 *                                              bpf_cpumask_create/release:
 *                                              loads, returns 0.
 * All of them load on this kernel (6.18) except benchmark.
 */
#include "common.h"

char __license[] __section("license") = "GPL";

/* Complete (if empty) struct types, as a vmlinux.h would provide: a pointer
 * to a forward declaration does not match the kernel's pointer to a struct
 * in libbpf's prototype check. */
struct nf_conn {};
struct task_struct {};
struct bpf_cpumask {};

/* Kernel's struct bpf_ct_opts (16 bytes since 6.6, NF_BPF_CT_OPTS_SZ). */
struct bpf_ct_opts {
	int32_t netns_id;
	int32_t error;
	uint8_t l4proto;
	uint8_t dir;
	uint16_t ct_zone_id;
	uint8_t ct_zone_dir;
	uint8_t reserved[3];
};

extern struct nf_conn *bpf_skb_ct_lookup(struct __sk_buff *skb_ctx, struct bpf_sock_tuple *bpf_tuple,
					 uint32_t tuple__sz, struct bpf_ct_opts *opts, uint32_t opts__sz) __ksym;
extern void bpf_ct_release(struct nf_conn *nfct) __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern int bpf_fentry_test1(int a) __ksym;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

extern int invalid_kfunc(void) __ksym __weak;
extern struct bpf_cpumask *bpf_cpumask_create(void) __ksym __weak;
extern void bpf_cpumask_release(struct bpf_cpumask *cpumask) __ksym __weak;

__section("tc") int call_kfunc(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tup = {};
	struct bpf_ct_opts opts = {
		.netns_id = -1, /* BPF_F_CURRENT_NETNS */
		.l4proto = 6,   /* IPPROTO_TCP */
	};
	struct nf_conn *ct;

	ct = bpf_skb_ct_lookup(skb, &tup, sizeof(tup.ipv4), &opts, sizeof(opts));
	if (ct) {
		bpf_ct_release(ct);
		return 0;
	}
	return 1;
}

__section("tc") int call_rcu_kfuncs(struct __sk_buff *skb)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return 2;
}

__section("fentry/bpf_fentry_test2") int benchmark(void *ctx)
{
	return bpf_fentry_test1(0);
}

__section("tp_btf/task_newtask") int call_task_kfuncs(uint64_t *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx[0];
	struct task_struct *acquired = bpf_task_acquire(task);

	if (acquired)
		bpf_task_release(acquired);
	return 0;
}

__section("tp_btf/task_newtask") int weak_kfunc_missing(void *ctx)
{
	if (bpf_ksym_exists(invalid_kfunc))
		return invalid_kfunc();
	return 0;
}

__section("tp_btf/task_newtask") int call_weak_kfunc(void *ctx)
{
	struct bpf_cpumask *mask;

	if (!bpf_ksym_exists(bpf_cpumask_create) || !bpf_ksym_exists(bpf_cpumask_release))
		return 1;

	mask = bpf_cpumask_create();
	if (mask)
		bpf_cpumask_release(mask);
	return 0;
}
