/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LKL host library: what host-side code (the application, device backends
 * and the helpers in tools/lkl/lib) needs beyond <lkl.h>.
 */
#ifndef _LKL_HOST_H
#define _LKL_HOST_H

#include <lkl/asm/host_ops.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * DOC: The POSIX host operations
 *
 * ``lkl_host_ops`` is the host interface implemented on POSIX threads; pass
 * it to lkl_start_kernel(). Where struct lkl_host_operations leaves a choice,
 * it behaves as follows:
 *
 * - Every thread it creates (kernel threads and timer threads) starts with
 *   all host signals blocked, and every wait retries on ``EINTR``.
 * - Threads are created joinable, with a 2 MiB stack.
 * - Semaphores are ``sem_t``: an up followed by a down on the same thread
 *   never enters the host kernel.
 * - TLS destructors run on the exiting thread when it calls pthread_exit()
 *   or returns from its start routine, with the value already cleared.
 *   They do not run for a thread that ends the process with exit() or by
 *   returning from main().
 * - Memory of 1 MiB or more is mapped with mmap() and unmapped when freed,
 *   so that freeing the memory pool gives it back to the host and leaves
 *   the host malloc's thresholds as they were.
 * - Each timer has one host thread, made by timer_alloc and ended by
 *   timer_free. It sleeps until the absolute deadline on the monotonic
 *   clock with 1 ns timer slack, and busy-waits the last few microseconds
 *   of short waits. The callback runs on that thread without the timer's
 *   lock, so it may arm, cancel or free its own timer. timer_cancel only
 *   stops callbacks that have not started; timer_free also waits for a
 *   running callback, unless it is called from that callback.
 */

/*
 * A Windows program linked against lkl.dll defines LKL_DLL, so that the
 * variables of the library are imported from the DLL.
 */
#if defined(_WIN32) && defined(LKL_DLL)
#define LKL_DATA_IMPORT __declspec(dllimport)
#else
#define LKL_DATA_IMPORT
#endif

/*
 * The host operations for POSIX hosts (or Windows, in the NT build), to
 * pass to lkl_start_kernel().
 */
extern LKL_DATA_IMPORT struct lkl_host_operations lkl_host_ops;

/**
 * lkl_host_interrupt_on_signals() - let host signals interrupt LKL calls
 *
 * From then on, when a host signal handler installed without SA_RESTART
 * runs on an application thread that is blocked in an LKL system call,
 * the call returns -LKL_EINTR once the handler has returned, as the
 * host's own read() or accept() would fail with EINTR. With SA_RESTART the
 * call goes on waiting, as those would be restarted. A thread that is not
 * blocked in LKL is not affected. It starts one host thread, which blocks
 * all signals, and takes effect for lkl_host_ops. Call it after
 * lkl_start_kernel(); calling it again does nothing.
 *
 * Return: 0, or a negative errno if the thread cannot be started.
 */
int lkl_host_interrupt_on_signals(void);

#ifdef __cplusplus
}
#endif

#endif /* _LKL_HOST_H */
