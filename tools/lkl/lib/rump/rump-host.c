// SPDX-License-Identifier: GPL-2.0
/*
 * The LKL host operations on the rump hypercall interface (rumpuser.h).
 *
 * Nothing here uses a C library: the file builds freestanding, for the
 * bare-metal unikernel as for an ordinary process, and reaches the platform
 * only through rumpuser_*. The behaviour is described in lkl_rump.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lkl_rump.h>

#include "rump/rumpuser.h"

#ifdef LKL_RUMP_VIRTIO
/* An ordinary process: the devices are the host library's virtio model. */
#include "virtio/virtio.h"
#endif

#define RUMP_PAGE_SIZE		4096UL
#define RUMP_TLS_KEYS		8
#define NSEC_PER_SEC		1000000000ULL
#define LKL_EINVAL		22

/*
 * struct lwp - what the host knows of one host thread
 * @cookie: rumpuser_thread_join()'s handle, for threads made here
 * @fn: the thread's function, for threads made here
 * @arg: @fn's argument
 * @tls: the thread's values of the TLS keys
 * @detached: nobody joins the thread; it is reaped when it ends
 * @next: the list of ended detached threads (rump_zombies)
 */
struct lwp {
	void *cookie;
	void (*fn)(void *arg);
	void *arg;
	void *tls[RUMP_TLS_KEYS];
	bool detached;
	struct lwp *next;
};

struct lkl_tls_key {
	int index;
	void (*destructor)(void *data);
};

/* Global state, under rump_lock: TLS keys and ended detached threads. */
static struct rumpuser_mtx *rump_lock;
static struct lkl_tls_key rump_keys[RUMP_TLS_KEYS];
static bool rump_key_used[RUMP_TLS_KEYS];
static struct lwp *rump_zombies;
static int rump_ready;

/*
 * LKL keeps its own CPU lock, so a host thread that blocks in a hypercall
 * has nothing to give up: the upcalls are empty.
 */
static void rump_hyp_nothing(void)
{
}

static void rump_lwp_exit(void);

static const struct rumpuser_hyperup rump_hyp = {
	.hyp_schedule	= rump_hyp_nothing,
	.hyp_unschedule	= rump_hyp_nothing,
	.hyp_lwpexit	= rump_lwp_exit,
};

int lkl_rump_host_init(void)
{
	if (rump_ready)
		return 0;
	if (rumpuser_init(RUMPUSER_VERSION, &rump_hyp))
		return -LKL_EINVAL;
	rumpuser_mutex_init(&rump_lock, 0);
	rump_ready = 1;
	return 0;
}

static void rump_print(const char *str, int len)
{
	while (len-- > 0)
		rumpuser_putchar(*str++);
}

static void rump_panic(const char *msg)
{
	static const char prefix[] = "lkl: kernel panic: ";

	rump_print(prefix, sizeof(prefix) - 1);
	while (*msg)
		rumpuser_putchar(*msg++);
	rumpuser_putchar('\n');
	rumpuser_exit(RUMPUSER_PANIC);
}

/* Small objects of the host: zeroed, freed with their size. */
static void *rump_zalloc(size_t size)
{
	void *mem;
	size_t i;

	if (lkl_rump_host_init() || rumpuser_malloc(size, 16, &mem))
		return NULL;
	for (i = 0; i < size; i++)
		((char *)mem)[i] = 0;
	return mem;
}

/* Clocks */

static unsigned long long rump_clock(int clock)
{
	int64_t sec;
	long nsec;

	if (rumpuser_clock_gettime(clock, &sec, &nsec))
		return 0;
	return (unsigned long long)sec * NSEC_PER_SEC + nsec;
}

static unsigned long long rump_time(void)
{
	return rump_clock(RUMPUSER_CLOCK_ABSMONO);
}

static unsigned long long rump_realtime(void)
{
	return rump_clock(RUMPUSER_CLOCK_RELWALL);
}

/*
 * Wait on @cv until the absolute monotonic time @ns at most: 0 if woken
 * (perhaps spuriously), non-zero once @ns has come. Never early.
 */
static int rump_cv_wait_until(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
			      unsigned long long ns)
{
	unsigned long long now = rump_time();

	if (now >= ns)
		return 1;
	ns -= now;
	rumpuser_cv_timedwait(cv, mtx, ns / NSEC_PER_SEC, ns % NSEC_PER_SEC);
	return 0;
}

/* Semaphores */

struct lkl_sem {
	struct rumpuser_mtx *mtx;
	struct rumpuser_cv *cv;
	long count;
};

