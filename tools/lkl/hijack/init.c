// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: boot LKL before main(), halt it at exit, and keep the
 * table of LKL descriptors.
 *
 * The constructor looks up the host's calls, reads the configuration,
 * boots LKL, brings up the loopback device and the configured interfaces,
 * and only then lets the interposed calls send sockets to LKL. Calls made
 * before the constructor (from another library's constructor) boot LKL
 * first. The destructor halts LKL; a forked child never touches the
 * parent's kernel, whose threads it does not have.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lkl_host.h>

#include "hijack.h"
#include "posix/host_io.h"

struct hijack_host_calls hijack_host;
int hijack_debug_level;
int hijack_lkl_pipes;
int hijack_fd_map[HIJACK_MAX_FDS];
enum hijack_state hijack_global_state = HIJACK_HOST;
__thread int hijack_in_setup;
__thread int hijack_errno;
int hijack_ready;

static pthread_once_t hijack_once = PTHREAD_ONCE_INIT;
static struct lkl_host_operations hijack_ops;
static int hijack_null_fd = -1;
/*
 * A copy of the program's stderr, for messages after it is closed: ping
 * closes its stdout and stderr in an atexit() handler, which runs before
 * the destructor that halts LKL and prints the counters.
 */
static int hijack_stderr_fd = -1;

static ssize_t hijack_write_err(const void *buf, size_t len)
{
	ssize_t ret = hijack_host.write(STDERR_FILENO, buf, len);

	if (ret < 0 && errno == EBADF && hijack_stderr_fd >= 0)
		ret = hijack_host.write(hijack_stderr_fd, buf, len);
	return ret;
}

void hijack_log(int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int len;

	if (level > hijack_debug_level)
		return;
	len = snprintf(buf, sizeof(buf), "lkl-hijack: ");
	va_start(ap, fmt);
	len += vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(buf) - 1)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	if (hijack_host.write)
		hijack_write_err(buf, len);
}

/* Kernel log lines go straight to the host's stderr. */
static void hijack_print(const char *str, int len)
{
	while (len > 0) {
		ssize_t ret = hijack_write_err(str, len);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			return;
		str += ret;
		len -= ret;
	}
}

static void *hijack_lookup(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (!fn) {
		fprintf(stderr, "lkl-hijack: the C library has no %s\n", name);
		_exit(1);
	}
	return fn;
}

