/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the POSIX host share, and lend to the hijack
 * (internal header).
 */
#ifndef _LKL_LIB_POSIX_POSIX_H
#define _LKL_LIB_POSIX_POSIX_H

#include <pthread.h>

#pragma GCC visibility push(hidden)

/**
 * lkl_posix_thread_start() - start a host thread with all signals blocked
 * @tid: receives the thread
 * @attr: the thread's attributes, or NULL for the defaults
 * @fn: its start routine
 * @arg: passed to @fn
 *
 * Host signals are for the application's threads. The calling thread
 * blocks them all around pthread_create(), so that the new thread
 * inherits that mask from its first instruction on and no signal is ever
 * delivered to it; then its own mask is restored.
 *
 * Return: 0, or the errno value from pthread_create().
 */
int lkl_posix_thread_start(pthread_t *tid, const pthread_attr_t *attr,
			   void *(*fn)(void *), void *arg);

/*
 * Called by the POSIX semaphore wait when a signal handler interrupted it,
 * once lkl_host_interrupt_on_signals() has set it (interrupt.c).
 */
extern void (*lkl_posix_wait_interrupted)(void);

#pragma GCC visibility pop

#endif /* _LKL_LIB_POSIX_POSIX_H */
