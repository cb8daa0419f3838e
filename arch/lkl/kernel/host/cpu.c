// SPDX-License-Identifier: GPL-2.0
/*
 * The one virtual CPU: a baton that host threads hand to each other, and
 * the interrupts raised while somebody holds it.
 *
 * Host-side code: it runs on host threads, with or without the CPU, and
 * touches only the state below and host objects. See
 * Documentation/virt/lkl/threads.rst.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/irq.h>
#include <asm/host_ops.h>
#include "atomic.h"
#include "host.h"
#include "poll.h"

/*
 * The state of the virtual CPU is one word, so that a thread takes and
 * releases the CPU with a compare-and-swap, and never waits for a lock
 * that another thread holds while the host wakes a third:
 *
 * LKL_CPU_HELD: somebody holds the CPU, or it is being handed over;
 * LKL_CPU_WOKEN: a sleeper was woken to try again, and has not looked yet;
 * LKL_CPU_STARVING: a sleeper has been refused for LKL_CPU_STARVE_NS;
 * LKL_CPU_HANDED: the CPU was handed to whichever sleeper wakes next;
 * LKL_CPU_IRQ: interrupts were raised while the CPU was held;
 * LKL_CPU_SHUTDOWN: the kernel has halted; nobody may enter any more;
 * the bits from LKL_CPU_SLEEPER up: the number of threads that sleep on
 * the semaphore, or are about to, and were not woken yet.
 *
 * Each up() of the semaphore comes with LKL_CPU_WOKEN or LKL_CPU_HANDED
 * set, and whoever takes it clears one of the two.
 */
#define LKL_CPU_HELD		BIT(0)
#define LKL_CPU_WOKEN		BIT(1)
#define LKL_CPU_STARVING	BIT(2)
#define LKL_CPU_HANDED		BIT(3)
#define LKL_CPU_IRQ		BIT(4)
#define LKL_CPU_SHUTDOWN	BIT(5)
#define LKL_CPU_SLEEPER		BIT(8)

/**
 * struct lkl_cpu - the virtual CPU
 * @state: the word above
 * @sem: host threads waiting for the CPU sleep here
 * @handed_at: when a sleeper last took the CPU handed to it; only the
 *	CPU holder touches it
 * @irq_mask: the interrupts raised while the CPU was held
 */
static struct lkl_cpu {
	unsigned long state;
	struct lkl_sem *sem;
	u64 handed_at;
	unsigned long irq_mask;
} cpu;

/* A hint for the CPU holder that @cpu.irq_mask is not empty. */
bool lkl_irq_pending;

int lkl_cpu_init(void)
{
	cpu.sem = lkl_ops->sem_alloc(0);
	if (!cpu.sem)
		return -ENOMEM;
	/* The thread that runs start_kernel() holds the CPU from the start. */
	host_store(&cpu.state, LKL_CPU_HELD);
	return 0;
}

void lkl_cpu_cleanup(void)
{
	if (cpu.sem)
		lkl_ops->sem_free(cpu.sem);
	cpu.sem = NULL;
}

/*
 * After a down() of the semaphore: take the CPU if it was handed over,
 * or clear LKL_CPU_WOKEN to look again. Returns true with the CPU held.
 */
static bool lkl_cpu_woken(void)
{
	unsigned long s = host_load(&cpu.state), n;

	do {
		n = s & LKL_CPU_HANDED ? s & ~LKL_CPU_HANDED :
					 s & ~LKL_CPU_WOKEN;
	} while (!host_try_cmpxchg(&cpu.state, &s, n));
	if (!(s & LKL_CPU_HANDED))
		return false;
	/* Handed over: LKL_CPU_HELD stayed set. The slice starts now. */
	cpu.handed_at = lkl_ops->time();
	return true;
}

/**
 * lkl_cpu_get() - take the CPU, waiting for it if it is held
 *
 * The CPU is not fair: a thread that finds it free takes it, even while
 * others sleep. A thread that is refused sleeps until a release wakes it
 * to try again; once it has been refused for LKL_CPU_STARVE_NS, it asks
 * for the CPU to be handed to a sleeper instead.
 *
 * Return: 0 once the calling thread holds the CPU, -ENODEV after halt.
 */
int lkl_cpu_get(void)
{
	unsigned long s = host_load(&cpu.state), n;
	u64 refused = 0;

	for (;;) {
		if (s & LKL_CPU_SHUTDOWN)
			return -ENODEV;
		if (!(s & LKL_CPU_HELD)) {
			if (host_try_cmpxchg(&cpu.state, &s, s | LKL_CPU_HELD))
				return 0;
			continue;
		}
		n = s + LKL_CPU_SLEEPER;
		if (!refused)
			refused = lkl_ops->time();
		else if (lkl_ops->time() - refused >= LKL_CPU_STARVE_NS)
			n |= LKL_CPU_STARVING;
		if (!host_try_cmpxchg(&cpu.state, &s, n))
			continue;

		lkl_ops->sem_down(cpu.sem);
		if (lkl_cpu_woken())
			return 0;
		s = host_load(&cpu.state);
	}
}

