/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forced with -include on a timers selftest from the kernel tree, so that
 * its clock and timer calls go to LKL instead of the host. Only these
 * calls move; everything else (printing, threads, exit) stays the host
 * C library's, and the test's own logic and verdict are unchanged.
 * timers-shim.c boots LKL before main() and halts it at exit.
 */
#ifndef _LKL_TIMERS_SHIM_H
#define _LKL_TIMERS_SHIM_H

#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

int lkl_shim_clock_gettime(clockid_t clk, struct timespec *ts);
int lkl_shim_clock_settime(clockid_t clk, const struct timespec *ts);
int lkl_shim_clock_getres(clockid_t clk, struct timespec *ts);
int lkl_shim_clock_nanosleep(clockid_t clk, int flags,
			     const struct timespec *req, struct timespec *rem);
int lkl_shim_nanosleep(const struct timespec *req, struct timespec *rem);
int lkl_shim_gettimeofday(struct timeval *tv, void *tz);
int lkl_shim_settimeofday(const struct timeval *tv, const struct timezone *tz);
int lkl_shim_adjtimex(struct timex *tx);
time_t lkl_shim_time(time_t *t);

#define clock_gettime(clk, ts)		lkl_shim_clock_gettime(clk, ts)
#define clock_settime(clk, ts)		lkl_shim_clock_settime(clk, ts)
#define clock_getres(clk, ts)		lkl_shim_clock_getres(clk, ts)
#define clock_nanosleep(clk, fl, rq, rm) \
	lkl_shim_clock_nanosleep(clk, fl, rq, rm)
#define nanosleep(rq, rm)		lkl_shim_nanosleep(rq, rm)
#define gettimeofday(tv, tz)		lkl_shim_gettimeofday(tv, tz)
#define settimeofday(tv, tz)		lkl_shim_settimeofday(tv, tz)
#define adjtimex(tx)			lkl_shim_adjtimex(tx)
#define time(t)				lkl_shim_time(t)

#endif /* _LKL_TIMERS_SHIM_H */
