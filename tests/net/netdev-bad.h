/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bad input to the network backends and to the configuration of a
 * virtio-net interface on one: each call must return its own negative
 * errno, and the process must go on. Shared by netdev-bad.c, which makes
 * the calls itself, and netdev-bad-helper.c, which makes them under
 * valgrind.
 *
 * The caller runs LKL, and is in a namespace with a tap device "tap0"
 * that nobody has attached to. @file is a regular file that is not a
 * character device.
 */
#ifndef _NETDEV_BAD_H
#define _NETDEV_BAD_H

#include <stdio.h>
#include <string.h>

#include <lkl.h>

#include "testlib.h"

/* An interface index that nothing creates. */
#define NETDEV_NO_IFINDEX	9999

/* Returns the number of calls that did not give the expected result. */
static inline int netdev_bad_input(const char *file)
{
	static const unsigned char mac[6] = { 0x02, 0, 0, 0, 0x4d, 0x02 };
	struct lkl_netdev_args args = { .offloads = LKL_NETDEV_OFFLOAD_ALL };
	struct lkl_netdev *nd = NULL, *nd2 = NULL;
	unsigned long long features;
	int failed = 0, ifindex;
	int *f = &failed;

	memcpy(args.mac, mac, sizeof(mac));

	/* Backends that cannot be made. */
	LKL_CHECK(f, lkl_netdev_tap_create("lkl-no-tap", &nd), -LKL_ENODEV);
	LKL_CHECK(f, lkl_netdev_tap_create("", &nd), -LKL_EINVAL);
	LKL_CHECK(f, lkl_netdev_tap_create(NULL, &nd), -LKL_EINVAL);
	LKL_CHECK(f, lkl_netdev_tap_create("a-name-far-too-long-for-ifnamsiz",
					   &nd), -LKL_EINVAL);
	LKL_CHECK(f, lkl_netdev_raw_create("lkl-no-dev", &nd), -LKL_ENODEV);
	LKL_CHECK(f, lkl_netdev_raw_create("", &nd), -LKL_EINVAL);
	LKL_CHECK(f, lkl_netdev_macvtap_create("/lkl-no-such-node", &nd),
		  -LKL_ENOENT);
	LKL_CHECK(f, lkl_netdev_macvtap_create(file, &nd), -LKL_EINVAL);
	LKL_CHECK(f, lkl_netdev_macvtap_create(NULL, &nd), -LKL_EINVAL);
	if (nd)
		printf("# a failed create gave a backend\n");

	/* A backend that is not added. */
	LKL_CHECK(f, lkl_netdev_add(NULL, &args), -LKL_EINVAL);
	LKL_CHECK(f, lkl_netdev_remove(NULL), -LKL_EINVAL);
	LKL_CHECK(f, lkl_netdev_get_features(NULL, &features), -LKL_EINVAL);
	lkl_netdev_free(NULL);

	/* The tap is busy while a backend has it. */
	LKL_CHECK(f, lkl_netdev_tap_create("tap0", &nd), 0);
	if (!nd)
		return failed;
	LKL_CHECK(f, lkl_netdev_tap_create("tap0", &nd2), -LKL_EBUSY);
	LKL_CHECK(f, lkl_netdev_remove(nd), -LKL_EINVAL);
	LKL_CHECK(f, lkl_netdev_get_features(nd, &features), -LKL_EINVAL);

	ifindex = lkl_netdev_add(nd, &args);
	if (ifindex <= 0) {
		lkl_test_check(f, "lkl_netdev_add(nd, &args)", ifindex, 2);
		lkl_netdev_free(nd);
		return failed;
	}
	LKL_CHECK(f, lkl_netdev_add(nd, &args), -LKL_EBUSY);

	/* Malformed addresses and prefix lengths on the new interface. */
	LKL_CHECK(f, lkl_if_add_ip(ifindex, LKL_AF_INET, "10.77.0.300", 24),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(ifindex, LKL_AF_INET, "10.77.0.2/24", 24),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(ifindex, LKL_AF_INET, "10.77.0.2", 33),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(ifindex, LKL_AF_INET6, "fd00:77::2::1", 64),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_add_ip(ifindex, LKL_AF_INET6, "fd00:77::2", 129),
		  -LKL_EINVAL);
	LKL_CHECK(f, lkl_set_gateway(LKL_AF_INET, "10.77.0"), -LKL_EINVAL);

	/* MTUs out of virtio-net's range (68 to 65535), then in it. */
	LKL_CHECK(f, lkl_if_set_mtu(ifindex, 70000), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_set_mtu(ifindex, 65536), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_set_mtu(ifindex, 10), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_set_mtu(ifindex, 67), -LKL_EINVAL);
	LKL_CHECK(f, lkl_if_get_mtu(ifindex), 1500);
	LKL_CHECK(f, lkl_if_set_mtu(ifindex, 68), 0);
	LKL_CHECK(f, lkl_if_set_mtu(ifindex, 65535), 0);
	LKL_CHECK(f, lkl_if_set_mtu(ifindex, 1500), 0);

	/* Interface indexes that do not exist. */
	LKL_CHECK(f, lkl_if_up(NETDEV_NO_IFINDEX), -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_set_mtu(NETDEV_NO_IFINDEX, 1500), -LKL_ENODEV);
	LKL_CHECK(f, lkl_if_add_ip(NETDEV_NO_IFINDEX, LKL_AF_INET,
				   "10.77.0.2", 24), -LKL_ENODEV);
	LKL_CHECK(f, lkl_qdisc_add(NETDEV_NO_IFINDEX, "fq", LKL_TC_H_ROOT),
		  -LKL_ENODEV);

	/* The interface works after all that. */
	LKL_CHECK(f, lkl_if_up(ifindex), 0);
	LKL_CHECK(f, lkl_if_add_ip(ifindex, LKL_AF_INET, "10.77.0.2", 24), 0);
	LKL_CHECK(f, lkl_netdev_get_features(nd, &features), 0);

	/* Removed, the interface is gone and the tap is free again. */
	LKL_CHECK(f, lkl_netdev_remove(nd), 0);
	LKL_CHECK(f, lkl_if_up(ifindex), -LKL_ENODEV);
	LKL_CHECK(f, lkl_netdev_remove(nd), -LKL_EINVAL);
	lkl_netdev_free(nd);
	LKL_CHECK(f, lkl_netdev_tap_create("tap0", &nd2), 0);
	lkl_netdev_free(nd2);
	return failed;
}

#endif /* _NETDEV_BAD_H */
