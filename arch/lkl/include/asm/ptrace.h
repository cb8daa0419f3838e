/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_PTRACE_H
#define _ASM_LKL_PTRACE_H

#include <uapi/asm/ptrace.h>

/* There is no user mode, hence no user register set to save. */
struct pt_regs {
	unsigned long unused;
};

#define user_mode(regs)			(0)
#define kernel_mode(regs)		(1)
#define instruction_pointer(regs)	(0)
#define user_stack_pointer(regs)	(0)
#define profile_pc(regs)		instruction_pointer(regs)
#define current_pt_regs()		((struct pt_regs *)0)

#endif /* _ASM_LKL_PTRACE_H */
