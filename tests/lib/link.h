/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One LKL interface on a host backend (tap, raw on veth, macvtap on veth)
 * in a test namespace, and the traffic the network tests send over it:
 * host threads that are the native peers of TCP streams and UDP echoes,
 * and pings from LKL. The checks on that traffic are in
 * tests/net/link-test.h.
 *
 * Subnet N: the native side is 10.N.0.1/24 and fd00:N::1/64, LKL is
 * 10.N.0.2/24 and fd00:N::2/64 with MAC 02:00:00:00:N:02. Fixed MACs keep
 * reruns away from stale neighbour entries.
 *
 * The native peers are host threads of the test process using host
 * sockets made in the test's namespace (netns_socket()): the host's own
 * stack, as any program there would use it.
 */
#ifndef _LKL_TEST_LINK_H
#define _LKL_TEST_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <lkl.h>
#include <lkl_host.h>

#include "netns.h"

#define LINK_CMDLINE		"mem=128M loglevel=4"
#define LINK_PORT		5001
#define STREAM_CHUNK		(256UL << 10)
/* Seconds a socket waits before a stalled transfer fails. */
#define LINK_IO_TIMEOUT		20

/**
 * struct link - an LKL interface on a backend in a namespace
 * @ns: the namespace that holds the backend and the native side
 * @nd: the backend
 * @ifindex: LKL's interface index
 * @offloads: the LKL_NETDEV_OFFLOAD_* bits asked for
 * @mac: LKL's MAC address
 * @subnet: N in the addresses above
 * @host_dev: the native device that has the native addresses
 * @count_dev: the native device whose receive counters count the frames
 *	LKL sends
 * @host4: the native IPv4 address; @host6, @lkl4, @lkl6 likewise
 */
struct link {
	struct netns ns;
	struct lkl_netdev *nd;
	int ifindex;
	unsigned int offloads;
	unsigned char mac[6];
	int subnet;
	char host_dev[16];
	char count_dev[16];
	char host4[32], host6[48], lkl4[32], lkl6[48];
};

/* A host socket address, IPv4 or IPv6. */
union host_sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* An LKL socket address, IPv4 or IPv6. */
union lkl_sa {
	struct lkl_sockaddr sa;
	struct lkl_sockaddr_in in;
	struct lkl_sockaddr_in6 in6;
};

/*
 * A stream of pseudo-random bytes from a seed, checksummed with fnv1a()
 * in blocks of STREAM_CHUNK, so that the checksum does not depend on how
 * send() and recv() cut the stream.
 */
struct stream {
	unsigned long long bytes;
	unsigned long long sum;
	long err;
	const char *what;
};

typedef long (*xfer_fn)(int fd, void *buf, size_t len);

/*
 * A native TCP peer on a host thread: it accepts on @fd (listening) or
 * connects @fd to @to, then sends @total bytes or receives until the end.
 */
struct peer {
	int fd;
	bool listening;
	union host_sa to;
	socklen_t tolen;
	bool sending;
	unsigned long long total, seed;
	struct stream s;
	pthread_t thread;
};

/*
 * A native UDP echo server on a host thread, until @stop is set; with
 * @quiet it only counts what it receives, in @count and @bytes.
 */
struct echo {
	int fd;
	bool stop;
	bool quiet;
	int count;
	unsigned long long bytes;
	pthread_t thread;
};

/**
 * link_init() - fill in the addresses and the MAC of a subnet
 * @l: the link
 * @n: the subnet, N in the addresses above
 * @host_dev: the native device that gets the native addresses
 * @count_dev: the native device whose receive counters count LKL's frames
 * @offloads: the LKL_NETDEV_OFFLOAD_* bits to ask for
 */
void link_init(struct link *l, int n, const char *host_dev,
	       const char *count_dev, unsigned int offloads);

/**
 * link_mac_str() - LKL's MAC address, as "ip link" writes it
 * @l: the link
 *
 * Return: a static string, overwritten by the next call.
 */
const char *link_mac_str(const struct link *l);

/**
 * link_host_addrs() - give the native device its addresses and bring it up
 * @l: the link; the IPv6 address skips DAD
 *
 * Return: 0, or the status of the first "ip" command that failed.
 */
int link_host_addrs(struct link *l);

/**
 * link_boot() - boot LKL for a link test
 *
 * LKL boots with LINK_CMDLINE and its loopback device up, and with IPv6
 * DAD made short: 100 ms, without a random delay.
 *
 * Return: 0 or a negative LKL errno.
 */
