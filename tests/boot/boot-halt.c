// SPDX-License-Identifier: GPL-2.0
/*
 * boot-halt: boot LKL, make a few system calls, sleep, halt and exit.
 *
 * A helper for the tests in promises.c, small enough that every report
 * valgrind makes about it is about LKL itself. With -n it boots with host
 * operations that have no fibers, so that the idle task gets a host thread
 * of its own. Usage:
 *
 *	boot-halt [-n] [cmdline]
 */
#include <stdio.h>
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>

static struct lkl_host_operations ops;

int main(int argc, char **argv)
{
	struct __lkl__kernel_timespec ts = { 0, 1000000 };
	const char *cmdline = "mem=32M";
	struct lkl_new_utsname uts;
	char buf[8];
	int fds[2];
	long ret;

	ops = lkl_host_ops;
	if (argc > 1 && !strcmp(argv[1], "-n")) {
		ops.fiber_alloc = NULL;
		ops.fiber_enter = NULL;
		ops.fiber_leave = NULL;
		ops.fiber_free = NULL;
		argc--;
		argv++;
	}
	if (argc > 1)
		cmdline = argv[1];

	ret = lkl_start_kernel(&ops, cmdline);
	if (ret) {
		fprintf(stderr, "boot-halt: boot: %s\n", lkl_strerror(ret));
		return 1;
	}

	ret = lkl_sys_uname(&uts);
	if (ret || strcmp(uts.machine, "lkl")) {
		fprintf(stderr, "boot-halt: uname: %ld\n", ret);
		return 2;
	}
	ret = lkl_sys_pipe2(fds, 0);
	if (!ret && lkl_sys_write(fds[1], "ping", 4) == 4 &&
	    lkl_sys_read(fds[0], buf, sizeof(buf)) == 4) {
		lkl_sys_close(fds[0]);
		lkl_sys_close(fds[1]);
	} else {
		fprintf(stderr, "boot-halt: pipe: %ld\n", ret);
		return 3;
	}
	/* A wait: the task switches to the idle task and back. */
	ret = lkl_sys_nanosleep(&ts, NULL);
	if (ret) {
		fprintf(stderr, "boot-halt: nanosleep: %s\n", lkl_strerror(ret));
		return 5;
	}

	ret = lkl_sys_halt();
	if (ret) {
		fprintf(stderr, "boot-halt: halt: %s\n", lkl_strerror(ret));
		return 4;
	}
	return 0;
}
