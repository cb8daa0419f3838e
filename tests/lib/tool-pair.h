/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two LKL processes, each a run of tools/lkl/lkl-net-test, joined by a
 * backend that needs no host devices (pipe, vde). Used by the pipe, vde
 * and fd tests.
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
#ifndef _LKL_TEST_TOOL_PAIR_H
#define _LKL_TEST_TOOL_PAIR_H

#include "testlib.h"

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

/**
 * pair_missing() - tell why lkl-net-test cannot run
 *
 * Return: the reason, or NULL if it can.
 */
const char *pair_missing(void);

/**
 * pair_start() - make this process the owner of the pairs' directories
 * @tag: the tag in their names, /tmp/lkl-@tag-PID-XXXXXX
 *
 * Call from main() before test_harness_run(): what is left of the
 * directories is removed, and any vde_switch in them stopped, when this
 * process exits.
 */
void pair_start(const char *tag);

/**
 * pair_init() - make the directory of a pair
 * @p: the pair; it runs the lkl-net-test the build made, with no prefix
 *
 * Return: 0 or -1.
 */
int pair_init(struct tool_pair *p);

/**
 * pair_cleanup() - remove the directory of a pair
 * @p: the pair
 */
void pair_cleanup(struct tool_pair *p);

/**
 * pair_run() - run lkl-net-test twice at once and wait for both
 * @p: the pair
 * @a: the arguments of run A; no single quote
 * @b: the arguments of run B; no single quote
 *
 * Their output stays in A.out and B.out of the pair's directory.
 *
 * Return: 0 when both exited 0, else -1.
 */
int pair_run(struct tool_pair *p, const char *a, const char *b);

/**
 * pair_show() - print the output of one run as diagnostics
 * @p: the pair
 * @side: "A" or "B"
 */
void pair_show(struct tool_pair *p, const char *side);

/**
 * pair_stream() - read what one run printed about a TCP stream
 * @p: the pair
 * @side: "A" or "B"
 * @what: "sent" or "received", the start of the line
 * @s: what the line says
 *
 * Return: 0, or -1 if there is no such line.
 */
int pair_stream(struct tool_pair *p, const char *side, const char *what,
		struct pair_stream *s);

/**
 * pair_says() - tell whether the output of one run contains a string
 * @p: the pair
 * @side: "A" or "B"
 * @text: the string; no single quote
 *
 * Return: true if it does.
 */
bool pair_says(struct tool_pair *p, const char *side, const char *text);

#endif /* _LKL_TEST_TOOL_PAIR_H */
