/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the hijack suite: run a program under lkl-hijack.sh,
 * read back what it printed, and read LKL's interface counters from the
 * /proc/net/dev dump that LKL_HIJACK_DEBUG=1 prints at exit.
 *
 * Every program runs with LKL_HIJACK_DEBUG=1 unless the test says
 * otherwise, so that the counters prove which stack carried the traffic:
 * a hijack that failed to load would use the host's stack, and print no
 * dump.
 */
#ifndef _LKL_HIJACK_TEST_H
#define _LKL_HIJACK_TEST_H

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef LKL_HIJACK
#define LKL_HIJACK	"lkl-hijack.sh"
#endif

/* Debian's python3, not whatever comes first in PATH. */
#define PYTHON3		"/usr/bin/python3"

#define HJ_OUT_LEN	65536

/* True if @prog is an executable file or found in PATH. */
static inline int hj_have(const char *prog)
{
	char cmd[256];

	if (prog[0] == '/')
		return access(prog, X_OK) == 0;
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/*
 * Run the shell command made from @fmt with /bin/sh, stdout and stderr
 * both into @out (NUL-terminated, truncated to HJ_OUT_LEN - 1).
 * Returns the exit status, 128 + N for a signal, or -1.
 */
static inline int hj_run(char *out, const char *fmt, ...)
{
	char cmd[4096];
	size_t len = 0, n;
	va_list ap;
	FILE *f;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 8, fmt, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while ((n = fread(out + len, 1, HJ_OUT_LEN - 1 - len, f)) > 0)
		len += n;
	out[len] = '\0';
	st = pclose(f);
	if (st < 0)
		return -1;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

/* Write @text to @path. Returns 0 or -1. */
static inline int hj_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

/*
 * From the /proc/net/dev dump in @out, the packets that the interface
 * @ifname received (@tx 0) or sent (@tx 1), or -1 if it is not there.
 */
static inline long long hj_counter(const char *out, const char *ifname, int tx)
{
	unsigned long long f[16];
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), " %s:", ifname);
	p = strstr(out, "LKL's /proc/net/dev at exit");
	if (!p)
		return -1;
	p = strstr(p, key);
	if (!p)
		return -1;
	if (sscanf(p + strlen(key),
		   "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7],
		   &f[8], &f[9]) != 10)
		return -1;
	return tx ? (long long)f[9] : (long long)f[1];
}

/*
 * From the /proc/net/dev dump in @out, the bytes that the interface
 * @ifname received (@tx 0) or sent (@tx 1), or -1 if it is not there.
 */
static inline long long hj_counter_bytes(const char *out, const char *ifname,
					 int tx)
{
	unsigned long long rx_bytes, f[8], tx_bytes;
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), " %s:", ifname);
	p = strstr(out, "LKL's /proc/net/dev at exit");
	if (!p)
		return -1;
	p = strstr(p, key);
	if (!p)
		return -1;
	if (sscanf(p + strlen(key),
		   "%llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &rx_bytes, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6],
		   &tx_bytes) != 9)
		return -1;
	return tx ? (long long)tx_bytes : (long long)rx_bytes;
}

/*
 * Start the shell command made from @fmt in the background, with stdin
 * from /dev/null, stdout and stderr into the file @log, and the signals
 * that a test may send at their defaults. The command should end with
 * "exec PROGRAM", so that the pid returned is the program's.
 * Returns the pid, or -1.
 */
static inline pid_t hj_spawn(const char *log, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	pid = fork();
	if (pid == 0) {
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int in = open("/dev/null", O_RDONLY);
		sigset_t none;

		if (out < 0 || in < 0)
			_exit(127);
		dup2(in, 0);
		dup2(out, 1);
		dup2(out, 2);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Read the file @path into @out (HJ_OUT_LEN). Returns its length or -1. */
static inline long hj_read_file(const char *path, char *out)
{
	FILE *f = fopen(path, "r");
	size_t n;

	out[0] = '\0';
	if (!f)
		return -1;
	n = fread(out, 1, HJ_OUT_LEN - 1, f);
	out[n] = '\0';
	fclose(f);
	return n;
}

/* Wait up to @ms for @text to appear in the file @path: 0, or -1. */
static inline int hj_wait_text(const char *path, const char *text, int ms)
{
	static char buf[HJ_OUT_LEN];

	for (; ms > 0; ms -= 50) {
		if (hj_read_file(path, buf) >= 0 && strstr(buf, text))
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

/* Wait up to @ms for @pid to exit: its wait status, or -1. */
static inline int hj_wait_exit(pid_t pid, int ms)
{
	int st;

	for (; ms > 0; ms -= 50) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		usleep(50 * 1000);
	}
	return -1;
}

#endif /* _LKL_HIJACK_TEST_H */
