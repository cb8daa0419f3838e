// SPDX-License-Identifier: GPL-2.0
/*
 * The host timer behind the clock event device.
 *
 * Host-side code: the callback runs on the host timer's own thread,
 * without the CPU. For a deadline further away than the poll window, the
 * host timer fires a window early and pokes the threads that wait for the
 * CPU, so that they poll when the deadline comes and the timer interrupt
 * costs no host wakeup; it then re-arms itself for the deadline. For a
 * nearer one, which the idle thread polls for, it is only a backstop for
 * a CPU that stays busy, and fires a little late, so that its thread
 * does not wake up and compete for a host CPU just when the deadline is
 * served.
 */
#include <linux/errno.h>
#include <asm/host_ops.h>
#include "host.h"
#include "poll.h"

static struct lkl_timer *lkl_alarm;
/* The time the host timer was last armed for. */
static u64 lkl_alarm_target;

/* Arm the host timer for the deadline @due, at time @now. */
static int lkl_alarm_arm(u64 due, u64 now)
{
	u64 window = lkl_deadline_window();

	if (due == LKL_DEADLINE_NONE) {
		lkl_ops->timer_cancel(lkl_alarm);
		return 0;
	}
	if (window && due > now + window)
		due -= window;
	else if (window)
		due += LKL_POLL_BACKSTOP_NS;
	WRITE_ONCE(lkl_alarm_target, due);
	return lkl_ops->timer_set_oneshot(lkl_alarm, due);
}

/**
 * lkl_alarm_set() - set the deadline of the clock event device
 * @due: the absolute host time, or LKL_DEADLINE_NONE to stop
 * @now: the time now
 *
 * Return: 0, or the host's error if the timer cannot be armed.
 */
int lkl_alarm_set(u64 due, u64 now)
{
	lkl_deadline_set(due);
	return lkl_alarm_arm(due, now);
}

/*
 * The host timer fired: a poll window before the deadline, or after it.
 * Raise the interrupt if it is due, or poke the waiting threads and fire
 * again at the deadline. Nothing to do if a poller raised the interrupt
 * already.
 */
static void lkl_alarm_fired(void *arg)
{
	u64 due = lkl_deadline_get(), now = lkl_ops->time(), next;

	lkl_deadline_learn((s64)(now - READ_ONCE(lkl_alarm_target)));
	if (due == LKL_DEADLINE_NONE)
		return;
	if (now >= due) {
		lkl_deadline_expire(due);
		return;
	}

	if (lkl_deadline_soon(due, now)) {
		lkl_wait_poke_idle();
		lkl_wait_poke_task();
	}
	/*
	 * Re-arming from the callback wakes no thread. If the kernel moved
	 * the deadline meanwhile, arm for the new one: whichever of us
	 * stored the deadline last arms last. Never cancel from here, though:
	 * a deadline that was just raised reads as none until the kernel
	 * stores the next one, and a cancel that lands after the kernel
	 * armed for that would lose it. A stale arming only fires once in
	 * vain.
	 */
	for (;;) {
		lkl_alarm_arm(due, now);
		next = lkl_deadline_get();
		if (next == due || next == LKL_DEADLINE_NONE)
			break;
		due = next;
		now = lkl_ops->time();
	}
}

int lkl_alarm_init(void)
{
	lkl_alarm = lkl_ops->timer_alloc(lkl_alarm_fired, NULL);
	return lkl_alarm ? 0 : -ENOMEM;
}

void lkl_alarm_cleanup(void)
{
	if (lkl_alarm)
		lkl_ops->timer_free(lkl_alarm);
	lkl_alarm = NULL;
}
