// SPDX-License-Identifier: GPL-2.0
/*
 * The one virtual CPU of LKL: a baton that host threads hand to each other,
 * and the interrupts that host threads raise while it is busy.
 *
 * See Documentation/virt/lkl/threads.rst for the model.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/hardirq.h>
#include <linux/init.h>
#include <linux/irq.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <asm/cpu.h>
#include <asm/irq_regs.h>
#include <asm/host_ops.h>

/**
 * struct lkl_cpu - the state of the virtual CPU
 * @lock: guards the fields below; held only for a few instructions
 * @sem: host threads waiting for the CPU sleep here
 * @held: somebody holds the CPU, or it is being handed over
 * @sleepers: the number of threads waiting on @sem
 * @shutdown: the kernel has halted; nobody may enter any more
 * @irq_mask: interrupts raised while the CPU was held
 * @idle_sem: the thread that runs the idle task waits here in
 *	arch_cpu_idle()
 */
static struct lkl_cpu {
	struct lkl_mutex *lock;
	struct lkl_sem *sem;
	struct lkl_sem *idle_sem;
	bool held;
	unsigned int sleepers;
	bool shutdown;
	unsigned long irq_mask;
} cpu;

/* The interrupt flag of the CPU, and a hint that interrupts are pending. */
unsigned long lkl_irq_flags = ARCH_IRQ_DISABLED;
bool lkl_irq_pending;

