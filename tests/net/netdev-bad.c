// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input to the network backends and to a virtio-net interface on a
 * tap (netdev-bad.h): a tap or interface that does not exist, a tap that
 * is busy, a backend added twice or not at all, malformed addresses and
 * prefix lengths, MTUs out of range, interface indexes that do not exist.
 * Once directly, and once under valgrind, which must find no invalid
 * access and no definite leak on these error paths.
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "../boot/lkl-test.h"
#include "netns.h"
#include "netdev-bad.h"

/* Fails with 99 on an invalid access or a definite leak. */
#define NETDEV_BAD_VALGRIND \
	"valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --undef-value-errors=no"

FIXTURE(netdev_bad) {
	struct netns ns;
	char file[64];
};

FIXTURE_SETUP(netdev_bad)
{
	const char *why;
	int fd;

	why = netns_missing("ip");
	if (why)
		SKIP(return, "%s", why);
	snprintf(self->file, sizeof(self->file), "/tmp/lkl-netdev-bad.XXXXXX");
	fd = mkstemp(self->file);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, netns_create(&self->ns, "netdev-bad"));
	ASSERT_EQ(0, test_run("ip -n %s tuntap add dev tap0 mode tap",
			      self->ns.name));
}

FIXTURE_TEARDOWN_PARENT(netdev_bad)
{
	netns_destroy(&self->ns);
	if (self->file[0])
		unlink(self->file);
}

TEST_F(netdev_bad, errors)
{
	int failed;

	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	ASSERT_EQ(0, netns_enter(&self->ns));
	failed = netdev_bad_input(self->file);
	ASSERT_EQ(0, netns_leave(&self->ns));
	EXPECT_EQ(0, failed);
	EXPECT_EQ(0, lkl_sys_halt());
}

/* LKL's kernel memory is a host pool valgrind cannot see into. */
TEST_F_TIMEOUT(netdev_bad, valgrind, 120)
{
	char *helper = test_helper("netdev-bad-helper");
	int status;

	if (test_sanitizers())
		SKIP(return, "known: valgrind cannot run a program built with -fsanitize=%s",
		     test_sanitizers());
	if (!test_have("valgrind"))
		SKIP(return, "valgrind is not installed");
	ASSERT_NE(NULL, helper);
	ASSERT_EQ(0, access(helper, X_OK)) {
		TH_LOG("%s is missing", helper);
	}
	status = test_run("ip netns exec %s " NETDEV_BAD_VALGRIND " %s %s",
			  self->ns.name, helper, self->file);
	EXPECT_EQ(0, status) {
		TH_LOG("valgrind netdev-bad-helper: exit %d (99: valgrind errors, 1: wrong errors)",
		       status);
	}
}

int main(int argc, char **argv)
{
	netns_init();
	return test_harness_run(argc, argv);
}
