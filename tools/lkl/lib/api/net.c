// SPDX-License-Identifier: GPL-2.0
/*
 * Network configuration inside LKL: interfaces, addresses, routes, rules,
 * neighbours and qdiscs through rtnetlink, and sysctls through /proc/sys.
 *
 * Every call opens its own NETLINK_ROUTE socket inside LKL, sends one
 * request and reads until the kernel's acknowledgment (or the end of a
 * dump), so calls from several threads do not interfere. The kernel's
 * errno values are LKL errno values, so they are returned unchanged.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lkl.h>
#include <lkl/linux/fib_rules.h>
#include <lkl/linux/gen_stats.h>
#include <lkl/linux/if_addr.h>
#include <lkl/linux/if_link.h>
#include <lkl/linux/neighbour.h>
#include <lkl/linux/netlink.h>
#include <lkl/linux/rtnetlink.h>

/* Room for the largest request: a header, a fixed part and a few attributes. */
#define NL_REQ_SIZE	512
/* The kernel never makes a dump message larger than 32 KiB. */
#define NL_RECV_SIZE	32768
#define NL_SEQ		1

#define ETH_ADDR_LEN	6
#define DAD_POLL_MS	10
#define SYSCTL_PATH_MAX	256

struct nl_req {
	union {
		struct lkl_nlmsghdr nh;
		char buf[NL_REQ_SIZE];
	};
};

/* An address parsed on the host side, in network byte order. */
struct net_addr {
	int af;
	unsigned int len;
	unsigned char bytes[16];
};

/* Called for each reply message other than errors and the end of a dump. */
typedef int (*nl_reply_fn)(const struct lkl_nlmsghdr *nh, void *arg);

static pthread_mutex_t proc_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Start a request of @type with a zeroed fixed part of @len bytes. A
 * request that is not a dump asks for an acknowledgment, so that its
 * errors are seen. (NLM_F_DUMP shares a bit with NLM_F_EXCL, so a dump is
 * told by @flags being exactly NLM_F_DUMP.)
 */
static void *nl_start(struct nl_req *req, int type, int flags, size_t len)
{
	if (flags != LKL_NLM_F_DUMP)
		flags |= LKL_NLM_F_ACK;
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = LKL_NLMSG_LENGTH(len);
	req->nh.nlmsg_type = type;
	req->nh.nlmsg_flags = LKL_NLM_F_REQUEST | flags;
	req->nh.nlmsg_seq = NL_SEQ;
	return LKL_NLMSG_DATA(&req->nh);
}

