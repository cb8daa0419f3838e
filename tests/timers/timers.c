// SPDX-License-Identifier: GPL-2.0
/*
 * LKL's clocks and timers against the host's.
 *
 * The clocksource is the host's monotonic clock, so LKL's CLOCK_MONOTONIC
 * is the host's and CLOCK_REALTIME starts from the host's wall clock. These
 * are functional checks with generous bounds on lateness: sleeps and timers
 * must never end early and must keep firing, but how late they fire is
 * measured by tests/bench/bench-timer, not asserted here.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "../boot/lkl-test.h"

#include <lkl/linux/times.h>
#include <lkl/linux/timerfd.h>

#define THREADS		8
#define MAX_LATE	(20 * NSEC_PER_MSEC)
#define MAX_LATE_LOADED	(500 * NSEC_PER_MSEC)
/* times() counts USER_HZ ticks; LKL runs HZ=100 = USER_HZ. */
#define TICK_NS		(10 * NSEC_PER_MSEC)

FIXTURE(timers) {
	int unused;
};

FIXTURE_SETUP(timers)
{
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
}

FIXTURE_TEARDOWN(timers)
{
	EXPECT_EQ(0, lkl_sys_halt());
}

static struct __lkl__kernel_timespec lkl_ts(long long ns)
{
	struct __lkl__kernel_timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	return ts;
}

/*
 * Read LKL's clock @lkl_clk between two reads of the host's @host_clk and
 * return how far it is outside the host's interval (0 inside it).
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

TEST_F(timers, realtime_follows_host)
{
	struct timespec ts = { 0, 300 * NSEC_PER_MSEC };
	long long off;
	int i;

	for (i = 0; i < 2; i++) {
		off = clock_offset(LKL_CLOCK_REALTIME, CLOCK_REALTIME);
		EXPECT_GT(NSEC_PER_MSEC, llabs(off)) {
			TH_LOG("CLOCK_REALTIME is %lld us off the host's",
			       off / 1000);
		}
		off = clock_offset(LKL_CLOCK_MONOTONIC, CLOCK_MONOTONIC);
		EXPECT_GT(NSEC_PER_MSEC, llabs(off)) {
			TH_LOG("CLOCK_MONOTONIC is %lld us off the host's",
			       off / 1000);
		}
		/* And again after some time idle. */
		nanosleep(&ts, NULL);
	}
}

struct mono_reader {
	pthread_t thread;
	long long end;
	long reads;
	long backwards;
	long errors;
};

/* The largest CLOCK_MONOTONIC value any reader has seen. */
static long long mono_seen;

static void *mono_read(void *arg)
{
	struct mono_reader *r = arg;
	long long seen, now;

	do {
		/* A value published before this read must not be newer. */
		seen = __atomic_load_n(&mono_seen, __ATOMIC_ACQUIRE);
		now = lkl_ns(LKL_CLOCK_MONOTONIC);
		if (now < 0) {
			r->errors++;
			break;
		}
		r->reads++;
		if (now < seen)
			r->backwards++;
		while (seen < now &&
		       !__atomic_compare_exchange_n(&mono_seen, &seen, now,
						    false, __ATOMIC_ACQ_REL,
						    __ATOMIC_ACQUIRE))
			;
	} while (now < r->end);
	return NULL;
}

TEST_F(timers, monotonic_threads)
{
	struct mono_reader r[THREADS] = { 0 };
	long reads = 0, backwards = 0, errors = 0;
	long long end = lkl_ns(LKL_CLOCK_MONOTONIC) + 2 * NSEC_PER_SEC;
	int i;

	for (i = 0; i < THREADS; i++) {
		r[i].end = end;
		ASSERT_EQ(0, pthread_create(&r[i].thread, NULL, mono_read,
					    &r[i]));
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(r[i].thread, NULL);
		reads += r[i].reads;
		backwards += r[i].backwards;
		errors += r[i].errors;
	}
	TH_LOG("%d threads read the clock %ld times", THREADS, reads);
	EXPECT_EQ(0, errors);
	EXPECT_EQ(0, backwards);
	EXPECT_LT(THREADS * 1000, reads);
}

