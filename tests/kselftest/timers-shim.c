// SPDX-License-Identifier: GPL-2.0
/*
 * The other half of timers-shim.h: boots LKL before the test's main(),
 * halts it at exit, and maps each clock and timer call onto its
 * lkl_sys_*() call. An LKL call returns a negative errno; these return
 * what the C library's functions return (-1 with errno set, or the error
 * number itself for clock_nanosleep()).
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/timex.h>

#include "timers-shim.h"

#define SHIM_CMDLINE	"mem=32M loglevel=4"

/* The host's types are the kernel's on a 64-bit host; check it. */
#define SAME_SIZE(host, lkl) \
	static_assert(sizeof(struct host) == sizeof(struct lkl), \
		      "struct " #host " is not the kernel's")
SAME_SIZE(timespec, __lkl__kernel_timespec);
SAME_SIZE(timeval, __lkl__kernel_old_timeval);
SAME_SIZE(timex, __lkl__kernel_timex);

static void shim_halt(void)
{
	lkl_sys_halt();
}

__attribute__((constructor))
static void shim_boot(void)
{
	long ret = lkl_start_kernel(&lkl_host_ops, SHIM_CMDLINE);

	if (ret < 0) {
		fprintf(stderr, "lkl-timers-shim: cannot boot LKL: %s\n",
			lkl_strerror(ret));
		exit(1);
	}
	atexit(shim_halt);
}

static int shim_ret(long ret)
{
	if (ret >= 0)
		return ret;
	errno = -ret;
	return -1;
}

int lkl_shim_clock_gettime(clockid_t clk, struct timespec *ts)
{
	return shim_ret(lkl_sys_clock_gettime(clk, (void *)ts));
}

int lkl_shim_clock_settime(clockid_t clk, const struct timespec *ts)
{
	return shim_ret(lkl_sys_clock_settime(clk, (void *)ts));
}

int lkl_shim_clock_getres(clockid_t clk, struct timespec *ts)
{
	return shim_ret(lkl_sys_clock_getres(clk, (void *)ts));
}

int lkl_shim_clock_nanosleep(clockid_t clk, int flags,
			     const struct timespec *req, struct timespec *rem)
{
	return -lkl_sys_clock_nanosleep(clk, flags, (void *)req, (void *)rem);
}

int lkl_shim_nanosleep(const struct timespec *req, struct timespec *rem)
{
	return shim_ret(lkl_sys_nanosleep((void *)req, (void *)rem));
}

int lkl_shim_gettimeofday(struct timeval *tv, void *tz)
{
	return shim_ret(lkl_sys_gettimeofday((void *)tv, tz));
}

int lkl_shim_settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	return shim_ret(lkl_sys_settimeofday((void *)tv, (void *)tz));
}

int lkl_shim_adjtimex(struct timex *tx)
{
	return shim_ret(lkl_sys_adjtimex((void *)tx));
}

time_t lkl_shim_time(time_t *t)
{
	struct timespec ts;

	if (lkl_shim_clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return (time_t)-1;
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}
