// SPDX-License-Identifier: GPL-2.0
/*
 * LKL on a macvtap device: vethA <-> vethB in a namespace of their own,
 * the native addresses on vethA, and mvt0, a bridge-mode macvtap on vethB
 * with LKL's MAC address, given to LKL through its /dev/tapN node. There
 * is no udev in the namespace, so the test makes the node itself. Ping
 * both ways, TCP over IPv4 and IPv6 both ways with a checksum, UDP with
 * MTU 9000, and the negotiated offloads, each with offloads on and off.
 */
#include "kselftest_harness.h"
#include "link.h"

#define MVT_SUBNET	73
#define MVT_TOTAL	(64ULL << 20)

/* The native side: vethA, LKL's wire vethB, and mvt0 on it for LKL. */
#define MVT_ADD_VETH \
	"ip -n %s link add vethA address 02:00:00:00:%02x:01 type veth peer name vethB"
#define MVT_UP_VETH \
	"sysctl -qw net.ipv6.conf.vethB.disable_ipv6=1 && ip link set vethB up"
#define MVT_ADD_MACVTAP \
	"ip -n %s link add link vethB name mvt0 address %s type macvtap mode bridge"
#define MVT_UP_MACVTAP \
	"sysctl -qw net.ipv6.conf.mvt0.disable_ipv6=1 && ip link set mvt0 up"

FIXTURE(macvtap) {
	struct link l;
	char node[128];
};

FIXTURE_VARIANT(macvtap) {
	unsigned int offloads;
};

FIXTURE_VARIANT_ADD(macvtap, offloads_on) {
	.offloads = LKL_NETDEV_OFFLOAD_ALL,
};

FIXTURE_VARIANT_ADD(macvtap, offloads_off) {
	.offloads = 0,
};

FIXTURE_SETUP(macvtap)
{
	struct link *l = &self->l;
	const char *why;
	int ret;

	why = netns_missing("ip ping");
	if (why)
		SKIP(return, "%s", why);
	link_init(l, MVT_SUBNET, "vethA", "vethA", variant->offloads);
	ASSERT_EQ(0, netns_create(&l->ns, "macvtap"));
	ASSERT_EQ(0, test_run(MVT_ADD_VETH, l->ns.name, MVT_SUBNET));
	ASSERT_EQ(0, netns_run(&l->ns, MVT_UP_VETH));
	/* macvtap takes only the frames for its own MAC: LKL's. */
	ASSERT_EQ(0, test_run(MVT_ADD_MACVTAP, l->ns.name, link_mac_str(l)));
	ASSERT_EQ(0, netns_run(&l->ns, MVT_UP_MACVTAP));
	ASSERT_EQ(0, link_host_addrs(l));
	ASSERT_EQ(0, netns_macvtap_node(&l->ns, "mvt0", self->node,
					sizeof(self->node)));

	ASSERT_EQ(0, link_boot());
	ASSERT_EQ(0, netns_enter(&l->ns));
	ret = lkl_netdev_macvtap_create(self->node, &l->nd);
	ASSERT_EQ(0, netns_leave(&l->ns));
	ASSERT_EQ(0, ret) {
		TH_LOG("%s: %s", self->node, lkl_strerror(ret));
	}
	ret = link_add(l);
	ASSERT_EQ(0, ret) {
		TH_LOG("add: %s", lkl_strerror(ret));
	}
}

FIXTURE_TEARDOWN_PARENT(macvtap)
{
	netns_destroy(&self->l.ns);
}

TEST_F(macvtap, features)
{
	link_features(_metadata, &self->l, variant->offloads);
}

TEST_F(macvtap, ping)
{
	link_ping(_metadata, &self->l);
}

TEST_F_TIMEOUT(macvtap, tcp, 90)
{
	link_tcp(_metadata, &self->l, AF_INET, MVT_TOTAL);
}

TEST_F_TIMEOUT(macvtap, tcp6, 90)
{
	link_tcp(_metadata, &self->l, AF_INET6, MVT_TOTAL);
}

TEST_F(macvtap, udp_mtu9000)
{
	link_udp(_metadata, &self->l, AF_INET, "vethA vethB mvt0");
	link_udp(_metadata, &self->l, AF_INET6, "vethA vethB mvt0");
}

int main(int argc, char **argv)
{
	return netns_harness_run(argc, argv);
}
