// SPDX-License-Identifier: GPL-2.0
/*
 * Time from the host: the monotonic clock is the clocksource and
 * sched_clock(), and a host one-shot timer at an absolute deadline is the
 * clock event device. When the CPU is idle, the idle thread polls for the
 * last stretch before the deadline (see lkl_cpu_idle_wait()).
 */
#include <linux/clockchips.h>
#include <linux/clocksource.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/sched/clock.h>
#include <linux/timekeeping.h>
#include <asm/cpu.h>
#include <asm/host_ops.h>

/*
 * The idle thread polls for a timer due within lkl_timer_poll_ns, and is
 * woken that long before a later one, so that the timer interrupt reaches
 * it without a host wakeup. The host's own wakeups take tens of
 * microseconds; polling costs about this much CPU per timer event (the
 * window grows by how late the host timer fires, see lkl_timer_learn()).
 * "lkl_timer_poll_us=" on the command line sets it; 0 turns polling off.
 */
static u64 lkl_timer_poll_ns = 150 * NSEC_PER_USEC;

/**
 * lkl_parse_us() - read a boot parameter given in microseconds
 * @arg: the parameter's value
 * @ns: set to it, in nanoseconds
 *
 * Return: 0, or -EINVAL if @arg is not a number (@ns is left alone).
 */
int __init lkl_parse_us(const char *arg, u64 *ns)
{
	unsigned int us;

	if (!arg || kstrtouint(arg, 0, &us))
		return -EINVAL;
	*ns = (u64)us * NSEC_PER_USEC;
	return 0;
}

static int __init lkl_timer_poll_setup(char *arg)
{
	return lkl_parse_us(arg, &lkl_timer_poll_ns);
}
early_param("lkl_timer_poll_us", lkl_timer_poll_setup);

/* How late the host timer fires for a deadline that is polled for. */
#define LKL_TIMER_BACKSTOP_NS	(20 * NSEC_PER_USEC)

/* No deadline. */
#define LKL_TIMER_NONE		U64_MAX

/*
 * @lkl_timer_due is the deadline of the clock event device. The host timer
 * @lkl_timer fires a poll window before it, to make the idle thread poll,
 * then just after it. Whoever raises the timer interrupt for
 * @lkl_timer_due first (the timer thread or the polling idle thread) sets
 * it to LKL_TIMER_NONE, so it is raised once.
 */
static struct lkl_timer *lkl_timer;
static u64 lkl_timer_due = LKL_TIMER_NONE;

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

