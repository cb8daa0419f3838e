// SPDX-License-Identifier: GPL-2.0
/*
 * One LKL interface on a host backend, and the native peers of the
 * traffic the network tests send over it: see link.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>

#include <lkl/asm/socket.h>

#include "link.h"

/* Fill in the addresses and the MAC of subnet @n. */
void link_init(struct link *l, int n, const char *host_dev,
	       const char *count_dev, unsigned int offloads)
{
	static const unsigned char mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

	l->subnet = n;
	l->offloads = offloads;
	memcpy(l->mac, mac, sizeof(mac));
	l->mac[4] = n;
	snprintf(l->host_dev, sizeof(l->host_dev), "%s", host_dev);
	snprintf(l->count_dev, sizeof(l->count_dev), "%s", count_dev);
	snprintf(l->host4, sizeof(l->host4), "10.%d.0.1", n);
	snprintf(l->lkl4, sizeof(l->lkl4), "10.%d.0.2", n);
	snprintf(l->host6, sizeof(l->host6), "fd00:%d::1", n);
	snprintf(l->lkl6, sizeof(l->lkl6), "fd00:%d::2", n);
}

/* The MAC address of @l as "ip link" writes it. */
const char *link_mac_str(const struct link *l)
{
	static char s[18];
	const unsigned char *m = l->mac;

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return s;
}

/* Give the native device its addresses (no DAD) and bring it up. */
int link_host_addrs(struct link *l)
{
	const char *ns = l->ns.name, *dev = l->host_dev;

	return test_run("ip -n %s link set %s up", ns, dev) ||
	       test_run("ip -n %s addr add %s/24 dev %s", ns, l->host4, dev) ||
	       test_run("ip -n %s addr add %s/64 dev %s nodad", ns, l->host6, dev);
}

/* Boot LKL with IPv6 DAD made short: 100 ms, without a random delay. */
int link_boot(void)
{
	int ret;

	ret = lkl_start_kernel(&lkl_host_ops, LINK_CMDLINE);
	if (ret)
		return ret;
	ret = lkl_if_up(1);
	if (!ret)
		ret = lkl_sysctl_set("net.ipv6.neigh.default.retrans_time_ms",
				     "100");
	if (!ret)
		ret = lkl_sysctl_set("net.ipv6.conf.default.router_solicitation_delay",
				     "0");
	return ret;
}

/*
 * Add @l's backend to the running kernel and give the interface its
 * addresses; wait until its IPv6 address is usable.
 */
int link_add(struct link *l)
{
	struct lkl_netdev_args args;
	int ret;

	memset(&args, 0, sizeof(args));
	memcpy(args.mac, l->mac, sizeof(args.mac));
	args.offloads = l->offloads;
	ret = lkl_netdev_add(l->nd, &args);
	if (ret < 0)
		return ret;
	l->ifindex = ret;
	ret = lkl_if_up(l->ifindex);
	if (!ret)
		ret = lkl_if_add_ip(l->ifindex, LKL_AF_INET, l->lkl4, 24);
	if (!ret)
		ret = lkl_if_add_ip(l->ifindex, LKL_AF_INET6, l->lkl6, 64);
	if (!ret)
		ret = lkl_if_wait_ipv6_dad(l->ifindex, l->lkl6, 5000);
	return ret;
}

int host_sa(int af, const char *addr, int port, union host_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (af == AF_INET) {
		sa->in.sin_family = AF_INET;
		sa->in.sin_port = htons(port);
		if (addr && inet_pton(AF_INET, addr, &sa->in.sin_addr) != 1)
			return -1;
		return sizeof(sa->in);
	}
	sa->in6.sin6_family = AF_INET6;
	sa->in6.sin6_port = htons(port);
	if (addr && inet_pton(AF_INET6, addr, &sa->in6.sin6_addr) != 1)
		return -1;
	return sizeof(sa->in6);
}

/* The same for LKL; @af is LKL_AF_INET or LKL_AF_INET6. */
int lkl_sa(int af, const char *addr, int port, union lkl_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (af == LKL_AF_INET) {
		sa->in.sin_family = LKL_AF_INET;
		sa->in.sin_port = htons(port);
		if (addr && inet_pton(AF_INET, addr, &sa->in.sin_addr) != 1)
			return -1;
		return sizeof(sa->in);
	}
	sa->in6.sin6_family = LKL_AF_INET6;
	sa->in6.sin6_port = htons(port);
	if (addr && inet_pton(AF_INET6, addr, &sa->in6.sin6_addr) != 1)
		return -1;
	return sizeof(sa->in6);
}