/* Append an attribute. Requests are small and fixed, so this fits. */
static int nl_put(struct nl_req *req, int type, const void *data, size_t len)
{
	unsigned int off = LKL_NLMSG_ALIGN(req->nh.nlmsg_len);
	struct lkl_rtattr *rta;

	if (off + LKL_RTA_SPACE(len) > sizeof(req->buf))
		return -LKL_EMSGSIZE;
	rta = (struct lkl_rtattr *)(req->buf + off);
	rta->rta_type = type;
	rta->rta_len = LKL_RTA_LENGTH(len);
	memcpy(LKL_RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = off + LKL_RTA_SPACE(len);
	return 0;
}

static int nl_put_u32(struct nl_req *req, int type, __lkl__u32 val)
{
	return nl_put(req, type, &val, sizeof(val));
}

/* Index the attributes at @rta (@len bytes) by type, up to @max. */
static void nl_parse(struct lkl_rtattr **tb, int max, struct lkl_rtattr *rta,
		     int len)
{
	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (; LKL_RTA_OK(rta, len); rta = LKL_RTA_NEXT(rta, len)) {
		if (rta->rta_type <= max && !tb[rta->rta_type])
			tb[rta->rta_type] = rta;
	}
}

/* The attributes after the fixed part of @hdrlen bytes of a message. */
static void nl_parse_msg(struct lkl_rtattr **tb, int max,
			 const struct lkl_nlmsghdr *nh, size_t hdrlen)
{
	int len = (int)nh->nlmsg_len - (int)LKL_NLMSG_SPACE(hdrlen);
	char *attrs = (char *)LKL_NLMSG_DATA(nh) + LKL_NLMSG_ALIGN(hdrlen);

	nl_parse(tb, max, (struct lkl_rtattr *)attrs, len);
}

/* The length of the data of @rta, which nl_parse() has checked. */
static size_t nl_len(const struct lkl_rtattr *rta)
{
	return rta->rta_len - LKL_RTA_LENGTH(0);
}

static __lkl__u32 nl_get_u32(const struct lkl_rtattr *rta)
{
	__lkl__u32 val = 0;

	if (nl_len(rta) >= sizeof(val))
		memcpy(&val, LKL_RTA_DATA(rta), sizeof(val));
	return val;
}

/*
 * Read replies to the request numbered NL_SEQ until its acknowledgment
 * or the end of its dump, passing the other messages to @fn.
 */
static int nl_recv(int fd, char *buf, nl_reply_fn fn, void *arg)
{
	const struct lkl_nlmsgerr *err;
	struct lkl_nlmsghdr *nh;
	size_t off, len;
	int fn_ret = 0;
	long n;

	for (;;) {
		n = lkl_sys_recvfrom(fd, buf, NL_RECV_SIZE, LKL_MSG_TRUNC,
				     NULL, NULL);
		if (n < 0)
			return (int)n;
		if (n > NL_RECV_SIZE)
			return -LKL_EMSGSIZE;
		if (n == 0)
			return -LKL_EPROTO;
		len = (size_t)n;
		for (off = 0; off + sizeof(*nh) <= len;
		     off += LKL_NLMSG_ALIGN(nh->nlmsg_len)) {
			nh = (struct lkl_nlmsghdr *)(buf + off);
			if (nh->nlmsg_len < sizeof(*nh) ||
			    nh->nlmsg_len > len - off)
				return -LKL_EPROTO;
			if (nh->nlmsg_seq != NL_SEQ)
				continue;
			if (nh->nlmsg_type == LKL_NLMSG_ERROR ||
			    nh->nlmsg_type == LKL_NLMSG_DONE) {
				/* Each starts with an errno; DONE may be empty. */
				err = LKL_NLMSG_DATA(nh);
				if (nh->nlmsg_len < LKL_NLMSG_LENGTH(sizeof(int)))
					return nh->nlmsg_type == LKL_NLMSG_DONE ?
					       fn_ret : -LKL_EPROTO;
				return err->error < 0 ? err->error : fn_ret;
			}
			if (fn && !fn_ret)
				fn_ret = fn(nh, arg);
		}
	}
}

/* Send @req on a new NETLINK_ROUTE socket inside LKL and read the replies. */
static int nl_talk(struct nl_req *req, nl_reply_fn fn, void *arg)
{
	struct lkl_sockaddr_nl kernel = { .nl_family = LKL_AF_NETLINK };
	int one = 1;
	long fd, n;
	char *buf;
	int ret;

	buf = malloc(NL_RECV_SIZE);
	if (!buf)
		return -LKL_ENOMEM;
	fd = lkl_sys_socket(LKL_AF_NETLINK, LKL_SOCK_RAW | LKL_SOCK_CLOEXEC,
			    LKL_NETLINK_ROUTE);
	if (fd < 0) {
		free(buf);
		return (int)fd;
	}
	/* Errors need not carry a copy of the request: best effort. */
	lkl_sys_setsockopt(fd, LKL_SOL_NETLINK, LKL_NETLINK_CAP_ACK,
			   (char *)&one, sizeof(one));

	n = lkl_sys_sendto(fd, req, req->nh.nlmsg_len, 0,
			   (struct lkl_sockaddr *)&kernel, sizeof(kernel));
	if (n < 0)
		ret = (int)n;
	else
		ret = nl_recv(fd, buf, fn, arg);

	lkl_sys_close(fd);
	free(buf);
	return ret;
}

/* Parse @str as an address of the LKL address family @af. */
static int net_parse_addr(int af, const char *str, struct net_addr *addr)
{
	int host_af;

	memset(addr, 0, sizeof(*addr));
	switch (af) {
	case LKL_AF_INET:
		host_af = AF_INET;
		addr->len = 4;
		break;
	case LKL_AF_INET6:
		host_af = AF_INET6;
		addr->len = 16;
		break;
	default:
		return -LKL_EAFNOSUPPORT;
	}
	if (!str || inet_pton(host_af, str, addr->bytes) != 1)
		return -LKL_EINVAL;
	addr->af = af;
	return 0;
}

/* Parse an address and check that @prefixlen fits its family. */
static int net_parse_prefix(int af, const char *str, unsigned int prefixlen,
			    struct net_addr *addr)
{
	int ret = net_parse_addr(af, str, addr);

	if (ret < 0)
		return ret;
	if (prefixlen > addr->len * 8)
		return -LKL_EINVAL;
	return 0;
}

/* Clear the bits of @addr after the first @prefixlen. */
static void net_mask(struct net_addr *addr, unsigned int prefixlen)
{
	unsigned int i;

	for (i = prefixlen / 8; i < addr->len; i++) {
		if (i == prefixlen / 8 && prefixlen % 8)
			addr->bytes[i] &= 0xff << (8 - prefixlen % 8);
		else
			addr->bytes[i] = 0;
	}
}

/* Whether @addr has no bits set after the first @prefixlen. */
static int net_is_prefix(const struct net_addr *addr, unsigned int prefixlen)
{
	struct net_addr masked = *addr;

	net_mask(&masked, prefixlen);
	return !memcmp(masked.bytes, addr->bytes, addr->len);
}

/*
 * Check that @ifindex exists, for requests in which the kernel would
 * report a missing device as some other error, or not at all.
 */
static int link_check(int ifindex)
{
	int ret = lkl_if_get_mtu(ifindex);

	return ret < 0 ? ret : 0;
}

/* RTM_SETLINK on @ifindex: flags under @change, and one attribute. */
static int link_set(int ifindex, unsigned int flags, unsigned int change,
		    int type, const void *data, size_t len)
{
	struct lkl_ifinfomsg *ifi;
	struct nl_req req;
	int ret;

	if (ifindex <= 0)
		return -LKL_ENODEV;
	ifi = nl_start(&req, LKL_RTM_SETLINK, 0, sizeof(*ifi));
	ifi->ifi_family = LKL_AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	if (data) {
		ret = nl_put(&req, type, data, len);
		if (ret < 0)
			return ret;
	}
	return nl_talk(&req, NULL, NULL);
}

int lkl_if_up(int ifindex)
{
	return link_set(ifindex, LKL_IFF_UP, LKL_IFF_UP, 0, NULL, 0);
}

int lkl_if_down(int ifindex)
{
	return link_set(ifindex, 0, LKL_IFF_UP, 0, NULL, 0);
}

int lkl_if_set_mtu(int ifindex, int mtu)
{
	/* IFLA_MTU is a u32; the kernel refuses what is negative as an int. */
	__lkl__u32 val = (__lkl__u32)mtu;

	return link_set(ifindex, 0, 0, LKL_IFLA_MTU, &val, sizeof(val));
}

int lkl_if_set_mac(int ifindex, const unsigned char *mac)
{
	if (!mac)
		return -LKL_EINVAL;
	return link_set(ifindex, 0, 0, LKL_IFLA_ADDRESS, mac, ETH_ADDR_LEN);
}

static int link_mtu_reply(const struct lkl_nlmsghdr *nh, void *arg)
{
	struct lkl_rtattr *tb[LKL_IFLA_MTU + 1];
	int *mtu = arg;

	if (nh->nlmsg_type != LKL_RTM_NEWLINK ||
	    nh->nlmsg_len < LKL_NLMSG_LENGTH(sizeof(struct lkl_ifinfomsg)))
		return -LKL_EPROTO;
	nl_parse_msg(tb, LKL_IFLA_MTU, nh, sizeof(struct lkl_ifinfomsg));
	if (!tb[LKL_IFLA_MTU])
		return -LKL_EPROTO;
	*mtu = (int)nl_get_u32(tb[LKL_IFLA_MTU]);
	return 0;
}

int lkl_if_get_mtu(int ifindex)
{
	struct lkl_ifinfomsg *ifi;
	struct nl_req req;
	int mtu = -1, ret;

	if (ifindex <= 0)
		return -LKL_ENODEV;
	ifi = nl_start(&req, LKL_RTM_GETLINK, 0, sizeof(*ifi));
	ifi->ifi_family = LKL_AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ret = nl_talk(&req, link_mtu_reply, &mtu);
	if (ret < 0)
		return ret;
	return mtu < 0 ? -LKL_EPROTO : mtu;
}

/* RTM_NEWADDR or RTM_DELADDR of @str/@prefixlen on @ifindex. */
static int addr_change(int type, int flags, int ifindex, int af,
		       const char *str, unsigned int prefixlen)
{
	struct lkl_ifaddrmsg *ifa;
	struct net_addr addr;
	struct nl_req req;
	int ret;

	ret = net_parse_prefix(af, str, prefixlen, &addr);
	if (ret < 0)
		return ret;
	if (ifindex <= 0)
		return -LKL_ENODEV;

	ifa = nl_start(&req, type, flags, sizeof(*ifa));
	ifa->ifa_family = af;
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_index = ifindex;
	ret = nl_put(&req, LKL_IFA_LOCAL, addr.bytes, addr.len);
	if (!ret)
		ret = nl_put(&req, LKL_IFA_ADDRESS, addr.bytes, addr.len);
	if (ret < 0)
		return ret;
	return nl_talk(&req, NULL, NULL);
}

int lkl_if_add_ip(int ifindex, int af, const char *addr,
		  unsigned int prefixlen)
{
	return addr_change(LKL_RTM_NEWADDR, LKL_NLM_F_CREATE | LKL_NLM_F_EXCL,
			   ifindex, af, addr, prefixlen);
}

int lkl_if_del_ip(int ifindex, int af, const char *addr,
		  unsigned int prefixlen)
{
	return addr_change(LKL_RTM_DELADDR, 0, ifindex, af, addr, prefixlen);
}

struct dad_query {
	int ifindex;
	struct net_addr addr;
	int found;
	__lkl__u32 flags;
};

static int dad_reply(const struct lkl_nlmsghdr *nh, void *arg)
{
	struct lkl_rtattr *tb[LKL_IFA_FLAGS + 1];
	const struct lkl_ifaddrmsg *ifa = LKL_NLMSG_DATA(nh);
	struct dad_query *q = arg;
	struct lkl_rtattr *rta;

	if (nh->nlmsg_type != LKL_RTM_NEWADDR ||
	    nh->nlmsg_len < LKL_NLMSG_LENGTH(sizeof(*ifa)))
		return 0;
	if (ifa->ifa_family != LKL_AF_INET6 ||
	    (int)ifa->ifa_index != q->ifindex)
		return 0;
	nl_parse_msg(tb, LKL_IFA_FLAGS, nh, sizeof(*ifa));
	rta = tb[LKL_IFA_LOCAL] ? tb[LKL_IFA_LOCAL] : tb[LKL_IFA_ADDRESS];
	if (!rta || nl_len(rta) != q->addr.len ||
	    memcmp(LKL_RTA_DATA(rta), q->addr.bytes, q->addr.len))
		return 0;
	q->found = 1;
	/* IFA_FLAGS has all 32 bits; ifa_flags only the low eight. */
	q->flags = tb[LKL_IFA_FLAGS] ? nl_get_u32(tb[LKL_IFA_FLAGS]) :
				       ifa->ifa_flags;
	return 0;
}

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int lkl_if_wait_ipv6_dad(int ifindex, const char *addr, int timeout_ms)
{
	const struct timespec poll = { 0, DAD_POLL_MS * 1000000L };
	long long deadline;
	struct lkl_ifaddrmsg *ifa;
	struct dad_query q;
	struct nl_req req;
	int ret;

	memset(&q, 0, sizeof(q));
	ret = net_parse_addr(LKL_AF_INET6, addr, &q.addr);
	if (ret < 0)
		return ret;
	if (ifindex <= 0)
		return -LKL_ENODEV;
	q.ifindex = ifindex;

	deadline = monotonic_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		ifa = nl_start(&req, LKL_RTM_GETADDR, LKL_NLM_F_DUMP,
			       sizeof(*ifa));
		ifa->ifa_family = LKL_AF_INET6;
		q.found = 0;
		ret = nl_talk(&req, dad_reply, &q);
		if (ret < 0)
			return ret;
		if (!q.found) {
			/* Tell a missing device from a missing address. */
			ret = link_check(ifindex);
			return ret < 0 ? ret : -LKL_EADDRNOTAVAIL;
		}
		if (q.flags & LKL_IFA_F_DADFAILED)
			return -LKL_EADDRINUSE;
		if (!(q.flags & LKL_IFA_F_TENTATIVE))
			return 0;
		if (monotonic_ms() >= deadline)
			return -LKL_ETIMEDOUT;
		nanosleep(&poll, NULL);
	}
}

