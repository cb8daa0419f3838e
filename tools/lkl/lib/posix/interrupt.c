// SPDX-License-Identifier: GPL-2.0
/*
 * Host signals that interrupt blocking LKL calls, as they interrupt the
 * host's own (lkl_host_interrupt_on_signals()).
 *
 * An application thread blocked in an LKL call waits on a host semaphore
 * in posix_sem_down(). A host signal handler that runs on that thread
 * makes sem_wait() fail with EINTR unless it has SA_RESTART (then the
 * futex wait is restarted, just as a host read() would be), after which
 * posix-host.c calls lkl_posix_wait_interrupted(). That may not enter LKL
 * itself (the thread's task is inside a call), so it hands the thread's
 * handle through a pipe to a watcher thread, which calls
 * lkl_interrupt_thread(): the blocked call then returns -EINTR, and the
 * application sees what a host call would have given it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "posix/host_io.h"
#include "posix/posix.h"

static pthread_mutex_t interrupt_lock = PTHREAD_MUTEX_INITIALIZER;
static int interrupt_pipe[2] = { -1, -1 };

static void interrupt_wait_interrupted(void)
{
	lkl_thread_t self = lkl_host_ops.thread_self();
	ssize_t ret;

	/* Eight bytes are written whole; a full pipe has work pending. */
	ret = lkl_host_io.write(interrupt_pipe[1], &self, sizeof(self));
	(void)ret;
}

static void *interrupt_watcher(void *arg)
{
	lkl_thread_t thread;

	(void)arg;
#ifdef __linux__
	pthread_setname_np(pthread_self(), "lkl-interrupt");
#endif
	for (;;) {
		ssize_t n = lkl_host_io.read(interrupt_pipe[0], &thread,
					     sizeof(thread));

		if (n == sizeof(thread))
			lkl_interrupt_thread(thread);
		else if (n < 0 && errno != EINTR)
			break;
	}
	return NULL;
}

int lkl_host_interrupt_on_signals(void)
{
	pthread_t watcher;
	int ret = 0;

	pthread_mutex_lock(&interrupt_lock);
	if (interrupt_pipe[0] >= 0)
		goto out;
	if (lkl_host_io.pipe2(interrupt_pipe, O_CLOEXEC)) {
		ret = -errno;
		goto out;
	}
	/* The watcher takes no signals: they are for the application. */
	ret = -lkl_posix_thread_start(&watcher, NULL, interrupt_watcher, NULL);
	if (ret) {
		lkl_host_io.close(interrupt_pipe[0]);
		lkl_host_io.close(interrupt_pipe[1]);
		interrupt_pipe[0] = -1;
		interrupt_pipe[1] = -1;
		goto out;
	}
	pthread_detach(watcher);
	__atomic_store_n(&lkl_posix_wait_interrupted,
			 interrupt_wait_interrupted, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&interrupt_lock);
	return ret;
}
