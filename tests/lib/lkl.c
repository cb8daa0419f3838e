// SPDX-License-Identifier: GPL-2.0
/*
 * Clocks, the LKL file calls that the tests repeat, and the check of what
 * an LKL call returned.
 */
#include <stdio.h>

#include <lkl.h>

#include "testlib.h"

long long host_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

long long lkl_ns(int clk)
{
	struct __lkl__kernel_timespec ts;
	long ret;

	ret = lkl_sys_clock_gettime(clk, &ts);
	if (ret < 0)
		return ret;
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

long lkl_test_mkdir(const char *path)
{
	long ret = lkl_sys_mkdir(path, 0755);

	return ret == -LKL_EEXIST ? 0 : ret;
}

long lkl_test_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	long fd, n;

	fd = lkl_sys_open(path, LKL_O_RDONLY, 0);
	if (fd < 0)
		return fd;
	while (len < size - 1) {
		n = lkl_sys_read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			lkl_sys_close(fd);
			return n;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	lkl_sys_close(fd);
	return len;
}

long lkl_test_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	long n;

	while (len) {
		n = lkl_sys_write(fd, p, len);
		if (n < 0)
			return n;
		if (n == 0)
			return -LKL_EIO;
		p += n;
		len -= n;
	}
	return 0;
}

void lkl_test_check(int *failed, const char *call, long got, long want)
{
	if (got == want)
		return;
	fprintf(stderr, "# %s: got %ld (%s), want %ld (%s)\n", call, got,
		lkl_strerror(got), want, lkl_strerror(want));
	(*failed)++;
}
