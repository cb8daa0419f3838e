// SPDX-License-Identifier: GPL-2.0
/*
 * Time from the host: the monotonic clock is the clocksource and
 * sched_clock(), and a host one-shot timer at an absolute deadline
 * (host/alarm.c) is the clock event device.
 */
#include <linux/clockchips.h>
#include <linux/clocksource.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/sched/clock.h>
#include <linux/timekeeping.h>
#include <asm/host_ops.h>
#include "host/host.h"
#include "lkl.h"

unsigned long long sched_clock(void)
{
	return lkl_ops->time();
}

void read_persistent_clock64(struct timespec64 *ts)
{
	*ts = ns_to_timespec64(lkl_ops->realtime());
}

static u64 lkl_clock_read(struct clocksource *cs)
{
	return lkl_ops->time();
}

/*
 * The clock counts nanoseconds. mult / 2^shift is exactly 1, with a shift
 * that leaves NTP room to steer the rate: adjtimex() moves the
 * timekeeper's mult by whole steps, which with mult = 1 are +-100% (a
 * 100 ppm step was lost, a 10% shorter tick stopped CLOCK_MONOTONIC) and
 * with 2^23 are 0.12 ppb. 2^23 is what clocksource_register_hz() would pick for 1 GHz;
 * the values are set here because timekeeping_init() copies them before
 * time_init() registers the clocksource, as on s390.
 */
static struct clocksource lkl_clocksource = {
	.name	= "lkl",
	.rating	= 400,
	.read	= lkl_clock_read,
	.mask	= CLOCKSOURCE_MASK(64),
	.mult	= 1 << 23,
	.shift	= 23,
	.flags	= CLOCK_SOURCE_IS_CONTINUOUS | CLOCK_SOURCE_VALID_FOR_HRES,
};

/*
 * Keep time with the host clock from timekeeping_init() on, rather than
 * with jiffies until time_init(): CLOCK_MONOTONIC then matches the host's.
 */
struct clocksource * __init clocksource_default_clock(void)
{
	return &lkl_clocksource;
}

static int lkl_timer_next_event(unsigned long delta,
				struct clock_event_device *evt)
{
	u64 now = lkl_ops->time();

	return lkl_alarm_set(now + delta, now);
}

static int lkl_timer_shutdown(struct clock_event_device *evt)
{
	return lkl_alarm_set(LKL_DEADLINE_NONE, 0);
}

static struct clock_event_device lkl_clockevent = {
	.name			= "lkl",
	.features		= CLOCK_EVT_FEAT_ONESHOT,
	.set_next_event		= lkl_timer_next_event,
	.set_state_shutdown	= lkl_timer_shutdown,
	.set_state_oneshot_stopped = lkl_timer_shutdown,
	.rating			= 400,
	.irq			= LKL_TIMER_IRQ,
};

static irqreturn_t lkl_timer_interrupt(int irq, void *dev_id)
{
	struct clock_event_device *evt = dev_id;

	evt->event_handler(evt);
	return IRQ_HANDLED;
}

void __init time_init(void)
{
	int ret;

	if (lkl_alarm_init())
		panic("lkl: cannot allocate the host timer\n");

	ret = request_irq(LKL_TIMER_IRQ, lkl_timer_interrupt, IRQF_TIMER,
			  "timer", &lkl_clockevent);
	if (ret)
		panic("lkl: cannot request the timer interrupt: %d\n", ret);

	/* Keep mult and shift: the timekeeper already uses them. */
	__clocksource_register(&lkl_clocksource);

	lkl_clockevent.cpumask = cpu_possible_mask;
	/* The clock counts nanoseconds; deltas below 1 us are not useful. */
	clockevents_config_and_register(&lkl_clockevent, NSEC_PER_SEC,
					1000, ULONG_MAX);
}

void lkl_time_cleanup(void)
{
	lkl_alarm_cleanup();
}

/**
 * __ndelay() - busy-wait on the host clock
 * @nsecs: how long, in nanoseconds
 *
 * Delays are short and rare in LKL, and the host clock is exact, so there
 * is no calibrated loop.
 */
void __ndelay(unsigned long nsecs)
{
	unsigned long long end = lkl_ops->time() + nsecs;

	while (lkl_ops->time() < end)
		cpu_relax();
}
EXPORT_SYMBOL(__ndelay);

/**
 * __udelay() - busy-wait on the host clock
 * @usecs: how long, in microseconds
 */
void __udelay(unsigned long usecs)
{
	__ndelay(usecs * NSEC_PER_USEC);
}
EXPORT_SYMBOL(__udelay);

/**
 * __const_udelay() - busy-wait, for udelay() and ndelay() with a constant
 * @xloops: the delay in units of 2^-32 seconds, as asm-generic/delay.h
 *	scales it
 */
void __const_udelay(unsigned long xloops)
{
	__ndelay((xloops * NSEC_PER_SEC) >> 32);
}
EXPORT_SYMBOL(__const_udelay);

/**
 * __delay() - busy-wait for a number of loops; a loop is a nanosecond here
 * @loops: how many
 */
void __delay(unsigned long loops)
{
	__ndelay(loops);
}
EXPORT_SYMBOL(__delay);
