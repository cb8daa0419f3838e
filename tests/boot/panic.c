// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel panic ends the process: the host's panic operation runs with
 * the message, and the POSIX host prints it and aborts. Without that, a
 * panic would hang in panic()'s endless loop, in someone else's program.
 *
 * The panic is the kernel's own: sysrq 'c', written to
 * /proc/sysrq-trigger inside LKL (CONFIG_MAGIC_SYSRQ).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lkl-test.h"

/* How long the child may take to boot and die. */
#define PANIC_TIMEOUT_S		10

/* Boot LKL, make it panic, and report if it survives. */
static void panic_child(int err_fd)
{
	struct rlimit no_core = { 0, 0 };
	long ret, fd;

	/* An abort that dumps core fills the disk of whoever runs this. */
	setrlimit(RLIMIT_CORE, &no_core);
	dup2(err_fd, STDERR_FILENO);

	ret = lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE);
	if (ret) {
		fprintf(stderr, "boot: %s\n", lkl_strerror(ret));
		_exit(2);
	}
	lkl_test_mkdir("/proc");
	ret = lkl_sys_mount("proc", "/proc", "proc", 0, NULL);
	if (ret) {
		fprintf(stderr, "mount /proc: %s\n", lkl_strerror(ret));
		_exit(3);
	}
	fd = lkl_sys_open("/proc/sysrq-trigger", LKL_O_WRONLY, 0);
	if (fd < 0) {
		fprintf(stderr, "open /proc/sysrq-trigger: %s\n",
			lkl_strerror(fd));
		_exit(4);
	}
	lkl_sys_write(fd, "c", 1);
	fprintf(stderr, "survived the panic\n");
	_exit(5);
}

TEST(panic_aborts)
{
	static char log[1 << 16];
	size_t len = 0;
	int pipefd[2], status;
	long long deadline;
	pid_t pid, done;
	ssize_t n;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pipefd[0]);
		panic_child(pipefd[1]);
	}
	close(pipefd[1]);

	/* The child's stderr ends when it dies; bound it all the same. */
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	deadline = host_ns(CLOCK_MONOTONIC) + PANIC_TIMEOUT_S * NSEC_PER_SEC;
	for (;;) {
		n = read(pipefd[0], log + len, sizeof(log) - 1 - len);
		if (n > 0) {
			len += n;
			continue;
		}
		if (n == 0 || host_ns(CLOCK_MONOTONIC) > deadline)
			break;
		usleep(10000);
	}
	log[len] = '\0';
	close(pipefd[0]);

	done = waitpid(pid, &status, WNOHANG);
	if (!done) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	ASSERT_EQ(pid, done) {
		TH_LOG("the child still ran %d s after the panic", PANIC_TIMEOUT_S);
	}
	ASSERT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("the child exited with status %d:\n%s",
		       WEXITSTATUS(status), log);
	}
	EXPECT_EQ(SIGABRT, WTERMSIG(status));
	EXPECT_NE(NULL, strstr(log, "lkl: kernel panic: sysrq triggered crash")) {
		TH_LOG("stderr of the child:\n%s", log);
	}
}

TEST_HARNESS_MAIN
