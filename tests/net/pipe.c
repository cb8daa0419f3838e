// SPDX-License-Identifier: GPL-2.0
/*
 * The pipe backend: two LKL processes (two runs of lkl-net-test) joined by
 * a pair of named FIFOs ping each other and exchange a TCP stream whose
 * checksum both ends print, over IPv4 and IPv6, with offloads on and off.
 * They run as nobody (setpriv) when the tests run as root, which shows
 * that the backend needs no privilege; bad FIFO paths get an error that
 * names them.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "tool-pair.h"

#define NOBODY		65534
#define SETPRIV_NOBODY	"setpriv --reuid=65534 --regid=65534 --clear-groups"
#define STREAM		"64M"
#define STREAM_BYTES	(64ULL << 20)

/* The two ends: A reads a and writes b, B the other way round. */
#define PIPE_A		"-b pipe:a,b " PAIR_ADDRS_A
#define PIPE_B		"-b pipe:b,a " PAIR_ADDRS_B

FIXTURE(pipe) {
	struct tool_pair p;
};

FIXTURE_SETUP(pipe)
{
	const char *why = pair_missing();
	char path[128];

	if (why)
		SKIP(return, "%s", why);
	if (!geteuid() && !test_have("setpriv"))
		SKIP(return, "setpriv is not installed (util-linux)");

	ASSERT_EQ(0, pair_init(&self->p));
	snprintf(path, sizeof(path), "%s/a", self->p.dir);
	ASSERT_EQ(0, mkfifo(path, 0600));
	snprintf(path, sizeof(path), "%s/b", self->p.dir);
	ASSERT_EQ(0, mkfifo(path, 0600));
	if (geteuid())
		return;

	/*
	 * As root, run as nobody: give it the directory, the FIFOs and a
	 * copy of the tool, since the build tree may be closed to it.
	 */
	ASSERT_EQ(0, test_run("cp %s %s/lkl-net-test", LKL_NET_TEST, self->p.dir));
	ASSERT_EQ(0, test_run("chown -R %d:%d %s && chmod 0700 %s", NOBODY, NOBODY,
			      self->p.dir, self->p.dir));
	snprintf(self->p.tool, sizeof(self->p.tool), "%s/lkl-net-test",
		 self->p.dir);
	self->p.prefix = SETPRIV_NOBODY;
	ASSERT_EQ(0, test_run("%s sh -c 'test $(id -u) = %d && test -w %s/a'",
			      SETPRIV_NOBODY, NOBODY, self->p.dir));
}

FIXTURE_TEARDOWN_PARENT(pipe)
{
	pair_cleanup(&self->p);
}

/* A receives a stream from B; both must agree on its checksum. */
static void pipe_tcp(struct __test_metadata *_metadata, struct tool_pair *p,
		     const char *opts, const char *dst)
{
	struct pair_stream sent = { 0 }, got = { 0 };
	char a[256], b[256];
	int ret;

	snprintf(a, sizeof(a), PIPE_A " %s --tcp-sink %d", opts, PAIR_PORT);
	snprintf(b, sizeof(b), PIPE_B " %s --tcp-source %s --bytes " STREAM,
		 opts, dst);
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
	TH_LOG("%llu bytes, %.0f Mbit/s", got.bytes, got.mbit);
}

TEST_F_TIMEOUT(pipe, tcp_ipv4, 90)
{
	pipe_tcp(_metadata, &self->p, "", PAIR_V4_A ":5001");
}

TEST_F_TIMEOUT(pipe, tcp_ipv6, 90)
{
	pipe_tcp(_metadata, &self->p, "", "[" PAIR_V6_A "]:5001");
}

TEST_F_TIMEOUT(pipe, tcp_offloads_off, 90)
{
	pipe_tcp(_metadata, &self->p, "--offloads off", PAIR_V4_A ":5001");
}

/*
 * One end stays up while the other pings it. The first request may find
 * the peer's IPv6 address still tentative, so one reply of the three is
 * enough (lkl-net-test then exits 0).
 */
