// SPDX-License-Identifier: GPL-2.0
/*
 * fq on LKL's interface on a tap, installed with lkl_qdisc_add(), and its
 * statistics read back with lkl_qdisc_get_stats() against what was sent.
 *
 * To count exactly, nothing else may leave the interface: it has no IPv6,
 * and both sides have permanent neighbour entries, so there is no ARP.
 */
#include "kselftest_harness.h"
#include "link-test.h"

#define QDISC_SUBNET	76
#define QDISC_DGRAMS	200
#define QDISC_PAYLOAD	1000
/* Ethernet, IPv4 and UDP headers: what the qdisc counts on top. */
#define QDISC_HEADERS	(14 + 20 + 8)
#define QDISC_TOTAL	(8ULL << 20)

FIXTURE(qdisc) {
	struct link l;
};

FIXTURE_SETUP(qdisc)
{
	struct link *l = &self->l;
	struct lkl_netdev_args args;
	unsigned char host_mac[6];
	const char *why;
	int ret;

	why = netns_missing("ip");
	if (why)
		SKIP(return, "%s", why);
	link_init(l, QDISC_SUBNET, "tap0", "tap0", LKL_NETDEV_OFFLOAD_ALL);
	ASSERT_EQ(0, netns_create(&l->ns, "qdisc"));
	ASSERT_EQ(0, test_run("ip -n %s tuntap add dev tap0 mode tap", l->ns.name));
	ASSERT_EQ(0, test_run("ip -n %s link set tap0 address 02:00:00:00:%02x:01",
			      l->ns.name, QDISC_SUBNET));
	ASSERT_EQ(0, link_host_addrs(l));
	ASSERT_EQ(0, test_run("ip -n %s neigh replace %s lladdr %s dev tap0 nud permanent",
			      l->ns.name, l->lkl4, link_mac_str(l)));

	ASSERT_EQ(0, link_boot());
	ASSERT_EQ(0, lkl_sysctl_set("net.ipv6.conf.default.disable_ipv6", "1"));
	ASSERT_EQ(0, netns_enter(&l->ns));
	ret = lkl_netdev_tap_create("tap0", &l->nd);
	ASSERT_EQ(0, netns_leave(&l->ns));
	ASSERT_EQ(0, ret);
	memset(&args, 0, sizeof(args));
	memcpy(args.mac, l->mac, sizeof(args.mac));
	args.offloads = l->offloads;
	l->ifindex = lkl_netdev_add(l->nd, &args);
	ASSERT_LT(0, l->ifindex);
	ASSERT_EQ(0, lkl_if_add_ip(l->ifindex, LKL_AF_INET, l->lkl4, 24));
	memcpy(host_mac, l->mac, sizeof(host_mac));
	host_mac[5] = 1;
	ASSERT_EQ(0, lkl_neigh_add(l->ifindex, LKL_AF_INET, l->host4,
				   host_mac));
}

FIXTURE_TEARDOWN_PARENT(qdisc)
{
	netns_destroy(&self->l.ns);
}

TEST_F_TIMEOUT(qdisc, fq_stats, 60)
{
	struct link *l = &self->l;
	struct timeval tv = { .tv_usec = 100000 };
	struct lkl_qdisc_stats st0, st;
	struct echo e = { .quiet = true };
	static char buf[QDISC_PAYLOAD];
	union host_sa hsa;
	union lkl_sa sa;
	long long deadline;
	double mbs = 0;
	int i, salen;
	long fd;

	ASSERT_EQ(0, lkl_qdisc_add(l->ifindex, "fq", LKL_TC_H_ROOT));
	/* Up only now, so that the qdisc sees every frame. */
	ASSERT_EQ(0, lkl_if_up(l->ifindex));
	ASSERT_EQ(0, lkl_qdisc_get_stats(l->ifindex, LKL_TC_H_ROOT, &st0));
	EXPECT_STREQ("fq", st0.kind);
	EXPECT_NE(0, st0.handle);
	TH_LOG("before: %llu packets, %llu bytes", st0.packets, st0.bytes);

	e.fd = netns_socket(&l->ns, AF_INET, SOCK_DGRAM);
	ASSERT_LE(0, e.fd);
	setsockopt(e.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ASSERT_EQ(0, bind(e.fd, &hsa.sa,
			  host_sa(AF_INET, l->host4, LINK_PORT, &hsa)));
	ASSERT_EQ(0, pthread_create(&e.thread, NULL, echo_main, &e));

	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0);
	EXPECT_LE(0, fd);
	salen = lkl_sa(LKL_AF_INET, l->host4, LINK_PORT, &sa);
	memset(buf, 'q', sizeof(buf));
	for (i = 0; fd >= 0 && i < QDISC_DGRAMS; i++) {
		EXPECT_EQ(QDISC_PAYLOAD,
			  lkl_sys_sendto(fd, buf, sizeof(buf), 0, &sa.sa,
					 salen));
		/* Keep within the native socket's receive buffer. */
		if (i % 50 == 49)
			usleep(20000);
	}
	deadline = host_ns(CLOCK_MONOTONIC) + 5 * NSEC_PER_SEC;
	while (__atomic_load_n(&e.count, __ATOMIC_RELAXED) < QDISC_DGRAMS &&
	       host_ns(CLOCK_MONOTONIC) < deadline)
		usleep(10000);
	__atomic_store_n(&e.stop, true, __ATOMIC_RELEASE);
	pthread_join(e.thread, NULL);
	close(e.fd);
	if (fd >= 0)
		lkl_sys_close(fd);
	EXPECT_EQ(QDISC_DGRAMS, e.count);

	ASSERT_EQ(0, lkl_qdisc_get_stats(l->ifindex, LKL_TC_H_ROOT, &st));
	TH_LOG("after %d datagrams: %llu packets, %llu bytes", QDISC_DGRAMS,
	       st.packets, st.bytes);
	EXPECT_EQ(QDISC_DGRAMS, st.packets - st0.packets);
	EXPECT_EQ(QDISC_DGRAMS * (QDISC_PAYLOAD + QDISC_HEADERS),
		  st.bytes - st0.bytes);
	EXPECT_EQ(0, st.drops);
	EXPECT_EQ(0, st.qlen);
	EXPECT_EQ(0, st.backlog);

	/*
	 * A TCP stream through fq: its bytes and their headers. The qdisc
	 * counts a TSO frame as the segments it makes on the wire.
	 */
	st0 = st;
	link_tcp_to_host(_metadata, l, AF_INET, QDISC_TOTAL, &mbs);
	ASSERT_EQ(0, lkl_qdisc_get_stats(l->ifindex, LKL_TC_H_ROOT, &st));
	TH_LOG("TCP %.0f MB/s: %llu packets, %llu bytes", mbs,
	       st.packets - st0.packets, st.bytes - st0.bytes);
	EXPECT_LE(QDISC_TOTAL, st.bytes - st0.bytes);
	EXPECT_LE(QDISC_TOTAL / 1448, st.packets - st0.packets);
	EXPECT_GE(QDISC_TOTAL + 100 * (st.packets - st0.packets),
		  st.bytes - st0.bytes);
	EXPECT_EQ(0, st.drops);

	/* Removed: the device's default qdisc is back. */
	ASSERT_EQ(0, lkl_qdisc_del(l->ifindex, LKL_TC_H_ROOT));
	ASSERT_EQ(0, lkl_qdisc_get_stats(l->ifindex, LKL_TC_H_ROOT, &st));
	EXPECT_STRNE("fq", st.kind);
}

int main(int argc, char **argv)
{
	netns_init();
	return test_harness_run(argc, argv);
}
