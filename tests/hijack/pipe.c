// SPDX-License-Identifier: GPL-2.0
/*
 * Two hijacked processes, two LKL kernels, joined by the pipe backend
 * (two FIFOs), run as an ordinary user: an iperf3 server and client.
 *
 * As root, the test drops to nobody with setpriv, in a directory only
 * nobody can enter. The test holds both FIFOs open itself, so that the
 * server does not wait for the client to open them. Both kernels' eth0
 * counters, printed at exit, must show what iperf3 moved.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "hijack-test.h"

#define SERVER_IP	"10.14.0.1"
#define CLIENT_IP	"10.14.0.2"
#define NOBODY		65534

FIXTURE(pipe) {
	char dir[64];
	char as_user[128];
	pid_t server;
	char out[HJ_OUT_LEN];
};

FIXTURE_SETUP(pipe)
{
	char path[128];

	if (access(LKL_HIJACK, X_OK))
		SKIP(return, "%s is not built (needs libjson-c-dev)", LKL_HIJACK);
	if (!test_have("iperf3") || !test_have(PYTHON3))
		SKIP(return, "needs iperf3 and python3");
	if (!geteuid() && !test_have("setpriv"))
		SKIP(return, "needs setpriv (util-linux) to drop root");

	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-hijack-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(path, sizeof(path), "%s/to-server", self->dir);
	ASSERT_EQ(0, mkfifo(path, 0600));
	snprintf(path, sizeof(path), "%s/to-client", self->dir);
	ASSERT_EQ(0, mkfifo(path, 0600));
	if (!geteuid()) {
		ASSERT_EQ(0, test_run_out(self->out, HJ_OUT_LEN, "chown -R %d:%d %s", NOBODY,
					  NOBODY, self->dir));
		snprintf(self->as_user, sizeof(self->as_user),
			 "setpriv --reuid=%d --regid=%d --clear-groups",
			 NOBODY, NOBODY);
	}
}

FIXTURE_TEARDOWN_PARENT(pipe)
{
	if (self->server > 0) {
		kill(self->server, SIGKILL);
		waitpid(self->server, NULL, 0);
	}
	if (self->dir[0])
		test_run("rm -rf %s", self->dir);
}

TEST_F_TIMEOUT(pipe, iperf3_between_two_hijacked_processes, 60)
{
	char path[128], srv_log[128], cli_log[128];
	double bytes, bps;
	pid_t pid;
	int st, a, b;

	/* Held open, not read: each side opens without waiting for the other. */
	snprintf(path, sizeof(path), "%s/to-server", self->dir);
	a = open(path, O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/to-client", self->dir);
	b = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);

	snprintf(srv_log, sizeof(srv_log), "%s/server.log", self->dir);
	snprintf(cli_log, sizeof(cli_log), "%s/client.err", self->dir);
	pid = test_spawn(srv_log,
			 "cd %1$s && exec %2$s env LKL_HIJACK_DEBUG=1 LKL_HIJACK_NET_IFTYPE=pipe LKL_HIJACK_NET_IFPARAMS=to-server,to-client LKL_HIJACK_NET_IP=%3$s %4$s iperf3 -s -1 --forceflush",
			 self->dir, self->as_user, SERVER_IP, LKL_HIJACK);
	ASSERT_LT(0, pid);
	self->server = pid;
	ASSERT_EQ(0, test_wait_text(srv_log, "Server listening", 20000)) {
		test_read_file(srv_log, self->out, HJ_OUT_LEN);
		TH_LOG("%s", self->out);
	}

	st = test_run_out(self->out, HJ_OUT_LEN,
			  "(cd %1$s && %2$s sh -c 'id -u >&2; exec env LKL_HIJACK_DEBUG=1 LKL_HIJACK_NET_IFTYPE=pipe LKL_HIJACK_NET_IFPARAMS=to-client,to-server LKL_HIJACK_NET_IP=%3$s %4$s iperf3 -c %5$s -t 2 -J' > client.json 2> client.err)",
			  self->dir, self->as_user, CLIENT_IP, LKL_HIJACK, SERVER_IP);
	test_read_file(cli_log, self->out, HJ_OUT_LEN);
	ASSERT_EQ(0, st) {
		TH_LOG("%s", self->out);
	}
	/* The client's first line, from id -u, says who ran it. */
	if (!geteuid())
		EXPECT_EQ(NOBODY, atoi(self->out));
	snprintf(path, sizeof(path), "%s/client.json", self->dir);
	ASSERT_EQ(0, test_run_out(self->out, HJ_OUT_LEN, PYTHON3 " -c 'import json, sys; "
				  "e = json.load(open(sys.argv[1]))[\"end\"][\"sum_received\"]; "
				  "print(e[\"bytes\"], e[\"bits_per_second\"])' %s",
				  path)) {
		TH_LOG("%s", self->out);
	}
	ASSERT_EQ(2, sscanf(self->out, "%lf %lf", &bytes, &bps));
	TH_LOG("iperf3 over the pipe backend: %.2f Gbit/s", bps / 1e9);
	EXPECT_LT(1024 * 1024, bytes);

	test_read_file(cli_log, self->out, HJ_OUT_LEN);
	EXPECT_LE(bytes, hj_counter_bytes(self->out, "eth0", 1)) {
		TH_LOG("%s", self->out);
	}
	st = test_wait_exit(pid, 10000);
	self->server = 0;
	test_read_file(srv_log, self->out, HJ_OUT_LEN);
	EXPECT_TRUE(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		TH_LOG("status %#x:\n%s", st, self->out);
	}
	EXPECT_LE(bytes, hj_counter_bytes(self->out, "eth0", 0)) {
		TH_LOG("%s", self->out);
	}
	close(a);
	close(b);
}

TEST_HARNESS_MAIN
