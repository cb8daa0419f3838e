/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by every LKL test suite, built once into libtest.a and
 * linked into each test program: running host commands, host files,
 * checksums, clocks, and a few LKL calls that tests repeat.
 *
 * Nothing here boots LKL, and nothing uses the kselftest harness: the
 * functions return errors, and the tests decide what is a failure.
 */
#ifndef _LKL_TESTLIB_H
#define _LKL_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <sys/types.h>

#ifndef __printf
#define __printf(a, b)	__attribute__((__format__(__printf__, a, b)))
#endif

/* The command line of every test that does not test the command line. */
#define LKL_TEST_MEM_MB		64
#define LKL_TEST_CMDLINE	"mem=64M loglevel=4"

#define NSEC_PER_USEC	1000LL
#define NSEC_PER_MSEC	1000000LL
#define NSEC_PER_SEC	1000000000LL

/* The start value of a fnv1a() checksum. */
#define FNV_INIT	0xcbf29ce484222325ULL

/**
 * test_run() - run a shell command and wait for it
 * @fmt: printf-style format of the command, run by /bin/sh -c
 *
 * The command's standard input, output and error are those of the test.
 *
 * Return: its exit status, 128 + N if signal N killed it, or -1 if it
 * could not be started.
 */
int test_run(const char *fmt, ...) __printf(1, 2);

/**
 * test_run_out() - run a shell command and keep what it printed
 * @out: where its standard output and error go, NUL-terminated
 * @size: the size of @out; what does not fit is read and thrown away
 * @fmt: printf-style format of the command, run by /bin/sh -c
 *
 * Return: as test_run().
 */
int test_run_out(char *out, size_t size, const char *fmt, ...)
	__printf(3, 4);

/**
 * test_run_num() - run a shell command and read a number it printed
 * @fmt: printf-style format of the command, run by /bin/sh -c
 *
 * The number is the start of its standard output, in C notation; its
 * standard error is thrown away.
 *
 * Return: the number, or -1 if it printed nothing.
 */
long long test_run_num(const char *fmt, ...)
	__printf(1, 2);

/**
 * test_spawn() - start a shell command in the background
 * @log: the file that gets its standard output and error
 * @fmt: printf-style format of the command, run by /bin/sh -c
 *
 * Its standard input is /dev/null and its signals are unblocked and at
 * their defaults. A command that ends with "exec PROGRAM" makes the pid
 * returned the program's.
 *
 * Return: its pid, or -1.
 */
pid_t test_spawn(const char *log, const char *fmt, ...)
	__printf(2, 3);

/**
 * test_wait_exit() - wait a while for a child to exit
 * @pid: the child
 * @ms: how long to wait, in milliseconds
 *
 * Return: its wait status, or -1 if it did not exit in time.
 */
int test_wait_exit(pid_t pid, int ms);

/**
 * test_have() - tell whether the host has a program
 * @prog: a path, or a name looked up in PATH
 *
 * Return: true if @prog can be run.
 */
bool test_have(const char *prog);

/**
 * test_have_all() - tell whether the host has several programs
 * @progs: their names, separated by spaces
 *
 * Return: true if every one of @progs can be run.
 */
bool test_have_all(const char *progs);

/**
 * test_sanitizers() - the sanitizers the tests were built with
 *
 * "make SANITIZE=LIST test" runs the tests with LKL_SANITIZE=LIST
 * (scripts/lkl-sanitize.sh). A test that cannot work under them, such as
 * one that runs a program under valgrind, skips with a "known:" reason.
 *
 * Return: the list, or NULL in an ordinary build.
 */
const char *test_sanitizers(void);

/**
 * test_helper() - the path of a helper program built with the tests
 * @name: its file name
 *
 * Helpers are built, and installed, in the directory of the test program
 * itself, so the path is taken from /proc/self/exe: an installed copy of
 * the tests finds its own helpers, wherever it was installed.
 *
 * Return: the path, allocated (the test process never frees it), or NULL.
 */
char *test_helper(const char *name);

/**
 * test_read_file() - read a host file into a string
 * @path: the file
 * @buf: where it goes, NUL-terminated (empty on failure)
 * @size: the size of @buf; the rest of a longer file is not read
 *
 * Return: the length read, or -1.
 */
long test_read_file(const char *path, char *buf, size_t size);

/**
 * test_write_file() - write a string to a host file
 * @path: the file, created or truncated
 * @text: what to write
 *
 * Return: 0 or -1.
 */
int test_write_file(const char *path, const char *text);

/**
 * test_wait_text() - wait a while for a host file to contain a string
 * @path: the file, such as the log of test_spawn()
 * @text: the string
 * @ms: how long to wait, in milliseconds
 *
 * Return: 0, or -1 if @text did not appear in time.
 */
