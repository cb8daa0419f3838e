// SPDX-License-Identifier: GPL-2.0
/*
 * The udp backend, one Ethernet frame per UDP datagram, on the host's
 * loopback.
 *
 * Two LKL processes (two runs of lkl-net-test) ping each other, over an
 * IPv4 and over an IPv6 transport, and exchange a TCP stream whose
 * checksum both ends print; a hijacked ping reaches one of them over an
 * interface from the hijack's environment. Bad input gets a message and
 * exit status 1: a malformed address, a local port that is taken, a
 * missing remote.
 *
 * The wire test boots LKL in the test process and plays the peer itself
 * with a host UDP socket, as QEMU's "-netdev dgram" would: an ARP request
 * sent as a bare Ethernet frame gets a bare ARP reply back, a datagram
 * from another source is dropped and reported, and a frame longer than a
 * datagram can be fails to send and is counted, while a short one that
 * follows arrives whole.
 *
 * QEMU, with no guest, is the peer of the qemu tests: it forwards frames
 * between its "-netdev dgram" and its older "-netdev socket,udp=", and
 * its user-mode network answers a ping.
 *
 * Ports are ones the host just handed out for a socket bound to port 0.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "../boot/lkl-test.h"
#include "tool-pair.h"

#define STREAM		"16M"
#define STREAM_BYTES	(16ULL << 20)

/* A free UDP port on the loopback of @family, or 0. */
static unsigned int free_port(int family)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	unsigned int port = 0;
	int s;

	s = socket(family, SOCK_DGRAM, 0);
	if (s < 0)
		return 0;
	if (!bind(s, family == AF_INET ? (struct sockaddr *)&a4 : (struct sockaddr *)&a6,
		  family == AF_INET ? sizeof(a4) : sizeof(a6)) &&
	    !getsockname(s, (struct sockaddr *)&ss, &len))
		port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
			     ((struct sockaddr_in6 *)&ss)->sin6_port);
	close(s);
	return port;
}

/* Append to the command @cmd, a char[CMD_LEN]. */
#define CMD_LEN	1024
static __printf(2, 3) void cmd_add(char *cmd, const char *fmt, ...)
{
	size_t len = strlen(cmd);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd + len, CMD_LEN - len, fmt, ap);
	va_end(ap);
}

FIXTURE(udp) {
	struct tool_pair p;
	/* The -b options of runs A and B, swapped addresses. */
	char a[96], b[96];
	char a6[96], b6[96];
	unsigned int port;
};

FIXTURE_SETUP(udp)
{
	const char *why = pair_missing();
	unsigned int pa, pb, pa6, pb6;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, pair_init(&self->p));
	pa = free_port(AF_INET);
	pb = free_port(AF_INET);
	pa6 = free_port(AF_INET6);
	pb6 = free_port(AF_INET6);
	ASSERT_TRUE(pa && pb && pa != pb);
	self->port = pa;
	snprintf(self->a, sizeof(self->a), "-b udp:127.0.0.1:%u,127.0.0.1:%u", pa, pb);
	snprintf(self->b, sizeof(self->b), "-b udp:127.0.0.1:%u,127.0.0.1:%u", pb, pa);
	if (pa6 && pb6 && pa6 != pb6) {
		snprintf(self->a6, sizeof(self->a6), "-b udp:[::1]:%u,[::1]:%u", pa6, pb6);
		snprintf(self->b6, sizeof(self->b6), "-b udp:[::1]:%u,[::1]:%u", pb6, pa6);
	}
}

FIXTURE_TEARDOWN_PARENT(udp)
{
	if (self->p.dir[0])
		pair_cleanup(&self->p);
}

/* Run A with @a_act and B with @b_act; show both outputs on failure. */
static int udp_pair(struct tool_pair *p, const char *a, const char *a_act,
		    const char *b, const char *b_act)
{
	char ca[256], cb[256];
	int ret;

	snprintf(ca, sizeof(ca), "%s %s %s", a, PAIR_ADDRS_A, a_act);
	snprintf(cb, sizeof(cb), "%s %s %s", b, PAIR_ADDRS_B, b_act);
	ret = pair_run(p, ca, cb);
	if (ret) {
		pair_show(p, "A");
		pair_show(p, "B");
	}
	return ret;
}

