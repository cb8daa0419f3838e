// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks on host threads: every task is run by one host thread, which waits
 * for the CPU (host/wait.c) while another task has it. The idle task is
 * the exception: it runs on a fiber (idle.c).
 *
 * See Documentation/virt/lkl/threads.rst.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/sched/debug.h>
#include <linux/printk.h>
#include <asm/host_ops.h>
#include <asm/switch_to.h>
#include "host/host.h"
#include "lkl.h"

struct task_struct *lkl_current = &init_task;

static void lkl_thread_start(void *arg)
{
	struct task_struct *task = arg;
	struct thread_struct *t = &task->thread;

	lkl_wait_down(&t->wait);
	schedule_tail(t->prev_sched);

	t->fn(t->fn_arg);
	lkl_user_mode();
}

int copy_thread(struct task_struct *p, const struct kernel_clone_args *args)
{
	struct thread_struct *t = &p->thread;

	memset(t, 0, sizeof(*t));

	if (args->fn == lkl_host_task_fn) {
		/* An application thread's task: that thread will run it. */
		t->wait.sem = args->fn_arg;
		t->flags = LKL_THREAD_HOST;
		return 0;
	}

	/* There is no user context to return to from a user-space clone. */
	if (!args->fn)
		return -EINVAL;

	t->fn = args->fn;
	t->fn_arg = args->fn_arg;
	t->wait.sem = lkl_ops->sem_alloc(0);
	if (t->wait.sem)
		t->host_thread = lkl_ops->thread_create(lkl_thread_start, p);
	if (t->host_thread)
		return 0;
	if (t->wait.sem)
		lkl_ops->sem_free(t->wait.sem);
	t->wait.sem = NULL;
	/*
	 * The boot does not expect its threads to fail: rest_init() uses the
	 * task of kernel_init without checking it. A panic at boot becomes
	 * an error returned to the application instead (setup.c).
	 */
	if (system_state < SYSTEM_RUNNING)
		panic("lkl: the host refused a thread at boot\n");
	return -ENOMEM;
}

void arch_release_task_struct(struct task_struct *tsk)
{
	if (tsk->thread.wait.sem)
		lkl_ops->sem_free(tsk->thread.wait.sem);
	tsk->thread.wait.sem = NULL;
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

struct task_struct *__switch_to(struct task_struct *prev,
				struct task_struct *next)
{
	struct thread_struct *pt = &prev->thread;
	struct lkl_jmp_buf jb;

	next->thread.prev_sched = prev;
	lkl_current = next;
	lkl_idle_note(prev, next);

	if (pt->flags & LKL_THREAD_SCHED_JB) {
		/*
		 * prev's thread is outside the kernel, or leaving it: the
		 * thread that called lkl_jmp_schedule() returns without the
		 * CPU. Copy the buffer first, since next may free prev.
		 */
		pt->flags &= ~LKL_THREAD_SCHED_JB;
		jb = pt->sched_jb;
		lkl_wait_wake(&next->thread.wait);
		lkl_ops->jmp_buf_longjmp(&jb, 1);
	}

	if (READ_ONCE(prev->__state) == TASK_DEAD) {
		/* next frees prev: touch nothing of it after this. */
		lkl_wait_wake(&next->thread.wait);
		lkl_ops->thread_detach();
		lkl_ops->thread_exit();
	}

	if (is_idle_task(prev) && lkl_idle_on_fiber())
		return lkl_idle_leave(next);
	if (is_idle_task(next) && lkl_idle_donate(pt)) {
		next = lkl_idle_run(pt);
		if (!next)
			return pt->prev_sched;
	}

	lkl_wait_wake(&next->thread.wait);
	lkl_wait_switch(&pt->wait, is_idle_task(prev), &prev->__state);
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
	lkl_wait_down(&task->thread.wait);
	schedule_tail(task->thread.prev_sched);
}

/**
 * lkl_threads_halt() - end the host threads of all kernel threads
 *
 * Called at halt with the CPU held, after lkl_cpu_shutdown().
 * Each thread waits for the CPU; it wakes up, sees the CPU shut down and
 * exits without touching kernel memory. The threads of the other
 * application tasks are outside the kernel (lkl_halt_calls() saw to it)
 * and cannot come back in, since the CPU is shut down: only their
 * semaphores are freed, which the host gave and nothing else would free,
 * since the task structs go with the memory pool. Only a parked task's:
 * a thread that woke its task to enter waits on the semaphore until the
 * task runs, and the task is no longer parked then. The caller's own
 * task keeps its semaphore until the end of the halt.
 */
void lkl_threads_halt(void)
{
	struct task_struct *g, *t;

	/* No thread is poked from now on: their semaphores go away. */
	lkl_wait_halt();

	for_each_process_thread(g, t) {
		struct thread_struct *ts = &t->thread;

		if (t == current)
			continue;
		if (ts->flags & LKL_THREAD_HOST) {
			if (ts->wait.sem &&
			    READ_ONCE(t->__state) == TASK_PARKED) {
				lkl_ops->sem_free(ts->wait.sem);
				ts->wait.sem = NULL;
			}
			continue;
		}
		if (!ts->host_thread || t->exit_state ||
		    READ_ONCE(t->__state) == TASK_DEAD)
			continue;
		lkl_ops->sem_up(ts->wait.sem);
		lkl_ops->thread_join(ts->host_thread);
		lkl_ops->sem_free(ts->wait.sem);
		ts->wait.sem = NULL;
	}
}