/*
 * RTM_NEWROUTE or RTM_DELROUTE of @dst/@dst_len (NULL for the default
 * route) through @gw (or NULL) and @ifindex (or 0) in @table.
 */
static int route_change(int type, int flags, int af, const struct net_addr *dst,
			unsigned int dst_len, const struct net_addr *gw,
			int ifindex, unsigned int table)
{
	struct lkl_rtmsg *rtm;
	struct nl_req req;
	int ret = 0;

	/* The kernel may find an unreachable gateway first. */
	if (ifindex) {
		ret = link_check(ifindex);
		if (ret < 0)
			return ret;
	}
	if (!table)
		table = LKL_RT_TABLE_MAIN;

	rtm = nl_start(&req, type, flags, sizeof(*rtm));
	rtm->rtm_family = af;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_table = table < 256 ? table : LKL_RT_TABLE_UNSPEC;
	rtm->rtm_type = LKL_RTN_UNICAST;
	if (type == LKL_RTM_NEWROUTE) {
		rtm->rtm_protocol = LKL_RTPROT_STATIC;
		/* As "ip route" does: a route without a gateway is on-link. */
		rtm->rtm_scope = gw ? LKL_RT_SCOPE_UNIVERSE : LKL_RT_SCOPE_LINK;
	} else {
		/* Match the route whatever its scope and protocol. */
		rtm->rtm_scope = LKL_RT_SCOPE_NOWHERE;
	}

	if (dst && dst_len)
		ret = nl_put(&req, LKL_RTA_DST, dst->bytes, dst->len);
	if (!ret && gw)
		ret = nl_put(&req, LKL_RTA_GATEWAY, gw->bytes, gw->len);
	if (!ret && ifindex)
		ret = nl_put_u32(&req, LKL_RTA_OIF, ifindex);
	if (!ret)
		ret = nl_put_u32(&req, LKL_RTA_TABLE, table);
	if (ret < 0)
		return ret;
	return nl_talk(&req, NULL, NULL);
}

