// SPDX-License-Identifier: GPL-2.0
/*
 * bench-threads: many application threads making system calls on one LKL
 * kernel, against the same threads on the host, as medians.
 *
 * - file loop: each of N threads does ROUNDS rounds of open, write, read
 *   back and compare, and close on a file of its own, on LKL's tmpfs
 *   through the public API, and on the host's /dev/shm. The time is from
 *   the start of all threads to the end of the last one; the throughput
 *   ratio is the total rounds per second at N threads against one thread.
 * - blocking mix: N/2 threads run the file loop while the other N/2 play
 *   ping-pong in pairs over two pipes, as long as the file loop runs.
 *   Its ratio is the file rounds per second against the file loop's at
 *   one thread, so it shows what the blocked threads cost the others.
 * - sleeps per round: the host context switches of the whole process
 *   (getrusage(), voluntary and involuntary) per file round, LKL only.
 *
 * The LKL and the host runs alternate, so that a loaded machine weighs on
 * both alike. Not run by make test: make bench-threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#define CMDLINE		"mem=128M loglevel=0"
#define MAX_THREADS	64
#define DEF_ROUNDS	2000
#define DEF_RUNS	5
#define DATA_LEN	64
#define TARGET_RATIO	0.8

static const int thread_counts[] = { 1, 2, 4, 16, 64 };
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_COUNTS	ARRAY_SIZE(thread_counts)

static int rounds = DEF_ROUNDS;
static int runs = DEF_RUNS;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
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

/* The calls of one system: LKL's public API, or the host's libc. */
struct sys {
	const char *dir;
	long (*open)(const char *path, int flags, int mode);
	long (*write)(int fd, const void *buf, unsigned long len);
	long (*pread)(int fd, void *buf, unsigned long len, long off);
	long (*read)(int fd, void *buf, unsigned long len);
	long (*close)(int fd);
	long (*pipe)(int fds[2]);
	int o_rdwr, o_creat, o_trunc;
};

static long l_open(const char *path, int flags, int mode)
{
	return lkl_sys_open(path, flags, mode);
}

static long l_write(int fd, const void *buf, unsigned long len)
{
	return lkl_sys_write(fd, buf, len);
}

static long l_pread(int fd, void *buf, unsigned long len, long off)
{
	return lkl_sys_pread64(fd, buf, len, off);
}

static long l_read(int fd, void *buf, unsigned long len)
{
	return lkl_sys_read(fd, buf, len);
}

static long l_close(int fd)
{
	return lkl_sys_close(fd);
}

static long l_pipe(int fds[2])
{
	return lkl_sys_pipe(fds);
}

static long h_ret(long ret)
{
	return ret < 0 ? -errno : ret;
}

static long h_open(const char *path, int flags, int mode)
{
	return h_ret(open(path, flags, mode));
}

static long h_write(int fd, const void *buf, unsigned long len)
{
	return h_ret(write(fd, buf, len));
}

static long h_pread(int fd, void *buf, unsigned long len, long off)
{
	return h_ret(pread(fd, buf, len, off));
}

static long h_read(int fd, void *buf, unsigned long len)
{
	return h_ret(read(fd, buf, len));
}

static long h_close(int fd)
{
	return h_ret(close(fd));
}

static long h_pipe(int fds[2])
{
	return h_ret(pipe(fds));
}

static const struct sys lkl_sys = {
	.dir = "/bench", .open = l_open, .write = l_write, .pread = l_pread,
	.read = l_read, .close = l_close, .pipe = l_pipe,
	.o_rdwr = LKL_O_RDWR, .o_creat = LKL_O_CREAT, .o_trunc = LKL_O_TRUNC,
};

static const struct sys host_sys = {
	.dir = "/dev/shm", .open = h_open, .write = h_write, .pread = h_pread,
	.read = h_read, .close = h_close, .pipe = h_pipe,
	.o_rdwr = O_RDWR, .o_creat = O_CREAT, .o_trunc = O_TRUNC,
};

