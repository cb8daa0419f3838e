/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_BARRIER_H
#define _ASM_LKL_BARRIER_H

/*
 * LKL has one virtual CPU, so the kernel needs no SMP barriers against
 * itself. Its devices, however, are host threads that run on other host
 * CPUs and share the virtqueues with the kernel, as a DMA master would.
 * The mandatory barriers, which the virtio ring (through virt_mb() and
 * friends) and the MMIO accessors use, are therefore real host fences.
 */
/* Orders everything: the device's store-then-load sequences need it. */
#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
/* Orders earlier loads before later loads (and stores). */
#define rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
/* Orders earlier stores (and loads) before later stores. */
#define wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)

#include <asm-generic/barrier.h>

#endif /* _ASM_LKL_BARRIER_H */
