/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rump hypercall interface (NetBSD's rumpuser(3), version 17): the
 * calls that LKL's rump host (rump-host.c) makes to the platform under it,
 * declared here from the documented interface. Only the part that LKL
 * needs is declared: memory, threads and the current-thread pointer,
 * mutexes and condition variables, clocks, parameters, the console,
 * random numbers and exit. A platform (rumpuser-posix.c, or the bare-metal
 * unikernel) implements every function below.
 *
 * The header includes only the compiler's freestanding headers, so that
 * it builds with or without a C library.
 *
 * Errors are returned as positive errno values, in the numbering of the
 * rump kernel's NetBSD; the rump host only tells zero from non-zero.
 */
#ifndef _LKL_RUMPUSER_H
#define _LKL_RUMPUSER_H

#include <stddef.h>
#include <stdint.h>

/* The interface version that rumpuser_init() checks. */
#define RUMPUSER_VERSION	17

/* NetBSD's ETIMEDOUT, returned by rumpuser_cv_timedwait(). */
#define RUMPUSER_ETIMEDOUT	60

/*
 * A thread of the client (the rump host), opaque to the platform: it only
 * stores the pointer per host thread (rumpuser_curlwp()).
 */
struct lwp;

/*
 * Calls from the platform back into the client, around host waits: a
 * rump kernel gives up its virtual CPU in hyp_unschedule before a host
 * thread blocks and takes it back in hyp_schedule. A platform that can
 * tell calls hyp_lwpexit on a host thread that ends with a record set
 * (rumpuser_curlwpop(RUMPUSER_LWP_SET)). The other members serve rump
 * kernels' process model; LKL leaves them NULL.
 */
struct rumpuser_hyperup {
	void (*hyp_schedule)(void);
	void (*hyp_unschedule)(void);
	void (*hyp_backend_unschedule)(int nlocks, int *countp, void *interlock);
	void (*hyp_backend_schedule)(int nlocks, void *interlock);
	void (*hyp_backend_schedule_intr)(int nlocks, void *interlock);
	void (*hyp_lwproc_switch)(struct lwp *l);
	void (*hyp_lwproc_release)(void);
	int (*hyp_lwproc_rfork)(void *priv, int flags, const char *comm);
	int (*hyp_lwproc_newlwp)(int pid);
	struct lwp *(*hyp_lwproc_curlwp)(void);
	int (*hyp_syscall)(int num, void *arg, long *retval);
	void (*hyp_lwpexit)(void);
	void (*hyp_execnotify)(const char *comm);
	int (*hyp_getpid)(void);
	void *hyp__extra[8];
};

/* Start the platform; 0, or an error if @version is not supported. */
int rumpuser_init(int version, const struct rumpuser_hyperup *hyp);

/* Memory: @alignment is a power of two (0: any); rumpuser_free needs @len. */
int rumpuser_malloc(size_t len, int alignment, void **memp);
void rumpuser_free(void *mem, size_t len);

/* Clocks: wall time since the epoch, and a monotonic clock. */
enum rumpclock {
	RUMPUSER_CLOCK_RELWALL,
	RUMPUSER_CLOCK_ABSMONO,
};

int rumpuser_clock_gettime(int enum_rumpclock, int64_t *sec, long *nsec);
/* RELWALL sleeps for the given time, ABSMONO until the given time. */
int rumpuser_clock_sleep(int enum_rumpclock, int64_t sec, long nsec);

/* Parameters by name, copied as a NUL-terminated string into @buf. */
#define RUMPUSER_PARAM_NCPU	"_RUMPUSER_NCPU"
#define RUMPUSER_PARAM_HOSTNAME	"_RUMPUSER_HOSTNAME"
int rumpuser_getparam(const char *name, void *buf, size_t buflen);

/* End everything, never returning; RUMPUSER_PANIC for an abnormal end. */
#define RUMPUSER_PANIC		(-1)
void rumpuser_exit(int value);

/* One character to the console. */
void rumpuser_putchar(int ch);

/* Random bytes; blocks for entropy unless RUMPUSER_RANDOM_NOWAIT. */
#define RUMPUSER_RANDOM_HARD	0x01
#define RUMPUSER_RANDOM_NOWAIT	0x02
int rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp);

/*
 * Threads; rumpuser_thread_exit() does not return. @priority and @cpuidx
 * are hints, -1 for none. A thread made with @mustjoin set is waited for
 * with rumpuser_thread_join(@cookie).
 */
int rumpuser_thread_create(void *(*fn)(void *arg), void *arg,
			   const char *name, int mustjoin, int priority,
			   int cpuidx, void **cookie);
void rumpuser_thread_exit(void);
int rumpuser_thread_join(void *cookie);

/* The client's thread pointer of the calling host thread. */
enum rumplwpop {
	RUMPUSER_LWP_CREATE,
	RUMPUSER_LWP_DESTROY,
	RUMPUSER_LWP_SET,
	RUMPUSER_LWP_CLEAR,
};

void rumpuser_curlwpop(int enum_rumplwpop, struct lwp *l);
struct lwp *rumpuser_curlwp(void);

/*
 * Mutexes. The plain calls let the client unschedule while they block
 * (struct rumpuser_hyperup); the _nowrap ones do not.
 */
struct rumpuser_mtx;
#define RUMPUSER_MTX_SPIN	0x01
#define RUMPUSER_MTX_KMUTEX	0x02
void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags);
void rumpuser_mutex_enter(struct rumpuser_mtx *mtx);
void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx);
int rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx);
void rumpuser_mutex_exit(struct rumpuser_mtx *mtx);
void rumpuser_mutex_destroy(struct rumpuser_mtx *mtx);

/*
 * Condition variables. The timed wait takes a relative time and returns
 * 0, or RUMPUSER_ETIMEDOUT once that time has passed.
 */
struct rumpuser_cv;
void rumpuser_cv_init(struct rumpuser_cv **cvp);
void rumpuser_cv_destroy(struct rumpuser_cv *cv);
void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
			  int64_t sec, int64_t nsec);
void rumpuser_cv_signal(struct rumpuser_cv *cv);
void rumpuser_cv_broadcast(struct rumpuser_cv *cv);

#endif /* _LKL_RUMPUSER_H */
