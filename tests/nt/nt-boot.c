// SPDX-License-Identifier: GPL-2.0
/*
 * The boot suite of the NT host, built with mingw-w64 as nt-boot.exe and
 * run under wine by boot-test.sh: the host operations on their own, then
 * boot (and a second start, refused), system calls, threads, sleep
 * accuracy and halt, in that order, in
 * one process (a process boots LKL once, and Windows has no fork() for
 * the kselftest harness to run each test apart). A test that cannot run
 * because an earlier one failed says so as a SKIP.
 *
 * Prints KTAP; exits 0 when every test passed.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <lkl.h>
#include <lkl_host.h>

#define NT_TESTS	9
#define NT_THREADS	8
#define NT_CALLS	200
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int nt_n, nt_failed, nt_skipped;
static bool nt_booted;

/*
 * One result: a pass (@ok, no @fmt), a skip (@ok, @fmt the reason) or a
 * failure (!@ok, @fmt, if not NULL, says why).
 */
static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	nt_n++;
	if (ok && fmt) {
		printf("ok %d %s # SKIP ", nt_n, name);
		nt_skipped++;
	} else if (fmt) {
		printf("# %s: ", name);
	}
	if (fmt) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	if (!ok) {
		printf("not ok %d %s\n", nt_n, name);
		nt_failed++;
	} else if (!fmt) {
		printf("ok %d %s\n", nt_n, name);
	}
	fflush(stdout);
}

static unsigned long long now_ns(void)
{
	return lkl_host_ops.time();
}

/* More ups than a small maximum count would allow, then as many downs. */
static void test_host_semaphore(void)
{
	struct lkl_sem *sem = lkl_host_ops.sem_alloc(0);
	int i;

	if (!sem) {
		result(false, "host_semaphore", "sem_alloc failed");
		return;
	}
	for (i = 0; i < 1000; i++)
		lkl_host_ops.sem_up(sem);
	for (i = 0; i < 1000; i++)
		lkl_host_ops.sem_down(sem);
	lkl_host_ops.sem_free(sem);
	result(true, "host_semaphore", NULL);
}

static LKL_KERNEL_ABI void timer_fired(void *arg)
{
	SetEvent(arg);
}

/* A one-shot timer 2 ms ahead fires once, and not before its time. */
static void test_host_timer(void)
{
	HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL);
	struct lkl_timer *t = lkl_host_ops.timer_alloc(timer_fired, ev);
	unsigned long long start, late;
	DWORD w;

	if (!ev || !t) {
		result(false, "host_timer", "timer_alloc failed");
		return;
	}
	start = now_ns();
	lkl_host_ops.timer_set_oneshot(t, start + 2000000);
	w = WaitForSingleObject(ev, 5000);
	late = now_ns() - start;
	lkl_host_ops.timer_free(t);
	CloseHandle(ev);
	if (w != WAIT_OBJECT_0 || late < 2000000)
		result(false, "host_timer", "fired after %llu ns (wait %lu)", late, w);
	else
		result(true, "host_timer", NULL);
}

static void test_boot(void)
{
	unsigned long long start = now_ns();
	int ret = lkl_start_kernel(&lkl_host_ops, "mem=32M loglevel=4");

	nt_booted = !ret;
	if (ret)
		result(false, "boot", "lkl_start_kernel: %s", lkl_strerror(ret));
	else
		printf("# boot took %llu us\n", (now_ns() - start) / 1000);
	if (!ret)
		result(true, "boot", NULL);
}

/* One kernel per process: a second start fails and changes nothing. */
static void test_boot_twice(void)
{
	int ret = lkl_start_kernel(&lkl_host_ops, "mem=32M loglevel=4");

	if (ret != -LKL_EBUSY || lkl_sys_getpid() <= 0)
		result(false, "boot_twice", "second start: %d", ret);
	else
		result(true, "boot_twice", NULL);
}

static void test_uname(void)
{
	struct lkl_new_utsname uts;
	long long ret;

	memset(&uts, 0, sizeof(uts));
	ret = lkl_sys_uname(&uts);
	if (ret || strcmp(uts.sysname, "Linux") || strncmp(uts.release, "6.12.", 5))
		result(false, "uname", "ret %lld, %s %s", ret, uts.sysname, uts.release);
	else
		result(true, "uname", NULL);
}

