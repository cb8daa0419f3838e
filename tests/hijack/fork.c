// SPDX-License-Identifier: GPL-2.0
/*
 * fork() under lkl-hijack.sh, with no kernel server: a forked child boots
 * a kernel of its own, with the loopback device only, on its first new
 * socket (see Documentation/virt/lkl/fork.rst).
 *
 * Each program runs with LKL_HIJACK_DEBUG=1, which names every child that
 * boots ("forked child PID: booting a fresh kernel") and prints each
 * kernel's lo counters at exit.
 */
#include "kselftest_harness.h"
#include "hijack-test.h"

/*
 * Four children at once, each a TCP server and client on the same port
 * of its own loopback, 256 KiB each way; the parent's listener on that
 * port still works after them.
 */
static const char children_py[] =
	"import os, socket, threading\n"
	"s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"addr = s.getsockname()\n"
	"def child(n):\n"
	"    t = socket.socket(); t.bind(addr); t.listen()\n"
	"    c = socket.create_connection(addr); a, _ = t.accept()\n"
	"    data = bytes([n]) * 262144\n"
	"    threading.Thread(target=lambda: a.sendall(a.recv(1) + data)).start()\n"
	"    c.sendall(b'x'); got = b''\n"
	"    while len(got) < len(data) + 1:\n"
	"        got += c.recv(65536)\n"
	"    return 0 if got == b'x' + data else 1\n"
	"pids = []\n"
	"for n in range(4):\n"
	"    pid = os.fork()\n"
	"    if pid == 0:\n"
	"        os._exit(child(n))\n"
	"    pids.append(pid)\n"
	"print('children', [os.waitpid(p, 0)[1] for p in pids])\n"
	"c = socket.create_connection(addr); a, _ = s.accept()\n"
	"c.send(b'p'); print('parent', a.recv(1))\n";

/* A child and its child, each on a kernel of its own. */
static const char nested_py[] =
	"import os, socket\n"
	"def serve():\n"
	"    t = socket.socket(); t.bind(('127.0.0.1', 7777)); t.listen()\n"
	"    c = socket.create_connection(('127.0.0.1', 7777)); a, _ = t.accept()\n"
	"    c.send(b'n'); return a.recv(1) == b'n'\n"
	"socket.socket().close()\n"
	"pid = os.fork()\n"
	"if pid == 0:\n"
	"    ok = serve()\n"
	"    pid2 = os.fork()\n"
	"    if pid2 == 0:\n"
	"        os._exit(0 if serve() else 1)\n"
	"    ok = ok and os.waitpid(pid2, 0)[1] == 0\n"
	"    os._exit(0 if ok else 1)\n"
	"print('nested', os.waitpid(pid, 0)[1])\n";

/*
 * The parent forks while one of its threads blocks in accept() inside its
 * kernel; the child's eight threads make their first sockets at once and
 * share one boot.
 */
static const char threads_py[] =
	"import os, socket, threading\n"
	"s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"threading.Thread(target=s.accept, daemon=True).start()\n"
	"pid = os.fork()\n"
	"if pid == 0:\n"
	"    ok = []\n"
	"    def one(i):\n"
	"        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
	"        u.bind(('127.0.0.1', 9000 + i)); u.sendto(b'u', u.getsockname())\n"
	"        ok.append(u.recv(1) == b'u')\n"
	"    ts = [threading.Thread(target=one, args=(i,)) for i in range(8)]\n"
	"    [t.start() for t in ts]; [t.join() for t in ts]\n"
	"    os._exit(0 if ok.count(True) == 8 else 1)\n"
	"print('threads', os.waitpid(pid, 0)[1])\n"
	"socket.create_connection(s.getsockname())\n";

/*
 * A child that only closes descriptors and execs (as subprocess and
 * shells do) boots nothing itself; the program it execs boots as usual.
 */
static const char exec_py[] =
	"import socket, subprocess\n"
	"s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"r = subprocess.run(['/bin/true'], close_fds=True)\n"
	"print('exec', r.returncode)\n";

/*
 * The parent waits on a host pipe and an LKL socket at once (which gives
 * its thread a poll helper) before it forks; the child does the same on a
 * socket of its own kernel.
 */
