// SPDX-License-Identifier: GPL-2.0
/*
 * The network configuration API (lib/net.c) on LKL's loopback device:
 * links, addresses, IPv6 DAD, routes, gateways (also per interface),
 * neighbours, qdiscs with their statistics, and sysctls. Each result is
 * checked through another path where there is one: an ioctl, or whether
 * a socket can bind to an address or reach a destination.
 *
 * Then every kind of bad input, once directly and once under valgrind,
 * and a TCP stream with a checksum over 127.0.0.1 and ::1 inside LKL.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "net-test.h"

#define LO	LOOPBACK_IFINDEX
#define IN	LKL_AF_INET
#define IN6	LKL_AF_INET6

union net_sa {
	struct lkl_sockaddr sa;
	struct lkl_sockaddr_in in;
	struct lkl_sockaddr_in6 in6;
};

/* Fill @sa with @addr and @port (host order); returns its length. */
static int net_sa(int af, const char *addr, int port, union net_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (af == IN) {
		sa->in.sin_family = IN;
		sa->in.sin_port = htons(port);
		if (inet_pton(AF_INET, addr, &sa->in.sin_addr) != 1)
			return -1;
		return sizeof(sa->in);
	}
	sa->in6.sin6_family = IN6;
	sa->in6.sin6_port = htons(port);
	if (inet_pton(AF_INET6, addr, &sa->in6.sin6_addr) != 1)
		return -1;
	return sizeof(sa->in6);
}

/*
 * Whether a UDP socket, bound to @src if it is not NULL, can be connected
 * to @dst: 0, or the error of bind() or connect(), such as
 * -LKL_EADDRNOTAVAIL for an address no interface has, or -LKL_ENETUNREACH
 * when no route leads to @dst.
 */
static long udp_reach(int af, const char *src, const char *dst)
{
	union net_sa sa;
	long fd, ret;
	int len;

	fd = lkl_sys_socket(af, LKL_SOCK_DGRAM, 0);
	if (fd < 0)
		return fd;
	ret = 0;
	if (src) {
		len = net_sa(af, src, 0, &sa);
		ret = len < 0 ? -LKL_EINVAL : lkl_sys_bind(fd, &sa.sa, len);
	}
	if (!ret) {
		len = net_sa(af, dst, 9, &sa);
		ret = len < 0 ? -LKL_EINVAL : lkl_sys_connect(fd, &sa.sa, len);
	}
	lkl_sys_close(fd);
	return ret;
}

/* Read the interface flags of @ifindex with ioctls, not netlink. */
static long if_flags(int ifindex)
{
	struct lkl_ifreq ifr;
	long fd, ret;

	fd = lkl_sys_socket(IN, LKL_SOCK_DGRAM, 0);
	if (fd < 0)
		return fd;
	memset(&ifr, 0, sizeof(ifr));
	ifr.lkl_ifr_ifindex = ifindex;
	ret = lkl_sys_ioctl(fd, LKL_SIOCGIFNAME, (long)&ifr);
	if (!ret)
		ret = lkl_sys_ioctl(fd, LKL_SIOCGIFFLAGS, (long)&ifr);
	lkl_sys_close(fd);
	return ret < 0 ? ret : (unsigned short)ifr.lkl_ifr_flags;
}

FIXTURE(config) {
	int unused;
};

FIXTURE_SETUP(config)
{
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	ASSERT_EQ(0, lkl_if_up(LO));
}

FIXTURE_TEARDOWN(config)
{
	EXPECT_EQ(0, lkl_sys_halt());
}

