// SPDX-License-Identifier: GPL-2.0
/*
 * The idle task: arch_cpu_idle(), and the fiber it runs on.
 *
 * The idle task is a fiber (the host's fiber operations): the thread of a
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
 * See Documentation/virt/lkl/threads.rst.
 */
#include <linux/cpu.h>
#include <linux/init.h>
#include <linux/kstrtox.h>
#include <linux/sched.h>
#include <linux/sched/idle.h>
#include <linux/sched/task.h>
#include <linux/start_kernel.h>
#include <asm/host_ops.h>
#include "host/host.h"
#include "host/poll.h"
#include "lkl.h"

/*
 * lkl_idle_runner is the thread running the fiber, as its task's
 * thread_struct (NULL for the boot thread); lkl_idle_next the task the
 * idle task switched to, which that thread wakes once out of the fiber,
 * or NULL if it was its own. Both are set with the CPU held.
 */
static struct lkl_fiber *lkl_idle_fiber;
static struct thread_struct *lkl_idle_runner;
static struct task_struct *lkl_idle_next;

/*
 * Entered with interrupts off, and returns with them off. Runs pending
 * interrupts like sti; hlt would, and keeps the CPU if they made a task
 * runnable; otherwise waits without the CPU until a thread that needs
 * the scheduler hands it back.
 */
void arch_cpu_idle(void)
{
	/*
	 * ct_cpuidle_enter() has told lockdep that interrupts are on, as
	 * they are during hlt: so they are for the threads that come in
	 * while the idle task waits, and for lkl_run_irqs().
	 */
	if (IS_ENABLED(CONFIG_TRACE_IRQFLAGS))
		lkl_irq_flags = ARCH_IRQ_ENABLED;
	for (;;) {
		if (need_resched())
			break;
		if (lkl_wait_idle_release()) {
			lkl_wait_idle();
			break;
		}
		lkl_run_irqs();
	}
	lkl_irq_flags = ARCH_IRQ_DISABLED;
}

/**
 * lkl_idle_on_fiber() - whether the idle task runs on a fiber
 *
 * Return: true if the host has fibers and one was made at boot.
 */
bool lkl_idle_on_fiber(void)
{
	return lkl_idle_fiber;
}

/**
 * lkl_idle_run() - run the idle task on the calling thread until it
 * switches away
 * @runner: the thread_struct of the calling thread's task
 *
 * Return: the task the idle task switched to, which the caller wakes, or
 * NULL if that was the caller's own task.
 */
struct task_struct *lkl_idle_run(struct thread_struct *runner)
{
	lkl_idle_runner = runner;
	lkl_ops->fiber_enter(lkl_idle_fiber);
	return lkl_idle_next;
}

/**
 * lkl_idle_leave() - the idle task switches to @next: back to the thread
 * that runs it
 * @next: the task switched to
 *
 * Return: the task that switched back to the idle task, when it does.
 */
struct task_struct *lkl_idle_leave(struct task_struct *next)
{
	lkl_idle_next = lkl_idle_runner == &next->thread ? NULL : next;
	lkl_ops->fiber_leave(lkl_idle_fiber);
	/* Switched back to, on whichever thread did it. */
	return init_task.thread.prev_sched;
}

/**
 * lkl_idle_donate() - whether the thread of a task that switches to the
 * idle task should run it
 * @pt: the task's thread_struct
 *
 * It pays when an interrupt, most often the timer's, woke the task: the
 * idle task then switches straight back to it. When another task woke
 * it, as two threads that ping-pong over a pipe do, the thread running
 * the idle task polls for the CPU on a host CPU of its own, and the two
 * end up on different host CPUs, where every wakeup between them is a
 * cold one: there the boot thread runs the idle task instead, as it polls
 * on the other host CPU. How the task was woken last time tells which
 * case it is.
 *
 * Return: true if the caller should run the idle task.
 */
bool lkl_idle_donate(struct thread_struct *pt)
{
	return lkl_idle_fiber && (pt->flags & LKL_THREAD_IRQ_WOKEN);
}

/**
 * lkl_idle_note() - record how @next was woken, for lkl_idle_donate()
 * @prev: the task switched from
 * @next: the task switched to
 */
void lkl_idle_note(struct task_struct *prev, struct task_struct *next)
{
	struct thread_struct *nt = &next->thread;

	if (is_idle_task(prev) && !(nt->flags & LKL_THREAD_ENTERING))
		nt->flags |= LKL_THREAD_IRQ_WOKEN;
	else
		nt->flags &= ~LKL_THREAD_IRQ_WOKEN;
	nt->flags &= ~LKL_THREAD_ENTERING;
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
	struct lkl_wait *w = &init_task.thread.wait;

	if (lkl_ops->fiber_alloc)
		lkl_idle_fiber = lkl_ops->fiber_alloc(lkl_idle_start, NULL);
	if (!lkl_idle_fiber) {
		lkl_idle_start(NULL);
		return;
	}
	for (;;) {
		lkl_wait_wake(&lkl_idle_run(NULL)->thread.wait);
		lkl_wait_switch(w, true, &init_task.__state);
		lkl_halt_check();
	}
}

/**
 * lkl_idle_cleanup() - free the idle task's fiber once the boot thread
 * ended
 */
void lkl_idle_cleanup(void)
{
	if (lkl_idle_fiber)
		lkl_ops->fiber_free(lkl_idle_fiber);
	lkl_idle_fiber = NULL;
}

/* Read a boot parameter given in microseconds into @ns. */
static int __init lkl_parse_us(const char *arg, u64 *ns)
{
	unsigned int us;

	if (!arg || kstrtouint(arg, 0, &us))
		return -EINVAL;
	*ns = (u64)us * NSEC_PER_USEC;
	return 0;
}

static int __init lkl_timer_poll_setup(char *arg)
{
	return lkl_parse_us(arg, &lkl_poll_timer_ns);
}
early_param("lkl_timer_poll_us", lkl_timer_poll_setup);

static int __init lkl_idle_poll_setup(char *arg)
{
	return lkl_parse_us(arg, &lkl_poll_idle_max_ns);
}
early_param("lkl_idle_poll_us", lkl_idle_poll_setup);

/**
 * lkl_idle_setup() - settle the idle policy, once the boot parameters
 * are read
 *
 * On one host CPU, a thread that polls only keeps the thread it waits for
 * off the CPU: never poll there.
 */
void __init lkl_idle_setup(void)
{
	if (lkl_ops->cpu_count && lkl_ops->cpu_count() == 1) {
		lkl_poll_timer_ns = 0;
		lkl_poll_idle_max_ns = 0;
	}
}
