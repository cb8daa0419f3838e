// SPDX-License-Identifier: GPL-2.0
/*
 * bench-core: the core figures of LKL, as medians.
 *
 * - boot: lkl_start_kernel() from call to return. A process boots LKL only
 *   once, so each run boots in a child process of its own.
 * - null syscall: lkl_sys_getpid() against the host's syscall(SYS_getpid),
 *   measured in the same run, in alternating batches.
 * - switch: two host threads ping-pong one byte over two LKL pipes. Each
 *   round trip blocks each side once, so it is two switches between kernel
 *   tasks; the same over host pipes is shown for reference.
 * - idle RSS: VmRSS after boot minus VmRSS before it, split into the pages
 *   of the mem= pool that are resident (host mincore() on the pool, whose
 *   page frames LKL's /proc/zoneinfo gives: physical is host-virtual) and
 *   the rest, which is what LKL costs beyond the pool.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#define MEM_MB		64
#define CMDLINE		"mem=64M loglevel=0"
#define BOOT_RUNS	20
#define SYSCALL_BATCH	200000
#define SYSCALL_RUNS	15
#define PINGPONG_BATCH	2000
#define PINGPONG_RUNS	11
#define SETTLE_MS	200

/* Targets from the core issue. */
#define TARGET_BOOT_MS		20.0
#define TARGET_SYSCALL_RATIO	1.0
#define TARGET_RSS_MB		8.0

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Boot in a child and return the boot time in ns, or a negative errno. */
static double boot_once(void)
{
	double t = -EIO;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		double t0 = now_ns(), result;
		int ret = lkl_start_kernel(&lkl_host_ops, CMDLINE);

		result = ret ? ret : now_ns() - t0;
		if (write(fds[1], &result, sizeof(result)) != sizeof(result))
			_exit(1);
		_exit(ret || lkl_sys_halt() ? 1 : 0);
	}
	close(fds[1]);
	if (read(fds[0], &t, sizeof(t)) != sizeof(t))
		t = -EIO;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return t;
}

