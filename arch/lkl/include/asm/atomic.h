/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_ATOMIC_H
#define _ASM_LKL_ATOMIC_H

#include <linux/types.h>
#include <asm/cmpxchg.h>
#include <asm/barrier.h>

/*
 * Only the holder of the one virtual CPU touches kernel memory, and nothing
 * interrupts it between two instructions: interrupts run only where it
 * enables them. So a plain read-modify-write is atomic, and the hand-off of
 * the CPU between host threads orders memory like a context switch does.
 */

#define ATOMIC64_INIT(i)		{ (i) }

/* atomic_t */

static inline int arch_atomic_read(const atomic_t *v)
{
	return READ_ONCE(v->counter);
}

static inline void arch_atomic_set(atomic_t *v, int i)
{
	WRITE_ONCE(v->counter, i);
}

static inline void arch_atomic_add(int i, atomic_t *v)
{
	v->counter = v->counter + i;
}

static inline int arch_atomic_add_return(int i, atomic_t *v)
{
	v->counter = v->counter + i;
	return v->counter;
}

static inline int arch_atomic_fetch_add(int i, atomic_t *v)
{
	int old = v->counter;

	v->counter = old + i;
	return old;
}

static inline void arch_atomic_sub(int i, atomic_t *v)
{
	v->counter = v->counter - i;
}

static inline int arch_atomic_sub_return(int i, atomic_t *v)
{
	v->counter = v->counter - i;
	return v->counter;
}

static inline int arch_atomic_fetch_sub(int i, atomic_t *v)
{
	int old = v->counter;

	v->counter = old - i;
	return old;
}

static inline void arch_atomic_and(int i, atomic_t *v)
{
	v->counter = v->counter & i;
}

static inline int arch_atomic_fetch_and(int i, atomic_t *v)
{
	int old = v->counter;

	v->counter = old & i;
	return old;
}

static inline void arch_atomic_or(int i, atomic_t *v)
{
	v->counter = v->counter | i;
}

static inline int arch_atomic_fetch_or(int i, atomic_t *v)
{
	int old = v->counter;

	v->counter = old | i;
	return old;
}

static inline void arch_atomic_xor(int i, atomic_t *v)
{
	v->counter = v->counter ^ i;
}

static inline int arch_atomic_fetch_xor(int i, atomic_t *v)
{
	int old = v->counter;

	v->counter = old ^ i;
	return old;
}

static inline int arch_atomic_xchg(atomic_t *v, int new)
{
	int old = v->counter;

	v->counter = new;
	return old;
}

static inline int arch_atomic_cmpxchg(atomic_t *v, int old, int new)
{
	int cur = v->counter;

	if (cur == old)
		v->counter = new;
	return cur;
}

/* atomic64_t */

static inline s64 arch_atomic64_read(const atomic64_t *v)
{
	return READ_ONCE(v->counter);
}

static inline void arch_atomic64_set(atomic64_t *v, s64 i)
{
	WRITE_ONCE(v->counter, i);
}

static inline void arch_atomic64_add(s64 i, atomic64_t *v)
{
	v->counter = v->counter + i;
}

static inline s64 arch_atomic64_add_return(s64 i, atomic64_t *v)
{
	v->counter = v->counter + i;
	return v->counter;
}

static inline s64 arch_atomic64_fetch_add(s64 i, atomic64_t *v)
{
	s64 old = v->counter;

	v->counter = old + i;
	return old;
}

static inline void arch_atomic64_sub(s64 i, atomic64_t *v)
{
	v->counter = v->counter - i;
}

static inline s64 arch_atomic64_sub_return(s64 i, atomic64_t *v)
{
	v->counter = v->counter - i;
	return v->counter;
}

static inline s64 arch_atomic64_fetch_sub(s64 i, atomic64_t *v)
{
	s64 old = v->counter;

	v->counter = old - i;
	return old;
}

static inline void arch_atomic64_and(s64 i, atomic64_t *v)
{
	v->counter = v->counter & i;
}

static inline s64 arch_atomic64_fetch_and(s64 i, atomic64_t *v)
{
	s64 old = v->counter;

	v->counter = old & i;
	return old;
}

static inline void arch_atomic64_or(s64 i, atomic64_t *v)
{
	v->counter = v->counter | i;
}

static inline s64 arch_atomic64_fetch_or(s64 i, atomic64_t *v)
{
	s64 old = v->counter;

	v->counter = old | i;
	return old;
}

static inline void arch_atomic64_xor(s64 i, atomic64_t *v)
{
	v->counter = v->counter ^ i;
}

static inline s64 arch_atomic64_fetch_xor(s64 i, atomic64_t *v)
{
	s64 old = v->counter;

	v->counter = old ^ i;
	return old;
}

static inline s64 arch_atomic64_xchg(atomic64_t *v, s64 new)
{
	s64 old = v->counter;

	v->counter = new;
	return old;
}

static inline s64 arch_atomic64_cmpxchg(atomic64_t *v, s64 old, s64 new)
{
	s64 cur = v->counter;

	if (cur == old)
		v->counter = new;
	return cur;
}

#define arch_atomic_read		arch_atomic_read
#define arch_atomic_set			arch_atomic_set
#define arch_atomic_add			arch_atomic_add
#define arch_atomic_add_return		arch_atomic_add_return
#define arch_atomic_fetch_add		arch_atomic_fetch_add
#define arch_atomic_sub			arch_atomic_sub
#define arch_atomic_sub_return		arch_atomic_sub_return
#define arch_atomic_fetch_sub		arch_atomic_fetch_sub
#define arch_atomic_and			arch_atomic_and
#define arch_atomic_fetch_and		arch_atomic_fetch_and
#define arch_atomic_or			arch_atomic_or
#define arch_atomic_fetch_or		arch_atomic_fetch_or
#define arch_atomic_xor			arch_atomic_xor
#define arch_atomic_fetch_xor		arch_atomic_fetch_xor
#define arch_atomic_xchg		arch_atomic_xchg
#define arch_atomic_cmpxchg		arch_atomic_cmpxchg

#define arch_atomic64_read		arch_atomic64_read
#define arch_atomic64_set		arch_atomic64_set
#define arch_atomic64_add		arch_atomic64_add
#define arch_atomic64_add_return	arch_atomic64_add_return
#define arch_atomic64_fetch_add		arch_atomic64_fetch_add
#define arch_atomic64_sub		arch_atomic64_sub
#define arch_atomic64_sub_return	arch_atomic64_sub_return
#define arch_atomic64_fetch_sub		arch_atomic64_fetch_sub
#define arch_atomic64_and		arch_atomic64_and
#define arch_atomic64_fetch_and		arch_atomic64_fetch_and
#define arch_atomic64_or		arch_atomic64_or
#define arch_atomic64_fetch_or		arch_atomic64_fetch_or
#define arch_atomic64_xor		arch_atomic64_xor
#define arch_atomic64_fetch_xor		arch_atomic64_fetch_xor
#define arch_atomic64_xchg		arch_atomic64_xchg
#define arch_atomic64_cmpxchg		arch_atomic64_cmpxchg

#endif /* _ASM_LKL_ATOMIC_H */
