// SPDX-License-Identifier: GPL-2.0
/*
 * A bad hijack configuration stops the program before main() runs, with
 * a non-zero exit status and a message that names the key and the
 * problem: an unknown key, a wrong type, a bad address, a value out of
 * range, a file that is not JSON, a backend that cannot be opened. The
 * program here is "echo MAIN-RAN", which must not run.
 */
#include "kselftest_harness.h"
#include "hijack-test.h"

FIXTURE(config) {
	char dir[64];
	char *out;
};

/* @json, if set, goes into a file named by LKL_HIJACK_CONFIG_FILE. */
FIXTURE_VARIANT(config) {
	const char *json;
	const char *env;
	const char *message;
};

FIXTURE_VARIANT_ADD(config, unknown_top_level_key) {
	.json = "{ \"debug\": 1, \"colour\": \"blue\" }",
	.message = "lkl-hijack: config: colour: unknown key",
};

FIXTURE_VARIANT_ADD(config, unknown_interface_key) {
	.json = "{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"speed\": 10 } ] }",
	.message = "lkl-hijack: config: interfaces[0].speed: unknown key",
};

FIXTURE_VARIANT_ADD(config, wrong_type) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"mtu\": \"big\" } ] }",
	.message = "interfaces[0].mtu: must be an integer, not string",
};

FIXTURE_VARIANT_ADD(config, interfaces_not_an_array) {
	.json = "{ \"interfaces\": { \"type\": \"tap\" } }",
	.message = "lkl-hijack: config: interfaces: must be an array",
};

FIXTURE_VARIANT_ADD(config, bad_ipv4_address) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"ip\": \"10.0.0.300\" } ] }",
	.message = "interfaces[0].ip: \"10.0.0.300\" is not an IPv4 address",
};

FIXTURE_VARIANT_ADD(config, bad_gateway6) {
	.json = "{ \"gateway6\": \"fd00::g\" }",
	.message = "gateway6: \"fd00::g\" is not an IPv6 address",
};

FIXTURE_VARIANT_ADD(config, unknown_backend) {
	.json = "{ \"interfaces\": [ { \"type\": \"wifi\", \"param\": \"x\" } ] }",
	.message = "interfaces[0].type: unknown backend \"wifi\"",
};

FIXTURE_VARIANT_ADD(config, missing_backend) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"pipe\", \"param\": \"/nonexistent/rx,/nonexistent/tx\" } ] }",
	.message = "interfaces[0].param: cannot open pipe backend",
};

FIXTURE_VARIANT_ADD(config, pipe_one_fifo) {
	.json = "{ \"interfaces\": [ { \"type\": \"pipe\", \"param\": \"rx\" } ] }",
	.message = "interfaces[0].param: \"rx\" is not what the pipe backend takes",
};

FIXTURE_VARIANT_ADD(config, env_bad_fd_param) {
	.env = "LKL_HIJACK_NET_IFTYPE=fd LKL_HIJACK_NET_IFPARAMS=3,x",
	.message = "LKL_HIJACK_NET.param: \"3,x\" is not what the fd backend takes",
};

FIXTURE_VARIANT_ADD(config, env_fd_not_open) {
	.env = "LKL_HIJACK_NET_IFTYPE=fd LKL_HIJACK_NET_IFPARAMS=999",
	.message = "LKL_HIJACK_NET.param: cannot open fd backend \"999\": Bad file descriptor",
};

FIXTURE_VARIANT_ADD(config, udp_no_remote) {
	.json = "{ \"interfaces\": [ { \"type\": \"udp\", \"param\": \"127.0.0.1:7001\" } ] }",
	.message = "interfaces[0].param: \"127.0.0.1:7001\" is not what the udp backend takes",
};

FIXTURE_VARIANT_ADD(config, env_udp_bad_address) {
	.env = "LKL_HIJACK_NET_IFTYPE=udp LKL_HIJACK_NET_IFPARAMS=127.0.0.1:7001,127.0.0.256:7002",
	.message = "LKL_HIJACK_NET.param: \"127.0.0.1:7001,127.0.0.256:7002\" is not what the udp",
};

FIXTURE_VARIANT_ADD(config, env_udp_not_local) {
	.env = "LKL_HIJACK_NET_IFTYPE=udp LKL_HIJACK_NET_IFPARAMS=192.0.2.1:7,127.0.0.1:8",
	.message = "udp backend \"192.0.2.1:7,127.0.0.1:8\": Cannot assign requested address",
};

FIXTURE_VARIANT_ADD(config, multicast_mac) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"mac\": \"01:00:5e:00:00:01\" } ] }",
	.message = "interfaces[0].mac: \"01:00:5e:00:00:01\" is not a MAC address",
};

