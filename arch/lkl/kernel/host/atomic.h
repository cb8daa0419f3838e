/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Atomics for the words that host threads share without the CPU.
 *
 * The kernel's own atomics and barriers are those of a uniprocessor: an
 * atomic_t is a plain word that only the CPU holder touches. Host threads
 * run in parallel, though, and the few words they share outside the CPU
 * (the CPU's idle state, the timer's deadline, a thread's switch flags)
 * need the compiler's atomics where the order of accesses matters: those
 * go through these, so that a reviewer can tell them apart from kernel
 * code at a glance. All are sequentially consistent, except the _acquire,
 * _release and _relaxed forms. Words that are only hints, whose staleness
 * costs a poll at most, use READ_ONCE() and WRITE_ONCE().
 */
#ifndef _LKL_HOST_ATOMIC_H
#define _LKL_HOST_ATOMIC_H

#define host_load(p)		__atomic_load_n(p, __ATOMIC_SEQ_CST)
#define host_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define host_store(p, v)	__atomic_store_n(p, v, __ATOMIC_SEQ_CST)
#define host_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define host_store_relaxed(p, v) __atomic_store_n(p, v, __ATOMIC_RELAXED)
#define host_xchg(p, v)		__atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)
#define host_add(p, v)		__atomic_add_fetch(p, v, __ATOMIC_SEQ_CST)
#define host_sub(p, v)		__atomic_sub_fetch(p, v, __ATOMIC_SEQ_CST)
#define host_fetch_or(p, v)	__atomic_fetch_or(p, v, __ATOMIC_ACQ_REL)
#define host_fetch_and(p, v)	__atomic_fetch_and(p, v, __ATOMIC_ACQ_REL)

/* Set *p to @new if it is @old; true if it was. */
#define host_cmpxchg(p, old, new)					\
({									\
	typeof(p) __host_p = (p);					\
	typeof(*__host_p) __host_old = (old);				\
									\
	host_try_cmpxchg(__host_p, &__host_old, new);			\
})

/*
 * Set *p to @new if it is *@oldp; true if it was. If not, *@oldp gets
 * what *p is, for the caller's next try.
 */
#define host_try_cmpxchg(p, oldp, new)					\
	__atomic_compare_exchange_n(p, oldp, new, false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#endif /* _LKL_HOST_ATOMIC_H */
