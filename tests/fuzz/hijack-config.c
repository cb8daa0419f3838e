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
 * sanitizers of the libFuzzer build, bad memory accesses. (The messages
 * of the failing inputs go to stderr; scripts/lkl-fuzz.sh runs this
 * harness with -close_fd_mask=2, and without leak detection, since a
 * failed load leaves what it allocated to the exit that ends the
 * program.)
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

#include "fuzz.h"

static jmp_buf config_failed;

/*
 * A load that fails exits in the hijack, which the jump above stands
 * for, so what it had allocated is left behind here. LeakSanitizer
 * would report that at the end of the replay: its allocations are not
 * counted. (The loads that succeed are leak-checked in every hijacked
 * program that the hijack tests run.)
 */
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define FUZZ_LSAN 1
#endif
#endif

#ifdef FUZZ_LSAN
#include <sanitizer/lsan_interface.h>
#define fuzz_leaks_off()	__lsan_disable()
#define fuzz_leaks_on()		__lsan_enable()
#else
#define fuzz_leaks_off()	do { } while (0)
#define fuzz_leaks_on()		do { } while (0)
#endif

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

/* The configuration code, with its exit() turned into the longjmp. */
#define exit(code)	fuzz_config_exit(code)
#define open(path, flags)	fuzz_config_open(path, flags)
#include "config.c"
#include "config-env.c"
#include "config-json.c"
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
	fuzz_leaks_off();
	if (!setjmp(config_failed)) {
		cfg = hijack_config_load();
		hijack_config_cmdline(cfg, cmdline, sizeof(cmdline));
		hijack_config_free(cfg);
	}
	fuzz_leaks_on();
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