TEST_F(config, if_up_down)
{
	EXPECT_EQ(LKL_IFF_UP, if_flags(LO) & LKL_IFF_UP);
	ASSERT_EQ(0, lkl_if_down(LO));
	EXPECT_EQ(0, if_flags(LO) & LKL_IFF_UP);
	/* Down, lo loses its IPv6 address ::1. */
	EXPECT_EQ(-LKL_EADDRNOTAVAIL, udp_reach(IN6, NULL, "::1"));
	/* Down twice, up twice: both are no-ops the second time. */
	EXPECT_EQ(0, lkl_if_down(LO));
	ASSERT_EQ(0, lkl_if_up(LO));
	EXPECT_EQ(0, lkl_if_up(LO));
	EXPECT_EQ(LKL_IFF_UP, if_flags(LO) & LKL_IFF_UP);
	EXPECT_EQ(0, udp_reach(IN6, NULL, "::1"));
	EXPECT_EQ(LO, lkl_ifname_to_ifindex("lo"));
	EXPECT_EQ(-LKL_ENODEV, lkl_ifname_to_ifindex("nosuch0"));
}

TEST_F(config, mtu)
{
	struct lkl_ifreq ifr;
	long fd;

	EXPECT_EQ(65536, lkl_if_get_mtu(LO));
	ASSERT_EQ(0, lkl_if_set_mtu(LO, 1500));
	EXPECT_EQ(1500, lkl_if_get_mtu(LO));

	/* The same through SIOCGIFMTU. */
	fd = lkl_sys_socket(IN, LKL_SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.lkl_ifr_name, "lo", 3);
	EXPECT_EQ(0, lkl_sys_ioctl(fd, LKL_SIOCGIFMTU, (long)&ifr));
	EXPECT_EQ(1500, ifr.lkl_ifr_mtu);
	lkl_sys_close(fd);

	/* Refused by the kernel, and the MTU stays. */
	EXPECT_EQ(-LKL_EINVAL, lkl_if_set_mtu(LO, -1));
	EXPECT_EQ(1500, lkl_if_get_mtu(LO));
	EXPECT_EQ(0, lkl_if_set_mtu(LO, 65536));
	EXPECT_EQ(65536, lkl_if_get_mtu(LO));
}

TEST_F(config, mac)
{
	static const unsigned char mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44,
					      0x55 };
	struct lkl_ifreq ifr;
	long fd;

	ASSERT_EQ(0, lkl_if_set_mac(LO, mac));
	fd = lkl_sys_socket(IN, LKL_SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.lkl_ifr_name, "lo", 3);
	EXPECT_EQ(0, lkl_sys_ioctl(fd, LKL_SIOCGIFHWADDR, (long)&ifr));
	EXPECT_EQ(0, memcmp(mac, ifr.lkl_ifr_hwaddr.sa_data, sizeof(mac)));
	lkl_sys_close(fd);
	EXPECT_EQ(-LKL_EINVAL, lkl_if_set_mac(LO, NULL));
}

TEST_F(config, addr_ipv4)
{
	EXPECT_EQ(-LKL_EADDRNOTAVAIL, udp_reach(IN, "10.11.0.1", "127.0.0.1"));
	ASSERT_EQ(0, lkl_if_add_ip(LO, IN, "10.11.0.1", 24));
	EXPECT_EQ(-LKL_EEXIST, lkl_if_add_ip(LO, IN, "10.11.0.1", 24));
	EXPECT_EQ(0, udp_reach(IN, "10.11.0.1", "127.0.0.1"));
	ASSERT_EQ(0, lkl_if_add_ip(LO, IN, "10.11.0.9", 32));
	EXPECT_EQ(0, udp_reach(IN, "10.11.0.9", "10.11.0.1"));

	EXPECT_EQ(0, lkl_if_del_ip(LO, IN, "10.11.0.9", 32));
	EXPECT_EQ(0, lkl_if_del_ip(LO, IN, "10.11.0.1", 24));
	EXPECT_EQ(-LKL_EADDRNOTAVAIL, lkl_if_del_ip(LO, IN, "10.11.0.1", 24));
	EXPECT_EQ(-LKL_EADDRNOTAVAIL, udp_reach(IN, "10.11.0.1", "127.0.0.1"));
}