/* Send and receive timeouts of @s seconds on an LKL socket. */
long lkl_sock_timeouts(int fd, int s)
{
	struct __lkl__kernel_old_timeval tv = { .tv_sec = s };
	long ret;

	ret = lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_RCVTIMEO_OLD,
				 (void *)&tv, sizeof(tv));
	if (!ret)
		ret = lkl_sys_setsockopt(fd, LKL_SOL_SOCKET,
					 LKL_SO_SNDTIMEO_OLD, (void *)&tv,
					 sizeof(tv));
	return ret;
}

/* The same on a host socket; returns 0 or -errno. */
int host_sock_timeouts(int fd, int s)
{
	struct timeval tv = { .tv_sec = s };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

long host_send(int fd, void *buf, size_t len)
{
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

	return n < 0 ? -errno : n;
}

long host_recv(int fd, void *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, 0);

	return n < 0 ? -errno : n;
}

long lkl_send(int fd, void *buf, size_t len)
{
	return lkl_sys_sendto(fd, buf, len, 0, NULL, 0);
}

long lkl_recv(int fd, void *buf, size_t len)
{
	return lkl_sys_recvfrom(fd, buf, len, 0, NULL, NULL);
}

/* Send @total bytes of the stream @seed on @fd. */
void stream_send(xfer_fn xfer, int fd, unsigned long long total,
		 unsigned long long seed, struct stream *s)
{
	unsigned long long *buf = malloc(STREAM_CHUNK), x = seed | 1;
	size_t len, off;
	long n;

	s->sum = FNV_INIT;
	if (!buf) {
		s->err = -ENOMEM;
		s->what = "malloc";
		return;
	}
	while (s->bytes < total) {
		len = total - s->bytes < STREAM_CHUNK ? total - s->bytes :
			STREAM_CHUNK;
		test_fill(buf, STREAM_CHUNK, &x);
		s->sum = fnv1a(s->sum, buf, len);
		for (off = 0; off < len; off += n) {
			n = xfer(fd, (char *)buf + off, len - off);
			if (n <= 0) {
				s->err = n ? n : -EIO;
				s->what = "send";
				goto out;
			}
			s->bytes += n;
		}
	}
out:
	free(buf);
}

/* Receive a stream on @fd until the other side closes it. */
void stream_recv(xfer_fn xfer, int fd, struct stream *s)
{
	char *buf = malloc(STREAM_CHUNK);
	size_t len = 0;
	long n;

	s->sum = FNV_INIT;
	if (!buf) {
		s->err = -ENOMEM;
		s->what = "malloc";
		return;
	}
	for (;;) {
		n = xfer(fd, buf + len, STREAM_CHUNK - len);
		if (n < 0) {
			s->err = n;
			s->what = "recv";
			break;
		}
		len += n;
		s->bytes += n;
		if (len == STREAM_CHUNK || (!n && len)) {
			s->sum = fnv1a(s->sum, buf, len);
			len = 0;
		}
		if (!n)
			break;
	}
	free(buf);
}

void *peer_main(void *arg)
{
	struct peer *p = arg;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	int fd = p->fd, tries;

	if (p->listening) {
		fd = -1;
		if (poll(&pfd, 1, LINK_IO_TIMEOUT * 1000) == 1)
			fd = accept4(p->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			p->s.err = fd < 0 ? -errno : -ETIMEDOUT;
			p->s.err = p->s.err ? p->s.err : -ETIMEDOUT;
			p->s.what = "accept";
			return NULL;
		}
	} else {
		/* The LKL side listens first; retry while ARP/ND settles. */
		for (tries = 0; tries < 50; tries++) {
			if (!connect(fd, &p->to.sa, p->tolen))
				break;
			if (errno != ECONNREFUSED && errno != EHOSTUNREACH &&
			    errno != ENETUNREACH)
				break;
			usleep(100000);
		}
		if (tries == 50 || errno == ETIMEDOUT) {
			p->s.err = -errno;
			p->s.what = "connect";
			return NULL;
		}
	}
	host_sock_timeouts(fd, LINK_IO_TIMEOUT);
	if (p->sending) {
		stream_send(host_send, fd, p->total, p->seed, &p->s);
		shutdown(fd, SHUT_WR);
	} else {
		stream_recv(host_recv, fd, &p->s);
	}
	if (fd != p->fd)
		close(fd);
	return NULL;
}

