// SPDX-License-Identifier: GPL-2.0
/*
 * A hijacked python3 http.server on LKL's tap interface, reached by
 * native ping, ping -6 and curl from a peer namespace.
 *
 * The test makes two namespaces. The hijacked server starts in the first,
 * where the tap device is, and attaches to it. The tap is then moved to
 * the second namespace, the peer's, which has no other way to the first:
 * the only path from the native tools to the server is LKL's stack on the
 * other end of the tap. LKL's eth0 counters, printed at exit, must show
 * the traffic too.
 */
#include <fcntl.h>
#include <signal.h>
#include <time.h>

#include "kselftest_harness.h"
#include "hijack-test.h"

#define LKL_IP		"10.11.0.2"
#define PEER_IP		"10.11.0.1"
#define LKL_IP6		"fd11::2"
#define PEER_IP6	"fd11::1"
#define TAP		"lklhjtap0"

FIXTURE(tap) {
	char lkl_ns[32];
	char peer_ns[32];
	char dir[64];
	pid_t server;
	char out[HJ_OUT_LEN];
};

FIXTURE_SETUP(tap)
{
	char cmd[512];

	if (geteuid())
		SKIP(return, "needs root for namespaces and tap devices");
	if (access("/dev/net/tun", R_OK | W_OK))
		SKIP(return, "no /dev/net/tun");
	if (access(LKL_HIJACK, X_OK))
		SKIP(return, "%s is not built (needs libjson-c-dev)", LKL_HIJACK);
	if (!test_have("ip") || !test_have("ping") || !test_have("curl") ||
	    !test_have(PYTHON3))
		SKIP(return, "needs iproute2, ping, curl and python3");

	snprintf(self->lkl_ns, sizeof(self->lkl_ns), "lklhj-l%d", getpid());
	snprintf(self->peer_ns, sizeof(self->peer_ns), "lklhj-p%d", getpid());
	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-hijack-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(cmd, sizeof(cmd),
		 "ip netns add %s && ip netns add %s && ip -n %s tuntap add dev %s mode tap",
		 self->lkl_ns, self->peer_ns, self->lkl_ns, TAP);
	ASSERT_EQ(0, test_run("%s", cmd));
}

/* Runs even when the test times out: nothing is left behind. */
FIXTURE_TEARDOWN_PARENT(tap)
{
	char cmd[256];

	if (self->server > 0) {
		kill(self->server, SIGKILL);
		waitpid(self->server, NULL, 0);
	}
	if (self->lkl_ns[0]) {
		snprintf(cmd, sizeof(cmd),
			 "ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null",
			 self->lkl_ns, self->peer_ns);
		test_run("%s", cmd);
	}
	if (self->dir[0])
		test_run("rm -rf %s", self->dir);
}