/* Parse the arguments of lkl_route_add() and lkl_route_del(). */
static int route_parse(int af, const char *dst, unsigned int prefixlen,
		       const char *gw, struct net_addr *dst_addr,
		       struct net_addr *gw_addr)
{
	int ret;

	if (dst) {
		ret = net_parse_prefix(af, dst, prefixlen, dst_addr);
		if (ret < 0)
			return ret;
		if (!net_is_prefix(dst_addr, prefixlen))
			return -LKL_EINVAL;
	} else if (prefixlen) {
		return -LKL_EINVAL;
	}
	if (gw)
		return net_parse_addr(af, gw, gw_addr);
	if (af != LKL_AF_INET && af != LKL_AF_INET6)
		return -LKL_EAFNOSUPPORT;
	return 0;
}

int lkl_route_add(int af, const char *dst, unsigned int prefixlen,
		  const char *gw, int ifindex, unsigned int table)
{
	struct net_addr dst_addr, gw_addr;
	int ret;

	ret = route_parse(af, dst, prefixlen, gw, &dst_addr, &gw_addr);
	if (ret < 0)
		return ret;
	if (!gw && !ifindex)
		return -LKL_EINVAL;
	return route_change(LKL_RTM_NEWROUTE, LKL_NLM_F_CREATE | LKL_NLM_F_EXCL,
			    af, dst ? &dst_addr : NULL, prefixlen,
			    gw ? &gw_addr : NULL, ifindex, table);
}

