// SPDX-License-Identifier: GPL-2.0
/*
 * The descriptor calls beyond sockets under lkl-hijack.sh, with LKL's
 * loopback device only (no privilege): sendfile() between host files and
 * LKL sockets. A call that reached the /dev/null placeholder instead of
 * LKL would lose the bytes, or succeed when it should fail.
 */
#include "kselftest_harness.h"
#include "hijack-test.h"

/*
 * os.sendfile() from a host file to an LKL TCP socket, with and without
 * an offset, checked byte for byte at the other end; socket.sendfile();
 * a host to host copy; and an LKL socket as the input, which Linux
 * refuses.
 */
static const char sendfile_py[] =
	"import errno, os, socket, sys, threading\n"
	"path = sys.argv[1] + '/data'\n"
	"d = os.urandom(1000003)\n"
	"open(path, 'wb').write(d)\n"
	"s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"c = socket.create_connection(s.getsockname()); x, _ = s.accept()\n"
	"got = []\n"
	"def rx(n):\n"
	"    b = b''\n"
	"    while len(b) < n:\n"
	"        k = x.recv(65536)\n"
	"        if not k:\n"
	"            break\n"
	"        b += k\n"
	"    got.append(b)\n"
	"def start(n):\n"
	"    t = threading.Thread(target=rx, args=(n,)); t.start(); return t\n"
	"f = os.open(path, os.O_RDONLY)\n"
	"os.lseek(f, 10, os.SEEK_SET)\n"
	"t = start(500000)\n"
	"sent = 0\n"
	"while sent < 500000:\n"
	"    sent += os.sendfile(c.fileno(), f, 1000 + sent, 500000 - sent)\n"
	"t.join()\n"
	"print('offset-bytes', got.pop() == d[1000:501000])\n"
	"print('offset-keeps-position', os.lseek(f, 0, os.SEEK_CUR) == 10)\n"
	"t = start(len(d) - 10)\n"
	"n = 0\n"
	"while True:\n"
	"    k = os.sendfile(c.fileno(), f, None, 1 << 20)\n"
	"    if k == 0:\n"
	"        break\n"
	"    n += k\n"
	"t.join()\n"
	"print('null-offset-bytes', n == len(d) - 10 and got.pop() == d[10:])\n"
	"print('null-offset-advances', os.lseek(f, 0, os.SEEK_CUR) == len(d))\n"
	"t = start(len(d))\n"
	"c.sendfile(open(path, 'rb'))\n"
	"t.join()\n"
	"print('socket-sendfile', got.pop() == d)\n"
	"o = os.open(path + '.copy', os.O_WRONLY | os.O_CREAT | os.O_TRUNC)\n"
	"print('host-to-host', os.sendfile(o, f, 0, 4096) == 4096 and\n"
	"      open(path + '.copy', 'rb').read() == d[:4096])\n"
	"try:\n"
	"    os.sendfile(o, x.fileno(), None, 10)\n"
	"    print('socket-in', 'sent')\n"
	"except OSError as e:\n"
	"    print('socket-in', errno.errorcode[e.errno])\n";

/*
 * os.pipe() under LKL_HIJACK_PIPE, whose value is the first argument
 * after the directory: an LKL pipe has a /dev/null placeholder, a host
 * pipe is "pipe:[N]". Either kind carries bytes, is polled together with
 * an LKL socket, and ends with EOF once its write end is closed.
 */
static const char pipe_py[] =
	"import os, select, socket, threading\n"
	"r, w = os.pipe()\n"
	"link = os.readlink('/proc/self/fd/%d' % r)\n"
	"print('pipe-kind', 'lkl' if link == '/dev/null' else\n"
	"      'host' if link.startswith('pipe:') else link)\n"
	"os.write(w, b'hello')\n"
	"print('pipe-bytes', os.read(r, 100) == b'hello')\n"
	"s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"c = socket.create_connection(s.getsockname()); x, _ = s.accept()\n"
	"p = select.poll()\n"
	"p.register(r, select.POLLIN); p.register(x, select.POLLIN)\n"
	"print('poll-timeout', p.poll(100) == [])\n"
	"threading.Timer(0.2, lambda: os.write(w, b'd')).start()\n"
	"print('poll-pipe', p.poll(5000) == [(r, select.POLLIN)])\n"
	"os.read(r, 1)\n"
	"c.send(b'e')\n"
	"print('poll-sock', p.poll(5000) == [(x.fileno(), select.POLLIN)])\n"
	"os.close(w)\n"
	"print('pipe-eof', os.read(r, 1) == b'')\n";

/*
 * splice() and tee() (through ctypes: python has no os.tee) between LKL
 * descriptors with LKL pipes, EINVAL between a host pipe and an LKL
 * socket; copy_file_range() between the kernels gives EXDEV, vmsplice()
 * on an LKL descriptor EINVAL.
 */
