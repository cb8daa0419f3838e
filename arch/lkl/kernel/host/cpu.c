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
 * LKL_CPU_WOKEN: a sleeper was woken to try again; it is the standby
 *	until it takes the CPU or sleeps again;
 * LKL_CPU_STARVING: a sleeper has been refused for LKL_CPU_STARVE_NS;
 * LKL_CPU_HANDED: the CPU was handed to whichever sleeper wakes next;
 * LKL_CPU_IRQ: interrupts were raised while the CPU was held;
 * LKL_CPU_SHUTDOWN: the kernel has halted; nobody may enter any more;
 * LKL_CPU_STANDBY: the standby waits on @standby_sem for a kick;
 * the bits from LKL_CPU_SLEEPER up: the number of threads that sleep on
 * @sem, or are about to, and were not woken yet.
 *
 * Each up() of @sem comes with LKL_CPU_WOKEN or LKL_CPU_HANDED set, and
 * whoever takes it clears one of the two; each up() of @standby_sem comes
 * with LKL_CPU_STANDBY cleared by the thread that does it.
 */
#define LKL_CPU_HELD		BIT(0)
#define LKL_CPU_WOKEN		BIT(1)
#define LKL_CPU_STARVING	BIT(2)
#define LKL_CPU_HANDED		BIT(3)
#define LKL_CPU_IRQ		BIT(4)
#define LKL_CPU_SHUTDOWN	BIT(5)
#define LKL_CPU_STANDBY		BIT(6)
#define LKL_CPU_SLEEPER		BIT(8)

/**
 * struct lkl_cpu - the virtual CPU
 * @state: the word above
 * @sem: host threads waiting for the CPU sleep here
 * @standby_sem: the standby waits here, LKL_CPU_STANDBY_NS at a time
 * @handed_at: when a sleeper last took the CPU handed to it; only the
 *	CPU holder touches it
 * @irq_mask: the interrupts raised while the CPU was held
 */
static struct lkl_cpu {
	unsigned long state;
	struct lkl_sem *sem;
	struct lkl_sem *standby_sem;
	u64 handed_at;
	unsigned long irq_mask;
} cpu;

/* A hint for the CPU holder that @cpu.irq_mask is not empty. */
bool lkl_irq_pending;

int lkl_cpu_init(void)
{
	cpu.sem = lkl_ops->sem_alloc(0);
	cpu.standby_sem = lkl_ops->sem_alloc(0);
	if (!cpu.sem || !cpu.standby_sem) {
		lkl_cpu_cleanup();
		return -ENOMEM;
	}
	/* The thread that runs start_kernel() holds the CPU from the start. */
	host_store(&cpu.state, LKL_CPU_HELD);
	return 0;
}

void lkl_cpu_cleanup(void)
{
	if (cpu.sem)
		lkl_ops->sem_free(cpu.sem);
	if (cpu.standby_sem)
		lkl_ops->sem_free(cpu.standby_sem);
	cpu.sem = NULL;
	cpu.standby_sem = NULL;
}

/*
 * Wait as the standby, with the state word last seen as @s, until a
 * release from the idle loop kicks it or LKL_CPU_STANDBY_NS pass.
 */
static void lkl_cpu_standby_wait(unsigned long s)
{
	u64 until = lkl_ops->time() + LKL_CPU_STANDBY_NS;

	/* The CPU was released meanwhile: look again at once. */
	if (!host_try_cmpxchg(&cpu.state, &s, s | LKL_CPU_STANDBY))
		return;
	if (!lkl_ops->sem_down_until(cpu.standby_sem, until))
		return;
	/* Timed out: take LKL_CPU_STANDBY back, or the kick that cleared it. */
	s = host_load(&cpu.state);
	do {
		if (!(s & LKL_CPU_STANDBY)) {
			lkl_ops->sem_down(cpu.standby_sem);
			return;
		}
	} while (!host_try_cmpxchg(&cpu.state, &s, s & ~LKL_CPU_STANDBY));
}

/**
 * lkl_cpu_get() - take the CPU, waiting for it if it is held
 *
 * The CPU is not fair: a thread that finds it free takes it, even while
 * others sleep. A thread that is refused sleeps until a release wakes it
 * to try again. Woken and refused again, it is the standby: where the
 * host has timed waits, it looks again every LKL_CPU_STANDBY_NS rather
 * than sleep, and a release from the idle loop wakes it at once. Once it
 * has been refused for LKL_CPU_STARVE_NS, it sleeps and asks for the CPU
 * to be handed to a sleeper instead.
 *
 * Return: 0 once the calling thread holds the CPU, -ENODEV after halt.
 */
