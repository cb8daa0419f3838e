// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks on host threads: every task is run by one host thread, which waits
 * on its task's semaphore while another task has the CPU.
 *
 * See Documentation/virt/lkl/threads.rst.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/sched/idle.h>
#include <linux/sched/debug.h>
#include <linux/cpu.h>
#include <linux/start_kernel.h>
#include <linux/printk.h>
#include <asm/cpu.h>
#include <asm/host_ops.h>
#include <asm/switch_to.h>

struct task_struct *lkl_current = &init_task;

/* Set by lkl_sys_halt(): host threads that wake up must leave at once. */
static bool lkl_halting;

/**
 * lkl_halt_check() - end the calling host thread if the kernel is halting
 *
 * Called by host threads of kernel tasks when they wake up.
 */
void lkl_halt_check(void)
{
	if (READ_ONCE(lkl_halting))
		lkl_ops->thread_exit();
}

static void lkl_thread_start(void *arg)
{
	struct task_struct *task = arg;
	struct thread_struct *t = &task->thread;

	lkl_ops->sem_down(t->sched_sem);
	lkl_halt_check();
	t->switched_in = false;
	schedule_tail(t->prev_sched);

	t->fn(t->fn_arg);
	/*
	 * A task that returns from its thread function has been through
	 * exec(): on another architecture it would now run user code. Here
	 * only pid 1 does that, and it serves the host threads; any other
	 * task exits.
	 */
	lkl_user_mode();
}

int copy_thread(struct task_struct *p, const struct kernel_clone_args *args)
{
	struct thread_struct *t = &p->thread;

	memset(t, 0, sizeof(*t));

	if (args->fn == lkl_host_task_fn) {
		/* An application thread's task: that thread will run it. */
		t->sched_sem = args->fn_arg;
		t->flags = LKL_THREAD_HOST;
		return 0;
	}

	/* There is no user context to return to from a user-space clone. */
	if (!args->fn)
		return -EINVAL;

	t->fn = args->fn;
	t->fn_arg = args->fn_arg;
	t->sched_sem = lkl_ops->sem_alloc(0);
	if (!t->sched_sem)
		return -ENOMEM;
	t->host_thread = lkl_ops->thread_create(lkl_thread_start, p);
	if (!t->host_thread) {
		lkl_ops->sem_free(t->sched_sem);
		t->sched_sem = NULL;
		return -ENOMEM;
	}
	return 0;
}

void arch_release_task_struct(struct task_struct *tsk)
{
	if (tsk->thread.sched_sem)
		lkl_ops->sem_free(tsk->thread.sched_sem);
	tsk->thread.sched_sem = NULL;
}

void exit_thread(struct task_struct *tsk)
{
}

void flush_thread(void)
{
}

void show_stack(struct task_struct *task, unsigned long *sp, const char *loglvl)
{
}

/*
 * Wake @next's thread. The flag lets a thread that polls (see
 * lkl_switch_wait()) see it before the semaphore would wake it.
 */
static void lkl_switch_wake(struct task_struct *next)
{
	__atomic_store_n(&next->thread.switched_in, true, __ATOMIC_RELEASE);
	lkl_ops->sem_up(next->thread.sched_sem);
}

/*
 * The host thread of the task that last went to sleep in lkl_switch_wait()
 * while a timer was set for later. Most likely the task waits for that
 * timer: when the host timer fires a poll window early to make the idle
 * thread poll, lkl_thread_prewake() makes this thread poll too, so
 * that the switch back to the task costs no host wakeup either.
 * lkl_prewaking counts the threads in lkl_thread_prewake(), which may be
 * poking the thread they took from the slot; the thread waits for them
 * before it goes on (see lkl_switch_poked()).
 */
static struct thread_struct *lkl_timer_sleeper;
static int lkl_prewaking;

/* How many times a thread offers itself per wait, see lkl_switch_wait(). */
#define LKL_SLEEPER_OFFERS	3

/**
 * lkl_thread_prewake() - make the thread that sleeps on the next timer poll
 *
 * Called without the CPU, shortly before the deadline, by the host timer
 * thread and by the idle thread it made poll, whichever comes first: the
 * host may run the woken idle thread on the timer thread's host CPU,
 * ahead of it.
 */
