// SPDX-License-Identifier: GPL-2.0
/*
 * Running interrupts: a flat set of NR_IRQS lines with no controller to
 * program. Host threads raise them (entry.c); the CPU holder runs those
 * raised while it held the CPU when it enables interrupts, and before it
 * releases the CPU.
 */
#include <linux/bitops.h>
#include <linux/hardirq.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqflags.h>
#include <asm/irq_regs.h>
#include "host/host.h"

/* The interrupt flag of the CPU; only its holder reads or writes it. */
unsigned long lkl_irq_flags = ARCH_IRQ_DISABLED;

/**
 * lkl_run_irqs() - run the interrupts that host threads raised
 *
 * Called with the CPU held: when its holder enables interrupts, before
 * it releases the CPU, and from the idle loop.
 */
void lkl_run_irqs(void)
{
	unsigned long flags = lkl_irq_flags;
	struct pt_regs regs = { 0 }, *old_regs;
	bool traced_on = lockdep_hardirqs_enabled();
	unsigned long mask;
	int irq;

	lkl_irq_flags = ARCH_IRQ_DISABLED;
	/*
	 * Called from arch_local_irq_restore(), after local_irq_enable()
	 * has told lockdep that interrupts are on: like an interrupt entry,
	 * tell it they are off while the handlers run, and on again after.
	 * The idle loop calls with interrupts off, where there is nothing to
	 * tell.
	 */
	if (traced_on)
		trace_hardirqs_off();
	/* The tick does its per-tick work only with interrupt registers set. */
	old_regs = set_irq_regs(&regs);
	while ((mask = lkl_cpu_take_irqs())) {
		for_each_set_bit(irq, &mask, NR_IRQS) {
			irq_enter();
			generic_handle_irq(irq);
			irq_exit();
		}
	}
	set_irq_regs(old_regs);
	if (traced_on)
		trace_hardirqs_on();
	lkl_irq_flags = flags;
}

static void lkl_irq_noop(struct irq_data *data)
{
}

static struct irq_chip lkl_irq_chip = {
	.name		= "lkl",
	.irq_mask	= lkl_irq_noop,
	.irq_unmask	= lkl_irq_noop,
};

void __init init_IRQ(void)
{
	int irq;

	for (irq = 1; irq < NR_IRQS; irq++)
		irq_set_chip_and_handler(irq, &lkl_irq_chip, handle_simple_irq);
}
