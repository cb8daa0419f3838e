// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz rtnetlink: each input is sent as one datagram into an
 * AF_NETLINK/NETLINK_ROUTE socket inside LKL, and every reply is read
 * back. Besides lo, the kernel has a virtio-net interface on a socket
 * pair (nobody reads its peer) for the messages to act on.
 *
 * The seeds are well-formed requests: dumps of links, addresses and
 * routes, a new address, a new route, a link change and a neighbour.
 */
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"

#include <lkl/linux/neighbour.h>
#include <lkl/linux/rtnetlink.h>

const char *const fuzz_name = "rtnl";

static int nl_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct lkl_netdev *nd;
	int sv[2], ifindex;

	(void)argc;
	(void)argv;
	fuzz_seeds_requested();
	fuzz_boot();
	/* An interface besides lo, whose peer nobody reads. */
	if (!socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) &&
	    !lkl_netdev_fd_create(sv[0], 0, &nd)) {
		ifindex = lkl_netdev_add(nd, NULL);
		if (ifindex > 0) {
			lkl_if_up(ifindex);
			lkl_if_add_ip(ifindex, LKL_AF_INET, "10.9.0.1", 24);
		}
	}
	lkl_if_up(1);
	nl_fd = lkl_sys_socket(LKL_AF_NETLINK, LKL_SOCK_RAW, LKL_NETLINK_ROUTE);
	if (nl_fd < 0) {
		fprintf(stderr, "fuzz-rtnl: no netlink socket: %s\n",
			lkl_strerror(nl_fd));
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct lkl_sockaddr_nl sa = { .nl_family = LKL_AF_NETLINK };
	static char reply[32768];
	int i;

	if (size > 65536)
		return 0;
	if (lkl_sys_sendto(nl_fd, (void *)data, size, 0,
			   (struct lkl_sockaddr *)&sa, sizeof(sa)) < 0)
		return 0;
	/* Dumps come in several parts; a bound keeps a long one short. */
	for (i = 0; i < 64; i++)
		if (lkl_sys_recvfrom(nl_fd, reply, sizeof(reply),
				     LKL_MSG_DONTWAIT, NULL, NULL) <= 0)
			break;
	return 0;
}

/* A request: nlmsghdr, then @body, then one attribute of @alen bytes. */
static int seed(const char *dir, const char *name, int type, int flags,
		const void *body, size_t blen, int atype, const void *attr,
		size_t alen)
{
	char msg[256] = { 0 };
	struct lkl_nlmsghdr *h = (struct lkl_nlmsghdr *)msg;
	struct lkl_rtattr *rta;
	size_t len = LKL_NLMSG_LENGTH(blen);

	h->nlmsg_type = type;
	h->nlmsg_flags = LKL_NLM_F_REQUEST | flags;
	h->nlmsg_seq = 1;
	memcpy(LKL_NLMSG_DATA(h), body, blen);
	len = LKL_NLMSG_ALIGN(len);
	if (attr) {
		rta = (struct lkl_rtattr *)(msg + len);
		rta->rta_type = atype;
		rta->rta_len = LKL_RTA_LENGTH(alen);
		memcpy(LKL_RTA_DATA(rta), attr, alen);
		len += LKL_RTA_ALIGN(rta->rta_len);
	}
	h->nlmsg_len = len;
	return fuzz_write_file(dir, name, msg, len);
}

int fuzz_make_seeds(const char *dir)
{
	struct lkl_ifinfomsg ifi = { .ifi_family = LKL_AF_UNSPEC };
	struct lkl_ifaddrmsg ifa = { .ifa_family = LKL_AF_INET,
				     .ifa_prefixlen = 24, .ifa_index = 1 };
	struct lkl_rtmsg rtm = { .rtm_family = LKL_AF_INET,
				 .rtm_dst_len = 16,
				 .rtm_table = LKL_RT_TABLE_MAIN,
				 .rtm_protocol = LKL_RTPROT_BOOT,
				 .rtm_scope = LKL_RT_SCOPE_LINK,
				 .rtm_type = LKL_RTN_UNICAST };
	struct lkl_ndmsg ndm = { .ndm_family = LKL_AF_INET, .ndm_ifindex = 2,
				 .ndm_state = LKL_NUD_PERMANENT };
	unsigned char addr[4] = { 10, 9, 1, 1 }, dst[4] = { 10, 10, 0, 0 };
	unsigned int mtu = 1400;
	int err = 0;

	err |= seed(dir, "getlink", LKL_RTM_GETLINK, LKL_NLM_F_DUMP, &ifi,
		    sizeof(ifi), 0, NULL, 0);
	err |= seed(dir, "getaddr", LKL_RTM_GETADDR, LKL_NLM_F_DUMP, &ifa,
		    sizeof(ifa), 0, NULL, 0);
	err |= seed(dir, "getroute", LKL_RTM_GETROUTE, LKL_NLM_F_DUMP, &rtm,
		    sizeof(rtm), 0, NULL, 0);
	err |= seed(dir, "newaddr", LKL_RTM_NEWADDR,
		    LKL_NLM_F_CREATE | LKL_NLM_F_ACK, &ifa, sizeof(ifa),
		    LKL_IFA_LOCAL, addr, 4);
	rtm.rtm_dst_len = 16;
	err |= seed(dir, "newroute", LKL_RTM_NEWROUTE,
		    LKL_NLM_F_CREATE | LKL_NLM_F_ACK, &rtm, sizeof(rtm),
		    LKL_RTA_DST, dst, 4);
	ifi.ifi_index = 2;
	err |= seed(dir, "setlink", LKL_RTM_SETLINK, LKL_NLM_F_ACK, &ifi,
		    sizeof(ifi), LKL_IFLA_MTU, &mtu, 4);
	err |= seed(dir, "newneigh", LKL_RTM_NEWNEIGH,
		    LKL_NLM_F_CREATE | LKL_NLM_F_ACK, &ndm, sizeof(ndm),
		    LKL_NDA_DST, addr, 4);
	return err ? -1 : 7;
}
