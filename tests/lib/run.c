// SPDX-License-Identifier: GPL-2.0
/*
 * Host commands for the tests: every command runs as "/bin/sh -c CMD",
 * started by cmd_start(), and the variants differ only in where its
 * output goes and whether the caller waits.
 *
 * posix_spawn() is used rather than fork(): a test process has LKL's
 * threads and a large heap, and the child must do nothing but exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "testlib.h"

#define CMD_LEN		4096

/* What a command's standard streams are. */
struct cmd_io {
	const char *in;		/* a file for stdin, or NULL for the test's */
	const char *log;	/* a file for stdout and stderr, or NULL */
	int out;		/* a descriptor for stdout, or -1 */
	int err;		/* a descriptor for stderr, or -1 */
	bool err_null;		/* stderr to /dev/null */
};

/* Start @cmd with the streams @io; returns its pid, or -1. */
static pid_t cmd_start(const char *cmd, const struct cmd_io *io)
{
	char *const argv[] = { "sh", "-c", (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	pid_t pid;
	int ret;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	if (io->in)
		posix_spawn_file_actions_addopen(&fa, 0, io->in, O_RDONLY, 0);
	if (io->log) {
		posix_spawn_file_actions_addopen(&fa, 1, io->log, O_WRONLY |
						 O_CREAT | O_TRUNC, 0644);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	}
	if (io->out >= 0)
		posix_spawn_file_actions_adddup2(&fa, io->out, 1);
	if (io->err >= 0)
		posix_spawn_file_actions_adddup2(&fa, io->err, 2);
	if (io->err_null)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
						 O_WRONLY, 0);
	ret = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return ret ? -1 : pid;
}

/* Wait for @pid: its exit status, 128 + N for signal N, or -1. */
static int cmd_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/*
 * Run @cmd and wait for it. With @out, its standard output (and its
 * standard error unless @err_null) is read into @out, at most
 * @size - 1 bytes and a NUL; the rest is read and thrown away, so that
 * the command never blocks on a full pipe.
 */
static int cmd_run(const char *cmd, char *out, size_t size, bool err_null)
{
	struct cmd_io io = { .out = -1, .err = -1, .err_null = err_null };
	char drain[512];
	size_t len = 0;
	int pipefd[2];
	pid_t pid;
	ssize_t n;

	if (!out) {
		pid = cmd_start(cmd, &io);
		return pid < 0 ? -1 : cmd_wait(pid);
	}
	out[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	io.out = pipefd[1];
	if (!err_null)
		io.err = pipefd[1];
	pid = cmd_start(cmd, &io);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return -1;
	}
	for (;;) {
		if (len < size - 1)
			n = read(pipefd[0], out + len, size - 1 - len);
		else
			n = read(pipefd[0], drain, sizeof(drain));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len < size - 1)
			len += n;
	}
	out[len] = '\0';
	close(pipefd[0]);
	return cmd_wait(pid);
}

int test_run(const char *fmt, ...)
{
	char cmd[CMD_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return cmd_run(cmd, NULL, 0, false);
}

int test_run_out(char *out, size_t size, const char *fmt, ...)
{
	char cmd[CMD_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return cmd_run(cmd, out, size, false);
}

long long test_run_num(const char *fmt, ...)
{
	char cmd[CMD_LEN], out[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cmd_run(cmd, out, sizeof(out), true);
	if (!out[0])
		return -1;
	return strtoll(out, NULL, 0);
}

pid_t test_spawn(const char *log, const char *fmt, ...)
{
	struct cmd_io io = { .in = "/dev/null", .log = log, .out = -1,
			     .err = -1 };
	char cmd[CMD_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return cmd_start(cmd, &io);
}

int test_wait_exit(pid_t pid, int ms)
{
	int st;

	for (; ms > 0; ms -= 50) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		usleep(50 * 1000);
	}
	return -1;
}

bool test_have(const char *prog)
{
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	return test_run("command -v %s >/dev/null 2>&1", prog) == 0;
}

const char *test_sanitizers(void)
{
	const char *list = getenv("LKL_SANITIZE");

	return list && *list ? list : NULL;
}

bool test_have_all(const char *progs)
{
	return test_run("for t in %s; do command -v $t >/dev/null || exit 1; done",
			progs) == 0;
}

char *test_helper(const char *name)
{
	char exe[4096], *slash, *path;
	ssize_t len;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if (asprintf(&path, "%s/%s", exe, name) < 0)
		return NULL;
	return path;
}

int make_ext4(const char *img, int mb)
{
	return test_run("mkfs.ext4 -q -F %s %dM >/dev/null 2>&1", img, mb);
}