static const char splice_py[] =
	"import ctypes, errno, os, socket, sys\n"
	"libc = ctypes.CDLL(None, use_errno=True)\n"
	"def err(f, *a):\n"
	"    try:\n"
	"        return f(*a)\n"
	"    except OSError as e:\n"
	"        return errno.errorcode[e.errno]\n"
	"def cerr(n):\n"
	"    return n if n >= 0 else errno.errorcode[ctypes.get_errno()]\n"
	"s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"c = socket.create_connection(s.getsockname()); x, _ = s.accept()\n"
	"r, w = os.pipe()\n"
	"c.send(b'spliced')\n"
	"if os.readlink('/proc/self/fd/%d' % r) == '/dev/null':\n"
	"    print('sock-to-pipe', os.splice(x.fileno(), w, 7) == 7 and\n"
	"          os.read(r, 7) == b'spliced')\n"
	"    r2, w2 = os.pipe()\n"
	"    os.write(w, b'teed')\n"
	"    print('tee', libc.tee(r, w2, 4, 0) == 4 and\n"
	"          os.read(r2, 4) == b'teed' and os.read(r, 4) == b'teed')\n"
	"    os.write(w, b'pipe-to-sock')\n"
	"    print('pipe-to-sock', os.splice(r, c.fileno(), 12) == 12 and\n"
	"          x.recv(20) == b'pipe-to-sock')\n"
	"else:\n"
	"    print('mixed-in', err(os.splice, x.fileno(), w, 7))\n"
	"    print('mixed-out', err(os.splice, r, c.fileno(), 7))\n"
	"    print('mixed-tee', cerr(libc.tee(r, x.fileno(), 4, 0)))\n"
	"    hr, hw = os.pipe()\n"
	"    os.write(hw, b'ab')\n"
	"    print('host', os.splice(hr, w, 2) == 2 and os.read(r, 2) == b'ab')\n"
	"f = os.open(sys.argv[1] + '/f', os.O_RDWR | os.O_CREAT)\n"
	"print('copy-file-range', err(os.copy_file_range, f, x.fileno(), 5))\n"
	"print('vmsplice', cerr(libc.vmsplice(x.fileno(), None, 0, 0)))\n";

/*
 * The calls that would succeed on the /dev/null placeholder go to LKL:
 * fstat() sees a socket, an LKL pipe and a host file for what they are,
 * lseek() and pread() on a socket give ESPIPE, fsync() and ftruncate()
 * EINVAL, and FIONREAD counts the bytes queued on the socket.
 */
static const char fdcalls_py[] =
	"import errno, fcntl, os, socket, stat, struct, sys, termios\n"
	"def err(f, *a):\n"
	"    try:\n"
	"        return f(*a)\n"
	"    except OSError as e:\n"
	"        return errno.errorcode[e.errno]\n"
	"s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
	"c = socket.create_connection(s.getsockname()); x, _ = s.accept()\n"
	"r, w = os.pipe()\n"
	"print('fstat-sock', stat.S_ISSOCK(os.fstat(x.fileno()).st_mode))\n"
	"print('fstat-pipe', stat.S_ISFIFO(os.fstat(r).st_mode))\n"
	"print('fstat-file', os.fstat(os.open(sys.argv[0], os.O_RDONLY)).st_size\n"
	"      == os.path.getsize(sys.argv[0]))\n"
	"print('lseek', err(os.lseek, x.fileno(), 0, os.SEEK_CUR))\n"
	"print('pread', err(os.pread, x.fileno(), 1, 0))\n"
	"print('fsync', err(os.fsync, x.fileno()))\n"
	"print('ftruncate', err(os.ftruncate, x.fileno(), 0))\n"
	"c.send(b'12345')\n"
	"import time; time.sleep(0.1)\n"
	"n = fcntl.ioctl(x.fileno(), termios.FIONREAD, b'\\0' * 4)\n"
	"print('fionread', struct.unpack('i', n)[0])\n";

FIXTURE(files) {
	char dir[64];
	char *out;
};