/* A file round trip: the pointer and size arguments cross as 64 bits. */
static void test_file_calls(void)
{
	static const char text[] = "written from Windows\n";
	char buf[64] = "";
	long long fd, w, r;

	lkl_sys_mkdir("/nt", 0755);
	fd = lkl_sys_open("/nt/file", LKL_O_CREAT | LKL_O_RDWR | LKL_O_TRUNC, 0644);
	if (fd < 0) {
		result(false, "file_calls", "open: %s", lkl_strerror(fd));
		return;
	}
	w = lkl_sys_write(fd, text, sizeof(text));
	lkl_sys_lseek(fd, 0, LKL_SEEK_SET);
	r = lkl_sys_read(fd, buf, sizeof(buf));
	lkl_sys_close(fd);
	if (w != sizeof(text) || r != sizeof(text) || memcmp(buf, text, r))
		result(false, "file_calls", "wrote %lld, read %lld", w, r);
	else if (lkl_sys_unlink("/nt/file"))
		result(false, "file_calls", "unlink failed");
	else
		result(true, "file_calls", NULL);
}

struct ids {
	long long pid;
	long long tid;
	int bad;
};

static DWORD WINAPI thread_calls(void *arg)
{
	struct ids *ids = arg;
	int i;

	ids->pid = lkl_sys_getpid();
	ids->tid = lkl_sys_gettid();
	for (i = 0; i < NT_CALLS; i++)
		if (lkl_sys_gettid() != ids->tid)
			ids->bad++;
	return 0;
}

/* Host threads get tasks of one process, each its own, and exit cleanly. */
static void test_threads(void)
{
	struct ids ids[NT_THREADS] = { 0 };
	HANDLE th[NT_THREADS];
	long long pid = lkl_sys_getpid();
	int i, j, bad = 0;

	for (i = 0; i < NT_THREADS; i++) {
		th[i] = CreateThread(NULL, 0, thread_calls, &ids[i], 0, NULL);
		if (!th[i]) {
			result(false, "threads", "CreateThread failed");
			return;
		}
	}
	WaitForMultipleObjects(NT_THREADS, th, TRUE, INFINITE);
	for (i = 0; i < NT_THREADS; i++) {
		CloseHandle(th[i]);
		bad += ids[i].bad || ids[i].pid != pid || ids[i].tid <= 0;
		for (j = 0; j < i; j++)
			bad += ids[i].tid == ids[j].tid;
	}
	if (bad)
		result(false, "threads", "%d threads had wrong ids", bad);
	else
		result(true, "threads", NULL);
}

/* A 20 ms sleep lasts at least 20 ms and not much longer. */
static void test_sleep(void)
{
	struct __lkl__kernel_timespec ts = { 0, 20000000 };
	unsigned long long start = now_ns(), took;
	long long ret = lkl_sys_nanosleep(&ts, NULL);

	took = now_ns() - start;
	printf("# 20 ms sleep took %llu us\n", took / 1000);
	if (ret || took < 20000000 || took > 20000000 + 200000000)
		result(false, "sleep", "ret %lld after %llu ns", ret, took);
	else
		result(true, "sleep", NULL);
}

static void test_halt(void)
{
	long long ret = lkl_sys_halt(), after = lkl_sys_getpid();

	if (ret || after != -LKL_ENODEV)
		result(false, "halt", "halt %lld, getpid after it %lld", ret, after);
	else
		result(true, "halt", NULL);
}

int main(void)
{
	static void (*const after_boot[])(void) = {
		test_boot_twice, test_uname, test_file_calls, test_threads,
		test_sleep, test_halt,
	};
	static const char *const names[] = {
		"boot_twice", "uname", "file_calls", "threads", "sleep", "halt",
	};
	unsigned int i;

	printf("KTAP version 1\n1..%d\n", NT_TESTS);
	test_host_semaphore();
	test_host_timer();
	test_boot();
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (nt_booted)
			after_boot[i]();
		else
			result(true, names[i], "the kernel did not boot");
	}
	printf("# %d passed, %d failed, %d skipped\n",
	       nt_n - nt_failed - nt_skipped, nt_failed, nt_skipped);
	return nt_failed ? 1 : 0;
}
