// SPDX-License-Identifier: GPL-2.0
/*
 * bench-timer: timer wake delay, fired minus due, LKL against the host.
 *
 * For sleeps of 10 us, 100 us, 1 ms and 10 ms, measured in one run with
 * the four kinds interleaved in small blocks, so that all of them see the
 * same load:
 *
 * - host nanosleep: the host's clock_nanosleep(TIMER_ABSTIME), then
 *   clock_gettime(); delay = return time - deadline;
 * - host timerfd:   a one-shot absolute host timerfd, then read();
 * - LKL nanosleep:  lkl_sys_clock_nanosleep(TIMER_ABSTIME), then
 *   lkl_sys_clock_gettime(), as an application sees it;
 * - LKL timerfd:    a one-shot absolute LKL timerfd, then lkl_sys_read();
 * - LKL hrtimer:    the kernel's hrtimer expiry during the LKL nanosleep:
 *   when the timer interrupt ran the hrtimer queue minus the deadline the
 *   kernel programmed. It is taken without kernel changes, by wrapping the
 *   timer operations of lkl_host_ops (see timer_reprogrammed()).
 *
 * LKL's CLOCK_MONOTONIC is the host's, so all delays are on one clock.
 *
 * Everything runs twice: with timer slack 1 ns on the measuring host
 * thread (PR_SET_TIMERSLACK) and on its LKL task (lkl_sys_prctl), and with
 * both at their defaults (50 us on both sides: LKL tasks inherit it from
 * init_task). Timerfds take no slack on either side. LKL's host timer
 * thread always runs with slack 1 ns.
 *
 * It also reports the CPU the process used while each kind ran (so that
 * busy-polling is counted), and the CPU an idle LKL uses over 10 s.
 *
 * Last, many sleepers at once: PAR_THREADS threads each sleep PAR_SLEEPS
 * times for 200 us to 3 ms with clock_nanosleep(TIMER_ABSTIME), slack
 * 1 ns, on the host and then in LKL, PAR_ROUNDS times alternated.
 *
 * With -d DIR it also writes the delays of each case, sorted, one per
 * line in microseconds, to DIR/MODE-SIZE-KIND.txt (MODE slack-1ns or
 * slack-default, KIND such as lkl-nanosleep), for CDF plots.
 *
 * Usage: bench-timer [-q] [-s SCALE] [-c ARGS] [-d DIR]
 *   -c ARGS   add ARGS to the kernel command line
 *   -d DIR    write each case's delays to a file in DIR
 *   -q        skip the 10 s idle measurement
 *   -s SCALE  multiply the sample counts by SCALE (default 1)
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/timerfd.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/prctl.h>
#include <lkl/linux/timerfd.h>

#define CMDLINE		"mem=64M loglevel=0"
#define BLOCK		20
#define IDLE_SECONDS	10
#define PAR_THREADS	8
#define PAR_SLEEPS	100
#define PAR_ROUNDS	3
#define NSEC_PER_SEC	1000000000LL
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum kind { HOST_SLEEP, HOST_TFD, LKL_SLEEP, LKL_TFD, LKL_HRTIMER, KINDS };

static const char * const kind_name[KINDS] = {
	"host nanosleep", "host timerfd", "LKL nanosleep", "LKL timerfd",
	"LKL hrtimer",
};

static const struct size {
	long long ns;
	const char *name;
	int samples;
} sizes[] = {
	{ 10000, "10us", 2000 },
	{ 100000, "100us", 1000 },
	{ 1000000, "1ms", 400 },
	{ 10000000, "10ms", 160 },
};

static long long host_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static long long lkl_now(void)
{
	struct __lkl__kernel_timespec ts;

	lkl_sys_clock_gettime(LKL_CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static long long cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * NSEC_PER_SEC +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

/*
 * The wrapped host timer. The kernel programs its clock event device with
 * timer_set_oneshot() and stops it with timer_cancel(), and the timer
 * interrupt (hrtimer_interrupt()) runs the expired hrtimers and then
 * programs the device again, or stops it. So the first such call after a
 * sleep's hrtimer expiry marks when the kernel's hrtimer queue ran for it:
 * its delay is the hrtimer expiry delay, plus the microsecond or so the
 * callbacks take. That holds whichever thread raised the interrupt.
 */
