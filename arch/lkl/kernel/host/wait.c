// SPDX-License-Identifier: GPL-2.0
/*
 * How host threads wait for the CPU to come back: the idle thread in
 * arch_cpu_idle(), and the thread of a task that another task switched
 * away from. Each either sleeps on a host semaphore, or polls when the
 * CPU is likely to come back soon, since a host wakeup costs tens of
 * microseconds; a thread that polls for a deadline raises the timer
 * interrupt itself when it is due. The host timer pokes a sleeping thread
 * shortly before a deadline, so that it polls by then.
 *
 * Host-side code: it runs without the CPU, and touches only the state
 * below, the deadline (deadline.c) and the struct lkl_wait of the threads
 * that wait. See Documentation/virt/lkl/threads.rst for the state diagram.
 */
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <asm/host_ops.h>
#include "atomic.h"
#include "host.h"
#include "poll.h"

/*
 * The idle thread's state. Each move to GO or POLL_REQ from SLEEPING
 * comes with one up() of lkl_idle_sem, which the idle thread takes before
 * it looks at the state again.
 *
 * LKL_IDLE_RUNNING: it runs (with the CPU), or has left the idle loop;
 * LKL_IDLE_SLEEPING: it released the CPU and sleeps, or is about to;
 * LKL_IDLE_POLL_REQ: lkl_wait_poke_idle() asked it to poll;
 * LKL_IDLE_POLLING: it polls, for the CPU or for the deadline;
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
static struct lkl_sem *lkl_idle_sem;

u64 lkl_poll_idle_max_ns = LKL_POLL_IDLE_MAX_NS;
/*
 * The idle thread's adaptive poll window, see poll.h: a hint, written by
 * the thread that runs the idle task, read by the boot thread too.
 */
static u64 lkl_idle_window;

/*
 * The last task's thread that went to sleep while a deadline was set for
 * later: most likely it waits for that deadline, and lkl_wait_poke_task() makes
 * it poll. lkl_pokers counts the threads in lkl_wait_poke_task(), which may be
 * poking the thread they took from the slot.
 */
static struct lkl_wait *lkl_poke_slot;
static int lkl_pokers;

static bool lkl_idle_move(int from, int to)
{
	return host_cmpxchg(&lkl_idle_state, from, to);
}

/**
 * lkl_wait_idle_release() - release the CPU from the idle loop
 *
 * Whoever takes the CPU from then on finds the idle thread waiting, and
 * hands the CPU back with lkl_wait_wake_idle().
 *
 * Return: true if the CPU was released: call lkl_wait_idle() then; false,
 * with the CPU held, if interrupts are pending.
 */
bool lkl_wait_idle_release(void)
{
	host_store(&lkl_idle_state, LKL_IDLE_SLEEPING);
	if (lkl_cpu_try_put(true))
		return true;
	/* Poked meanwhile: take the up() that came with it. */
	if (!lkl_idle_move(LKL_IDLE_SLEEPING, LKL_IDLE_RUNNING)) {
		lkl_ops->sem_down(lkl_idle_sem);
		host_store(&lkl_idle_state, LKL_IDLE_RUNNING);
	}
	return false;
}

/**
 * lkl_wait_wake_idle() - hand the CPU to the idle thread, waiting in
 * lkl_wait_idle()
 */
void lkl_wait_wake_idle(void)
{
	/* A polling thread sees GO; POLL_REQ came with an up() already. */
	if (host_xchg(&lkl_idle_state, LKL_IDLE_GO) == LKL_IDLE_SLEEPING)
		lkl_ops->sem_up(lkl_idle_sem);
}

/**
 * lkl_wait_poke_idle() - make a sleeping idle thread poll
 *
 * Called shortly before a deadline: the host wakeup of the idle thread
 * then overlaps the wait, and the timer interrupt finds it polling.
 */
void lkl_wait_poke_idle(void)
{
	if (lkl_idle_move(LKL_IDLE_SLEEPING, LKL_IDLE_POLL_REQ))
		lkl_ops->sem_up(lkl_idle_sem);
}

/* Adapt the idle thread's window to an idle period of @idle_ns. */
static void lkl_idle_adapt(u64 idle_ns)
{
	u64 w = READ_ONCE(lkl_idle_window), max = lkl_poll_idle_max_ns;

	if (idle_ns < max)
		w = w ? min(2 * w, max) : min_t(u64, LKL_POLL_IDLE_START_NS, max);
	else
		w /= 2;
	WRITE_ONCE(lkl_idle_window, w);
}

