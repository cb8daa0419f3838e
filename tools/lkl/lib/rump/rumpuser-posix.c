// SPDX-License-Identifier: GPL-2.0
/*
 * A rumpuser platform on POSIX threads, so that the rump host
 * (rump-host.c) runs in an ordinary process: what the bare-metal
 * unikernel provides in a virtual machine, this file provides on a host
 * with a C library. Threads block every signal; waits retry on EINTR.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "rump/rumpuser.h"

#define NSEC_PER_SEC	1000000000LL

static const struct rumpuser_hyperup *posix_hyp;

/*
 * The client's thread record of each host thread. The key holds it too,
 * so that a thread that ends with a record set tells the client
 * (hyp_lwpexit) from the key's destructor.
 */
static __thread struct lwp *posix_curlwp;
static pthread_key_t posix_lwp_key;

/* Console output is collected into lines, written to stderr whole. */
static pthread_mutex_t posix_console_lock = PTHREAD_MUTEX_INITIALIZER;
static char posix_console[256];
static size_t posix_console_len;

static void posix_unschedule(void)
{
	if (posix_hyp && posix_hyp->hyp_unschedule)
		posix_hyp->hyp_unschedule();
}

static void posix_schedule(void)
{
	if (posix_hyp && posix_hyp->hyp_schedule)
		posix_hyp->hyp_schedule();
}

/* Host errno values in the NetBSD numbering that rump clients expect. */
static int posix_error(int err)
{
	return err == ETIMEDOUT ? RUMPUSER_ETIMEDOUT : err;
}

static void posix_lwp_exit(void *l)
{
	posix_curlwp = l;
	if (posix_hyp && posix_hyp->hyp_lwpexit)
		posix_hyp->hyp_lwpexit();
	posix_curlwp = NULL;
}

int rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
	if (version != RUMPUSER_VERSION) {
		fprintf(stderr, "rumpuser: interface version %d requested, %d supported\n",
			version, RUMPUSER_VERSION);
		return posix_error(EINVAL);
	}
	/* A thread cookie holds a pthread_t. */
	(void)sizeof(char[1 - 2 * (sizeof(pthread_t) > sizeof(void *))]);
	if (pthread_key_create(&posix_lwp_key, posix_lwp_exit))
		return posix_error(EAGAIN);
	posix_hyp = hyp;
	return 0;
}

int rumpuser_malloc(size_t len, int alignment, void **memp)
{
	size_t align = alignment > (int)sizeof(void *) ? (size_t)alignment : sizeof(void *);

	return posix_error(posix_memalign(memp, align, len));
}

void rumpuser_free(void *mem, size_t len)
{
	(void)len;
	free(mem);
}

int rumpuser_clock_gettime(int enum_rumpclock, int64_t *sec, long *nsec)
{
	clockid_t clock = enum_rumpclock == RUMPUSER_CLOCK_ABSMONO ?
			  CLOCK_MONOTONIC : CLOCK_REALTIME;
	struct timespec ts;

	if (clock_gettime(clock, &ts))
		return posix_error(errno);
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
	return 0;
}

int rumpuser_clock_sleep(int enum_rumpclock, int64_t sec, long nsec)
{
	struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };
	int flags = 0, err;

	if (enum_rumpclock == RUMPUSER_CLOCK_ABSMONO)
		flags = TIMER_ABSTIME;
	posix_unschedule();
	/* A relative sleep goes on with what is left after a signal. */
	while ((err = clock_nanosleep(CLOCK_MONOTONIC, flags, &ts, &ts)) == EINTR)
		;
	posix_schedule();
	return posix_error(err);
}

static int posix_param(char *buf, size_t buflen, const char *value)
{
	size_t len = strlen(value) + 1;

	if (len > buflen)
		return posix_error(E2BIG);
	memcpy(buf, value, len);
	return 0;
}

int rumpuser_getparam(const char *name, void *buf, size_t buflen)
{
	char value[64];
	const char *env;

	if (!strcmp(name, RUMPUSER_PARAM_NCPU)) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		snprintf(value, sizeof(value), "%ld", n > 0 ? n : 1);
		return posix_param(buf, buflen, value);
	}
	if (!strcmp(name, RUMPUSER_PARAM_HOSTNAME)) {
		if (gethostname(value, sizeof(value)))
			return posix_error(errno);
		value[sizeof(value) - 1] = 0;
		return posix_param(buf, buflen, value);
	}
	/* Anything else is the environment's. */
	env = getenv(name);
	if (!env)
		return posix_error(ENOENT);
	return posix_param(buf, buflen, env);
}

void rumpuser_exit(int value)
{
	fflush(stderr);
	if (value == RUMPUSER_PANIC)
		abort();
	exit(value);
}

