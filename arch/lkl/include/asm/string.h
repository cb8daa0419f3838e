/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_STRING_H
#define _ASM_LKL_STRING_H

#include <linux/types.h>

/*
 * lib/string.c's generic memcpy(), memmove() and memset() go a byte at a
 * time, and LKL copies every socket and file buffer with them. The C
 * compiler already expects these three from its environment (it emits
 * calls to them for structure copies), and every host LKL runs on has a
 * C library whose versions are tuned for the host CPU, so the kernel
 * takes the host's. They are plain functions of memory: no state, no
 * system calls.
 */
#define __HAVE_ARCH_MEMCPY
#define __HAVE_ARCH_MEMMOVE
#define __HAVE_ARCH_MEMSET

void *memcpy(void *dest, const void *src, __kernel_size_t n);
void *memmove(void *dest, const void *src, __kernel_size_t n);
void *memset(void *s, int c, __kernel_size_t n);

#endif /* _ASM_LKL_STRING_H */
