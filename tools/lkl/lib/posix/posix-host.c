// SPDX-License-Identifier: GPL-2.0
/*
 * The LKL host operations for POSIX hosts, on pthreads.
 *
 * Everything here runs outside the kernel: it uses the host's libc and the
 * installed host interface header only. The semantics that the interface
 * leaves open are described in lkl_host.h.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/mman.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <lkl_host.h>

#include "virtio/virtio.h"
#include "posix/host_io.h"
#include "posix/posix.h"

/* Stack size of the threads made here; see lkl_host.h. */
#define POSIX_THREAD_STACK	(2048UL * 1024)

/* mem_alloc() sizes from which memory is mapped rather than malloc'd. */
#define POSIX_MMAP_MIN		(1024UL * 1024)

/* Timer waits shorter than this are busy-waited rather than slept. */
#define POSIX_TIMER_SPIN_NS	10000ULL

#define NSEC_PER_SEC		1000000000ULL

/* C11's static_assert() is _Static_assert(). */
static_assert(sizeof(jmp_buf) <= sizeof(struct lkl_jmp_buf),
	      "struct lkl_jmp_buf is too small for the host's jmp_buf");
static_assert(__alignof__(jmp_buf) <= __alignof__(struct lkl_jmp_buf),
	      "struct lkl_jmp_buf is not aligned enough for the host's jmp_buf");
static_assert(sizeof(pthread_t) <= sizeof(lkl_thread_t),
	      "lkl_thread_t cannot hold a pthread_t");

static void posix_print(const char *str, int len)
{
	while (len > 0) {
		ssize_t ret = lkl_host_io.write(STDERR_FILENO, str, len);

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		str += ret;
		len -= ret;
	}
}

static void posix_panic(const char *msg)
{
	fprintf(stderr, "lkl: kernel panic: %s\n", msg);
	abort();
}

/* Semaphores */

struct lkl_sem {
	sem_t sem;
};

static struct lkl_sem *posix_sem_alloc(int count)
{
	struct lkl_sem *sem;

	if (count < 0)
		return NULL;
	sem = malloc(sizeof(*sem));
	if (!sem)
		return NULL;
	if (sem_init(&sem->sem, 0, count)) {
		free(sem);
		return NULL;
	}
	return sem;
}

static void posix_sem_free(struct lkl_sem *sem)
{
	sem_destroy(&sem->sem);
	free(sem);
}

static void posix_sem_up(struct lkl_sem *sem)
{
	/* Fails only for a bad semaphore or on overflow: both are bugs. */
	if (sem_post(&sem->sem))
		abort();
}

/* Set by lkl_host_interrupt_on_signals(); see interrupt.c. */
__attribute__((visibility("hidden")))
void (*lkl_posix_wait_interrupted)(void);

static void posix_sem_down(struct lkl_sem *sem)
{
	while (sem_wait(&sem->sem)) {
		if (errno != EINTR)
			abort();
		/* A host signal handler ran on this thread meanwhile. */
		if (lkl_posix_wait_interrupted)
			lkl_posix_wait_interrupted();
	}
}

static int posix_sem_down_until(struct lkl_sem *sem, unsigned long long ns)
{
	struct timespec ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };

	while (sem_clockwait(&sem->sem, CLOCK_MONOTONIC, &ts)) {
		if (errno == ETIMEDOUT)
			return 1;
		if (errno != EINTR)
			abort();
		if (lkl_posix_wait_interrupted)
			lkl_posix_wait_interrupted();
	}
	return 0;
}

/* Mutexes */

struct lkl_mutex {
	pthread_mutex_t mutex;
};

static struct lkl_mutex *posix_mutex_alloc(int recursive)
{
	pthread_mutexattr_t attr;
	struct lkl_mutex *mutex;
	int err;

