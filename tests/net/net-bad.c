// SPDX-License-Identifier: GPL-2.0
/*
 * net-bad: boot LKL, make every bad-input call of the network
 * configuration API (see net-test.h), halt and exit.
 *
 * A helper for the valgrind test in config.c: it shows that the error
 * paths leak nothing. Exits 0 when every call gave the expected error,
 * 1 when some did not (each printed as a "# " line), 2 when LKL did not
 * boot or halt.
 */
#include <stdio.h>

#include <lkl.h>
#include <lkl_host.h>

#include "net-test.h"

int main(void)
{
	int failed;
	long ret;

	ret = lkl_start_kernel(&lkl_host_ops, "mem=32M loglevel=4");
	if (ret) {
		fprintf(stderr, "net-bad: boot: %s\n", lkl_strerror(ret));
		return 2;
	}
	ret = lkl_if_up(LOOPBACK_IFINDEX);
	if (ret) {
		fprintf(stderr, "net-bad: lo up: %s\n", lkl_strerror(ret));
		return 2;
	}
	failed = net_bad_input();
	ret = lkl_sys_halt();
	if (ret) {
		fprintf(stderr, "net-bad: halt: %s\n", lkl_strerror(ret));
		return 2;
	}
	return failed ? 1 : 0;
}
