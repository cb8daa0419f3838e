/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_CURRENT_H
#define _ASM_LKL_CURRENT_H

#ifndef __ASSEMBLY__

struct task_struct;

/*
 * One CPU, so one current task. Only __switch_to() changes it, with the
 * CPU held; see Documentation/virt/lkl/threads.rst.
 */
extern struct task_struct *lkl_current;

#define get_current()	lkl_current
#define current		get_current()

#endif /* __ASSEMBLY__ */

#endif /* _ASM_LKL_CURRENT_H */