/* One thread of a run. */
struct worker {
	const struct sys *sys;
	struct run *run;
	pthread_t thread;
	int id;
	int pingpong;	/* 0: file loop; 1, 2: a side of a ping-pong pair */
	int in, out;	/* the ping-pong's pipe ends */
	long pp_rounds;
	int err;
};

/* A run: the threads start together, at @start. */
struct run {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int ready, go;
	int files_left;	/* file threads still running */
	int stop;	/* the file loop is over: ping-pong stops */
	double start;
};

static void run_wait_start(struct run *r)
{
	pthread_mutex_lock(&r->lock);
	r->ready++;
	pthread_cond_broadcast(&r->cond);
	while (!r->go)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

static int file_loop(struct worker *w)
{
	const struct sys *s = w->sys;
	char path[64], data[DATA_LEN], back[DATA_LEN];
	long fd;
	int i;

	snprintf(path, sizeof(path), "%s/bench-threads-%d-%d", s->dir,
		 (int)getpid(), w->id);
	for (i = 0; i < rounds; i++) {
		memset(data, 'a' + (i + w->id) % 26, sizeof(data));
		fd = s->open(path, s->o_rdwr | s->o_creat | s->o_trunc, 0600);
		if (fd < 0)
			return (int)fd;
		if (s->write(fd, data, sizeof(data)) != sizeof(data) ||
		    s->pread(fd, back, sizeof(back), 0) != sizeof(back) ||
		    memcmp(data, back, sizeof(data))) {
			s->close(fd);
			return -EIO;
		}
		if (s->close(fd))
			return -EIO;
	}
	return 0;
}

/* Bounce a byte until the file loop is over; side 1 serves first. */
static int pingpong_loop(struct worker *w)
{
	const struct sys *s = w->sys;
	char c = 'p';

	for (;;) {
		if (w->pingpong == 1 &&
		    (__atomic_load_n(&w->run->stop, __ATOMIC_RELAXED) ||
		     s->write(w->out, &c, 1) != 1))
			break;
		if (s->read(w->in, &c, 1) != 1)
			break;
		if (w->pingpong == 2 && s->write(w->out, &c, 1) != 1)
			break;
		w->pp_rounds++;
	}
	/* Side 1 stops: closing its write end ends side 2's read. */
	if (w->pingpong == 1)
		s->close(w->out);
	return 0;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	char path[64];

	/* A first call makes an LKL thread's task, before the clock runs. */
	if (w->sys == &lkl_sys) {
		snprintf(path, sizeof(path), "%s", w->sys->dir);
		lkl_sys_access(path, 0);
	}
	run_wait_start(w->run);
	if (w->pingpong) {
		w->err = pingpong_loop(w);
		return NULL;
	}
	w->err = file_loop(w);
	pthread_mutex_lock(&w->run->lock);
	if (--w->run->files_left == 0)
		__atomic_store_n(&w->run->stop, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&w->run->lock);
	return NULL;
}

/* Switches of the process, voluntary and not. */
static double switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_nvcsw + ru.ru_nivcsw;
}

/*
 * One run with @n threads, @pp of them in ping-pong: returns the time of
 * the file loop in ns (negative errno on failure); *sw gets the process'
 * switches per file round, *pps the ping-pong round trips per second.
 */
