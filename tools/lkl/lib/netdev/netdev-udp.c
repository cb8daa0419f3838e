// SPDX-License-Identifier: GPL-2.0
/*
 * The udp network backend: one Ethernet frame per UDP datagram, with no
 * header of its own, between a local and a remote address and port. It
 * is the wire format of QEMU's "-netdev dgram" with inet addresses and of
 * the older "-netdev socket,udp=", so an LKL instance can talk to
 * another one, or to a QEMU guest, on any host that has UDP sockets, with
 * no privilege and no host device.
 *
 * A datagram carries a frame and nothing else, so there is no virtio-net
 * header and no offload: no checksum offload and no GSO. A 64 KiB GSO
 * frame would not even fit in one IPv4 datagram, and QEMU's peer does
 * not expect a header. LKL computes checksums and segments to the MTU
 * itself.
 *
 * Only datagrams whose source is the remote address and port become
 * frames: others are dropped, and the first one is reported, so
 * that no stray sender on the network can inject frames. A frame longer
 * than the driver's receive buffers reaches the device with its full
 * length and is dropped and counted there (rx_too_long), never cut; a
 * frame too large for a datagram fails to send and is counted as a
 * tx_error.
 *
 * The socket calls are in udp-host.h, one implementation per host; this
 * file only parses addresses and moves frames.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lkl.h>

#include "virtio/netdev.h"
#include "netdev/udp-host.h"

/* The longest HOST of a HOST:PORT: an IPv6 address with a scope name. */
#define UDP_HOST_MAX	80

/**
 * struct netdev_udp - a udp backend
 * @nd: the backend; @nd.rx_fd is the socket
 * @remote: where frames are sent, and the only source taken
 * @warned: a datagram from another source has been dropped and reported
 */
struct netdev_udp {
	struct lkl_netdev nd;
	struct udp_host_addr remote;
	bool warned;
};

static struct netdev_udp *to_udp(struct lkl_netdev *nd)
{
	return (struct netdev_udp *)nd;
}

/*
 * Split "HOST:PORT" or "[HOST]:PORT" (an IPv6 address needs the
 * brackets) into @host and @port. HOST may be empty only if @may_be_any.
 */
static int udp_split(const char *s, bool may_be_any, char *host,
		     unsigned int *port)
{
	bool bracket = s[0] == '[';
	const char *end, *p;
	unsigned long n = 0;
	size_t len;

	if (bracket) {
		end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		s++;
		p = end + 2;
	} else {
		end = strrchr(s, ':');
		if (!end)
			return -EINVAL;
		p = end + 1;
	}
	len = end - s;
	/* Only a bracketed IPv6 address may hold colons. */
	if (len >= UDP_HOST_MAX || (!bracket && memchr(s, ':', len)))
		return -EINVAL;
	if (!len && (bracket || !may_be_any))
		return -EINVAL;
	memcpy(host, s, len);
	host[len] = '\0';

	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		n = n * 10 + (*p - '0');
		if (n > 65535)
			return -EINVAL;
	}
	if (!n)
		return -EINVAL;
	*port = n;
	return 0;
}

/*
 * Parse both ends: the remote address decides the family, and an empty
 * local HOST is the unspecified address of that family.
 */
static int udp_parse(const char *local, const char *remote,
		     struct udp_host_addr *l, struct udp_host_addr *r)
{
	char host[UDP_HOST_MAX];
	unsigned int port;
	int ret;

	if (!local || !remote)
		return -EINVAL;
	ret = udp_split(remote, false, host, &port);
	if (!ret)
		ret = udp_host_addr(host, port, AF_UNSPEC, r);
	if (!ret)
		ret = udp_split(local, true, host, &port);
	if (!ret)
		ret = udp_host_addr(host, port, udp_host_addr_family(r), l);
	return ret;
}

int netdev_udp_check(const char *local, const char *remote)
{
	struct udp_host_addr l, r;

	return udp_parse(local, remote, &l, &r);
}

static ssize_t udp_tx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	return udp_host_send(nd->rx_fd, iov, cnt, &to_udp(nd)->remote);
}

static ssize_t udp_rx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	static const char foreign[] =
		"lkl: udp backend: dropped a datagram that is not from the remote address\n";
	struct netdev_udp *u = to_udp(nd);
	struct udp_host_addr from;
	ssize_t n;

	n = udp_host_recv(nd->rx_fd, iov, cnt, &from);
	/*
	 * An ICMP error for an earlier datagram (the peer is not up yet) is
	 * no reason to stop receiving.
	 */
	if (n == -ECONNREFUSED || n == -ECONNRESET || n == -EHOSTUNREACH ||
	    n == -ENETUNREACH)
		return -EAGAIN;
	if (n < 0)
		return n;
	if (!udp_host_addr_same(&from, &u->remote)) {
		if (!u->warned) {
			u->warned = true;
			lkl_printf(foreign);
		}
		return -EAGAIN;
	}
	/* Shorter than an Ethernet header: the driver counts and drops it. */
	return n;
}

static void udp_free(struct lkl_netdev *nd)
{
	udp_host_close(nd->rx_fd);
	free(to_udp(nd));
}

static const struct lkl_netdev_ops udp_ops = {
	.tx = udp_tx,
	.rx = udp_rx,
	.free = udp_free,
};

/**
 * lkl_netdev_udp_create() - a backend on a UDP socket
 * @local: "HOST:PORT" to bind to; "[HOST]:PORT" for IPv6; an empty HOST
 *	(":PORT") binds to every address of the remote's family
 * @remote: "HOST:PORT" or "[HOST]:PORT" of the peer, which has them
 *	swapped
 * @nd: receives the backend
 *
 * Addresses are numeric (no name is looked up); both ends are of one
 * family, and ports are 1 to 65535. Frames are plain Ethernet frames, one
 * per datagram: no offloads.
 *
 * Return: 0, or a negative LKL errno: -LKL_EINVAL for a malformed or
 * missing address, -LKL_EADDRINUSE if the local port is taken,
 * -LKL_EADDRNOTAVAIL if the local address is not the host's.
 */
int lkl_netdev_udp_create(const char *local, const char *remote,
			  struct lkl_netdev **nd)
{
	struct udp_host_addr l;
	struct netdev_udp *u;
	int ret, sock;

	u = calloc(1, sizeof(*u));
	if (!u)
		return lkl_netdev_err(ENOMEM);
	ret = udp_parse(local, remote, &l, &u->remote);
	if (ret) {
		free(u);
		return lkl_netdev_err(-ret);
	}
	sock = udp_host_open(&l);
	if (sock < 0) {
		free(u);
		return lkl_netdev_err(-sock);
	}
	u->nd.ops = &udp_ops;
	u->nd.rx_fd = sock;
	/* udp_host_recv() never waits: read a batch without polling each. */
	u->nd.rx_nonblock = true;
	*nd = &u->nd;
	return 0;
}
