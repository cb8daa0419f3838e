// SPDX-License-Identifier: GPL-2.0
/*
 * Boot, halt, identity, threads and bad input: the core promises of LKL.
 *
 * Each test boots its own kernel: the harness runs every test in a process
 * of its own, and a process can boot LKL only once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lkl-test.h"

FIXTURE(booted) {
	int unused;
};

FIXTURE_SETUP(booted)
{
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
}

FIXTURE_TEARDOWN(booted)
{
	EXPECT_EQ(0, lkl_sys_halt());
}

TEST(boot_halt)
{
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	ASSERT_EQ(0, lkl_sys_halt());
}

TEST(boot_twice)
{
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	/* One kernel per process: a second start fails and changes nothing. */
	EXPECT_EQ(-LKL_EBUSY, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	EXPECT_LT(0, lkl_sys_getpid());
	ASSERT_EQ(0, lkl_sys_halt());
}

TEST(bad_cmdline)
{
	/* Must come back with an error; reaching the next line is the test. */
	int ret = lkl_start_kernel(&lkl_host_ops, "mem=1K");

	EXPECT_EQ(-LKL_EINVAL, ret) {
		TH_LOG("lkl_start_kernel(\"mem=1K\") returned %d", ret);
	}
}

TEST_F(booted, uname)
{
	struct lkl_new_utsname uts;

	memset(&uts, 0, sizeof(uts));
	ASSERT_EQ(0, lkl_sys_uname(&uts));
	EXPECT_STREQ("Linux", uts.sysname);
	EXPECT_STREQ("lkl", uts.machine);
	EXPECT_EQ(0, strncmp(uts.release, "6.12.", 5)) {
		TH_LOG("release is \"%s\"", uts.release);
	}
}

struct ids {
	long pid;
	long tid;
};

static void *get_ids(void *arg)
{
	struct ids *ids = arg;

	ids->pid = lkl_sys_getpid();
	ids->tid = lkl_sys_gettid();
	return NULL;
}

TEST_F(booted, getpid_gettid)
{
	struct ids main_ids, other;
	pthread_t thread;

	get_ids(&main_ids);
	ASSERT_LT(0, main_ids.pid);
	ASSERT_LT(0, main_ids.tid);

	ASSERT_EQ(0, pthread_create(&thread, NULL, get_ids, &other));
	ASSERT_EQ(0, pthread_join(thread, NULL));

	/* One LKL process: same pid, a task (tid) per host thread. */
	EXPECT_EQ(main_ids.pid, other.pid);
	EXPECT_LT(0, other.tid);
	EXPECT_NE(main_ids.tid, other.tid);

	/* Stable across calls. */
	EXPECT_EQ(main_ids.pid, lkl_sys_getpid());
	EXPECT_EQ(main_ids.tid, lkl_sys_gettid());
}

