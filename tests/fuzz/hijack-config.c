// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the hijack's configuration: the JSON file (config-json.c) and the
 * LKL_HIJACK_* environment variables (config-env.c), checked by config.c,
 * with no kernel. An input is the JSON text, then optionally a NUL byte
 * and lines NAME=VALUE that become environment variables (names that do
 * not start with LKL_HIJACK_ are left out). The JSON goes to a memfd
 * named by LKL_HIJACK_CONFIG_FILE, as a user's file would.
 *
 * A bad configuration makes the hijack print the key and exit(1) before
 * main(): that is the expected end of most inputs, so here exit() goes
 * back to the harness (longjmp) instead of ending the fuzzer. What
 * libFuzzer catches is everything else: crashes, hangs, and with the
 * sanitizers of the libFuzzer build, bad memory accesses and leaks. (The
 * messages of the failing inputs go to stderr; scripts/lkl-fuzz.sh runs
 * this harness with -close_fd_mask=2.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <json-c/json.h>

#include "fuzz.h"

static jmp_buf config_failed;

/*
 * A load that fails exits in the hijack, which the jump above stands
 * for, and leaves what it had allocated to that exit. Here the process
 * goes on, so the allocations of the configuration code are tracked,
 * and the harness frees what a failed load left: otherwise the fuzzer
 * grows by a megabyte a second and reaches libFuzzer's RSS limit
 * within the hour. After a load that succeeds and its
 * hijack_config_free(), nothing is left, or the free leaks: that is a
 * crash.
 */
union fuzz_block {
	struct {
		union fuzz_block *prev, *next;
	} l;
	max_align_t align;
};

static union fuzz_block fuzz_blocks = {
	.l = { &fuzz_blocks, &fuzz_blocks },
};

static struct json_object *fuzz_json_root;

static void *fuzz_track(union fuzz_block *b)
{
	if (!b)
		return NULL;
	b->l.next = fuzz_blocks.l.next;
	b->l.prev = &fuzz_blocks;
	b->l.next->l.prev = b;
	fuzz_blocks.l.next = b;
	return b + 1;
}

static union fuzz_block *fuzz_untrack(void *p)
{
	union fuzz_block *b = (union fuzz_block *)p - 1;

	b->l.prev->l.next = b->l.next;
	b->l.next->l.prev = b->l.prev;
	return b;
}

static void *fuzz_malloc(size_t n)
{
	return fuzz_track(malloc(sizeof(union fuzz_block) + n));
}

static void *fuzz_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > (SIZE_MAX - sizeof(union fuzz_block)) / size)
		return NULL;
	p = fuzz_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

static void *fuzz_realloc(void *p, size_t n)
{
	union fuzz_block *b;

	if (!p)
		return fuzz_malloc(n);
	b = realloc(fuzz_untrack(p), sizeof(*b) + n);
	/* On failure the old block stays, as realloc() leaves it. */
	return b ? fuzz_track(b) : fuzz_track((union fuzz_block *)p - 1);
}

static char *fuzz_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = fuzz_malloc(n);

	return p ? memcpy(p, s, n) : NULL;
}

static void fuzz_free(void *p)
{
	if (p)
		free(fuzz_untrack(p));
}

static struct json_object *fuzz_json_parse(const char *text,
					   enum json_tokener_error *err)
{
	fuzz_json_root = json_tokener_parse_verbose(text, err);
	return fuzz_json_root;
}

static int fuzz_json_put(struct json_object *o)
{
	if (o == fuzz_json_root)
		fuzz_json_root = NULL;
	return json_object_put(o);
}

/* Free what a failed load left; return whether anything was left. */
static int fuzz_free_all(void)
{
	int left = fuzz_blocks.l.next != &fuzz_blocks || fuzz_json_root;

	while (fuzz_blocks.l.next != &fuzz_blocks)
		free(fuzz_untrack(fuzz_blocks.l.next + 1));
	if (fuzz_json_root)
		fuzz_json_put(fuzz_json_root);
	return left;
}