	mutex = malloc(sizeof(*mutex));
	if (!mutex)
		return NULL;
	if (pthread_mutexattr_init(&attr)) {
		free(mutex);
		return NULL;
	}
	err = pthread_mutexattr_settype(&attr, recursive ? PTHREAD_MUTEX_RECURSIVE :
				       PTHREAD_MUTEX_NORMAL);
	if (!err)
		err = pthread_mutex_init(&mutex->mutex, &attr);
	pthread_mutexattr_destroy(&attr);
	if (err) {
		free(mutex);
		return NULL;
	}
	return mutex;
}

static void posix_mutex_free(struct lkl_mutex *mutex)
{
	pthread_mutex_destroy(&mutex->mutex);
	free(mutex);
}

static void posix_mutex_lock(struct lkl_mutex *mutex)
{
	if (pthread_mutex_lock(&mutex->mutex))
		abort();
}

static void posix_mutex_unlock(struct lkl_mutex *mutex)
{
	if (pthread_mutex_unlock(&mutex->mutex))
		abort();
}

/* Threads */

struct posix_thread_start {
	void (*fn)(void *arg);
	void *arg;
};

static void *posix_thread_trampoline(void *data)
{
	struct posix_thread_start start = *(struct posix_thread_start *)data;

	free(data);
	start.fn(start.arg);
	return NULL;
}

/*
 * Start a joinable thread with every signal blocked (see
 * lkl_posix_thread_start()) and a stack of POSIX_THREAD_STACK bytes.
 * Returns 0 or a negative errno.
 */
static int posix_thread_start(pthread_t *tid, void (*fn)(void *), void *arg)
{
	struct posix_thread_start *start;
	pthread_attr_t attr;
	int err;

	start = malloc(sizeof(*start));
	if (!start)
		return -ENOMEM;
	start->fn = fn;
	start->arg = arg;

	err = pthread_attr_init(&attr);
	if (err) {
		free(start);
		return -err;
	}
	err = pthread_attr_setstacksize(&attr, POSIX_THREAD_STACK);
	if (!err)
		err = lkl_posix_thread_start(tid, &attr,
					     posix_thread_trampoline, start);
	pthread_attr_destroy(&attr);
	if (err)
		free(start);
	return -err;
}

static lkl_thread_t posix_thread_create(void (*fn)(void *), void *arg)
{
	pthread_t tid;

	if (posix_thread_start(&tid, fn, arg))
		return 0;
	return (lkl_thread_t)tid;
}

static void posix_thread_detach(void)
{
	pthread_detach(pthread_self());
}

static void posix_thread_exit(void)
{
	pthread_exit(NULL);
}

static int posix_thread_join(lkl_thread_t tid)
{
	return -pthread_join((pthread_t)tid, NULL);
}

static lkl_thread_t posix_thread_self(void)
{
	return (lkl_thread_t)pthread_self();
}

/* The CPUs this thread may run on; the threads LKL starts inherit them. */
static int posix_cpu_count(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	return CPU_COUNT(&set);
}

/* Thread-local storage */

struct lkl_tls_key {
	pthread_key_t key;
};

static struct lkl_tls_key *posix_tls_alloc(void (*destructor)(void *))
{
	struct lkl_tls_key *key;

	key = malloc(sizeof(*key));
	if (!key)
		return NULL;
	if (pthread_key_create(&key->key, destructor)) {
		free(key);
		return NULL;
	}
	return key;
}

static void posix_tls_free(struct lkl_tls_key *key)
{
	pthread_key_delete(key->key);
	free(key);
}

static int posix_tls_set(struct lkl_tls_key *key, void *data)
{
	return pthread_setspecific(key->key, data) ? -1 : 0;
}

static void *posix_tls_get(struct lkl_tls_key *key)
{
	return pthread_getspecific(key->key);
}

/* Memory */

