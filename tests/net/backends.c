// SPDX-License-Identifier: GPL-2.0
/*
 * LKL on the host backends that need host devices, one variant of the
 * fixture per backend and offload setting. Each test makes a namespace
 * of its own with the native addresses in it, and LKL's virtio-net
 * interface on:
 *
 * - tap: the file descriptor of tap0, with the native addresses on tap0;
 * - raw: an AF_PACKET socket on veth1 of a veth pair, with the native
 *   addresses on veth0. The raw backend cannot tell the host which
 *   offloads LKL takes, so with offloads off veth0 sends whole,
 *   checksummed frames (ethtool -K);
 * - macvtap: mvt0, a bridge-mode macvtap with LKL's MAC address on vethB
 *   of the pair vethA <-> vethB, the native addresses on vethA, given to
 *   LKL through its /dev/tapN node. There is no udev in the namespace, so
 *   the test makes the node itself.
 *
 * Every variant checks ping both ways, TCP over IPv4 and IPv6 both ways
 * with a checksum, UDP with MTU 9000, and the negotiated offloads.
 */
#include "kselftest_harness.h"
#include "link-test.h"

#define LINK_TOTAL	(64ULL << 20)

/* tap0: both the native side and LKL's wire. */
#define TAP_ADD \
	"ip -n %s tuntap add dev tap0 mode tap"
#define TAP_MAC \
	"ip -n %s link set tap0 address 02:00:00:00:%02x:01"

/* The native side veth0 and LKL's wire veth1. */
#define RAW_ADD_VETH \
	"ip -n %s link add veth0 address 02:00:00:00:%02x:01 type veth peer name veth1"
#define RAW_UP_VETH \
	"sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1 && ip link set veth1 up"
#define RAW_NO_OFFLOADS \
	"ethtool -K veth0 tso off gso off tx off && ethtool -K veth1 gro off"

/* The native side: vethA, LKL's wire vethB, and mvt0 on it for LKL. */
#define MVT_ADD_VETH \
	"ip -n %s link add vethA address 02:00:00:00:%02x:01 type veth peer name vethB"
#define MVT_UP_VETH \
	"sysctl -qw net.ipv6.conf.vethB.disable_ipv6=1 && ip link set vethB up"
#define MVT_ADD_MACVTAP \
	"ip -n %s link add link vethB name mvt0 address %s type macvtap mode bridge"
#define MVT_UP_MACVTAP \
	"sysctl -qw net.ipv6.conf.mvt0.disable_ipv6=1 && ip link set mvt0 up"

/**
 * struct host_backend - how a test puts LKL on one host backend
 * @name: the backend, and the tag of the test's namespace
 * @subnet: N in the addresses of link.h
 * @tools: the host programs the test needs
 * @host_dev: the native device with the native addresses, whose receive
 *	counters count the frames LKL sends
 * @mtu_devs: the native devices that need MTU 9000 for link_udp()
 * @make: make the host devices in @l's namespace and open the backend
 *	into @l->nd, asserting on each step
 */
struct host_backend {
	const char *name;
	int subnet;
	const char *tools;
	const char *host_dev;
	const char *mtu_devs;
	void (*make)(struct __test_metadata *_metadata, struct link *l,
		     char *node, size_t len);
};

/* Open a backend on @dev of @l's namespace, which holds the device. */
static void open_backend(struct __test_metadata *_metadata, struct link *l,
			 int (*create)(const char *, struct lkl_netdev **),
			 const char *dev)
{
	int ret;

	ASSERT_EQ(0, netns_enter(&l->ns));
	ret = create(dev, &l->nd);
	ASSERT_EQ(0, netns_leave(&l->ns));
	ASSERT_EQ(0, ret) {
		TH_LOG("%s: %s", dev, lkl_strerror(ret));
	}
}

static void tap_make(struct __test_metadata *_metadata, struct link *l,
		     char *node, size_t len)
{
	const char *ns = l->ns.name;

	ASSERT_EQ(0, test_run(TAP_ADD, ns));
	ASSERT_EQ(0, test_run(TAP_MAC, ns, l->subnet));
	ASSERT_EQ(0, link_host_addrs(l));
	ASSERT_EQ(0, link_boot());
	open_backend(_metadata, l, lkl_netdev_tap_create, "tap0");
}