static struct lkl_host_operations ops;
/* The hrtimer expiry waited for, on the host's clock; 0 when none. */
static unsigned long long want_due;
static long long expired_delay = -1;
/* LKL's CLOCK_MONOTONIC minus the host's. */
static long long mono_offset;
/* Where each case's delays go (-d), or NULL. */
static const char *dump_dir;

static void timer_reprogrammed(void)
{
	unsigned long long due = __atomic_load_n(&want_due, __ATOMIC_ACQUIRE);
	unsigned long long now = host_now();

	if (due && now >= due &&
	    __atomic_compare_exchange_n(&want_due, &due, 0, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		__atomic_store_n(&expired_delay, (long long)(now - due),
				 __ATOMIC_RELEASE);
}

static int wrapped_timer_set_oneshot(struct lkl_timer *timer,
				     unsigned long long ns)
{
	timer_reprogrammed();
	return lkl_host_ops.timer_set_oneshot(timer, ns);
}

static void wrapped_timer_cancel(struct lkl_timer *timer)
{
	timer_reprogrammed();
	lkl_host_ops.timer_cancel(timer);
}

/* One sample of each kind; each returns the delay in ns, or -1. */

static long long host_sleep(long long ns)
{
	long long due = host_now() + ns;
	struct timespec ts = { due / NSEC_PER_SEC, due % NSEC_PER_SEC };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
	return host_now() - due;
}

static long long host_tfd(int fd, long long ns)
{
	long long due = host_now() + ns;
	struct itimerspec its = {
		.it_value = { due / NSEC_PER_SEC, due % NSEC_PER_SEC },
	};
	unsigned long long n;

	if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) ||
	    read(fd, &n, sizeof(n)) != sizeof(n))
		return -1;
	return host_now() - due;
}

static long long lkl_sleep(long long ns, unsigned long slack,
			   long long *hrtimer)
{
	long long due = lkl_now() + ns;
	struct __lkl__kernel_timespec ts = {
		due / NSEC_PER_SEC, due % NSEC_PER_SEC
	};
	long long woke;
	long ret;

	/*
	 * The hrtimer's hard expiry is due + slack, on the host's clock,
	 * which is LKL's plus a small offset fixed at boot.
	 */
	__atomic_store_n(&expired_delay, -1, __ATOMIC_RELEASE);
	__atomic_store_n(&want_due, due - mono_offset + slack,
			 __ATOMIC_RELEASE);
	ret = lkl_sys_clock_nanosleep(LKL_CLOCK_MONOTONIC, LKL_TIMER_ABSTIME,
				      &ts, NULL);
	woke = lkl_now();
	__atomic_store_n(&want_due, 0, __ATOMIC_RELEASE);
	*hrtimer = __atomic_load_n(&expired_delay, __ATOMIC_ACQUIRE);
	return ret ? -1 : woke - due;
}

static long long lkl_tfd(int fd, long long ns)
{
	long long due = lkl_now() + ns;
	struct __lkl__kernel_itimerspec its = {
		.it_value = { due / NSEC_PER_SEC, due % NSEC_PER_SEC },
	};
	unsigned long long n;

	if (lkl_sys_timerfd_settime(fd, LKL_TFD_TIMER_ABSTIME, &its, NULL) ||
	    lkl_sys_read(fd, (char *)&n, sizeof(n)) != sizeof(n))
		return -1;
	return lkl_now() - due;
}