#define HOST_CALL(name) \
	(*(void **)&hijack_host.name = hijack_lookup(#name))

static void hijack_lookup_host(void)
{
	HOST_CALL(socket);
	HOST_CALL(socketpair);
	HOST_CALL(bind);
	HOST_CALL(listen);
	HOST_CALL(accept);
	HOST_CALL(accept4);
	HOST_CALL(connect);
	HOST_CALL(send);
	HOST_CALL(sendto);
	HOST_CALL(sendmsg);
	HOST_CALL(sendmmsg);
	HOST_CALL(recv);
	HOST_CALL(recvfrom);
	HOST_CALL(recvmsg);
	HOST_CALL(recvmmsg);
	HOST_CALL(getsockopt);
	HOST_CALL(setsockopt);
	HOST_CALL(getsockname);
	HOST_CALL(getpeername);
	HOST_CALL(shutdown);
	HOST_CALL(ioctl);
	HOST_CALL(fcntl);
	HOST_CALL(read);
	HOST_CALL(write);
	HOST_CALL(readv);
	HOST_CALL(writev);
	HOST_CALL(close);
	HOST_CALL(dup);
	HOST_CALL(dup2);
	HOST_CALL(dup3);
	HOST_CALL(poll);
	HOST_CALL(ppoll);
	HOST_CALL(select);
	HOST_CALL(pselect);
	HOST_CALL(epoll_create);
	HOST_CALL(epoll_create1);
	HOST_CALL(epoll_ctl);
	HOST_CALL(epoll_wait);
	HOST_CALL(epoll_pwait);
	HOST_CALL(eventfd);
	HOST_CALL(sendfile);
	HOST_CALL(pipe2);
	HOST_CALL(splice);
	HOST_CALL(tee);
	HOST_CALL(vmsplice);
	HOST_CALL(copy_file_range);
	HOST_CALL(fstat);
	HOST_CALL(lseek);
	HOST_CALL(pread);
	HOST_CALL(pwrite);
	HOST_CALL(ftruncate);
	HOST_CALL(fsync);
	HOST_CALL(fdatasync);
}

/*
 * The library's own threads (disks, network devices, the signal watcher)
 * make their host calls through lkl_host_io: give it the host's calls, so
 * that they never enter the interposers.
 */
static void hijack_use_host_io(void)
{
	lkl_host_io.close = hijack_host.close;
	lkl_host_io.read = hijack_host.read;
	lkl_host_io.write = hijack_host.write;
	lkl_host_io.readv = hijack_host.readv;
	lkl_host_io.writev = hijack_host.writev;
	lkl_host_io.pwrite = hijack_host.pwrite;
	lkl_host_io.poll = hijack_host.poll;
	lkl_host_io.pipe2 = hijack_host.pipe2;
	lkl_host_io.fstat = hijack_host.fstat;
	lkl_host_io.fcntl = hijack_host.fcntl;
	lkl_host_io.ioctl = hijack_host.ioctl;
	lkl_host_io.fdatasync = hijack_host.fdatasync;
	lkl_host_io.socket = hijack_host.socket;
	lkl_host_io.bind = hijack_host.bind;
	lkl_host_io.getsockopt = hijack_host.getsockopt;
	lkl_host_io.setsockopt = hijack_host.setsockopt;
	lkl_host_io.sendmsg = hijack_host.sendmsg;
	lkl_host_io.recvmsg = hijack_host.recvmsg;
}

/*
 * A forked child has the parent's memory but none of LKL's threads: its
 * inherited LKL descriptors fail with EBADF and its new sockets with
 * EAFNOSUPPORT. A child that execs boots a kernel of its own.
 */
static void hijack_atfork_child(void)
{
	if (hijack_global_state == HIJACK_LKL)
		__atomic_store_n(&hijack_global_state, HIJACK_DEAD,
				 __ATOMIC_RELEASE);
}

/* Read LKL's file @path into @buf (NUL-terminated): its length, or -1. */
static long hijack_read_proc(const char *path, char *buf, long size)
{
	long fd, len = 0, n;

	lkl_sys_mkdir("/proc", 0555);
	lkl_sys_mount("proc", "/proc", "proc", 0, NULL);
	fd = lkl_sys_open(path, LKL_O_RDONLY, 0);
	if (fd < 0)
		return -1;
	while (len < size - 1) {
		n = lkl_sys_read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
	}
	lkl_sys_close(fd);
	buf[len] = '\0';
	return len;
}

/* Show LKL's interface counters, so that a user sees which stack ran. */
static void hijack_show_counters(void)
{
	char buf[4096];
	long len = hijack_read_proc("/proc/net/dev", buf, sizeof(buf));

	if (len < 0)
		return;
	hijack_log(1, "LKL's /proc/net/dev at exit:");
	hijack_print(buf, len);
}

/*
 * True if a TCP socket in LKL's /proc/net/tcp or tcp6 has data or a FIN
 * still to send: bytes in its send queue, or the state FIN_WAIT1 (4),
 * LAST_ACK (9) or CLOSING (11).
 */
static int hijack_tcp_sending(void)
{
	static const char * const files[] = {
		"/proc/net/tcp", "/proc/net/tcp6", NULL
	};
	static char buf[65536];
	unsigned int st;
	unsigned long txq;
	char *line;
	int i;

	for (i = 0; files[i]; i++) {
		if (hijack_read_proc(files[i], buf, sizeof(buf)) < 0)
			continue;
		line = strchr(buf, '\n');
		while (line && line[1]) {
			line++;
			if (sscanf(line, "%*d: %*s %*s %x %lx:", &st, &txq) == 2 &&
			    (txq || st == 4 || st == 9 || st == 11))
				return 1;
			line = strchr(line, '\n');
		}
	}
	return 0;
}

/*
 * A host kernel goes on sending what a program wrote and closed after
 * the program exits; LKL stops with the program. Give LKL's TCP sockets
 * up to HIJACK_EXIT_DRAIN_MS to send what they hold, so that a program
 * that writes a file to a socket and exits (socat, curl uploading) is
 * not cut short.
 */
#define HIJACK_EXIT_DRAIN_MS	5000

static void hijack_drain_tcp(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int ms;

	for (ms = 0; ms < HIJACK_EXIT_DRAIN_MS && hijack_tcp_sending(); ms += 10)
		nanosleep(&ts, NULL);
	if (ms >= HIJACK_EXIT_DRAIN_MS)
		hijack_log(1, "TCP data still unsent after %d ms: dropped",
			   HIJACK_EXIT_DRAIN_MS);
}

/* Boot and configure LKL; the configuration is returned for the mounts. */
static struct hijack_config *hijack_setup(void)
{
	struct hijack_config *cfg;
	char cmdline[1024];
	long ret;

	hijack_in_setup = 1;
	hijack_lookup_host();
	hijack_use_host_io();

	cfg = hijack_config_load();
	if (hijack_config_cmdline(cfg, cmdline, sizeof(cmdline)) < 0) {
		fprintf(stderr, "lkl-hijack: config: the boot command line is too long\n");
		exit(1);
	}

	hijack_null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (hijack_null_fd < 0) {
		perror("lkl-hijack: /dev/null");
		exit(1);
	}

	hijack_stderr_fd = hijack_host.fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC,
					     100);

	hijack_ops = lkl_host_ops;
	hijack_ops.print = hijack_print;
	hijack_log(1, "booting LKL: %s", cmdline);
	ret = lkl_start_kernel(&hijack_ops, cmdline);
	if (ret < 0) {
		fprintf(stderr, "lkl-hijack: cannot boot LKL: %s\n",
			lkl_strerror((int)ret));
		exit(1);
	}
	__atomic_store_n(&hijack_global_state, HIJACK_LKL, __ATOMIC_RELEASE);

	/* Ctrl-C and friends end a blocked LKL call as they would a host one. */
	ret = lkl_host_interrupt_on_signals();
	if (ret < 0) {
		fprintf(stderr, "lkl-hijack: cannot watch for signals: %s\n",
			lkl_strerror((int)ret));
		exit(1);
	}

	ret = lkl_if_up(1);
	if (ret < 0) {
		fprintf(stderr, "lkl-hijack: cannot bring lo up: %s\n",
			lkl_strerror((int)ret));
		exit(1);
	}
	hijack_config_apply(cfg);

	pthread_atfork(NULL, NULL, hijack_atfork_child);
	return cfg;
}

static void hijack_run_setup(void)
{
	struct hijack_config *cfg = hijack_setup();

	hijack_config_mount(cfg);
	hijack_config_free(cfg);
	hijack_in_setup = 0;
	__atomic_store_n(&hijack_ready, 1, __ATOMIC_RELEASE);
}

/**
 * hijack_init_once() - boot LKL unless it is booted already
 *
 * Called by the constructor, and by any interposed call that comes first.
 */
void hijack_init_once(void)
{
	pthread_once(&hijack_once, hijack_run_setup);
}

__attribute__((constructor))
static void hijack_init(void)
{
	hijack_init_once();
}

/*
 * Halt LKL when the program exits, from whichever thread calls exit().
 * Sockets still open are closed by the halt; threads still inside LKL
 * calls are ended by it.
 */
__attribute__((destructor))
static void hijack_fini(void)
{
	if (__atomic_load_n(&hijack_global_state, __ATOMIC_ACQUIRE) !=
	    HIJACK_LKL)
		return;
	hijack_drain_tcp();
	if (hijack_debug_level >= 1)
		hijack_show_counters();
	__atomic_store_n(&hijack_global_state, HIJACK_DEAD, __ATOMIC_RELEASE);
	hijack_config_unmount();
	hijack_log(1, "halting LKL");
	lkl_sys_halt();
}

/**
 * hijack_fd_install() - give an LKL descriptor a host number
 * @lkl_fd: the LKL descriptor, or a negative LKL errno
 * @min: the lowest host number to use, as for F_DUPFD
 *
 * Reserves the lowest free host number from @min with a close-on-exec duplicate of
 * /dev/null and maps it to @lkl_fd. On failure @lkl_fd is closed.
 *
 * Return: the host number, or -1 with errno set (also when @lkl_fd is an
 * error).
 */
int hijack_fd_install(long lkl_fd, int min)
{
	int fd;

	if (lkl_fd < 0)
		return hijack_ret(lkl_fd);
	fd = hijack_host.fcntl(hijack_null_fd, F_DUPFD_CLOEXEC, min);
	if (fd < 0 || fd >= HIJACK_MAX_FDS) {
		if (fd >= 0)
			hijack_host.close(fd);
		lkl_sys_close(lkl_fd);
		errno = EMFILE;
		return -1;
	}
	__atomic_store_n(&hijack_fd_map[fd], (int)lkl_fd + 1, __ATOMIC_RELEASE);
	errno = hijack_errno;
	return fd;
}

/**
 * hijack_fd_install_at() - map a chosen host number to an LKL descriptor
 * @lkl_fd: the LKL descriptor
 * @fd: the host number, for dup2() and dup3(); whatever it was is closed
 *
 * Return: @fd, or -1 with errno set (@lkl_fd is then closed).
 */
int hijack_fd_install_at(long lkl_fd, int fd)
{
	int old;

	if (fd < 0 || fd >= HIJACK_MAX_FDS) {
		lkl_sys_close(lkl_fd);
		errno = EBADF;
		return -1;
	}
	if (hijack_host.dup3(hijack_null_fd, fd, O_CLOEXEC) < 0) {
		lkl_sys_close(lkl_fd);
		return -1;
	}
	hijack_epoll_forget(fd);
	old = __atomic_exchange_n(&hijack_fd_map[fd], (int)lkl_fd + 1,
				  __ATOMIC_ACQ_REL);
	if (old)
		lkl_sys_close(old - 1);
	return fd;
}

/**
 * hijack_fd_release() - forget the LKL descriptor behind a host number
 * @fd: the host number
 *
 * The placeholder itself stays open: the caller closes or reuses it.
 *
 * Return: the LKL descriptor that was mapped, or -1 if there was none.
 */
int hijack_fd_release(int fd)
{
	if (fd < 0 || fd >= HIJACK_MAX_FDS)
		return -1;
	return __atomic_exchange_n(&hijack_fd_map[fd], 0, __ATOMIC_ACQ_REL) - 1;
}