void lkl_thread_prewake(void)
{
	struct thread_struct *t;

	__atomic_add_fetch(&lkl_prewaking, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&lkl_halting, __ATOMIC_SEQ_CST)) {
		t = __atomic_exchange_n(&lkl_timer_sleeper, NULL,
					__ATOMIC_SEQ_CST);
		if (t) {
			__atomic_store_n(&t->poked, true, __ATOMIC_SEQ_CST);
			lkl_ops->sem_up(t->sched_sem);
		}
	}
	__atomic_sub_fetch(&lkl_prewaking, 1, __ATOMIC_SEQ_CST);
}

/*
 * Poll until @until for the switch back; true if it came. A task's thread
 * (@fire) that polls for its timer raises the timer interrupt itself when
 * it is due, as the idle thread does: the idle thread may still be on its
 * way up from a host sleep.
 */
static bool lkl_switch_poll(struct thread_struct *pt, u64 until, bool fire)
{
	while (!__atomic_load_n(&pt->switched_in, __ATOMIC_ACQUIRE)) {
		if (lkl_ops->time() >= until)
			return false;
		if (fire)
			lkl_timer_poll();
		cpu_relax();
	}
	return true;
}

/*
 * After a down() of a thread that may have been poked: whether the poke
 * has to be served. A poke comes with one more up(), so a thread that
 * was poked and switched to at once takes one more down().
 */
