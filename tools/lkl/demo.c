// SPDX-License-Identifier: GPL-2.0
/*
 * Boot LKL, make a few system calls and shut it down again.
 *
 * This is the smallest complete LKL program: it shows the kernel answering
 * uname(), a procfs read and getpid() from inside the host process.
 */
#include <stdio.h>
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>

static int check(long ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "demo: %s: %s\n", what, lkl_strerror((int)ret));
		return -1;
	}
	return 0;
}

static int show_uname(void)
{
	struct lkl_new_utsname uts;

	if (check(lkl_sys_uname(&uts), "uname"))
		return -1;
	printf("uname: %s %s\n", uts.machine, uts.release);
	return 0;
}

static int show_proc_version(void)
{
	char buf[512];
	long ret, fd, len;
	int err = 0;

	ret = lkl_sys_mkdirat(LKL_AT_FDCWD, "/proc", 0755);
	if (ret != -LKL_EEXIST && check(ret, "mkdir /proc"))
		return -1;
	if (check(lkl_sys_mount("proc", "/proc", "proc", 0, NULL), "mount /proc"))
		return -1;

	fd = lkl_sys_openat(LKL_AT_FDCWD, "/proc/version", LKL_O_RDONLY, 0);
	if (check(fd, "open /proc/version"))
		return -1;
	len = lkl_sys_read(fd, buf, sizeof(buf) - 1);
	if (len >= 0 && len < (long)sizeof(buf)) {
		buf[len] = '\0';
		printf("/proc/version: %s%s", buf,
		       len && buf[len - 1] == '\n' ? "" : "\n");
	} else {
		check(len < 0 ? len : -LKL_EIO, "read /proc/version");
		err = -1;
	}
	if (check(lkl_sys_close(fd), "close /proc/version"))
		err = -1;
	return err;
}

static int show_pid(void)
{
	long pid = lkl_sys_getpid();

	if (check(pid, "getpid"))
		return -1;
	printf("getpid: %ld\n", pid);
	return 0;
}

int main(void)
{
	long ret;
	int err;

	ret = lkl_start_kernel(&lkl_host_ops, "mem=64M");
	if (ret < 0) {
		fprintf(stderr, "demo: cannot boot LKL: %s\n", lkl_strerror((int)ret));
		return 1;
	}

	err = show_uname();
	if (!err)
		err = show_proc_version();
	if (!err)
		err = show_pid();

	/* Halt even after an error, so that the kernel's threads end cleanly. */
	ret = lkl_sys_halt();
	if (check(ret, "halt"))
		err = -1;
	fflush(stdout);
	return err ? 1 : 0;
}
