// SPDX-License-Identifier: GPL-2.0
/*
 * LKL as a router and as a host behind one. Two namespaces, each with a
 * tap: LKL has an interface on each (10.74.0.2 and 10.75.0.2, with
 * fd00:74::2 and fd00:75::2) and forwards between them, and each native
 * side has its default route through LKL. Then LKL's own default gateway
 * is the native side of the first namespace, which has addresses of its
 * own that only that gateway leads to.
 */
#include "kselftest_harness.h"
#include "link-test.h"

#define NET_A		74
#define NET_B		75
#define BEHIND4		"10.99.0.1"
#define BEHIND6		"fd00:99::1"
#define ROUTE_TOTAL	(16ULL << 20)

FIXTURE(route) {
	struct link a, b;
};

/* A namespace named after @tag with tap0 for @l, its native side set. */
static int route_tap(struct link *l, int net, const char *tag)
{
	link_init(l, net, "tap0", "tap0", LKL_NETDEV_OFFLOAD_ALL);
	if (netns_create(&l->ns, tag))
		return -1;
	if (test_run("ip -n %s tuntap add dev tap0 mode tap", l->ns.name) ||
	    test_run("ip -n %s link set tap0 address 02:00:00:00:%02x:01",
		     l->ns.name, net) ||
	    link_host_addrs(l) ||
	    test_run("ip -n %s route add default via 10.%d.0.2", l->ns.name, net) ||
	    test_run("ip -n %s route add default via fd00:%d::2", l->ns.name, net))
		return -1;
	return 0;
}

/* Attach LKL to @l's tap and configure its side. */
static int route_attach(struct link *l)
{
	int ret;

	ret = netns_enter(&l->ns);
	if (ret)
		return ret;
	ret = lkl_netdev_tap_create("tap0", &l->nd);
	netns_leave(&l->ns);
	return ret ? ret : link_add(l);
}

FIXTURE_SETUP(route)
{
	const char *why;

	why = netns_missing("ip ping");
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, route_tap(&self->a, NET_A, "route1"));
	ASSERT_EQ(0, route_tap(&self->b, NET_B, "route2"));
	ASSERT_EQ(0, link_boot());
	ASSERT_EQ(0, route_attach(&self->a));
	ASSERT_EQ(0, route_attach(&self->b));
}

FIXTURE_TEARDOWN_PARENT(route)
{
	netns_destroy(&self->a.ns);
	netns_destroy(&self->b.ns);
}

/* Ping and a TCP stream from namespace a to namespace b through LKL. */
TEST_F_TIMEOUT(route, forward, 60)
{
	struct peer rx = { .listening = true }, tx = { .sending = true };
	union host_sa sa;
	char buf[8];
	long long t;
	int one = 1;

	/* Not forwarded until LKL is a router. */
	EXPECT_NE(0, netns_run(&self->a.ns, "ping -q -c 1 -W 1 %s",
			       self->b.host4));
	ASSERT_EQ(0, lkl_sysctl_set("net.ipv4.ip_forward", "1"));
	ASSERT_EQ(0, lkl_sysctl_set("net.ipv6.conf.all.forwarding", "1"));
	ASSERT_EQ(0, lkl_sysctl_get("net.ipv4.ip_forward", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);

	EXPECT_EQ(0, netns_run(&self->a.ns, "ping -q -c 3 -i 0.2 -W 2 %s",
			       self->b.host4));
	EXPECT_EQ(0, netns_run(&self->a.ns, "ping -6 -q -c 3 -i 0.2 -W 2 %s",
			       self->b.host6));

	rx.fd = netns_socket(&self->b.ns, AF_INET, SOCK_STREAM);
	ASSERT_LE(0, rx.fd);
	setsockopt(rx.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(rx.fd, &sa.sa,
			  host_sa(AF_INET, self->b.host4, LINK_PORT, &sa)));
	ASSERT_EQ(0, listen(rx.fd, 1));
	tx.fd = netns_socket(&self->a.ns, AF_INET, SOCK_STREAM);
	ASSERT_LE(0, tx.fd);
	tx.tolen = host_sa(AF_INET, self->b.host4, LINK_PORT, &tx.to);
	tx.total = ROUTE_TOTAL;
	tx.seed = 99;
	t = host_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, pthread_create(&rx.thread, NULL, peer_main, &rx));
	ASSERT_EQ(0, pthread_create(&tx.thread, NULL, peer_main, &tx));
	pthread_join(tx.thread, NULL);
	pthread_join(rx.thread, NULL);
	t = host_ns(CLOCK_MONOTONIC) - t;
	TH_LOG("forwarded by LKL: %.0f MB/s", rx.s.bytes * 1000.0 / t);
	close(tx.fd);
	close(rx.fd);

	EXPECT_EQ(0, tx.s.err) {
		TH_LOG("sender: %s: %s", tx.s.what, strerror(-tx.s.err));
	}
	EXPECT_EQ(0, rx.s.err) {
		TH_LOG("receiver: %s: %s", rx.s.what, strerror(-rx.s.err));
	}
	EXPECT_EQ(ROUTE_TOTAL, tx.s.bytes);
	EXPECT_EQ(ROUTE_TOTAL, rx.s.bytes);
	EXPECT_EQ(tx.s.sum, rx.s.sum);
}

/* LKL's default gateways lead to addresses no interface reaches. */
TEST_F_TIMEOUT(route, gateway, 60)
{
	struct link behind = self->a;
	double mbs = 0;

	ASSERT_EQ(0, test_run("ip -n %s addr add %s/32 dev lo", self->a.ns.name,
			      BEHIND4));
	ASSERT_EQ(0, test_run("ip -n %s addr add %s/128 dev lo", self->a.ns.name,
			      BEHIND6));

	EXPECT_EQ(0, lkl_ping(LKL_AF_INET, BEHIND4, 1, 1));
	EXPECT_EQ(0, lkl_ping(LKL_AF_INET6, BEHIND6, 1, 1));
	ASSERT_EQ(0, lkl_set_gateway(LKL_AF_INET, self->a.host4));
	ASSERT_EQ(0, lkl_set_gateway(LKL_AF_INET6, self->a.host6));
	EXPECT_EQ(3, lkl_ping(LKL_AF_INET, BEHIND4, 3, 10));
	EXPECT_EQ(3, lkl_ping(LKL_AF_INET6, BEHIND6, 3, 10));

	/* A stream to the address behind the gateway, in namespace a. */
	snprintf(behind.host4, sizeof(behind.host4), "%s", BEHIND4);
	link_tcp_to_host(_metadata, &behind, AF_INET, ROUTE_TOTAL, &mbs);
	TH_LOG("through the gateway: %.0f MB/s", mbs);
}

int main(int argc, char **argv)
{
	netns_init();
	return test_harness_run(argc, argv);
}
