// SPDX-License-Identifier: GPL-2.0
/*
 * Host files for the tests: read, write, wait for a string in a log, and
 * checksum.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

long test_read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

int test_write_file(const char *path, const char *text)
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

int test_wait_text(const char *path, const char *text, int ms)
{
	static char buf[65536];

	for (; ms > 0; ms -= 50) {
		if (test_read_file(path, buf, sizeof(buf)) >= 0 &&
		    strstr(buf, text))
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

unsigned long long fnv1a(unsigned long long h, const void *buf, size_t len)
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

void test_fill(unsigned long long *buf, size_t len, unsigned long long *x)
{
	size_t i;

	for (i = 0; i < len / sizeof(*buf); i++) {
		*x ^= *x << 13;
		*x ^= *x >> 7;
		*x ^= *x << 17;
		buf[i] = *x;
	}
}

unsigned long long host_sum(const char *path)
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
