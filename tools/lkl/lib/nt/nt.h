/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal header of the NT host (tools/lkl/lib/nt): what its files share.
 */
#ifndef _LKL_LIB_NT_H
#define _LKL_LIB_NT_H

#define WIN32_LEAN_AND_MEAN
#include <stddef.h>
#include <windows.h>

#include <lkl_host.h>

unsigned long long lkl_nt_time(void);
HANDLE lkl_nt_waitable_timer(void);
LKL_KERNEL_ABI int lkl_nt_iomem_access(const void *addr, void *val,
				       int size, int write);

/* vnet-host.c: for every socket of the library. */
int lkl_nt_winsock(void);

/* libc.c: for the kernel's undefined symbols; see there. */
LKL_KERNEL_ABI void *lkl_nt_sysv_memcpy(void *dest, const void *src, size_t n);
LKL_KERNEL_ABI void *lkl_nt_sysv_memmove(void *dest, const void *src, size_t n);
LKL_KERNEL_ABI void *lkl_nt_sysv_memset(void *s, int c, size_t n);

#endif /* _LKL_LIB_NT_H */