static struct lkl_sem *rump_sem_alloc(int count)
{
	struct lkl_sem *sem;

	if (count < 0)
		return NULL;
	sem = rump_zalloc(sizeof(*sem));
	if (!sem)
		return NULL;
	rumpuser_mutex_init(&sem->mtx, 0);
	rumpuser_cv_init(&sem->cv);
	sem->count = count;
	return sem;
}

static void rump_sem_free(struct lkl_sem *sem)
{
	rumpuser_cv_destroy(sem->cv);
	rumpuser_mutex_destroy(sem->mtx);
	rumpuser_free(sem, sizeof(*sem));
}

static void rump_sem_up(struct lkl_sem *sem)
{
	rumpuser_mutex_enter(sem->mtx);
	sem->count++;
	rumpuser_cv_signal(sem->cv);
	rumpuser_mutex_exit(sem->mtx);
}

static void rump_sem_down(struct lkl_sem *sem)
{
	rumpuser_mutex_enter(sem->mtx);
	while (!sem->count)
		rumpuser_cv_wait(sem->cv, sem->mtx);
	sem->count--;
	rumpuser_mutex_exit(sem->mtx);
}

static int rump_sem_down_until(struct lkl_sem *sem, unsigned long long ns)
{
	int ret = 0;

	rumpuser_mutex_enter(sem->mtx);
	while (!sem->count) {
		if (rump_cv_wait_until(sem->cv, sem->mtx, ns)) {
			ret = 1;
			break;
		}
	}
	if (!ret)
		sem->count--;
	rumpuser_mutex_exit(sem->mtx);
	return ret;
}

/* Threads and thread-local storage */

/* The calling thread's record, made on first use for the application's. */
static struct lwp *rump_self(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l)
		return l;
	l = rump_zalloc(sizeof(*l));
	if (!l)
		rump_panic("no memory for a thread record");
	rumpuser_curlwpop(RUMPUSER_LWP_CREATE, l);
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	return l;
}

static void rump_lwp_free(struct lwp *l)
{
	rumpuser_curlwpop(RUMPUSER_LWP_DESTROY, l);
	rumpuser_free(l, sizeof(*l));
}

/* Join the detached threads that have ended. */
static void rump_reap(void)
{
	struct lwp *l;

	rumpuser_mutex_enter(rump_lock);
	l = rump_zombies;
	rump_zombies = NULL;
	rumpuser_mutex_exit(rump_lock);

	while (l) {
		struct lwp *next = l->next;

		rumpuser_thread_join(l->cookie);
		rump_lwp_free(l);
		l = next;
	}
}

static void rump_run_destructors(struct lwp *l)
{
	int i;

	for (i = 0; i < RUMP_TLS_KEYS; i++) {
		void *data = l->tls[i];
		void (*destructor)(void *data);

		if (!data)
			continue;
		rumpuser_mutex_enter(rump_lock);
		destructor = rump_key_used[i] ? rump_keys[i].destructor : NULL;
		rumpuser_mutex_exit(rump_lock);
		l->tls[i] = NULL;
		if (destructor)
			destructor(data);
	}
}

/*
 * A thread that the application made, and that got a record here, ends:
 * its TLS destructors run (the kernel lets go of its task), and the record
 * goes. Threads made by thread_create clear their record before they end.
 */
static void rump_lwp_exit(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (!l)
		return;
	rump_run_destructors(l);
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);
	rump_lwp_free(l);
}

static void rump_thread_end(void)
{
	struct lwp *l = rumpuser_curlwp();

	rump_run_destructors(l);
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);
	if (l->detached) {
		rumpuser_mutex_enter(rump_lock);
		l->next = rump_zombies;
		rump_zombies = l;
		rumpuser_mutex_exit(rump_lock);
	}
	rumpuser_thread_exit();
}

static void *rump_thread_start(void *data)
{
	struct lwp *l = data;

	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	l->fn(l->arg);
	rump_thread_end();
	return NULL;
}

static lkl_thread_t rump_thread_create(void (*fn)(void *), void *arg)
{
	struct lwp *l;
	int err;

	rump_reap();
	l = rump_zalloc(sizeof(*l));
	if (!l)
		return 0;
	l->fn = fn;
	l->arg = arg;
	rumpuser_curlwpop(RUMPUSER_LWP_CREATE, l);
	/* The lock keeps rump_reap() off @l until its cookie is stored. */
	rumpuser_mutex_enter(rump_lock);
	err = rumpuser_thread_create(rump_thread_start, l, "lkl", 1, -1, -1,
				     &l->cookie);
	rumpuser_mutex_exit(rump_lock);
	if (err) {
		rump_lwp_free(l);
		return 0;
	}
	return (lkl_thread_t)(uintptr_t)l;
}