static _Noreturn void fuzz_config_exit(int code)
{
	longjmp(config_failed, code ? code : 256);
}

/*
 * The images that "mounts" opens: a failed load leaves them open (the
 * process would exit), so the harness closes them after each input.
 * Each is /dev/null, whatever its name: the fuzzer makes names up, and
 * a host's device or FIFO opened by chance can block or act (a
 * watchdog starts counting).
 */
#define MAX_OPEN	64
static int open_fds[MAX_OPEN];
static int nopen;

static int fuzz_config_open(const char *path, int flags)
{
	int fd = open("/dev/null", flags);

	(void)path;
	if (fd >= 0 && nopen < MAX_OPEN)
		open_fds[nopen++] = fd;
	return fd;
}

static int fuzz_config_close(int fd)
{
	int i;

	for (i = 0; i < nopen; i++)
		if (open_fds[i] == fd)
			open_fds[i] = open_fds[--nopen];
	return close(fd);
}

/*
 * The configuration code, with its exit() turned into the longjmp and
 * its allocations tracked.
 */
#define exit(code)	fuzz_config_exit(code)
#define open(path, flags)	fuzz_config_open(path, flags)
#define malloc(n)	fuzz_malloc(n)
#define calloc(n, size)	fuzz_calloc(n, size)
#define realloc(p, n)	fuzz_realloc(p, n)
#define strdup(s)	fuzz_strdup(s)
#define free(p)		fuzz_free(p)
#define json_tokener_parse_verbose(text, err)	fuzz_json_parse(text, err)
#define json_object_put(o)	fuzz_json_put(o)
#include "config.c"
#include "config-env.c"
#include "config-json.c"
#undef json_object_put
#undef json_tokener_parse_verbose
#undef free
#undef strdup
#undef realloc
#undef calloc
#undef malloc
#undef open
#undef exit

/* What the rest of liblkl-hijack.so defines (log.c, init.c). */
int hijack_debug_level;
int hijack_lkl_pipes;
struct hijack_host_calls hijack_host = { .close = fuzz_config_close };

const char *const fuzz_name = "hijack-config";

#define MAX_VARS	16

static char *vars[MAX_VARS];
static int nvars;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_seeds_requested();
	return 0;
}

static void clear_vars(void)
{
	while (nvars > 0) {
		char *v = vars[--nvars];

		*strchr(v, '=') = '\0';
		unsetenv(v);
		free(v);
	}
	unsetenv("LKL_HIJACK_CONFIG_FILE");
}

/*
 * LKL_HIJACK_CONFIG_FILE is the harness's: it names the memfd of the
 * JSON, never a host file that the fuzzer made up.
 */
static int fuzz_config_file_var(const char *name, const char *eq)
{
	static const char var[] = "LKL_HIJACK_CONFIG_FILE";

	return eq - name == sizeof(var) - 1 && !memcmp(name, var, eq - name);
}