/*
 * Sleep @ns, relative or absolute, and check the wakeup against LKL's clock:
 * never early, and less than @max_late late. Returns how late it woke.
 */
static long long check_sleep(struct __test_metadata *_metadata, long long ns,
			     bool abs, long long max_late)
{
	struct __lkl__kernel_timespec req;
	long long t0, due, woke;

	t0 = lkl_ns(LKL_CLOCK_MONOTONIC);
	due = t0 + ns;
	req = lkl_ts(abs ? due : ns);
	EXPECT_EQ(0, lkl_sys_clock_nanosleep(LKL_CLOCK_MONOTONIC,
					     abs ? LKL_TIMER_ABSTIME : 0,
					     &req, NULL));
	woke = lkl_ns(LKL_CLOCK_MONOTONIC);
	EXPECT_LE(due, woke) {
		TH_LOG("%s %lld ns sleep woke %lld ns early",
		       abs ? "absolute" : "relative", ns, due - woke);
	}
	EXPECT_GT(due + max_late, woke) {
		TH_LOG("%s %lld ns sleep woke %lld us late",
		       abs ? "absolute" : "relative", ns, (woke - due) / 1000);
	}
	return woke - due;
}

TEST_F(timers, nanosleep_never_early)
{
	static const long long sizes[] = {
		1000, 10000, 100000, NSEC_PER_MSEC, 10 * NSEC_PER_MSEC,
		100 * NSEC_PER_MSEC,
	};
	unsigned int i;
	int rep, reps;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		reps = sizes[i] <= 100000 ? 50 : sizes[i] <= 10 * NSEC_PER_MSEC ? 5 : 1;
		for (rep = 0; rep < reps; rep++) {
			check_sleep(_metadata, sizes[i], false, MAX_LATE);
			check_sleep(_metadata, sizes[i], true, MAX_LATE);
		}
	}
}

