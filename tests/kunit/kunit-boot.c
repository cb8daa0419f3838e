// SPDX-License-Identifier: GPL-2.0
/*
 * kunit-boot: boot an LKL kernel built with CONFIG_KUNIT, which runs its
 * KUnit suites during boot, and halt it.
 *
 *	kunit-boot [-m MiB] [kernel parameter ...]
 *
 * The kernel log, with the KTAP that KUnit prints, goes to stdout, as
 * "kunit.py parse" wants it: at loglevel 8 and without printk
 * timestamps. Extra arguments are added to the kernel command line, for
 * example kunit.filter_glob=list-kunit-test.
 *
 * Exit status: 0 when every suite passed or was skipped, 1 when a suite
 * failed or no KTAP came out, 2 when the kernel panicked or did not boot,
 * 3 on bad usage. It needs only the installed lkl headers and liblkl.a.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

/* Some suites allocate a lot; UML's kunit.py runs use mem=1G too. */
#define KUNIT_BOOT_MEM_MB	1024

static struct lkl_host_operations ops;

/* The line being printed, to look for top-level results. */
static char line[512];
static size_t line_len;
static int saw_ktap, saw_failure;

static void check_line(void)
{
	line[line_len] = '\0';
	/* Top-level lines are the suites; a test case is indented. */
	if (!strncmp(line, "KTAP version", 12) || !strncmp(line, "TAP version", 11))
		saw_ktap = 1;
	else if (!strncmp(line, "not ok ", 7))
		saw_failure = 1;
	line_len = 0;
}

static void kunit_print(const char *str, int len)
{
	int i;

	fwrite(str, 1, len, stdout);
	for (i = 0; i < len; i++) {
		if (str[i] == '\n') {
			check_line();
			continue;
		}
		if (line_len < sizeof(line) - 1)
			line[line_len++] = str[i];
	}
}

static void kunit_panic(const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "kunit-boot: kernel panic: %s\n", msg);
	_exit(2);
}

static void print_usage(void)
{
	fprintf(stderr, "usage: kunit-boot [-m MiB] [kernel parameter ...]\n");
	exit(3);
}

int main(int argc, char **argv)
{
	unsigned long mem = KUNIT_BOOT_MEM_MB;
	char cmdline[4096];
	size_t used;
	char *end;
	long ret;
	int opt, i;

	while ((opt = getopt(argc, argv, "m:")) != -1) {
		switch (opt) {
		case 'm':
			errno = 0;
			mem = strtoul(optarg, &end, 10);
			if (errno || *end || mem < 16 || mem > 65536) {
				fprintf(stderr,
					"kunit-boot: -m %s: not a size in MiB from 16 to 65536\n",
					optarg);
				return 3;
			}
			break;
		default:
			print_usage();
		}
	}

	used = snprintf(cmdline, sizeof(cmdline),
			"mem=%luM loglevel=8 printk.time=0", mem);
	for (i = optind; i < argc; i++) {
		ret = snprintf(cmdline + used, sizeof(cmdline) - used, " %s",
			       argv[i]);
		if (ret < 0 || (size_t)ret >= sizeof(cmdline) - used) {
			fprintf(stderr, "kunit-boot: the command line is too long\n");
			return 3;
		}
		used += ret;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	ops = lkl_host_ops;
	ops.print = kunit_print;
	ops.panic = kunit_panic;

	/* The suites run in the boot, before lkl_start_kernel() returns. */
	ret = lkl_start_kernel(&ops, cmdline);
	if (ret) {
		fprintf(stderr, "kunit-boot: boot: %s\n", lkl_strerror(ret));
		return 2;
	}
	lkl_sys_halt();
	if (line_len)
		check_line();
	fflush(stdout);

	if (!saw_ktap) {
		fprintf(stderr, "kunit-boot: no KTAP on the kernel log: is CONFIG_KUNIT on?\n");
		return 1;
	}
	if (saw_failure) {
		fprintf(stderr, "kunit-boot: a KUnit suite failed\n");
		return 1;
	}
	return 0;
}