static bool lkl_switch_poked(struct thread_struct *pt)
{
	struct thread_struct *me = pt;

	if (__atomic_compare_exchange_n(&lkl_timer_sleeper, &me, NULL, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return false;
	/*
	 * Taken by a poker, or replaced by a later sleeper. Once the poker
	 * has set the flag, all that is left for it is the up(), so wait on
	 * the semaphore rather than for lkl_prewaking: the poker may have
	 * lost its host CPU to this very thread.
	 */
	while (__atomic_load_n(&lkl_prewaking, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&pt->poked, __ATOMIC_SEQ_CST))
		cpu_relax();
	if (!__atomic_exchange_n(&pt->poked, false, __ATOMIC_SEQ_CST))
		return false;
	if (!__atomic_load_n(&pt->switched_in, __ATOMIC_ACQUIRE))
		return true;
	lkl_ops->sem_down(pt->sched_sem);
	return false;
}

/*
 * Wait for the CPU to come back to @prev. A host wakeup costs tens of
 * microseconds, so the thread first polls for a while when the CPU is
 * likely to come back soon: the idle thread for the adaptive window of
 * lkl_idle_spin_ns(), a task's thread until just after a timer that is
 * about to fire. A task's thread that sleeps while a timer is set for
 * later offers itself to lkl_thread_prewake(), and polls when the timer
 * is about to fire. After a poll that saw the switch, the semaphore's
 * down() does not wait.
 */
static void lkl_switch_wait(struct task_struct *prev)
{
	struct thread_struct *pt = &prev->thread;
	bool idle = is_idle_task(prev);
	u64 now = lkl_ops->time();
	int offers;

	if (lkl_switch_poll(pt, idle ? now + lkl_idle_spin_ns() :
			    lkl_timer_spin_until(now), !idle))
		goto out;

	/*
	 * Once a timer was armed, offer the thread again after a poke that
	 * came for an earlier deadline: the timer interrupt that served it
	 * leaves the device without a deadline until it programs the next.
	 * But a few times only: a thread whose task waits for something else
	 * (a kernel thread waiting for work, most often) would otherwise be
	 * poked for every timer, and poll for a host CPU each time, while
	 * the thread that waits for the timer runs the idle task itself.
	 */
	offers = !idle && lkl_timer_armed() ? LKL_SLEEPER_OFFERS : 0;
	while (offers-- && READ_ONCE(prev->__state) != TASK_RUNNING) {
		__atomic_store_n(&lkl_timer_sleeper, pt, __ATOMIC_SEQ_CST);
		lkl_ops->sem_down(pt->sched_sem);
		lkl_halt_check();
		if (!lkl_switch_poked(pt))
			goto woken;
		/* Poked: the timer is due soon. */
		if (lkl_switch_poll(pt, lkl_timer_spin_until(lkl_ops->time()),
				    true))
			goto out;
	}
out:
	lkl_ops->sem_down(pt->sched_sem);
woken:
	__atomic_store_n(&pt->switched_in, false, __ATOMIC_RELAXED);
}

/*
 * The idle task as a fiber (the host's fiber operations): the thread of a
 * task that an interrupt woke last time (see lkl_idle_donate()) runs the
 * idle task itself when it switches to it, on the fiber's stack, until
 * the idle task switches away. If it switches back to that very task, the
 * thread just returns to it: a task that sleeps on a timer, or waits for
 * a device, then costs no host wakeup but its own, and none at all when
 * the idle task polls for it. Other switches to the idle task, and those
 * from a thread that cannot run it (one about to leave the kernel, or to
 * end), wake the boot thread, which runs it then. Without fibers, the
 * boot thread runs the idle task as the one task of its own.
 *
 * lkl_idle_runner is the thread running the fiber, as its task's
 * thread_struct (NULL for the boot thread); lkl_idle_next the task the
 * idle task switched to, which that thread wakes once out of the fiber,
 * or NULL if it was its own. Both are set with the CPU held.
 */
static struct lkl_fiber *lkl_idle_fiber;
static struct thread_struct *lkl_idle_runner;
static struct task_struct *lkl_idle_next;

/* Run the idle task on the calling thread until it switches away. */
static struct task_struct *lkl_idle_run(struct thread_struct *runner)
{
	lkl_idle_runner = runner;
	lkl_ops->fiber_enter(lkl_idle_fiber);
	return lkl_idle_next;
}

/* The idle task switches to @next: back to the thread that ran it. */
static struct task_struct *lkl_idle_switch(struct task_struct *next)
{
	lkl_idle_next = lkl_idle_runner == &next->thread ? NULL : next;
	lkl_ops->fiber_leave(lkl_idle_fiber);
	/* Switched back to, on whichever thread did it. */
	return init_task.thread.prev_sched;
}

static void __ref lkl_idle_start(void *unused)
{
	start_kernel();
}

/**
 * lkl_idle_boot() - boot the kernel, and run the idle task when no other
 * thread does
 *
 * Called on the boot thread, which ends at halt.
 */
void lkl_idle_boot(void)
{
	if (lkl_ops->fiber_alloc)
		lkl_idle_fiber = lkl_ops->fiber_alloc(lkl_idle_start, NULL);
	if (!lkl_idle_fiber) {
		lkl_idle_start(NULL);
		return;
	}
	for (;;) {
		lkl_switch_wake(lkl_idle_run(NULL));
		lkl_switch_wait(&init_task);
		lkl_halt_check();
	}
}

/**
 * lkl_idle_cleanup() - free the idle task's fiber once the boot thread ended
 */
void lkl_idle_cleanup(void)
{
	if (lkl_idle_fiber)
		lkl_ops->fiber_free(lkl_idle_fiber);
	lkl_idle_fiber = NULL;
}

/*
 * Whether the thread of @prev, which switches to the idle task, should run
 * it. It pays when an interrupt, most often the timer's, wakes @prev: the
 * idle task then switches straight back to it. When another task wakes it,
 * as two threads that ping-pong over a pipe do, the thread running the
 * idle task polls for the CPU on a host CPU of its own, and the two end up
 * on different host CPUs, where every wakeup between them is a cold one:
 * there the boot thread runs the idle task instead, as it polls on the
 * other host CPU. How @prev was woken last time tells which case it is.
 */
static bool lkl_idle_donate(struct thread_struct *pt)
{
	return lkl_idle_fiber && (pt->flags & LKL_THREAD_IRQ_WOKEN);
}

/* Record whether @next is switched to by the idle task for an interrupt. */
static void lkl_switch_note(struct task_struct *prev, struct task_struct *next)
{
	struct thread_struct *nt = &next->thread;

	if (is_idle_task(prev) && !(nt->flags & LKL_THREAD_ENTERING))
		nt->flags |= LKL_THREAD_IRQ_WOKEN;
	else
		nt->flags &= ~LKL_THREAD_IRQ_WOKEN;
	nt->flags &= ~LKL_THREAD_ENTERING;
}

struct task_struct *__switch_to(struct task_struct *prev,
				struct task_struct *next)
{
	struct thread_struct *pt = &prev->thread;
	struct lkl_jmp_buf jb;

	next->thread.prev_sched = prev;
	lkl_current = next;
	lkl_switch_note(prev, next);

	if (pt->flags & LKL_THREAD_SCHED_JB) {
		/*
		 * prev's thread is outside the kernel, or leaving it: the
		 * thread that called lkl_jmp_schedule() returns without the
		 * CPU. Copy the buffer first, since next may free prev.
		 */
		pt->flags &= ~LKL_THREAD_SCHED_JB;
		jb = pt->sched_jb;
		lkl_switch_wake(next);
		lkl_ops->jmp_buf_longjmp(&jb, 1);
	}

	if (READ_ONCE(prev->__state) == TASK_DEAD) {
		/* next frees prev: touch nothing of it after this. */
		lkl_switch_wake(next);
		lkl_ops->thread_detach();
		lkl_ops->thread_exit();
	}

	if (lkl_idle_fiber && is_idle_task(prev))
		return lkl_idle_switch(next);
	if (is_idle_task(next) && lkl_idle_donate(pt)) {
		next = lkl_idle_run(pt);
		if (!next)
			return pt->prev_sched;
	}

	lkl_switch_wake(next);
	lkl_switch_wait(prev);
	lkl_halt_check();
	return pt->prev_sched;
}

/**
 * lkl_jmp_schedule() - switch away from a task whose own host thread is
 * not the caller, or is about to leave the kernel
 * @task: current
 * @fn: schedule(), or a function that ends up in it, such as do_exit()
 *
 * Returns once __switch_to() has handed the CPU to another task: the
 * caller no longer holds the CPU.
 */
void lkl_jmp_schedule(struct task_struct *task, void (*fn)(void))
{
	task->thread.flags |= LKL_THREAD_SCHED_JB;
	lkl_ops->jmp_buf_set(&task->thread.sched_jb, fn);
}

/**
 * lkl_wait_for_task() - wait until the scheduler switches to @task, then
 * finish the switch on the calling thread
 * @task: the caller's task
 */
void lkl_wait_for_task(struct task_struct *task)
{
	lkl_ops->sem_down(task->thread.sched_sem);
	lkl_halt_check();
	task->thread.switched_in = false;
	schedule_tail(task->thread.prev_sched);
}

/*
 * Entered with interrupts off, and returns with them off. Runs pending
 * interrupts like sti; hlt would, then waits without the CPU until a
 * thread that needs the scheduler hands the CPU back.
 */
void arch_cpu_idle(void)
{
	if (lkl_cpu_idle_release())
		lkl_cpu_idle_wait();
}

/**
 * lkl_threads_halt() - end the host threads of all kernel threads
 *
 * Called by lkl_sys_halt() with the CPU held, after the kernel has shut
 * down. Each thread waits on its task's semaphore; it wakes up, sees
 * lkl_halting and exits without touching kernel memory. Tasks of
 * application threads are left alone: those threads are outside.
 */
void lkl_threads_halt(void)
{
	struct task_struct *g, *t;

	__atomic_store_n(&lkl_halting, true, __ATOMIC_SEQ_CST);
	/* No thread is poked from now on: their semaphores go away. */
	__atomic_store_n(&lkl_timer_sleeper, NULL, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&lkl_prewaking, __ATOMIC_SEQ_CST))
		cpu_relax();

	for_each_process_thread(g, t) {
		struct thread_struct *ts = &t->thread;

		if (t == current || !ts->host_thread || t->exit_state ||
		    READ_ONCE(t->__state) == TASK_DEAD)
			continue;
		lkl_ops->sem_up(ts->sched_sem);
		lkl_ops->thread_join(ts->host_thread);
		lkl_ops->sem_free(ts->sched_sem);
		ts->sched_sem = NULL;
	}
}
