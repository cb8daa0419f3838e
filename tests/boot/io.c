// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes, eventfd and epoll inside LKL, with waits timed on the host clock.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lkl-test.h"

FIXTURE(io) {
	int unused;
};

FIXTURE_SETUP(io)
{
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
}

FIXTURE_TEARDOWN(io)
{
	EXPECT_EQ(0, lkl_sys_halt());
}

TEST_F(io, pipe2)
{
	char buf[8];
	int fds[2];

	ASSERT_EQ(0, lkl_sys_pipe2(fds, LKL_O_NONBLOCK | LKL_O_CLOEXEC));
	EXPECT_EQ(-LKL_EAGAIN, lkl_sys_read(fds[0], buf, sizeof(buf)));
	EXPECT_EQ(3, lkl_sys_write(fds[1], "abc", 3));
	EXPECT_EQ(3, lkl_sys_read(fds[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	EXPECT_EQ(LKL_FD_CLOEXEC, lkl_sys_fcntl(fds[0], LKL_F_GETFD, 0));

	/* The reader sees end of file once the writer is gone. */
	EXPECT_EQ(0, lkl_sys_close(fds[1]));
	EXPECT_EQ(0, lkl_sys_read(fds[0], buf, sizeof(buf)));
	EXPECT_EQ(0, lkl_sys_close(fds[0]));
}

TEST_F(io, eventfd)
{
	unsigned long long val = 3;
	long efd;

	efd = lkl_sys_eventfd2(0, LKL_O_NONBLOCK);
	ASSERT_LE(0, efd);
	EXPECT_EQ(-LKL_EAGAIN, lkl_sys_read(efd, (void *)&val, sizeof(val)));

	val = 3;
	EXPECT_EQ(sizeof(val), lkl_sys_write(efd, (void *)&val, sizeof(val)));
	val = 0;
	EXPECT_EQ(sizeof(val), lkl_sys_read(efd, (void *)&val, sizeof(val)));
	EXPECT_EQ(3, val);

	/* Writes add up; a read takes the sum and resets it. */
	val = 2;
	EXPECT_EQ(sizeof(val), lkl_sys_write(efd, (void *)&val, sizeof(val)));
	EXPECT_EQ(sizeof(val), lkl_sys_write(efd, (void *)&val, sizeof(val)));
	val = 0;
	EXPECT_EQ(sizeof(val), lkl_sys_read(efd, (void *)&val, sizeof(val)));
	EXPECT_EQ(4, val);
	EXPECT_EQ(-LKL_EAGAIN, lkl_sys_read(efd, (void *)&val, sizeof(val)));
	EXPECT_EQ(0, lkl_sys_close(efd));
}

struct late_writer {
	long efd;
	long delay_ms;
	long ret;
};

static void *late_write(void *arg)
{
	struct late_writer *w = arg;
	struct timespec ts = { 0, w->delay_ms * NSEC_PER_MSEC };
	unsigned long long one = 1;

	nanosleep(&ts, NULL);
	w->ret = lkl_sys_write(w->efd, (void *)&one, sizeof(one));
	return NULL;
}

TEST_F(io, epoll_wait)
{
	struct lkl_epoll_event ev, events[4];
	struct late_writer w;
	long long t0, elapsed;
	pthread_t thread;
	unsigned long long val = 1;
	long efd, epfd;

	efd = lkl_sys_eventfd2(0, LKL_O_NONBLOCK);
	ASSERT_LE(0, efd);
	epfd = lkl_sys_epoll_create1(0);
	ASSERT_LE(0, epfd);
	memset(&ev, 0, sizeof(ev));
	ev.events = LKL_EPOLLIN;
	ev.data = 42;
	ASSERT_EQ(0, lkl_sys_epoll_ctl(epfd, LKL_EPOLL_CTL_ADD, efd, &ev));

	/* Nothing to read: times out, and not early. */
	t0 = host_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(0, lkl_sys_epoll_wait(epfd, events, 4, 100));
	elapsed = host_ns(CLOCK_MONOTONIC) - t0;
	EXPECT_LE(100 * NSEC_PER_MSEC, elapsed);
	EXPECT_GT(150 * NSEC_PER_MSEC, elapsed) {
		TH_LOG("a 100 ms epoll_wait took %lld us", elapsed / 1000);
	}

	/* Readable: returns at once with our data. */
	EXPECT_EQ(sizeof(val), lkl_sys_write(efd, (void *)&val, sizeof(val)));
	memset(events, 0, sizeof(events));
	t0 = host_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(1, lkl_sys_epoll_wait(epfd, events, 4, 5000));
	elapsed = host_ns(CLOCK_MONOTONIC) - t0;
	EXPECT_TRUE(events[0].events & LKL_EPOLLIN);
	EXPECT_EQ(42, events[0].data);
	EXPECT_GT(50 * NSEC_PER_MSEC, elapsed);
	EXPECT_EQ(sizeof(val), lkl_sys_read(efd, (void *)&val, sizeof(val)));

	/* Woken by a write from another host thread while it waits. */
	w.efd = efd;
	w.delay_ms = 50;
	w.ret = 0;
	ASSERT_EQ(0, pthread_create(&thread, NULL, late_write, &w));
	t0 = host_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(1, lkl_sys_epoll_wait(epfd, events, 4, 5000));
	elapsed = host_ns(CLOCK_MONOTONIC) - t0;
	pthread_join(thread, NULL);
	EXPECT_EQ(sizeof(val), w.ret);
	EXPECT_LE(40 * NSEC_PER_MSEC, elapsed);
	EXPECT_GT(1000 * NSEC_PER_MSEC, elapsed) {
		TH_LOG("woken after %lld us", elapsed / 1000);
	}

	EXPECT_EQ(0, lkl_sys_close(epfd));
	EXPECT_EQ(0, lkl_sys_close(efd));
}

/* A reader blocked in LKL, and what lkl_interrupt_thread() does to it. */
struct blocked_reader {
	int fd;
	lkl_thread_t self;
	long first, second;
	char c;
};

static void *blocked_reader_fn(void *arg)
{
	struct blocked_reader *r = arg;
	sigset_t usr1;

	__atomic_store_n(&r->self, lkl_host_ops.thread_self(),
			 __ATOMIC_RELEASE);
	__atomic_store_n(&r->first, lkl_sys_read(r->fd, &r->c, 1),
			 __ATOMIC_RELEASE);
	/* A SIGUSR1 still on its way must not end the second read. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	r->second = lkl_sys_read(r->fd, &r->c, 1);
	return NULL;
}

TEST_F(io, interrupt_thread)
{
	struct blocked_reader r = { 0 };
	pthread_t thread;
	int fds[2];

	ASSERT_EQ(0, lkl_sys_pipe2(fds, 0));
	r.fd = fds[0];
	ASSERT_EQ(0, pthread_create(&thread, NULL, blocked_reader_fn, &r));
	while (!__atomic_load_n(&r.self, __ATOMIC_ACQUIRE))
		usleep(1000);
	/* Let it block in the read; interrupting earlier is fine too. */
	usleep(50000);
	EXPECT_EQ(0, lkl_interrupt_thread(r.self));
	/* The first read gives up; the second waits for data as usual. */
	usleep(50000);
	EXPECT_EQ(1, lkl_sys_write(fds[1], "x", 1));
	pthread_join(thread, NULL);
	EXPECT_EQ(-LKL_EINTR, r.first);
	EXPECT_EQ(1, r.second);
	EXPECT_EQ('x', r.c);

	/* A thread that never called in has no task to interrupt. */
	EXPECT_EQ(-LKL_ESRCH, lkl_interrupt_thread(lkl_host_ops.thread_self() + 1));
	lkl_sys_close(fds[0]);
	lkl_sys_close(fds[1]);
}

/*
 * A host signal on a thread blocked in LKL ends its call with EINTR. Only
 * the POSIX host offers that: rumpuser has no way to break a host wait
 * from a signal handler, so rump-io (LKL_TEST_RUMP) leaves it out.
 */
#ifndef LKL_TEST_RUMP
static void on_sigusr1(int sig)
{
	(void)sig;
}

TEST_F(io, host_signal_interrupts)
{
	/* Without SA_RESTART, as host calls would fail with EINTR then. */
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct blocked_reader r = { 0 };
	pthread_t thread;
	int fds[2], i;

	ASSERT_EQ(0, lkl_host_interrupt_on_signals());
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, lkl_sys_pipe2(fds, 0));
	r.fd = fds[0];
	ASSERT_EQ(0, pthread_create(&thread, NULL, blocked_reader_fn, &r));
	while (!__atomic_load_n(&r.self, __ATOMIC_ACQUIRE))
		usleep(1000);
	/*
	 * A signal that comes before the read blocks is lost (the host's
	 * read would miss it too): on a loaded machine, signal again until
	 * the first read has given up.
	 */
	for (i = 0; i < 200 && !__atomic_load_n(&r.first, __ATOMIC_ACQUIRE); i++) {
		usleep(50000);
		ASSERT_EQ(0, pthread_kill(thread, SIGUSR1));
	}
	usleep(50000);
	EXPECT_EQ(1, lkl_sys_write(fds[1], "y", 1));
	pthread_join(thread, NULL);
	EXPECT_EQ(-LKL_EINTR, r.first);
	EXPECT_EQ(1, r.second);
	EXPECT_EQ('y', r.c);
	signal(SIGUSR1, SIG_DFL);
	lkl_sys_close(fds[0]);
	lkl_sys_close(fds[1]);
}
#endif

TEST_HARNESS_MAIN
