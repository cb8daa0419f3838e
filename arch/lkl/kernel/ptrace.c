// SPDX-License-Identifier: GPL-2.0
/*
 * LKL tasks have no user registers to read or write: ptrace can attach,
 * but every architecture request fails.
 */
#include <linux/errno.h>
#include <linux/ptrace.h>
#include <linux/sched.h>

void ptrace_disable(struct task_struct *child)
{
}

long arch_ptrace(struct task_struct *child, long request, unsigned long addr,
		 unsigned long data)
{
	return ptrace_request(child, request, addr, data);
}