int lkl_route_del(int af, const char *dst, unsigned int prefixlen,
		  const char *gw, int ifindex, unsigned int table)
{
	struct net_addr dst_addr, gw_addr;
	int ret;

	ret = route_parse(af, dst, prefixlen, gw, &dst_addr, &gw_addr);
	if (ret < 0)
		return ret;
	return route_change(LKL_RTM_DELROUTE, 0, af, dst ? &dst_addr : NULL,
			    prefixlen, gw ? &gw_addr : NULL, ifindex, table);
}

int lkl_set_gateway(int af, const char *gw)
{
	struct net_addr gw_addr;
	int ret;

	ret = net_parse_addr(af, gw, &gw_addr);
	if (ret < 0)
		return ret;
	return route_change(LKL_RTM_NEWROUTE,
			    LKL_NLM_F_CREATE | LKL_NLM_F_REPLACE, af, NULL, 0,
			    &gw_addr, 0, LKL_RT_TABLE_MAIN);
}

/* RTM_NEWRULE or RTM_DELRULE: "from @src/@src_len lookup @table". */
static int rule_change(int type, int flags, const struct net_addr *src,
		       unsigned int src_len, unsigned int table)
{
	struct lkl_fib_rule_hdr *frh;
	struct nl_req req;
	int ret;

	frh = nl_start(&req, type, flags, sizeof(*frh));
	frh->family = src->af;
	frh->src_len = src_len;
	frh->table = table < 256 ? table : LKL_RT_TABLE_UNSPEC;
	frh->action = LKL_FR_ACT_TO_TBL;
	ret = nl_put(&req, LKL_FRA_SRC, src->bytes, src->len);
	if (!ret)
		ret = nl_put_u32(&req, LKL_FRA_TABLE, table);
	if (ret < 0)
		return ret;
	return nl_talk(&req, NULL, NULL);
}

