// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt lines for the devices that the host emulates: a flat set of
 * NR_IRQS lines, reserved and released by host threads at any time.
 *
 * Host-side code: called without the CPU.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/irq.h>
#include <asm/host_ops.h>
#include "atomic.h"

/* Line 0 is never used; line 1 is the timer. */
static unsigned long lkl_irqs_used = BIT(0) | BIT(LKL_TIMER_IRQ);

/**
 * lkl_get_free_irq() - reserve an interrupt line for a host device
 * @user: a name for the reservation
 *
 * Return: the interrupt number, or -ENOSPC if all lines are taken.
 */
int lkl_get_free_irq(const char *user)
{
	unsigned long used, bit;
	int irq;

	do {
		used = host_load_acquire(&lkl_irqs_used);
		if (!~used)
			return -ENOSPC;
		irq = ffz(used);
		if (irq >= NR_IRQS)
			return -ENOSPC;
		bit = BIT(irq);
	} while (host_fetch_or(&lkl_irqs_used, bit) & bit);
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
	host_fetch_and(&lkl_irqs_used, ~BIT(irq));
}