/* The offset of LKL's clock from the host's, from the tightest bracket. */
static long long measure_offset(void)
{
	long long before, now, after, best = -1, off = 0;
	int i;

	for (i = 0; i < 1000; i++) {
		before = host_now();
		now = lkl_now();
		after = host_now();
		if (best < 0 || after - before < best) {
			best = after - before;
			off = now - before - best / 2;
		}
	}
	return off;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static double pct(const long long *v, int n, int p)
{
	int i = (n * p + 99) / 100 - 1;

	return v[i < 0 ? 0 : i] / 1000.0;
}

struct samples {
	long long *v;
	int n;
	long long cpu, wall;
};

/* @label: the size, or the number of threads of the many-sleepers case */
static void print_row(const char *label, const char *kind, struct samples *s)
{
	qsort(s->v, s->n, sizeof(*s->v), cmp_ll);
	if (!s->n) {
		printf("%-7s %-14s no samples\n", label, kind);
		return;
	}
	printf("%-7s %-14s %8.1f %8.1f %8.1f %8.1f %6d",
	       label, kind, pct(s->v, s->n, 50), pct(s->v, s->n, 90),
	       pct(s->v, s->n, 99), s->v[s->n - 1] / 1000.0, s->n);
	if (s->wall)
		printf(" %6.0f%%", 100.0 * s->cpu / s->wall);
	printf("\n");
}

/*
 * Write the delays of one case, sorted by print_row(), to
 * dump_dir/MODE-SIZE-KIND.txt. A file that cannot be written is reported
 * on stderr and the run goes on.
 */
static void dump_samples(const char *mode, const char *size, enum kind k,
			 const struct samples *s)
{
	char path[4096], kind[32];
	size_t i;
	FILE *f;
	int j;

	for (i = 0; kind_name[k][i] && i < sizeof(kind) - 1; i++)
		kind[i] = kind_name[k][i] == ' ' ? '-' :
			  tolower((unsigned char)kind_name[k][i]);
	kind[i] = '\0';
	snprintf(path, sizeof(path), "%s/%s-%s-%s.txt", dump_dir, mode, size,
		 kind);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bench-timer: %s: %s\n", path, strerror(errno));
		return;
	}
	for (j = 0; j < s->n; j++)
		fprintf(f, "%.3f\n", s->v[j] / 1000.0);
	if (fclose(f))
		fprintf(stderr, "bench-timer: %s: %s\n", path, strerror(errno));
}

/* Run one size; returns the number of failed calls. */
static int run_size(const struct size *sz, int scale, unsigned long slack,
		    const char *mode, int host_fd, int lkl_fd, double *ratio)
{
	struct samples s[KINDS];
	int n = sz->samples * scale, i, j, k, failed = 0;
	long long d, hr, c0, t0;

	for (k = 0; k < KINDS; k++) {
		s[k].v = calloc(n, sizeof(long long));
		s[k].n = 0;
		s[k].cpu = 0;
		s[k].wall = 0;
		if (!s[k].v) {
			fprintf(stderr, "bench-timer: out of memory\n");
			exit(1);
		}
	}

	for (i = 0; i < n; i += BLOCK) {
		for (k = HOST_SLEEP; k <= LKL_TFD; k++) {
			c0 = cpu_ns();
			t0 = host_now();
			for (j = i; j < i + BLOCK && j < n; j++) {
				switch (k) {
				case HOST_SLEEP:
					d = host_sleep(sz->ns);
					break;
				case HOST_TFD:
					d = host_tfd(host_fd, sz->ns);
					break;
				case LKL_SLEEP:
					d = lkl_sleep(sz->ns, slack, &hr);
					if (hr >= 0)
						s[LKL_HRTIMER].v[s[LKL_HRTIMER].n++] = hr;
					break;
				default:
					d = lkl_tfd(lkl_fd, sz->ns);
					break;
				}
				if (d < 0)
					failed++;
				else
					s[k].v[s[k].n++] = d;
			}
			s[k].wall += host_now() - t0;
			s[k].cpu += cpu_ns() - c0;
		}
	}

	for (k = 0; k < KINDS; k++) {
		print_row(sz->name, kind_name[k], &s[k]);
		if (dump_dir)
			dump_samples(mode, sz->name, k, &s[k]);
	}
	if (s[HOST_SLEEP].n && s[LKL_SLEEP].n)
		ratio[0] = pct(s[LKL_SLEEP].v, s[LKL_SLEEP].n, 99) /
			   pct(s[HOST_SLEEP].v, s[HOST_SLEEP].n, 99);
	if (s[HOST_TFD].n && s[LKL_TFD].n)
		ratio[1] = pct(s[LKL_TFD].v, s[LKL_TFD].n, 99) /
			   pct(s[HOST_TFD].v, s[HOST_TFD].n, 99);
	for (k = 0; k < KINDS; k++)
		free(s[k].v);
	return failed;
}