static void rump_thread_detach(void)
{
	rump_self()->detached = true;
}

static void rump_thread_exit(void)
{
	rump_thread_end();
}

static int rump_thread_join(lkl_thread_t tid)
{
	struct lwp *l = (struct lwp *)(uintptr_t)tid;
	int err;

	err = rumpuser_thread_join(l->cookie);
	if (err)
		return -1;
	rump_lwp_free(l);
	return 0;
}

static lkl_thread_t rump_thread_self(void)
{
	return (lkl_thread_t)(uintptr_t)rump_self();
}

static int rump_cpu_count(void)
{
	char buf[16];
	int i, n = 0;

	if (rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf)))
		return 1;
	for (i = 0; i < (int)sizeof(buf) && buf[i] >= '0' && buf[i] <= '9'; i++)
		n = n * 10 + buf[i] - '0';
	return n > 0 ? n : 1;
}

static struct lkl_tls_key *rump_tls_alloc(void (*destructor)(void *))
{
	struct lkl_tls_key *key = NULL;
	int i;

	if (lkl_rump_host_init())
		return NULL;
	rumpuser_mutex_enter(rump_lock);
	for (i = 0; i < RUMP_TLS_KEYS; i++) {
		if (rump_key_used[i])
			continue;
		rump_key_used[i] = true;
		key = &rump_keys[i];
		key->index = i;
		key->destructor = destructor;
		break;
	}
	rumpuser_mutex_exit(rump_lock);
	return key;
}

static void rump_tls_free(struct lkl_tls_key *key)
{
	rumpuser_mutex_enter(rump_lock);
	rump_key_used[key->index] = false;
	rumpuser_mutex_exit(rump_lock);
}

static int rump_tls_set(struct lkl_tls_key *key, void *data)
{
	rump_self()->tls[key->index] = data;
	return 0;
}

static void *rump_tls_get(struct lkl_tls_key *key)
{
	struct lwp *l = rumpuser_curlwp();

	return l ? l->tls[key->index] : NULL;
}

/* Mutexes: a recursive one counts its owner's nested locks. */

struct lkl_mutex {
	struct rumpuser_mtx *mtx;
	struct lwp *owner;
	unsigned long depth;
	bool recursive;
};

static struct lkl_mutex *rump_mutex_alloc(int recursive)
{
	struct lkl_mutex *mutex = rump_zalloc(sizeof(*mutex));

	if (!mutex)
		return NULL;
	rumpuser_mutex_init(&mutex->mtx, 0);
	mutex->recursive = recursive;
	return mutex;
}

static void rump_mutex_free(struct lkl_mutex *mutex)
{
	rumpuser_mutex_destroy(mutex->mtx);
	rumpuser_free(mutex, sizeof(*mutex));
}

static void rump_mutex_lock(struct lkl_mutex *mutex)
{
	struct lwp *self;

	if (!mutex->recursive) {
		rumpuser_mutex_enter(mutex->mtx);
		return;
	}
	/* Only this thread can have made itself the owner. */
	self = rump_self();
	if (__atomic_load_n(&mutex->owner, __ATOMIC_RELAXED) == self) {
		mutex->depth++;
		return;
	}
	rumpuser_mutex_enter(mutex->mtx);
	__atomic_store_n(&mutex->owner, self, __ATOMIC_RELAXED);
	mutex->depth = 1;
}

static void rump_mutex_unlock(struct lkl_mutex *mutex)
{
	if (mutex->recursive) {
		if (--mutex->depth)
			return;
		__atomic_store_n(&mutex->owner, NULL, __ATOMIC_RELAXED);
	}
	rumpuser_mutex_exit(mutex->mtx);
}

/* Memory: a page in front of each block records its size. */

static void *rump_mem_alloc(unsigned long size)
{
	void *mem;

	if (lkl_rump_host_init() ||
	    rumpuser_malloc(size + RUMP_PAGE_SIZE, RUMP_PAGE_SIZE, &mem))
		return NULL;
	*(unsigned long *)mem = size;
	return (char *)mem + RUMP_PAGE_SIZE;
}

static void rump_mem_free(void *addr)
{
	char *mem = (char *)addr - RUMP_PAGE_SIZE;

	rumpuser_free(mem, *(unsigned long *)mem + RUMP_PAGE_SIZE);
}