TEST_F_TIMEOUT(tap, http_server_reached_over_tap, 90)
{
	char path[128], log[128], cfg[128], cmd[1024];
	pid_t pid;
	int st;

	snprintf(cfg, sizeof(cfg), "%s/config.json", self->dir);
	ASSERT_EQ(0, test_write_file(cfg,
				     "{\n"
				     "  \"interfaces\": [ {\n"
				     "    \"type\": \"tap\", \"param\": \"" TAP "\",\n"
				     "    \"ip\": \"" LKL_IP "\", \"netmask_len\": 24,\n"
				     "    \"ipv6\": \"" LKL_IP6 "\", \"netmask6_len\": 64,\n"
				     "    \"mtu\": 1500, \"offloads\": \"all\", \"qdisc\": \"fq\"\n"
				     "  } ],\n"
				     "  \"gateway\": \"" PEER_IP "\",\n"
				     "  \"sysctl\": { \"net.ipv4.tcp_congestion_control\": \"cubic\" }\n"
				     "}\n"));
	snprintf(path, sizeof(path), "%s/www", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(cmd, sizeof(cmd), "head -c 1048576 /dev/urandom > %s/www/data",
		 self->dir);
	ASSERT_EQ(0, test_run("%s", cmd));
	snprintf(log, sizeof(log), "%s/server.log", self->dir);

	pid = test_spawn(log,
			 "exec ip netns exec %s env LKL_HIJACK_CONFIG_FILE=%s LKL_HIJACK_DEBUG=1 %s %s -m http.server 8000 --bind %s --directory %s",
			 self->lkl_ns, cfg, LKL_HIJACK, PYTHON3, LKL_IP, path);
	ASSERT_LT(0, pid);
	self->server = pid;
	ASSERT_EQ(0, test_wait_text(log, "is interface", 20000));

	/* Move the tap to the peer, where the native tools are. */
	snprintf(cmd, sizeof(cmd),
		 "ip -n %1$s link set %3$s netns %2$s && ip -n %2$s addr add %4$s/24 dev %3$s && ip -n %2$s addr add %5$s/64 dev %3$s nodad && ip -n %2$s link set %3$s up && ip -n %2$s link set lo up",
		 self->lkl_ns, self->peer_ns, TAP, PEER_IP, PEER_IP6);
	ASSERT_EQ(0, test_run("%s", cmd));

	EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN, "ip netns exec %s ping -c 3 -i 0.2 -W 5 "
				  LKL_IP, self->peer_ns)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN,
				  "ip netns exec %s ping -6 -c 3 -i 0.2 -W 5 "
				  LKL_IP6, self->peer_ns)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN,
				  "for i in $(seq 100); do ip netns exec %s curl -sf -m 20 -o %s/got http://%s:8000/data && exit 0; sleep 0.1; done; exit 1",
				  self->peer_ns, self->dir, LKL_IP)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN, "cmp %s/got %s/www/data", self->dir,
				  self->dir)) {
		TH_LOG("%s", self->out);
	}

	/* Ctrl-C: python exits cleanly and the hijack halts LKL. */
	kill(pid, SIGINT);
	st = test_wait_exit(pid, 10000);
	self->server = 0;
	ASSERT_LE(0, test_read_file(log, self->out, HJ_OUT_LEN));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		TH_LOG("status %#x:\n%s", st, self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "halting LKL"));
	/* Pings and the request in; 1 MiB out, in 64 KiB TSO frames. */
	EXPECT_LT(6, hj_counter(self->out, "eth0", 0));
	EXPECT_LT(16, hj_counter(self->out, "eth0", 1)) {
		TH_LOG("%s", self->out);
	}
}

/*
 * Join the tap to a veth pair through a bridge in the first namespace,
 * with the other end of the veth, addressed, in the peer's. The first
 * namespace has no address of its own: a hijacked program started there
 * reaches the peer only through LKL's stack on the tap.
 */
static int bridge_to_peer(const char *lkl_ns, const char *peer_ns)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "ip -n %1$s link add lklhjbr0 type bridge && ip -n %1$s link add lklhjv0 type veth peer name lklhjv1 netns %2$s && ip -n %1$s link set %3$s master lklhjbr0 && ip -n %1$s link set lklhjv0 master lklhjbr0 && ip -n %1$s link set %3$s up && ip -n %1$s link set lklhjv0 up && ip -n %1$s link set lklhjbr0 up && ip -n %2$s addr add %4$s/24 dev lklhjv1 && ip -n %2$s addr add %5$s/64 dev lklhjv1 nodad && ip -n %2$s link set lklhjv1 up",
		 lkl_ns, peer_ns, TAP, PEER_IP, PEER_IP6);
	return test_run("%s", cmd);
}

/* The tap interface's keys, in a JSON object of "interfaces". */
#define TAP_IFACE \
	"  \"type\": \"tap\", \"param\": \"" TAP "\",\n" \
	"  \"ip\": \"" LKL_IP "\", \"netmask_len\": 24,\n" \
	"  \"ipv6\": \"" LKL_IP6 "\", \"netmask6_len\": 64\n"

/* Write the configuration @json into the test's directory, as @cfg. */
static int write_config(const char *dir, char *cfg, size_t len,
			const char *json)
{
	snprintf(cfg, len, "%s/config.json", dir);
	return test_write_file(cfg, json);
}

/* ping and ping -6 under the hijack, to a native peer across the tap. */
TEST_F_TIMEOUT(tap, hijacked_ping_reaches_native_peer, 90)
{
	static const char * const targets[] = {
		"-4 " PEER_IP, "-6 " PEER_IP6, NULL
	};
	char cfg[128];
	int i;

	ASSERT_EQ(0, write_config(self->dir, cfg, sizeof(cfg),
				  "{ \"interfaces\": [ {\n"
				  TAP_IFACE
				  "} ] }\n"));
	ASSERT_EQ(0, bridge_to_peer(self->lkl_ns, self->peer_ns));
	for (i = 0; targets[i]; i++) {
		EXPECT_EQ(0, test_run_out(self->out, HJ_OUT_LEN,
					  "ip netns exec %s env LKL_HIJACK_CONFIG_FILE=%s LKL_HIJACK_DEBUG=1 %s ping -c 3 -i 0.2 -w 15 %s",
					  self->lkl_ns, cfg, LKL_HIJACK, targets[i])) {
			TH_LOG("%s", self->out);
		}
		/* With -w, ping exits 0 once 3 replies are in. */
		EXPECT_NE(NULL, strstr(self->out, " bytes from ")) {
			TH_LOG("%s", self->out);
		}
		/* Three echo requests out, three replies in, on LKL's eth0. */
		EXPECT_LE(3, hj_counter(self->out, "eth0", 0));
		EXPECT_LE(3, hj_counter(self->out, "eth0", 1)) {
			TH_LOG("%s", self->out);
		}
	}
}