/**
 * lkl_cpu_try_put() - release the CPU unless an interrupt is pending
 *
 * A thread that is about to come back takes the CPU again without a host
 * wakeup: handing it to a sleeper at every release would cost one each
 * time, and a switch between tasks. One sleeper at a time is woken to try
 * again instead, and the CPU is handed over only to end a sleeper's
 * starvation, at most once per LKL_CPU_SLICE_NS.
 *
 * Return: true if the CPU was released; false, with the CPU still held,
 * if the caller has to run interrupts first.
 */
bool lkl_cpu_try_put(void)
{
	unsigned long s = host_load(&cpu.state), n;

	do {
		if (s & LKL_CPU_IRQ)
			return false;
		n = s & ~LKL_CPU_HELD;
		if (s < LKL_CPU_SLEEPER)
			continue;
		if (s & LKL_CPU_STARVING &&
		    lkl_ops->time() - cpu.handed_at >= LKL_CPU_SLICE_NS) {
			/* Handed over: LKL_CPU_HELD stays set. */
			n = (s & ~LKL_CPU_STARVING) | LKL_CPU_HANDED;
			n -= LKL_CPU_SLEEPER;
		} else if (!(s & LKL_CPU_WOKEN)) {
			n = (n | LKL_CPU_WOKEN) - LKL_CPU_SLEEPER;
		}
	} while (!host_try_cmpxchg(&cpu.state, &s, n));

	if ((n ^ s) & (LKL_CPU_WOKEN | LKL_CPU_HANDED))
		lkl_ops->sem_up(cpu.sem);
	return true;
}

/**
 * lkl_cpu_raise() - raise an interrupt, or take the CPU to run it
 * @irq: the interrupt number
 *
 * Return: 1 if the CPU was free: the caller now holds it, and runs the
 * interrupt; 0 if it is held: the interrupt is pending and its holder
 * runs it; -ENODEV after halt.
 */
int lkl_cpu_raise(int irq)
{
	unsigned long s;

	/* Before boot, and after a failed one, there is no CPU yet. */
	if (!READ_ONCE(cpu.sem))
		return -ENODEV;
	host_fetch_or(&cpu.irq_mask, BIT(irq));
	s = host_load(&cpu.state);
	for (;;) {
		if (s & LKL_CPU_SHUTDOWN)
			return -ENODEV;
		if (!(s & LKL_CPU_HELD)) {
			if (host_try_cmpxchg(&cpu.state, &s, s | LKL_CPU_HELD))
				return 1;
		} else if (host_try_cmpxchg(&cpu.state, &s, s | LKL_CPU_IRQ)) {
			WRITE_ONCE(lkl_irq_pending, true);
			return 0;
		}
	}
}

/**
 * lkl_cpu_take_irqs() - take the pending interrupts, with the CPU held
 *
 * An interrupt raised from now on sets LKL_CPU_IRQ again, so that the
 * CPU is not released before it runs.
 *
 * Return: a mask of the interrupts raised since the last call.
 */
unsigned long lkl_cpu_take_irqs(void)
{
	host_fetch_and(&cpu.state, ~LKL_CPU_IRQ);
	WRITE_ONCE(lkl_irq_pending, false);
	return host_xchg(&cpu.irq_mask, 0);
}

/**
 * lkl_cpu_held() - whether somebody holds the CPU, as a hint
 *
 * Return: true if the CPU is held or being handed over.
 */
bool lkl_cpu_held(void)
{
	return READ_ONCE(cpu.state) & LKL_CPU_HELD;
}

/**
 * lkl_cpu_shutdown() - refuse the CPU from now on, at halt
 *
 * Called with the CPU held, once the kernel is down. Host threads of
 * kernel tasks that wake up from then on end in lkl_halt_check().
 */
void lkl_cpu_shutdown(void)
{
	host_fetch_or(&cpu.state, LKL_CPU_SHUTDOWN);
}

/**
 * lkl_cpu_halted() - whether lkl_cpu_shutdown() was called
 *
 * Return: true once the kernel has halted.
 */
bool lkl_cpu_halted(void)
{
	return host_load(&cpu.state) & LKL_CPU_SHUTDOWN;
}

/**
 * lkl_halt_check() - end the calling host thread if the kernel has halted
 *
 * Called by host threads of kernel tasks when they wake up: at halt,
 * they must leave without touching kernel memory.
 */
void lkl_halt_check(void)
{
	if (lkl_cpu_halted())
		lkl_ops->thread_exit();
}