TEST_F(config, addr_ipv6)
{
	EXPECT_EQ(-LKL_EADDRNOTAVAIL, udp_reach(IN6, "fd00:11::1", "::1"));
	EXPECT_EQ(-LKL_EADDRNOTAVAIL,
		  lkl_if_wait_ipv6_dad(LO, "fd00:11::1", 0));
	ASSERT_EQ(0, lkl_if_add_ip(LO, IN6, "fd00:11::1", 64));
	EXPECT_EQ(-LKL_EEXIST, lkl_if_add_ip(LO, IN6, "fd00:11::1", 64));
	/*
	 * The loopback device sends no DAD probes, but the address stays
	 * tentative until the DAD work has run, soon after.
	 */
	EXPECT_EQ(0, lkl_if_wait_ipv6_dad(LO, "fd00:11::1", 1000));
	EXPECT_EQ(0, lkl_if_wait_ipv6_dad(LO, "fd00:11::1", 0));
	EXPECT_EQ(0, udp_reach(IN6, "fd00:11::1", "::1"));
	/* The prefix route came with it. */
	EXPECT_EQ(0, udp_reach(IN6, NULL, "fd00:11::77"));

	EXPECT_EQ(0, lkl_if_del_ip(LO, IN6, "fd00:11::1", 64));
	EXPECT_EQ(-LKL_EADDRNOTAVAIL, lkl_if_del_ip(LO, IN6, "fd00:11::1", 64));
	EXPECT_EQ(-LKL_EADDRNOTAVAIL, udp_reach(IN6, "fd00:11::1", "::1"));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN6, NULL, "fd00:11::77"));
}

TEST_F(config, route_ipv4)
{
	ASSERT_EQ(0, lkl_if_add_ip(LO, IN, "10.11.0.1", 24));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN, NULL, "10.12.3.4"));

	/* Through a gateway on lo's network, and then directly. */
	ASSERT_EQ(0, lkl_route_add(IN, "10.12.0.0", 16, "10.11.0.2", LO, 0));
	EXPECT_EQ(-LKL_EEXIST,
		  lkl_route_add(IN, "10.12.0.0", 16, "10.11.0.2", LO, 0));
	EXPECT_EQ(0, udp_reach(IN, NULL, "10.12.3.4"));
	EXPECT_EQ(0, lkl_route_del(IN, "10.12.0.0", 16, "10.11.0.2", LO, 0));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN, NULL, "10.12.3.4"));
	EXPECT_EQ(-LKL_ESRCH, lkl_route_del(IN, "10.12.0.0", 16, NULL, 0, 0));

	ASSERT_EQ(0, lkl_route_add(IN, "10.13.0.0", 16, NULL, LO, 0));
	EXPECT_EQ(0, udp_reach(IN, NULL, "10.13.0.1"));
	EXPECT_EQ(0, lkl_route_del(IN, "10.13.0.0", 16, NULL, LO, 0));

	/* Another table is not looked up: the main table still has none. */
	ASSERT_EQ(0, lkl_route_add(IN, "10.14.0.0", 16, "10.11.0.2", 0, 100));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN, NULL, "10.14.0.1"));
	EXPECT_EQ(-LKL_ESRCH, lkl_route_del(IN, "10.14.0.0", 16, NULL, 0, 0));
	EXPECT_EQ(0, lkl_route_del(IN, "10.14.0.0", 16, NULL, 0, 100));

	/* A gateway that no interface reaches. */
	EXPECT_EQ(-LKL_ENETUNREACH,
		  lkl_route_add(IN, "10.15.0.0", 16, "192.0.2.1", 0, 0));
	/* Neither a gateway nor an interface. */
	EXPECT_EQ(-LKL_EINVAL, lkl_route_add(IN, "10.15.0.0", 16, NULL, 0, 0));
}

/*
 * IPv6 refuses the loopback device as the way to a gateway, so routes
 * through lo are direct ones; gateways need an Ethernet device.
 */