static const char poll_py[] =
	"import os, select, socket\n"
	"r, w = os.pipe()\n"
	"def mixed():\n"
	"    s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"    c = socket.create_connection(s.getsockname()); a, _ = s.accept()\n"
	"    quiet = select.select([r, a], [], [], 0.05)[0] == []\n"
	"    c.send(b'p')\n"
	"    return quiet and select.select([r, a], [], [], 5)[0] == [a]\n"
	"print('parent', mixed())\n"
	"pid = os.fork()\n"
	"if pid == 0:\n"
	"    os._exit(0 if mixed() else 1)\n"
	"print('child', os.waitpid(pid, 0)[1])\n";

FIXTURE(fork) {
	char dir[64];
	char *out;
};

FIXTURE_SETUP(fork)
{
	static const struct {
		const char *name, *text;
	} scripts[] = {
		{ "children.py", children_py },
		{ "nested.py", nested_py },
		{ "threads.py", threads_py },
		{ "exec.py", exec_py },
		{ "poll.py", poll_py },
	};
	char path[128];
	size_t i;

	self->out = malloc(HJ_OUT_LEN);
	ASSERT_NE(NULL, self->out);
	if (access(LKL_HIJACK, X_OK))
		SKIP(return, "%s is not built (needs libjson-c-dev)", LKL_HIJACK);
	if (!test_have(PYTHON3))
		SKIP(return, "%s is not installed", PYTHON3);
	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-fork-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	for (i = 0; i < ARRAY_SIZE(scripts); i++) {
		snprintf(path, sizeof(path), "%s/%s", self->dir, scripts[i].name);
		ASSERT_EQ(0, test_write_file(path, scripts[i].text));
	}
}

FIXTURE_TEARDOWN(fork)
{
	if (self->dir[0])
		EXPECT_EQ(0, test_run("rm -rf %s", self->dir));
	free(self->out);
}

/* How many times @what occurs in @s. */
static int count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

static int run_py(struct __test_metadata *_metadata, char *out,
		  const char *dir, const char *script)
{
	int ret = test_run_out(out, HJ_OUT_LEN,
			       "LKL_HIJACK_DEBUG=1 timeout 30 %s %s %s/%s",
			       LKL_HIJACK, PYTHON3, dir, script);

	TH_LOG("%s", out);
	return ret;
}

TEST_F(fork, children_talk_on_their_own_loopback)
{
	ASSERT_EQ(0, run_py(_metadata, self->out, self->dir, "children.py"));
	EXPECT_NE(NULL, strstr(self->out, "children [0, 0, 0, 0]"));
	EXPECT_NE(NULL, strstr(self->out, "parent b'p'"));
	EXPECT_EQ(4, count(self->out, "booting a fresh kernel, loopback only"));
}

TEST_F(fork, grandchild_boots_too)
{
	ASSERT_EQ(0, run_py(_metadata, self->out, self->dir, "nested.py"));
	EXPECT_NE(NULL, strstr(self->out, "nested 0"));
	EXPECT_EQ(2, count(self->out, "booting a fresh kernel, loopback only"));
}

TEST_F(fork, child_threads_share_one_boot)
{
	ASSERT_EQ(0, run_py(_metadata, self->out, self->dir, "threads.py"));
	EXPECT_NE(NULL, strstr(self->out, "threads 0"));
	EXPECT_EQ(1, count(self->out, "booting a fresh kernel, loopback only"));
}

TEST_F(fork, child_that_execs_boots_nothing)
{
	ASSERT_EQ(0, run_py(_metadata, self->out, self->dir, "exec.py"));
	EXPECT_NE(NULL, strstr(self->out, "exec 0"));
	EXPECT_EQ(0, count(self->out, "forked child"));
	/* The parent and /bin/true. */
	EXPECT_EQ(2, count(self->out, "booting LKL:"));
}

TEST_F(fork, child_poll_helper_is_its_own)
{
	ASSERT_EQ(0, run_py(_metadata, self->out, self->dir, "poll.py"));
	EXPECT_NE(NULL, strstr(self->out, "parent True"));
	EXPECT_NE(NULL, strstr(self->out, "child 0"));
}

TEST_HARNESS_MAIN
