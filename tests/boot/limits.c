// SPDX-License-Identifier: GPL-2.0
/*
 * Limits: a host that refuses LKL what it needs at boot, address space
 * (RLIMIT_AS) or threads (RLIMIT_NPROC), makes lkl_start_kernel() return
 * an error, the process lives on, and the calls after it fail cleanly.
 * Each attempt is a process of its own (a process boots LKL only once),
 * made with a limit from a range that goes from too little to enough.
 *
 * And a kernel whose memory (mem=) runs out: files written until nothing
 * is left give errors, never a panic, and once they are deleted the
 * kernel works as before.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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
	/* AddressSanitizer reserves terabytes of shadow at start-up. */
	if (test_sanitizers() && strstr(test_sanitizers(), "address"))
		SKIP(return, "known: ASan needs more address space than RLIMIT_AS allows");
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

/*
 * Fill the root file system (ramfs: its pages cannot be reclaimed) with
 * files of @size bytes until a call fails; return that call's error.
 */
static long fill(int *files, int size)
{
	static char buf[65536];
	char path[32];
	long fd, ret;
	int done;

	memset(buf, 'x', sizeof(buf));
	for (*files = 0; ; (*files)++) {
		snprintf(path, sizeof(path), "/full/%d", *files);
		fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY, 0644);
		if (fd < 0)
			return fd;
		for (done = 0, ret = 0; done < size && ret >= 0; done += ret)
			ret = lkl_sys_write(fd, buf, sizeof(buf) < size - done ?
					    sizeof(buf) : size - done);
		lkl_sys_close(fd);
		if (ret < 0)
			return ret;
	}
}

static void empty(int files)
{
	char path[32];
	int i;

	for (i = 0; i <= files; i++) {
		snprintf(path, sizeof(path), "/full/%d", i);
		lkl_sys_unlink(path);
	}
}

TEST_F_TIMEOUT(limits, pool_exhausted, 120)
{
	static const int sizes[] = { 4 << 20, 100 };
	long ret, fd;
	int i, files;

	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LIMITS_CMDLINE));
	ASSERT_EQ(0, lkl_sys_mkdir("/full", 0755));
	for (i = 0; i < 2; i++) {
		ret = fill(&files, sizes[i]);
		printf("# files of %d bytes: %d written, then %s\n", sizes[i],
		       files, lkl_strerror(ret));
		EXPECT_TRUE(ret == -LKL_ENOMEM || ret == -LKL_ENOSPC);
		empty(files);
		/* All back: the same again fits, and so does a new file. */
		fd = lkl_sys_open("/full/after", LKL_O_CREAT | LKL_O_WRONLY, 0644);
		ASSERT_LE(0, fd);
		EXPECT_EQ(5, lkl_sys_write(fd, "more\n", 5));
		EXPECT_EQ(0, lkl_sys_close(fd));
		EXPECT_EQ(0, lkl_sys_unlink("/full/after"));
	}
	EXPECT_EQ(0, lkl_sys_halt());
}

TEST_HARNESS_MAIN
