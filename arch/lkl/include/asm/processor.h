/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_PROCESSOR_H
#define _ASM_LKL_PROCESSOR_H

#include <asm/host_ops.h>
#include <linux/compiler.h>

struct task_struct;
struct pt_regs;
struct lkl_sem;

/**
 * struct lkl_wait - what a task's host thread waits on for the CPU
 * @sem: the host semaphore it sleeps on; up() hands it the CPU
 * @switched_in: set with the up() that hands it the CPU, so that the
 *	thread can poll for it before it sleeps
 * @poked: set with an extra up() when the thread is asked to poll for a
 *	deadline that is near
 *
 * Host threads read and write it without the CPU (arch/lkl/kernel/host).
 */
struct lkl_wait {
	struct lkl_sem *sem;
	bool switched_in;
	bool poked;
};

/**
 * struct thread_struct - what LKL keeps for each task
 * @sched_jb: armed by lkl_jmp_schedule(): __switch_to() jumps back here
 *	instead of waiting, see Documentation/virt/lkl/threads.rst
 * @prev_sched: the task that last switched to this one
 * @fn: for a kernel thread, the function that its host thread runs
 * @fn_arg: its argument
 * @host_thread: the host thread that runs this kernel thread, joined at
 *	halt
 * @app_thread: for a host task (LKL_THREAD_HOST), the application thread
 *	that calls in, for lkl_interrupt_thread()
 * @flags: LKL_THREAD_* below
 * @wait: what the task's host thread waits on while another task has the
 *	CPU; the only part of a task that host-side code touches
 */
struct thread_struct {
	struct lkl_jmp_buf sched_jb;
	struct task_struct *prev_sched;
	int (*fn)(void *arg);
	void *fn_arg;
	lkl_thread_t host_thread;
	lkl_thread_t app_thread;
	unsigned int flags;
	struct lkl_wait wait;
};

/* The task belongs to an application thread that calls into LKL. */
#define LKL_THREAD_HOST		0x1
/* __switch_to() must longjmp to sched_jb instead of waiting. */
#define LKL_THREAD_SCHED_JB	0x2
/* The idle task last switched to the task: an interrupt woke it. */
#define LKL_THREAD_IRQ_WOKEN	0x4
/* lkl_enter() woke the task: the switch to it is not an interrupt's. */
#define LKL_THREAD_ENTERING	0x8

#define INIT_THREAD { }

static inline void cpu_relax(void)
{
	barrier();
}

static inline struct pt_regs *task_pt_regs(struct task_struct *tsk)
{
	return NULL;
}

static inline unsigned long KSTK_EIP(struct task_struct *tsk)
{
	return 0;
}

static inline unsigned long KSTK_ESP(struct task_struct *tsk)
{
	return 0;
}

static inline unsigned long __get_wchan(struct task_struct *p)
{
	return 0;
}

/* /proc/cpuinfo, see kernel/setup.c. */
extern const struct seq_operations cpuinfo_op;

#define TASK_SIZE	(~0UL)
#define TASK_UNMAPPED_BASE	0

static inline void start_thread(struct pt_regs *regs, unsigned long pc,
				unsigned long sp)
{
}

#endif /* _ASM_LKL_PROCESSOR_H */
