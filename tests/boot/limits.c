// SPDX-License-Identifier: GPL-2.0
/*
 * A host that refuses LKL what it needs at boot: address space
 * (RLIMIT_AS) or threads (RLIMIT_NPROC). lkl_start_kernel() returns an
 * error, the process lives on, and the calls after it fail cleanly.
 *
 * Each attempt is a process of its own (a process boots LKL only once),
 * made with a limit from a range that goes from too little to enough.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lkl-test.h"
#include "testlib.h"

#define LIMITS_CMDLINE	"mem=32M loglevel=0"
/* How a child ends: booted and halted, or refused with an error. */
#define BOOTED		10
#define REFUSED		11

/* In the child: boot under the limit, and say how it went. */
static int boot_under(int resource, rlim_t limit)
{
	struct rlimit rl = { .rlim_cur = limit, .rlim_max = limit };
	long ret;

	if (setrlimit(resource, &rl))
		return 1;
	ret = lkl_start_kernel(&lkl_host_ops, LIMITS_CMDLINE);
	if (ret == 0)
		return lkl_sys_getpid() > 0 && lkl_sys_halt() == 0 ? BOOTED : 2;
	/* A failed boot leaves no kernel behind to call into. */
	if (ret != -LKL_ENOMEM && ret != -LKL_EAGAIN)
		return 3;
	if (lkl_sys_getpid() != -LKL_ENODEV || lkl_sys_halt() != -LKL_ENODEV)
		return 4;
	return REFUSED;
}

/*
 * Boot in a child under each limit from @lo to @hi in steps of @step,
 * after @drop (as nobody, for RLIMIT_NPROC). Every child must end with
 * BOOTED or REFUSED, in 30 s; the smallest limit must be refused and the
 * largest must boot.
 */
static void boot_range(struct __test_metadata *_metadata, int resource,
		       rlim_t lo, rlim_t hi, rlim_t step, int drop)
{
	rlim_t limit, first_boot = 0;
	int status, refused = 0, booted = 0;
	pid_t pid;

	for (limit = lo; limit <= hi; limit += step) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			alarm(30);
			if (drop && (setresgid(65534, 65534, 65534) ||
				     setresuid(65534, 65534, 65534)))
				_exit(1);
			_exit(boot_under(resource, limit));
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status)) {
			TH_LOG("limit %lu: killed by signal %d",
			       (unsigned long)limit, WTERMSIG(status));
		}
		ASSERT_TRUE(WEXITSTATUS(status) == BOOTED ||
			    WEXITSTATUS(status) == REFUSED) {
			TH_LOG("limit %lu: exit status %d", (unsigned long)limit,
			       WEXITSTATUS(status));
		}
		if (WEXITSTATUS(status) == REFUSED) {
			refused++;
			continue;
		}
		booted++;
		if (!first_boot)
			first_boot = limit;
	}
	printf("# %d refused, %d booted; the first to boot had %lu\n", refused,
	       booted, (unsigned long)first_boot);
	EXPECT_LT(0, refused);
	EXPECT_LT(0, booted);
}

FIXTURE(limits) {
	int unused;
};

FIXTURE_SETUP(limits)
{
}

FIXTURE_TEARDOWN(limits)
{
}

TEST_F_TIMEOUT(limits, address_space, 300)
{
	/* From well below the 32 MiB pool to well above what boot needs. */
	boot_range(_metadata, RLIMIT_AS, 16 << 20, 512 << 20, 8 << 20, 0);
}

TEST_F_TIMEOUT(limits, threads, 300)
{
	long base;

	if (geteuid() != 0)
		SKIP(return, "needs root, to run the attempts as nobody");
	/* RLIMIT_NPROC counts all of nobody's threads and processes. */
	base = test_run_num("ps -L -u 65534 --no-headers | wc -l");
	ASSERT_LE(0, base);
	boot_range(_metadata, RLIMIT_NPROC, base + 1, base + 64, 1, 1);
}

TEST_HARNESS_MAIN