static void pipe_ping(struct __test_metadata *_metadata, struct tool_pair *p,
		      const char *dst)
{
	char b[256], reply[64];
	int ret;

	snprintf(b, sizeof(b), PIPE_B " --ping %s -c 3", dst);
	snprintf(reply, sizeof(reply), "reply from %s:", dst);
	ret = pair_run(p, PIPE_A " --sleep 6", b);
	if (ret) {
		pair_show(p, "A");
		pair_show(p, "B");
	}
	ASSERT_EQ(0, ret);
	EXPECT_TRUE(pair_says(p, "B", reply));
}

TEST_F_TIMEOUT(pipe, ping_ipv4, 90)
{
	pipe_ping(_metadata, &self->p, PAIR_V4_A);
}

TEST_F_TIMEOUT(pipe, ping_ipv6, 90)
{
	pipe_ping(_metadata, &self->p, PAIR_V6_A);
}

/* When one end leaves, the other gets an error and does not hang. */
TEST_F_TIMEOUT(pipe, peer_leaves, 90)
{
	EXPECT_NE(0, pair_run(&self->p, PIPE_A " --sleep 1",
			      PIPE_B " --timeout 3 --tcp-source "
			      PAIR_V4_A ":5001"));
	EXPECT_EQ(0, test_run("test $(cat %s/A.rc) = 0", self->p.dir));
	EXPECT_EQ(0, test_run("test $(cat %s/B.rc) = 1", self->p.dir));
}

/* Missing FIFOs, files that are not FIFOs and malformed specs. */
TEST_F(pipe, bad_paths)
{
	static const struct {
		const char *spec;
		const char *says;
	} cases[] = {
		{ "pipe:nowhere,b", "pipe:nowhere,b: No such file or directory" },
		{ "pipe:a,nowhere", "pipe:a,nowhere: No such file or directory" },
		{ "pipe:lkl-net-test,b", "pipe:lkl-net-test,b: Invalid argument" },
		{ "pipe:a", "bad backend 'pipe:a'" },
		{ "pipe:,b", "bad backend 'pipe:,b'" },
	};
	char cmd[512];
	size_t i;

	/* The tool is in the directory only when it was copied there. */
	test_run("test -e %s/lkl-net-test || touch %s/lkl-net-test", self->p.dir,
		 self->p.dir);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(cmd, sizeof(cmd),
			 "cd %s && timeout 10 %s %s -b %s --sleep 0 2>&1 | grep -qF \"%s\"",
			 self->p.dir, self->p.prefix, self->p.tool,
			 cases[i].spec, cases[i].says);
		EXPECT_EQ(0, test_run("%s", cmd)) {
			TH_LOG("%s: no \"%s\"", cases[i].spec, cases[i].says);
		}
		EXPECT_EQ(1, test_run("cd %s && timeout 10 %s %s -b %s --sleep 0 2>/dev/null",
				      self->p.dir, self->p.prefix, self->p.tool,
				      cases[i].spec));
	}
}

/*
 * A backend, MAC address or offload list the library's parser refuses
 * stops the tool before LKL boots, with a message naming the option.
 */
TEST_F(pipe, bad_options)
{
	static const struct {
		const char *args;
		const char *says;
	} cases[] = {
		{ "-b wifi:x", "bad backend 'wifi:x'" },
		{ "-b fd:3,x", "bad backend 'fd:3,x'" },
		{ "-b pipe:a,b --mac 01:00:5e:00:00:01", "bad MAC address" },
		{ "-b pipe:a,b --mac 2:0:0:0:0:1", "bad MAC address" },
		{ "-b pipe:a,b --offloads csum,gso", "bad offloads 'csum,gso'" },
		{ "-b pipe:a,b --offloads 8", "bad offloads '8'" },
	};
	char cmd[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(cmd, sizeof(cmd),
			 "cd %s && timeout 10 %s %s %s --sleep 0 2>&1 | grep -qF \"%s\"",
			 self->p.dir, self->p.prefix, self->p.tool,
			 cases[i].args, cases[i].says);
		EXPECT_EQ(0, test_run("%s", cmd)) {
			TH_LOG("%s: no \"%s\"", cases[i].args, cases[i].says);
		}
		EXPECT_EQ(1, test_run("cd %s && timeout 10 %s %s %s --sleep 0 2>/dev/null",
				      self->p.dir, self->p.prefix, self->p.tool,
				      cases[i].args));
	}
}

int main(int argc, char **argv)
{
	pair_start("pipe");
	return test_harness_run(argc, argv);
}