static int run_mode(unsigned long slack, int scale, int host_fd, int lkl_fd)
{
	const char *mode = slack ? "slack-1ns" : "slack-default";
	unsigned long host_slack, lkl_slack;
	double ratio[ARRAY_SIZE(sizes)][2];
	int failed = 0;
	size_t i;

	/* 0 restores the thread's default slack on both sides. */
	prctl(PR_SET_TIMERSLACK, slack, 0, 0, 0);
	lkl_sys_prctl(LKL_PR_SET_TIMERSLACK, slack, 0, 0, 0);
	host_slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	lkl_slack = lkl_sys_prctl(LKL_PR_GET_TIMERSLACK, 0, 0, 0, 0);

	printf("\n# timer slack: host thread %lu ns, LKL task %lu ns, ",
	       host_slack, lkl_slack);
	printf("LKL host timer thread 1 ns; timerfds take none\n");
	printf("%-7s %-14s %8s %8s %8s %8s %6s %7s\n", "size", "kind",
	       "p50 us", "p90 us", "p99 us", "max us", "n", "cpu");
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		failed += run_size(&sizes[i], scale, lkl_slack, mode, host_fd,
				   lkl_fd, ratio[i]);

	printf("# LKL p99 / host p99 (nanosleep, timerfd):");
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		printf(" %s %.2f %.2f", sizes[i].name, ratio[i][0],
		       ratio[i][1]);
	printf("\n");
	return failed;
}

/* One thread of the many-sleepers case. */
struct par_thread {
	pthread_t thread;
	bool lkl;
	int id;
	long long *v;
	int n, failed;
};

static void *par_sleeper(void *arg)
{
	static const long long ns[] = {
		200000, 500000, 1000000, 2000000, 3000000,
	};
	struct par_thread *t = arg;
	int i;

	/* A new thread's slack is its creator's on the host, 50 us in LKL. */
	if (t->lkl)
		lkl_sys_prctl(LKL_PR_SET_TIMERSLACK, 1, 0, 0, 0);
	else
		prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

	for (i = 0; i < PAR_SLEEPS; i++) {
		long long sz = ns[(t->id + i) % ARRAY_SIZE(ns)], due, woke;
		struct timespec ts;
		struct __lkl__kernel_timespec lts;
		long ret;

		due = (t->lkl ? lkl_now() : host_now()) + sz;
		ts.tv_sec = due / NSEC_PER_SEC;
		ts.tv_nsec = due % NSEC_PER_SEC;
		lts.tv_sec = ts.tv_sec;
		lts.tv_nsec = ts.tv_nsec;
		if (t->lkl)
			ret = lkl_sys_clock_nanosleep(LKL_CLOCK_MONOTONIC,
						      LKL_TIMER_ABSTIME,
						      &lts, NULL);
		else
			ret = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					      &ts, NULL);
		woke = t->lkl ? lkl_now() : host_now();
		if (ret)
			t->failed++;
		else
			t->v[t->n++] = woke - due;
	}
	return NULL;
}

/* Run PAR_THREADS sleepers at once; returns the number of failed calls. */
static int par_round(bool lkl, struct samples *s)
{
	struct par_thread t[PAR_THREADS];
	int i, failed = 0;
	long long c0 = cpu_ns(), t0 = host_now();

	for (i = 0; i < PAR_THREADS; i++) {
		t[i] = (struct par_thread){ .lkl = lkl, .id = i,
					    .v = s->v + s->n + i * PAR_SLEEPS };
		if (pthread_create(&t[i].thread, NULL, par_sleeper, &t[i])) {
			fprintf(stderr, "bench-timer: pthread_create failed\n");
			exit(1);
		}
	}
	for (i = 0; i < PAR_THREADS; i++)
		pthread_join(t[i].thread, NULL);
	s->wall += host_now() - t0;
	s->cpu += cpu_ns() - c0;

	/* Pack the samples of the threads that had failed calls. */
	for (i = 0; i < PAR_THREADS; i++) {
		memmove(s->v + s->n, t[i].v, t[i].n * sizeof(*s->v));
		s->n += t[i].n;
		failed += t[i].failed;
	}
	return failed;
}