static double run_once(const struct sys *s, int n, int pp, double *sw,
		       double *pps)
{
	static struct worker w[MAX_THREADS];
	struct run r = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
		.files_left = n - pp,
	};
	int i, err = 0, created = 0, fds[2];
	double t = 0, sw0;
	long pp_total = 0;

	memset(w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		w[i].sys = s;
		w[i].run = &r;
		w[i].id = i;
	}
	/* The last @pp threads pair up: i plays against i + 1. */
	for (i = n - pp; i + 1 < n; i += 2) {
		w[i].pingpong = 1;
		w[i + 1].pingpong = 2;
		if (s->pipe(fds))
			return -EMFILE;
		w[i].out = fds[1];
		w[i + 1].in = fds[0];
		if (s->pipe(fds))
			return -EMFILE;
		w[i + 1].out = fds[1];
		w[i].in = fds[0];
	}

	for (i = 0; i < n; i++) {
		if (pthread_create(&w[i].thread, NULL, worker_fn, &w[i]))
			break;
		created++;
	}
	pthread_mutex_lock(&r.lock);
	while (created == n && r.ready < n)
		pthread_cond_wait(&r.cond, &r.lock);
	sw0 = switches();
	r.start = now_ns();
	r.go = 1;
	if (created < n)
		r.stop = 1;
	pthread_cond_broadcast(&r.cond);
	pthread_mutex_unlock(&r.lock);

	for (i = 0; i < created; i++) {
		pthread_join(w[i].thread, NULL);
		if (!w[i].pingpong && i == n - pp - 1)
			t = now_ns() - r.start;
		if (w[i].err)
			err = w[i].err;
		pp_total += w[i].pingpong == 1 ? w[i].pp_rounds : 0;
	}
	/* The file threads come first: t is set once they all ended. */
	*sw = (switches() - sw0) / ((double)(n - pp) * rounds);
	for (i = n - pp; i < n; i++) {
		if (w[i].pingpong == 1)
			s->close(w[i].in);
		if (w[i].pingpong == 2) {
			s->close(w[i].in);
			s->close(w[i].out);
		}
	}
	if (created < n)
		return -EAGAIN;
	if (err)
		return err;
	*pps = pp ? pp_total / (t / 1e9) : 0;
	return t;
}

/* One line of a table: N threads, PP of them in ping-pong. */
struct config {
	int n, pp;
	int nr;			/* samples: runs, more with few threads */
	double *t[2];		/* times: LKL, host */
	double *pps[2];		/* ping-pong round trips per second */
	double *sw;		/* switches per round, LKL */
	double ms[2];		/* median time: LKL, host */
	double msw;		/* median switches per round, LKL */
	double mpps[2];		/* median round trips per second */
};

/*
 * Measure every configuration, LKL and host runs alternated, as medians;
 * 0 or a negative errno. The configurations take turns, one run of each
 * per turn, so that a slow spell of the machine, which lasts seconds,
 * weighs on all of them alike rather than on whichever ran then. The
 * runs with few threads are short and the most disturbed, so they are
 * repeated more: the one-thread figure is what the others are compared
 * with.
 */
static int measure(struct config *cfg, int nc)
{
	double dummy;
	const struct sys *sys[2] = { &lkl_sys, &host_sys };
	int r, c, i, k, per;

	for (c = 0; c < nc; c++) {
		per = cfg[c].n < 16 ? 16 / cfg[c].n : 1;
		cfg[c].nr = runs * per;
		cfg[c].t[0] = calloc(5 * cfg[c].nr, sizeof(double));
		if (!cfg[c].t[0])
			return -ENOMEM;
		cfg[c].t[1] = cfg[c].t[0] + cfg[c].nr;
		cfg[c].pps[0] = cfg[c].t[1] + cfg[c].nr;
		cfg[c].pps[1] = cfg[c].pps[0] + cfg[c].nr;
		cfg[c].sw = cfg[c].pps[1] + cfg[c].nr;
	}
	for (r = 0; r < runs; r++) {
		for (c = 0; c < nc; c++) {
			per = cfg[c].nr / runs;
			for (i = r * per; i < (r + 1) * per; i++) {
				for (k = 0; k < 2; k++) {
					double t = run_once(sys[k], cfg[c].n,
							    cfg[c].pp,
							    k ? &dummy : &cfg[c].sw[i],
							    &cfg[c].pps[k][i]);
					if (t < 0)
						return (int)t;
					cfg[c].t[k][i] = t;
				}
			}
		}
	}
	for (c = 0; c < nc; c++) {
		for (k = 0; k < 2; k++) {
			cfg[c].ms[k] = median(cfg[c].t[k], cfg[c].nr) / 1e6;
			cfg[c].mpps[k] = median(cfg[c].pps[k], cfg[c].nr);
		}
		cfg[c].msw = median(cfg[c].sw, cfg[c].nr);
	}
	return 0;
}

