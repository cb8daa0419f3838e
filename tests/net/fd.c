// SPDX-License-Identifier: GPL-2.0
/*
 * The fd backend: two LKL processes (two runs of lkl-net-test) joined by a
 * SOCK_SEQPACKET socket pair that they inherit, one end each, exchange a
 * TCP stream with plain frames and with 12-byte virtio-net headers (and
 * so the offloads). A descriptor that is not open, a bad header length
 * and a stream socket are refused with an error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "tool-pair.h"

#define STREAM		"64M"
#define STREAM_BYTES	(64ULL << 20)
#define SOCK_BUF	(4 << 20)

FIXTURE(fd) {
	struct tool_pair p;
	int sv[2];
};

FIXTURE_SETUP(fd)
{
	const char *why = pair_missing();
	int i, size = SOCK_BUF;

	self->sv[0] = -1;
	self->sv[1] = -1;
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, pair_init(&self->p));
	/* Inherited by both runs: each uses its own end. */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET, 0, self->sv));
	for (i = 0; i < 2; i++) {
		setsockopt(self->sv[i], SOL_SOCKET, SO_SNDBUF, &size,
			   sizeof(size));
		setsockopt(self->sv[i], SOL_SOCKET, SO_RCVBUF, &size,
			   sizeof(size));
	}
}

FIXTURE_TEARDOWN_PARENT(fd)
{
	pair_cleanup(&self->p);
}

static void fd_tcp(struct __test_metadata *_metadata, struct tool_pair *p,
		   const int *sv, int hdr)
{
	struct pair_stream sent = { 0 }, got = { 0 };
	char a[256], b[256];
	int ret;

	snprintf(a, sizeof(a), "-b fd:%d,%d %s --tcp-sink %d", sv[0], hdr,
		 PAIR_ADDRS_A, PAIR_PORT);
	snprintf(b, sizeof(b), "-b fd:%d,%d %s --tcp-source %s:%d --bytes %s",
		 sv[1], hdr, PAIR_ADDRS_B, PAIR_V4_A, PAIR_PORT, STREAM);
	ret = pair_run(p, a, b);
	if (ret) {
		pair_show(p, "A");
		pair_show(p, "B");
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, pair_stream(p, "B", "sent", &sent));
	ASSERT_EQ(0, pair_stream(p, "A", "received", &got));
	EXPECT_EQ(STREAM_BYTES, sent.bytes);
	EXPECT_EQ(STREAM_BYTES, got.bytes);
	EXPECT_EQ(sent.sum, got.sum);
	TH_LOG("header %d: %llu bytes, %.0f Mbit/s", hdr, got.bytes, got.mbit);
}

TEST_F_TIMEOUT(fd, tcp_plain, 90)
{
	fd_tcp(_metadata, &self->p, self->sv, 0);
}

TEST_F_TIMEOUT(fd, tcp_vnet_hdr, 90)
{
	fd_tcp(_metadata, &self->p, self->sv, 12);
}

TEST_F(fd, bad)
{
	int st[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, st));
	EXPECT_EQ(0, test_run("%s -b fd:99 --sleep 0 2>&1 | grep -q 'fd:99: Bad file descriptor'",
			      self->p.tool));
	EXPECT_EQ(0, test_run("%s -b fd:%d,7 --sleep 0 2>&1 | grep -q 'Invalid argument'",
			      self->p.tool, self->sv[0]));
	EXPECT_EQ(0, test_run("%s -b fd:%d --sleep 0 2>&1 | grep -q 'Invalid argument'",
			      self->p.tool, st[0]));
	EXPECT_EQ(1, test_run("%s -b fd:%d --sleep 0 2>/dev/null", self->p.tool,
			      st[0]));
	close(st[0]);
	close(st[1]);
}

int main(int argc, char **argv)
{
	pair_start("fd");
	return test_harness_run(argc, argv);
}