/*
 * Run "ip @args" under the hijack with the configuration @cfg, in the
 * namespace with the tap. Its exit status; the output is in self->out.
 */
#define hijacked_ip(cfg, args) \
	test_run_out(self->out, HJ_OUT_LEN, \
		     "ip netns exec %s env LKL_HIJACK_CONFIG_FILE=%s %s ip %s", \
		     self->lkl_ns, cfg, LKL_HIJACK, args)

/*
 * An interface's "neighbours" are permanent entries in LKL's ARP and NDP
 * tables, and its "gateway" a default route for traffic from its network,
 * in a table of its own.
 */
TEST_F_TIMEOUT(tap, ip_shows_neighbours_and_interface_gateway, 60)
{
	char cfg[128];

	ASSERT_EQ(0, write_config(self->dir, cfg, sizeof(cfg),
				  "{ \"interfaces\": [ {\n"
				  TAP_IFACE
				  "  , \"gateway\": \"" PEER_IP "\",\n"
				  "  \"neighbours\": [\n"
				  "    { \"ip\": \"10.11.0.77\", \"mac\": \"02:00:00:00:00:77\" },\n"
				  "    { \"ip\": \"fd11::77\", \"mac\": \"02:00:00:00:01:77\" }\n"
				  "  ] } ] }\n"));
	EXPECT_EQ(0, hijacked_ip(cfg, "neigh show"));
	EXPECT_NE(NULL, strstr(self->out,
			       "10.11.0.77 dev eth0 lladdr 02:00:00:00:00:77 PERMANENT"));
	EXPECT_NE(NULL, strstr(self->out,
			       "fd11::77 dev eth0 lladdr 02:00:00:00:01:77 PERMANENT")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(0, hijacked_ip(cfg, "rule show"));
	EXPECT_NE(NULL, strstr(self->out, "from 10.11.0.0/24 lookup")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(0, hijacked_ip(cfg, "route show table all"));
	EXPECT_NE(NULL, strstr(self->out, "default via " PEER_IP " dev eth0 table")) {
		TH_LOG("%s", self->out);
	}
}

/*
 * ip route under the hijack shows LKL's routes: the connected networks of
 * the configured addresses, the default route, and the "routes" key's,
 * by interface index, by name and by gateway alone.
 */
TEST_F_TIMEOUT(tap, ip_route_shows_configured_routes, 60)
{
	char cfg[128];

	ASSERT_EQ(0, write_config(self->dir, cfg, sizeof(cfg),
				  "{ \"interfaces\": [ {\n"
				  TAP_IFACE
				  "} ],\n"
				  "\"gateway\": \"" PEER_IP "\",\n"
				  "\"routes\": [\n"
				  "  { \"dst\": \"10.12.0.0/16\", \"gw\": \"" PEER_IP "\",\n"
				  "    \"interface\": 0 },\n"
				  "  { \"dst\": \"10.13.1.0/24\", \"interface\": \"eth0\" },\n"
				  "  { \"dst\": \"fd12::/48\", \"gw\": \"" PEER_IP6 "\" }\n"
				  "] }\n"));
	EXPECT_EQ(0, hijacked_ip(cfg, "route show"));
	EXPECT_NE(NULL, strstr(self->out, "default via " PEER_IP " dev eth0"));
	EXPECT_NE(NULL, strstr(self->out, "10.11.0.0/24 dev eth0"));
	EXPECT_NE(NULL, strstr(self->out, "10.12.0.0/16 via " PEER_IP " dev eth0"));
	EXPECT_NE(NULL, strstr(self->out, "10.13.1.0/24 dev eth0")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(0, hijacked_ip(cfg, "-6 route show"));
	EXPECT_NE(NULL, strstr(self->out, "fd12::/48 via " PEER_IP6 " dev eth0")) {
		TH_LOG("%s", self->out);
	}
}

TEST_HARNESS_MAIN
