/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network namespaces for the tests that need host devices (the backends
 * test, route, qdisc, netdev-bad).
 *
 * Each test makes its own namespace, "lkl-<tag>-<pid>" where <pid> is the
 * harness's process, puts its tap, veth or macvtap devices and its native
 * addresses in it, and deletes it when it ends. The namespace holds only
 * lo and those devices, so the native peer can be reached only through
 * LKL's device, and the machine's own interfaces are never touched.
 *
 * Deleting is done three times over: by FIXTURE_TEARDOWN_PARENT (the
 * harness skips teardown on a timeout, and kills the whole test process
 * group), by an atexit() handler of the harness's own process, and by its
 * SIGINT/SIGTERM/SIGHUP handler; the last two remove every namespace with
 * this process's id in its name. main() calls netns_init() before
 * test_harness_run() to get them.
 *
 * Host sockets stay in the namespace they were made in, so a test makes
 * its native peers' sockets with netns_socket() and then uses them from
 * any thread. Backends look device names up in the calling thread's
 * namespace: open them between netns_enter() and netns_leave().
 */
#ifndef _LKL_TEST_NETNS_H
#define _LKL_TEST_NETNS_H

#include <stddef.h>

#include "testlib.h"

/**
 * struct netns - a network namespace made by a test
 * @name: its name, as "ip netns" knows it; empty when there is none
 * @fd: a descriptor of it, for setns(), or -1
 * @home: the caller's own namespace while inside it, or -1
 * @dir: a private directory for device nodes, or empty
 */
struct netns {
	char name[64];
	int fd;
	int home;
	char dir[64];
};

/**
 * netns_init() - make this process the owner of the test namespaces
 *
 * Call once in main(), before test_harness_run(): the namespaces are then
 * named after this process, and deleted at its exit and on SIGINT,
 * SIGTERM and SIGHUP.
 */
void netns_init(void);

/**
 * netns_missing() - tell why the host cannot run the namespace tests
 * @tools: the programs the test needs, separated by spaces
 *
 * The tests need root, /dev/net/tun and @tools.
 *
 * Return: the reason, or NULL if the host can run them.
 */
const char *netns_missing(const char *tools);

/**
 * netns_create() - make a namespace with its loopback device up
 * @ns: where to keep it
 * @tag: the middle of its name, "lkl-@tag-<pid>"
 *
 * A leftover of that name from an earlier run is deleted first.
 *
 * Return: 0, or -1 with @ns left empty.
 */
int netns_create(struct netns *ns, const char *tag);

/**
 * netns_destroy() - delete a namespace and its private directory
 * @ns: the namespace; a partly made or already deleted one is fine
 */
void netns_destroy(struct netns *ns);

/**
 * netns_run() - run a shell command inside a namespace
 * @ns: the namespace ("ip netns exec")
 * @fmt: printf-style format of the command; it must not contain a single
 *	quote. Its standard output is thrown away.
 *
 * Return: its exit status, as test_run().
 */
int netns_run(struct netns *ns, const char *fmt, ...) __printf(2, 3);

/**
 * netns_read_num() - read a number that a command inside a namespace prints
 * @ns: the namespace; sysfs shows its devices only under "ip netns exec"
 * @fmt: printf-style format of the command, such as a cat of a counter
 *
 * Return: the number, or -1 on failure.
 */
long long netns_read_num(struct netns *ns, const char *fmt, ...)
	__printf(2, 3);

/**
 * netns_dev_stat() - read a network device statistic in a namespace
 * @ns: the namespace
 * @dev: the device
 * @stat: the statistic, such as "rx_bytes"
 *
 * Return: its value, or -1 on failure.
 */
long long netns_dev_stat(struct netns *ns, const char *dev, const char *stat);

/**
 * netns_enter() - move the calling thread into a namespace
 * @ns: the namespace
 *
 * Return: 0 or a negative errno.
 */
int netns_enter(struct netns *ns);

/**
 * netns_leave() - bring the calling thread back from a namespace
 * @ns: the namespace netns_enter() moved it into
 *
 * Return: 0 or a negative errno.
 */
int netns_leave(struct netns *ns);

/**
 * netns_socket() - make a host socket in a namespace
 * @ns: the namespace
 * @domain: as socket()
 * @type: as socket(); SOCK_CLOEXEC is added
 *
 * The socket can then be used from any thread.
 *
 * Return: the socket, or a negative errno.
 */
int netns_socket(struct netns *ns, int domain, int type);

/**
 * netns_macvtap_node() - make the device node of a macvtap device
 * @ns: the namespace of the device
 * @dev: the macvtap device
 * @path: where the path of the node is written
 * @len: the size of @path
 *
 * The node is made in the private directory of @ns: there is no udev in
 * a test namespace.
 *
 * Return: 0 or -1.
 */
int netns_macvtap_node(struct netns *ns, const char *dev, char *path,
		       size_t len);

#endif /* _LKL_TEST_NETNS_H */
