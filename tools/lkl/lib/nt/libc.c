// SPDX-License-Identifier: GPL-2.0
/*
 * The C library functions that lkl.o leaves undefined (the compiler
 * emits calls to them), for the kernel's calling convention.
 *
 * lkl.o is the same object as on Linux, built for the System V
 * convention. scripts/lkl-elf2coff.py renames each of its undefined
 * symbols NAME to lkl_nt_sysv_NAME, and these pass the call on to the
 * C library, which uses the Microsoft convention.
 */
#include <string.h>

#include "nt/nt.h"

LKL_KERNEL_ABI void *lkl_nt_sysv_memcpy(void *dest, const void *src, size_t n)
{
	return memcpy(dest, src, n);
}

LKL_KERNEL_ABI void *lkl_nt_sysv_memmove(void *dest, const void *src, size_t n)
{
	return memmove(dest, src, n);
}

LKL_KERNEL_ABI void *lkl_nt_sysv_memset(void *s, int c, size_t n)
{
	return memset(s, c, n);
}
