// SPDX-License-Identifier: GPL-2.0
/*
 * Unmodified Debian programs under lkl-hijack.sh with no configuration:
 * LKL's loopback device only, no privilege needed.
 *
 * Each test checks that LKL's stack, not the host's, did the work: a port
 * the host holds is free inside LKL, the host sees no connection, and
 * LKL's own lo counters (printed at exit with LKL_HIJACK_DEBUG=1) moved.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "hijack-test.h"

/* A TCP server and client in one python3 process, on a given port. */
static const char tcp_py[] =
	"import socket, sys, threading\n"
	"port = int(sys.argv[1])\n"
	"s = socket.socket()\n"
	"s.bind(('127.0.0.1', port))\n"
	"s.listen()\n"
	"c = socket.create_connection(('127.0.0.1', port))\n"
	"a, _ = s.accept()\n"
	"data = bytes(range(256)) * 4096\n"
	"def send():\n"
	"    c.sendall(data)\n"
	"    c.shutdown(socket.SHUT_WR)\n"
	"threading.Thread(target=send).start()\n"
	"got = b''\n"
	"while True:\n"
	"    b = a.recv(65536)\n"
	"    if not b:\n"
	"        break\n"
	"    got += b\n"
	"print('received', len(got), got == data)\n";

/* http.server on a thread and urllib in the same process. */
static const char http_py[] =
	"import http.server, threading, urllib.request, functools, sys\n"
	"d = sys.argv[1]\n"
	"h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=d)\n"
	"srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), h)\n"
	"threading.Thread(target=srv.serve_forever, daemon=True).start()\n"
	"url = 'http://127.0.0.1:%d/data' % srv.server_address[1]\n"
	"body = urllib.request.urlopen(url).read()\n"
	"print('fetched', len(body), body == open(d + '/data', 'rb').read())\n"
	"srv.shutdown()\n";

/*
 * poll, select and epoll over a host pipe and an LKL socket together:
 * timeouts, either side becoming ready, and a wake-up from another thread.
 */
static const char mixed_py[] =
	"import os, select, selectors, socket, threading\n"
	"r, w = os.pipe()\n"
	"s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"c = socket.create_connection(s.getsockname()); x, _ = s.accept()\n"
	"sel = selectors.EpollSelector()\n"
	"sel.register(r, selectors.EVENT_READ, 'pipe')\n"
	"sel.register(x, selectors.EVENT_READ, 'sock')\n"
	"print('epoll-timeout', sel.select(0.1) == [])\n"
	"c.send(b'a')\n"
	"print('epoll-sock', [k.data for k, _ in sel.select(5)] == ['sock'])\n"
	"x.recv(1); os.write(w, b'b')\n"
	"print('epoll-pipe', [k.data for k, _ in sel.select(5)] == ['pipe'])\n"
	"print('select-pipe', select.select([r, x], [], [], 5)[0] == [r])\n"
	"os.read(r, 1)\n"
	"print('select-timeout', select.select([r, x], [], [], 0.1)[0] == [])\n"
	"p = select.poll(); p.register(r, select.POLLIN); p.register(x, select.POLLIN)\n"
	"print('poll-timeout', p.poll(100) == [])\n"
	"threading.Timer(0.2, lambda: c.send(b'c')).start()\n"
	"print('poll-sock-thread', p.poll(5000) == [(x.fileno(), select.POLLIN)])\n"
	"x.recv(1)\n"
	"threading.Timer(0.2, lambda: os.write(w, b'd')).start()\n"
	"print('poll-pipe-thread', p.poll(5000) == [(r, select.POLLIN)])\n"
	"print('fd-below-setsize', max(x.fileno(), c.fileno()) < 1024)\n";

/* Exit from another thread while the main thread blocks in accept(). */
static const char exit_py[] =
	"import ctypes, socket, threading\n"
	"s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"threading.Timer(0.3, lambda: ctypes.CDLL(None).exit(7)).start()\n"
	"s.accept()\n";

/*
 * A forked child's inherited LKL socket gives EBADF, a new one works (in
 * a kernel of the child's own); the parent's still works; exec boots a
 * new kernel.
 */