/*
 * Poll until @until, or while the deadline is near, raising the timer
 * interrupt when it is due. Entered in POLLING. Returns true once the CPU
 * was handed over, false (back in SLEEPING) when there is nothing more to
 * poll for.
 *
 * A thread that holds the CPU while the idle task waits hands it back
 * within microseconds: it runs an interrupt, or enters and switches to its
 * task. The interrupt may be the deadline polled for, raised by another
 * thread that polls, and the deadline is gone from then on. So once the
 * CPU is seen held, or the deadline polled for is gone, poll on for a
 * while rather than sleep just before the CPU comes back.
 */
static bool lkl_idle_poll(u64 until)
{
	u64 now, held_until = 0;
	bool timer = false;

	while (host_load(&lkl_idle_state) == LKL_IDLE_POLLING) {
		if (lkl_deadline_poll()) {
			timer = true;
		} else {
			now = lkl_ops->time();
			if (!held_until && (timer || lkl_cpu_held()))
				held_until = now + LKL_POLL_HELD_NS;
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
 * wait also ends it a poll window before the deadline: returns false
 * then, in POLLING. The host timer pokes the idle thread then too, but
 * when the host is slow to wake threads, two wakeups in a row (the timer
 * thread's, then the idle thread's) may come too late where either one
 * alone would not.
 */
static bool lkl_idle_sleep(void)
{
	u64 until = lkl_deadline_poll_from();

	if (!until || !lkl_ops->sem_down_until) {
		lkl_ops->sem_down(lkl_idle_sem);
		return true;
	}
	if (!lkl_ops->sem_down_until(lkl_idle_sem, until))
		return true;
	if (lkl_idle_move(LKL_IDLE_SLEEPING, LKL_IDLE_POLLING))
		return false;
	/* Handed over or asked to poll meanwhile: take the up() with it. */
	lkl_ops->sem_down(lkl_idle_sem);
	return true;
}

/**
 * lkl_wait_idle() - wait without the CPU until it is handed back
 *
 * Called by the idle thread after lkl_wait_idle_release(). It polls for a
 * while if the CPU was idle only briefly last time or a deadline is near,
 * and sleeps otherwise. Returns with the CPU held.
 */
void lkl_wait_idle(void)
{
	u64 start = lkl_ops->time();

	if (!lkl_idle_move(LKL_IDLE_SLEEPING, LKL_IDLE_POLLING) ||
	    !lkl_idle_poll(start + READ_ONCE(lkl_idle_window))) {
		for (;;) {
			if (lkl_idle_sleep()) {
				lkl_halt_check();
				/* Either the CPU (GO) or a request to poll. */
				if (!lkl_idle_move(LKL_IDLE_POLL_REQ,
						   LKL_IDLE_POLLING))
					break;
			}
			/* Poke the sleeper, if the timer thread did not yet. */
			lkl_wait_poke_task();
			if (lkl_idle_poll(0))
				break;
		}
	}
	lkl_idle_adapt(lkl_ops->time() - start);
	host_store(&lkl_idle_state, LKL_IDLE_RUNNING);
}

int lkl_wait_init(void)
{
	lkl_idle_sem = lkl_ops->sem_alloc(0);
	return lkl_idle_sem ? 0 : -ENOMEM;
}

void lkl_wait_cleanup(void)
{
	if (lkl_idle_sem)
		lkl_ops->sem_free(lkl_idle_sem);
	lkl_idle_sem = NULL;
}

/**
 * lkl_wait_wake() - hand the CPU to a task's thread
 * @w: what the thread waits on
 *
 * The flag lets a thread that polls see the switch before the semaphore
 * would wake it.
 */
void lkl_wait_wake(struct lkl_wait *w)
{
	host_store_release(&w->switched_in, true);
	lkl_ops->sem_up(w->sem);
}

/**
 * lkl_wait_poke_task() - make the thread offered for the next deadline poll
 *
 * Called without the CPU, shortly before the deadline, by the host timer
 * thread and by the idle thread it poked, whichever comes first: the
 * host may run the woken idle thread on the timer thread's host CPU,
 * ahead of it.
 */
void lkl_wait_poke_task(void)
{
	struct lkl_wait *w;

	host_add(&lkl_pokers, 1);
	if (!lkl_cpu_halted()) {
		w = host_xchg(&lkl_poke_slot, NULL);
		if (w) {
			host_store(&w->poked, true);
			lkl_ops->sem_up(w->sem);
		}
	}
	host_sub(&lkl_pokers, 1);
}

/*
 * Poll until @until for the switch back; true if it came. A task's thread
 * (@fire) that polls for its deadline raises the timer interrupt itself
 * when it is due, as the idle thread does: the idle thread may still be
 * on its way up from a host sleep.
 */
static bool lkl_wait_poll(struct lkl_wait *w, u64 until, bool fire)
{
	while (!host_load_acquire(&w->switched_in)) {
		if (lkl_ops->time() >= until)
			return false;
		if (fire)
			lkl_deadline_poll();
		cpu_relax();
	}
	return true;
}

/*
 * After a down() of a thread that may have been poked: whether the poke
 * has to be served. A poke comes with one more up(), so a thread that
 * was poked and switched to at once takes one more down().
 */
static bool lkl_wait_poked(struct lkl_wait *w)
{
	struct lkl_wait *me = w;

	if (host_cmpxchg(&lkl_poke_slot, me, NULL))
		return false;
	/*
	 * Taken by a poker, or replaced by a later thread. Once the poker
	 * has set the flag, all that is left for it is the up(), so wait on
	 * the semaphore rather than for lkl_pokers: the poker may have lost
	 * its host CPU to this very thread.
	 */
	while (host_load(&lkl_pokers) && !host_load(&w->poked))
		cpu_relax();
	if (!host_xchg(&w->poked, false))
		return false;
	if (!host_load_acquire(&w->switched_in))
		return true;
	lkl_ops->sem_down(w->sem);
	return false;
}

/**
 * lkl_wait_switch() - wait without the CPU until a task is switched back to
 * @w: what the task's thread waits on
 * @idle: the task is the idle task, run by the boot thread
 * @state: the task's state, read as a hint: once it is TASK_RUNNING, the
 *	task is about to be switched to
 *
 * The thread first polls for a while when the CPU is likely to come back
 * soon: the boot thread for the idle thread's adaptive window, a task's
 * thread until just after a deadline that is near. A task's thread that
 * sleeps while a deadline is set for later offers itself to
 * lkl_wait_poke_task(), and polls when the deadline comes. After a poll that
 * saw the switch, the semaphore's down() does not wait.
 */
void lkl_wait_switch(struct lkl_wait *w, bool idle, const unsigned int *state)
{
	u64 now = lkl_ops->time();
	int offers;

	if (lkl_wait_poll(w, idle ? now + READ_ONCE(lkl_idle_window) :
			  lkl_deadline_poll_until(now), !idle))
		goto out;

	/*
	 * Once a deadline was set, offer the thread again after a poke that
	 * came for an earlier one: the timer interrupt that served it leaves
	 * no deadline until the kernel sets the next. But a few times only:
	 * a thread whose task waits for something else (a kernel thread
	 * waiting for work, most often) would otherwise be poked for every
	 * deadline, and poll for a host CPU each time, while the thread that
	 * waits for the timer runs the idle task itself.
	 */
	offers = !idle && lkl_deadline_get() != LKL_DEADLINE_NONE ?
		 LKL_POLL_OFFERS : 0;
	while (offers-- && READ_ONCE(*state) != TASK_RUNNING) {
		host_store(&lkl_poke_slot, w);
		lkl_ops->sem_down(w->sem);
		lkl_halt_check();
		if (!lkl_wait_poked(w))
			goto woken;
		/* Poked: the deadline is near. */
		if (lkl_wait_poll(w, lkl_deadline_poll_until(lkl_ops->time()),
				  true))
			goto out;
	}
out:
	lkl_ops->sem_down(w->sem);
woken:
	host_store_relaxed(&w->switched_in, false);
}

/**
 * lkl_wait_down() - wait until a task's thread is handed the CPU
 * @w: what the thread waits on
 *
 * For a thread that starts, or that comes back into the kernel, and waits
 * for its task to be switched to: no polling. Ends the thread at halt.
 */
void lkl_wait_down(struct lkl_wait *w)
{
	lkl_ops->sem_down(w->sem);
	lkl_halt_check();
	host_store_relaxed(&w->switched_in, false);
}

/**
 * lkl_wait_halt() - stop poking threads, at halt
 *
 * Called after lkl_cpu_shutdown(), before the semaphores of the threads
 * go away: returns once no thread is in lkl_wait_poke_task() any more.
 */
void lkl_wait_halt(void)
{
	host_store(&lkl_poke_slot, NULL);
	while (host_load(&lkl_pokers))
		cpu_relax();
}
