/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the LKL boot suite.
 *
 * Every test binary is a single translation unit that includes
 * kselftest_harness.h and then this header. The harness forks once per
 * test, and a process can boot LKL only once, so each test boots its own
 * kernel, in the test body or in FIXTURE_SETUP, never before
 * test_harness_run().
 */
#ifndef _LKL_TEST_H
#define _LKL_TEST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <lkl.h>
#include <lkl_host.h>

/* The command line of every test that does not test the command line. */
#define LKL_TEST_MEM_MB		64
#define LKL_TEST_CMDLINE	"mem=64M loglevel=4"

#define NSEC_PER_USEC	1000LL
#define NSEC_PER_MSEC	1000000LL
#define NSEC_PER_SEC	1000000000LL

/* The host's clock @clk, in nanoseconds. */
static inline long long host_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* LKL's clock @clk in nanoseconds, or a negative errno. */
static inline long long lkl_ns(int clk)
{
	struct __lkl__kernel_timespec ts;
	long ret;

	ret = lkl_sys_clock_gettime(clk, &ts);
	if (ret < 0)
		return ret;
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* mkdir inside LKL that accepts an existing directory. */
static inline long lkl_test_mkdir(const char *path)
{
	long ret = lkl_sys_mkdir(path, 0755);

	return ret == -LKL_EEXIST ? 0 : ret;
}

/*
 * Read the file @path inside LKL into @buf and NUL-terminate it.
 * Returns the length read, or a negative errno.
 */
static inline long lkl_test_read_file(const char *path, char *buf, size_t size)
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

/* Write all of @buf to the LKL file @fd. Returns 0 or a negative errno. */
static inline long lkl_test_write_all(int fd, const void *buf, size_t len)
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

#endif /* _LKL_TEST_H */