TEST_F(config, route_ipv6)
{
	ASSERT_EQ(0, lkl_if_add_ip(LO, IN6, "fd00:11::1", 64));
	ASSERT_EQ(0, lkl_if_wait_ipv6_dad(LO, "fd00:11::1", 1000));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN6, NULL, "fd00:12::5"));

	ASSERT_EQ(0, lkl_route_add(IN6, "fd00:12::", 48, NULL, LO, 0));
	EXPECT_EQ(-LKL_EEXIST, lkl_route_add(IN6, "fd00:12::", 48, NULL, LO, 0));
	EXPECT_EQ(0, udp_reach(IN6, NULL, "fd00:12::5"));
	EXPECT_EQ(0, lkl_route_del(IN6, "fd00:12::", 48, NULL, LO, 0));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN6, NULL, "fd00:12::5"));
	EXPECT_EQ(-LKL_ESRCH, lkl_route_del(IN6, "fd00:12::", 48, NULL, 0, 0));

	EXPECT_EQ(-LKL_EHOSTUNREACH,
		  lkl_route_add(IN6, "fd00:13::", 64, "fd00:11::2", LO, 0));
	EXPECT_EQ(-LKL_EHOSTUNREACH,
		  lkl_route_add(IN6, "fd00:13::", 64, "2001:db8::1", 0, 0));
}

TEST_F(config, gateway_ipv4)
{
	ASSERT_EQ(0, lkl_if_add_ip(LO, IN, "10.11.0.1", 24));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN, NULL, "198.51.100.1"));
	ASSERT_EQ(0, lkl_set_gateway(IN, "10.11.0.2"));
	EXPECT_EQ(0, udp_reach(IN, NULL, "198.51.100.1"));
	/* Setting it again replaces it. */
	EXPECT_EQ(0, lkl_set_gateway(IN, "10.11.0.3"));
	EXPECT_EQ(-LKL_ESRCH, lkl_route_del(IN, NULL, 0, "10.11.0.2", 0, 0));
	EXPECT_EQ(0, lkl_route_del(IN, NULL, 0, "10.11.0.3", 0, 0));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN, NULL, "198.51.100.1"));
	EXPECT_EQ(-LKL_ENETUNREACH, lkl_set_gateway(IN, "192.0.2.1"));
}

/*
 * The default route for IPv6: directly on lo through lkl_route_add(), and
 * refused through a gateway on lo (see route_ipv6).
 */
TEST_F(config, gateway_ipv6)
{
	ASSERT_EQ(0, lkl_if_add_ip(LO, IN6, "fd00:11::1", 64));
	ASSERT_EQ(0, lkl_if_wait_ipv6_dad(LO, "fd00:11::1", 1000));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN6, NULL, "2001:db8::1"));
	ASSERT_EQ(0, lkl_route_add(IN6, NULL, 0, NULL, LO, 0));
	EXPECT_EQ(0, udp_reach(IN6, NULL, "2001:db8::1"));
	EXPECT_EQ(0, lkl_route_del(IN6, NULL, 0, NULL, 0, 0));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN6, NULL, "2001:db8::1"));

	EXPECT_EQ(-LKL_EHOSTUNREACH, lkl_set_gateway(IN6, "fd00:11::2"));
	EXPECT_EQ(-LKL_EHOSTUNREACH, lkl_set_gateway(IN6, "2001:db8::99"));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN6, NULL, "2001:db8::1"));
}

/*
 * A per-interface gateway serves only traffic from the interface's own
 * network: the main table has no default route here.
 */
TEST_F(config, if_gateway_ipv4)
{
	ASSERT_EQ(0, lkl_if_add_ip(LO, IN, "10.11.0.1", 24));
	ASSERT_EQ(0, lkl_if_set_gateway(LO, IN, "10.11.0.1", 24, "10.11.0.2"));
	EXPECT_EQ(0, udp_reach(IN, "10.11.0.1", "198.51.100.1"));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN, NULL, "198.51.100.1"));
	EXPECT_EQ(-LKL_ENETUNREACH,
		  udp_reach(IN, "127.0.0.1", "198.51.100.1"));

	/* Again, with another gateway: the rule stays, the route changes. */
	EXPECT_EQ(0, lkl_if_set_gateway(LO, IN, "10.11.0.1", 24, "10.11.0.3"));
	EXPECT_EQ(0, udp_reach(IN, "10.11.0.1", "198.51.100.1"));
	EXPECT_EQ(0, lkl_route_del(IN, NULL, 0, "10.11.0.3", LO,
				   LKL_IF_GATEWAY_TABLE(LO)));
	EXPECT_EQ(-LKL_ENETUNREACH,
		  udp_reach(IN, "10.11.0.1", "198.51.100.1"));

	/* An unreachable gateway changes nothing. */
	EXPECT_EQ(-LKL_ENETUNREACH,
		  lkl_if_set_gateway(LO, IN, "10.11.0.1", 24, "192.0.2.1"));
}

