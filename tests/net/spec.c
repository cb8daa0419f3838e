// SPDX-License-Identifier: GPL-2.0
/*
 * The one parser of network backends, MAC addresses and offloads written
 * as text (lkl_netdev_spec_check(), lkl_netdev_create(),
 * lkl_netdev_parse_mac(), lkl_netdev_parse_offloads()), which
 * lkl-net-test and liblkl-hijack.so both use: what it accepts and what it
 * refuses. No kernel is booted: the text alone is checked.
 */
#include <lkl.h>

#include "kselftest_harness.h"

TEST(spec_good)
{
	static const char * const good[] = {
		"tap:tap0", "raw:eth0", "macvtap:/dev/tap5", "pipe:rx,tx",
		"pipe:/tmp/a,b,c", "vde:/run/vde.ctl", "fd:3", "fd:3,12",
		"tap:a:b", "udp:127.0.0.1:7001,127.0.0.1:7002",
		"udp::7001,10.0.0.2:7002", "udp:[::1]:7001,[::1]:7002",
		"udp::7001,[fe80::1%1]:65535",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		EXPECT_EQ(0, lkl_netdev_spec_check(good[i])) {
			TH_LOG("%s refused", good[i]);
		}
	}
}

TEST(spec_bad_type)
{
	static const char * const bad[] = {
		"tap0", "wifi:x", "TAP:tap0", ":tap0", "", "tapx:tap0",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-LKL_EPROTONOSUPPORT, lkl_netdev_spec_check(bad[i])) {
			TH_LOG("\"%s\" not refused as a type", bad[i]);
		}
	}
}

TEST(spec_bad_param)
{
	static const char * const bad[] = {
		"tap:", "raw:", "macvtap:", "vde:", "pipe:rx", "pipe:,tx",
		"pipe:rx,", "fd:", "fd:x", "fd:-1", "fd:3,", "fd:3,x",
		"fd:99999999999", "fd: 3", "udp:127.0.0.1:7001",
		"udp:127.0.0.1:7001,", "udp:,127.0.0.1:7002",
		"udp:127.0.0.1:7001,:7002", "udp:127.0.0.1:0,127.0.0.1:1",
		"udp:127.0.0.1:1,127.0.0.1:65536", "udp:127.0.0.1:1,127.0.0.1",
		"udp:127.0.0.1:1,10.0.0.256:2", "udp:::1:1,::1:2",
		"udp:[::1]:1,127.0.0.1:2", "udp:127.0.0.1:1,localhost:2",
		"udp:[]:1,[::1]:2", "udp:[::1]1,[::1]:2",
		"udp:127.0.0.1:1,127.0.0.1:2,3",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-LKL_EINVAL, lkl_netdev_spec_check(bad[i])) {
			TH_LOG("\"%s\" not refused as a parameter", bad[i]);
		}
	}
}

/* A bad spec opens nothing; a good one reaches the backend. */
TEST(create)
{
	struct lkl_netdev *nd = NULL;

	EXPECT_EQ(-LKL_EPROTONOSUPPORT, lkl_netdev_create("wifi:x", &nd));
	EXPECT_EQ(-LKL_EINVAL, lkl_netdev_create("pipe:rx", &nd));
	EXPECT_EQ(NULL, nd);
	EXPECT_EQ(-LKL_ENOENT,
		  lkl_netdev_create("pipe:/nonexistent/rx,/nonexistent/tx",
				    &nd));
	EXPECT_EQ(-LKL_EBADF, lkl_netdev_create("fd:1000000", &nd));
	EXPECT_EQ(NULL, nd);
}

TEST(mac_good)
{
	static const struct {
		const char *s;
		unsigned char mac[6];
	} good[] = {
		{ "02:00:5e:10:00:01", { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 } },
		{ "AA:bb:Cc:0D:e0:FF", { 0xaa, 0xbb, 0xcc, 0x0d, 0xe0, 0xff } },
		{ "00:00:00:00:00:00", { 0 } },
	};
	unsigned char mac[6];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		memset(mac, 0x55, sizeof(mac));
		EXPECT_EQ(0, lkl_netdev_parse_mac(good[i].s, mac)) {
			TH_LOG("%s refused", good[i].s);
		}
		EXPECT_EQ(0, memcmp(mac, good[i].mac, sizeof(mac))) {
			TH_LOG("%s parsed wrong", good[i].s);
		}
	}
}

TEST(mac_bad)
{
	static const char * const bad[] = {
		"02:00:00", "02:00:00:00:00:01:02", "2:0:0:0:0:1",
		"02-00-00-00-00-01", "0200.0000.0001", "02:00:00:00:00:0g",
		"02:00:00:00:00:01 ", " 02:00:00:00:00:01", "",
		"01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff", "020:00:00:00:00:1",
	};
	unsigned char mac[6] = { 1, 2, 3, 4, 5, 6 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-LKL_EINVAL, lkl_netdev_parse_mac(bad[i], mac)) {
			TH_LOG("\"%s\" not refused", bad[i]);
		}
	}
	EXPECT_EQ(1, mac[0]);
}

TEST(offloads_good)
{
	static const struct {
		const char *s;
		unsigned int bits;
	} good[] = {
		{ "all", LKL_NETDEV_OFFLOAD_ALL },
		{ "on", LKL_NETDEV_OFFLOAD_ALL },
		{ "none", 0 },
		{ "off", 0 },
		{ "csum", LKL_NETDEV_OFFLOAD_CSUM },
		{ "csum,tso", LKL_NETDEV_OFFLOAD_CSUM | LKL_NETDEV_OFFLOAD_TSO },
		{ "lro,csum,lro", LKL_NETDEV_OFFLOAD_CSUM | LKL_NETDEV_OFFLOAD_LRO },
		{ "0", 0 },
		{ "7", LKL_NETDEV_OFFLOAD_ALL },
		{ "3", LKL_NETDEV_OFFLOAD_CSUM | LKL_NETDEV_OFFLOAD_TSO },
	};
	unsigned int bits;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		bits = 0x55;
		EXPECT_EQ(0, lkl_netdev_parse_offloads(good[i].s, &bits)) {
			TH_LOG("%s refused", good[i].s);
		}
		EXPECT_EQ(good[i].bits, bits) {
			TH_LOG("%s parsed wrong", good[i].s);
		}
	}
}

TEST(offloads_bad)
{
	static const char * const bad[] = {
		"", "8", "0x7", "-1", "csum,", ",csum", "csum,,tso", "gso",
		"CSUM", "csum tso", "all,csum", "none,csum", "on,off",
	};
	unsigned int bits = 0x55;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-LKL_EINVAL, lkl_netdev_parse_offloads(bad[i], &bits)) {
			TH_LOG("\"%s\" not refused", bad[i]);
		}
	}
	EXPECT_EQ(0x55, bits);
}

TEST_HARNESS_MAIN
