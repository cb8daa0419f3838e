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
 * This file uses the host's mutexes only. With lockdep, <linux/mutex.h>
 * makes mutex_lock() a macro, which would rename lkl_ops->mutex_lock().
 */
#undef mutex_lock

/**
 * struct lkl_cpu - the state of the virtual CPU
 * @lock: guards the fields below; held only for a few instructions
 * @sem: host threads waiting for the CPU sleep here
 * @held: somebody holds the CPU, or it is being handed over
 * @sleepers: the number of threads waiting on @sem, not yet woken
 * @woken: a sleeper was woken to try again, and has not looked yet
 * @starving: a sleeper has been refused the CPU for LKL_CPU_STARVE_NS
 * @handed: the CPU was handed to whichever sleeper wakes next
 * @handed_at: when the CPU was last handed to a sleeper
 * @shutdown: the kernel has halted; nobody may enter any more
 * @irq_mask: interrupts raised while the CPU was held
 */
static struct lkl_cpu {
	struct lkl_mutex *lock;
	struct lkl_sem *sem;
	bool held;
	unsigned int sleepers;
	bool woken;
	bool starving;
	bool handed;
	u64 handed_at;
	bool shutdown;
	unsigned long irq_mask;
} cpu;

/* A hint for the CPU holder that @cpu.irq_mask is not empty. */
bool lkl_irq_pending;

int lkl_cpu_init(void)
{
	cpu.lock = lkl_ops->mutex_alloc(0);
	cpu.sem = lkl_ops->sem_alloc(0);
	if (!cpu.lock || !cpu.sem) {
		lkl_cpu_cleanup();
		return -ENOMEM;
	}
	/* The thread that runs start_kernel() holds the CPU from the start. */
	cpu.held = true;
	return 0;
}

void lkl_cpu_cleanup(void)
{
	if (cpu.lock)
		lkl_ops->mutex_free(cpu.lock);
	if (cpu.sem)
		lkl_ops->sem_free(cpu.sem);
	cpu.lock = NULL;
	cpu.sem = NULL;
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
	u64 refused = 0;

	lkl_ops->mutex_lock(cpu.lock);
	for (;;) {
		if (cpu.shutdown) {
			lkl_ops->mutex_unlock(cpu.lock);
			return -ENODEV;
		}
		if (!cpu.held) {
			cpu.held = true;
			break;
		}
		if (!refused)
			refused = lkl_ops->time();
		else if (lkl_ops->time() - refused >= LKL_CPU_STARVE_NS)
			cpu.starving = true;
		cpu.sleepers++;
		lkl_ops->mutex_unlock(cpu.lock);

		lkl_ops->sem_down(cpu.sem);

		lkl_ops->mutex_lock(cpu.lock);
		if (cpu.handed) {
			/* Handed over: held stayed true. */
			cpu.handed = false;
			break;
		}
		cpu.woken = false;
	}
	lkl_ops->mutex_unlock(cpu.lock);
	return 0;
}

/*
 * Release the CPU, with its lock taken. A thread that is about to come
 * back takes the CPU again without a host wakeup: handing it to a
 * sleeper at every release would cost one each time, and a switch between
 * tasks. One sleeper at a time is woken to try again instead, and the CPU
 * is handed over only to end a sleeper's starvation, at most once per
 * LKL_CPU_SLICE_NS.
 */
static void lkl_cpu_release(void)
{
	u64 now;

	if (cpu.starving && cpu.sleepers) {
		now = lkl_ops->time();
		if (now - cpu.handed_at >= LKL_CPU_SLICE_NS) {
			cpu.starving = false;
			cpu.handed = true;
			cpu.handed_at = now;
			cpu.sleepers--;
			lkl_ops->sem_up(cpu.sem);
			return;
		}
	}
	cpu.held = false;
	if (cpu.sleepers && !cpu.woken) {
		cpu.woken = true;
		cpu.sleepers--;
		lkl_ops->sem_up(cpu.sem);
	}
}

/**
 * lkl_cpu_try_put() - release the CPU unless an interrupt is pending
 *
 * Return: true if the CPU was released; false, with the CPU still held,
 * if the caller has to run interrupts first.
 */
bool lkl_cpu_try_put(void)
{
	lkl_ops->mutex_lock(cpu.lock);
	if (cpu.irq_mask) {
		lkl_ops->mutex_unlock(cpu.lock);
		return false;
	}
	lkl_cpu_release();
	lkl_ops->mutex_unlock(cpu.lock);
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
	int ret = 1;

	/* Before boot, and after a failed one, there is no CPU yet. */
	if (!READ_ONCE(cpu.lock))
		return -ENODEV;
	lkl_ops->mutex_lock(cpu.lock);
	if (cpu.shutdown) {
		lkl_ops->mutex_unlock(cpu.lock);
		return -ENODEV;
	}
	cpu.irq_mask |= BIT(irq);
	if (cpu.held) {
		WRITE_ONCE(lkl_irq_pending, true);
		ret = 0;
	}
	cpu.held = true;
	lkl_ops->mutex_unlock(cpu.lock);
	return ret;
}

/**
 * lkl_cpu_take_irqs() - take the pending interrupts, with the CPU held
 *
 * Return: a mask of the interrupts raised since the last call.
 */
unsigned long lkl_cpu_take_irqs(void)
{
	unsigned long mask;

	lkl_ops->mutex_lock(cpu.lock);
	mask = cpu.irq_mask;
	cpu.irq_mask = 0;
	WRITE_ONCE(lkl_irq_pending, false);
	lkl_ops->mutex_unlock(cpu.lock);
	return mask;
}

/**
 * lkl_cpu_held() - whether somebody holds the CPU, as a hint
 *
 * Return: true if the CPU is held or being handed over.
 */
bool lkl_cpu_held(void)
{
	return READ_ONCE(cpu.held);
}

/**
 * lkl_cpu_shutdown() - refuse the CPU from now on, at halt
 *
 * Called with the CPU held, once the kernel is down. Host threads of
 * kernel tasks that wake up from then on end in lkl_halt_check().
 */
void lkl_cpu_shutdown(void)
{
	lkl_ops->mutex_lock(cpu.lock);
	host_store(&cpu.shutdown, true);
	lkl_ops->mutex_unlock(cpu.lock);
}

/**
 * lkl_cpu_halted() - whether lkl_cpu_shutdown() was called
 *
 * Return: true once the kernel has halted.
 */
bool lkl_cpu_halted(void)
{
	return host_load(&cpu.shutdown);
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
