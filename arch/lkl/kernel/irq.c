// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts raised by host threads: a flat set of NR_IRQS lines with no
 * controller to program. lkl_trigger_irq() (cpu.c) marks or runs them.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <asm/cpu.h>

/* Line 0 is never used; line 1 is the timer. */
static unsigned long lkl_irqs_used = BIT(0) | BIT(LKL_TIMER_IRQ);

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

/**
 * lkl_get_free_irq() - reserve an interrupt line for a host device
 * @user: a name for the reservation
 *
 * Callable from any host thread.
 *
 * Return: the interrupt number, or -ENOSPC if all lines are taken.
 */
int lkl_get_free_irq(const char *user)
{
	unsigned long used, bit;
	int irq;

	do {
		used = __atomic_load_n(&lkl_irqs_used, __ATOMIC_ACQUIRE);
		if (!~used)
			return -ENOSPC;
		irq = ffz(used);
		if (irq >= NR_IRQS)
			return -ENOSPC;
		bit = BIT(irq);
	} while (__atomic_fetch_or(&lkl_irqs_used, bit, __ATOMIC_ACQ_REL) & bit);
	return irq;
}

/**
 * lkl_put_irq() - release a line from lkl_get_free_irq()
 * @irq: the interrupt number
 * @user: the name it was reserved with
 */
void lkl_put_irq(int irq, const char *user)
{
	if (irq <= LKL_TIMER_IRQ || irq >= NR_IRQS)
		return;
	__atomic_fetch_and(&lkl_irqs_used, ~BIT(irq), __ATOMIC_ACQ_REL);
}
