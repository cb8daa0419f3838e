// SPDX-License-Identifier: GPL-2.0
/*
 * The deadline of the clock event device, as the threads that poll for it
 * see it.
 *
 * Host-side code: the timer thread and the threads that poll read the
 * deadline without the CPU. Whoever sees it pass first (the timer thread,
 * the idle thread or a task's thread that polls) clears it with a
 * compare-and-swap and raises the timer interrupt, so that it is raised
 * once per deadline and a deadline moved later meanwhile is not raised
 * early.
 */
#include <linux/minmax.h>
#include <asm/irq.h>
#include <asm/host_ops.h>
#include "atomic.h"
#include "host.h"
#include "poll.h"

u64 lkl_poll_timer_ns = LKL_POLL_TIMER_NS;

static u64 lkl_deadline = LKL_DEADLINE_NONE;

/*
 * How late the host timer fires: a running average, weight 1/8. The host
 * wakes a thread later the longer its CPU slept, so the poll window grows
 * by as much, and the pollers are up lkl_poll_timer_ns before the
 * deadline all the same.
 */
static u64 lkl_deadline_late_ns;

/**
 * lkl_deadline_get() - the deadline of the clock event device
 *
 * Return: the absolute host time, or LKL_DEADLINE_NONE.
 */
u64 lkl_deadline_get(void)
{
	return host_load(&lkl_deadline);
}

/**
 * lkl_deadline_set() - record the clock event device's deadline
 * @due: the absolute host time, or LKL_DEADLINE_NONE
 */
void lkl_deadline_set(u64 due)
{
	host_store(&lkl_deadline, due);
}

/**
 * lkl_deadline_learn() - learn how late the host timer fires
 * @late_ns: how much later than asked it fired this time
 */
void lkl_deadline_learn(s64 late_ns)
{
	s64 avg = READ_ONCE(lkl_deadline_late_ns);

	late_ns = clamp_t(s64, late_ns, 0, LKL_POLL_LATE_MAX_NS);
	WRITE_ONCE(lkl_deadline_late_ns, avg + (late_ns - avg) / 8);
}

/**
 * lkl_deadline_window() - how long before a deadline it is polled for
 *
 * Return: the window in ns, 0 if polling for deadlines is off.
 */
u64 lkl_deadline_window(void)
{
	if (!lkl_poll_timer_ns)
		return 0;
	return lkl_poll_timer_ns + READ_ONCE(lkl_deadline_late_ns);
}

/**
 * lkl_deadline_soon() - whether a deadline is within the poll window
 * @due: the deadline
 * @now: the time now
 *
 * Return: true if @due is set and due within the window of @now.
 */
bool lkl_deadline_soon(u64 due, u64 now)
{
	return due != LKL_DEADLINE_NONE && due <= now + lkl_deadline_window();
}

/**
 * lkl_deadline_expire() - raise the timer interrupt for a deadline
 * @due: the deadline that passed
 *
 * Does nothing if the interrupt was raised for @due already, or the
 * deadline was moved meanwhile.
 */
void lkl_deadline_expire(u64 due)
{
	if (host_cmpxchg(&lkl_deadline, due, LKL_DEADLINE_NONE))
		lkl_trigger_irq(LKL_TIMER_IRQ);
}

/**
 * lkl_deadline_poll() - one round of a poll for the deadline
 *
 * Raises the timer interrupt if the deadline has passed.
 *
 * Return: true while the deadline is within the poll window, so that
 * polling on is worth it.
 */
bool lkl_deadline_poll(void)
{
	u64 due = lkl_deadline_get(), now = lkl_ops->time();

	if (!lkl_deadline_soon(due, now))
		return false;
	if (now >= due)
		lkl_deadline_expire(due);
	return true;
}

/**
 * lkl_deadline_poll_from() - when to start polling for the deadline
 *
 * Return: a poll window before the deadline (in the past if it is that
 * close), or 0 with no deadline or with polling off.
 */
u64 lkl_deadline_poll_from(void)
{
	u64 due = lkl_deadline_get(), window = lkl_deadline_window();

	if (due == LKL_DEADLINE_NONE || !window)
		return 0;
	return due > window ? due - window : 1;
}

/**
 * lkl_deadline_poll_until() - how long a task's thread polls for the CPU
 * @now: the time now
 *
 * A task's thread that leaves the CPU just before the deadline, most
 * likely its own task's timer, polls until a little after it: the switch
 * back then costs no host wakeup.
 *
 * Return: the time to poll until, or 0 if no deadline is within the
 * poll window.
 */
u64 lkl_deadline_poll_until(u64 now)
{
	u64 due = lkl_deadline_get();

	if (!lkl_deadline_soon(due, now))
		return 0;
	return due + LKL_POLL_AFTER_DUE_NS;
}
