/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks that the backends, route and qdisc tests make on the traffic
 * over one LKL interface (../lib/link.h): ping both ways, TCP streams with
 * a checksum, UDP echoes, and the offloads the driver negotiated. They use
 * the kselftest harness, so they run on the test's own thread; include
 * this after kselftest_harness.h.
 */
#ifndef _LINK_TEST_H
#define _LINK_TEST_H

#include <string.h>

#include <lkl/asm/socket.h>
#include <lkl/linux/virtio_net.h>

#include "../boot/lkl-test.h"
#include "link.h"

/*
 * Both ends of a TCP stream of @total bytes, LKL's @s and the native
 * peer's @ns: no error, every byte, and the same checksum.
 */
static inline void link_check_stream(struct __test_metadata *_metadata,
				     const struct stream *s,
				     const struct stream *ns,
				     unsigned long long total)
{
	EXPECT_EQ(0, s->err) {
		TH_LOG("LKL %s after %llu bytes: %s", s->what, s->bytes,
		       lkl_strerror(s->err));
	}
	EXPECT_EQ(0, ns->err) {
		TH_LOG("native %s after %llu bytes: %s", ns->what, ns->bytes,
		       strerror(-ns->err));
	}
	EXPECT_EQ(total, s->bytes);
	EXPECT_EQ(total, ns->bytes);
	EXPECT_EQ(s->sum, ns->sum);
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

	link_check_stream(_metadata, &s, &p.s, total);
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

	link_check_stream(_metadata, &s, &p.s, total);
	*mbs = t > 0 ? s.bytes * 1000.0 / t : 0;
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

#endif /* _LINK_TEST_H */
