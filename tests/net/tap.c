// SPDX-License-Identifier: GPL-2.0
/*
 * LKL on a tap device: tap0 in a namespace of its own, with the native
 * addresses on tap0 and LKL's virtio-net interface on its file
 * descriptor. Ping both ways, TCP over IPv4 and IPv6 both ways with a
 * checksum, UDP with MTU 9000, and the negotiated offloads, each with offloads on and off.
 */
#include "kselftest_harness.h"
#include "link.h"

#define TAP_SUBNET	71
#define TAP_TOTAL	(64ULL << 20)

FIXTURE(tap) {
	struct link l;
};

FIXTURE_VARIANT(tap) {
	unsigned int offloads;
};

FIXTURE_VARIANT_ADD(tap, offloads_on) {
	.offloads = LKL_NETDEV_OFFLOAD_ALL,
};

FIXTURE_VARIANT_ADD(tap, offloads_off) {
	.offloads = 0,
};

FIXTURE_SETUP(tap)
{
	struct link *l = &self->l;
	const char *why;
	int ret;

	why = netns_missing("ip ping");
	if (why)
		SKIP(return, "%s", why);
	link_init(l, TAP_SUBNET, "tap0", "tap0", variant->offloads);
	ASSERT_EQ(0, netns_create(&l->ns, "tap"));
	ASSERT_EQ(0, test_run("ip -n %s tuntap add dev tap0 mode tap", l->ns.name));
	ASSERT_EQ(0, test_run("ip -n %s link set tap0 address 02:00:00:00:%02x:01",
			      l->ns.name, TAP_SUBNET));
	ASSERT_EQ(0, link_host_addrs(l));

	ASSERT_EQ(0, link_boot());
	ASSERT_EQ(0, netns_enter(&l->ns));
	ret = lkl_netdev_tap_create("tap0", &l->nd);
	ASSERT_EQ(0, netns_leave(&l->ns));
	ASSERT_EQ(0, ret) {
		TH_LOG("tap0: %s", lkl_strerror(ret));
	}
	ret = link_add(l);
	ASSERT_EQ(0, ret) {
		TH_LOG("add: %s", lkl_strerror(ret));
	}
}

FIXTURE_TEARDOWN_PARENT(tap)
{
	netns_destroy(&self->l.ns);
}

TEST_F(tap, features)
{
	link_features(_metadata, &self->l, variant->offloads);
}

TEST_F(tap, ping)
{
	link_ping(_metadata, &self->l);
}

TEST_F_TIMEOUT(tap, tcp, 90)
{
	link_tcp(_metadata, &self->l, AF_INET, TAP_TOTAL);
}

TEST_F_TIMEOUT(tap, tcp6, 90)
{
	link_tcp(_metadata, &self->l, AF_INET6, TAP_TOTAL);
}

TEST_F(tap, udp_mtu9000)
{
	link_udp(_metadata, &self->l, AF_INET, "tap0");
	link_udp(_metadata, &self->l, AF_INET6, "tap0");
}

int main(int argc, char **argv)
{
	return netns_harness_run(argc, argv);
}
