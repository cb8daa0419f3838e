// SPDX-License-Identifier: GPL-2.0
/*
 * Two runs of lkl-net-test joined by a backend: see tool-pair.h.
 *
 * The Makefile passes the path of lkl-net-test in as LKL_NET_TEST.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool-pair.h"

#ifndef LKL_NET_TEST
#define LKL_NET_TEST	"lkl-net-test"
#endif

/* The harness's process and the tag of its directories, for pair_sweep(). */
static pid_t pair_owner;
static const char *pair_tag = "pair";

/* Why lkl-net-test cannot run, or NULL if it can. */
const char *pair_missing(void)
{
	if (access(LKL_NET_TEST, X_OK))
		return "lkl-net-test is not built (make -C tools/lkl)";
	return NULL;
}

/*
 * Remove the directories of this harness, stopping any vde_switch whose
 * pid file is in one. Runs at the harness's exit, not its children's.
 */
static void pair_sweep(void)
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
void pair_start(const char *tag)
{
	pair_owner = getpid();
	pair_tag = tag;
	atexit(pair_sweep);
}

/* Make the directory; 0 or -1. */
int pair_init(struct tool_pair *p)
{
	snprintf(p->dir, sizeof(p->dir), "/tmp/lkl-%s-%d-XXXXXX", pair_tag,
		 (int)(pair_owner ? pair_owner : getpid()));
	if (!mkdtemp(p->dir))
		return -1;
	snprintf(p->tool, sizeof(p->tool), "%s", LKL_NET_TEST);
	p->prefix = "";
	return 0;
}

void pair_cleanup(struct tool_pair *p)
{
	if (p->dir[0])
		test_run("rm -rf %s", p->dir);
}

/*
 * Run lkl-net-test twice at once, with the arguments @a and @b (which must
 * not contain a single quote), and wait for both. Returns 0 when both
 * exited 0, else -1; their output stays in A.out and B.out.
 */
int pair_run(struct tool_pair *p, const char *a, const char *b)
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
void pair_show(struct tool_pair *p, const char *side)
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
int pair_stream(struct tool_pair *p, const char *side, const char *what,
		struct pair_stream *s)
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
bool pair_says(struct tool_pair *p, const char *side, const char *text)
{
	return test_run("grep -qF -- '%s' %s/%s.out", text, p->dir, side) == 0;
}
