/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_PAGE_H
#define _ASM_LKL_PAGE_H

#include <linux/const.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#ifndef __ASSEMBLY__

#include <linux/string.h>
#include <linux/types.h>

/*
 * The memory pool comes from the host at boot, so its address is only
 * known at run time. Physical addresses equal host virtual addresses, so
 * that a device emulated by the host can use a buffer address as it is.
 */
extern unsigned long lkl_memory_start;
extern unsigned long lkl_memory_end;

#define PAGE_OFFSET		lkl_memory_start
#define ARCH_PFN_OFFSET		(lkl_memory_start >> PAGE_SHIFT)

typedef struct { ulong pte; } pte_t;
typedef struct { ulong pgd; } pgd_t;
typedef struct { ulong pgprot; } pgprot_t;
typedef struct page *pgtable_t;

#define pte_val(x)	((x).pte)
#define pgd_val(x)	((x).pgd)
#define pgprot_val(x)	((x).pgprot)
#define __pte(x)	((pte_t) { (x) })
#define __pgd(x)	((pgd_t) { (x) })
#define __pgprot(x)	((pgprot_t) { (x) })

#define clear_page(page)		memset((page), 0, PAGE_SIZE)
#define copy_page(to, from)		memcpy((to), (from), PAGE_SIZE)

struct page;

static inline void clear_user_page(void *page, unsigned long vaddr,
				   struct page *pg)
{
	clear_page(page);
}

static inline void copy_user_page(void *to, void *from, unsigned long vaddr,
				  struct page *topage)
{
	copy_page(to, from);
}

#define __pa(vaddr)		((unsigned long)(vaddr))
#define __va(paddr)		((void *)((unsigned long)(paddr)))

#define virt_to_pfn(kaddr)	(__pa(kaddr) >> PAGE_SHIFT)
#define pfn_to_virt(pfn)	__va((pfn) << PAGE_SHIFT)

#define virt_to_page(addr)	pfn_to_page(virt_to_pfn(addr))
#define page_to_virt(page)	pfn_to_virt(page_to_pfn(page))

static inline bool lkl_virt_addr_valid(unsigned long addr)
{
	return addr >= lkl_memory_start && addr < lkl_memory_end;
}

#define virt_addr_valid(kaddr)	lkl_virt_addr_valid((unsigned long)(kaddr))

#include <asm-generic/memory_model.h>
#include <asm-generic/getorder.h>

#define page_to_phys(page)	((phys_addr_t)page_to_pfn(page) << PAGE_SHIFT)

#endif /* __ASSEMBLY__ */

#endif /* _ASM_LKL_PAGE_H */