/*
 * Large blocks (the memory pool above all) are mapped directly. glibc would
 * map them too, but freeing a mapped block raises its mmap threshold, which
 * would change how the application's own allocations behave after halt.
 * The few mappings are kept in a list so that mem_free() knows their size.
 *
 * Built with LeakSanitizer (on its own or in AddressSanitizer), each
 * mapping is a root region for it: LSan scans the heap, globals, stacks
 * and TLS for pointers, not mappings, and the kernel keeps the host
 * objects it uses (semaphores, threads, timers) in its pool. Without
 * this, a process that exits with the kernel still running, such as a
 * forked child, which does not halt its copy of the parent's kernel,
 * would see each of them reported as leaked. The region goes when the
 * mapping goes, at halt, so an object the halt does not free is still
 * reported. (gcc defines no macro for -fsanitize=leak alone; that build
 * goes without.)
 */
#if defined(__SANITIZE_ADDRESS__)
#define POSIX_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define POSIX_LSAN 1
#endif
#endif

#ifdef POSIX_LSAN
#include <sanitizer/lsan_interface.h>

static void posix_lsan_root(void *addr, size_t size, int add)
{
	if (add)
		__lsan_register_root_region(addr, size);
	else
		__lsan_unregister_root_region(addr, size);
}
#else
static void posix_lsan_root(void *addr, size_t size, int add)
{
	(void)addr;
	(void)size;
	(void)add;
}
#endif

struct posix_mapping {
	struct posix_mapping *next;
	void *addr;
	size_t size;
};

static pthread_mutex_t posix_mappings_lock = PTHREAD_MUTEX_INITIALIZER;
static struct posix_mapping *posix_mappings;

static void *posix_mem_map(size_t size)
{
	struct posix_mapping *map;

	map = malloc(sizeof(*map));
	if (!map)
		return NULL;
	map->size = size;
	map->addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map->addr == MAP_FAILED) {
		free(map);
		return NULL;
	}
	posix_lsan_root(map->addr, size, 1);
	pthread_mutex_lock(&posix_mappings_lock);
	map->next = posix_mappings;
	posix_mappings = map;
	pthread_mutex_unlock(&posix_mappings_lock);
	return map->addr;
}

static void *posix_mem_alloc(unsigned long size)
{
	void *addr;

	if (size >= POSIX_MMAP_MIN)
		return posix_mem_map(size);
	if (posix_memalign(&addr, 4096, size ? size : 1))
		return NULL;
	return addr;
}

static void posix_mem_free(void *addr)
{
	struct posix_mapping **pos, *map = NULL;

	if (!addr)
		return;

	pthread_mutex_lock(&posix_mappings_lock);
	for (pos = &posix_mappings; *pos; pos = &(*pos)->next) {
		if ((*pos)->addr == addr) {
			map = *pos;
			*pos = map->next;
			break;
		}
	}
	pthread_mutex_unlock(&posix_mappings_lock);

	if (map) {
		posix_lsan_root(map->addr, map->size, 0);
		munmap(map->addr, map->size);
		free(map);
	} else {
		free(addr);
	}
}

/* Clocks */

static unsigned long long posix_clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (unsigned long long)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static unsigned long long posix_time(void)
{
	return posix_clock_ns(CLOCK_MONOTONIC);
}

static unsigned long long posix_realtime(void)
{
	return posix_clock_ns(CLOCK_REALTIME);
}

/* Timers */

/**
 * struct lkl_timer - a one-shot timer with a host thread of its own
 * @lock: guards every field below except @fn and @arg
 * @cond: wakes @thread; waits are timed on CLOCK_MONOTONIC
 * @thread: the timer thread
 * @fn: the callback
 * @arg: the callback's argument
 * @deadline: when to fire, in monotonic nanoseconds, while @armed
 * @sleep_until: the deadline @thread sleeps until, ULLONG_MAX if it sleeps
 *	with no deadline, 0 if it is not sleeping on @cond
 * @seq: bumped by every arm, cancel and stop, so that a busy-waiting
 *	@thread, which does not hold @lock, notices the change
 * @armed: the callback is due at @deadline
 * @stop: @thread must end
 * @self_free: @thread frees the timer when it ends (timer_free() was called
 *	from the callback)
 */
