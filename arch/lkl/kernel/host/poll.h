/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The idle policy's tunables, in one place.
 *
 * A host wakeup of a sleeping thread costs tens of microseconds, up to a
 * millisecond on a virtualised host whose CPU halted. So the threads that
 * wait for the CPU poll for it instead of sleeping when it is likely to
 * come back soon: when a timer is about to fire, and when the CPU was
 * idle only briefly last time. See Documentation/virt/lkl/threads.rst.
 */
#ifndef _LKL_HOST_POLL_H
#define _LKL_HOST_POLL_H

#include <linux/time64.h>
#include <linux/types.h>

/*
 * How long before a deadline the waiting threads poll for it. The
 * window grows by how late the host timer fires (at most
 * LKL_POLL_LATE_MAX_NS). Boot parameter lkl_timer_poll_us; 0 turns
 * polling for deadlines off.
 */
extern u64 lkl_poll_timer_ns;
#define LKL_POLL_TIMER_NS	(150 * NSEC_PER_USEC)
#define LKL_POLL_LATE_MAX_NS	(300 * NSEC_PER_USEC)

/*
 * The idle thread's adaptive window: it starts at 0, doubles from
 * LKL_POLL_IDLE_START_NS while the CPU is idle for less than
 * lkl_poll_idle_max_ns at a time, and halves when it is idle longer.
 * Boot parameter lkl_idle_poll_us; 0 turns this polling off.
 */
extern u64 lkl_poll_idle_max_ns;
#define LKL_POLL_IDLE_MAX_NS	(100 * NSEC_PER_USEC)
#define LKL_POLL_IDLE_START_NS	(10 * NSEC_PER_USEC)

/* How long the idle thread polls on while another thread holds the CPU. */
#define LKL_POLL_HELD_NS	(50 * NSEC_PER_USEC)

/* How long after its deadline a task's thread polls for the switch back. */
#define LKL_POLL_AFTER_DUE_NS	(20 * NSEC_PER_USEC)

/* How late the host timer fires for a deadline that is polled for. */
#define LKL_POLL_BACKSTOP_NS	(20 * NSEC_PER_USEC)

/*
 * A thread refused the CPU for this long asks for it to be handed over;
 * the CPU is handed over to end such a wait at most once per slice. In
 * between, whoever finds it free takes it.
 */
#define LKL_CPU_STARVE_NS	(1000 * NSEC_PER_USEC)
#define LKL_CPU_SLICE_NS	(2000 * NSEC_PER_USEC)

/*
 * How long the standby, the sleeper woken last, waits between two looks
 * at the CPU, where the host has timed waits: a release from the idle
 * loop kicks it, others do not.
 */
#define LKL_CPU_STANDBY_NS	(100 * NSEC_PER_USEC)

/* How many times a task's thread offers itself for a poke per wait. */
#define LKL_POLL_OFFERS		3

#endif /* _LKL_HOST_POLL_H */