/* The host's CLOCK_MONOTONIC runs at the same rate as LKL's. */
TEST_F(timers, monotonic_rate)
{
	struct timespec ts = { 0, 200 * NSEC_PER_MSEC };
	long long lkl0, host0, lkl_delta, host_delta;

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

/*
 * times() returns jiffies in USER_HZ ticks. Over idle sleeps (the tick
 * stopped, NO_HZ) and over a busy stretch (the tick running), jiffies must
 * advance with CLOCK_MONOTONIC, within a tick at each end.
 */
static long long busy_syscalls(long long ns)
{
	long long end = lkl_ns(LKL_CLOCK_MONOTONIC) + ns;

	while (lkl_ns(LKL_CLOCK_MONOTONIC) < end)
		lkl_sys_getpid();
	return 0;
}

TEST_F(timers, jiffies_follow_monotonic)
{
	struct __lkl__kernel_timespec req = lkl_ts(300 * NSEC_PER_MSEC);
	long long m0, m1, ticks_ns;
	long j0, j1;
	int i;

	for (i = 0; i < 4; i++) {
		j0 = lkl_sys_times(NULL);
		m0 = lkl_ns(LKL_CLOCK_MONOTONIC);
		if (i % 2)
			busy_syscalls(300 * NSEC_PER_MSEC);
		else
			EXPECT_EQ(0, lkl_sys_clock_nanosleep(LKL_CLOCK_MONOTONIC,
							     0, &req, NULL));
		j1 = lkl_sys_times(NULL);
		m1 = lkl_ns(LKL_CLOCK_MONOTONIC);
		ticks_ns = (j1 - j0) * TICK_NS;
		EXPECT_GE(2 * TICK_NS, llabs(ticks_ns - (m1 - m0))) {
			TH_LOG("%s: jiffies advanced %ld (%lld ms), CLOCK_MONOTONIC %lld ms",
			       i % 2 ? "busy" : "idle", j1 - j0,
			       ticks_ns / NSEC_PER_MSEC,
			       (m1 - m0) / NSEC_PER_MSEC);
		}
	}
}

/*
 * Run a periodic timerfd for @periods periods of @period_ns and check that
 * the expirations read add up to the periods elapsed, within one. The
 * last expirations are read without blocking between two clock reads, so
 * that a thread that gets the CPU late (under load) counts them too.
 * Expirations are counted when the timer interrupt runs, so under load
 * up to @max_late of them may not have been counted yet; none may be
 * gained.
 */
static void check_periodic(struct __test_metadata *_metadata,
			   long long period_ns, long periods,
			   long long max_late)
{
	struct __lkl__kernel_itimerspec its = { 0 };
	unsigned long long n, sum = 0;
	long long start, before, after;
	long fd, ret, reads = 0;

	fd = lkl_sys_timerfd_create(LKL_CLOCK_MONOTONIC, 0);
	ASSERT_LE(0, fd);
	start = lkl_ns(LKL_CLOCK_MONOTONIC) + period_ns;
	its.it_value = lkl_ts(start);
	its.it_interval = lkl_ts(period_ns);
	start -= period_ns;
	ASSERT_EQ(0, lkl_sys_timerfd_settime(fd, LKL_TFD_TIMER_ABSTIME, &its,
					     NULL));
	while (sum < (unsigned long long)periods) {
		ASSERT_EQ(sizeof(n), lkl_sys_read(fd, (char *)&n, sizeof(n)));
		ASSERT_LE(1, n);
		sum += n;
		reads++;
	}

	ASSERT_EQ(0, lkl_sys_fcntl(fd, LKL_F_SETFL, LKL_O_NONBLOCK));
	before = lkl_ns(LKL_CLOCK_MONOTONIC) - start;
	ret = lkl_sys_read(fd, (char *)&n, sizeof(n));
	after = lkl_ns(LKL_CLOCK_MONOTONIC) - start;
	if (ret == sizeof(n))
		sum += n;
	else
		ASSERT_EQ(-LKL_EAGAIN, ret);

	TH_LOG("%llu expirations in %ld reads; %lld to %lld periods elapsed",
	       sum, reads, before / period_ns, after / period_ns);
	EXPECT_LE((before - max_late) / period_ns - 1, (long long)sum);
	EXPECT_GE(after / period_ns + 1, (long long)sum);
	EXPECT_EQ(0, lkl_sys_close(fd));
}

TEST_F(timers, timerfd_periodic)
{
	check_periodic(_metadata, NSEC_PER_MSEC, 1000, 0);
}

struct loader {
	pthread_t thread;
	bool *stop;
	long calls;
	long errors;
};

static void *load_syscalls(void *arg)
{
	struct loader *l = arg;
	struct lkl_new_utsname uts;
	long pid = lkl_sys_getpid();

	while (!__atomic_load_n(l->stop, __ATOMIC_ACQUIRE)) {
		if (lkl_sys_getpid() != pid || lkl_sys_uname(&uts) ||
		    lkl_ns(LKL_CLOCK_MONOTONIC) < 0)
			l->errors++;
		l->calls += 3;
	}
	return NULL;
}

/*
 * Sleeps and a periodic timerfd keep working while 8 threads hammer LKL.
 * Nine busy host threads share the host's CPUs, so the bound on lateness
 * is loose: the worst is logged.
 */
TEST_F(timers, fire_under_syscall_load)
{
	struct loader l[THREADS] = { 0 };
	long long late, worst = 0;
	long calls = 0, errors = 0;
	bool stop = false;
	int i;

	for (i = 0; i < THREADS; i++) {
		l[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&l[i].thread, NULL, load_syscalls,
					    &l[i]));
	}

	for (i = 0; i < 20; i++) {
		late = check_sleep(_metadata, NSEC_PER_MSEC, i % 2,
				   MAX_LATE_LOADED);
		worst = late > worst ? late : worst;
		late = check_sleep(_metadata, 100000, i % 2, MAX_LATE_LOADED);
		worst = late > worst ? late : worst;
	}
	check_periodic(_metadata, NSEC_PER_MSEC, 300, MAX_LATE_LOADED);

	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < THREADS; i++) {
		pthread_join(l[i].thread, NULL);
		calls += l[i].calls;
		errors += l[i].errors;
	}
	TH_LOG("%d threads made %ld system calls meanwhile; worst sleep %lld us late",
	       THREADS, calls, worst / 1000);
	EXPECT_EQ(0, errors);
	EXPECT_LT(THREADS * 100, calls);
}