static const char fork_py[] =
	"import errno, os, socket, subprocess, sys\n"
	"s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"addr = s.getsockname()\n"
	"pid = os.fork()\n"
	"if pid == 0:\n"
	"    code = 0\n"
	"    try:\n"
	"        s.getsockname()\n"
	"    except OSError as e:\n"
	"        code |= 1 if e.errno == errno.EBADF else 0\n"
	"    t = socket.socket(); t.bind(addr); t.listen()\n"
	"    code |= 2\n"
	"    os._exit(code)\n"
	"print('child', os.waitpid(pid, 0)[1] >> 8)\n"
	"print('parent', s.getsockname()[0])\n"
	"out = subprocess.run(['ip', '-o', 'link'], capture_output=True, text=True).stdout\n"
	"print('exec', 'lo:' in out and 'sit0' in out)\n";

FIXTURE(hijack) {
	char dir[64];
	char *out;
};

FIXTURE_SETUP(hijack)
{
	char path[128];

	self->out = malloc(HJ_OUT_LEN);
	ASSERT_NE(NULL, self->out);
	if (access(LKL_HIJACK, X_OK))
		SKIP(return, "%s is not built (needs libjson-c-dev)", LKL_HIJACK);
	if (!test_have(PYTHON3))
		SKIP(return, "%s is not installed", PYTHON3);
	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-hijack-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(path, sizeof(path), "%s/hj-tcp.py", self->dir);
	ASSERT_EQ(0, test_write_file(path, tcp_py));
	snprintf(path, sizeof(path), "%s/hj-http.py", self->dir);
	ASSERT_EQ(0, test_write_file(path, http_py));
	snprintf(path, sizeof(path), "%s/hj-mixed.py", self->dir);
	ASSERT_EQ(0, test_write_file(path, mixed_py));
	snprintf(path, sizeof(path), "%s/hj-exit.py", self->dir);
	ASSERT_EQ(0, test_write_file(path, exit_py));
	snprintf(path, sizeof(path), "%s/hj-fork.py", self->dir);
	ASSERT_EQ(0, test_write_file(path, fork_py));
}

FIXTURE_TEARDOWN(hijack)
{
	if (self->dir[0])
		EXPECT_EQ(0, test_run("rm -rf %s", self->dir));
	free(self->out);
}

/*
 * The host holds a listening port on 127.0.0.1; inside LKL python binds
 * the same port, moves 1 MiB over it, and the host listener sees nothing.
 */
TEST_F(hijack, tcp_over_lkl_loopback)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int hs;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	hs = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, hs);
	ASSERT_EQ(0, bind(hs, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(hs, 4));
	ASSERT_EQ(0, getsockname(hs, (struct sockaddr *)&sa, &len));

	EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN,
				  "LKL_HIJACK_DEBUG=1 %s %s %s/hj-tcp.py %d", LKL_HIJACK,
				  PYTHON3, self->dir, ntohs(sa.sin_port)));
	TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "received 1048576 True"));
	EXPECT_LT(10, hj_counter(self->out, "lo", 0));
	EXPECT_LT(10, hj_counter(self->out, "lo", 1));
	/* Nothing reached the host's listener. */
	EXPECT_EQ(-1, accept(hs, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	close(hs);
}

TEST_F(hijack, http_server_and_client_in_one_process)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/data", self->dir);
	ASSERT_EQ(0, test_run("head -c 300000 /dev/urandom > %s", path));
	EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN,
				  "LKL_HIJACK_DEBUG=1 %s %s %s/hj-http.py %s",
				  LKL_HIJACK, PYTHON3, self->dir, self->dir));
	EXPECT_NE(NULL, strstr(self->out, "fetched 300000 True")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_LT(10, hj_counter(self->out, "lo", 0));
}

TEST_F(hijack, poll_select_epoll_on_host_and_lkl_fds)
{
	static const char * const want[] = {
		"epoll-timeout True", "epoll-sock True", "epoll-pipe True",
		"select-pipe True", "select-timeout True", "poll-timeout True",
		"poll-sock-thread True", "poll-pipe-thread True",
		"fd-below-setsize True",
	};
	size_t i;

	EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN, "%s %s %s/hj-mixed.py", LKL_HIJACK,
				  PYTHON3, self->dir));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		int found = !!strstr(self->out, want[i]);

		if (!found)
			TH_LOG("no \"%s\" in:\n%s", want[i], self->out);
		EXPECT_TRUE(found);
	}
}