static void raw_make(struct __test_metadata *_metadata, struct link *l,
		     char *node, size_t len)
{
	ASSERT_EQ(0, test_run(RAW_ADD_VETH, l->ns.name, l->subnet));
	/* veth1 is LKL's wire: no address, no IPv6 of the host's own. */
	ASSERT_EQ(0, netns_run(&l->ns, RAW_UP_VETH));
	if (!l->offloads)
		ASSERT_EQ(0, netns_run(&l->ns, RAW_NO_OFFLOADS));
	ASSERT_EQ(0, link_host_addrs(l));
	ASSERT_EQ(0, link_boot());
	open_backend(_metadata, l, lkl_netdev_raw_create, "veth1");
}

static void macvtap_make(struct __test_metadata *_metadata, struct link *l,
			 char *node, size_t len)
{
	const char *ns = l->ns.name;

	ASSERT_EQ(0, test_run(MVT_ADD_VETH, ns, l->subnet));
	ASSERT_EQ(0, netns_run(&l->ns, MVT_UP_VETH));
	/* macvtap takes only the frames for its own MAC: LKL's. */
	ASSERT_EQ(0, test_run(MVT_ADD_MACVTAP, ns, link_mac_str(l)));
	ASSERT_EQ(0, netns_run(&l->ns, MVT_UP_MACVTAP));
	ASSERT_EQ(0, link_host_addrs(l));
	ASSERT_EQ(0, netns_macvtap_node(&l->ns, "mvt0", node, len));
	ASSERT_EQ(0, link_boot());
	open_backend(_metadata, l, lkl_netdev_macvtap_create, node);
}

static const struct host_backend tap_backend = {
	.name = "tap", .subnet = 71, .tools = "ip ping",
	.host_dev = "tap0", .mtu_devs = "tap0", .make = tap_make,
};

static const struct host_backend raw_backend = {
	.name = "raw", .subnet = 72, .tools = "ip ping ethtool",
	.host_dev = "veth0", .mtu_devs = "veth0 veth1", .make = raw_make,
};

static const struct host_backend macvtap_backend = {
	.name = "macvtap", .subnet = 73, .tools = "ip ping",
	.host_dev = "vethA", .mtu_devs = "vethA vethB mvt0",
	.make = macvtap_make,
};

FIXTURE(backend) {
	struct link l;
	char node[128];
};

FIXTURE_VARIANT(backend) {
	const struct host_backend *b;
	unsigned int offloads;
};

FIXTURE_VARIANT_ADD(backend, tap_offloads_on) {
	.b = &tap_backend, .offloads = LKL_NETDEV_OFFLOAD_ALL,
};

FIXTURE_VARIANT_ADD(backend, tap_offloads_off) {
	.b = &tap_backend, .offloads = 0,
};

FIXTURE_VARIANT_ADD(backend, raw_offloads_on) {
	.b = &raw_backend, .offloads = LKL_NETDEV_OFFLOAD_ALL,
};

FIXTURE_VARIANT_ADD(backend, raw_offloads_off) {
	.b = &raw_backend, .offloads = 0,
};

FIXTURE_VARIANT_ADD(backend, macvtap_offloads_on) {
	.b = &macvtap_backend, .offloads = LKL_NETDEV_OFFLOAD_ALL,
};

FIXTURE_VARIANT_ADD(backend, macvtap_offloads_off) {
	.b = &macvtap_backend, .offloads = 0,
};

FIXTURE_SETUP(backend)
{
	const struct host_backend *b = variant->b;
	struct link *l = &self->l;
	const char *why;
	int ret;

	why = netns_missing(b->tools);
	if (why)
		SKIP(return, "%s", why);
	link_init(l, b->subnet, b->host_dev, b->host_dev, variant->offloads);
	ASSERT_EQ(0, netns_create(&l->ns, b->name));
	b->make(_metadata, l, self->node, sizeof(self->node));
	ret = link_add(l);
	ASSERT_EQ(0, ret) {
		TH_LOG("add: %s", lkl_strerror(ret));
	}
}

FIXTURE_TEARDOWN_PARENT(backend)
{
	netns_destroy(&self->l.ns);
}

TEST_F(backend, features)
{
	link_features(_metadata, &self->l, variant->offloads);
}

TEST_F(backend, ping)
{
	link_ping(_metadata, &self->l);
}

TEST_F_TIMEOUT(backend, tcp, 90)
{
	link_tcp(_metadata, &self->l, AF_INET, LINK_TOTAL);
}

TEST_F_TIMEOUT(backend, tcp6, 90)
{
	link_tcp(_metadata, &self->l, AF_INET6, LINK_TOTAL);
}

TEST_F(backend, udp_mtu9000)
{
	link_udp(_metadata, &self->l, AF_INET, variant->b->mtu_devs);
	link_udp(_metadata, &self->l, AF_INET6, variant->b->mtu_devs);
}

int main(int argc, char **argv)
{
	netns_init();
	return test_harness_run(argc, argv);
}