/* The clock counts nanoseconds, so mult and shift are exact as they are. */
static struct clocksource lkl_clocksource = {
	.name	= "lkl",
	.rating	= 400,
	.read	= lkl_clock_read,
	.mask	= CLOCKSOURCE_MASK(64),
	.mult	= 1,
	.shift	= 0,
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

static u64 lkl_timer_load_due(void)
{
	return __atomic_load_n(&lkl_timer_due, __ATOMIC_SEQ_CST);
}

static void lkl_timer_store_due(u64 due)
{
	__atomic_store_n(&lkl_timer_due, due, __ATOMIC_SEQ_CST);
}

/*
 * How late the host timer fires: a running average, weight 1/8, of how
 * much later than asked its thread ran. The host wakes a thread later the
 * longer its CPU slept (on the VM of Documentation/virt/lkl/performance.rst
 * 30 us after a 10 us sleep, 100 us after 10 ms), so the host timer is
 * armed this much earlier for a poll, and the poll window grows by as
 * much: the pollers are then up lkl_timer_poll_ns before the deadline.
 * At most LKL_TIMER_LATE_MAX_NS, which bounds the CPU polling burns.
 * @lkl_timer_target is the time the host timer was last armed for.
 */
#define LKL_TIMER_LATE_MAX_NS	(300 * NSEC_PER_USEC)

static u64 lkl_timer_late_ns;
static u64 lkl_timer_target;

/* The host timer fired at @now: learn how late it was. */
static void lkl_timer_learn(u64 now)
{
	u64 target = READ_ONCE(lkl_timer_target);
	s64 late = now > target ? now - target : 0, avg = lkl_timer_late_ns;

	late = min_t(s64, late, LKL_TIMER_LATE_MAX_NS);
	WRITE_ONCE(lkl_timer_late_ns, avg + (late - avg) / 8);
}

/* How long before a deadline it is polled for; 0 if polling is off. */
static u64 lkl_timer_window(void)
{
	if (!lkl_timer_poll_ns)
		return 0;
	return lkl_timer_poll_ns + READ_ONCE(lkl_timer_late_ns);
}

/* Whether the deadline @due is set and within the poll window of @now. */
static bool lkl_timer_due_soon(u64 due, u64 now)
{
	return due != LKL_TIMER_NONE && due <= now + lkl_timer_window();
}

/* Raise the timer interrupt for @due, unless it was raised or re-armed. */
static void lkl_timer_expire(u64 due)
{
	if (__atomic_compare_exchange_n(&lkl_timer_due, &due, LKL_TIMER_NONE,
					false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		lkl_trigger_irq(LKL_TIMER_IRQ);
}

/**
 * lkl_timer_poll() - one round of the idle thread's poll for the timer
 *
 * Called without the CPU. Raises the timer interrupt if it is due.
 *
 * Return: true while the timer is due within the poll window, so that
 * polling on is worth it.
 */
bool lkl_timer_poll(void)
{
	u64 due = lkl_timer_load_due(), now = lkl_ops->time();

	if (!lkl_timer_due_soon(due, now))
		return false;
	if (now >= due)
		lkl_timer_expire(due);
	return true;
}

/**
 * lkl_timer_poll_from() - when to start polling for the next deadline
 *
 * Return: a poll window before the next deadline (in the past if it is
 * that close), or 0 with no deadline or with polling off.
 */
u64 lkl_timer_poll_from(void)
{
	u64 due = lkl_timer_load_due(), window = lkl_timer_window();

	if (due == LKL_TIMER_NONE || !window)
		return 0;
	return due > window ? due - window : 1;
}

/**
 * lkl_timer_armed() - whether the clock event device has a deadline
 *
 * Return: true if a timer interrupt is to come.
 */
bool lkl_timer_armed(void)
{
	return lkl_timer_load_due() != LKL_TIMER_NONE;
}

/*
 * A task's thread that leaves the CPU just before the timer is due, which
 * is most likely the task's own timer, polls until a little after the
 * deadline before it sleeps: it is then switched back to without a host
 * wakeup. LKL_TIMER_SPIN_LATE_NS covers the interrupt and the switch.
 */
#define LKL_TIMER_SPIN_LATE_NS	(20 * NSEC_PER_USEC)

/**
 * lkl_timer_spin_until() - how long a task's thread polls for the CPU
 * @now: the time now
 *
 * Return: the time to poll until, or 0 if no timer is due within the
 * poll window.
 */
u64 lkl_timer_spin_until(u64 now)
{
	u64 due = lkl_timer_load_due();

	if (!lkl_timer_due_soon(due, now))
		return 0;
	return due + LKL_TIMER_SPIN_LATE_NS;
}

/* Arm the host timer for @due, stored in lkl_timer_due, at time @now. */
static int lkl_timer_arm(u64 due, u64 now)
{
	u64 window = lkl_timer_window();

	if (due == LKL_TIMER_NONE) {
		lkl_ops->timer_cancel(lkl_timer);
		return 0;
	}
	/*
	 * A nearer deadline is polled for when the CPU goes idle: the host
	 * timer is then only a backstop for a CPU that stays busy, and
	 * fires a little late, so that its thread does not wake up and
	 * compete for a host CPU just when the deadline is served.
	 */
	if (window && due > now + window)
		due -= window;
	else if (window)
		due += LKL_TIMER_BACKSTOP_NS;
	WRITE_ONCE(lkl_timer_target, due);
	return lkl_ops->timer_set_oneshot(lkl_timer, due);
}

static int lkl_timer_next_event(unsigned long delta,
				struct clock_event_device *evt)
{
	u64 now = lkl_ops->time();

	lkl_timer_store_due(now + delta);
	return lkl_timer_arm(now + delta, now);
}

static int lkl_timer_shutdown(struct clock_event_device *evt)
{
	lkl_timer_store_due(LKL_TIMER_NONE);
	return lkl_timer_arm(LKL_TIMER_NONE, 0);
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

/*
 * The host timer fired: a poll window before the deadline, or after it.
 * Make the pollers poll, and fire again at the deadline. Nothing to do if
 * the idle thread raised the interrupt already. A window that shrank
 * since the host timer was armed, or a deadline moved later meanwhile,
 * just re-arms it.
 */
static void lkl_timer_fired(void *arg)
{
	u64 due = lkl_timer_load_due(), now = lkl_ops->time(), next;

	lkl_timer_learn(now);
	if (due == LKL_TIMER_NONE)
		return;
	if (now >= due) {
		lkl_timer_expire(due);
		return;
	}

	if (lkl_timer_due_soon(due, now)) {
		lkl_cpu_prewake_idle();
		lkl_thread_prewake();
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
		lkl_timer_arm(due, now);
		next = lkl_timer_load_due();
		if (next == due || next == LKL_TIMER_NONE)
			break;
		due = next;
		now = lkl_ops->time();
	}
}

void __init time_init(void)
{
	int ret;

	/* On one host CPU, a poller only delays whoever it waits for. */
	if (lkl_ops->cpu_count && lkl_ops->cpu_count() == 1) {
		lkl_timer_poll_ns = 0;
		lkl_idle_poll_off();
	}

	lkl_timer = lkl_ops->timer_alloc(lkl_timer_fired, NULL);
	if (!lkl_timer)
		panic("lkl: cannot allocate the host timer\n");

	ret = request_irq(LKL_TIMER_IRQ, lkl_timer_interrupt, IRQF_TIMER,
			  "timer", &lkl_clockevent);
	if (ret)
		panic("lkl: cannot request the timer interrupt: %d\n", ret);

	clocksource_register_hz(&lkl_clocksource, NSEC_PER_SEC);

	lkl_clockevent.cpumask = cpu_possible_mask;
	/* The clock counts nanoseconds; deltas below 1 us are not useful. */
	clockevents_config_and_register(&lkl_clockevent, NSEC_PER_SEC,
					1000, ULONG_MAX);
}

void lkl_time_cleanup(void)
{
	if (lkl_timer)
		lkl_ops->timer_free(lkl_timer);
	lkl_timer = NULL;
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
