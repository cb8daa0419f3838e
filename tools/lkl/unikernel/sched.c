// SPDX-License-Identifier: GPL-2.0
/*
 * Cooperative threads on one CPU, and the rumpuser interface on them.
 *
 * A thread runs until it blocks: on a mutex, a condition variable, a
 * sleep or a join. Nothing preempts it, so the scheduler's lists need no
 * locks. At every switch the scheduler lets pending interrupts in, wakes
 * the sleepers whose time has come and hands device interrupts to the
 * interrupt thread; with nothing to run it arms the LAPIC timer for the
 * earliest sleeper and halts.
 */
#include "uk.h"
#include "rump/rumpuser.h"

#define UK_STACK_SIZE		(128 * 1024)

enum uk_state { UK_RUNNABLE, UK_BLOCKED, UK_DONE };

/**
 * struct uk_thread - a cooperative thread
 * @rsp: the saved stack pointer while it does not run
 * @fn: what it runs
 * @arg: @fn's argument
 * @stack: its stack, NULL for the boot thread
 * @lwp: rumpuser_curlwp()
 * @state: runnable, blocked, or done (waiting to be joined or freed)
 * @wake_at: monotonic ns at which a sleep or timed wait ends, 0 for none
 * @timed_out: the timed wait ended by time
 * @detached: nobody joins it
 * @joiner: the thread waiting in rumpuser_thread_join()
 * @run_next: the run queue
 * @wait_next: the wait queue it is on
 * @all_next: the list of all threads
 */
struct uk_thread {
	uint64_t rsp;
	void *(*fn)(void *arg);
	void *arg;
	void *stack;
	struct lwp *lwp;
	enum uk_state state;
	uint64_t wake_at;
	bool timed_out;
	bool detached;
	struct uk_thread *joiner;
	struct uk_thread *run_next;
	struct uk_thread *wait_next;
	struct uk_thread *all_next;
};

struct uk_waitq {
	struct uk_thread *head, *tail;
};

static struct uk_thread uk_boot_thread;
static struct uk_thread *uk_current = &uk_boot_thread;
static struct uk_thread *uk_all = &uk_boot_thread;
static struct uk_waitq uk_runq;
static struct uk_thread *uk_reap_list;
static const struct rumpuser_hyperup *uk_hyp;

static void uk_q_push(struct uk_waitq *q, struct uk_thread *t, bool run)
{
	if (run) {
		t->run_next = NULL;
		if (q->tail)
			q->tail->run_next = t;
		else
			q->head = t;
	} else {
		t->wait_next = NULL;
		if (q->tail)
			q->tail->wait_next = t;
		else
			q->head = t;
	}
	q->tail = t;
}

static struct uk_thread *uk_runq_pop(void)
{
	struct uk_thread *t = uk_runq.head;

	if (t) {
		uk_runq.head = t->run_next;
		if (!uk_runq.head)
			uk_runq.tail = NULL;
	}
	return t;
}

static void uk_waitq_remove(struct uk_waitq *q, struct uk_thread *t)
{
	struct uk_thread **p, *prev = NULL;

	for (p = &q->head; *p; prev = *p, p = &(*p)->wait_next) {
		if (*p != t)
			continue;
		*p = t->wait_next;
		if (q->tail == t)
			q->tail = prev;
		return;
	}
}

static void uk_wake(struct uk_thread *t)
{
	if (t->state != UK_BLOCKED)
		return;
	t->state = UK_RUNNABLE;
	uk_q_push(&uk_runq, t, true);
}

/* Threads to free, once off their stacks. */
static void uk_reap(void)
{
	while (uk_reap_list) {
		struct uk_thread *t = uk_reap_list, **p;

		uk_reap_list = t->run_next;
		for (p = &uk_all; *p; p = &(*p)->all_next) {
			if (*p == t) {
				*p = t->all_next;
				break;
			}
		}
		uk_free(t->stack, UK_STACK_SIZE);
		uk_free(t, sizeof(*t));
	}
}

static void (*uk_irq_handler)(int pin);
static struct uk_thread *uk_irq_thread;

/* Wake what interrupts and time have made runnable. */
static void uk_events(void)
{
	uint64_t now = 0;
	struct uk_thread *t;

	uk_poll_interrupts();
	if (uk_irq_pending && uk_irq_thread)
		uk_wake(uk_irq_thread);
	uk_timer_fired = false;
	for (t = uk_all; t; t = t->all_next) {
		if (!t->wake_at || t->state != UK_BLOCKED)
			continue;
		if (!now)
			now = uk_now();
		if (t->wake_at <= now) {
			t->wake_at = 0;
			t->timed_out = true;
			uk_wake(t);
		}
	}
}

static uint64_t uk_next_deadline(void)
{
	uint64_t first = 0;
	struct uk_thread *t;

	for (t = uk_all; t; t = t->all_next)
		if (t->wake_at && t->state == UK_BLOCKED && (!first || t->wake_at < first))
			first = t->wake_at;
	return first;
}

