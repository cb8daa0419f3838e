// SPDX-License-Identifier: GPL-2.0
/*
 * LKL's clocks and timers against the host's.
 *
 * The clocksource is the host's monotonic clock, so LKL's CLOCK_MONOTONIC
 * follows the host's closely, and CLOCK_REALTIME starts from the host's
 * wall clock. Sleeps are timed with the host's CLOCK_MONOTONIC around the
 * call: they must never end early, and end less than 20 ms late. That is a
 * functional bound; the timer delay itself is measured by the benchmarks.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "lkl-test.h"

#define MAX_LATE	(20 * NSEC_PER_MSEC)

FIXTURE(time) {
	int unused;
};

FIXTURE_SETUP(time)
{
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
}

FIXTURE_TEARDOWN(time)
{
	EXPECT_EQ(0, lkl_sys_halt());
}

/*
 * Read LKL's clock @lkl_clk between two reads of the host's @host_clk and
 * return how far it is from the host's interval (0 inside it).
 */
static long long clock_offset(int lkl_clk, clockid_t host_clk)
{
	long long before, now, after;

	before = host_ns(host_clk);
	now = lkl_ns(lkl_clk);
	after = host_ns(host_clk);
	if (now < before)
		return now - before;
	if (now > after)
		return now - after;
	return 0;
}

TEST_F(time, clock_gettime)
{
	long long off, prev, now, lkl0, host0, lkl_delta, host_delta;
	struct timespec ts = { 0, 20 * NSEC_PER_MSEC };
	int i;

	off = clock_offset(LKL_CLOCK_REALTIME, CLOCK_REALTIME);
	EXPECT_GT(10 * NSEC_PER_MSEC, llabs(off)) {
		TH_LOG("CLOCK_REALTIME is %lld us off the host's", off / 1000);
	}

	off = clock_offset(LKL_CLOCK_MONOTONIC, CLOCK_MONOTONIC);
	EXPECT_GT(5 * NSEC_PER_MSEC, llabs(off)) {
		TH_LOG("CLOCK_MONOTONIC is %lld us off the host's", off / 1000);
	}

	/* Monotonic never goes back. */
	prev = lkl_ns(LKL_CLOCK_MONOTONIC);
	for (i = 0; i < 1000; i++) {
		now = lkl_ns(LKL_CLOCK_MONOTONIC);
		ASSERT_LE(prev, now);
		prev = now;
	}

	/* And runs at the host's rate. */
	lkl0 = lkl_ns(LKL_CLOCK_MONOTONIC);
	host0 = host_ns(CLOCK_MONOTONIC);
	nanosleep(&ts, NULL);
	lkl_delta = lkl_ns(LKL_CLOCK_MONOTONIC) - lkl0;
	host_delta = host_ns(CLOCK_MONOTONIC) - host0;
	EXPECT_GT(NSEC_PER_MSEC, llabs(lkl_delta - host_delta)) {
		TH_LOG("LKL saw %lld us pass, the host %lld us",
		       lkl_delta / 1000, host_delta / 1000);
	}
}

static void check_sleep(struct __test_metadata *_metadata, long long ns)
{
	struct __lkl__kernel_timespec req = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};
	long long t0, elapsed;

	t0 = host_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(0, lkl_sys_clock_nanosleep(LKL_CLOCK_MONOTONIC, 0, &req,
					     NULL));
	elapsed = host_ns(CLOCK_MONOTONIC) - t0;
	TH_LOG("%lld us sleep took %lld us", ns / 1000, elapsed / 1000);
	EXPECT_LE(ns, elapsed);
	EXPECT_GT(ns + MAX_LATE, elapsed);
}

TEST_F(time, clock_nanosleep)
{
	struct __lkl__kernel_timespec abs;
	long long target, woke;

	check_sleep(_metadata, 1 * NSEC_PER_MSEC);
	check_sleep(_metadata, 10 * NSEC_PER_MSEC);
	check_sleep(_metadata, 100 * NSEC_PER_MSEC);

	/* An absolute deadline on LKL's own clock. */
	target = lkl_ns(LKL_CLOCK_MONOTONIC) + 10 * NSEC_PER_MSEC;
	abs.tv_sec = target / NSEC_PER_SEC;
	abs.tv_nsec = target % NSEC_PER_SEC;
	EXPECT_EQ(0, lkl_sys_clock_nanosleep(LKL_CLOCK_MONOTONIC,
					     LKL_TIMER_ABSTIME, &abs, NULL));
	woke = lkl_ns(LKL_CLOCK_MONOTONIC);
	EXPECT_LE(target, woke);
	EXPECT_GT(target + MAX_LATE, woke) {
		TH_LOG("woke %lld us after the deadline",
		       (woke - target) / 1000);
	}
}

TEST_HARNESS_MAIN