/* VmRSS of this process, in kB. */
static long vm_rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Count the resident host pages in [@start, @start + @pages pages). */
static long resident_pages(unsigned long start, unsigned long pages)
{
	long page = sysconf(_SC_PAGESIZE), n = 0;
	unsigned char *vec = malloc(pages);
	unsigned long i;

	if (!vec || mincore((void *)start, pages * page, vec)) {
		free(vec);
		return -1;
	}
	for (i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

/*
 * The resident part of the memory pool, in kB, or -1 if it cannot be
 * found. LKL's /proc/zoneinfo gives each zone's first page frame and
 * span; physical addresses are host addresses, so the frames are host
 * pages.
 */
static long pool_resident_kb(void)
{
	static char buf[65536];
	long page = sysconf(_SC_PAGESIZE), total = 0, fd, n;
	unsigned long spanned = 0, pfn, len;
	char *line, *save;
	int found = 0;

	lkl_sys_mkdir("/proc", 0755);
	lkl_sys_mount("proc", "/proc", "proc", 0, NULL);
	fd = lkl_sys_open("/proc/zoneinfo", LKL_O_RDONLY, 0);
	if (fd < 0)
		return -1;
	len = 0;
	while (len < sizeof(buf) - 1 &&
	       (n = lkl_sys_read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	lkl_sys_close(fd);
	buf[len] = '\0';

	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, " spanned %lu", &spanned) == 1 ||
		    sscanf(line, " start_pfn: %lu", &pfn) != 1 || !spanned)
			continue;
		n = resident_pages(pfn * page, spanned);
		if (n < 0)
			return -1;
		total += n;
		found = 1;
	}
	return found ? total * page / 1024 : -1;
}

/*
 * Batches of null system calls; each returns ns per call, or -1 if a call
 * returned something other than @pid.
 */
static double lkl_getpid_ns(long pid)
{
	double t0 = now_ns();
	long sum = 0;
	int i;

	for (i = 0; i < SYSCALL_BATCH; i++)
		sum += lkl_sys_getpid();
	return sum == pid * SYSCALL_BATCH ? (now_ns() - t0) / SYSCALL_BATCH : -1;
}

static double native_getpid_ns(long pid)
{
	double t0 = now_ns();
	long sum = 0;
	int i;

	for (i = 0; i < SYSCALL_BATCH; i++)
		sum += syscall(SYS_getpid);
	return sum == pid * SYSCALL_BATCH ? (now_ns() - t0) / SYSCALL_BATCH : -1;
}

/* One side of a ping-pong: read a byte from @in, write it to @out. */
struct pong {
	int lkl;
	int in, out;
	int rounds;
	int err;
};

static long pp_read(int lkl, int fd, char *c)
{
	return lkl ? lkl_sys_read(fd, c, 1) : read(fd, c, 1);
}

static long pp_write(int lkl, int fd, char *c)
{
	return lkl ? lkl_sys_write(fd, c, 1) : write(fd, c, 1);
}

static void *pong_thread(void *arg)
{
	struct pong *p = arg;
	char c;
	int i;

	for (i = 0; i < p->rounds; i++) {
		if (pp_read(p->lkl, p->in, &c) != 1 ||
		    pp_write(p->lkl, p->out, &c) != 1) {
			p->err = 1;
			break;
		}
	}
	return NULL;
}

/*
 * Median cost of one switch, in ns, for ping-pong over LKL pipes (@lkl) or
 * host pipes; negative on failure.
 */
static double switch_ns(int lkl)
{
	double runs[PINGPONG_RUNS], t0;
	int ping[2], back[2], r, i;
	struct pong p;
	pthread_t thread;
	char c = 'x';

	if (lkl ? lkl_sys_pipe2(ping, 0) || lkl_sys_pipe2(back, 0) :
		  pipe(ping) || pipe(back))
		return -1;
	p.lkl = lkl;
	p.in = ping[0];
	p.out = back[1];
	p.rounds = PINGPONG_BATCH * (PINGPONG_RUNS + 1);
	p.err = 0;
	if (pthread_create(&thread, NULL, pong_thread, &p))
		return -1;

	/* The first batch warms up; the rest are measured. */
	for (r = -1; r < PINGPONG_RUNS; r++) {
		t0 = now_ns();
		for (i = 0; i < PINGPONG_BATCH; i++) {
			if (pp_write(lkl, ping[1], &c) != 1 ||
			    pp_read(lkl, back[0], &c) != 1)
				p.err = 1;
		}
		if (r >= 0)
			runs[r] = (now_ns() - t0) / PINGPONG_BATCH / 2;
	}
	pthread_join(thread, NULL);
	for (i = 0; i < 2; i++) {
		if (lkl) {
			lkl_sys_close(ping[i]);
			lkl_sys_close(back[i]);
		} else {
			close(ping[i]);
			close(back[i]);
		}
	}
	return p.err ? -1 : median(runs, PINGPONG_RUNS);
}

static const char *verdict(double value, double target)
{
	return value <= target ? "ok" : "MISSED";
}

static void row(const char *metric, const char *value, const char *target,
		const char *result)
{
	char line[160];
	int len;

	len = snprintf(line, sizeof(line), "%-34s %14s  %-10s %s", metric,
		       value, target, result);
	while (len > 0 && line[len - 1] == ' ')
		line[--len] = '\0';
	puts(line);
}

int main(void)
{
	double boots[BOOT_RUNS], lkl_runs[SYSCALL_RUNS], host_runs[SYSCALL_RUNS];
	double boot, lkl_ns, host_ns, lkl_switch, host_switch, beyond;
	long rss_before, rss_after, pool_kb, lkl_pid;
	struct lkl_new_utsname uts;
	char value[64];
	int i, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < BOOT_RUNS; i++) {
		boots[i] = boot_once();
		if (boots[i] < 0) {
			fprintf(stderr, "bench-core: boot failed: %s\n",
				lkl_strerror((int)boots[i]));
			return 1;
		}
	}
	boot = median(boots, BOOT_RUNS);

	rss_before = vm_rss_kb();
	ret = lkl_start_kernel(&lkl_host_ops, CMDLINE);
	if (ret) {
		fprintf(stderr, "bench-core: boot failed: %s\n",
			lkl_strerror(ret));
		return 1;
	}
	sleep_ms(SETTLE_MS);
	rss_after = vm_rss_kb();
	pool_kb = pool_resident_kb();

	memset(&uts, 0, sizeof(uts));
	lkl_sys_uname(&uts);

	/* Warm both paths up, then alternate batches. */
	lkl_pid = lkl_sys_getpid();
	lkl_getpid_ns(lkl_pid);
	native_getpid_ns(getpid());
	for (i = 0; i < SYSCALL_RUNS; i++) {
		lkl_runs[i] = lkl_getpid_ns(lkl_pid);
		host_runs[i] = native_getpid_ns(getpid());
		if (lkl_runs[i] < 0 || host_runs[i] < 0) {
			fprintf(stderr, "bench-core: getpid returned a wrong pid\n");
			lkl_sys_halt();
			return 1;
		}
	}
	lkl_ns = median(lkl_runs, SYSCALL_RUNS);
	host_ns = median(host_runs, SYSCALL_RUNS);

	lkl_switch = switch_ns(1);
	host_switch = switch_ns(0);

	printf("LKL core benchmark: Linux %s on %s, %s, medians\n\n",
	       uts.release, uts.machine, CMDLINE);
	row("metric", "median", "target", "");
	row("------", "------", "------", "");

	snprintf(value, sizeof(value), "%.2f ms", boot / 1e6);
	row("boot (lkl_start_kernel, 20 runs)", value, "<= 20 ms",
	    verdict(boot / 1e6, TARGET_BOOT_MS));

	snprintf(value, sizeof(value), "%.3f us", lkl_ns / 1e3);
	row("null syscall: lkl_sys_getpid", value, "", "");
	snprintf(value, sizeof(value), "%.3f us", host_ns / 1e3);
	row("null syscall: host SYS_getpid", value, "", "");
	snprintf(value, sizeof(value), "%.2fx", lkl_ns / host_ns);
	row("null syscall: LKL / host", value, "<= 1.0x",
	    verdict(lkl_ns / host_ns, TARGET_SYSCALL_RATIO));

	if (lkl_switch < 0)
		snprintf(value, sizeof(value), "failed");
	else
		snprintf(value, sizeof(value), "%.2f us", lkl_switch / 1e3);
	row("switch between kernel tasks", value, "", "");
	if (host_switch < 0)
		snprintf(value, sizeof(value), "failed");
	else
		snprintf(value, sizeof(value), "%.2f us", host_switch / 1e3);
	row("  host threads, host pipes (ref)", value, "", "");

	snprintf(value, sizeof(value), "%.1f MB", (rss_after - rss_before) / 1024.0);
	row("idle RSS: growth over boot", value, "", "");
	if (pool_kb >= 0) {
		snprintf(value, sizeof(value), "%.1f MB", pool_kb / 1024.0);
		row("idle RSS: resident in the pool", value, "", "");
		beyond = (rss_after - rss_before - pool_kb) / 1024.0;
		snprintf(value, sizeof(value), "%.1f MB", beyond);
		row("idle RSS: beyond the pool", value, "<= 8 MB",
		    verdict(beyond, TARGET_RSS_MB));
	} else {
		row("idle RSS: beyond the pool", "unknown", "<= 8 MB",
		    "(the pool is not in /proc/zoneinfo)");
	}

	printf("\nThe pool is mem=%dM of host memory reserved at boot; only the pages the\n"
	       "kernel has touched are resident. \"Beyond the pool\" is the growth of\n"
	       "VmRSS over boot minus those pages: kernel image, host threads' stacks\n"
	       "and host-side allocations. A switch is half a ping-pong round trip.\n",
	       MEM_MB);

	return lkl_sys_halt() ? 1 : 0;
}
