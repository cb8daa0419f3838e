// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces for the tests that need host devices: see netns.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include "netns.h"

#define NETNS_RUN_DIR	"/run/netns"

/* The harness's process id, in every namespace name. */
static pid_t netns_owner;

/*
 * Delete every namespace of this harness run. Safe enough for a signal
 * handler in a test program: it only reads a directory and runs "ip".
 */
static void netns_sweep(void)
{
	char suffix[32];
	struct dirent *d;
	size_t n, len;
	DIR *dir;

	if (getpid() != netns_owner)
		return;
	dir = opendir(NETNS_RUN_DIR);
	if (!dir)
		return;
	len = snprintf(suffix, sizeof(suffix), "-%d", (int)netns_owner);
	while ((d = readdir(dir))) {
		n = strlen(d->d_name);
		if (strncmp(d->d_name, "lkl-", 4) || n <= len ||
		    strcmp(d->d_name + n - len, suffix) || n > 100)
			continue;
		test_run("ip netns del %s 2>/dev/null", d->d_name);
	}
	closedir(dir);
}

static void netns_signal(int sig)
{
	netns_sweep();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Call once in main(), before test_harness_run(). */
void netns_init(void)
{
	netns_owner = getpid();
	atexit(netns_sweep);
	signal(SIGINT, netns_signal);
	signal(SIGTERM, netns_signal);
	signal(SIGHUP, netns_signal);
}

/*
 * Why the host cannot run these tests, or NULL if it can: they need root,
 * /dev/net/tun and the programs in @tools (a space-separated list).
 */
const char *netns_missing(const char *tools)
{
	static char why[160];

	if (geteuid())
		return "needs root, for network namespaces and devices";
	if (access("/dev/net/tun", R_OK | W_OK))
		return "needs /dev/net/tun";
	if (!test_have_all(tools)) {
		snprintf(why, sizeof(why), "needs all of: %s", tools);
		return why;
	}
	return NULL;
}

/*
 * Run the shell command @fmt inside @ns ("ip netns exec"), with its
 * standard output thrown away; it must not contain a single quote.
 * Returns its exit status, or -1.
 */
int netns_run(struct netns *ns, const char *fmt, ...)
{
	char cmd[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return test_run("ip netns exec %s sh -c '%s' >/dev/null", ns->name, cmd);
}

/*
 * Read one number from the output of the shell command @fmt run inside
 * @ns, such as a counter in /sys/class/net (sysfs shows the namespace's
 * devices only under "ip netns exec"). Returns -1 on failure.
 */
long long netns_read_num(struct netns *ns, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return test_run_num("ip netns exec %s %s", ns->name, cmd);
}

/* A network device statistic in @ns, such as "rx_bytes"; -1 on failure. */
long long netns_dev_stat(struct netns *ns, const char *dev, const char *stat)
{
	return netns_read_num(ns, "cat /sys/class/net/%s/statistics/%s",
			      dev, stat);
}

/* Delete @ns and its private directory; safe on a partly made one. */
void netns_destroy(struct netns *ns)
{
	if (ns->fd >= 0)
		close(ns->fd);
	ns->fd = -1;
	if (ns->name[0])
		test_run("ip netns del %s 2>/dev/null", ns->name);
	ns->name[0] = '\0';
	if (ns->dir[0])
		test_run("rm -rf %s", ns->dir);
	ns->dir[0] = '\0';
}

/*
 * Make the namespace "lkl-@tag-<pid>" with its loopback device up. A
 * leftover of that name from an earlier run is deleted first. Returns 0,
 * or -1 with @ns left empty.
 */
int netns_create(struct netns *ns, const char *tag)
{
	char path[128];

	memset(ns, 0, sizeof(*ns));
	ns->fd = -1;
	ns->home = -1;
	if (!netns_owner)
		netns_owner = getpid();
	snprintf(ns->name, sizeof(ns->name), "lkl-%s-%d", tag,
		 (int)netns_owner);
	test_run("ip netns del %s 2>/dev/null", ns->name);
	if (test_run("ip netns add %s", ns->name)) {
		ns->name[0] = '\0';
		return -1;
	}
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", ns->name);
	ns->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ns->fd < 0 || test_run("ip -n %s link set lo up", ns->name)) {
		netns_destroy(ns);
		return -1;
	}
	return 0;
}

/* Move the calling thread into @ns; returns 0 or a negative errno. */
int netns_enter(struct netns *ns)
{
	ns->home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns->home < 0)
		return -errno;
	if (setns(ns->fd, CLONE_NEWNET)) {
		close(ns->home);
		ns->home = -1;
		return -errno;
	}
	return 0;
}

/* Bring the calling thread back from @ns; returns 0 or a negative errno. */
int netns_leave(struct netns *ns)
{
	int ret = 0;

	if (ns->home < 0)
		return -EINVAL;
	if (setns(ns->home, CLONE_NEWNET))
		ret = -errno;
	close(ns->home);
	ns->home = -1;
	return ret;
}

/* A host socket in @ns, usable from any thread; -errno on failure. */
int netns_socket(struct netns *ns, int domain, int type)
{
	int fd, ret;

	ret = netns_enter(ns);
	if (ret)
		return ret;
	fd = socket(domain, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fd = -errno;
	ret = netns_leave(ns);
	if (ret && fd >= 0) {
		close(fd);
		fd = ret;
	}
	return fd;
}

/*
 * The character device node of macvtap @dev in @ns, made in the private
 * directory of @ns (there is no udev in a test namespace) and written to
 * @path. Returns 0 or -1.
 */
int netns_macvtap_node(struct netns *ns, const char *dev, char *path,
		       size_t len)
{
	long long ifindex, major, minor;
	char mm[32];

	if (!ns->dir[0]) {
		snprintf(ns->dir, sizeof(ns->dir), "/tmp/lkl-%s.XXXXXX",
			 ns->name + 4);
		if (!mkdtemp(ns->dir)) {
			ns->dir[0] = '\0';
			return -1;
		}
	}
	ifindex = netns_read_num(ns, "cat /sys/class/net/%s/ifindex", dev);
	if (ifindex <= 0)
		return -1;
	if (test_run_out(mm, sizeof(mm),
			 "ip netns exec %s cat /sys/class/net/%s/macvtap/tap%lld/dev",
			 ns->name, dev, ifindex) ||
	    sscanf(mm, "%lld:%lld", &major, &minor) != 2)
		return -1;
	snprintf(path, len, "%s/tap%lld", ns->dir, ifindex);
	if (mknod(path, S_IFCHR | 0600, makedev(major, minor)))
		return -1;
	return 0;
}