/*
 * The kernel refuses IPv6 gateways behind the loopback device, so this
 * one runs on an Ethernet interface: virtio-net on one end of a host
 * socket pair (the fd backend), which needs no privilege.
 */
TEST_F(config, if_gateway_ipv6)
{
	struct lkl_netdev_args args = {
		.mac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x11 },
	};
	struct lkl_netdev *nd;
	int sv[2], eth;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	ASSERT_EQ(0, lkl_netdev_fd_create(sv[0], 0, &nd));
	eth = lkl_netdev_add(nd, &args);
	ASSERT_LT(0, eth);
	ASSERT_EQ(0, lkl_if_up(eth));
	/* Nobody answers the probes: DAD ends after its one second. */
	ASSERT_EQ(0, lkl_if_add_ip(eth, IN6, "fd00:11::1", 64));
	ASSERT_EQ(0, lkl_if_wait_ipv6_dad(eth, "fd00:11::1", 5000));
	ASSERT_EQ(0, lkl_if_set_gateway(eth, IN6, "fd00:11::1", 64,
					"fd00:11::2"));
	EXPECT_EQ(0, udp_reach(IN6, "fd00:11::1", "2001:db8::1"));
	EXPECT_EQ(-LKL_ENETUNREACH, udp_reach(IN6, "::1", "2001:db8::1"));
	EXPECT_EQ(0, lkl_netdev_remove(nd));
	lkl_netdev_free(nd);
	close(sv[0]);
	close(sv[1]);
}

/*
 * The loopback device resolves no neighbours, and the kernel files every
 * IPv4 neighbour of lo under the key 0.0.0.0: an entry added for
 * 10.11.0.2 is found only as 0.0.0.0. IPv6 keeps the address. A real ARP
 * and NDP test needs an Ethernet device (virtio-net).
 */
TEST_F(config, neigh_on_lo)
{
	const unsigned char *mac = net_test_mac;

	ASSERT_EQ(0, lkl_if_add_ip(LO, IN, "10.11.0.1", 24));
	ASSERT_EQ(0, lkl_if_add_ip(LO, IN6, "fd00:11::1", 64));
	ASSERT_EQ(0, lkl_if_wait_ipv6_dad(LO, "fd00:11::1", 1000));

	EXPECT_EQ(0, lkl_neigh_add(LO, IN, "10.11.0.2", mac));
	EXPECT_EQ(-LKL_ENOENT, lkl_neigh_del(LO, IN, "10.11.0.2"));
	EXPECT_EQ(0, lkl_neigh_del(LO, IN, "0.0.0.0"));
	EXPECT_EQ(-LKL_ENOENT, lkl_neigh_del(LO, IN, "0.0.0.0"));

	EXPECT_EQ(0, lkl_neigh_add(LO, IN6, "fd00:11::2", mac));
	/* Adding again replaces the entry. */
	EXPECT_EQ(0, lkl_neigh_add(LO, IN6, "fd00:11::2", mac));
	EXPECT_EQ(0, lkl_neigh_del(LO, IN6, "fd00:11::2"));
	EXPECT_EQ(-LKL_ENOENT, lkl_neigh_del(LO, IN6, "fd00:11::2"));
}

