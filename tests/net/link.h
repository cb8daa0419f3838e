/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One LKL interface on a host backend (tap, raw on veth, macvtap on veth)
 * and the traffic that the backends test sends over it (route and qdisc
 * use parts): ping both ways, TCP streams with a checksum, UDP echoes, and
 * the offloads the driver negotiated.
 *
 * Subnet N: the native side is 10.N.0.1/24 and fd00:N::1/64, LKL is
 * 10.N.0.2/24 and fd00:N::2/64 with MAC 02:00:00:00:N:02. Fixed MACs keep
 * reruns away from stale neighbour entries.
 *
 * The native peers are host threads of the test process using host
 * sockets made in the test's namespace (netns_socket()): the host's own
 * stack, as any program there would use it.
 */
#ifndef _LINK_H
#define _LINK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/time.h>

#include <lkl/asm/socket.h>
#include <lkl/linux/virtio_net.h>

#include "../boot/lkl-test.h"
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

/* Fill in the addresses and the MAC of subnet @n. */
static inline void link_init(struct link *l, int n, const char *host_dev,
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
static inline const char *link_mac_str(const struct link *l)
{
	static char s[18];
	const unsigned char *m = l->mac;

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return s;
}

/* Give the native device its addresses (no DAD) and bring it up. */
static inline int link_host_addrs(struct link *l)
{
	const char *ns = l->ns.name, *dev = l->host_dev;

	return test_run("ip -n %s link set %s up", ns, dev) ||
	       test_run("ip -n %s addr add %s/24 dev %s", ns, l->host4, dev) ||
	       test_run("ip -n %s addr add %s/64 dev %s nodad", ns, l->host6, dev);
}

/* Boot LKL with IPv6 DAD made short: 100 ms, without a random delay. */
static inline int link_boot(void)
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
static inline int link_add(struct link *l)
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

/* Socket addresses, host and LKL; @port in host order. */
union host_sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

union lkl_sa {
	struct lkl_sockaddr sa;
	struct lkl_sockaddr_in in;
	struct lkl_sockaddr_in6 in6;
};

static inline int host_sa(int af, const char *addr, int port,
			  union host_sa *sa)
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
static inline int lkl_sa(int af, const char *addr, int port, union lkl_sa *sa)
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
static inline long lkl_sock_timeouts(int fd, int s)
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
static inline int host_sock_timeouts(int fd, int s)
{
	struct timeval tv = { .tv_sec = s };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

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

static inline long host_send(int fd, void *buf, size_t len)
{
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

	return n < 0 ? -errno : n;
}

static inline long host_recv(int fd, void *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, 0);

	return n < 0 ? -errno : n;
}

static inline long lkl_send(int fd, void *buf, size_t len)
{
	return lkl_sys_sendto(fd, buf, len, 0, NULL, 0);
}

static inline long lkl_recv(int fd, void *buf, size_t len)
{
	return lkl_sys_recvfrom(fd, buf, len, 0, NULL, NULL);
}

/* Send @total bytes of the stream @seed on @fd. */
static inline void stream_send(xfer_fn xfer, int fd, unsigned long long total,
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
static inline void stream_recv(xfer_fn xfer, int fd, struct stream *s)
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

static void *peer_main(void *arg)
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
static inline int to_lkl_af(int af)
{
	return af == AF_INET ? LKL_AF_INET : LKL_AF_INET6;
}

/*
 * TCP from LKL to the native side on @l: @total bytes over @af, checked
 * by checksum on the native side. Returns the rate in MB/s in *@mbs.
 */
static inline void link_tcp_to_host(struct __test_metadata *_metadata,
				    struct link *l, int af,
				    unsigned long long total, double *mbs)
{
	const char *host = af == AF_INET ? l->host4 : l->host6;
	struct peer p = { .seed = 0 };
	struct stream s = { .bytes = 0 };
	long long t0, t;
	union host_sa hsa;
	union lkl_sa sa;
	int one = 1;
	long fd, ret;

	p.fd = netns_socket(&l->ns, af, SOCK_STREAM);
	ASSERT_LE(0, p.fd);
	setsockopt(p.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(p.fd, &hsa.sa, host_sa(af, host, LINK_PORT, &hsa)));
	ASSERT_EQ(0, listen(p.fd, 1));
	p.listening = true;
	ASSERT_EQ(0, pthread_create(&p.thread, NULL, peer_main, &p));

	t0 = host_ns(CLOCK_MONOTONIC);
	fd = lkl_sys_socket(to_lkl_af(af), LKL_SOCK_STREAM, 0);
	EXPECT_LE(0, fd);
	if (fd >= 0) {
		EXPECT_EQ(0, lkl_sock_timeouts(fd, LINK_IO_TIMEOUT));
		ret = lkl_sys_connect(fd, &sa.sa,
				      lkl_sa(to_lkl_af(af), host, LINK_PORT,
					     &sa));
		EXPECT_EQ(0, ret) {
			TH_LOG("connect to %s: %s", host, lkl_strerror(ret));
		}
		if (!ret)
			stream_send(lkl_send, fd, total, 0x1234 + af, &s);
		lkl_sys_close(fd);
	}
	pthread_join(p.thread, NULL);
	t = host_ns(CLOCK_MONOTONIC) - t0;
	close(p.fd);

	EXPECT_EQ(0, s.err) {
		TH_LOG("LKL %s after %llu bytes: %s", s.what, s.bytes,
		       lkl_strerror(s.err));
	}
	EXPECT_EQ(0, p.s.err) {
		TH_LOG("native %s after %llu bytes: %s", p.s.what, p.s.bytes,
		       strerror(-p.s.err));
	}
	EXPECT_EQ(total, s.bytes);
	EXPECT_EQ(total, p.s.bytes);
	EXPECT_EQ(s.sum, p.s.sum);
	*mbs = t > 0 ? p.s.bytes * 1000.0 / t : 0;
}

/* TCP from the native side to LKL, as link_tcp_to_host() the other way. */
static inline void link_tcp_to_lkl(struct __test_metadata *_metadata,
				   struct link *l, int af,
				   unsigned long long total, double *mbs)
{
	const char *addr = af == AF_INET ? l->lkl4 : l->lkl6;
	struct peer p = { .seed = 0 };
	struct stream s = { .bytes = 0 };
	long long t0, t;
	union lkl_sa sa;
	long lfd, fd;

	lfd = lkl_sys_socket(to_lkl_af(af), LKL_SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, lkl_sock_timeouts(lfd, LINK_IO_TIMEOUT));
	ASSERT_EQ(0, lkl_sys_bind(lfd, &sa.sa,
				  lkl_sa(to_lkl_af(af), NULL, LINK_PORT, &sa)));
	ASSERT_EQ(0, lkl_sys_listen(lfd, 1));

	p.fd = netns_socket(&l->ns, af, SOCK_STREAM);
	ASSERT_LE(0, p.fd);
	p.tolen = host_sa(af, addr, LINK_PORT, &p.to);
	p.sending = true;
	p.total = total;
	p.seed = 0x4321 + af;
	t0 = host_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, pthread_create(&p.thread, NULL, peer_main, &p));

	fd = lkl_sys_accept(lfd, NULL, NULL);
	EXPECT_LE(0, fd) {
		TH_LOG("accept: %s", lkl_strerror(fd));
	}
	if (fd >= 0) {
		EXPECT_EQ(0, lkl_sock_timeouts(fd, LINK_IO_TIMEOUT));
		stream_recv(lkl_recv, fd, &s);
		lkl_sys_close(fd);
	}
	lkl_sys_close(lfd);
	pthread_join(p.thread, NULL);
	t = host_ns(CLOCK_MONOTONIC) - t0;
	close(p.fd);

	EXPECT_EQ(0, s.err) {
		TH_LOG("LKL %s after %llu bytes: %s", s.what, s.bytes,
		       lkl_strerror(s.err));
	}
	EXPECT_EQ(0, p.s.err) {
		TH_LOG("native %s after %llu bytes: %s", p.s.what, p.s.bytes,
		       strerror(-p.s.err));
	}
	EXPECT_EQ(total, s.bytes);
	EXPECT_EQ(total, p.s.bytes);
	EXPECT_EQ(s.sum, p.s.sum);
	*mbs = t > 0 ? s.bytes * 1000.0 / t : 0;
}

/* The Internet checksum of @len bytes (ICMPv4 needs it from userspace). */
static inline unsigned short inet_csum(const void *buf, size_t len)
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
static inline int lkl_ping(int af, const char *dst, int want, int tries)
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

/* Ping both ways over IPv4 and IPv6: LKL's raw sockets, the host's ping. */
static inline void link_ping(struct __test_metadata *_metadata,
			     struct link *l)
{
	EXPECT_EQ(3, lkl_ping(LKL_AF_INET, l->host4, 3, 10));
	EXPECT_EQ(3, lkl_ping(LKL_AF_INET6, l->host6, 3, 10));
	EXPECT_EQ(0, netns_run(&l->ns, "ping -q -c 3 -i 0.2 -W 2 %s",
			       l->lkl4));
	EXPECT_EQ(0, netns_run(&l->ns, "ping -6 -q -c 3 -i 0.2 -W 2 %s",
			       l->lkl6));
}

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

static void *echo_main(void *arg)
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

/*
 * UDP datagrams of several sizes from LKL to a native echo server and
 * back, with MTU 9000 on both sides (@mtu_devs are the native devices,
 * space-separated, that need the larger MTU).
 */
static inline void link_udp(struct __test_metadata *_metadata, struct link *l,
			    int af, const char *mtu_devs)
{
	static const unsigned int sizes[] = { 1, 1472, 8972, 9000 };
	static unsigned char out[9000], in[9100];
	const char *host = af == AF_INET ? l->host4 : l->host6;
	struct timeval tv = { .tv_usec = 100000 };
	struct echo e = { .stop = false };
	union host_sa hsa;
	union lkl_sa sa;
	unsigned int i;
	int salen, try;
	long fd, n;

	ASSERT_EQ(0, netns_run(&l->ns,
			       "for d in %s; do ip link set $d mtu 9000; done",
			       mtu_devs));
	ASSERT_EQ(0, lkl_if_set_mtu(l->ifindex, 9000));
	ASSERT_EQ(9000, lkl_if_get_mtu(l->ifindex));

	e.fd = netns_socket(&l->ns, af, SOCK_DGRAM);
	ASSERT_LE(0, e.fd);
	setsockopt(e.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ASSERT_EQ(0, bind(e.fd, &hsa.sa, host_sa(af, host, LINK_PORT, &hsa)));
	ASSERT_EQ(0, pthread_create(&e.thread, NULL, echo_main, &e));

	fd = lkl_sys_socket(to_lkl_af(af), LKL_SOCK_DGRAM, 0);
	EXPECT_LE(0, fd);
	salen = lkl_sa(to_lkl_af(af), host, LINK_PORT, &sa);
	if (fd >= 0) {
		struct __lkl__kernel_old_timeval ltv = { .tv_usec = 500000 };

		lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_RCVTIMEO_OLD,
				   (void *)&ltv, sizeof(ltv));
	}
	for (i = 0; fd >= 0 && i < ARRAY_SIZE(sizes); i++) {
		/* The first byte tells the datagrams apart. */
		memset(out, 'a' + i, sizes[i]);
		out[0] = i;
		/* A datagram may be lost while neighbours are resolved. */
		for (try = 0, n = -1; try < 5 && n != sizes[i]; try++) {
			n = lkl_sys_sendto(fd, out, sizes[i], 0, &sa.sa,
					   salen);
			EXPECT_EQ(sizes[i], n) {
				TH_LOG("sendto %d bytes: %s", sizes[i],
				       lkl_strerror(n));
			}
			do {
				n = lkl_sys_recvfrom(fd, in, sizeof(in), 0,
						     NULL, NULL);
			} while (n >= 0 && (n < 1 || in[0] != i));
		}
		EXPECT_EQ(sizes[i], n) {
			TH_LOG("echo of %d bytes: %ld", sizes[i], n);
		}
		if (n == sizes[i])
			EXPECT_EQ(0, memcmp(in, out, sizes[i]));
	}
	if (fd >= 0)
		lkl_sys_close(fd);
	__atomic_store_n(&e.stop, true, __ATOMIC_RELEASE);
	pthread_join(e.thread, NULL);
	close(e.fd);
}

/* The offload features: all of them with @on, none without. */
static inline void link_features(struct __test_metadata *_metadata,
				 struct link *l, bool on)
{
	const unsigned long long offload =
		1ULL << LKL_VIRTIO_NET_F_CSUM |
		1ULL << LKL_VIRTIO_NET_F_GUEST_CSUM |
		1ULL << LKL_VIRTIO_NET_F_HOST_TSO4 |
		1ULL << LKL_VIRTIO_NET_F_HOST_TSO6 |
		1ULL << LKL_VIRTIO_NET_F_GUEST_TSO4 |
		1ULL << LKL_VIRTIO_NET_F_GUEST_TSO6;
	unsigned long long f = 0;

	ASSERT_EQ(0, lkl_netdev_get_features(l->nd, &f));
	TH_LOG("features %#llx", f);
	EXPECT_TRUE(f & 1ULL << LKL_VIRTIO_NET_F_MAC);
	EXPECT_TRUE(f & 1ULL << LKL_VIRTIO_NET_F_MRG_RXBUF);
	EXPECT_EQ(on ? offload : 0, f & offload);
}

/*
 * @total bytes each way over @af, checked; the frames LKL sent, counted by
 * the native device's receive counters, are larger than the MTU on
 * average with TSO and never beyond it without.
 */
static inline void link_tcp(struct __test_metadata *_metadata, struct link *l,
			    int af, unsigned long long total)
{
	long long b0, p0, b1, p1;
	double out, in, avg;
	int mtu = lkl_if_get_mtu(l->ifindex);
	int tso = !!(l->offloads & LKL_NETDEV_OFFLOAD_TSO);

	b0 = netns_dev_stat(&l->ns, l->count_dev, "rx_bytes");
	p0 = netns_dev_stat(&l->ns, l->count_dev, "rx_packets");
	link_tcp_to_host(_metadata, l, af, total, &out);
	b1 = netns_dev_stat(&l->ns, l->count_dev, "rx_bytes");
	p1 = netns_dev_stat(&l->ns, l->count_dev, "rx_packets");
	link_tcp_to_lkl(_metadata, l, af, total, &in);

	ASSERT_LT(0, b0);
	ASSERT_LT(p0, p1);
	avg = (double)(b1 - b0) / (p1 - p0);
	TH_LOG("LKL->native %.0f MB/s, native->LKL %.0f MB/s", out, in);
	TH_LOG("%lld frames from LKL, %.0f bytes each", p1 - p0, avg);
	EXPECT_EQ(tso, avg > mtu + 14) {
		TH_LOG("%s TSO, %.0f bytes a frame for MTU %d + 14",
		       tso ? "with" : "without", avg, mtu);
	}
}

#endif /* _LINK_H */
