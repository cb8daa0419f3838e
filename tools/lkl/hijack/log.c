// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: its messages and the kernel's log, both written to the
 * host's stderr with the host's write(), never through the interposed
 * calls.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "hijack.h"

int hijack_debug_level;
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
void hijack_print(const char *str, int len)
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

/**
 * hijack_log_keep_stderr() - keep a copy of the program's stderr
 *
 * Called once the host's calls are looked up, before LKL boots.
 */
void hijack_log_keep_stderr(void)
{
	hijack_stderr_fd = hijack_host.fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC,
					     100);
}