static void bad_usage(void)
{
	fprintf(stderr, "bench-threads: options: -r RUNS (1 to 1000), -n ROUNDS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	/* The file loop at each count, then the mix from 4 threads up. */
	struct config cfg[2 * NR_COUNTS], *plain = cfg, *mix = cfg + NR_COUNTS;
	double worst = 1e9, ratio;
	unsigned int c, nmix;
	int opt, ret, n;

	while ((opt = getopt(argc, argv, "r:n:")) != -1) {
		if (opt == 'r')
			runs = atoi(optarg);
		else if (opt == 'n')
			rounds = atoi(optarg);
		else
			bad_usage();
	}
	if (optind != argc || runs < 1 || runs > 1000 || rounds < 1)
		bad_usage();

	ret = lkl_start_kernel(&lkl_host_ops, CMDLINE);
	if (ret) {
		fprintf(stderr, "bench-threads: boot failed: %s\n",
			lkl_strerror(ret));
		return 1;
	}
	ret = lkl_sys_mkdir("/bench", 0755);
	if (!ret)
		ret = lkl_sys_mount("tmpfs", "/bench", "tmpfs", 0, NULL);
	if (ret) {
		fprintf(stderr, "bench-threads: cannot mount tmpfs: %s\n",
			lkl_strerror(ret));
		lkl_sys_halt();
		return 1;
	}

	memset(cfg, 0, sizeof(cfg));
	for (c = 0, nmix = 0; c < NR_COUNTS; c++) {
		plain[c].n = thread_counts[c];
		if (thread_counts[c] < 4)
			continue;
		mix[nmix].n = thread_counts[c];
		mix[nmix++].pp = thread_counts[c] / 2;
	}
	ret = measure(cfg, NR_COUNTS + nmix);
	if (ret) {
		fprintf(stderr, "bench-threads: a run failed: %s\n",
			lkl_strerror(ret));
		lkl_sys_halt();
		return 1;
	}

	printf("LKL threads benchmark: %d rounds of open, write, read back, close per thread,\n"
	       "LKL tmpfs against host /dev/shm, medians of %d alternated runs, the\n"
	       "thread counts in turn (16/N times as many runs below 16 threads)\n\n",
	       rounds, runs);
	printf("%-8s %11s %11s %9s %9s %11s\n", "threads", "LKL", "host",
	       "LKL/1", "host/1", "sleeps/rnd");
	for (c = 0; c < NR_COUNTS; c++) {
		n = thread_counts[c];
		ratio = n * plain[0].ms[0] / plain[c].ms[0];
		if (ratio < worst)
			worst = ratio;
		printf("%-8d %8.1f ms %8.1f ms %8.2fx %8.2fx %11.2f\n", n,
		       plain[c].ms[0], plain[c].ms[1], ratio,
		       n * plain[0].ms[1] / plain[c].ms[1], plain[c].msw);
	}
	printf("\nBlocking mix: N/2 threads in the file loop, N/2 in pipe ping-pong\n");
	printf("%-8s %11s %11s %9s %9s %11s %11s\n", "threads", "LKL", "host",
	       "LKL/1", "host/1", "LKL pp/s", "host pp/s");
	for (c = 0; c < nmix; c++) {
		n = mix[c].n;
		printf("%-8d %8.1f ms %8.1f ms %8.2fx %8.2fx %11.0f %11.0f\n",
		       n, mix[c].ms[0], mix[c].ms[1],
		       n / 2 * plain[0].ms[0] / mix[c].ms[0],
		       n / 2 * plain[0].ms[1] / mix[c].ms[1],
		       mix[c].mpps[0], mix[c].mpps[1]);
	}
	printf("\nLKL/1: total rounds per second at N threads against one thread\n"
	       "(mix: the file threads' rounds). sleeps/rnd: host context switches\n"
	       "of the process per round. Target: LKL/1 >= %.1fx up to 64 threads;\n"
	       "lowest: %.2fx\n", TARGET_RATIO, worst);

	for (c = 0; c < NR_COUNTS + nmix; c++)
		free(cfg[c].t[0]);
	lkl_sys_halt();
	return 0;
}