int lkl_cpu_init(void)
{
	cpu.lock = lkl_ops->mutex_alloc(0);
	cpu.sem = lkl_ops->sem_alloc(0);
	cpu.idle_sem = lkl_ops->sem_alloc(0);
	if (!cpu.lock || !cpu.sem || !cpu.idle_sem) {
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
	if (cpu.idle_sem)
		lkl_ops->sem_free(cpu.idle_sem);
	cpu.lock = NULL;
	cpu.sem = NULL;
	cpu.idle_sem = NULL;
}

/**
 * lkl_cpu_get() - take the CPU, waiting for it if it is held
 *
 * Return: 0 once the calling thread holds the CPU, -ENODEV after halt.
 */
int lkl_cpu_get(void)
{
	lkl_ops->mutex_lock(cpu.lock);
	if (cpu.shutdown) {
		lkl_ops->mutex_unlock(cpu.lock);
		return -ENODEV;
	}
	if (!cpu.held) {
		cpu.held = true;
		lkl_ops->mutex_unlock(cpu.lock);
		return 0;
	}
	cpu.sleepers++;
	lkl_ops->mutex_unlock(cpu.lock);

	/* The releasing thread hands the CPU over: held stays true. */
	lkl_ops->sem_down(cpu.sem);
	return 0;
}

/* Mark the CPU free, or hand it to a waiting thread. Called with cpu.lock. */
static void lkl_cpu_release_locked(void)
{
	if (cpu.sleepers) {
		cpu.sleepers--;
		lkl_ops->sem_up(cpu.sem);
	} else {
		cpu.held = false;
	}
}

static unsigned long lkl_cpu_take_irqs(void)
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
 * lkl_run_irqs() - run the interrupts that host threads raised
 *
 * Called by the CPU holder when it enables interrupts, before it releases
 * the CPU, and from the idle loop.
 */
void lkl_run_irqs(void)
{
	unsigned long flags = lkl_irq_flags;
	struct pt_regs regs = { 0 }, *old_regs;
	unsigned long mask;
	int irq;

	lkl_irq_flags = ARCH_IRQ_DISABLED;
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
	lkl_irq_flags = flags;
}

void lkl_run_pending_irqs(void)
{
	lkl_run_irqs();
}

/*
 * Release the CPU unless an interrupt is pending: returns false, with the
 * CPU still held, if the caller has to run interrupts first.
 */
static bool lkl_cpu_try_release(void)
{
	lkl_ops->mutex_lock(cpu.lock);
	if (cpu.irq_mask) {
		lkl_ops->mutex_unlock(cpu.lock);
		return false;
	}
	lkl_cpu_release_locked();
	lkl_ops->mutex_unlock(cpu.lock);
	return true;
}

/**
 * lkl_cpu_put() - release the CPU after running pending interrupts
 */
void lkl_cpu_put(void)
{
	while (!lkl_cpu_try_release())
		lkl_run_irqs();
}

/**
 * lkl_leave_cpu() - let go of the CPU on behalf of current
 * @park: park a host task even if no other task wants the CPU
 *
 * The calling thread holds the CPU and current is a host task whose thread
 * is outside the kernel (possibly the caller's own), or the idle task
 * waiting in arch_cpu_idle(). The idle task gets the CPU back. For a host
 * task, run pending interrupts; then, if another task should run, park it
 * and switch through the scheduler. Otherwise release the CPU and leave
 * current as it is.
 *
 * A system call leaves its task current, so that the thread's next call
 * needs no switch. An interrupt that finds such a task parks it
 * (@park), so that the kernel goes idle and stops the tick while the
 * application works outside it.
 */
void lkl_leave_cpu(bool park)
{
	/*
	 * Like hlt, arch_cpu_idle() returns after any interrupt, so that the
	 * idle loop iterates again and can stop or restart the tick.
	 */
	if (is_idle_task(current)) {
		lkl_cpu_wake_idle();
		return;
	}

	for (;;) {
		if (need_resched() || park) {
			__set_current_state(TASK_PARKED);
			lkl_jmp_schedule(current, schedule);
			return;
		}
		if (lkl_cpu_try_release())
			return;
		lkl_run_irqs();
	}
}

/*
 * How the idle thread waits in arch_cpu_idle(). It sleeps on
 * cpu.idle_sem, or polls when a timer is about to fire, so that the
 * CPU reaches it without a host wakeup. Each move to GO or POLL_REQ from
 * SLEEPING comes with one up() of the semaphore, which the idle thread
 * takes before it looks at the state again.
 *
 * LKL_IDLE_RUNNING: it runs (with the CPU), or has left the idle loop;
 * LKL_IDLE_SLEEPING: it released the CPU and sleeps, or is about to;
 * LKL_IDLE_POLL_REQ: lkl_cpu_prewake_idle() asked it to poll;
 * LKL_IDLE_POLLING: it polls, for the CPU or for the timer to be due;
 * LKL_IDLE_GO: the CPU was handed to it.
 */
enum {
	LKL_IDLE_RUNNING,
	LKL_IDLE_SLEEPING,
	LKL_IDLE_POLL_REQ,
	LKL_IDLE_POLLING,
	LKL_IDLE_GO,
};

static int lkl_idle_state = LKL_IDLE_RUNNING;

static bool lkl_idle_move(int from, int to)
{
	return __atomic_compare_exchange_n(&lkl_idle_state, &from, to, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/**
 * lkl_cpu_wake_idle() - hand the CPU to the idle task, waiting in
 * arch_cpu_idle()
 */
void lkl_cpu_wake_idle(void)
{
	int old = __atomic_exchange_n(&lkl_idle_state, LKL_IDLE_GO,
				      __ATOMIC_SEQ_CST);

	/* A polling thread sees GO; POLL_REQ came with an up() already. */
	if (old == LKL_IDLE_SLEEPING)
		lkl_ops->sem_up(cpu.idle_sem);
}

/**
 * lkl_cpu_prewake_idle() - make a sleeping idle thread poll
 *
 * Called from any host thread, without the CPU, shortly before a timer is
 * due: the host wakeup of the idle thread then overlaps the wait, and the
 * timer interrupt finds it polling.
 */
void lkl_cpu_prewake_idle(void)
{
	if (lkl_idle_move(LKL_IDLE_SLEEPING, LKL_IDLE_POLL_REQ))
		lkl_ops->sem_up(cpu.idle_sem);
}

/**
 * lkl_cpu_idle_release() - release the CPU from the idle loop
 *
 * Like sti; hlt: run pending interrupts first, and keep the CPU if they
 * made a task runnable.
 *
 * Return: true if the CPU was released; then call lkl_cpu_idle_wait().
 */
bool lkl_cpu_idle_release(void)
{
	for (;;) {
		if (need_resched())
			return false;
		lkl_ops->mutex_lock(cpu.lock);
		if (!cpu.irq_mask) {
			/* Whoever takes the CPU now finds the idle thread waiting. */
			__atomic_store_n(&lkl_idle_state, LKL_IDLE_SLEEPING,
					 __ATOMIC_SEQ_CST);
			lkl_cpu_release_locked();
			lkl_ops->mutex_unlock(cpu.lock);
			return true;
		}
		lkl_ops->mutex_unlock(cpu.lock);
		lkl_run_irqs();
	}
}

/*
 * Adaptive idle polling, as cpuidle-haltpoll does in a guest: a CPU that
 * was idle only briefly is likely to be woken again soon, and a host
 * wakeup of the idle thread costs tens of microseconds, so the idle thread
 * polls for the CPU for up to lkl_idle_poll_ns before it sleeps, both
 * here and after it switched to a task (lkl_switch_wait()). The window
 * starts at 0, doubles from LKL_IDLE_POLL_START_NS whenever the CPU was
 * idle for less than lkl_idle_poll_max_ns, and halves when it was idle
 * longer: a busy exchange of small packets or short sleeps keeps the
 * thread hot, an idle kernel never polls. "lkl_idle_poll_us=" on the
 * command line sets the maximum; 0 turns this polling off.
 */
#define LKL_IDLE_POLL_START_NS	(10 * NSEC_PER_USEC)

static u64 lkl_idle_poll_max_ns = 100 * NSEC_PER_USEC;
static u64 lkl_idle_poll_ns;

static int __init lkl_idle_poll_setup(char *arg)
{
	return lkl_parse_us(arg, &lkl_idle_poll_max_ns);
}
early_param("lkl_idle_poll_us", lkl_idle_poll_setup);

/**
 * lkl_idle_poll_off() - never poll for the CPU, as on one host CPU
 */
void __init lkl_idle_poll_off(void)
{
	lkl_idle_poll_max_ns = 0;
}

/**
 * lkl_idle_spin_ns() - how long the idle thread polls for the CPU
 *
 * Return: the window, in ns; 0 while the CPU is rarely woken soon.
 */
u64 lkl_idle_spin_ns(void)
{
	return lkl_idle_poll_ns;
}

/* Adapt the window to an idle period of @idle_ns. */
static void lkl_idle_poll_adapt(u64 idle_ns)
{
	u64 w = lkl_idle_poll_ns;

	if (idle_ns < lkl_idle_poll_max_ns)
		w = w ? min(2 * w, lkl_idle_poll_max_ns) :
			min_t(u64, LKL_IDLE_POLL_START_NS, lkl_idle_poll_max_ns);
	else
		w /= 2;
	lkl_idle_poll_ns = w;
}

/* How long the idle thread polls at most for a CPU that another thread holds. */
#define LKL_IDLE_HELD_POLL_NS	(50 * NSEC_PER_USEC)

/*
 * Poll until @until, or while a timer is due soon, firing it when it is
 * due. Entered in POLLING. Returns true once the CPU was handed over,
 * false (back in SLEEPING) when there is nothing more to poll for.
 *
 * A thread that holds the CPU while the idle task waits hands it back
 * within microseconds: it runs an interrupt, or enters and switches to its
 * task. The interrupt may be the timer polled for: another thread that
 * polls (see lkl_switch_poll() in threads.c) may have raised it first,
 * and the deadline is gone from then on. So once the CPU is seen held, or
 * the deadline polled for is gone, poll on for a while rather than sleep
 * just before the CPU comes back.
 */
static bool lkl_cpu_idle_poll(u64 until)
{
	u64 now, held_until = 0;
	bool timer = false;

	while (__atomic_load_n(&lkl_idle_state, __ATOMIC_SEQ_CST) ==
	       LKL_IDLE_POLLING) {
		if (lkl_timer_poll()) {
			timer = true;
		} else {
			now = lkl_ops->time();
			if (!held_until && (timer || READ_ONCE(cpu.held)))
				held_until = now + LKL_IDLE_HELD_POLL_NS;
			if (now >= until && now >= held_until)
				break;
		}
		cpu_relax();
	}
	return !lkl_idle_move(LKL_IDLE_POLLING, LKL_IDLE_SLEEPING);
}

/*
 * Sleep in SLEEPING until the CPU is handed back or polling is asked for:
 * returns true, with the state GO or POLL_REQ. A host that can time a
 * wait also ends it a poll window before the next deadline: returns false
 * then, in POLLING. The host timer fires then too, to make the idle thread
 * poll, but when the host is slow to wake threads, two wakeups in a row
 * (the timer thread's, then the idle thread's) may come too late where
 * either one alone would not.
 */
static bool lkl_cpu_idle_sleep(void)
{
	u64 until = lkl_timer_poll_from();

	if (!until || !lkl_ops->sem_down_until) {
		lkl_ops->sem_down(cpu.idle_sem);
		return true;
	}
	if (!lkl_ops->sem_down_until(cpu.idle_sem, until))
		return true;
	if (lkl_idle_move(LKL_IDLE_SLEEPING, LKL_IDLE_POLLING))
		return false;
	/* Handed over or asked to poll meanwhile: take the up() with it. */
	lkl_ops->sem_down(cpu.idle_sem);
	return true;
}

/**
 * lkl_cpu_idle_wait() - wait without the CPU until it is handed back
 *
 * Called by the idle thread after lkl_cpu_idle_release(). It polls for a
 * while if the CPU was idle only briefly last time or a timer is due
 * soon, and sleeps otherwise. Returns with the CPU held.
 */
void lkl_cpu_idle_wait(void)
{
	u64 start = lkl_ops->time();

	if (!lkl_idle_move(LKL_IDLE_SLEEPING, LKL_IDLE_POLLING) ||
	    !lkl_cpu_idle_poll(start + lkl_idle_poll_ns)) {
		for (;;) {
			if (lkl_cpu_idle_sleep()) {
				lkl_halt_check();
				/* Either the CPU (GO) or a request to poll. */
				if (!lkl_idle_move(LKL_IDLE_POLL_REQ,
						   LKL_IDLE_POLLING))
					break;
			}
			/* Wake the sleeper, if the timer thread did not yet. */
			lkl_thread_prewake();
			if (lkl_cpu_idle_poll(0))
				break;
		}
	}
	lkl_idle_poll_adapt(lkl_ops->time() - start);
	__atomic_store_n(&lkl_idle_state, LKL_IDLE_RUNNING, __ATOMIC_SEQ_CST);
}

void lkl_cpu_shutdown(void)
{
	lkl_ops->mutex_lock(cpu.lock);
	cpu.shutdown = true;
	lkl_ops->mutex_unlock(cpu.lock);
}

/**
 * lkl_trigger_irq() - raise an interrupt from any host thread
 * @irq: the interrupt number
 *
 * Return: 0, -EINVAL for a bad number, or -ENODEV after halt.
 */
int lkl_trigger_irq(int irq)
{
	if (irq <= 0 || irq >= NR_IRQS)
		return -EINVAL;
	if (!READ_ONCE(cpu.lock))
		return -ENODEV;

	lkl_ops->mutex_lock(cpu.lock);
	if (cpu.shutdown) {
		lkl_ops->mutex_unlock(cpu.lock);
		return -ENODEV;
	}
	cpu.irq_mask |= BIT(irq);
	if (cpu.held) {
		/* The holder runs it when it enables interrupts or leaves. */
		WRITE_ONCE(lkl_irq_pending, true);
		lkl_ops->mutex_unlock(cpu.lock);
		return 0;
	}
	cpu.held = true;
	lkl_ops->mutex_unlock(cpu.lock);

	lkl_run_irqs();
	lkl_leave_cpu(true);
	return 0;
}