int lkl_if_set_gateway(int ifindex, int af, const char *src,
		       unsigned int src_prefixlen, const char *gw)
{
	unsigned int table = LKL_IF_GATEWAY_TABLE(ifindex);
	struct net_addr src_addr, gw_addr;
	int ret, rule_added;

	ret = net_parse_prefix(af, src, src_prefixlen, &src_addr);
	if (ret < 0)
		return ret;
	ret = net_parse_addr(af, gw, &gw_addr);
	if (ret < 0)
		return ret;
	ret = link_check(ifindex);
	if (ret < 0)
		return ret;
	net_mask(&src_addr, src_prefixlen);

	/* The rule first: a family without policy routing fails here. */
	ret = rule_change(LKL_RTM_NEWRULE, LKL_NLM_F_CREATE | LKL_NLM_F_EXCL,
			  &src_addr, src_prefixlen, table);
	if (ret < 0 && ret != -LKL_EEXIST)
		return ret;
	rule_added = !ret;

	ret = route_change(LKL_RTM_NEWROUTE,
			   LKL_NLM_F_CREATE | LKL_NLM_F_REPLACE, af, NULL, 0,
			   &gw_addr, ifindex, table);
	if (ret < 0 && rule_added)
		rule_change(LKL_RTM_DELRULE, 0, &src_addr, src_prefixlen,
			    table);
	return ret;
}

/* RTM_NEWNEIGH or RTM_DELNEIGH of @ip on @ifindex. */
static int neigh_change(int type, int flags, int ifindex, int af,
			const char *ip, const unsigned char *mac)
{
	struct net_addr addr;
	struct lkl_ndmsg *ndm;
	struct nl_req req;
	int ret;

	ret = net_parse_addr(af, ip, &addr);
	if (ret < 0)
		return ret;
	if (ifindex <= 0)
		return -LKL_ENODEV;

	ndm = nl_start(&req, type, flags, sizeof(*ndm));
	ndm->ndm_family = af;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = LKL_NUD_PERMANENT;
	ret = nl_put(&req, LKL_NDA_DST, addr.bytes, addr.len);
	if (!ret && mac)
		ret = nl_put(&req, LKL_NDA_LLADDR, mac, ETH_ADDR_LEN);
	if (ret < 0)
		return ret;
	return nl_talk(&req, NULL, NULL);
}

int lkl_neigh_add(int ifindex, int af, const char *ip,
		  const unsigned char *mac)
{
	if (!mac)
		return -LKL_EINVAL;
	return neigh_change(LKL_RTM_NEWNEIGH,
			    LKL_NLM_F_CREATE | LKL_NLM_F_REPLACE, ifindex, af,
			    ip, mac);
}

int lkl_neigh_del(int ifindex, int af, const char *ip)
{
	return neigh_change(LKL_RTM_DELNEIGH, 0, ifindex, af, ip, NULL);
}

/* RTM_NEWQDISC or RTM_DELQDISC at @parent of @ifindex. */
static int qdisc_change(int type, int flags, int ifindex, const char *kind,
			unsigned int parent)
{
	struct lkl_tcmsg *tcm;
	struct nl_req req;
	int ret;

	if (ifindex <= 0)
		return -LKL_ENODEV;
	tcm = nl_start(&req, type, flags, sizeof(*tcm));
	tcm->tcm_family = LKL_AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	if (kind) {
		ret = nl_put(&req, LKL_TCA_KIND, kind, strlen(kind) + 1);
		if (ret < 0)
			return ret;
	}
	return nl_talk(&req, NULL, NULL);
}

int lkl_qdisc_add(int ifindex, const char *kind, unsigned int parent)
{
	if (!kind || !*kind || strlen(kind) >= LKL_QDISC_KIND_LEN)
		return -LKL_EINVAL;
	return qdisc_change(LKL_RTM_NEWQDISC, LKL_NLM_F_CREATE | LKL_NLM_F_EXCL,
			    ifindex, kind, parent);
}

