/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_PGTABLE_H
#define _ASM_LKL_PGTABLE_H

/* LKL has no MMU: the kernel shares the host process's address space. */

#include <asm-generic/pgtable-nopmd.h>
#include <asm/page.h>

#define PAGE_NONE		__pgprot(0)
#define PAGE_SHARED		__pgprot(0)
#define PAGE_COPY		__pgprot(0)
#define PAGE_READONLY		__pgprot(0)
#define PAGE_KERNEL		__pgprot(0)

#define swapper_pg_dir		((pgd_t *)0)

extern void *empty_zero_page;
#define ZERO_PAGE(vaddr)	((void)(vaddr), virt_to_page(empty_zero_page))

#define VMALLOC_START		0UL
#define VMALLOC_END		0xffffffffffffffffUL
#define KMAP_START		0UL
#define KMAP_END		0xffffffffffffffffUL

#endif /* _ASM_LKL_PGTABLE_H */
