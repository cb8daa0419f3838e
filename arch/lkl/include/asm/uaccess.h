/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_UACCESS_H
#define _ASM_LKL_UACCESS_H

#include <linux/compiler.h>
#include <asm/page.h>

/*
 * User memory is the host process's memory, and copies to and from it are
 * plain memcpy(). The one range that is never valid is the zero page, so
 * that a NULL buffer gives -EFAULT instead of crashing the host. Any other
 * wild pointer still faults in the host, as it would in the application.
 */
#define __access_ok __access_ok
static inline int __access_ok(const void __user *ptr, unsigned long size)
{
	unsigned long addr = (unsigned long)ptr;

	if (!size)
		return 1;
	return addr >= PAGE_SIZE && addr + size > addr;
}

#include <asm-generic/uaccess.h>

#endif /* _ASM_LKL_UACCESS_H */