int lkl_qdisc_del(int ifindex, unsigned int parent)
{
	return qdisc_change(LKL_RTM_DELQDISC, 0, ifindex, NULL, parent);
}

struct qdisc_query {
	int ifindex;
	unsigned int parent;
	int found;
	struct lkl_qdisc_stats *stats;
};

/* Fill @st from the nested TCA_STATS2 attribute @stats2. */
static void qdisc_read_stats2(struct lkl_qdisc_stats *st,
			      struct lkl_rtattr *stats2)
{
	struct lkl_rtattr *tb[LKL_TCA_STATS_MAX + 1];
	struct lkl_gnet_stats_queue queue;
	/* Without the padding at the end, which the kernel may not send. */
	size_t basic_len = offsetof(struct lkl_gnet_stats_basic, packets) +
			   sizeof(__lkl__u32);
	struct lkl_gnet_stats_basic basic;
	__lkl__u64 pkt64;

	nl_parse(tb, LKL_TCA_STATS_MAX, LKL_RTA_DATA(stats2),
		 (int)nl_len(stats2));
	/* The kernel sends these unaligned: copy, never dereference. */
	if (tb[LKL_TCA_STATS_BASIC] &&
	    nl_len(tb[LKL_TCA_STATS_BASIC]) >= basic_len) {
		memcpy(&basic, LKL_RTA_DATA(tb[LKL_TCA_STATS_BASIC]),
		       basic_len);
		st->bytes = basic.bytes;
		st->packets = basic.packets;
	}
	/* A count beyond 32 bits comes in TCA_STATS_PKT64 as well. */
	if (tb[LKL_TCA_STATS_PKT64] &&
	    nl_len(tb[LKL_TCA_STATS_PKT64]) >= sizeof(pkt64)) {
		memcpy(&pkt64, LKL_RTA_DATA(tb[LKL_TCA_STATS_PKT64]),
		       sizeof(pkt64));
		st->packets = pkt64;
	}
	if (tb[LKL_TCA_STATS_QUEUE] &&
	    nl_len(tb[LKL_TCA_STATS_QUEUE]) >= sizeof(queue)) {
		memcpy(&queue, LKL_RTA_DATA(tb[LKL_TCA_STATS_QUEUE]),
		       sizeof(queue));
		st->qlen = queue.qlen;
		st->backlog = queue.backlog;
		st->drops = queue.drops;
		st->requeues = queue.requeues;
		st->overlimits = queue.overlimits;
	}
}

static int qdisc_reply(const struct lkl_nlmsghdr *nh, void *arg)
{
	struct lkl_rtattr *tb[LKL_TCA_STATS2 + 1];
	const struct lkl_tcmsg *tcm = LKL_NLMSG_DATA(nh);
	struct qdisc_query *q = arg;
	struct lkl_qdisc_stats *st = q->stats;
	size_t len;

	if (nh->nlmsg_type != LKL_RTM_NEWQDISC ||
	    nh->nlmsg_len < LKL_NLMSG_LENGTH(sizeof(*tcm)))
		return 0;
	if (q->found || tcm->tcm_ifindex != q->ifindex ||
	    tcm->tcm_parent != q->parent)
		return 0;
	nl_parse_msg(tb, LKL_TCA_STATS2, nh, sizeof(*tcm));
	if (!tb[LKL_TCA_KIND] || !tb[LKL_TCA_STATS2])
		return -LKL_EPROTO;

	q->found = 1;
	memset(st, 0, sizeof(*st));
	st->handle = tcm->tcm_handle;
	len = nl_len(tb[LKL_TCA_KIND]);
	if (len >= LKL_QDISC_KIND_LEN)
		len = LKL_QDISC_KIND_LEN - 1;
	memcpy(st->kind, LKL_RTA_DATA(tb[LKL_TCA_KIND]), len);
	st->kind[len] = '\0';
	qdisc_read_stats2(st, tb[LKL_TCA_STATS2]);
	return 0;
}

int lkl_qdisc_get_stats(int ifindex, unsigned int parent,
			struct lkl_qdisc_stats *stats)
{
	struct qdisc_query q = {
		.ifindex = ifindex,
		.parent = parent,
		.stats = stats,
	};
	struct lkl_tcmsg *tcm;
	struct nl_req req;
	int ret;