TEST_F_TIMEOUT(udp, ping_ipv4, 60)
{
	ASSERT_EQ(0, udp_pair(&self->p, self->a, "--sleep 5", self->b,
			      "--ping " PAIR_V4_A " -c 3"));
	EXPECT_TRUE(pair_says(&self->p, "B", "reply from " PAIR_V4_A ":"));
}

/* IPv6 inside, over an IPv6 transport. */
TEST_F_TIMEOUT(udp, ping_ipv6_over_ipv6, 60)
{
	if (!self->a6[0])
		SKIP(return, "the host has no IPv6 loopback");
	ASSERT_EQ(0, udp_pair(&self->p, self->a6, "--sleep 5", self->b6,
			      "--ping " PAIR_V6_A " -c 3"));
	EXPECT_TRUE(pair_says(&self->p, "B", "reply from " PAIR_V6_A ":"));
}

TEST_F_TIMEOUT(udp, tcp, 60)
{
	struct pair_stream sent = { 0 }, got = { 0 };
	char sink[64], source[128];

	snprintf(sink, sizeof(sink), "--tcp-sink %d", PAIR_PORT);
	snprintf(source, sizeof(source), "--tcp-source %s:%d --bytes " STREAM,
		 PAIR_V4_A, PAIR_PORT);
	ASSERT_EQ(0, udp_pair(&self->p, self->a, sink, self->b, source));
	ASSERT_EQ(0, pair_stream(&self->p, "B", "sent", &sent));
	ASSERT_EQ(0, pair_stream(&self->p, "A", "received", &got));
	EXPECT_EQ(STREAM_BYTES, sent.bytes);
	EXPECT_EQ(STREAM_BYTES, got.bytes);
	EXPECT_EQ(sent.sum, got.sum);
	TH_LOG("%llu bytes, %.0f Mbit/s", got.bytes, got.mbit);
}

/* The hijack takes a udp interface from its environment. */
TEST_F_TIMEOUT(udp, hijacked_ping, 60)
{
	char out[2048], cmd[CMD_LEN];
	int ret;

	if (access(LKL_HIJACK, X_OK))
		SKIP(return, "%s is not built (needs libjson-c-dev)", LKL_HIJACK);
	if (!test_have("ping"))
		SKIP(return, "ping is not installed (iputils-ping)");
	cmd[0] = 0;
	cmd_add(cmd, "cd %s && { timeout %d %s %s --ip %s/24 --sleep 6 >A.out 2>&1 & } && ",
		self->p.dir, PAIR_TIMEOUT, self->p.tool, self->a, PAIR_V4_A);
	cmd_add(cmd, "LKL_HIJACK_NET_IFTYPE=udp LKL_HIJACK_NET_IFPARAMS=%s LKL_HIJACK_NET_IP=%s",
		self->b + strlen("-b udp:"), PAIR_V4_B);
	cmd_add(cmd, " timeout %d %s ping -c 2 -W 5 %s; rc=$?; wait; exit $rc",
		PAIR_TIMEOUT, LKL_HIJACK, PAIR_V4_A);
	ret = test_run_out(out, sizeof(out), "%s", cmd);
	EXPECT_EQ(0, ret) {
		TH_LOG("%s", out);
		pair_show(&self->p, "A");
	}
	EXPECT_NE(NULL, strstr(out, "2 received"));
}

/* Run lkl-net-test on @spec: exit status 1 and @message on stderr. */
static void udp_refused(struct __test_metadata *_metadata, struct tool_pair *p,
			const char *spec, const char *message)
{
	char out[512];
	int ret;

	ret = test_run_out(out, sizeof(out), "timeout 10 %s -b '%s' --sleep 0", p->tool, spec);
	EXPECT_EQ(1, ret);
	EXPECT_NE(NULL, strstr(out, message)) {
		TH_LOG("%s: %s", spec, out);
	}
}

TEST_F(udp, bad_address)
{
	udp_refused(_metadata, &self->p, "udp:127.0.0.1:7001,127.0.0.256:7002",
		    "bad backend 'udp:127.0.0.1:7001,127.0.0.256:7002'");
	udp_refused(_metadata, &self->p, "udp:[::1]:7001,127.0.0.1:7002",
		    "bad backend 'udp:[::1]:7001,127.0.0.1:7002'");
	udp_refused(_metadata, &self->p, "udp:192.0.2.1:7001,127.0.0.1:7002",
		    "udp:192.0.2.1:7001,127.0.0.1:7002: Cannot assign requested address");
}