int link_boot(void);

/**
 * link_add() - add a link's backend to the running kernel
 * @l: the link, with @l->nd open
 *
 * The interface gets its MAC, offloads and addresses, and the call waits
 * until its IPv6 address is usable; @l->ifindex is set.
 *
 * Return: 0 or a negative LKL errno.
 */
int link_add(struct link *l);

/**
 * host_sa() - make a host socket address
 * @af: AF_INET or AF_INET6
 * @addr: the address, or NULL for the wildcard
 * @port: the port, in host order
 * @sa: the address made
 *
 * Return: its length, or -1 if @addr is malformed.
 */
int host_sa(int af, const char *addr, int port, union host_sa *sa);

/**
 * lkl_sa() - make an LKL socket address
 * @af: LKL_AF_INET or LKL_AF_INET6
 * @addr: the address, or NULL for the wildcard
 * @port: the port, in host order
 * @sa: the address made
 *
 * Return: its length, or -1 if @addr is malformed.
 */
int lkl_sa(int af, const char *addr, int port, union lkl_sa *sa);

/**
 * lkl_sock_timeouts() - set the send and receive timeouts of an LKL socket
 * @fd: the socket
 * @s: the timeout, in seconds
 *
 * Return: 0 or a negative LKL errno.
 */
long lkl_sock_timeouts(int fd, int s);

/**
 * host_sock_timeouts() - set the send and receive timeouts of a host socket
 * @fd: the socket
 * @s: the timeout, in seconds
 *
 * Return: 0 or a negative errno.
 */
int host_sock_timeouts(int fd, int s);

/**
 * host_send() - send on a host socket, as an xfer_fn
 * @fd: the socket
 * @buf: the data
 * @len: its length
 *
 * Return: the bytes sent, or a negative errno.
 */
long host_send(int fd, void *buf, size_t len);

/**
 * host_recv() - receive on a host socket, as an xfer_fn
 * @fd: the socket
 * @buf: where the data goes
 * @len: its size
 *
 * Return: the bytes received, 0 at the end, or a negative errno.
 */
long host_recv(int fd, void *buf, size_t len);

/**
 * lkl_send() - send on an LKL socket, as an xfer_fn
 * @fd: the socket
 * @buf: the data
 * @len: its length
 *
 * Return: the bytes sent, or a negative LKL errno.
 */
long lkl_send(int fd, void *buf, size_t len);

/**
 * lkl_recv() - receive on an LKL socket, as an xfer_fn
 * @fd: the socket
 * @buf: where the data goes
 * @len: its size
 *
 * Return: the bytes received, 0 at the end, or a negative LKL errno.
 */
long lkl_recv(int fd, void *buf, size_t len);

/**
 * stream_send() - send a stream of pseudo-random bytes
 * @xfer: host_send() or lkl_send()
 * @fd: the connected socket
 * @total: how many bytes to send
 * @seed: the seed of the stream
 * @s: its bytes, checksum and error, updated
 */
void stream_send(xfer_fn xfer, int fd, unsigned long long total,
		 unsigned long long seed, struct stream *s);

/**
 * stream_recv() - receive a stream until the other side closes it
 * @xfer: host_recv() or lkl_recv()
 * @fd: the connected socket
 * @s: its bytes, checksum and error, updated
 */
void stream_recv(xfer_fn xfer, int fd, struct stream *s);

/**
 * peer_main() - the thread of a native TCP peer
 * @arg: its struct peer
 *
 * Return: NULL; the result is in the struct peer.
 */
void *peer_main(void *arg);

/**
 * to_lkl_af() - LKL's address family for a host one
 * @af: AF_INET or AF_INET6
 *
 * Return: LKL_AF_INET or LKL_AF_INET6.
 */
int to_lkl_af(int af);

/**
 * lkl_ping() - ping from LKL with a raw ICMP or ICMPv6 socket
 * @af: LKL_AF_INET or LKL_AF_INET6
 * @dst: the address to ping
 * @want: how many replies are enough
 * @tries: how many echo requests at the most, each given half a second
 *	for its reply
 *
 * Return: the number of matching echo replies, at most @want, or a
 * negative LKL errno.
 */
int lkl_ping(int af, const char *dst, int want, int tries);

/**
 * echo_main() - the thread of a native UDP echo server
 * @arg: its struct echo
 *
 * Return: NULL, once @stop of the struct echo is set.
 */
void *echo_main(void *arg);

#endif /* _LKL_TEST_LINK_H */