/* iproute2 talks netlink to LKL: it sees LKL's devices, not the host's. */
TEST_F(hijack, ip_shows_and_changes_lkl_interfaces)
{
	char *host = malloc(HJ_OUT_LEN), *name, *save, *line;
	char path[128];

	ASSERT_NE(NULL, host);
	if (!test_have("ip"))
		SKIP(return, "iproute2 is not installed");

	EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN, "%s ip addr", LKL_HIJACK));
	EXPECT_NE(NULL, strstr(self->out, "1: lo: <LOOPBACK,UP,LOWER_UP>"));
	EXPECT_NE(NULL, strstr(self->out, "inet 127.0.0.1/8"));

	/* None of the host's interfaces but lo shows up. */
	ASSERT_EQ(0, test_run_out(host, HJ_OUT_LEN, "ip -o link | cut -d: -f2"));
	for (line = strtok_r(host, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char key[64];

		name = line + strspn(line, " ");
		name[strcspn(name, "@")] = '\0';
		if (!strcmp(name, "lo") || !strcmp(name, "sit0"))
			continue;
		snprintf(key, sizeof(key), ": %s:", name);
		EXPECT_EQ(NULL, strstr(self->out, key)) {
			TH_LOG("the host's %s shows under the hijack", name);
		}
	}
	free(host);

	/* One process, one kernel: change the MTU and read it back. */
	snprintf(path, sizeof(path), "%s/batch", self->dir);
	ASSERT_EQ(0, test_write_file(path, "link set lo mtu 1400\nlink show lo\n"));
	EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN, "%s ip -batch %s", LKL_HIJACK, path));
	EXPECT_NE(NULL, strstr(self->out, "lo: <LOOPBACK,UP,LOWER_UP> mtu 1400")) {
		TH_LOG("%s", self->out);
	}
}

TEST_F(hijack, exit_from_another_thread_halts_lkl)
{
	int i;

	/* Several times: the halt races with the thread blocked in LKL. */
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(7, test_run_out(self->out, HJ_OUT_LEN,
					  "LKL_HIJACK_DEBUG=1 %s %s %s/hj-exit.py",
					  LKL_HIJACK, PYTHON3, self->dir));
		EXPECT_NE(NULL, strstr(self->out, "lkl-hijack: halting LKL")) {
			TH_LOG("%s", self->out);
		}
	}
}

TEST_F(hijack, fork_child_gets_ebadf_and_own_kernel)
{
	if (!test_have("ip"))
		SKIP(return, "iproute2 is not installed");
	EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN, "%s %s %s/hj-fork.py", LKL_HIJACK,
				  PYTHON3, self->dir));
	EXPECT_NE(NULL, strstr(self->out, "child 3"));
	EXPECT_NE(NULL, strstr(self->out, "parent 127.0.0.1"));
	EXPECT_NE(NULL, strstr(self->out, "exec True"));
	TH_LOG("%s", self->out);
}

/* User plus system time of process @pid in clock ticks, or -1. */
static long long cpu_ticks(pid_t pid)
{
	unsigned long long utime, stime;
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields 14 and 15, counted after the command name in parentheses. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &utime, &stime) != 2)
		return -1;
	return utime + stime;
}

/* An idle hijacked server uses well under 1% of a core over 10 s. */
TEST_F_TIMEOUT(hijack, idle_server_uses_no_cpu, 60)
{
	long long t0, t1;
	pid_t pid;

	pid = test_spawn("/dev/null",
			 "exec %s %s -m http.server --bind 127.0.0.1 8000",
			 LKL_HIJACK, PYTHON3);
	ASSERT_LT(0, pid);
	sleep(2);
	t0 = cpu_ticks(pid);
	sleep(10);
	t1 = cpu_ticks(pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ASSERT_LE(0, t0);
	ASSERT_LE(0, t1);
	TH_LOG("%lld clock ticks of %ld/s in 10 s", t1 - t0, sysconf(_SC_CLK_TCK));
	EXPECT_GT(sysconf(_SC_CLK_TCK) / 10, t1 - t0);
}

TEST_HARNESS_MAIN