FIXTURE_VARIANT_ADD(config, env_bad_offloads) {
	.env = "LKL_HIJACK_NET_IFTYPE=tap LKL_HIJACK_NET_IFPARAMS=t0 LKL_HIJACK_NET_OFFLOAD=gso",
	.message = "LKL_HIJACK_NET_OFFLOAD: \"gso\" is not offloads",
};

FIXTURE_VARIANT_ADD(config, offloads_out_of_range) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"offloads\": 8 } ] }",
	.message = "interfaces[0].offloads: 8 is out of range (0 to 7)",
};

FIXTURE_VARIANT_ADD(config, not_json) {
	.json = "{ \"debug\": 1,",
	.message = "LKL_HIJACK_CONFIG_FILE:",
};

FIXTURE_VARIANT_ADD(config, env_bad_address) {
	.env = "LKL_HIJACK_NET_IFTYPE=tap LKL_HIJACK_NET_IFPARAMS=t0 LKL_HIJACK_NET_IP=10.1.2",
	.message = "LKL_HIJACK_NET_IP: \"10.1.2\" is not an IPv4 address",
};

FIXTURE_VARIANT_ADD(config, env_mtu_out_of_range) {
	.env = "LKL_HIJACK_NET_IFTYPE=tap LKL_HIJACK_NET_IFPARAMS=t0 LKL_HIJACK_NET_MTU=20",
	.message = "LKL_HIJACK_NET_MTU: 20 is out of range (68 to 65535)",
};

FIXTURE_VARIANT_ADD(config, env_without_iftype) {
	.env = "LKL_HIJACK_NET_IP=10.0.0.2",
	.message = "LKL_HIJACK_NET_IP: set without LKL_HIJACK_NET_IFTYPE",
};

FIXTURE_VARIANT_ADD(config, env_debug_not_a_number) {
	.env = "LKL_HIJACK_DEBUG=loud",
	.message = "LKL_HIJACK_DEBUG: \"loud\" is not an integer",
};

FIXTURE_VARIANT_ADD(config, env_bad_memsize) {
	.env = "LKL_HIJACK_MEMSIZE=lots",
	.message = "LKL_HIJACK_MEMSIZE: \"lots\" is not a size",
};

FIXTURE_VARIANT_ADD(config, env_bad_sysctl) {
	.env = "LKL_HIJACK_SYSCTL=net.ipv4.nosuchthing=1",
	.message = "sysctl.net.ipv4.nosuchthing: 1: No such file or directory",
};

FIXTURE_VARIANT_ADD(config, env_bad_pipe) {
	.env = "LKL_HIJACK_PIPE=kernel",
	.message = "LKL_HIJACK_PIPE: \"kernel\" is neither \"host\" nor \"lkl\"",
};

FIXTURE_VARIANT_ADD(config, pipe_not_a_string) {
	.json = "{ \"pipe\": 1 }",
	.message = "lkl-hijack: config: pipe: must be a string",
};

FIXTURE_VARIANT_ADD(config, neighbour_bad_mac) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"neighbours\": [ { \"ip\": \"10.0.0.1\", \"mac\": \"02:00:00\" } ] } ] }",
	.message = "interfaces[0].neighbours[0].mac: \"02:00:00\" is not a MAC address",
};

FIXTURE_VARIANT_ADD(config, neighbour_bad_ip) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"neighbours\": [ { \"ip\": \"gw\", \"mac\": \"02:00:00:00:00:01\" } ] } ] }",
	.message = "interfaces[0].neighbours[0].ip: \"gw\" is neither an IPv4 nor an IPv6 address",
};

FIXTURE_VARIANT_ADD(config, neighbour_unknown_key) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"neighbours\": [ { \"ip\": \"10.0.0.1\", \"mac\": \"02:00:00:00:00:01\", \"state\": \"stale\" } ] } ] }",
	.message = "interfaces[0].neighbours[0].state: unknown key",
};

FIXTURE_VARIANT_ADD(config, neighbour_missing_mac) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"neighbours\": [ { \"ip\": \"10.0.0.1\" } ] } ] }",
	.message = "interfaces[0].neighbours[0]: missing \"mac\"",
};

FIXTURE_VARIANT_ADD(config, neighbours_not_an_array) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"neighbours\": { \"ip\": \"10.0.0.1\" } } ] }",
	.message = "interfaces[0].neighbours: must be an array, not object",
};

FIXTURE_VARIANT_ADD(config, interface_gateway_bad_address) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"ip\": \"10.0.0.2\", \"gateway\": \"10.0.0\" } ] }",
	.message = "interfaces[0].gateway: \"10.0.0\" is not an IPv4 address",
};

