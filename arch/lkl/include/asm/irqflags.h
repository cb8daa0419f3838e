/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_IRQFLAGS_H
#define _ASM_LKL_IRQFLAGS_H

/*
 * The interrupt flag of the one virtual CPU. Only the holder of the CPU
 * reads or writes it; enabling interrupts runs those that host threads
 * raised while the CPU was busy.
 */
#include <linux/types.h>
#include <asm/rwonce.h>

#define ARCH_IRQ_ENABLED	1
#define ARCH_IRQ_DISABLED	0

extern unsigned long lkl_irq_flags;
extern bool lkl_irq_pending;
void lkl_run_irqs(void);

#define arch_local_save_flags arch_local_save_flags
static inline unsigned long arch_local_save_flags(void)
{
	return lkl_irq_flags;
}

#define arch_local_irq_restore arch_local_irq_restore
static inline void arch_local_irq_restore(unsigned long flags)
{
	lkl_irq_flags = flags;
	if (flags == ARCH_IRQ_ENABLED && READ_ONCE(lkl_irq_pending))
		lkl_run_irqs();
}

#define arch_irqs_disabled_flags arch_irqs_disabled_flags
static inline int arch_irqs_disabled_flags(unsigned long flags)
{
	return flags == ARCH_IRQ_DISABLED;
}

#define arch_local_irq_disable arch_local_irq_disable
static inline void arch_local_irq_disable(void)
{
	lkl_irq_flags = ARCH_IRQ_DISABLED;
}

#define arch_local_irq_enable arch_local_irq_enable
static inline void arch_local_irq_enable(void)
{
	arch_local_irq_restore(ARCH_IRQ_ENABLED);
}

#include <asm-generic/irqflags.h>

#endif /* _ASM_LKL_IRQFLAGS_H */
