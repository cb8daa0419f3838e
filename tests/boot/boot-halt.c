// SPDX-License-Identifier: GPL-2.0
/*
 * boot-halt: boot LKL, make a few system calls, halt and exit.
 *
 * A helper for the valgrind test in promises.c, small enough that every
 * report valgrind makes about it is about LKL itself. Usage:
 *
 *	boot-halt [cmdline]
 */
#include <stdio.h>
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>

int main(int argc, char **argv)
{
	const char *cmdline = argc > 1 ? argv[1] : "mem=32M";
	struct lkl_new_utsname uts;
	char buf[8];
	int fds[2];
	long ret;

	ret = lkl_start_kernel(&lkl_host_ops, cmdline);
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

	ret = lkl_sys_halt();
	if (ret) {
		fprintf(stderr, "boot-halt: halt: %s\n", lkl_strerror(ret));
		return 4;
	}
	return 0;
}
