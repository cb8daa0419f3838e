/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_IRQ_H
#define _ASM_LKL_IRQ_H

/* One bitmap word of interrupt lines, see kernel/cpu.c. */
#define NR_IRQS		64

#define LKL_TIMER_IRQ	1

#include <asm-generic/irq.h>

#endif /* _ASM_LKL_IRQ_H */