/* LKL's address family for the host's @af. */
int to_lkl_af(int af)
{
	return af == AF_INET ? LKL_AF_INET : LKL_AF_INET6;
}

/* The Internet checksum of @len bytes (ICMPv4 needs it from userspace). */
static unsigned short inet_csum(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	unsigned int sum = 0;

	for (; len > 1; len -= 2, p += 2)
		sum += p[0] << 8 | p[1];
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/*
 * Ping @dst from LKL with a raw ICMP or ICMPv6 socket: up to @tries echo
 * requests, each given half a second for its reply. Returns the number of
 * matching echo replies (stopping at @want), or a negative LKL errno.
 */
int lkl_ping(int af, const char *dst, int want, int tries)
{
	const int v6 = af == LKL_AF_INET6;
	unsigned char pkt[64], buf[256];
	unsigned short id = getpid() & 0xffff, seq;
	long long deadline;
	union lkl_sa sa;
	int got = 0, len;
	long fd, n, off;

	len = lkl_sa(af, dst, 0, &sa);
	if (len < 0)
		return -LKL_EINVAL;
	fd = lkl_sys_socket(af, LKL_SOCK_RAW,
			    v6 ? LKL_IPPROTO_ICMPV6 : LKL_IPPROTO_ICMP);
	if (fd < 0)
		return fd;
	{
		struct __lkl__kernel_old_timeval tv = { .tv_usec = 100000 };

		lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_RCVTIMEO_OLD,
				   (void *)&tv, sizeof(tv));
	}
	for (seq = 1; seq <= tries && got < want; seq++) {
		memset(pkt, 0, sizeof(pkt));
		pkt[0] = v6 ? 128 : 8;	/* echo request */
		pkt[4] = id >> 8;
		pkt[5] = id & 0xff;
		pkt[6] = seq >> 8;
		pkt[7] = seq & 0xff;
		memset(pkt + 8, 0xa5, sizeof(pkt) - 8);
		/* The kernel fills in the ICMPv6 checksum itself. */
		if (!v6) {
			unsigned short c = inet_csum(pkt, sizeof(pkt));

			memcpy(pkt + 2, &c, 2);
		}
		n = lkl_sys_sendto(fd, pkt, sizeof(pkt), 0, &sa.sa, len);
		if (n < 0 && n != -LKL_EHOSTUNREACH && n != -LKL_ENETUNREACH) {
			lkl_sys_close(fd);
			return n;
		}
		deadline = host_ns(CLOCK_MONOTONIC) + 500 * NSEC_PER_MSEC;
		while (host_ns(CLOCK_MONOTONIC) < deadline) {
			n = lkl_sys_recvfrom(fd, buf, sizeof(buf), 0, NULL,
					     NULL);
			if (n < 0)
				continue;
			/* IPv4 raw sockets see the IP header too. */
			off = v6 ? 0 : (buf[0] & 0xf) * 4;
			if (n < off + 8 || buf[off] != (v6 ? 129 : 0) ||
			    buf[off + 4] != (id >> 8) ||
			    buf[off + 5] != (id & 0xff) ||
			    buf[off + 6] != (seq >> 8) ||
			    buf[off + 7] != (seq & 0xff))
				continue;
			got++;
			break;
		}
	}
	lkl_sys_close(fd);
	return got;
}

void *echo_main(void *arg)
{
	static char buf[65536];
	struct echo *e = arg;
	union host_sa from;
	socklen_t len;
	ssize_t n;

	while (!__atomic_load_n(&e->stop, __ATOMIC_ACQUIRE)) {
		len = sizeof(from);
		n = recvfrom(e->fd, buf, sizeof(buf), 0, &from.sa, &len);
		if (n < 0)
			continue;
		if (!e->quiet)
			sendto(e->fd, buf, n, 0, &from.sa, len);
		e->count++;
		e->bytes += n;
	}
	return NULL;
}
