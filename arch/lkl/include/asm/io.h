/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_IO_H
#define _ASM_LKL_IO_H

#include <linux/types.h>
#include <asm/host_ops.h>

/*
 * LKL has no device memory of its own. The only memory-mapped registers
 * are those of the virtio-mmio devices that the host emulates, so every
 * MMIO access is a call to the host.
 */
static inline u64 lkl_iomem_read(const volatile void __iomem *addr, int size)
{
	u64 val = 0;

	lkl_ops->iomem_access((const volatile void __force *)addr, &val, size, 0);
	return val;
}

static inline void lkl_iomem_write(volatile void __iomem *addr, u64 val,
				   int size)
{
	lkl_ops->iomem_access((const volatile void __force *)addr, &val, size, 1);
}

#define __raw_readb __raw_readb
static inline u8 __raw_readb(const volatile void __iomem *addr)
{
	return lkl_iomem_read(addr, 1);
}

#define __raw_readw __raw_readw
static inline u16 __raw_readw(const volatile void __iomem *addr)
{
	return lkl_iomem_read(addr, 2);
}

#define __raw_readl __raw_readl
static inline u32 __raw_readl(const volatile void __iomem *addr)
{
	return lkl_iomem_read(addr, 4);
}

#define __raw_readq __raw_readq
static inline u64 __raw_readq(const volatile void __iomem *addr)
{
	return lkl_iomem_read(addr, 8);
}

#define __raw_writeb __raw_writeb
static inline void __raw_writeb(u8 val, volatile void __iomem *addr)
{
	lkl_iomem_write(addr, val, 1);
}

#define __raw_writew __raw_writew
static inline void __raw_writew(u16 val, volatile void __iomem *addr)
{
	lkl_iomem_write(addr, val, 2);
}

#define __raw_writel __raw_writel
static inline void __raw_writel(u32 val, volatile void __iomem *addr)
{
	lkl_iomem_write(addr, val, 4);
}

#define __raw_writeq __raw_writeq
static inline void __raw_writeq(u64 val, volatile void __iomem *addr)
{
	lkl_iomem_write(addr, val, 8);
}

#include <asm-generic/io.h>

#endif /* _ASM_LKL_IO_H */
