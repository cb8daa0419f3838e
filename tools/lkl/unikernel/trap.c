// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts and exceptions, on the IST stack with interrupts off. Built
 * with -mgeneral-regs-only: the interrupted code's SSE registers are not
 * saved. A device interrupt only masks its IOAPIC pin and marks it
 * pending; the timer only marks that it fired. The scheduler (sched.c)
 * does the rest in thread context, where LKL may be entered.
 */
#include "uk.h"

uint32_t uk_irq_pending;
bool uk_timer_fired;

static const char *const uk_exceptions[32] = {
	[0] = "divide error", [6] = "invalid opcode", [8] = "double fault",
	[13] = "general protection", [14] = "page fault", [19] = "SIMD error",
};

void uk_trap(struct uk_frame *frame)
{
	uint64_t vec = frame->vector, cr2;

	if (vec >= UK_VEC_IRQ0 && vec < UK_VEC_IRQ0 + UK_IRQS) {
		int pin = vec - UK_VEC_IRQ0;

		uk_ioapic_mask(pin, true);
		uk_irq_pending |= 1U << pin;
		uk_lapic_eoi();
		return;
	}
	if (vec == UK_VEC_TIMER) {
		uk_timer_fired = true;
		uk_lapic_eoi();
		return;
	}
	if (vec == UK_VEC_SPURIOUS)
		return;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	uk_puts("\nuk: exception ");
	uk_put_dec(vec);
	if (vec < 32 && uk_exceptions[vec]) {
		uk_puts(" (");
		uk_puts(uk_exceptions[vec]);
		uk_puts(")");
	}
	uk_puts(" at rip ");
	uk_put_hex(frame->rip);
	uk_puts(" error ");
	uk_put_hex(frame->error);
	uk_puts(" cr2 ");
	uk_put_hex(cr2);
	uk_puts(" rsp ");
	uk_put_hex(frame->rsp);
	uk_puts("\n");
	uk_halt(3);
}