struct sleeper {
	pthread_t thread;
	int seed;
	int sleeps;
	int early;
	long error;
	long long worst;
};

/*
 * Sleep 100 times for 200 us to 3 ms, relative and absolute, in turn with
 * the other sleepers: the host timer wakes the sleeping thread it guesses
 * is waiting, which is often another one's (see lkl_thread_prewake()).
 */
static void *sleep_around(void *arg)
{
	static const long long sizes[] = {
		200000, 500000, NSEC_PER_MSEC, 2 * NSEC_PER_MSEC,
		3 * NSEC_PER_MSEC,
	};
	struct sleeper *s = arg;
	struct __lkl__kernel_timespec req;
	long long ns, due, woke;
	int i, abs;

	for (i = 0; i < 100; i++) {
		abs = (s->seed + i) % 2;
		ns = sizes[(s->seed + i) % ARRAY_SIZE(sizes)];
		due = lkl_ns(LKL_CLOCK_MONOTONIC) + ns;
		req = lkl_ts(abs ? due : ns);
		s->error = lkl_sys_clock_nanosleep(LKL_CLOCK_MONOTONIC,
						   abs ? LKL_TIMER_ABSTIME : 0,
						   &req, NULL);
		if (s->error)
			break;
		woke = lkl_ns(LKL_CLOCK_MONOTONIC);
		if (woke < due)
			s->early++;
		if (woke - due > s->worst)
			s->worst = woke - due;
		s->sleeps++;
	}
	return NULL;
}

/*
 * Eight threads sleeping at once on timers of their own: no sleep ends
 * early, none is lost (the test would hang), and lateness stays within
 * the loose bound for a loaded host.
 */
TEST_F(timers, sleepers_in_parallel)
{
	struct sleeper s[THREADS] = { 0 };
	long long worst = 0;
	int i;

	for (i = 0; i < THREADS; i++) {
		s[i].seed = i;
		ASSERT_EQ(0, pthread_create(&s[i].thread, NULL, sleep_around,
					    &s[i]));
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(s[i].thread, NULL);
		EXPECT_EQ(0, s[i].error);
		EXPECT_EQ(100, s[i].sleeps);
		EXPECT_EQ(0, s[i].early);
		worst = s[i].worst > worst ? s[i].worst : worst;
	}
	EXPECT_GT(MAX_LATE_LOADED, worst);
	TH_LOG("%d threads slept 100 times each; worst %lld us late", THREADS,
	       worst / 1000);
}

static long long process_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * NSEC_PER_SEC +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * NSEC_PER_USEC;
}

/*
 * A booted kernel with nothing to do uses no CPU. This is a benchmark
 * figure, so only a generous bound is asserted: 5% over 2 s. The figure
 * itself is in the log.
 */
TEST_F(timers, idle_uses_no_cpu)
{
	struct timespec settle = { 0, 200 * NSEC_PER_MSEC };
	struct timespec idle = { 2, 0 };
	long long cpu0, t0, cpu, wall;

	nanosleep(&settle, NULL);
	cpu0 = process_cpu_ns();
	t0 = host_ns(CLOCK_MONOTONIC);
	while (nanosleep(&idle, &idle))
		;
	cpu = process_cpu_ns() - cpu0;
	wall = host_ns(CLOCK_MONOTONIC) - t0;
	TH_LOG("idle: %lld us of CPU in %lld ms (%.3f%% of one core)",
	       cpu / 1000, wall / NSEC_PER_MSEC, 100.0 * cpu / wall);
	EXPECT_GT(wall / 20, cpu);
}

TEST_HARNESS_MAIN
