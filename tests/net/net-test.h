/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the LKL network suite: the bad-input cases of the
 * network configuration API, run both by config.c and, under valgrind, by
 * the net-bad helper.
 *
 * Like ../boot/lkl-test.h, nothing here boots LKL.
 */
#ifndef _NET_TEST_H
#define _NET_TEST_H

#include <stdio.h>

#include "../boot/lkl-test.h"

#define LOOPBACK_IFINDEX	1
/* An interface index that no test creates. */
#define NO_IFINDEX		9999

static const unsigned char net_test_mac[6] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01
};

/*
 * Every kind of bad input, each with its own error, on a kernel that has
 * only the loopback device up. Nothing may be changed by these calls.
 * Returns the number of calls that did not give the expected error.
 */
static inline int net_bad_input(void)
{
	const int in = LKL_AF_INET, in6 = LKL_AF_INET6, lo = LOOPBACK_IFINDEX;
	const unsigned char *mac = net_test_mac;
	struct lkl_qdisc_stats st;
	char buf[64];
	int failed = 0;
	int *f = &failed;

	/* Malformed addresses. */
	LKL_CHECK(f, lkl_if_add_ip(lo, in, "10.0.0.256", 24), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(lo, in, "10.0.0", 24), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(lo, in, "", 24), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(lo, in, NULL, 24), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(lo, in, "fd00::1", 24), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(lo, in6, "fd00::g", 64), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(lo, in6, "fd00:::1", 64), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(lo, in6, "10.0.0.1", 64), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_del_ip(lo, in, "1.2.3.4.5", 8), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_wait_ipv6_dad(lo, "fd00::zz", 0), -LKL_EINVAL);
	LKL_CHECK(f, lkl_set_gateway(in, "300.1.1.1"), -LKL_EINVAL);
	LKL_CHECK(f, lkl_set_gateway(in6, "fd00::1::2"), -LKL_EINVAL);
	LKL_CHECK(f, lkl_route_add(in, "10.1.0.0", 16, "10.1.x.1", lo, 0),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_route_add(in6, "fd00:1::/64", 64, NULL, lo, 0),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_set_gateway(lo, in, "10.1.0.1", 24, "gw"),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_neigh_add(lo, in, "10.1.0.2x", mac), -LKL_EINVAL);
	LKL_CHECK(f, lkl_neigh_add(lo, in, "10.1.0.2", NULL), -LKL_EINVAL);
	LKL_CHECK(f, lkl_neigh_del(lo, in6, "::ffff:"), -LKL_EINVAL);

	/* Address families that are neither IPv4 nor IPv6. */
	LKL_CHECK(f, lkl_if_add_ip(lo, LKL_AF_UNSPEC, "10.0.0.1", 8),
		  -LKL_EAFNOSUPPORT);
	LKL_CHECK(f, lkl_route_add(LKL_AF_PACKET, NULL, 0, NULL, lo, 0),
		  -LKL_EAFNOSUPPORT);
	LKL_CHECK(f, lkl_set_gateway(99, "10.0.0.1"), -LKL_EAFNOSUPPORT);

	/* Prefix lengths out of range, and host bits in a route. */
	LKL_CHECK(f, lkl_if_add_ip(lo, in, "10.0.0.1", 33), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(lo, in6, "fd00::1", 129), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_del_ip(lo, in6, "fd00::1", 200), -LKL_EINVAL);
	LKL_CHECK(f, lkl_route_add(in, "10.1.0.0", 33, NULL, lo, 0),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_route_add(in6, "fd00:1::", 129, NULL, lo, 0),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_route_add(in, "10.1.0.1", 16, NULL, lo, 0),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_route_add(in6, "fd00:1::1", 64, NULL, lo, 0),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_route_add(in, NULL, 8, NULL, lo, 0), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_set_gateway(lo, in, "10.1.0.1", 40, "10.1.0.2"),
		  -LKL_EINVAL);

	/* MTUs the device refuses: the kernel's answer. */
	LKL_CHECK(f, lkl_if_set_mtu(lo, -1), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_set_mtu(lo, -65536), -LKL_EINVAL);

	/* Interface indexes that do not exist. */
	LKL_CHECK(f, lkl_if_up(NO_IFINDEX), -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_up(0), -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_down(-3), -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_down(NO_IFINDEX), -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_set_mtu(NO_IFINDEX, 1500), -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_get_mtu(NO_IFINDEX), -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_set_mac(NO_IFINDEX, mac), -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_add_ip(NO_IFINDEX, in, "10.2.0.1", 24),
		  -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_add_ip(NO_IFINDEX, in6, "fd00:2::1", 64),
		  -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_del_ip(NO_IFINDEX, in, "10.2.0.1", 24),
		  -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_wait_ipv6_dad(NO_IFINDEX, "fd00:2::1", 0),
		  -LKL_ENODEV);
	LKL_CHECK(f, lkl_route_add(in, "10.2.0.0", 16, NULL, NO_IFINDEX, 0),
		  -LKL_ENODEV);
	LKL_CHECK(f, lkl_route_add(in6, "fd00:2::", 64, NULL, NO_IFINDEX, 0),
		  -LKL_ENODEV);
	LKL_CHECK(f, lkl_route_add(in, "10.2.0.0", 16, "10.2.0.1", NO_IFINDEX,
				   0), -LKL_ENODEV);
	LKL_CHECK(f, lkl_route_del(in, "10.2.0.0", 16, NULL, NO_IFINDEX, 0),
		  -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_set_gateway(NO_IFINDEX, in, "10.2.0.1", 24,
					"10.2.0.2"), -LKL_ENODEV);
	LKL_CHECK(f, lkl_neigh_add(NO_IFINDEX, in, "10.2.0.2", mac),
		  -LKL_ENODEV);
	LKL_CHECK(f, lkl_neigh_add(NO_IFINDEX, in6, "fd00:2::2", mac),
		  -LKL_ENODEV);
	LKL_CHECK(f, lkl_neigh_del(NO_IFINDEX, in, "10.2.0.2"), -LKL_ENODEV);
	LKL_CHECK(f, lkl_qdisc_add(NO_IFINDEX, "fq", LKL_TC_H_ROOT),
		  -LKL_ENODEV);
	LKL_CHECK(f, lkl_qdisc_del(NO_IFINDEX, LKL_TC_H_ROOT), -LKL_ENODEV);
	LKL_CHECK(f, lkl_qdisc_get_stats(NO_IFINDEX, LKL_TC_H_ROOT, &st),
		  -LKL_ENODEV);

	/* Qdiscs that do not exist, or are not there. */
	LKL_CHECK(f, lkl_qdisc_add(lo, "no_such_qdisc", LKL_TC_H_ROOT),
		  -LKL_ENOENT);
	LKL_CHECK(f, lkl_qdisc_add(lo, "", LKL_TC_H_ROOT), -LKL_EINVAL);
	LKL_CHECK(f, lkl_qdisc_add(lo, "a_name_much_too_long",
				   LKL_TC_H_ROOT), -LKL_EINVAL);
	LKL_CHECK(f, lkl_qdisc_del(lo, LKL_TC_H_ROOT), -LKL_ENOENT);
	LKL_CHECK(f, lkl_qdisc_get_stats(lo, 0x10001, &st), -LKL_ENOENT);
	LKL_CHECK(f, lkl_qdisc_get_stats(lo, LKL_TC_H_ROOT, NULL),
		  -LKL_EINVAL);

	/* Sysctl names that are malformed or do not exist. */
	LKL_CHECK(f, lkl_sysctl_set("", "1"), -LKL_EINVAL);
	LKL_CHECK(f, lkl_sysctl_set("net..ipv4.ip_forward", "1"), -LKL_EINVAL);
	LKL_CHECK(f, lkl_sysctl_set(".net.ipv4.ip_forward", "1"), -LKL_EINVAL);
	LKL_CHECK(f, lkl_sysctl_set("net.ipv4.ip_forward.", "1"), -LKL_EINVAL);
	LKL_CHECK(f, lkl_sysctl_get("net.ipv4./", buf, sizeof(buf)),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_sysctl_get("net.ipv4.conf.//", buf, sizeof(buf)),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_sysctl_set("net.ipv4.no_such_sysctl", "1"),
		  -LKL_ENOENT);
	LKL_CHECK(f, lkl_sysctl_get("net/ipv4/ip_forward", buf, sizeof(buf)),
		  -LKL_ENOENT);
	LKL_CHECK(f, lkl_sysctl_set("net.ipv4.ip_forward", "yes"),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_sysctl_get("kernel.hostname", buf, 3), -LKL_ERANGE);
	LKL_CHECK(f, lkl_sysctl_get("kernel.hostname", buf, 0), -LKL_EINVAL);

	return failed;
}

#endif /* _NET_TEST_H */
