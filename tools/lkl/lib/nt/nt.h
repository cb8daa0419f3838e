/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal header of the NT host (tools/lkl/lib/nt): what its files share.
 */
#ifndef _LKL_LIB_NT_H
#define _LKL_LIB_NT_H

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

unsigned long long lkl_nt_time(void);
HANDLE lkl_nt_waitable_timer(void);
int lkl_nt_iomem_access(const void *addr, void *val, int size, int write);

#endif /* _LKL_LIB_NT_H */