/* The number of entries in the LKL directory @path, or a negative errno. */
static long count_entries(const char *path)
{
	char buf[4096];
	long fd, n, pos, count = 0;

	fd = lkl_sys_open(path, LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	while ((n = lkl_sys_getdents64(fd, (void *)buf, sizeof(buf))) > 0) {
		for (pos = 0; pos < n; count++) {
			struct lkl_linux_dirent64 *d = (void *)(buf + pos);

			pos += d->d_reclen;
		}
	}
	lkl_sys_close(fd);
	return n < 0 ? n : count;
}

struct lingering {
	struct ids ids;
	pthread_barrier_t called, counted;
};

static void *linger(void *arg)
{
	struct lingering *l = arg;

	get_ids(&l->ids);
	pthread_barrier_wait(&l->called);
	pthread_barrier_wait(&l->counted);
	return NULL;
}

/* A host thread has a task from its first call until it exits. */
TEST_F(booted, thread_exit)
{
	struct lingering l;
	pthread_t thread;
	long before, during;

	ASSERT_EQ(0, lkl_test_mkdir("/proc"));
	ASSERT_EQ(0, lkl_sys_mount("proc", "/proc", "proc", 0, NULL));
	before = count_entries("/proc/self/task");
	ASSERT_LT(0, before);

	pthread_barrier_init(&l.called, NULL, 2);
	pthread_barrier_init(&l.counted, NULL, 2);
	ASSERT_EQ(0, pthread_create(&thread, NULL, linger, &l));
	pthread_barrier_wait(&l.called);
	during = count_entries("/proc/self/task");
	pthread_barrier_wait(&l.counted);
	pthread_join(thread, NULL);

	EXPECT_EQ(lkl_sys_getpid(), l.ids.pid);
	EXPECT_EQ(before + 1, during);
	EXPECT_EQ(before, count_entries("/proc/self/task"));
	EXPECT_EQ(0, lkl_sys_umount2("/proc", 0));
}

#define STORM_THREADS	8
#define STORM_LOOPS	10000

struct storm {
	long pid;
	long ppid;
	atomic_int failures;
	atomic_long last_bad;
	long tids[STORM_THREADS];
};

struct storm_worker {
	struct storm *storm;
	int index;
};

static void storm_fail(struct storm *s, long value)
{
	atomic_fetch_add(&s->failures, 1);
	atomic_store(&s->last_bad, value);
}

static void *storm_thread(void *arg)
{
	struct storm_worker *w = arg;
	struct storm *s = w->storm;
	struct lkl_new_utsname uts;
	long tid = lkl_sys_gettid();
	long ret;
	int i;

	w->storm->tids[w->index] = tid;
	for (i = 0; i < STORM_LOOPS; i++) {
		switch (i % 4) {
		case 0:
			ret = lkl_sys_getpid();
			if (ret != s->pid)
				storm_fail(s, ret);
			break;
		case 1:
			ret = lkl_sys_getppid();
			if (ret != s->ppid)
				storm_fail(s, ret);
			break;
		case 2:
			ret = lkl_sys_uname(&uts);
			if (ret || strcmp(uts.machine, "lkl"))
				storm_fail(s, ret);
			break;
		default:
			ret = lkl_sys_gettid();
			if (ret != tid)
				storm_fail(s, ret);
			break;
		}
	}
	return NULL;
}

struct blocked_reader {
	int fd;
	atomic_int started;
	atomic_int done;
	long ret;
	char buf[16];
};

static void *reader_thread(void *arg)
{
	struct blocked_reader *r = arg;

	atomic_store(&r->started, 1);
	r->ret = lkl_sys_read(r->fd, r->buf, sizeof(r->buf));
	atomic_store(&r->done, 1);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * NSEC_PER_MSEC };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Eight host threads hammer the kernel with system calls while a ninth
 * sleeps in read() on an empty pipe: a blocked call must not hold the CPU.
 */
TEST_F(booted, threads)
{
	struct storm_worker workers[STORM_THREADS];
	pthread_t threads[STORM_THREADS], reader;
	struct blocked_reader r;
	struct storm s;
	int fds[2], i, j, created = 0;

	memset(&s, 0, sizeof(s));
	memset(&r, 0, sizeof(r));
	s.pid = lkl_sys_getpid();
	s.ppid = lkl_sys_getppid();
	ASSERT_LT(0, s.pid);
	ASSERT_LE(0, s.ppid);
	ASSERT_EQ(0, lkl_sys_pipe2(fds, 0));

	r.fd = fds[0];
	ASSERT_EQ(0, pthread_create(&reader, NULL, reader_thread, &r));
	while (!atomic_load(&r.started))
		sleep_ms(1);
	/* Give the reader time to get into the kernel and block there. */
	sleep_ms(50);

	for (i = 0; i < STORM_THREADS; i++) {
		workers[i].storm = &s;
		workers[i].index = i;
		if (pthread_create(&threads[i], NULL, storm_thread, &workers[i]))
			break;
		created++;
	}
	for (i = 0; i < created; i++)
		pthread_join(threads[i], NULL);

	/* The workers all finished while the reader stayed blocked. */
	EXPECT_EQ(STORM_THREADS, created);
	EXPECT_EQ(0, atomic_load(&r.done));
	EXPECT_EQ(0, atomic_load(&s.failures)) {
		TH_LOG("%d bad results, the last one %ld",
		       atomic_load(&s.failures), atomic_load(&s.last_bad));
	}
	for (i = 0; i < created; i++) {
		EXPECT_LT(0, s.tids[i]);
		for (j = 0; j < i; j++)
			EXPECT_NE(s.tids[i], s.tids[j]);
	}

	EXPECT_EQ(5, lkl_sys_write(fds[1], "wake!", 5));
	pthread_join(reader, NULL);
	EXPECT_EQ(5, r.ret);
	EXPECT_EQ(0, memcmp(r.buf, "wake!", 5));

	lkl_sys_close(fds[0]);
	lkl_sys_close(fds[1]);
}

TEST_F(booted, bad_input)
{
	long params[6] = { 0 };
	char buf[16];
	long fd;

	/* No such system call. */
	EXPECT_EQ(-LKL_ENOSYS, lkl_syscall(-1, params));
	EXPECT_EQ(-LKL_ENOSYS, lkl_syscall(100000, params));

	/* A buffer in page 0 is refused by access_ok(), not dereferenced. */
	fd = lkl_sys_open("/efault", LKL_O_CREAT | LKL_O_RDWR, 0644);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, lkl_test_write_all(fd, "0123456789", 10));
	EXPECT_EQ(0, lkl_sys_lseek(fd, 0, LKL_SEEK_SET));
	EXPECT_EQ(-LKL_EFAULT, lkl_sys_read(fd, NULL, 10));
	EXPECT_EQ(-LKL_EFAULT, lkl_sys_read(fd, (char *)64, 10));
	EXPECT_EQ(-LKL_EFAULT, lkl_sys_write(fd, NULL, 10));
	/* The failed calls moved nothing. */
	EXPECT_EQ(10, lkl_sys_read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "0123456789", 10));
	EXPECT_EQ(0, lkl_sys_close(fd));
	EXPECT_EQ(0, lkl_sys_unlink("/efault"));

	/* An unknown filesystem type. */
	ASSERT_EQ(0, lkl_test_mkdir("/mnt"));
	EXPECT_EQ(-LKL_ENODEV,
		  lkl_sys_mount("none", "/mnt", "nosuchfs", 0, NULL));

	/* And the kernel still works. */
	EXPECT_LT(0, lkl_sys_getpid());
}

