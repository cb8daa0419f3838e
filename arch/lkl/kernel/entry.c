// SPDX-License-Identifier: GPL-2.0
/*
 * How host threads enter and leave the kernel: an application thread for
 * a system call, with a task of its own; any host thread for an interrupt.
 *
 * A thread enters by taking the CPU and making its task current, and
 * leaves by lkl_leave(), the one way out: it runs the interrupts raised
 * meanwhile, then either releases the CPU with its task left current, so
 * that its next call needs no switch, or parks the task and lets the
 * scheduler run another. See Documentation/virt/lkl/threads.rst.
 */
#include <linux/errno.h>
#include <linux/irq.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <asm/host_ops.h>
#include "host/host.h"
#include "lkl.h"

/* The host TLS key that holds each application thread's task. */
static struct lkl_tls_key *lkl_task_key;

/**
 * lkl_leave() - give up the CPU, on behalf of current
 * @park: park a host task even if no other task wants the CPU
 *
 * The calling thread holds the CPU, and current is either a host task
 * whose thread is outside the kernel or about to leave it (possibly the
 * caller's own), or the idle task waiting in arch_cpu_idle(). The idle
 * task gets the CPU back. For a host task, run pending interrupts; then,
 * if another task should run, park it and switch through the scheduler.
 * Otherwise release the CPU and leave current as it is.
 *
 * A system call leaves its task current, so that the thread's next call
 * needs no switch. An interrupt that finds such a task parks it (@park),
 * so that the kernel goes idle and stops the tick while the application
 * works outside it.
 */
void lkl_leave(bool park)
{
	/*
	 * Like hlt, arch_cpu_idle() returns after any interrupt, so that the
	 * idle loop iterates again and can stop or restart the tick.
	 */
	if (is_idle_task(current)) {
		lkl_wait_wake_idle();
		return;
	}

	for (;;) {
		if (need_resched() || park) {
			__set_current_state(TASK_PARKED);
			lkl_jmp_schedule(current, schedule);
			return;
		}
		if (lkl_cpu_try_put(false))
			return;
		lkl_run_irqs();
	}
}

/* Ask pid 1 for a task for the calling thread, which holds the CPU. */
static int lkl_new_host_task(void)
{
	struct lkl_task_request req = { .err = 0 };

	req.sem = lkl_ops->sem_alloc(0);
	if (!req.sem) {
		lkl_leave(false);
		return -ENOMEM;
	}

	lkl_pid1_request(&req);
	lkl_leave(true);

	/* The first switch to the new task ends this wait. */
	lkl_ops->sem_down(req.sem);
	if (req.err) {
		/* pid 1 kept the CPU: nothing here to release. */
		lkl_ops->sem_free(req.sem);
		return req.err;
	}
	schedule_tail(current->thread.prev_sched);
	current->thread.app_thread = lkl_ops->thread_self();

	if (lkl_ops->tls_set(lkl_task_key, current)) {
		/* The task exits the next time this thread calls in. */
		pr_warn("lkl: cannot keep the task of a host thread\n");
	}
	return 0;
}

/* Take the CPU and make @task current; a new task if @task is NULL. */
static int lkl_enter_task(struct task_struct *task)
{
	int ret;

	ret = lkl_cpu_get();
	if (ret)
		return ret;

	if (!task)
		return lkl_new_host_task();

	if (task != current) {
		task->thread.flags |= LKL_THREAD_ENTERING;
		wake_up_state(task, TASK_PARKED);
		lkl_leave(true);
		lkl_wait_for_task(task);
	}
	return 0;
}

/**
 * lkl_enter() - take the CPU and make the calling thread's task current
 *
 * A thread that has never called in gets a task first.
 *
 * Return: 0 with the CPU held, or a negative errno without it.
 */
int lkl_enter(void)
{
	return lkl_enter_task(lkl_ops->tls_get(lkl_task_key));
}

static void lkl_do_exit(void)
{
	do_exit(0);
}

/* A host thread that called in has exited: so does its task. */
static void lkl_host_task_destructor(void *data)
{
	if (lkl_enter_task(data))
		return;
	lkl_jmp_schedule(current, lkl_do_exit);
}

/**
 * lkl_trigger_irq() - raise an interrupt from any host thread
 * @irq: the interrupt number
 *
 * If the CPU is free, the calling thread takes it, runs the interrupt in
 * the context of whatever task is current, and leaves; otherwise the
 * interrupt stays pending for the CPU holder.
 *
 * Return: 0, -EINVAL for a bad number, or -ENODEV after halt.
 */
int lkl_trigger_irq(int irq)
{
	int ret;

	if (irq <= 0 || irq >= NR_IRQS)
		return -EINVAL;
	ret = lkl_cpu_raise(irq);
	if (ret <= 0)
		return ret;

	lkl_run_irqs();
	lkl_leave(true);
	return 0;
}

int lkl_entry_init(void)
{
	lkl_task_key = lkl_ops->tls_alloc(lkl_host_task_destructor);
	return lkl_task_key ? 0 : -ENOMEM;
}

void lkl_entry_cleanup(void)
{
	lkl_ops->tls_set(lkl_task_key, NULL);
	lkl_ops->tls_free(lkl_task_key);
}