/* Send @count UDP datagrams of @size bytes to 127.0.0.1 and read them. */
static long udp_traffic(int count, int size)
{
	static char buf[2048];
	union net_sa sa;
	long rx, tx, ret = 0;
	int len, i;

	rx = lkl_sys_socket(IN, LKL_SOCK_DGRAM, 0);
	if (rx < 0)
		return rx;
	tx = lkl_sys_socket(IN, LKL_SOCK_DGRAM, 0);
	if (tx < 0) {
		lkl_sys_close(rx);
		return tx;
	}
	len = net_sa(IN, "127.0.0.1", 0, &sa);
	ret = lkl_sys_bind(rx, &sa.sa, len);
	if (!ret)
		ret = lkl_sys_getsockname(rx, &sa.sa, &len);
	if (!ret)
		ret = lkl_sys_connect(tx, &sa.sa, len);
	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; !ret && i < count; i++) {
		ret = lkl_sys_sendto(tx, buf, size, 0, NULL, 0);
		if (ret == size)
			ret = lkl_sys_recvfrom(rx, buf, sizeof(buf), 0, NULL,
					       NULL);
		ret = ret == size ? 0 : ret < 0 ? ret : -LKL_EIO;
	}
	lkl_sys_close(tx);
	lkl_sys_close(rx);
	return ret;
}

TEST_F(config, qdisc_fq)
{
	struct lkl_qdisc_stats st;

	/* The loopback device has no queue by default: noqueue, handle 0. */
	ASSERT_EQ(0, lkl_qdisc_get_stats(LO, LKL_TC_H_ROOT, &st));
	EXPECT_STREQ("noqueue", st.kind);
	EXPECT_EQ(0, st.handle);
	EXPECT_EQ(-LKL_ENOENT, lkl_qdisc_del(LO, LKL_TC_H_ROOT));

	ASSERT_EQ(0, lkl_qdisc_add(LO, "fq", LKL_TC_H_ROOT));
	EXPECT_EQ(-LKL_EEXIST, lkl_qdisc_add(LO, "fq", LKL_TC_H_ROOT));

	ASSERT_EQ(0, lkl_qdisc_get_stats(LO, LKL_TC_H_ROOT, &st));
	EXPECT_STREQ("fq", st.kind);
	EXPECT_NE(0, st.handle);
	EXPECT_EQ(0, st.packets);

	ASSERT_EQ(0, udp_traffic(200, 1000));
	ASSERT_EQ(0, lkl_qdisc_get_stats(LO, LKL_TC_H_ROOT, &st));
	TH_LOG("fq: %llu packets, %llu bytes, %u drops, %u overlimits",
	       st.packets, st.bytes, st.drops, st.overlimits);
	TH_LOG("fq: %u requeues, qlen %u, backlog %u", st.requeues, st.qlen,
	       st.backlog);
	/* Each datagram, with its UDP, IP and Ethernet headers. */
	EXPECT_LE(200, st.packets);
	EXPECT_LE(200ULL * (1000 + 8 + 20 + 14), st.bytes);
	EXPECT_EQ(0, st.drops);
	EXPECT_EQ(0, st.qlen);
	EXPECT_EQ(0, st.backlog);

	EXPECT_EQ(0, lkl_qdisc_del(LO, LKL_TC_H_ROOT));
	ASSERT_EQ(0, lkl_qdisc_get_stats(LO, LKL_TC_H_ROOT, &st));
	EXPECT_STREQ("noqueue", st.kind);
	EXPECT_EQ(-LKL_ENOENT, lkl_qdisc_del(LO, LKL_TC_H_ROOT));
}

TEST_F(config, qdisc_fq_codel)
{
	struct lkl_qdisc_stats st;

	ASSERT_EQ(0, lkl_qdisc_add(LO, "fq_codel", LKL_TC_H_ROOT));
	ASSERT_EQ(0, udp_traffic(10, 100));
	ASSERT_EQ(0, lkl_qdisc_get_stats(LO, LKL_TC_H_ROOT, &st));
	EXPECT_STREQ("fq_codel", st.kind);
	EXPECT_LE(10, st.packets);
	EXPECT_LE(10ULL * (100 + 8 + 20 + 14), st.bytes);
	EXPECT_EQ(0, lkl_qdisc_del(LO, LKL_TC_H_ROOT));
}