int test_wait_text(const char *path, const char *text, int ms);

/**
 * fnv1a() - continue a 64-bit FNV-1a style checksum
 * @h: the checksum so far, FNV_INIT at the start
 * @buf: the data
 * @len: its length in bytes
 *
 * The data is taken a 64-bit word at a time, then a byte at a time.
 *
 * Return: the new checksum.
 */
unsigned long long fnv1a(unsigned long long h, const void *buf, size_t len);

/**
 * test_fill() - fill a buffer with a pseudo-random pattern
 * @buf: the buffer
 * @len: its length in bytes; a trailing part word is left alone
 * @x: the xorshift state, updated; never 0
 */
void test_fill(unsigned long long *buf, size_t len, unsigned long long *x);

/**
 * host_sum() - the fnv1a() checksum of a whole host file
 * @path: the file
 *
 * Return: the checksum, or 0 if the file cannot be read.
 */
unsigned long long host_sum(const char *path);

/**
 * host_ns() - read a host clock
 * @clk: the clock, such as CLOCK_MONOTONIC
 *
 * Return: its time in nanoseconds.
 */
long long host_ns(clockid_t clk);

/**
 * lkl_ns() - read an LKL clock
 * @clk: the clock, such as LKL_CLOCK_MONOTONIC
 *
 * Return: its time in nanoseconds, or a negative LKL errno.
 */
long long lkl_ns(int clk);

/**
 * lkl_test_mkdir() - make a directory inside LKL
 * @path: the directory; one that exists already is not an error
 *
 * Return: 0 or a negative LKL errno.
 */
long lkl_test_mkdir(const char *path);

/**
 * lkl_test_read_file() - read a file inside LKL into a string
 * @path: the file
 * @buf: where it goes, NUL-terminated
 * @size: the size of @buf; the rest of a longer file is not read
 *
 * Return: the length read, or a negative LKL errno.
 */
long lkl_test_read_file(const char *path, char *buf, size_t size);

/**
 * lkl_test_write_all() - write a whole buffer to an LKL file
 * @fd: the LKL file descriptor
 * @buf: the data
 * @len: its length in bytes
 *
 * Return: 0 or a negative LKL errno (-LKL_EIO if a write wrote nothing).
 */
long lkl_test_write_all(int fd, const void *buf, size_t len);

/**
 * lkl_test_check() - compare what a call returned with what it should
 * @failed: the count of mismatches, incremented on one
 * @call: the call, as written, for the diagnostic
 * @got: what it returned
 * @want: what it should have returned
 *
 * A mismatch is printed as a "# " diagnostic line on stderr, with the
 * names of both values as LKL errnos. Use it through LKL_CHECK(), in
 * code that must go on after a failed check and that may run outside
 * the harness (the valgrind helpers).
 */
void lkl_test_check(int *failed, const char *call, long got, long want);

#define LKL_CHECK(failed, call, want) \
	lkl_test_check(failed, #call, call, want)

/*
 * Where the disk tests find the tools: the Makefile compiles in their
 * paths in the tools build, and without them they come from PATH.
 */
#ifndef LKL_CPTOFS
#define LKL_CPTOFS	"cptofs"
#endif
#ifndef LKL_CPFROMFS
#define LKL_CPFROMFS	"cpfromfs"
#endif
#ifndef LKL_FS2TAR
#define LKL_FS2TAR	"fs2tar"
#endif
#ifndef LKL_LKLFUSE
#define LKL_LKLFUSE	"lklfuse"
#endif

/**
 * make_ext4() - make an empty ext4 image
 * @img: the host file
 * @mb: its size in MiB
 *
 * Return: the exit status of mkfs.ext4, as test_run().
 */
int make_ext4(const char *img, int mb);

/**
 * hj_counter() - packets of an interface, from a hijacked program's output
 * @out: what the program printed with LKL_HIJACK_DEBUG=1: the dump of
 *	LKL's /proc/net/dev at exit
 * @ifname: the interface
 * @tx: 0 for the packets it received, 1 for those it sent
 *
 * Return: the count, or -1 if the dump or the interface is not there.
 */
long long hj_counter(const char *out, const char *ifname, int tx);

/**
 * hj_counter_bytes() - bytes of an interface, as hj_counter()
 * @out: what the program printed with LKL_HIJACK_DEBUG=1
 * @ifname: the interface
 * @tx: 0 for the bytes it received, 1 for those it sent
 *
 * Return: the count, or -1 if the dump or the interface is not there.
 */
long long hj_counter_bytes(const char *out, const char *ifname, int tx);

#endif /* _LKL_TESTLIB_H */
