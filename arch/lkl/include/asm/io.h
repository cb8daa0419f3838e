/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_IO_H
#define _ASM_LKL_IO_H

#include <linux/types.h>
#include <asm/host_ops.h>

/*
 * LKL has no device memory of its own. The only memory-mapped registers
 * are those of the virtio-mmio devices that the host emulates, so every
 * MMIO access is a call to the host. The accessors below take the
 * qualified pointers of the generic read*() and write*() as they come.
 */
static inline u64 lkl_iomem_read(const void __iomem *addr, int size)
{
	u64 val = 0;

	lkl_ops->iomem_access((const void __force *)addr, &val, size, 0);
	return val;
}

static inline void lkl_iomem_write(void __iomem *addr, u64 val, int size)
{
	lkl_ops->iomem_access((const void __force *)addr, &val, size, 1);
}

#define __raw_readb(addr)	((u8)lkl_iomem_read((const void __iomem *)(addr), 1))
#define __raw_readw(addr)	((u16)lkl_iomem_read((const void __iomem *)(addr), 2))
#define __raw_readl(addr)	((u32)lkl_iomem_read((const void __iomem *)(addr), 4))
#define __raw_readq(addr)	lkl_iomem_read((const void __iomem *)(addr), 8)

#define __raw_writeb(val, addr)	lkl_iomem_write((void __iomem *)(addr), (u8)(val), 1)
#define __raw_writew(val, addr)	lkl_iomem_write((void __iomem *)(addr), (u16)(val), 2)
#define __raw_writel(val, addr)	lkl_iomem_write((void __iomem *)(addr), (u32)(val), 4)
#define __raw_writeq(val, addr)	lkl_iomem_write((void __iomem *)(addr), (u64)(val), 8)

#include <asm-generic/io.h>

#endif /* _ASM_LKL_IO_H */