FIXTURE_VARIANT_ADD(config, interface_gateway6_without_ipv6) {
	.json =
		"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"t0\", \"gateway6\": \"fd00::1\" } ] }",
	.message = "interfaces[0].gateway6: needs interfaces[0].ipv6",
};

FIXTURE_VARIANT_ADD(config, route_bad_dst) {
	.json = "{ \"routes\": [ { \"dst\": \"10.1.0.0/33\", \"gw\": \"10.0.0.1\" } ] }",
	.message = "routes[0].dst: 33 is out of range (0 to 32)",
};

FIXTURE_VARIANT_ADD(config, route_host_bits) {
	.json = "{ \"routes\": [ { \"dst\": \"10.1.0.1/16\", \"gw\": \"10.0.0.1\" } ] }",
	.message = "routes[0].dst: \"10.1.0.1/16\" has bits set beyond the prefix length",
};

FIXTURE_VARIANT_ADD(config, route_gw_family) {
	.json = "{ \"routes\": [ { \"dst\": \"fd01::/64\", \"gw\": \"10.0.0.1\" } ] }",
	.message = "routes[0].gw: \"10.0.0.1\" is not an IPv6 address like dst",
};

FIXTURE_VARIANT_ADD(config, route_unknown_key) {
	.json = "{ \"routes\": [ { \"dst\": \"default\", \"gw\": \"10.0.0.1\", \"metric\": 5 } ] }",
	.message = "routes[0].metric: unknown key",
};

FIXTURE_VARIANT_ADD(config, route_no_such_interface) {
	.json = "{ \"routes\": [ { \"dst\": \"10.1.0.0/16\", \"interface\": 0 } ] }",
	.message = "routes[0]: interface 0: there are only 0 interfaces",
};

FIXTURE_VARIANT_ADD(config, route_unknown_interface_name) {
	.json = "{ \"routes\": [ { \"dst\": \"10.1.0.0/16\", \"interface\": \"eth7\" } ] }",
	.message = "routes[0].interface: eth7:",
};

FIXTURE_VARIANT_ADD(config, route_without_gw_or_interface) {
	.json = "{ \"routes\": [ { \"dst\": \"10.1.0.0/16\" } ] }",
	.message = "routes[0]: needs \"gw\", \"interface\" or both",
};

FIXTURE_VARIANT_ADD(config, routes_not_an_array) {
	.json = "{ \"routes\": \"10.1.0.0/16\" }",
	.message = "lkl-hijack: config: routes: must be an array, not string",
};

FIXTURE_VARIANT_ADD(config, mount_missing_image) {
	.json = "{ \"mounts\": [ { \"image\": \"/nonexistent/disk.img\" } ] }",
	.message = "mounts[0].image: /nonexistent/disk.img: No such file or directory",
};

FIXTURE_VARIANT_ADD(config, mount_without_image) {
	.json = "{ \"mounts\": [ { \"fstype\": \"ext4\" } ] }",
	.message = "mounts[0]: missing \"image\"",
};

FIXTURE_VARIANT_ADD(config, mount_unknown_key) {
	.json = "{ \"mounts\": [ { \"image\": \"/dev/null\", \"options\": \"noatime\" } ] }",
	.message = "mounts[0].options: unknown key",
};

FIXTURE_VARIANT_ADD(config, mount_readonly_not_boolean) {
	.json = "{ \"mounts\": [ { \"image\": \"/dev/null\", \"readonly\": 1 } ] }",
	.message = "mounts[0].readonly: must be a boolean, not int",
};

FIXTURE_VARIANT_ADD(config, mount_relative_dir) {
	.json = "{ \"mounts\": [ { \"image\": \"/dev/null\", \"dir\": \"data\" } ] }",
	.message = "mounts[0].dir: \"data\" is not an absolute path",
};

FIXTURE_VARIANT_ADD(config, mount_partition_out_of_range) {
	.json = "{ \"mounts\": [ { \"image\": \"/dev/null\", \"partition\": -1 } ] }",
	.message = "mounts[0].partition: -1 is out of range (0 to 255)",
};

FIXTURE_VARIANT_ADD(config, mounts_not_an_array) {
	.json = "{ \"mounts\": { \"image\": \"/dev/null\" } }",
	.message = "lkl-hijack: config: mounts: must be an array, not object",
};