	if (!stats)
		return -LKL_EINVAL;
	if (ifindex <= 0)
		return -LKL_ENODEV;
	/* The kernel dumps the qdiscs of every device: pick ours. */
	tcm = nl_start(&req, LKL_RTM_GETQDISC, LKL_NLM_F_DUMP, sizeof(*tcm));
	tcm->tcm_family = LKL_AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	ret = nl_talk(&req, qdisc_reply, &q);
	if (ret < 0)
		return ret;
	if (q.found)
		return 0;
	/* No qdisc there: tell a missing device from a missing qdisc. */
	ret = link_check(ifindex);
	return ret < 0 ? ret : -LKL_ENOENT;
}

/*
 * Turn a sysctl name into its path under /proc/sys, as sysctl(8) does:
 * dots separate the components, and a slash stands for a dot inside a
 * component ("net.ipv4.conf.eth0/100.forwarding").
 */
static int sysctl_path(const char *name, char *path, size_t size)
{
	static const char prefix[] = "/proc/sys/";
	size_t len = sizeof(prefix) - 1, start, i;
	char c;

	if (!name || !*name)
		return -LKL_EINVAL;
	memcpy(path, prefix, len);
	start = len;
	for (i = 0; ; i++) {
		c = name[i];
		if (c == '.' || c == '\0') {
			/* No empty, "." or ".." component. */
			if (len == start ||
			    (path[start] == '.' &&
			     (len == start + 1 ||
			      (len == start + 2 && path[start + 1] == '.'))))
				return -LKL_EINVAL;
			if (c == '\0')
				break;
			c = '/';
			start = len + 1;
		} else if (c == '/') {
			c = '.';
		}
		if (len + 1 >= size)
			return -LKL_ENAMETOOLONG;
		path[len++] = c;
	}
	path[len] = '\0';
	return 0;
}

/* Mount proc at /proc inside LKL unless it is there already. */
static int sysctl_mount_proc(void)
{
	struct lkl_stat st;
	long ret;

	if (!lkl_sys_stat("/proc/sys", &st))
		return 0;
	pthread_mutex_lock(&proc_lock);
	ret = 0;
	if (lkl_sys_stat("/proc/sys", &st)) {
		ret = lkl_sys_mkdir("/proc", 0555);
		if (ret == -LKL_EEXIST)
			ret = 0;
		if (!ret)
			ret = lkl_sys_mount("proc", "/proc", "proc", 0, NULL);
	}
	pthread_mutex_unlock(&proc_lock);
	return (int)ret;
}

/* Open the sysctl @name with @flags. */
static long sysctl_open(const char *name, int flags)
{
	char path[SYSCTL_PATH_MAX];
	long ret;

	ret = sysctl_path(name, path, sizeof(path));
	if (ret < 0)
		return ret;
	ret = sysctl_mount_proc();
	if (ret < 0)
		return ret;
	return lkl_sys_open(path, flags | LKL_O_CLOEXEC, 0);
}

int lkl_sysctl_set(const char *name, const char *value)
{
	size_t len;
	long fd, n;

	if (!value)
		return -LKL_EINVAL;
	fd = sysctl_open(name, LKL_O_WRONLY);
	if (fd < 0)
		return (int)fd;
	/* A sysctl takes its whole value in one write. */
	len = strlen(value);
	n = lkl_sys_write(fd, value, len);
	lkl_sys_close(fd);
	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -LKL_EIO;
}

int lkl_sysctl_get(const char *name, char *buf, int len)
{
	size_t got = 0, room;
	long fd, n = 0;
	char extra;

	if (!buf || len <= 0)
		return -LKL_EINVAL;
	fd = sysctl_open(name, LKL_O_RDONLY);
	if (fd < 0)
		return (int)fd;
	room = (size_t)len - 1;
	while (got < room) {
		n = lkl_sys_read(fd, buf + got, room - got);
		if (n <= 0)
			break;
		got += n;
	}
	/* Full: fine if all that is left is the final newline. */
	if (n >= 0 && got == room) {
		n = lkl_sys_read(fd, &extra, 1);
		if (n > 0 && extra == '\n')
			n = lkl_sys_read(fd, &extra, 1);
		if (n > 0)
			n = -LKL_ERANGE;
	}
	lkl_sys_close(fd);
	if (n < 0)
		return (int)n;
	/* Values end with a newline, which is not part of them. */
	if (got && buf[got - 1] == '\n')
		got--;
	buf[got] = '\0';
	return 0;
}
