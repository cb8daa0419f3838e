// SPDX-License-Identifier: GPL-2.0
/*
 * LKL on the raw backend: an AF_PACKET socket on veth1 of a veth pair in
 * a namespace of its own, the native addresses on veth0. Ping both ways,
 * TCP over IPv4 and IPv6 both ways with a checksum, UDP with MTU 9000,
 * and the negotiated offloads, each with offloads on and off.
 *
 * The raw backend cannot tell the host which offloads LKL takes, so with
 * offloads off veth0 sends whole, checksummed frames (ethtool -K).
 */
#include "kselftest_harness.h"
#include "link.h"

#define RAW_SUBNET	72
#define RAW_TOTAL	(64ULL << 20)

/* The native side veth0 and LKL's wire veth1. */
#define RAW_ADD_VETH \
	"ip -n %s link add veth0 address 02:00:00:00:%02x:01 type veth peer name veth1"
#define RAW_UP_VETH \
	"sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1 && ip link set veth1 up"
#define RAW_NO_OFFLOADS \
	"ethtool -K veth0 tso off gso off tx off && ethtool -K veth1 gro off"

FIXTURE(raw) {
	struct link l;
};

FIXTURE_VARIANT(raw) {
	unsigned int offloads;
};

FIXTURE_VARIANT_ADD(raw, offloads_on) {
	.offloads = LKL_NETDEV_OFFLOAD_ALL,
};

FIXTURE_VARIANT_ADD(raw, offloads_off) {
	.offloads = 0,
};

FIXTURE_SETUP(raw)
{
	struct link *l = &self->l;
	const char *why;
	int ret;

	why = netns_missing("ip ping ethtool");
	if (why)
		SKIP(return, "%s", why);
	link_init(l, RAW_SUBNET, "veth0", "veth0", variant->offloads);
	ASSERT_EQ(0, netns_create(&l->ns, "raw"));
	ASSERT_EQ(0, test_run(RAW_ADD_VETH, l->ns.name, RAW_SUBNET));
	/* veth1 is LKL's wire: no address, no IPv6 of the host's own. */
	ASSERT_EQ(0, netns_run(&l->ns, RAW_UP_VETH));
	if (!variant->offloads)
		ASSERT_EQ(0, netns_run(&l->ns, RAW_NO_OFFLOADS));
	ASSERT_EQ(0, link_host_addrs(l));

	ASSERT_EQ(0, link_boot());
	ASSERT_EQ(0, netns_enter(&l->ns));
	ret = lkl_netdev_raw_create("veth1", &l->nd);
	ASSERT_EQ(0, netns_leave(&l->ns));
	ASSERT_EQ(0, ret) {
		TH_LOG("veth1: %s", lkl_strerror(ret));
	}
	ret = link_add(l);
	ASSERT_EQ(0, ret) {
		TH_LOG("add: %s", lkl_strerror(ret));
	}
}

FIXTURE_TEARDOWN_PARENT(raw)
{
	netns_destroy(&self->l.ns);
}

TEST_F(raw, features)
{
	link_features(_metadata, &self->l, variant->offloads);
}

TEST_F(raw, ping)
{
	link_ping(_metadata, &self->l);
}

TEST_F_TIMEOUT(raw, tcp, 90)
{
	link_tcp(_metadata, &self->l, AF_INET, RAW_TOTAL);
}

TEST_F_TIMEOUT(raw, tcp6, 90)
{
	link_tcp(_metadata, &self->l, AF_INET6, RAW_TOTAL);
}

TEST_F(raw, udp_mtu9000)
{
	link_udp(_metadata, &self->l, AF_INET, "veth0 veth1");
	link_udp(_metadata, &self->l, AF_INET6, "veth0 veth1");
}

int main(int argc, char **argv)
{
	return netns_harness_run(argc, argv);
}