/*
 * Timers: one thread serves them all. It sleeps until the earliest
 * deadline of the armed timers, or until a timer changes.
 */

/**
 * struct lkl_timer - a one-shot timer
 * @fn: the callback
 * @arg: its argument
 * @deadline: when to fire, in monotonic nanoseconds, while @armed
 * @armed: @fn is due at @deadline
 * @self_free: freed from its own callback: free it once that returns
 * @next: the list of timers (rump_timers)
 */
struct lkl_timer {
	void (*fn)(void *arg);
	void *arg;
	unsigned long long deadline;
	bool armed;
	bool self_free;
	struct lkl_timer *next;
};

/* All under rump_timer_lock. */
static struct rumpuser_mtx *rump_timer_lock;
static struct rumpuser_cv *rump_timer_cv;	/* wakes the thread */
static struct rumpuser_cv *rump_timer_done;	/* a callback returned */
static struct lkl_timer *rump_timers;
static struct lkl_timer *rump_timer_running;
static struct lwp *rump_timer_lwp;
static lkl_thread_t rump_timer_thread;
static bool rump_timer_stop;

static struct lkl_timer *rump_timer_first(void)
{
	struct lkl_timer *t, *first = NULL;

	for (t = rump_timers; t; t = t->next)
		if (t->armed && (!first || t->deadline < first->deadline))
			first = t;
	return first;
}

static void rump_timer_loop(void *unused)
{
	(void)unused;
	rump_timer_lwp = rump_self();
	rumpuser_mutex_enter(rump_timer_lock);
	while (!rump_timer_stop) {
		struct lkl_timer *t = rump_timer_first();

		if (!t) {
			rumpuser_cv_wait(rump_timer_cv, rump_timer_lock);
			continue;
		}
		if (!rump_cv_wait_until(rump_timer_cv, rump_timer_lock,
					t->deadline))
			continue;

		t->armed = false;
		rump_timer_running = t;
		rumpuser_mutex_exit(rump_timer_lock);
		t->fn(t->arg);
		rumpuser_mutex_enter(rump_timer_lock);
		rump_timer_running = NULL;
		if (t->self_free)
			rumpuser_free(t, sizeof(*t));
		rumpuser_cv_broadcast(rump_timer_done);
	}
	rumpuser_mutex_exit(rump_timer_lock);
}

static struct lkl_timer *rump_timer_alloc(void (*fn)(void *), void *arg)
{
	struct lkl_timer *timer;

	if (lkl_rump_host_init())
		return NULL;
	if (!rump_timer_lock) {
		rumpuser_mutex_init(&rump_timer_lock, 0);
		rumpuser_cv_init(&rump_timer_cv);
		rumpuser_cv_init(&rump_timer_done);
	}
	timer = rump_zalloc(sizeof(*timer));
	if (!timer)
		return NULL;
	timer->fn = fn;
	timer->arg = arg;

	rumpuser_mutex_enter(rump_timer_lock);
	if (!rump_timer_thread) {
		rump_timer_stop = false;
		rump_timer_thread = rump_thread_create(rump_timer_loop, NULL);
		if (!rump_timer_thread) {
			rumpuser_mutex_exit(rump_timer_lock);
			rumpuser_free(timer, sizeof(*timer));
			return NULL;
		}
	}
	timer->next = rump_timers;
	rump_timers = timer;
	rumpuser_mutex_exit(rump_timer_lock);
	return timer;
}

static int rump_timer_set_oneshot(struct lkl_timer *timer, unsigned long long ns)
{
	rumpuser_mutex_enter(rump_timer_lock);
	timer->deadline = ns;
	timer->armed = true;
	rumpuser_cv_signal(rump_timer_cv);
	rumpuser_mutex_exit(rump_timer_lock);
	return 0;
}

static void rump_timer_cancel(struct lkl_timer *timer)
{
	rumpuser_mutex_enter(rump_timer_lock);
	/* The thread wakes at the old deadline, if at all, and sleeps again. */
	timer->armed = false;
	rumpuser_mutex_exit(rump_timer_lock);
}