TEST_F(udp, port_in_use)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char spec[64], message[96];
	int s;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, s);
	a.sin_port = htons(self->port);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&a, sizeof(a)));
	snprintf(spec, sizeof(spec), "udp:127.0.0.1:%u,127.0.0.1:9", self->port);
	snprintf(message, sizeof(message), "%s: Address already in use", spec);
	udp_refused(_metadata, &self->p, spec, message);
	close(s);
}

TEST_F(udp, no_remote)
{
	udp_refused(_metadata, &self->p, "udp:127.0.0.1:7001",
		    "bad backend 'udp:127.0.0.1:7001'");
	udp_refused(_metadata, &self->p, "udp:127.0.0.1:7001,",
		    "bad backend 'udp:127.0.0.1:7001,'");
}

/*
 * QEMU, with no guest (-M none), as the other end: its hub 0 joins a
 * "-netdev dgram" facing run A and a "-netdev socket,udp=" facing run B,
 * so a TCP stream between the two LKL processes crosses QEMU in both of
 * its UDP formats; its hub 1 joins a third, "-netdev dgram", to QEMU's
 * user-mode network (slirp), whose gateway answers a ping itself. QEMU
 * runs under timeout(1); its pid is timeout's.
 */
#define QEMU		"qemu-system-x86_64"
#define QEMU_GW		"10.77.0.3"

/* A "-netdev dgram" on hub @hub, from @local to @remote on the loopback. */
static void qemu_dgram(char *cmd, const char *id, int hub, unsigned int local,
		       unsigned int remote)
{
	cmd_add(cmd, " -netdev dgram,id=%s,local.type=inet,local.host=127.0.0.1", id);
	cmd_add(cmd, ",local.port=%u,remote.type=inet,remote.host=127.0.0.1", local);
	cmd_add(cmd, ",remote.port=%u -netdev hubport,id=h%s,hubid=%d,netdev=%s",
		remote, id, hub, id);
}

FIXTURE(qemu) {
	struct tool_pair p;
	/* The ports of runs A, B and C, and of QEMU facing each. */
	unsigned int port[6];
};

FIXTURE_SETUP(qemu)
{
	const char *why = pair_missing();
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	unsigned int *pt = self->port;
	int i, j, s, up = 0;
	char cmd[CMD_LEN];

	if (why)
		SKIP(return, "%s", why);
	if (!test_have(QEMU))
		SKIP(return, "%s is not installed (qemu-system-x86)", QEMU);
	ASSERT_EQ(0, pair_init(&self->p));
	for (i = 0; i < 6; i++) {
		pt[i] = free_port(AF_INET);
		ASSERT_NE(0, pt[i]);
		for (j = 0; j < i; j++)
			ASSERT_NE(pt[j], pt[i]);
	}
	cmd[0] = 0;
	cmd_add(cmd, "cd %s && { timeout 60 %s -M none -nodefaults", self->p.dir, QEMU);
	cmd_add(cmd, " -display none -monitor none -serial none");
	qemu_dgram(cmd, "a", 0, pt[3], pt[0]);
	cmd_add(cmd, " -netdev socket,id=b,udp=127.0.0.1:%u,localaddr=127.0.0.1:%u",
		pt[1], pt[4]);
	cmd_add(cmd, " -netdev hubport,id=hb,hubid=0,netdev=b");
	qemu_dgram(cmd, "c", 1, pt[5], pt[2]);
	cmd_add(cmd, " -netdev user,id=u,net=10.77.0.0/24,host=%s,dns=10.77.0.4,restrict=on",
		QEMU_GW);
	cmd_add(cmd, " -netdev hubport,id=hu,hubid=1,netdev=u");
	cmd_add(cmd, " >qemu.log 2>&1 & echo $! >qemu.pid; }");
	ASSERT_EQ(0, test_run("%s", cmd));
	/* QEMU is ready when its last socket is bound. */
	a.sin_port = htons(pt[5]);
	for (i = 0; i < 100 && !up; i++) {
		s = socket(AF_INET, SOCK_DGRAM, 0);
		ASSERT_LE(0, s);
		up = bind(s, (struct sockaddr *)&a, sizeof(a)) && errno == EADDRINUSE;
		close(s);
		if (!up)
			usleep(100 * 1000);
	}
	if (!up)
		test_run("cat %s/qemu.log >&2", self->p.dir);
	ASSERT_TRUE(up);
}

