// SPDX-License-Identifier: GPL-2.0
/*
 * The main() of a fuzz harness in make test: feeds the harness its
 * committed regression inputs, tests/fuzz/corpus/<name>/ (FUZZ_CORPUS_DIR),
 * then the seeds it makes at run time, one LLVMFuzzerTestOneInput() call
 * each, in one process with one kernel, as libFuzzer would. Each input
 * that returns is one KTAP result; one that crashes ends the process
 * before its result, which the runner counts as a failure.
 *
 *   fuzz-<name> [FILE|DIR ...]   replay these instead
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define MAX_INPUTS	4096

static char *inputs[MAX_INPUTS];
static int ninputs;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* Add @path, or the files of directory @path in name order. */
static void add_inputs(const char *path)
{
	char file[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int first = ninputs;
	DIR *d;

	if (stat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		if (ninputs < MAX_INPUTS)
			inputs[ninputs++] = strdup(path);
		return;
	}
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && ninputs < MAX_INPUTS) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		if (!stat(file, &st) && S_ISREG(st.st_mode))
			inputs[ninputs++] = strdup(file);
	}
	closedir(d);
	qsort(inputs + first, ninputs - first, sizeof(*inputs), cmp_str);
}

static int read_input(const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "r");
	long len;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END)) {
		fclose(f);
		return -1;
	}
	len = ftell(f);
	if (len < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -1;
	}
	*data = malloc(len ? len : 1);
	if (!*data || fread(*data, 1, len, f) != (size_t)len) {
		free(*data);
		fclose(f);
		return -1;
	}
	fclose(f);
	*size = len;
	return 0;
}

int main(int argc, char **argv)
{
	char corpus[PATH_MAX], seeds[] = "/tmp/lkl-fuzz-seeds-XXXXXX";
	int i, failed = 0, have_seeds = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			add_inputs(argv[i]);
	} else {
		snprintf(corpus, sizeof(corpus), "%s/%s", FUZZ_CORPUS_DIR,
			 fuzz_name);
		add_inputs(corpus);
		if (mkdtemp(seeds) && fuzz_make_seeds(seeds) >= 0) {
			have_seeds = 1;
			add_inputs(seeds);
		}
	}

	printf("KTAP version 1\n");
	printf("# fuzz-%s: %d inputs\n", fuzz_name, ninputs);
	printf("1..%d\n", ninputs ? ninputs : 1);
	fflush(stdout);
	if (!ninputs) {
		printf("ok 1 fuzz-%s # SKIP no inputs\n", fuzz_name);
		return 0;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 0; i < ninputs; i++) {
		const char *name = strrchr(inputs[i], '/');
		unsigned char *data;
		size_t size;

		name = name ? name + 1 : inputs[i];
		if (read_input(inputs[i], &data, &size)) {
			printf("not ok %d %s # %s\n", i + 1, name,
			       strerror(errno));
			failed++;
			continue;
		}
		/* Flushed first: if the input crashes, the log names it. */
		printf("# %s: %zu bytes\n", name, size);
		fflush(stdout);
		LLVMFuzzerTestOneInput(data, size);
		printf("ok %d %s\n", i + 1, name);
		fflush(stdout);
		free(data);
	}
	if (have_seeds) {
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", seeds);
		if (system(cmd))
			fprintf(stderr, "fuzz: cannot remove %s\n", seeds);
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       ninputs - failed, failed);
	return failed ? 1 : 0;
}
