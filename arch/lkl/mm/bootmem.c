// SPDX-License-Identifier: GPL-2.0
/*
 * Memory: one pool taken from the host at boot, mem= bytes big. Physical
 * addresses are host virtual addresses, so PAGE_OFFSET and ARCH_PFN_OFFSET
 * are wherever the host put the pool.
 */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/string.h>
#include "../kernel/lkl.h"
#include <asm/host_ops.h>

unsigned long lkl_memory_start;
EXPORT_SYMBOL(lkl_memory_start);
unsigned long lkl_memory_end;
EXPORT_SYMBOL(lkl_memory_end);

void *empty_zero_page;
EXPORT_SYMBOL(empty_zero_page);

static void *lkl_pool;
static unsigned long lkl_pool_size;

#define LKL_MEM_MIN	(16UL << 20)

/*
 * No generic code checks mem=, and a bad value must fail lkl_start_kernel()
 * rather than panic the process later: check it here, before boot.
 */
static int lkl_parse_mem_arg(const char *cmdline, unsigned long *size)
{
	const char *p = cmdline;

	*size = (unsigned long)CONFIG_LKL_DEFAULT_MEM_MB << 20;
	while ((p = strstr(p, "mem="))) {
		char *end;

		if (p != cmdline && p[-1] != ' ') {
			p += 4;
			continue;
		}
		*size = memparse(p + 4, &end);
		if (end == p + 4 || (*end && *end != ' '))
			return -EINVAL;
		p = end;
	}
	if (*size < LKL_MEM_MIN)
		return -EINVAL;
	return 0;
}

int lkl_mem_init(const char *cmdline)
{
	int ret;

	ret = lkl_parse_mem_arg(cmdline, &lkl_pool_size);
	if (ret)
		return ret;

	lkl_pool = lkl_ops->mem_alloc(lkl_pool_size);
	if (!lkl_pool)
		return -ENOMEM;

	lkl_memory_start = PAGE_ALIGN((unsigned long)lkl_pool);
	lkl_memory_end = ((unsigned long)lkl_pool + lkl_pool_size) & PAGE_MASK;
	return 0;
}

void lkl_mem_cleanup(void)
{
	if (lkl_pool)
		lkl_ops->mem_free(lkl_pool);
	lkl_pool = NULL;
}

void __init lkl_bootmem_init(void)
{
	unsigned long max_zone_pfn[MAX_NR_ZONES] = { 0 };

	memblock_add(lkl_memory_start, lkl_memory_end - lkl_memory_start);

	min_low_pfn = PFN_UP(lkl_memory_start);
	max_low_pfn = PFN_DOWN(lkl_memory_end);
	max_pfn = max_low_pfn;
	max_mapnr = max_pfn - min_low_pfn;
	high_memory = (void *)lkl_memory_end;

	empty_zero_page = memblock_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!empty_zero_page)
		panic("lkl: cannot allocate the zero page\n");

	max_zone_pfn[ZONE_NORMAL] = max_low_pfn;
	free_area_init(max_zone_pfn);
}

void __init mem_init(void)
{
	memblock_free_all();
}

/* The init sections belong to the host's image of lkl.o, not the pool. */
void free_initmem(void)
{
}