TEST_F(booted, trigger_irq)
{
	int irq = lkl_get_free_irq("test");

	ASSERT_LT(0, irq);
	/* Nothing handles it: the kernel counts a spurious interrupt. */
	EXPECT_EQ(0, lkl_trigger_irq(irq));
	EXPECT_EQ(-LKL_EINVAL, lkl_trigger_irq(-1));
	EXPECT_EQ(-LKL_EINVAL, lkl_trigger_irq(1 << 20));
	lkl_put_irq(irq, "test");
	EXPECT_LT(0, lkl_sys_getpid());
}

/* What each blocked thread of halt_ends_blocked_calls waits in. */
enum blocked_call { IN_ACCEPT, IN_READ, IN_POLL, IN_SLEEP, BLOCKED_CALLS };

struct blocked {
	enum blocked_call call;
	long fd;
	long ret, after;
};

static void *blocked_thread(void *arg)
{
	struct blocked *b = arg;
	struct __lkl__kernel_timespec ts = { .tv_sec = 3600 };
	struct lkl_pollfd pfd = { .fd = b->fd, .events = LKL_POLLIN };
	char c;

	switch (b->call) {
	case IN_ACCEPT:
		b->ret = lkl_sys_accept(b->fd, NULL, NULL);
		break;
	case IN_READ:
		b->ret = lkl_sys_read(b->fd, &c, 1);
		break;
	case IN_POLL:
		b->ret = lkl_sys_poll(&pfd, 1, -1);
		break;
	default:
		b->ret = lkl_sys_nanosleep(&ts, NULL);
		break;
	}
	/* A thread that tries again finds the kernel gone. */
	b->after = lkl_sys_getpid();
	return NULL;
}

/*
 * lkl_sys_halt() while other threads are blocked in calls: each call
 * returns -EINTR, the threads can be joined, and the process can exit.
 */
TEST(halt_ends_blocked_calls)
{
	struct lkl_sockaddr_in sin = { .sin_family = LKL_AF_INET };
	struct blocked b[BLOCKED_CALLS];
	pthread_t t[BLOCKED_CALLS];
	int i, pair[2];
	long lfd;

	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	lfd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, lkl_sys_bind(lfd, (struct lkl_sockaddr *)&sin,
				  sizeof(sin)));
	ASSERT_EQ(0, lkl_sys_listen(lfd, 1));
	ASSERT_EQ(0, lkl_sys_socketpair(LKL_AF_UNIX, LKL_SOCK_STREAM, 0, pair));

	for (i = 0; i < BLOCKED_CALLS; i++) {
		b[i].call = i;
		b[i].fd = i == IN_ACCEPT ? lfd : pair[0];
		b[i].ret = 1;
		b[i].after = 1;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, blocked_thread, &b[i]));
	}
	/* Let them block; a call that has not started yet fails -ENODEV. */
	usleep(200 * 1000);
	ASSERT_EQ(0, lkl_sys_halt());
	for (i = 0; i < BLOCKED_CALLS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(-LKL_EINTR, b[i].ret) TH_LOG("call %d", i);
		EXPECT_EQ(-LKL_ENODEV, b[i].after) TH_LOG("call %d", i);
	}
	EXPECT_EQ(-LKL_ENODEV, lkl_sys_halt());
}

/* Make calls without pause until the kernel is gone. */
static void *calling_thread(void *arg)
{
	long *ret = arg;

	while ((*ret = lkl_sys_getpid()) > 0)
		;
	return NULL;
}

/*
 * lkl_sys_halt() while threads make calls without pause, so that some
 * wait for the CPU (host/cpu.c) when it halts: all of them return
 * -ENODEV, none is left asleep.
 */
TEST(halt_ends_waits_for_the_cpu)
{
	enum { THREADS = 8 };
	pthread_t t[THREADS];
	long ret[THREADS];
	int i;

	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, calling_thread,
					    &ret[i]));
	usleep(100 * 1000);
	ASSERT_EQ(0, lkl_sys_halt());
	for (i = 0; i < THREADS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(-LKL_ENODEV, ret[i]) TH_LOG("thread %d", i);
	}
}

/*
 * A forked child has a copy of the kernel, which it never halts, and may
 * exit() with it. Under LeakSanitizer, the host objects the kernel keeps
 * in its memory pool must not be reported as leaked then: the pool is a
 * root region (posix-host.c). A report would end the child with an error.
 */
TEST(fork_child_exits_without_halt)
{
	pid_t child;
	int status;

	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	fflush(NULL);
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		exit(0);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("the child ended with status %#x", status);
	}
	ASSERT_EQ(0, lkl_sys_halt());
}

TEST_HARNESS_MAIN
