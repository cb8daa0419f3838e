/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _ASM_UAPI_LKL_SIGCONTEXT_H
#define _ASM_UAPI_LKL_SIGCONTEXT_H

#include <asm/ptrace.h>

/* Signals are never delivered to a user context in LKL. */
struct sigcontext {
	struct user_regs_struct regs;
};

#endif /* _ASM_UAPI_LKL_SIGCONTEXT_H */