struct lkl_timer {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	void (*fn)(void *arg);
	void *arg;
	unsigned long long deadline;
	unsigned long long sleep_until;
	unsigned long seq;
	bool armed;
	bool stop;
	bool self_free;
};

static void posix_timer_destroy(struct lkl_timer *timer)
{
	pthread_cond_destroy(&timer->cond);
	pthread_mutex_destroy(&timer->lock);
	free(timer);
}

/* Bump @seq; called with @lock held, read without it by a busy-wait. */
static void posix_timer_changed(struct lkl_timer *timer)
{
	__atomic_store_n(&timer->seq, timer->seq + 1, __ATOMIC_RELEASE);
}

/*
 * Wait until @deadline or until someone changes the timer, with @lock held
 * on entry and on return.
 */
static void posix_timer_wait(struct lkl_timer *timer, unsigned long long now)
{
	unsigned long long deadline = timer->deadline;
	unsigned long seq = timer->seq;
	struct timespec ts;

	if (deadline - now <= POSIX_TIMER_SPIN_NS) {
		/*
		 * A sleep this short would overshoot by far more than it
		 * lasts: the host's wakeup latency is tens of microseconds.
		 * Reading the clock (a vDSO call) paces the loop.
		 */
		pthread_mutex_unlock(&timer->lock);
		while (posix_time() < deadline &&
		       __atomic_load_n(&timer->seq, __ATOMIC_ACQUIRE) == seq)
			;
		pthread_mutex_lock(&timer->lock);
		return;
	}

	ts.tv_sec = deadline / NSEC_PER_SEC;
	ts.tv_nsec = deadline % NSEC_PER_SEC;
	timer->sleep_until = deadline;
	/* Returns 0 or ETIMEDOUT; the caller re-checks the state either way. */
	pthread_cond_timedwait(&timer->cond, &timer->lock, &ts);
	timer->sleep_until = 0;
}

static void posix_timer_thread(void *data)
{
	struct lkl_timer *timer = data;
	bool self_free;

#ifdef __linux__
	/* Wake up as close to the deadline as the host allows. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	pthread_setname_np(pthread_self(), "lkl-timer");
#endif

	pthread_mutex_lock(&timer->lock);
	while (!timer->stop) {
		unsigned long long now;

		if (!timer->armed) {
			timer->sleep_until = ULLONG_MAX;
			pthread_cond_wait(&timer->cond, &timer->lock);
			timer->sleep_until = 0;
			continue;
		}

		now = posix_time();
		if (now < timer->deadline) {
			posix_timer_wait(timer, now);
			continue;
		}

		timer->armed = false;
		pthread_mutex_unlock(&timer->lock);
		timer->fn(timer->arg);
		pthread_mutex_lock(&timer->lock);
	}
	self_free = timer->self_free;
	pthread_mutex_unlock(&timer->lock);

	if (self_free)
		posix_timer_destroy(timer);
}

static struct lkl_timer *posix_timer_alloc(void (*fn)(void *), void *arg)
{
	struct lkl_timer *timer;
	pthread_condattr_t attr;
	int err;

	timer = calloc(1, sizeof(*timer));
	if (!timer)
		return NULL;
	timer->fn = fn;
	timer->arg = arg;

	if (pthread_mutex_init(&timer->lock, NULL))
		goto out_free;
	if (pthread_condattr_init(&attr))
		goto out_mutex;
	err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!err)
		err = pthread_cond_init(&timer->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (err)
		goto out_mutex;
	if (posix_thread_start(&timer->thread, posix_timer_thread, timer))
		goto out_cond;
	return timer;

out_cond:
	pthread_cond_destroy(&timer->cond);
out_mutex:
	pthread_mutex_destroy(&timer->lock);
out_free:
	free(timer);
	return NULL;
}

static int posix_timer_set_oneshot(struct lkl_timer *timer, unsigned long long ns)
{
	pthread_mutex_lock(&timer->lock);
	timer->deadline = ns;
	timer->armed = true;
	posix_timer_changed(timer);
	/* A later deadline can wait for the current sleep to end. */
	if (ns < timer->sleep_until)
		pthread_cond_signal(&timer->cond);
	pthread_mutex_unlock(&timer->lock);
	return 0;
}

