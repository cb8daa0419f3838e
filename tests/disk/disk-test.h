/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the LKL disk suite: running the host's programs
 * (mkfs, the checkers, the tools under test) and checksumming data.
 *
 * Like ../boot/lkl-test.h, this is included once per test binary, after
 * kselftest_harness.h; nothing here boots LKL.
 */
#ifndef _DISK_TEST_H
#define _DISK_TEST_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>

/* Run a shell command; returns its exit status, or -1. */
static inline int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	return ret == -1 || !WIFEXITED(ret) ? -1 : WEXITSTATUS(ret);
}

/* Does the host have the program @tool? */
static inline int have(const char *tool)
{
	return run("command -v %s >/dev/null 2>&1", tool) == 0;
}

/* 0 if the host has every program in the list @tools, else 1. */
static inline int have_all(const char *tools)
{
	return run("for t in %s; do command -v $t >/dev/null || exit 1; done",
		   tools);
}

/* Make an empty ext4 image of @mb MiB at @img; returns mkfs's status. */
static inline int make_ext4(const char *img, int mb)
{
	return run("mkfs.ext4 -q -F %s %dM >/dev/null 2>&1", img, mb);
}

#define FNV_INIT	0xcbf29ce484222325ULL

/* A 64-bit FNV-1a style hash, continued from @h, a word at a time. */
static inline unsigned long long fnv1a(unsigned long long h, const void *buf,
				       size_t len)
{
	const unsigned char *p = buf;
	unsigned long long w;

	for (; len >= sizeof(w); len -= sizeof(w), p += sizeof(w)) {
		memcpy(&w, p, sizeof(w));
		h = (h ^ w) * 0x100000001b3ULL;
	}
	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

/* Fill @buf with a pseudo-random pattern from the state *@x. */
static inline void fill(unsigned long long *buf, size_t len,
			unsigned long long *x)
{
	size_t i;

	for (i = 0; i < len / sizeof(*buf); i++) {
		*x ^= *x << 13;
		*x ^= *x >> 7;
		*x ^= *x << 17;
		buf[i] = *x;
	}
}

/* The fnv1a() checksum of the whole host file @path, or 0. */
static inline unsigned long long host_sum(const char *path)
{
	static char buf[1024 * 1024];
	unsigned long long sum = FNV_INIT;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sum = fnv1a(sum, buf, n);
	close(fd);
	return sum;
}

#endif /* _DISK_TEST_H */
