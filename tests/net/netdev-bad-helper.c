// SPDX-License-Identifier: GPL-2.0
/*
 * netdev-bad-helper FILE: boot LKL, make the bad-input calls of
 * netdev-bad.h, halt and exit; for netdev-bad.c to run under valgrind,
 * inside a namespace with an unused tap device "tap0".
 *
 * Exits 0 when every call gave the expected result, 1 when some did not
 * (each printed as a "# " line), 2 when LKL did not boot or halt.
 */
#include <stdio.h>

#include <lkl.h>
#include <lkl_host.h>

#include "netdev-bad.h"

int main(int argc, char **argv)
{
	int failed;
	long ret;

	if (argc != 2) {
		fprintf(stderr, "usage: netdev-bad-helper FILE\n");
		return 2;
	}
	ret = lkl_start_kernel(&lkl_host_ops, "mem=32M loglevel=4");
	if (ret) {
		fprintf(stderr, "netdev-bad-helper: boot: %s\n",
			lkl_strerror(ret));
		return 2;
	}
	failed = netdev_bad_input(argv[1]);
	ret = lkl_sys_halt();
	if (ret) {
		fprintf(stderr, "netdev-bad-helper: halt: %s\n",
			lkl_strerror(ret));
		return 2;
	}
	return failed ? 1 : 0;
}
