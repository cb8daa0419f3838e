/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_THREAD_INFO_H
#define _ASM_LKL_THREAD_INFO_H

#include <linux/bits.h>
#include <asm/page.h>

/*
 * Tasks run on host thread stacks. The kernel stack that fork allocates is
 * only used for its end-of-stack canary, so keep it to one page.
 */
#define THREAD_SIZE_ORDER	0
#define THREAD_SIZE		(PAGE_SIZE << THREAD_SIZE_ORDER)

#ifndef __ASSEMBLY__

struct thread_info {
	unsigned long flags;
	unsigned long syscall_work;
	int preempt_count;
};

/* init_task.c passes the task, which the initial flags do not depend on. */
#define INIT_THREAD_INFO(tsk)				\
{							\
	.flags		= 0 * sizeof(tsk),		\
	.preempt_count	= INIT_PREEMPT_COUNT,		\
}

#endif /* __ASSEMBLY__ */

#define TIF_SYSCALL_TRACE	0
#define TIF_NOTIFY_RESUME	1
#define TIF_SIGPENDING		2
#define TIF_NEED_RESCHED	3
#define TIF_RESTORE_SIGMASK	4
#define TIF_MEMDIE		5
#define TIF_NOTIFY_SIGNAL	6
#define TIF_POLLING_NRFLAG	7

#define _TIF_SYSCALL_TRACE	BIT(TIF_SYSCALL_TRACE)
#define _TIF_NOTIFY_RESUME	BIT(TIF_NOTIFY_RESUME)
#define _TIF_SIGPENDING		BIT(TIF_SIGPENDING)
#define _TIF_NEED_RESCHED	BIT(TIF_NEED_RESCHED)
#define _TIF_NOTIFY_SIGNAL	BIT(TIF_NOTIFY_SIGNAL)
#define _TIF_POLLING_NRFLAG	BIT(TIF_POLLING_NRFLAG)

#endif /* _ASM_LKL_THREAD_INFO_H */