/* Give up the CPU: to the next runnable thread, or halt until there is one. */
static void uk_schedule(void)
{
	struct uk_thread *prev = uk_current, *next;

	if (prev->state == UK_RUNNABLE)
		uk_q_push(&uk_runq, prev, true);
	for (;;) {
		uk_events();
		next = uk_runq_pop();
		if (next)
			break;
		uk_timer_arm(uk_next_deadline());
		if (!uk_irq_pending && !uk_timer_fired)
			uk_idle();
	}
	if (next != prev) {
		uk_current = next;
		uk_switch(&prev->rsp, &next->rsp);
	}
	uk_reap();
}

static void uk_block(void)
{
	uk_current->state = UK_BLOCKED;
	uk_schedule();
}

/* Called by boot.S's uk_thread_start on a new thread's stack. */
static void uk_thread_entry(struct uk_thread *t)
{
	t->fn(t->arg);
	rumpuser_thread_exit();
}

int rumpuser_thread_create(void *(*fn)(void *arg), void *arg,
			   const char *name, int mustjoin, int priority,
			   int cpuidx, void **cookie)
{
	struct uk_thread *t = uk_alloc(sizeof(*t), 16);
	uint64_t *sp;

	(void)name;
	(void)priority;
	(void)cpuidx;
	if (!t)
		return 12;	/* ENOMEM */
	memset(t, 0, sizeof(*t));
	t->stack = uk_alloc(UK_STACK_SIZE, 4096);
	if (!t->stack) {
		uk_free(t, sizeof(*t));
		return 12;
	}
	t->fn = fn;
	t->arg = arg;
	t->detached = !mustjoin;
	/*
	 * uk_switch pops r15, r14, r13 (the entry), r12 (its argument), rbx,
	 * rbp, then returns to uk_thread_start with the stack 16-byte aligned
	 * for its call.
	 */
	sp = (uint64_t *)((char *)t->stack + UK_STACK_SIZE);
	*--sp = (uint64_t)uk_thread_start;
	*--sp = 0;		/* rbp */
	*--sp = 0;		/* rbx */
	*--sp = (uint64_t)t;	/* r12 */
	*--sp = (uint64_t)uk_thread_entry;	/* r13 */
	*--sp = 0;		/* r14 */
	*--sp = 0;		/* r15 */
	t->rsp = (uint64_t)sp;
	t->all_next = uk_all;
	uk_all = t;
	t->state = UK_RUNNABLE;
	uk_q_push(&uk_runq, t, true);
	if (cookie)
		*cookie = t;
	return 0;
}

void rumpuser_thread_exit(void)
{
	struct uk_thread *t = uk_current;

	t->state = UK_DONE;
	if (t->detached) {
		t->run_next = uk_reap_list;
		uk_reap_list = t;
	} else if (t->joiner) {
		uk_wake(t->joiner);
	}
	uk_schedule();
	uk_puts("uk: a finished thread ran again\n");
	uk_halt(3);
}

int rumpuser_thread_join(void *cookie)
{
	struct uk_thread *t = cookie;

	while (t->state != UK_DONE) {
		t->joiner = uk_current;
		uk_block();
	}
	t->run_next = uk_reap_list;
	uk_reap_list = t;
	uk_reap();
	return 0;
}

void rumpuser_curlwpop(int enum_rumplwpop, struct lwp *l)
{
	if (enum_rumplwpop == RUMPUSER_LWP_SET)
		uk_current->lwp = l;
	else if (enum_rumplwpop == RUMPUSER_LWP_CLEAR)
		uk_current->lwp = NULL;
}

struct lwp *rumpuser_curlwp(void)
{
	return uk_current->lwp;
}

/* Mutexes and condition variables */

struct rumpuser_mtx {
	struct uk_thread *owner;
	struct uk_waitq waiters;
};

struct rumpuser_cv {
	struct uk_waitq waiters;
};

void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags)
{
	(void)flags;
	*mtxp = uk_alloc(sizeof(**mtxp), 16);
	if (!*mtxp) {
		uk_puts("uk: no memory for a mutex\n");
		uk_halt(3);
	}
	memset(*mtxp, 0, sizeof(**mtxp));
}

void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx)
{
	while (mtx->owner) {
		uk_q_push(&mtx->waiters, uk_current, false);
		uk_block();
	}
	mtx->owner = uk_current;
}

void rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{
	rumpuser_mutex_enter_nowrap(mtx);
}

int rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{
	if (mtx->owner)
		return 16;	/* EBUSY */
	mtx->owner = uk_current;
	return 0;
}

void rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{
	struct uk_thread *t = mtx->waiters.head;

	mtx->owner = NULL;
	if (t) {
		uk_waitq_remove(&mtx->waiters, t);
		uk_wake(t);
	}
}

void rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{
	uk_free(mtx, sizeof(*mtx));
}

void rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	*cvp = uk_alloc(sizeof(**cvp), 16);
	if (!*cvp) {
		uk_puts("uk: no memory for a condition variable\n");
		uk_halt(3);
	}
	memset(*cvp, 0, sizeof(**cvp));
}

void rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	uk_free(cv, sizeof(*cv));
}

static int uk_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
		      uint64_t wake_at)
{
	struct uk_thread *self = uk_current;

	uk_q_push(&cv->waiters, self, false);
	self->wake_at = wake_at;
	self->timed_out = false;
	rumpuser_mutex_exit(mtx);
	uk_block();
	if (self->timed_out)
		uk_waitq_remove(&cv->waiters, self);
	self->wake_at = 0;
	rumpuser_mutex_enter(mtx);
	return self->timed_out ? RUMPUSER_ETIMEDOUT : 0;
}

void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	uk_cv_wait(cv, mtx, 0);
}

void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	uk_cv_wait(cv, mtx, 0);
}

int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
			  int64_t sec, int64_t nsec)
{
	uint64_t wake_at = uk_now() + sec * 1000000000ULL + nsec;

	return uk_cv_wait(cv, mtx, wake_at ? wake_at : 1);
}

void rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	struct uk_thread *t = cv->waiters.head;

	if (t) {
		uk_waitq_remove(&cv->waiters, t);
		t->wake_at = 0;
		uk_wake(t);
	}
}

void rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	while (cv->waiters.head)
		rumpuser_cv_signal(cv);
}

/* Clocks, memory, parameters, the console, random numbers, exit */

int rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
	if (version != RUMPUSER_VERSION)
		return 22;	/* EINVAL */
	uk_hyp = hyp;
	return 0;
}

int rumpuser_clock_gettime(int enum_rumpclock, int64_t *sec, long *nsec)
{
	uint64_t now = enum_rumpclock == RUMPUSER_CLOCK_RELWALL ?
		       uk_wall_now() : uk_now();

	*sec = now / 1000000000ULL;
	*nsec = now % 1000000000ULL;
	return 0;
}

int rumpuser_clock_sleep(int enum_rumpclock, int64_t sec, long nsec)
{
	uint64_t t = sec * 1000000000ULL + nsec;

	if (enum_rumpclock == RUMPUSER_CLOCK_RELWALL)
		t += uk_now();
	while (uk_now() < t) {
		uk_current->wake_at = t;
		uk_block();
	}
	uk_current->wake_at = 0;
	return 0;
}

int rumpuser_malloc(size_t len, int alignment, void **memp)
{
	*memp = uk_alloc(len, alignment > 16 ? alignment : 16);
	return *memp ? 0 : 12;	/* ENOMEM */
}

void rumpuser_free(void *mem, size_t len)
{
	uk_free(mem, len);
}

static int uk_param(void *buf, size_t buflen, const char *value)
{
	size_t len = strlen(value) + 1;

	if (len > buflen)
		return 7;	/* E2BIG */
	memcpy(buf, value, len);
	return 0;
}

int rumpuser_getparam(const char *name, void *buf, size_t buflen)
{
	if (!strcmp(name, RUMPUSER_PARAM_NCPU))
		return uk_param(buf, buflen, "1");
	if (!strcmp(name, RUMPUSER_PARAM_HOSTNAME))
		return uk_param(buf, buflen, "lkl-unikernel");
	return 2;	/* ENOENT */
}

void rumpuser_putchar(int ch)
{
	uk_putc(ch);
}

int rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp)
{
	(void)flags;
	uk_random(buf, buflen);
	*retp = buflen;
	return 0;
}

void rumpuser_exit(int value)
{
	uk_halt(value == RUMPUSER_PANIC ? 4 : value);
}

/* The interrupt thread: runs the handler for each pending IOAPIC pin. */

static void *uk_irq_loop(void *unused)
{
	(void)unused;
	for (;;) {
		uint32_t pending = uk_irq_pending;
		int pin;

		if (!pending) {
			uk_block();
			continue;
		}
		asm volatile("cli");
		uk_irq_pending &= ~pending;
		for (pin = 0; pin < UK_IRQS; pin++) {
			if (!(pending & (1U << pin)))
				continue;
			uk_irq_handler(pin);
			uk_ioapic_mask(pin, false);
		}
	}
	return NULL;
}

void uk_irq_thread_start(void (*handler)(int pin))
{
	void *cookie;

	uk_irq_handler = handler;
	if (rumpuser_thread_create(uk_irq_loop, NULL, "irq", 0, -1, -1, &cookie)) {
		uk_puts("uk: cannot start the interrupt thread\n");
		uk_halt(3);
	}
	uk_irq_thread = cookie;
}

void uk_sched_init(void)
{
	uk_boot_thread.state = UK_RUNNABLE;
}