static void posix_timer_cancel(struct lkl_timer *timer)
{
	pthread_mutex_lock(&timer->lock);
	/* The thread wakes at the old deadline, if at all, and goes back to sleep. */
	timer->armed = false;
	posix_timer_changed(timer);
	pthread_mutex_unlock(&timer->lock);
}

static void posix_timer_free(struct lkl_timer *timer)
{
	bool self = pthread_equal(pthread_self(), timer->thread);

	pthread_mutex_lock(&timer->lock);
	timer->armed = false;
	timer->stop = true;
	timer->self_free = self;
	posix_timer_changed(timer);
	pthread_cond_signal(&timer->cond);
	pthread_mutex_unlock(&timer->lock);

	if (self) {
		/* Called from the callback: the thread frees the timer as it ends. */
		pthread_detach(pthread_self());
		return;
	}
	pthread_join(timer->thread, NULL);
	posix_timer_destroy(timer);
}

/* Jump buffers: no signal mask is saved, since LKL threads block them all. */

static void posix_jmp_buf_set(struct lkl_jmp_buf *jmpb, void (*f)(void))
{
	if (!_setjmp(*(jmp_buf *)jmpb))
		f();
}

static void posix_jmp_buf_longjmp(struct lkl_jmp_buf *jmpb, int val)
{
	_longjmp(*(jmp_buf *)jmpb, val);
}

/*
 * Fibers, on ucontext. A fiber runs with the signal mask of the thread
 * that runs it: swapcontext() installs the mask saved with the context, so
 * fiber_enter() puts the thread's own there first. An application thread
 * blocked in a system call must still take the signal that interrupts it
 * (see lkl_host_interrupt_on_signals()) while it runs the idle task.
 *
 * Built with AddressSanitizer, each switch is announced to it
 * (sanitizer/common_interface_defs.h), or it would take the fiber's stack
 * for a wild part of the thread's and report false overflows. Any thread
 * may enter the fiber, so the stack to go back to is learnt at each entry.
 */
#if defined(__SANITIZE_ADDRESS__)
#define POSIX_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POSIX_FIBER_ASAN 1
#endif
#endif

#ifdef POSIX_FIBER_ASAN
#include <sanitizer/common_interface_defs.h>

static void posix_asan_switch(void **fake, const void *bottom, size_t size)
{
	__sanitizer_start_switch_fiber(fake, bottom, size);
}

static void posix_asan_switched(void *fake, const void **bottom, size_t *size)
{
	__sanitizer_finish_switch_fiber(fake, bottom, size);
}
#else
static void posix_asan_switch(void **fake, const void *bottom, size_t size)
{
	(void)fake;
	(void)bottom;
	(void)size;
}

static void posix_asan_switched(void *fake, const void **bottom, size_t *size)
{
	(void)fake;
	(void)bottom;
	(void)size;
}
#endif

struct lkl_fiber {
	ucontext_t ctx;
	ucontext_t *ret;
	void *stack;
	void (*fn)(void *arg);
	void *arg;
	/* For AddressSanitizer: the stack of the thread that entered. */
	const void *ret_stack;
	size_t ret_stack_size;
};

/* makecontext() passes ints: the fiber comes in two halves. */
static void posix_fiber_start(unsigned int hi, unsigned int lo)
{
	struct lkl_fiber *fiber;

	fiber = (struct lkl_fiber *)(((uintptr_t)hi << 16 << 16) | lo);
	/* On the fiber's stack now: learn the one we came from. */
	posix_asan_switched(NULL, &fiber->ret_stack, &fiber->ret_stack_size);
	fiber->fn(fiber->arg);
	abort();
}

/* Apart, so that no variable of the caller lives across getcontext(). */
static int posix_fiber_getcontext(ucontext_t *ctx)
{
	return getcontext(ctx);
}