FIXTURE_SETUP(files)
{
	self->dir[0] = '\0';
	self->out = malloc(HJ_OUT_LEN);
	ASSERT_NE(NULL, self->out);
	if (access(LKL_HIJACK, X_OK))
		SKIP(return, "%s is not built (needs libjson-c-dev)", LKL_HIJACK);
	if (!test_have(PYTHON3))
		SKIP(return, "%s is not installed", PYTHON3);
	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-hijack-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(files)
{
	if (self->dir[0])
		EXPECT_EQ(0, test_run("rm -rf %s", self->dir));
	free(self->out);
}

/*
 * The descriptor table full: with the host's limit at 256, the host's
 * table fills first; at 4096 (where the hard limit allows), LKL's own
 * (1024). Either way socket()
 * fails with EMFILE, nothing crashes, and after closing them a socket
 * and a host file open again.
 */
static const char emfile_py[] =
	"import errno, resource, socket\n"
	"hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]\n"
	"for i, limit in enumerate((256, min(4096, hard))):\n"
	"    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))\n"
	"    socks = []\n"
	"    try:\n"
	"        while True:\n"
	"            socks.append(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))\n"
	"    except OSError as e:\n"
	"        print('round', i, len(socks) > 200, errno.errorcode[e.errno])\n"
	"    for s in socks:\n"
	"        s.close()\n"
	"    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
	"    s.bind(('127.0.0.1', 0))\n"
	"    f = open('/dev/null')\n"
	"    print('after', i, s.getsockname()[1] > 0)\n"
	"    s.close(); f.close()\n";

/*
 * Run the python3 script @py (saved as @name in the test's directory,
 * which it gets as its argument) under the hijack with @env, and expect
 * each line of @want in its output.
 */
static void run_py(struct __test_metadata *_metadata, const char *dir,
		   char *out, const char *env, const char *name, const char *py,
		   const char * const *want, size_t nwant)
{
	char path[128];
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ASSERT_EQ(0, test_write_file(path, py));
	EXPECT_EQ(0, test_run_out(out, HJ_OUT_LEN, "%s LKL_HIJACK_DEBUG=1 %s %s %s %s", env,
				  LKL_HIJACK, PYTHON3, path, dir));
	for (i = 0; i < nwant; i++) {
		int found = !!strstr(out, want[i]);

		if (!found)
			TH_LOG("no \"%s\" in:\n%s", want[i], out);
		EXPECT_TRUE(found);
	}
}

TEST_F(files, sendfile_between_host_file_and_lkl_socket)
{
	static const char * const want[] = {
		"offset-bytes True", "offset-keeps-position True",
		"null-offset-bytes True", "null-offset-advances True",
		"socket-sendfile True", "host-to-host True", "socket-in EINVAL",
	};

	run_py(_metadata, self->dir, self->out, "", "sendfile.py", sendfile_py, want,
	       ARRAY_SIZE(want));
	/* About 2.5 MB went through LKL's lo, not to /dev/null. */
	EXPECT_LT(2500000, hj_counter_bytes(self->out, "lo", 1));
}

static const char * const pipe_want[] = {
	"pipe-bytes True", "poll-timeout True", "poll-pipe True",
	"poll-sock True", "pipe-eof True",
};

TEST_F(files, pipe_is_the_hosts_by_default)
{
	run_py(_metadata, self->dir, self->out, "", "pipe.py", pipe_py,
	       pipe_want, ARRAY_SIZE(pipe_want));
	EXPECT_NE(NULL, strstr(self->out, "pipe-kind host"));
}

TEST_F(files, pipe_is_lkls_with_lkl_hijack_pipe_lkl)
{
	run_py(_metadata, self->dir, self->out, "LKL_HIJACK_PIPE=lkl",
	       "pipe.py", pipe_py, pipe_want, ARRAY_SIZE(pipe_want));
	EXPECT_NE(NULL, strstr(self->out, "pipe-kind lkl"));
}

TEST_F(files, splice_and_tee_between_lkl_pipes_and_sockets)
{
	static const char * const want[] = {
		"sock-to-pipe True", "tee True", "pipe-to-sock True",
		"copy-file-range EXDEV", "vmsplice EINVAL",
	};

	run_py(_metadata, self->dir, self->out, "LKL_HIJACK_PIPE=lkl",
	       "splice.py", splice_py, want, ARRAY_SIZE(want));
}

TEST_F(files, splice_between_host_and_lkl_fails_with_einval)
{
	static const char * const want[] = {
		"mixed-in EINVAL", "mixed-out EINVAL", "mixed-tee EINVAL",
		"host True", "copy-file-range EXDEV", "vmsplice EINVAL",
	};

	run_py(_metadata, self->dir, self->out, "", "splice.py", splice_py,
	       want, ARRAY_SIZE(want));
}

TEST_F(files, fd_calls_on_lkl_fds_go_to_lkl)
{
	static const char * const want[] = {
		"fstat-sock True", "fstat-pipe True", "fstat-file True",
		"lseek ESPIPE", "pread ESPIPE", "fsync EINVAL",
		"ftruncate EINVAL", "fionread 5",
	};

	run_py(_metadata, self->dir, self->out, "LKL_HIJACK_PIPE=lkl",
	       "fdcalls.py", fdcalls_py, want, ARRAY_SIZE(want));
}

TEST_F(files, full_descriptor_table_gives_emfile)
{
	static const char * const want[] = {
		"round 0 True EMFILE", "after 0 True",
		"round 1 True EMFILE", "after 1 True",
	};

	run_py(_metadata, self->dir, self->out, "", "emfile.py", emfile_py,
	       want, ARRAY_SIZE(want));
}

TEST_HARNESS_MAIN
