/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two LKL processes, each a run of tools/lkl/lkl-net-test, joined by a
 * backend that needs no host devices (pipe, vde). Used by pipe.c and
 * vde.c; include it after kselftest_harness.h.
 *
 * Both runs are started by one shell command, each under timeout(1), with
 * their output and exit status left in files of the test's directory:
 * A.out, A.rc, B.out and B.rc. Nothing here boots LKL in the test
 * process itself.
 *
 * The directories are named after the harness's own process, and what is
 * left of them is removed when the harness exits (see pair_start()): on a
 * timeout the harness kills the test's process group, teardown included,
 * and a vde_switch daemon would outlive it.
 */
#ifndef _TOOL_PAIR_H
#define _TOOL_PAIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#ifndef LKL_NET_TEST
#define LKL_NET_TEST	"lkl-net-test"
#endif

/* The harness's process and the tag of its directories, for pair_sweep(). */
static pid_t pair_owner;
static const char *pair_tag = "pair";

/* The longest a run may take, in seconds, before timeout(1) ends it. */
#define PAIR_TIMEOUT	40

/* The subnets of the pair: A is .1 or ::1, B is .2 or ::2. */
#define PAIR_V4_A	"10.77.0.1"
#define PAIR_V4_B	"10.77.0.2"
#define PAIR_V6_A	"fd77::1"
#define PAIR_V6_B	"fd77::2"
#define PAIR_ADDRS_A	"--ip " PAIR_V4_A "/24 --ip " PAIR_V6_A "/64"
#define PAIR_ADDRS_B	"--ip " PAIR_V4_B "/24 --ip " PAIR_V6_B "/64"
#define PAIR_PORT	5001

/**
 * struct tool_pair - where the two runs happen
 * @dir: a fresh directory for the FIFOs, sockets and output files
 * @tool: the path of lkl-net-test to run
 * @prefix: a command put before each run, such as setpriv, or ""
 */
struct tool_pair {
	char dir[64];
	char tool[160];
	const char *prefix;
};

/**
 * struct pair_stream - what one end of a TCP stream printed
 * @bytes: the bytes sent or received
 * @mbit: the throughput in Mbit/s
 * @sum: the checksum of the stream
 */
struct pair_stream {
	unsigned long long bytes;
	double mbit;
	unsigned long long sum;
};

/* Why lkl-net-test cannot run, or NULL if it can. */
static inline const char *pair_missing(void)
{
	if (access(LKL_NET_TEST, X_OK))
		return "lkl-net-test is not built (make -C tools/lkl)";
	return NULL;
}

/*
 * Remove the directories of this harness, stopping any vde_switch whose
 * pid file is in one. Runs at the harness's exit, not its children's.
 */
static inline void pair_sweep(void)
{
	if (!pair_owner || getpid() != pair_owner)
		return;
	test_run("for d in /tmp/lkl-%s-%d-*; do [ -d \"$d\" ] || continue; "
		 "[ -s \"$d/sw.pid\" ] && kill $(cat \"$d/sw.pid\"); rm -rf \"$d\"; "
		 "done 2>/dev/null", pair_tag, (int)pair_owner);
}

/*
 * Call from main() before test_harness_run(): directories are then named
 * /tmp/lkl-TAG-PID-XXXXXX and swept at exit.
 */
static inline void pair_start(const char *tag)
{
	pair_owner = getpid();
	pair_tag = tag;
	atexit(pair_sweep);
}

/* Make the directory; 0 or -1. */
static inline int pair_init(struct tool_pair *p)
{
	snprintf(p->dir, sizeof(p->dir), "/tmp/lkl-%s-%d-XXXXXX", pair_tag,
		 (int)(pair_owner ? pair_owner : getpid()));
	if (!mkdtemp(p->dir))
		return -1;
	snprintf(p->tool, sizeof(p->tool), "%s", LKL_NET_TEST);
	p->prefix = "";
	return 0;
}

static inline void pair_cleanup(struct tool_pair *p)
{
	if (p->dir[0])
		test_run("rm -rf %s", p->dir);
}

/*
 * Run lkl-net-test twice at once, with the arguments @a and @b (which must
 * not contain a single quote), and wait for both. Returns 0 when both
 * exited 0, else -1; their output stays in A.out and B.out.
 */
static inline int pair_run(struct tool_pair *p, const char *a, const char *b)
{
	char cmd[2][512], all[1200];
	int i, n;

	for (i = 0; i < 2; i++) {
		n = snprintf(cmd[i], sizeof(cmd[i]),
			     "{ timeout -k 5 %d %s %s %s >%c.out 2>&1; echo $? >%c.rc; }",
			     PAIR_TIMEOUT, p->prefix, p->tool, i ? b : a,
			     'A' + i, 'A' + i);
		if (n < 0 || n >= (int)sizeof(cmd[i]))
			return -1;
	}
	n = snprintf(all, sizeof(all),
		     "cd %s || exit 1; rm -f A.* B.*; %s & %s; wait; %s",
		     p->dir, cmd[0], cmd[1],
		     "test \"$(cat A.rc)$(cat B.rc)\" = 00");
	if (n < 0 || n >= (int)sizeof(all))
		return -1;
	return test_run("%s", all) ? -1 : 0;
}

/* Print the output of one run (@side "A" or "B") as diagnostics. */
static inline void pair_show(struct tool_pair *p, const char *side)
{
	char path[128], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.out", p->dir, side);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("# %s: %s", side, line);
	fclose(f);
}

/*
 * Find the line that starts with @what ("sent" or "received") in the
 * output of @side and parse it into @s. Returns 0 or -1.
 */
static inline int pair_stream(struct tool_pair *p, const char *side,
			      const char *what, struct pair_stream *s)
{
	char path[128], line[256], fmt[96];
	int ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.out", p->dir, side);
	snprintf(fmt, sizeof(fmt),
		 "%s %%llu bytes in %%*f s: %%lf Mbit/s, checksum %%llx", what);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (ret && fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &s->bytes, &s->mbit, &s->sum) == 3)
			ret = 0;
	fclose(f);
	return ret;
}

/* Does the output of @side contain @text? */
static inline int pair_says(struct tool_pair *p, const char *side,
			    const char *text)
{
	return test_run("grep -qF -- '%s' %s/%s.out", text, p->dir, side) == 0;
}

#endif /* _TOOL_PAIR_H */
