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

#define arch_atomic_read(v)		READ_ONCE((v)->counter)
#define arch_atomic_set(v, i)		WRITE_ONCE((v)->counter, (i))
#define arch_atomic64_read(v)		READ_ONCE((v)->counter)
#define arch_atomic64_set(v, i)		WRITE_ONCE((v)->counter, (i))

#define LKL_ATOMIC_OPS(pfx, type, op, c_op)				\
static inline void arch_##pfx##_##op(type i, pfx##_t *v)		\
{									\
	v->counter = v->counter c_op i;					\
}									\
									\
static inline type arch_##pfx##_##op##_return(type i, pfx##_t *v)	\
{									\
	return v->counter = v->counter c_op i;				\
}									\
									\
static inline type arch_##pfx##_fetch_##op(type i, pfx##_t *v)		\
{									\
	type old = v->counter;						\
									\
	v->counter = old c_op i;					\
	return old;							\
}

#define LKL_ATOMIC_BITOPS(pfx, type, op, c_op)				\
static inline void arch_##pfx##_##op(type i, pfx##_t *v)		\
{									\
	v->counter = v->counter c_op i;					\
}									\
									\
static inline type arch_##pfx##_fetch_##op(type i, pfx##_t *v)		\
{									\
	type old = v->counter;						\
									\
	v->counter = old c_op i;					\
	return old;							\
}

#define LKL_ATOMIC_ALL(pfx, type)					\
	LKL_ATOMIC_OPS(pfx, type, add, +)				\
	LKL_ATOMIC_OPS(pfx, type, sub, -)				\
	LKL_ATOMIC_BITOPS(pfx, type, and, &)				\
	LKL_ATOMIC_BITOPS(pfx, type, or, |)				\
	LKL_ATOMIC_BITOPS(pfx, type, xor, ^)				\
									\
static inline type arch_##pfx##_xchg(pfx##_t *v, type new)		\
{									\
	type old = v->counter;						\
									\
	v->counter = new;						\
	return old;							\
}									\
									\
static inline type arch_##pfx##_cmpxchg(pfx##_t *v, type old, type new)	\
{									\
	type cur = v->counter;						\
									\
	if (cur == old)							\
		v->counter = new;					\
	return cur;							\
}

LKL_ATOMIC_ALL(atomic, int)
LKL_ATOMIC_ALL(atomic64, s64)

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