int lkl_cpu_get(void)
{
	unsigned long s = host_load(&cpu.state), n;
	bool standby = false, starving;
	u64 refused = 0, now;

	for (;;) {
		if (s & LKL_CPU_SHUTDOWN)
			return -ENODEV;
		if (!(s & LKL_CPU_HELD)) {
			n = s | LKL_CPU_HELD;
			if (standby)
				n &= ~LKL_CPU_WOKEN;
			if (host_try_cmpxchg(&cpu.state, &s, n))
				return 0;
			continue;
		}
		now = lkl_ops->time();
		if (!refused)
			refused = now;
		starving = now - refused >= LKL_CPU_STARVE_NS;
		if (standby && !starving && lkl_ops->sem_down_until) {
			lkl_cpu_standby_wait(s);
			s = host_load(&cpu.state);
			continue;
		}
		n = s + LKL_CPU_SLEEPER;
		if (starving)
			n |= LKL_CPU_STARVING;
		if (standby)
			n &= ~LKL_CPU_WOKEN;
		if (!host_try_cmpxchg(&cpu.state, &s, n))
			continue;
		standby = false;
		lkl_ops->sem_down(cpu.sem);
		s = host_load(&cpu.state);
		while (s & LKL_CPU_HANDED) {
			if (host_try_cmpxchg(&cpu.state, &s, s & ~LKL_CPU_HANDED)) {
				cpu.handed_at = lkl_ops->time();
				return 0;
			}
		}
		standby = true;
	}
}

/*
 * The state after a release of @s: the CPU handed to a sleeper, or free
 * with one sleeper woken to try again, or just free.
 */
static unsigned long lkl_cpu_released(unsigned long s)
{
	if (s < LKL_CPU_SLEEPER)
		return s & ~LKL_CPU_HELD;
	if ((s & LKL_CPU_STARVING) &&
	    lkl_ops->time() - cpu.handed_at >= LKL_CPU_SLICE_NS)
		return ((s & ~LKL_CPU_STARVING) | LKL_CPU_HANDED) -
			LKL_CPU_SLEEPER;
	if (s & LKL_CPU_WOKEN)
		return s & ~LKL_CPU_HELD;
	return ((s & ~LKL_CPU_HELD) | LKL_CPU_WOKEN) - LKL_CPU_SLEEPER;
}

/**
 * lkl_cpu_try_put() - release the CPU unless an interrupt is pending
 * @idle: the caller is the idle loop, which leaves the CPU for a while
 *
 * A thread that is about to come back takes the CPU again without a host
 * wakeup: handing it to a sleeper at every release would cost one each
 * time, and a switch between tasks. One sleeper at a time is woken to try
 * again instead, and the CPU is handed over only to end a sleeper's
 * starvation, at most once per LKL_CPU_SLICE_NS.
 *
 * The sleeper is woken while the CPU is still held, so that it cannot
 * take the CPU while the releasing thread is still in the host's wakeup
 * call, on its way back for its next system call. If it looked meanwhile
 * and went back to sleep, the release wakes one again, so that none
 * sleeps while the CPU is free and nobody is woken. A release from the
 * idle loop also kicks the standby, which would otherwise look again only
 * when its timed wait ends.
 *
 * Return: true if the CPU was released; false, with the CPU still held,
 * if the caller has to run interrupts first.
 */
bool lkl_cpu_try_put(bool idle)
{
	unsigned long s = host_load(&cpu.state), n;
	bool woke = false;

	for (;;) {
		if (s & LKL_CPU_IRQ)
			return false;
		n = lkl_cpu_released(s);
		if ((n & ~s & LKL_CPU_WOKEN) && !woke) {
			/* Wake it first, with the CPU held. */
			n |= LKL_CPU_HELD;
			if (!host_try_cmpxchg(&cpu.state, &s, n))
				continue;
			lkl_ops->sem_up(cpu.sem);
			woke = true;
			s = n;
			continue;
		}
		if (idle && !(n & LKL_CPU_HELD))
			n &= ~LKL_CPU_STANDBY;
		if (host_try_cmpxchg(&cpu.state, &s, n))
			break;
	}
	if ((n ^ s) & (LKL_CPU_WOKEN | LKL_CPU_HANDED))
		lkl_ops->sem_up(cpu.sem);
	if ((n ^ s) & LKL_CPU_STANDBY)
		lkl_ops->sem_up(cpu.standby_sem);
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
 * kernel tasks that wake up from then on end in lkl_halt_check(); threads
 * that wait for the CPU return -ENODEV from lkl_cpu_get().
 */
void lkl_cpu_shutdown(void)
{
	unsigned long s = host_load(&cpu.state), n;

	/* The sleepers wake to find the kernel halted, and return -ENODEV. */
	do {
		n = (s | LKL_CPU_SHUTDOWN) & (LKL_CPU_SLEEPER - 1);
	} while (!host_try_cmpxchg(&cpu.state, &s, n));
	for (s /= LKL_CPU_SLEEPER; s; s--)
		lkl_ops->sem_up(cpu.sem);
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