TEST_F(config, sysctl)
{
	char buf[64];

	ASSERT_EQ(0, lkl_sysctl_get("net.ipv4.ip_forward", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);
	ASSERT_EQ(0, lkl_sysctl_set("net.ipv4.ip_forward", "1"));
	ASSERT_EQ(0, lkl_sysctl_get("net.ipv4.ip_forward", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
	/* The same file, read without the API. */
	EXPECT_EQ(2, lkl_test_read_file("/proc/sys/net/ipv4/ip_forward", buf,
					sizeof(buf)));
	EXPECT_STREQ("1\n", buf);

	/* A value with spaces, and names with per-device components. */
	ASSERT_EQ(0, lkl_sysctl_set("net.ipv4.tcp_rmem", "4096 65536 1048576"));
	ASSERT_EQ(0, lkl_sysctl_get("net.ipv4.tcp_rmem", buf, sizeof(buf)));
	EXPECT_STREQ("4096\t65536\t1048576", buf);
	ASSERT_EQ(0, lkl_sysctl_set("net.ipv6.conf.lo.disable_ipv6", "1"));
	EXPECT_EQ(-LKL_EADDRNOTAVAIL, udp_reach(IN6, "::1", "::1"));
	ASSERT_EQ(0, lkl_sysctl_set("net.ipv6.conf.lo.disable_ipv6", "0"));
	ASSERT_EQ(0, lkl_sysctl_get("net.ipv6.conf.lo.disable_ipv6", buf,
				    sizeof(buf)));
	EXPECT_STREQ("0", buf);

	/* Exactly the room the value needs, and one byte less. */
	ASSERT_EQ(0, lkl_sysctl_get("kernel.hostname", buf, 4));
	EXPECT_STREQ("lkl", buf);
	EXPECT_EQ(-LKL_ERANGE, lkl_sysctl_get("kernel.hostname", buf, 3));
}

TEST_F(config, bad_input)
{
	EXPECT_EQ(0, net_bad_input());
	/* Nothing changed: lo still works, and has its MTU. */
	EXPECT_EQ(65536, lkl_if_get_mtu(LO));
	EXPECT_EQ(LKL_IFF_UP, if_flags(LO) & LKL_IFF_UP);
	EXPECT_EQ(0, udp_reach(IN, NULL, "127.0.0.1"));
}

/*
 * TCP inside LKL over the loopback device, for IPv4 and IPv6: 8 MiB from
 * one host thread to another, with a checksum of the whole stream.
 */
#define STREAM_BYTES	(8UL << 20)
#define CHUNK		(64UL << 10)
#define FNV_BASIS	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static unsigned long long fnv1a_bytes(unsigned long long h,
				      const unsigned char *p, size_t len)
{
	while (len--)
		h = (h ^ *p++) * FNV_PRIME;
	return h;
}

/* Byte @i of the stream. */
static unsigned char pattern(unsigned long i)
{
	return (i * 131 + (i >> 11)) & 0xff;
}

struct sender {
	union net_sa addr;
	int len;
	const char *failed;
	long err;
	unsigned long sent;
	unsigned long long sum;
};

/* A worker thread: it records errors, it never asserts. */
static void *send_stream(void *arg)
{
	static unsigned char buf[CHUNK];
	struct sender *s = arg;
	unsigned long off, i;
	long fd, n;

	s->sum = FNV_BASIS;
	fd = lkl_sys_socket(s->addr.sa.sa_family, LKL_SOCK_STREAM, 0);
	if (fd < 0) {
		s->failed = "socket";
		s->err = fd;
		return NULL;
	}
	n = lkl_sys_connect(fd, &s->addr.sa, s->len);
	if (n < 0) {
		s->failed = "connect";
		s->err = n;
		goto out;
	}
	for (off = 0; off < STREAM_BYTES; off += CHUNK) {
		for (i = 0; i < CHUNK; i++)
			buf[i] = pattern(off + i);
		s->sum = fnv1a_bytes(s->sum, buf, CHUNK);
		for (i = 0; i < CHUNK; i += n) {
			n = lkl_sys_sendto(fd, buf + i, CHUNK - i, 0, NULL, 0);
			if (n <= 0) {
				s->failed = "sendto";
				s->err = n;
				goto out;
			}
			s->sent += n;
		}
	}
out:
	lkl_sys_close(fd);
	return NULL;
}

FIXTURE(loopback) {
	int unused;
};

FIXTURE_VARIANT(loopback) {
	int af;
	const char *addr;
};

FIXTURE_VARIANT_ADD(loopback, ipv4) {
	.af = LKL_AF_INET,
	.addr = "127.0.0.1",
};

FIXTURE_VARIANT_ADD(loopback, ipv6) {
	.af = LKL_AF_INET6,
	.addr = "::1",
};

FIXTURE_SETUP(loopback)
{
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	ASSERT_EQ(0, lkl_if_up(LO));
}

FIXTURE_TEARDOWN(loopback)
{
	EXPECT_EQ(0, lkl_sys_halt());
}

TEST_F(loopback, tcp_checksum)
{
	static unsigned char buf[CHUNK];
	unsigned long long sum = FNV_BASIS;
	unsigned long received = 0;
	struct sender s;
	pthread_t thread;
	long lfd, fd, n = 0;

	memset(&s, 0, sizeof(s));
	s.len = net_sa(variant->af, variant->addr, 0, &s.addr);
	ASSERT_LT(0, s.len);
	lfd = lkl_sys_socket(variant->af, LKL_SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, lkl_sys_bind(lfd, &s.addr.sa, s.len));
	ASSERT_EQ(0, lkl_sys_listen(lfd, 1));
	ASSERT_EQ(0, lkl_sys_getsockname(lfd, &s.addr.sa, &s.len));
	ASSERT_EQ(0, pthread_create(&thread, NULL, send_stream, &s));

	fd = lkl_sys_accept(lfd, NULL, NULL);
	EXPECT_LE(0, fd);
	while (fd >= 0) {
		n = lkl_sys_recvfrom(fd, buf, sizeof(buf), 0, NULL, NULL);
		EXPECT_LE(0, n);
		if (n <= 0)
			break;
		sum = fnv1a_bytes(sum, buf, n);
		received += n;
	}
	/* If this side gave up, close so the sender fails, not blocks. */
	if (fd < 0 || n < 0) {
		lkl_sys_close(fd >= 0 ? fd : lfd);
		fd = -1;
	}
	pthread_join(thread, NULL);

	EXPECT_EQ(0, s.err) {
		TH_LOG("sender: %s: %s", s.failed, lkl_strerror(s.err));
	}
	EXPECT_EQ(STREAM_BYTES, s.sent);
	EXPECT_EQ(STREAM_BYTES, received);
	EXPECT_EQ(s.sum, sum) {
		TH_LOG("checksum: sent %016llx, received %016llx", s.sum, sum);
	}
	if (fd >= 0)
		EXPECT_EQ(0, lkl_sys_close(fd));
	lkl_sys_close(lfd);
}

FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

/*
 * The bad-input calls under valgrind: no definite leak and no invalid
 * access on any error path. LKL's kernel memory is one pool that valgrind
 * cannot see into, hence --undef-value-errors=no.
 */
TEST_F_TIMEOUT(slow, bad_input_valgrind, 120)
{
	char *helper = test_helper("net-bad");
	char cmd[1024];
	int status;

	if (test_sanitizers())
		SKIP(return, "known: valgrind cannot run a program built with -fsanitize=%s",
		     test_sanitizers());
	if (!test_have("valgrind"))
		SKIP(return, "valgrind is not installed");
	ASSERT_NE(NULL, helper);
	ASSERT_EQ(0, access(helper, X_OK)) {
		TH_LOG("%s is missing", helper);
	}
	/* With -q, valgrind writes to stderr only what it finds. */
	snprintf(cmd, sizeof(cmd),
		 "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --undef-value-errors=no '%s'",
		 helper);
	status = test_run("%s", cmd);
	EXPECT_EQ(0, status) {
		TH_LOG("valgrind net-bad: exit %d (99: valgrind errors, 1: wrong errors)",
		       status);
	}
}

TEST_HARNESS_MAIN