FIXTURE_SETUP(config)
{
	self->out = malloc(HJ_OUT_LEN);
	ASSERT_NE(NULL, self->out);
	if (access(LKL_HIJACK, X_OK))
		SKIP(return, "%s is not built (needs libjson-c-dev)", LKL_HIJACK);
	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-hijack-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(config)
{
	if (self->dir[0])
		EXPECT_EQ(0, test_run("rm -rf %s", self->dir));
	free(self->out);
}

TEST_F(config, stops_before_main)
{
	char file[128] = "";
	int ret;

	if (variant->json) {
		snprintf(file, sizeof(file), "%s/config.json", self->dir);
		ASSERT_EQ(0, test_write_file(file, variant->json));
	}
	ret = test_run_out(self->out, HJ_OUT_LEN, "%s%s %s %s echo MAIN-RAN",
			   file[0] ? "LKL_HIJACK_CONFIG_FILE=" : "", file,
			   variant->env ? variant->env : "", LKL_HIJACK);
	TH_LOG("%s", self->out);
	EXPECT_EQ(1, ret);
	EXPECT_NE(NULL, strstr(self->out, variant->message));
	EXPECT_EQ(NULL, strstr(self->out, "MAIN-RAN"));
}

/* The same program with a good configuration does run. */
#define GOOD_CONFIG \
	"{ \"debug\": 0, \"memsize\": \"32M\", \"boot_cmdline\": \"loglevel=3\", \"pipe\": \"lkl\", \"sysctl\": { \"net.ipv4.tcp_sack\": 0, \"net.core.somaxconn\": \"512\" } }"

TEST(good_config_runs_main)
{
	char dir[] = "/tmp/lkl-hijack-XXXXXX", file[64];
	char *out = malloc(HJ_OUT_LEN);

	ASSERT_NE(NULL, out);
	if (access(LKL_HIJACK, X_OK))
		SKIP(return, "%s is not built (needs libjson-c-dev)", LKL_HIJACK);
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/config.json", dir);
	ASSERT_EQ(0, test_write_file(file, GOOD_CONFIG));
	EXPECT_EQ(0, test_run_out(out, HJ_OUT_LEN, "LKL_HIJACK_CONFIG_FILE=%s %s echo MAIN-RAN",
				  file, LKL_HIJACK));
	EXPECT_NE(NULL, strstr(out, "MAIN-RAN")) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(0, test_run("rm -rf %s", dir));
	free(out);
}

/*
 * An ext4 image from mkfs.ext4 -d, mounted through "mounts": file calls
 * are not interposed, so the proof is the debug log (the mount point and
 * the bind to "dir", then the unmount at exit) and the image itself, whose
 * mount count went from 0 to 1 and which was left clean.
 */
TEST(mounts_ext4_image)
{
	char dir[] = "/tmp/lkl-hijack-XXXXXX", file[64], json[256];
	char *out = malloc(HJ_OUT_LEN);

	ASSERT_NE(NULL, out);
	if (access(LKL_HIJACK, X_OK))
		SKIP(return, "%s is not built (needs libjson-c-dev)", LKL_HIJACK);
	if (!test_have("mkfs.ext4") || !test_have("dumpe2fs") || !test_have("e2fsck"))
		SKIP(return, "needs e2fsprogs");
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, test_run_out(out, HJ_OUT_LEN,
				  "mkdir %1$s/src && echo hello > %1$s/src/hello.txt && mkfs.ext4 -q -d %1$s/src %1$s/disk.img 8M",
				  dir)) {
		TH_LOG("%s", out);
	}
	snprintf(file, sizeof(file), "%s/config.json", dir);
	snprintf(json, sizeof(json),
		 "{ \"mounts\": [ { \"image\": \"%s/disk.img\", \"fstype\": \"ext4\", \"partition\": 0, \"readonly\": false, \"dir\": \"/data\" } ] }",
		 dir);
	ASSERT_EQ(0, test_write_file(file, json));
	EXPECT_EQ(0, test_run_out(out, HJ_OUT_LEN,
				  "LKL_HIJACK_CONFIG_FILE=%s LKL_HIJACK_DEBUG=1 %s echo MAIN-RAN",
				  file, LKL_HIJACK));
	EXPECT_NE(NULL, strstr(out, "MAIN-RAN"));
	EXPECT_NE(NULL, strstr(out, "(ext4, partition 0, read-write) mounted on /mnt/vda"));
	EXPECT_NE(NULL, strstr(out, "mounts[0]: and on /data"));
	EXPECT_NE(NULL, strstr(out, "mounts[0]: unmounted /mnt/vda")) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(0, test_run_out(out, HJ_OUT_LEN,
				  "dumpe2fs -h %s/disk.img | grep -E '^(Mount count: +1|Filesystem state: +clean)$' | wc -l | grep -qx 2 && e2fsck -fn %s/disk.img",
				  dir, dir)) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(0, test_run("rm -rf %s", dir));
	free(out);
}

TEST_HARNESS_MAIN
