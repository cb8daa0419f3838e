// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the command lines of cptofs and cpfromfs: an input is the
 * arguments, separated by NUL bytes; the first byte picks the program
 * name (even: cptofs, odd: cpfromfs), which changes what it accepts.
 *
 * cptofs.c is compiled into this harness with its main() renamed, with
 * its host calls (tool-host-posix.c), and with tool_disk_open() failing
 * on purpose: each call parses the arguments exactly as the tool does,
 * prints what the tool prints for a bad command line, and stops where
 * the tool would open the image. No kernel boots.
 *
 * The fuzzer makes up file names, and runs as whoever runs make fuzz,
 * often root: the --sync-log that the tool opens (for appending, so
 * creating it) is /dev/null here, whatever the name, or the fuzzer
 * leaves empty files all over the host's file system, named after the
 * strings it saw compared (/etc/userdb, /run/userdb, from getpwnam()).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

static FILE *fuzz_log_open(const char *path, const char *mode)
{
	(void)path;
	return fopen("/dev/null", mode);
}

#define main cptofs_main
#define fopen fuzz_log_open
#include "cptofs.c"
#undef fopen
#undef main
/* Its host calls, which parsing makes too (user and group names). */
#include "tool-host-posix.c"

const char *const fuzz_name = "tool-args";

#define MAX_ARGS	32

static int opened;

/* The image is where parsing ends: count it and stop there. */
int tool_disk_open(struct tool_disk *t)
{
	(void)t;
	opened++;
	return -1;
}

int tool_disk_mount(struct tool_disk *t, const char *m, const char *f,
		    unsigned long p, const char *o)
{
	(void)t, (void)m, (void)f, (void)p, (void)o;
	return -1;
}

int tool_disk_close(struct tool_disk *t)
{
	(void)t;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_seeds_requested();
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *args, *argv[MAX_ARGS + 1], *p, *end;
	int argc = 1, fds;

	if (!size || size > 4096)
		return 0;
	args = malloc(size);
	if (!args)
		return 0;
	memcpy(args, data + 1, size - 1);
	args[size - 1] = '\0';
	argv[0] = data[0] & 1 ? "/usr/bin/cpfromfs" : "cptofs";
	for (p = args, end = args + size - 1; p < end && argc < MAX_ARGS;
	     p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	/* cptofs.c's state, as a new process has it. */
	optind = 0;
	image = NULL;
	set_owner = 0;
	keep_owner = 0;
	sync_log = NULL;
	fds = fuzz_next_fd();
	cptofs_main(argc, argv);
	/* What the exit after main() does: it returns with the log open. */
	if (sync_log && sync_log != stdout)
		fclose(sync_log);
	fuzz_check_fds(fds);
	free(args);
	return 0;
}

static int seed(const char *dir, const char *name, int from,
		const char *args, size_t len)
{
	char buf[512];

	buf[0] = from;
	memcpy(buf + 1, args, len);
	return fuzz_write_file(dir, name, buf, len + 1);
}

#define SEED(name, from, s)	seed(dir, name, from, s, sizeof(s) - 1)

int fuzz_make_seeds(const char *dir)
{
	int err = 0;

	err |= SEED("to", 0,
		    "-i\0disk.img\0-t\0ext4\0-P\0001\0-o\0root:root\0-m\00032M\0a\0b\0/dst");
	err |= SEED("from", 1, "--image=disk.img\0--type\0xfs\0--partition=2\0/a\0out");
	err |= SEED("owner", 0, "-o\0001000:1000\0-i\0x\0-t\0vfat\0src\0dst");
	err |= SEED("help", 1, "--help");
	err |= SEED("bad", 0, "-P\0-1\0-x\0--\0-i");
	return err ? -1 : 5;
}
