// SPDX-License-Identifier: GPL-2.0
/*
 * TCP over LKL's own loopback device: 16 MiB from one host thread to
 * another through 127.0.0.1 inside the kernel, checked byte for byte.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lkl-test.h"

#define LOOPBACK_IFINDEX	1
#define STREAM_BYTES		(16UL << 20)
#define CHUNK			(64UL << 10)

FIXTURE(net) {
	int unused;
};

FIXTURE_SETUP(net)
{
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
}

FIXTURE_TEARDOWN(net)
{
	EXPECT_EQ(0, lkl_sys_halt());
}

/* Byte @i of the stream: it differs between any two nearby blocks. */
static unsigned char pattern(unsigned long i)
{
	return (i * 7 + (i >> 13)) & 0xff;
}

struct sender {
	struct lkl_sockaddr_in addr;
	const char *failed;
	long err;
	unsigned long sent;
};

static void *send_stream(void *arg)
{
	static unsigned char buf[CHUNK];
	struct sender *s = arg;
	unsigned long off, i;
	long fd, n;

	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
	if (fd < 0) {
		s->failed = "socket";
		s->err = fd;
		return NULL;
	}
	n = lkl_sys_connect(fd, (struct lkl_sockaddr *)&s->addr,
			    sizeof(s->addr));
	if (n < 0) {
		s->failed = "connect";
		s->err = n;
		goto out;
	}
	for (off = 0; off < STREAM_BYTES; off += CHUNK) {
		for (i = 0; i < CHUNK; i++)
			buf[i] = pattern(off + i);
		for (i = 0; i < CHUNK; i += n) {
			n = lkl_sys_sendto(fd, buf + i, CHUNK - i, 0, NULL, 0);
			if (n <= 0) {
				s->failed = "sendto";
				s->err = n;
				goto out;
			}
			s->sent += n;
		}
	}
out:
	lkl_sys_close(fd);
	return NULL;
}

TEST_F(net, loopback_tcp)
{
	static unsigned char buf[CHUNK];
	unsigned long received = 0, bad = 0, first_bad = 0, i;
	struct lkl_sockaddr_in addr;
	long long t0, elapsed;
	struct sender s;
	pthread_t thread;
	long lfd, fd, n = 0;
	int len;

	ASSERT_EQ(0, lkl_if_up(LOOPBACK_IFINDEX));

	lfd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = LKL_AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = 0;
	ASSERT_EQ(0, lkl_sys_bind(lfd, (struct lkl_sockaddr *)&addr,
				  sizeof(addr)));
	ASSERT_EQ(0, lkl_sys_listen(lfd, 1));
	len = sizeof(addr);
	ASSERT_EQ(0, lkl_sys_getsockname(lfd, (struct lkl_sockaddr *)&addr,
					 &len));
	ASSERT_NE(0, addr.sin_port);

	memset(&s, 0, sizeof(s));
	s.addr = addr;
	t0 = host_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, pthread_create(&thread, NULL, send_stream, &s));

	fd = lkl_sys_accept(lfd, NULL, NULL);
	EXPECT_LE(0, fd);
	while (fd >= 0) {
		n = lkl_sys_recvfrom(fd, buf, sizeof(buf), 0, NULL, NULL);
		EXPECT_LE(0, n);
		if (n <= 0)
			break;
		for (i = 0; i < (unsigned long)n; i++) {
			if (buf[i] != pattern(received + i) && !bad++)
				first_bad = received + i;
		}
		received += n;
	}
	/*
	 * The sender's close ends the stream. If this side gave up early,
	 * close it, so that the sender fails instead of blocking, and join
	 * the sender before anything can end the test.
	 */
	if (fd < 0 || n < 0) {
		lkl_sys_close(fd >= 0 ? fd : lfd);
		fd = -1;
	}
	pthread_join(thread, NULL);
	elapsed = host_ns(CLOCK_MONOTONIC) - t0;

	EXPECT_EQ(0, s.err) {
		TH_LOG("sender: %s: %s", s.failed, lkl_strerror(s.err));
	}
	EXPECT_EQ(STREAM_BYTES, s.sent);
	EXPECT_EQ(STREAM_BYTES, received);
	EXPECT_EQ(0, bad) {
		TH_LOG("%lu bad bytes, the first at offset %lu", bad,
		       first_bad);
	}
	TH_LOG("%lu bytes in %lld ms", received, elapsed / NSEC_PER_MSEC);

	if (fd >= 0)
		EXPECT_EQ(0, lkl_sys_close(fd));
	lkl_sys_close(lfd);
}

TEST_HARNESS_MAIN
