/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _ASM_UAPI_LKL_PTRACE_H
#define _ASM_UAPI_LKL_PTRACE_H

#ifndef __ASSEMBLY__

/*
 * LKL has no user mode to trace: system calls arrive as function calls
 * from host threads, so the register set carries nothing.
 */
struct user_regs_struct {
	unsigned long unused;
};

#endif /* __ASSEMBLY__ */

#endif /* _ASM_UAPI_LKL_PTRACE_H */
