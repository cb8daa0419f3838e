// SPDX-License-Identifier: GPL-2.0
/*
 * Host threads that take no signals, for the POSIX host, the signal
 * watcher and the hijack's helper threads.
 */
#include <signal.h>

#include "posix/posix.h"

int lkl_posix_thread_start(pthread_t *tid, const pthread_attr_t *attr,
			   void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(tid, attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}