FIXTURE_TEARDOWN_PARENT(qemu)
{
	if (!self->p.dir[0])
		return;
	test_run("test -s %s/qemu.pid && kill $(cat %s/qemu.pid)", self->p.dir, self->p.dir);
	pair_cleanup(&self->p);
}

TEST_F_TIMEOUT(qemu, tcp_through_hub, 60)
{
	struct pair_stream sent = { 0 }, got = { 0 };
	char a[160], b[160], sink[64], source[128];
	unsigned int *pt = self->port;

	snprintf(a, sizeof(a), "-b udp:127.0.0.1:%u,127.0.0.1:%u", pt[0], pt[3]);
	snprintf(b, sizeof(b), "-b udp:127.0.0.1:%u,127.0.0.1:%u", pt[1], pt[4]);
	snprintf(sink, sizeof(sink), "--tcp-sink %d", PAIR_PORT);
	snprintf(source, sizeof(source), "--tcp-source %s:%d --bytes " STREAM,
		 PAIR_V4_A, PAIR_PORT);
	ASSERT_EQ(0, udp_pair(&self->p, a, sink, b, source));
	ASSERT_EQ(0, pair_stream(&self->p, "B", "sent", &sent));
	ASSERT_EQ(0, pair_stream(&self->p, "A", "received", &got));
	EXPECT_EQ(STREAM_BYTES, got.bytes);
	EXPECT_EQ(sent.sum, got.sum);
	TH_LOG("%llu bytes through QEMU, %.0f Mbit/s", got.bytes, got.mbit);
}

TEST_F_TIMEOUT(qemu, ping_user_net, 60)
{
	char out[1024];
	int ret;

	ret = test_run_out(out, sizeof(out),
			   "timeout %d %s -b udp:127.0.0.1:%u,127.0.0.1:%u --ip %s/24 --ping %s -c 2",
			   PAIR_TIMEOUT, self->p.tool, self->port[2], self->port[5], PAIR_V4_B,
			   QEMU_GW);
	EXPECT_EQ(0, ret);
	EXPECT_NE(NULL, strstr(out, "reply from " QEMU_GW ":")) {
		TH_LOG("%s", out);
	}
}

/* What LKL printed, for the message about a datagram from elsewhere. */
static char printed[1 << 15];
static size_t printed_len;
static pthread_mutex_t printed_lock = PTHREAD_MUTEX_INITIALIZER;

static void keep_print(const char *str, int len)
{
	pthread_mutex_lock(&printed_lock);
	if (len > 0 && printed_len + len < sizeof(printed)) {
		memcpy(printed + printed_len, str, len);
		printed_len += len;
		printed[printed_len] = 0;
	}
	pthread_mutex_unlock(&printed_lock);
	fwrite(str, 1, len, stderr);
}

static bool was_printed(const char *what)
{
	bool found;

	pthread_mutex_lock(&printed_lock);
	found = strstr(printed, what);
	pthread_mutex_unlock(&printed_lock);
	return found;
}

#define LKL_MAC		"\x02\x00\x00\x00\x00\x01"
#define PEER_MAC	"\x02\x00\x00\x00\x00\x02"

/* An ARP request from PEER_MAC, @spa, for 10.9.0.1: 42 bytes. */
static void arp_request(unsigned char *f, const char *spa)
{
	static const unsigned char head[] = {
		0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
	};

	memset(f, 0, 42);
	memset(f, 0xff, 6);
	memcpy(f + 6, PEER_MAC, 6);
	memcpy(f + 12, head, sizeof(head));
	memcpy(f + 22, PEER_MAC, 6);
	inet_pton(AF_INET, spa, f + 28);
	inet_pton(AF_INET, "10.9.0.1", f + 38);
}

/*
 * Wait up to @tries tenths of a second for LKL's ARP reply to @tpa among
 * the datagrams on @s; return its length, or -1. Other frames (IPv6
 * neighbour discovery) are skipped.
 */
static int arp_reply(int s, const char *tpa, int tries, unsigned char *f,
		     size_t size)
{
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	unsigned char want[4];
	ssize_t n;
	int i;

	inet_pton(AF_INET, tpa, want);
	for (i = 0; i < tries; i++) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(s, f, size, MSG_TRUNC);
		if (n >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 &&
		    !memcmp(f + 38, want, 4))
			return n;
	}
	return -1;
}

