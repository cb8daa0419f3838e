/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LKL fuzz harnesses (make fuzz, Documentation/virt/lkl/reliability.rst).
 *
 * Each harness is one C file with LLVMFuzzerTestOneInput(). scripts/lkl-fuzz.sh
 * links it with libFuzzer and a kernel compiled with coverage; the fuzz
 * suite of make test links the same file with replay.c, whose main()
 * feeds it the committed regression inputs and prints KTAP. A harness
 * that needs the kernel boots it once per process, in
 * LLVMFuzzerInitialize(), and every input then runs against that one
 * kernel: LKL boots once per process.
 */
#ifndef _LKL_FUZZ_H
#define _LKL_FUZZ_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

/*
 * The command line of the fuzzed kernel: a WARN (and a UBSAN report,
 * which is one) panics, and LKL's panic aborts the process, which is a
 * crash that libFuzzer saves.
 */
#define FUZZ_CMDLINE	"mem=128M loglevel=0 panic_on_warn=1"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/*
 * The name of the harness, defined by it: its regression inputs are in
 * tests/fuzz/corpus/<name>/.
 */
extern const char *const fuzz_name;

/**
 * fuzz_make_seeds() - write a harness's seed inputs into a directory
 * @dir: an existing, empty directory
 *
 * Defined by each harness: its seeds for libFuzzer's corpus, and the
 * inputs that the replay checks besides the regression corpus. May run
 * host tools (mkfs); a seed whose tool is missing is left out.
 *
 * Return: the number of seeds written, or -1 on an error.
 */
int fuzz_make_seeds(const char *dir);

/**
 * fuzz_write_file() - write a seed file
 * @dir: the directory
 * @name: the file's name in it
 * @data: the content
 * @len: its length
 *
 * Return: 0, or -1 with a message on stderr.
 */
static inline int fuzz_write_file(const char *dir, const char *name,
				  const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

/**
 * fuzz_boot() - boot LKL once for this process
 *
 * LKL_FUZZ_CMDLINE in the environment is appended to FUZZ_CMDLINE, and a
 * later parameter wins: loglevel=7 shows the kernel's log, and
 * slab_debug=- or no_debug_objects measure what a check costs. Exits the
 * process with a message if the kernel does not boot.
 */
static inline void fuzz_boot(void)
{
	const char *extra = getenv("LKL_FUZZ_CMDLINE");
	char cmdline[1024];
	int ret;

	snprintf(cmdline, sizeof(cmdline), "%s %s", FUZZ_CMDLINE,
		 extra ? extra : "");
	ret = lkl_start_kernel(&lkl_host_ops, cmdline);

	if (ret) {
		fprintf(stderr, "fuzz: the kernel does not boot: %s\n",
			lkl_strerror(ret));
		exit(1);
	}
}

/**
 * fuzz_seeds_requested() - make the seeds and exit, if asked to
 *
 * With LKL_FUZZ_MAKE_SEEDS=DIR in the environment, a harness writes its
 * seeds into DIR and exits: scripts/lkl-fuzz.sh makes libFuzzer's first
 * corpus this way. Called first in LLVMFuzzerInitialize().
 */
static inline void fuzz_seeds_requested(void)
{
	const char *dir = getenv("LKL_FUZZ_MAKE_SEEDS");
	int n;

	if (!dir)
		return;
	n = fuzz_make_seeds(dir);
	if (n < 0)
		exit(1);
	fprintf(stderr, "fuzz: %s: %d seeds in %s\n", fuzz_name, n, dir);
	exit(0);
}

/**
 * fuzz_next_fd() - the descriptor that the next open() would get
 *
 * open() takes the lowest free descriptor, so this number changes when
 * an input leaves a descriptor open or closes one that it did not open.
 *
 * Return: the descriptor, or -1 if none is free.
 */
static inline int fuzz_next_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

/**
 * fuzz_check_fds() - crash if the input changed the open descriptors
 * @before: fuzz_next_fd() before the input
 *
 * For the harnesses that run a program's own code once per input, where
 * the program's exit would close what it left open: in the fuzzer, one
 * descriptor lost per input becomes EMFILE millions of inputs later,
 * and libFuzzer then saves an input that has nothing to do with it.
 * Checked after each input, the leak is a crash on the input that
 * causes it.
 */
static inline void fuzz_check_fds(int before)
{
	int after = fuzz_next_fd();

	if (after == before)
		return;
	if (after > before || after < 0)
		fprintf(stderr, "fuzz: %s: the input left descriptor %d open\n",
			fuzz_name, before);
	else
		fprintf(stderr, "fuzz: %s: the input closed descriptor %d\n",
			fuzz_name, after);
	abort();
}

#endif /* _LKL_FUZZ_H */