static int run_parallel(void)
{
	int n = PAR_ROUNDS * PAR_THREADS * PAR_SLEEPS, r, failed = 0;
	struct samples host = { 0 }, lkl = { 0 };
	char label[16];

	host.v = calloc(n, sizeof(long long));
	lkl.v = calloc(n, sizeof(long long));
	if (!host.v || !lkl.v) {
		fprintf(stderr, "bench-timer: out of memory\n");
		exit(1);
	}
	for (r = 0; r < PAR_ROUNDS; r++) {
		failed += par_round(false, &host);
		failed += par_round(true, &lkl);
	}

	printf("\n# many sleepers: %d threads at once, %d sleeps each of ",
	       PAR_THREADS, PAR_SLEEPS);
	printf("200 us to 3 ms, clock_nanosleep, slack 1 ns on both sides\n");
	printf("%-7s %-14s %8s %8s %8s %8s %6s %7s\n", "threads", "kind",
	       "p50 us", "p90 us", "p99 us", "max us", "n", "cpu");
	snprintf(label, sizeof(label), "%d", PAR_THREADS);
	print_row(label, "host nanosleep", &host);
	print_row(label, "LKL nanosleep", &lkl);
	if (host.n && lkl.n)
		printf("# LKL p99 / host p99, %d threads: %.2f\n", PAR_THREADS,
		       pct(lkl.v, lkl.n, 99) / pct(host.v, host.n, 99));
	free(host.v);
	free(lkl.v);
	return failed;
}

static void idle_cpu(void)
{
	struct timespec ts = { IDLE_SECONDS, 0 };
	long long c0, t0;

	c0 = cpu_ns();
	t0 = host_now();
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
	printf("\n# idle LKL: %.3f%% of one core over %.1f s (whole process)\n",
	       100.0 * (cpu_ns() - c0) / (host_now() - t0),
	       (host_now() - t0) / 1e9);
}

int main(int argc, char **argv)
{
	int scale = 1, quick = 0, opt, host_fd, failed = 0;
	char cmdline[512] = CMDLINE;
	long lkl_fd, ret;
	double load[3];

	while ((opt = getopt(argc, argv, "c:d:qs:")) != -1) {
		switch (opt) {
		case 'c':
			snprintf(cmdline, sizeof(cmdline), "%s %s", CMDLINE,
				 optarg);
			break;
		case 'd':
			dump_dir = optarg;
			break;
		case 'q':
			quick = 1;
			break;
		case 's':
			scale = atoi(optarg);
			if (scale > 0)
				break;
			goto usage;
		default:
usage:
			fprintf(stderr,
				"usage: %s [-q] [-s SCALE] [-c ARGS] [-d DIR]\n",
				argv[0]);
			return 2;
		}
	}

	ops = lkl_host_ops;
	ops.timer_set_oneshot = wrapped_timer_set_oneshot;
	ops.timer_cancel = wrapped_timer_cancel;
	ret = lkl_start_kernel(&ops, cmdline);
	if (ret) {
		fprintf(stderr, "bench-timer: boot failed: %s\n",
			lkl_strerror(ret));
		return 1;
	}

	host_fd = timerfd_create(CLOCK_MONOTONIC, 0);
	lkl_fd = lkl_sys_timerfd_create(LKL_CLOCK_MONOTONIC, 0);
	if (host_fd < 0 || lkl_fd < 0) {
		fprintf(stderr, "bench-timer: timerfd_create failed\n");
		return 1;
	}

	printf("# kernel command line: %s\n", cmdline);
	mono_offset = measure_offset();
	printf("# LKL CLOCK_MONOTONIC - host CLOCK_MONOTONIC: %lld ns\n",
	       mono_offset);
	if (getloadavg(load, 3) == 3)
		printf("# load average at start: %.2f %.2f %.2f, %ld CPUs\n",
		       load[0], load[1], load[2], sysconf(_SC_NPROCESSORS_ONLN));
	printf("# delay = wake time - deadline; ");
	printf("cpu = process CPU / wall time while that kind ran\n");

	if (!quick)
		idle_cpu();
	failed += run_mode(1, scale, host_fd, lkl_fd);
	failed += run_mode(0, scale, host_fd, lkl_fd);
	failed += run_parallel();

	if (getloadavg(load, 3) == 3)
		printf("# load average at end: %.2f %.2f %.2f\n",
		       load[0], load[1], load[2]);
	if (failed)
		printf("# %d calls failed\n", failed);

	close(host_fd);
	lkl_sys_close(lkl_fd);
	lkl_sys_halt();
	return failed ? 1 : 0;
}
