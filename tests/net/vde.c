// SPDX-License-Identifier: GPL-2.0
/*
 * The vde backend: a vde_switch from Debian's vde2 joins two LKL processes
 * (two runs of lkl-net-test), which ping each other over IPv4 and IPv6 and
 * exchange a TCP stream whose checksum both ends print. A switch that is
 * not there gets an error that names it. Under ASan the suite skips
 * (Documentation/virt/lkl/reliability.rst).
 *
 * The switch runs as a daemon with a pid file in the test's directory, and
 * is stopped from FIXTURE_TEARDOWN_PARENT, which runs even when a test
 * fails or times out.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tool-pair.h"

#define STREAM		"64M"
#define STREAM_BYTES	(64ULL << 20)

/* The switch's control directory, relative to the test's directory. */
#define VDE_A		"-b vde:sw " PAIR_ADDRS_A
#define VDE_B		"-b vde:sw " PAIR_ADDRS_B

FIXTURE(vde) {
	struct tool_pair p;
};

FIXTURE_SETUP(vde)
{
	const char *why = pair_missing();
	int i;

	if (why)
		SKIP(return, "%s", why);
	if (!test_have("vde_switch"))
		SKIP(return, "vde_switch is not installed (vde2)");
	if (test_run("%s -b vde:/nonexistent --sleep 0 2>&1 | grep -q 'without libvdeplug'",
		     LKL_NET_TEST) == 0)
		SKIP(return, "liblkl is built without libvdeplug (libvdeplug-dev)");
	/*
	 * libvdeplug opens its plugin for "vde:" with RTLD_DEEPBIND, which
	 * the ASan runtime refuses: it aborts the process.
	 */
	if (test_sanitizers() && strstr(test_sanitizers(), "address"))
		SKIP(return, "known: libvdeplug dlopens with RTLD_DEEPBIND, which ASan refuses");

	ASSERT_EQ(0, pair_init(&self->p));
	ASSERT_EQ(0, test_run("vde_switch -s %s/sw -p %s/sw.pid -d </dev/null >%s/sw.log 2>&1",
			      self->p.dir, self->p.dir, self->p.dir));
	/* The daemon writes its pid file once its socket is ready. */
	for (i = 0; i < 50 && test_run("test -s %s/sw.pid", self->p.dir); i++)
		usleep(100 * 1000);
	ASSERT_EQ(0, test_run("test -s %s/sw.pid && test -e %s/sw/ctl",
			      self->p.dir, self->p.dir));
}

FIXTURE_TEARDOWN_PARENT(vde)
{
	if (!self->p.dir[0])
		return;
	test_run("test -s %s/sw.pid && kill $(cat %s/sw.pid)", self->p.dir,
		 self->p.dir);
	pair_cleanup(&self->p);
}

/* One end stays up while the other pings it. */
static void vde_ping(struct __test_metadata *_metadata, struct tool_pair *p,
		     const char *dst)
{
	char b[256], reply[64];
	int ret;

	snprintf(b, sizeof(b), VDE_B " --ping %s -c 3", dst);
	snprintf(reply, sizeof(reply), "reply from %s:", dst);
	ret = pair_run(p, VDE_A " --sleep 6", b);
	if (ret) {
		pair_show(p, "A");
		pair_show(p, "B");
	}
	ASSERT_EQ(0, ret);
	EXPECT_TRUE(pair_says(p, "B", reply));
}

TEST_F_TIMEOUT(vde, ping_ipv4, 90)
{
	vde_ping(_metadata, &self->p, PAIR_V4_A);
}

TEST_F_TIMEOUT(vde, ping_ipv6, 90)
{
	vde_ping(_metadata, &self->p, PAIR_V6_A);
}

TEST_F_TIMEOUT(vde, tcp, 90)
{
	struct pair_stream sent = { 0 }, got = { 0 };
	char a[256], b[256];
	int ret;

	snprintf(a, sizeof(a), VDE_A " --tcp-sink %d", PAIR_PORT);
	snprintf(b, sizeof(b), VDE_B " --tcp-source %s:%d --bytes " STREAM,
		 PAIR_V4_A, PAIR_PORT);
	ret = pair_run(&self->p, a, b);
	if (ret) {
		pair_show(&self->p, "A");
		pair_show(&self->p, "B");
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, pair_stream(&self->p, "B", "sent", &sent));
	ASSERT_EQ(0, pair_stream(&self->p, "A", "received", &got));
	EXPECT_EQ(STREAM_BYTES, sent.bytes);
	EXPECT_EQ(STREAM_BYTES, got.bytes);
	EXPECT_EQ(sent.sum, got.sum);
	TH_LOG("%llu bytes, %.0f Mbit/s", got.bytes, got.mbit);
}

/* No switch at the path: an error naming it, exit status 1. */
TEST_F(vde, no_switch)
{
	EXPECT_EQ(0, test_run("cd %s && timeout 10 %s -b vde:nowhere --sleep 0 2>&1 | %s",
			      self->p.dir, self->p.tool,
			      "grep -q '^lkl-net-test: vde:nowhere: '"));
	EXPECT_EQ(1, test_run("cd %s && timeout 10 %s -b vde:nowhere --sleep 0 2>/dev/null",
			      self->p.dir, self->p.tool));
}

int main(int argc, char **argv)
{
	pair_start("vde");
	return test_harness_run(argc, argv);
}
