// SPDX-License-Identifier: GPL-2.0
/*
 * NT host figures for performance.rst, run by hand under wine (not a
 * test): boot time; the null system call (lkl_sys_getppid) against the
 * cheapest host call that enters the host kernel (a zero-timeout wait on
 * a signalled event); the wake delay of an LKL sleep of 10 us, 100 us and
 * 1 ms against a high-resolution waitable timer's own delay, in the same
 * run. Prints one "# name: value" line per figure.
 */
#include <stdio.h>
#include <stdlib.h>
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <lkl.h>
#include <lkl_host.h>

#include "nt/nt.h"

#define CALLS	100000
#define WAKES	200

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static void report_delays(const char *what, unsigned long long *d, int n)
{
	qsort(d, n, sizeof(*d), cmp_ull);
	printf("# %s: median %llu us, p90 %llu us\n", what, d[n / 2] / 1000,
	       d[n * 9 / 10] / 1000);
}

static void wake_delays(unsigned long long ns)
{
	static unsigned long long lkl_d[WAKES], host_d[WAKES];
	struct __lkl__kernel_timespec ts = { 0, (long long)ns };
	HANDLE t = lkl_nt_waitable_timer();
	char name[64];
	int i;

	for (i = 0; i < WAKES; i++) {
		unsigned long long start = lkl_nt_time();
		LARGE_INTEGER due = { .QuadPart = -(long long)(ns / 100) };

		lkl_sys_nanosleep(&ts, NULL);
		lkl_d[i] = lkl_nt_time() - start - ns;
		start = lkl_nt_time();
		SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE);
		WaitForSingleObject(t, INFINITE);
		host_d[i] = lkl_nt_time() - start - ns;
	}
	CloseHandle(t);
	snprintf(name, sizeof(name), "wake delay %llu us, lkl nanosleep", ns / 1000);
	report_delays(name, lkl_d, WAKES);
	snprintf(name, sizeof(name), "wake delay %llu us, waitable timer", ns / 1000);
	report_delays(name, host_d, WAKES);
}

int main(void)
{
	HANDLE ev = CreateEventW(NULL, TRUE, TRUE, NULL);
	unsigned long long start;
	int i, ret;

	start = lkl_nt_time();
	ret = lkl_start_kernel(&lkl_host_ops, "mem=32M loglevel=4");
	if (ret) {
		fprintf(stderr, "nt-bench: boot: %s\n", lkl_strerror(ret));
		return 1;
	}
	printf("# boot: %llu us\n", (lkl_nt_time() - start) / 1000);

	start = lkl_nt_time();
	for (i = 0; i < CALLS; i++)
		lkl_sys_getppid();
	printf("# null syscall (getppid): %llu ns\n", (lkl_nt_time() - start) / CALLS);
	start = lkl_nt_time();
	for (i = 0; i < CALLS; i++)
		WaitForSingleObject(ev, 0);
	printf("# host call (WaitForSingleObject, 0): %llu ns\n",
	       (lkl_nt_time() - start) / CALLS);
	CloseHandle(ev);

	wake_delays(10000);
	wake_delays(100000);
	wake_delays(1000000);

	lkl_sys_halt();
	return 0;
}