static struct lkl_fiber *posix_fiber_alloc(void (*fn)(void *), void *arg)
{
	uintptr_t p;
	struct lkl_fiber *fiber = calloc(1, sizeof(*fiber));

	if (!fiber)
		return NULL;
	if (posix_fiber_getcontext(&fiber->ctx))
		goto out_free;
	fiber->stack = mmap(NULL, POSIX_THREAD_STACK, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (fiber->stack == MAP_FAILED)
		goto out_free;
	/* A guard page below the stack, as threads have. */
	mprotect(fiber->stack, sysconf(_SC_PAGESIZE), PROT_NONE);
	fiber->ctx.uc_stack.ss_sp = fiber->stack;
	fiber->ctx.uc_stack.ss_size = POSIX_THREAD_STACK;
	fiber->ctx.uc_link = NULL;
	fiber->fn = fn;
	fiber->arg = arg;
	p = (uintptr_t)fiber;
	makecontext(&fiber->ctx, (void (*)(void))posix_fiber_start, 2,
		    (unsigned int)(p >> 16 >> 16), (unsigned int)p);
	return fiber;

out_free:
	free(fiber);
	return NULL;
}

static void posix_fiber_enter(struct lkl_fiber *fiber)
{
	ucontext_t here;
	void *fake = NULL;

	fiber->ret = &here;
	pthread_sigmask(SIG_BLOCK, NULL, &fiber->ctx.uc_sigmask);
	posix_asan_switch(&fake, fiber->stack, POSIX_THREAD_STACK);
	swapcontext(&here, &fiber->ctx);
	posix_asan_switched(fake, NULL, NULL);
}

static void posix_fiber_leave(struct lkl_fiber *fiber)
{
	void *fake = NULL;

	posix_asan_switch(&fake, fiber->ret_stack, fiber->ret_stack_size);
	swapcontext(&fiber->ctx, fiber->ret);
	/* Back on the fiber, maybe entered by another thread. */
	posix_asan_switched(fake, &fiber->ret_stack, &fiber->ret_stack_size);
}

static void posix_fiber_free(struct lkl_fiber *fiber)
{
	munmap(fiber->stack, POSIX_THREAD_STACK);
	free(fiber);
}

struct lkl_host_operations lkl_host_ops = {
	.print			= posix_print,
	.panic			= posix_panic,
	.sem_alloc		= posix_sem_alloc,
	.sem_free		= posix_sem_free,
	.sem_up			= posix_sem_up,
	.sem_down		= posix_sem_down,
	.sem_down_until		= posix_sem_down_until,
	.mutex_alloc		= posix_mutex_alloc,
	.mutex_free		= posix_mutex_free,
	.mutex_lock		= posix_mutex_lock,
	.mutex_unlock		= posix_mutex_unlock,
	.thread_create		= posix_thread_create,
	.thread_detach		= posix_thread_detach,
	.thread_exit		= posix_thread_exit,
	.thread_join		= posix_thread_join,
	.thread_self		= posix_thread_self,
	.cpu_count		= posix_cpu_count,
	.tls_alloc		= posix_tls_alloc,
	.tls_free		= posix_tls_free,
	.tls_set		= posix_tls_set,
	.tls_get		= posix_tls_get,
	.mem_alloc		= posix_mem_alloc,
	.mem_free		= posix_mem_free,
	.time			= posix_time,
	.realtime		= posix_realtime,
	.timer_alloc		= posix_timer_alloc,
	.timer_set_oneshot	= posix_timer_set_oneshot,
	.timer_cancel		= posix_timer_cancel,
	.timer_free		= posix_timer_free,
	.iomem_access		= lkl_virtio_iomem_access,
	.jmp_buf_set		= posix_jmp_buf_set,
	.jmp_buf_longjmp	= posix_jmp_buf_longjmp,
	.fiber_alloc		= posix_fiber_alloc,
	.fiber_enter		= posix_fiber_enter,
	.fiber_leave		= posix_fiber_leave,
	.fiber_free		= posix_fiber_free,
};
