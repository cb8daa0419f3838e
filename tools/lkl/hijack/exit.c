// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: what is left to do at exit before LKL halts: let
 * LKL's TCP sockets send what they hold, and show LKL's interface
 * counters, both read from LKL's /proc.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hijack.h"

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
void hijack_show_counters(void)
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

void hijack_drain_tcp(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int ms;

	for (ms = 0; ms < HIJACK_EXIT_DRAIN_MS && hijack_tcp_sending(); ms += 10)
		nanosleep(&ts, NULL);
	if (ms >= HIJACK_EXIT_DRAIN_MS)
		hijack_log(1, "TCP data still unsent after %d ms: dropped",
			   HIJACK_EXIT_DRAIN_MS);
}