/* Set the NAME=VALUE lines of @s, @len bytes, as environment variables. */
static void set_vars(const char *s, size_t len)
{
	const char *end = s + len, *nl, *eq;
	char *v;

	for (; s < end && nvars < MAX_VARS; s = nl + 1) {
		nl = memchr(s, '\n', end - s);
		if (!nl)
			nl = end;
		eq = memchr(s, '=', nl - s);
		if (!eq || nl - s < 11 || memcmp(s, "LKL_HIJACK_", 11) ||
		    memchr(s, '\0', nl - s) || fuzz_config_file_var(s, eq))
			continue;
		/*
		 * Neither strncmp() above nor strndup() here: the last line
		 * may end the input without a NUL, and ASan's
		 * strict_string_checks make their interceptors look for one
		 * past the end.
		 */
		v = malloc(nl - s + 1);
		if (!v)
			continue;
		memcpy(v, s, nl - s);
		v[nl - s] = '\0';
		vars[nvars] = v;
		v[eq - s] = '\0';
		setenv(v, v + (eq - s) + 1, 1);
		v[eq - s] = '=';
		nvars++;
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct hijack_config *cfg;
	const unsigned char *nul = memchr(data, 0, size);
	size_t jlen = nul ? (size_t)(nul - data) : size;
	char path[64], cmdline[4096];
	int fd = -1, fds = fuzz_next_fd();

	if (jlen) {
		fd = memfd_create("fuzz-config", 0);
		if (fd < 0 || write(fd, data, jlen) != (ssize_t)jlen)
			goto out;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		setenv("LKL_HIJACK_CONFIG_FILE", path, 1);
	}
	if (nul)
		set_vars((const char *)nul + 1, size - jlen - 1);
	if (!setjmp(config_failed)) {
		cfg = hijack_config_load();
		hijack_config_cmdline(cfg, cmdline, sizeof(cmdline));
		hijack_config_free(cfg);
		if (fuzz_free_all()) {
			fprintf(stderr, "fuzz: %s: hijack_config_free() leaks\n",
				fuzz_name);
			abort();
		}
	} else {
		fuzz_free_all();
	}
out:
	clear_vars();
	if (fd >= 0)
		close(fd);
	while (nopen > 0)
		close(open_fds[--nopen]);
	fuzz_check_fds(fds);
	return 0;
}

static int seed(const char *dir, const char *name, const char *json,
		const char *env)
{
	char buf[2048];
	size_t len = strlen(json);

	memcpy(buf, json, len);
	if (env) {
		buf[len++] = '\0';
		memcpy(buf + len, env, strlen(env));
		len += strlen(env);
	}
	return fuzz_write_file(dir, name, buf, len);
}

int fuzz_make_seeds(const char *dir)
{
	int err = 0;

	err |= seed(dir, "full",
		    "{ \"debug\": 1, \"memsize\": \"64M\", \"boot_cmdline\": \"loglevel=4\",\n"
		    "  \"gateway\": \"10.0.0.1\", \"gateway6\": \"fd00::1\",\n"
		    "  \"sysctl\": { \"net.ipv4.tcp_sack\": \"0\" },\n"
		    "  \"interfaces\": [ { \"type\": \"tap\", \"param\": \"tap0\",\n"
		    "    \"mtu\": 1400, \"mac\": \"02:00:00:00:00:01\", \"offloads\": \"csum,tso\",\n"
		    "    \"ip\": \"10.0.0.2\", \"netmask_len\": 24, \"ipv6\": \"fd00::2\",\n"
		    "    \"netmask6_len\": 64, \"qdisc\": \"root|fq\",\n"
		    "    \"neighbours\": [ { \"ip\": \"10.0.0.9\", \"mac\": \"02:00:00:00:00:09\" } ] } ],\n"
		    "  \"routes\": [ { \"dst\": \"10.1.0.0/16\", \"gw\": \"10.0.0.1\" } ],\n"
		    "  \"mounts\": [ { \"image\": \"/nonexistent.img\", \"fstype\": \"ext4\",\n"
		    "    \"readonly\": true } ] }\n",
		    NULL);
	err |= seed(dir, "env", "",
		    "LKL_HIJACK_NET_IFTYPE=pipe\nLKL_HIJACK_NET_IFPARAMS=/tmp/rx|/tmp/tx\n"
		    "LKL_HIJACK_NET_IP=10.0.0.2\nLKL_HIJACK_NET_NETMASK_LEN=24\n"
		    "LKL_HIJACK_NET_MTU=9000\nLKL_HIJACK_NET_MAC=02:00:00:00:00:05\n"
		    "LKL_HIJACK_SYSCTL=net.core.somaxconn=1024;net.ipv4.tcp_sack=0\n"
		    "LKL_HIJACK_MEMSIZE=128M\nLKL_HIJACK_DEBUG=2\n");
	err |= seed(dir, "both",
		    "{ \"interfaces\": [ { \"type\": \"raw\", \"param\": \"eth0\" } ] }",
		    "LKL_HIJACK_NET_GATEWAY=10.0.0.1\nLKL_HIJACK_PIPE=lkl\n");
	return err ? -1 : 3;
}