static void posix_console_flush(void)
{
	size_t done = 0;

	while (done < posix_console_len) {
		ssize_t ret = write(STDERR_FILENO, posix_console + done,
				    posix_console_len - done);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			break;
		done += ret;
	}
	posix_console_len = 0;
}

void rumpuser_putchar(int ch)
{
	pthread_mutex_lock(&posix_console_lock);
	posix_console[posix_console_len++] = ch;
	if (ch == '\n' || posix_console_len == sizeof(posix_console))
		posix_console_flush();
	pthread_mutex_unlock(&posix_console_lock);
}

int rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp)
{
	unsigned int gflags = flags & RUMPUSER_RANDOM_NOWAIT ? GRND_NONBLOCK : 0;
	ssize_t ret;

	do {
		ret = getrandom(buf, buflen, gflags);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return posix_error(errno);
	*retp = ret;
	return 0;
}

/* Threads */

int rumpuser_thread_create(void *(*fn)(void *arg), void *arg,
			   const char *name, int mustjoin, int priority,
			   int cpuidx, void **cookie)
{
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	(void)priority;
	(void)cpuidx;
	err = pthread_attr_init(&attr);
	if (err)
		return posix_error(err);
	if (!mustjoin)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* The new thread inherits the mask: it starts with every signal blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&tid, &attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err)
		return posix_error(err);
#ifdef __linux__
	if (name) {
		char comm[16];

		snprintf(comm, sizeof(comm), "%s", name);
		pthread_setname_np(tid, comm);
	}
#endif
	if (cookie)
		*cookie = (void *)(uintptr_t)tid;
	return 0;
}

void rumpuser_thread_exit(void)
{
	pthread_exit(NULL);
}

int rumpuser_thread_join(void *cookie)
{
	return posix_error(pthread_join((pthread_t)(uintptr_t)cookie, NULL));
}

void rumpuser_curlwpop(int enum_rumplwpop, struct lwp *l)
{
	switch (enum_rumplwpop) {
	case RUMPUSER_LWP_SET:
		posix_curlwp = l;
		pthread_setspecific(posix_lwp_key, l);
		break;
	case RUMPUSER_LWP_CLEAR:
		posix_curlwp = NULL;
		pthread_setspecific(posix_lwp_key, NULL);
		break;
	default:
		/* CREATE and DESTROY: nothing is kept per record. */
		break;
	}
}

struct lwp *rumpuser_curlwp(void)
{
	return posix_curlwp;
}

/* Mutexes */

struct rumpuser_mtx {
	pthread_mutex_t mutex;
};

void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags)
{
	struct rumpuser_mtx *mtx = malloc(sizeof(*mtx));

	(void)flags;
	if (!mtx || pthread_mutex_init(&mtx->mutex, NULL)) {
		fprintf(stderr, "rumpuser: cannot make a mutex\n");
		abort();
	}
	*mtxp = mtx;
}

void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx)
{
	if (pthread_mutex_lock(&mtx->mutex))
		abort();
}

void rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{
	if (!pthread_mutex_trylock(&mtx->mutex))
		return;
	posix_unschedule();
	rumpuser_mutex_enter_nowrap(mtx);
	posix_schedule();
}

int rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{
	return posix_error(pthread_mutex_trylock(&mtx->mutex));
}

void rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{
	if (pthread_mutex_unlock(&mtx->mutex))
		abort();
}

void rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{
	pthread_mutex_destroy(&mtx->mutex);
	free(mtx);
}

/* Condition variables, timed on the monotonic clock. */

struct rumpuser_cv {
	pthread_cond_t cond;
};

void rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv = malloc(sizeof(*cv));
	pthread_condattr_t attr;

	if (!cv || pthread_condattr_init(&attr) ||
	    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
	    pthread_cond_init(&cv->cond, &attr)) {
		fprintf(stderr, "rumpuser: cannot make a condition variable\n");
		abort();
	}
	pthread_condattr_destroy(&attr);
	*cvp = cv;
}

void rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	pthread_cond_destroy(&cv->cond);
	free(cv);
}

void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	pthread_cond_wait(&cv->cond, &mtx->mutex);
}

void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	posix_unschedule();
	rumpuser_cv_wait_nowrap(cv, mtx);
	posix_schedule();
}

int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
			  int64_t sec, int64_t nsec)
{
	struct timespec ts;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += sec + (ts.tv_nsec + nsec) / NSEC_PER_SEC;
	ts.tv_nsec = (ts.tv_nsec + nsec) % NSEC_PER_SEC;
	posix_unschedule();
	err = pthread_cond_timedwait(&cv->cond, &mtx->mutex, &ts);
	posix_schedule();
	return err == ETIMEDOUT ? RUMPUSER_ETIMEDOUT : 0;
}

void rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	pthread_cond_signal(&cv->cond);
}

void rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	pthread_cond_broadcast(&cv->cond);
}
