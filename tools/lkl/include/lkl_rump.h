/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LKL on the rump hypercall interface: the host operations that a
 * platform implementing rumpuser(3) (version 17) gets for free.
 */
#ifndef _LKL_RUMP_H
#define _LKL_RUMP_H

#include <lkl/asm/host_ops.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * DOC: The rump host operations
 *
 * ``lkl_rump_host_ops`` implements struct lkl_host_operations on the rump
 * hypercalls (rumpuser_*), so that LKL runs on any platform that provides
 * them: an ordinary process (liblkl-rump.a, on pthreads) or bare metal
 * (the unikernel). Where the interface leaves a choice, it behaves as
 * follows:
 *
 * - Semaphores are a count under a rumpuser mutex and condition variable.
 * - All timers are served by one host thread, started with the first timer
 *   and ended with the last, which sleeps until the earliest deadline. The
 *   callback runs on that thread without the timers' lock, so it may arm,
 *   cancel or free its own timer; timer_free waits for a running callback
 *   unless called from it.
 * - Thread-local storage lives in the record that rumpuser_curlwp() keeps
 *   per host thread. Destructors run when a thread made by thread_create
 *   ends, and when a thread that the application made ends, if the
 *   platform reports that (hyp_lwpexit; the POSIX rumpuser does).
 * - Recursive mutexes count on top of a rumpuser mutex.
 * - Jump buffers are the compiler's __builtin_setjmp() buffers.
 * - cpu_count is the platform's _RUMPUSER_NCPU parameter.
 * - iomem_access goes to the host library's virtio devices in an ordinary
 *   process, and is a plain memory access on bare metal.
 */

/* The host operations on rumpuser, to pass to lkl_start_kernel(). */
extern struct lkl_host_operations lkl_rump_host_ops;

/**
 * lkl_rump_host_init() - start the rumpuser platform
 *
 * Calls rumpuser_init(). The operations call it themselves when first
 * used; an application calls it first to learn whether the platform
 * accepted the interface version. Calling it again does nothing.
 *
 * Return: 0, or a negative errno: -EINVAL (-22) if the platform refused.
 */
int lkl_rump_host_init(void);

#ifdef __cplusplus
}
#endif

#endif /* _LKL_RUMP_H */
