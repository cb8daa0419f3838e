/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_IO_H
#define _ASM_LKL_IO_H

#include <linux/string.h>
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

/*
 * LKL has no I/O ports: no bus behind them and no PCI I/O space, so
 * there is no PCI_IOBASE for asm-generic/io.h to add a port number to
 * (its default, NULL, makes that arithmetic on a null pointer, which
 * clang rightly flags). A port read finds nothing there and reads all
 * ones, as on a bus where no device answers; a port write goes nowhere.
 */
#define _inb _inb
static inline u8 _inb(unsigned long port)
{
	return 0xff;
}

#define _inw _inw
static inline u16 _inw(unsigned long port)
{
	return 0xffff;
}

#define _inl _inl
static inline u32 _inl(unsigned long port)
{
	return 0xffffffff;
}

#define _outb _outb
static inline void _outb(u8 value, unsigned long port)
{
}

#define _outw _outw
static inline void _outw(u16 value, unsigned long port)
{
}

#define _outl _outl
static inline void _outl(u32 value, unsigned long port)
{
}

#define insb lkl_insb
static inline void lkl_insb(unsigned long port, void *buf, unsigned int count)
{
	memset(buf, 0xff, count);
}

#define insw lkl_insw
static inline void lkl_insw(unsigned long port, void *buf, unsigned int count)
{
	memset(buf, 0xff, count * 2UL);
}

#define insl lkl_insl
static inline void lkl_insl(unsigned long port, void *buf, unsigned int count)
{
	memset(buf, 0xff, count * 4UL);
}

#define outsb lkl_outsb
static inline void lkl_outsb(unsigned long port, const void *buf,
			     unsigned int count)
{
}

#define outsw lkl_outsw
static inline void lkl_outsw(unsigned long port, const void *buf,
			     unsigned int count)
{
}

#define outsl lkl_outsl
static inline void lkl_outsl(unsigned long port, const void *buf,
			     unsigned int count)
{
}

#include <asm-generic/io.h>

#endif /* _ASM_LKL_IO_H */
