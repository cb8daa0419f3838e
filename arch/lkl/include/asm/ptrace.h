/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_PTRACE_H
#define _ASM_LKL_PTRACE_H

#include <uapi/asm/ptrace.h>

/* There is no user mode, hence no user register set to save. */
struct pt_regs {
	unsigned long unused;
};

static inline int user_mode(const struct pt_regs *regs)
{
	return 0;
}

static inline int kernel_mode(const struct pt_regs *regs)
{
	return 1;
}

static inline unsigned long instruction_pointer(const struct pt_regs *regs)
{
	return 0;
}

static inline unsigned long user_stack_pointer(const struct pt_regs *regs)
{
	return 0;
}

#define profile_pc(regs)		instruction_pointer(regs)
#define current_pt_regs()		((struct pt_regs *)0)

#endif /* _ASM_LKL_PTRACE_H */