static void rump_timer_free(struct lkl_timer *timer)
{
	bool self = rump_timer_lwp && rumpuser_curlwp() == rump_timer_lwp;
	lkl_thread_t thread = 0;
	struct lkl_timer **p;

	rumpuser_mutex_enter(rump_timer_lock);
	for (p = &rump_timers; *p; p = &(*p)->next) {
		if (*p == timer) {
			*p = timer->next;
			break;
		}
	}
	timer->armed = false;
	if (self && rump_timer_running == timer)
		timer->self_free = true;
	while (!self && rump_timer_running == timer)
		rumpuser_cv_wait(rump_timer_done, rump_timer_lock);
	if (!rump_timers && !self) {
		/* The last timer: end the thread, so that nothing is left. */
		rump_timer_stop = true;
		thread = rump_timer_thread;
		rump_timer_thread = 0;
		rump_timer_lwp = NULL;
		rumpuser_cv_signal(rump_timer_cv);
	}
	rumpuser_mutex_exit(rump_timer_lock);

	if (!timer->self_free)
		rumpuser_free(timer, sizeof(*timer));
	if (thread)
		rump_thread_join(thread);
}

/* Jump buffers: the compiler's, which need no C library. */

static void rump_jmp_buf_set(struct lkl_jmp_buf *jmpb, void (*f)(void))
{
	/* __builtin_setjmp() keeps five words. */
	(void)sizeof(char[1 - 2 * (5 * sizeof(void *) > sizeof(jmpb->buf))]);
	if (!__builtin_setjmp((void **)jmpb->buf))
		f();
}

static void rump_jmp_buf_longjmp(struct lkl_jmp_buf *jmpb, int val)
{
	/* __builtin_setjmp() returns 1 whatever @val is; LKL passes 1. */
	(void)val;
	__builtin_longjmp((void **)jmpb->buf, 1);
}

/*
 * On bare metal the devices are real: a register access is one access of
 * the given size, which the compiler must neither merge nor drop. Relaxed
 * atomics give exactly that, and compile to plain moves.
 */
static int rump_iomem_access(const void *addr, void *val, int size, int write)
{
#ifdef LKL_RUMP_VIRTIO
	return lkl_virtio_iomem_access(addr, val, size, write);
#else
	switch (size) {
	case 1:
		if (write)
			__atomic_store_n((uint8_t *)addr, *(uint8_t *)val, __ATOMIC_RELAXED);
		else
			*(uint8_t *)val = __atomic_load_n((uint8_t *)addr, __ATOMIC_RELAXED);
		return 0;
	case 2:
		if (write)
			__atomic_store_n((uint16_t *)addr, *(uint16_t *)val, __ATOMIC_RELAXED);
		else
			*(uint16_t *)val = __atomic_load_n((uint16_t *)addr, __ATOMIC_RELAXED);
		return 0;
	case 4:
		if (write)
			__atomic_store_n((uint32_t *)addr, *(uint32_t *)val, __ATOMIC_RELAXED);
		else
			*(uint32_t *)val = __atomic_load_n((uint32_t *)addr, __ATOMIC_RELAXED);
		return 0;
	case 8:
		if (write)
			__atomic_store_n((uint64_t *)addr, *(uint64_t *)val, __ATOMIC_RELAXED);
		else
			*(uint64_t *)val = __atomic_load_n((uint64_t *)addr, __ATOMIC_RELAXED);
		return 0;
	}
	return -LKL_EINVAL;
#endif
}

struct lkl_host_operations lkl_rump_host_ops = {
	.print			= rump_print,
	.panic			= rump_panic,
	.sem_alloc		= rump_sem_alloc,
	.sem_free		= rump_sem_free,
	.sem_up			= rump_sem_up,
	.sem_down		= rump_sem_down,
	.sem_down_until		= rump_sem_down_until,
	.mutex_alloc		= rump_mutex_alloc,
	.mutex_free		= rump_mutex_free,
	.mutex_lock		= rump_mutex_lock,
	.mutex_unlock		= rump_mutex_unlock,
	.thread_create		= rump_thread_create,
	.thread_detach		= rump_thread_detach,
	.thread_exit		= rump_thread_exit,
	.thread_join		= rump_thread_join,
	.thread_self		= rump_thread_self,
	.tls_alloc		= rump_tls_alloc,
	.tls_free		= rump_tls_free,
	.tls_set		= rump_tls_set,
	.tls_get		= rump_tls_get,
	.mem_alloc		= rump_mem_alloc,
	.mem_free		= rump_mem_free,
	.time			= rump_time,
	.realtime		= rump_realtime,
	.timer_alloc		= rump_timer_alloc,
	.timer_set_oneshot	= rump_timer_set_oneshot,
	.timer_cancel		= rump_timer_cancel,
	.timer_free		= rump_timer_free,
	.iomem_access		= rump_iomem_access,
	.jmp_buf_set		= rump_jmp_buf_set,
	.jmp_buf_longjmp	= rump_jmp_buf_longjmp,
	.cpu_count		= rump_cpu_count,
};