TEST(wire)
{
	struct lkl_netdev_args args = { .mac = LKL_MAC };
	struct sockaddr_in peer = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in lkl = peer;
	static unsigned char big[65507];
	struct lkl_sockaddr_in to = {
		.sin_family = LKL_AF_INET,
		.sin_port = htons(9),
	};
	struct lkl_netdev_stats st;
	unsigned int lport, pport;
	unsigned char f[2048];
	struct lkl_netdev *nd;
	char local[32], remote[32];
	int s, stranger, ifindex, n, i;
	long fd;

	lport = free_port(AF_INET);
	pport = free_port(AF_INET);
	ASSERT_TRUE(lport && pport && lport != pport);
	peer.sin_port = htons(pport);
	lkl.sin_port = htons(lport);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	stranger = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, s);
	ASSERT_LE(0, stranger);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&peer, sizeof(peer)));

	snprintf(local, sizeof(local), "127.0.0.1:%u", lport);
	snprintf(remote, sizeof(remote), "127.0.0.1:%u", pport);
	ASSERT_EQ(0, lkl_netdev_udp_create(local, remote, &nd));
	lkl_host_ops.print = keep_print;
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	ifindex = lkl_netdev_add(nd, &args);
	ASSERT_LT(0, ifindex);
	ASSERT_EQ(0, lkl_if_up(ifindex));
	ASSERT_EQ(0, lkl_if_add_ip(ifindex, LKL_AF_INET, "10.9.0.1", 24));

	/* From another port: dropped, reported, never answered. */
	arp_request(f, "10.9.0.3");
	ASSERT_EQ(42, sendto(stranger, f, 42, 0, (struct sockaddr *)&lkl, sizeof(lkl)));
	for (i = 0; i < 50 && !was_printed("not from the remote address"); i++)
		usleep(100 * 1000);
	EXPECT_TRUE(was_printed("not from the remote address"));

	/* From the peer: a bare ARP reply comes back, to the peer. */
	arp_request(f, "10.9.0.2");
	ASSERT_EQ(42, sendto(s, f, 42, 0, (struct sockaddr *)&lkl, sizeof(lkl)));
	n = arp_reply(s, "10.9.0.2", 50, f, sizeof(f));
	ASSERT_EQ(42, n);
	EXPECT_EQ(0, memcmp(f, PEER_MAC, 6));
	EXPECT_EQ(0, memcmp(f + 6, LKL_MAC, 6));
	EXPECT_EQ(0, memcmp(f + 22, LKL_MAC, 6));
	/* A reply to the stranger would have come first. */
	EXPECT_EQ(-1, arp_reply(s, "10.9.0.3", 2, f, sizeof(f)));

	/*
	 * Longer than a datagram can be (MTU 65535, a 65535-byte IP
	 * packet): the send fails and is counted, nothing is cut.
	 */
	ASSERT_EQ(0, lkl_if_set_mtu(ifindex, 65535));
	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, inet_pton(AF_INET, "10.9.0.2", &to.sin_addr));
	EXPECT_EQ(sizeof(big), lkl_sys_sendto(fd, big, sizeof(big), 0,
					      (struct lkl_sockaddr *)&to, sizeof(to)));
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, lkl_netdev_get_stats(nd, &st));
		if (st.tx_errors)
			break;
		usleep(100 * 1000);
	}
	EXPECT_EQ(1, st.tx_errors);
	EXPECT_EQ(0, st.rx_too_long);
	/* A short one still goes, whole: 42 bytes of UDP in 84 of frame. */
	EXPECT_EQ(42, lkl_sys_sendto(fd, big, 42, 0, (struct lkl_sockaddr *)&to,
				     sizeof(to)));
	for (i = 0, n = -1; i < 50 && n != 84; i++) {
		struct pollfd pfd = { .fd = s, .events = POLLIN };

		if (poll(&pfd, 1, 100) > 0)
			n = recv(s, f, sizeof(f), MSG_TRUNC);
	}
	EXPECT_EQ(84, n);
	lkl_sys_close(fd);

	EXPECT_EQ(0, lkl_netdev_remove(nd));
	EXPECT_EQ(0, lkl_sys_halt());
	lkl_netdev_free(nd);
	close(s);
	close(stranger);
}

int main(int argc, char **argv)
{
	pair_start("udp");
	return test_harness_run(argc, argv);
}
