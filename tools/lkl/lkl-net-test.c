// SPDX-License-Identifier: GPL-2.0
/*
 * lkl-net-test: check a network backend by hand.
 *
 * Boots LKL with one virtio-net interface on the backend named on the
 * command line, configures it (MAC, MTU, offloads, addresses, gateways)
 * through the library's netlink helpers, and then does one thing: ping an
 * address, receive one TCP stream, send one TCP stream, or stay up for a
 * while so that others can reach it. See
 * Documentation/virt/lkl/lkl-net-test.rst.
 *
 * The TCP stream is a fixed pseudo-random pattern, and both ends print a
 * checksum of what they sent or received, so that a transfer between two
 * runs of this program can be checked by comparing two lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/asm/socket.h>
#include <lkl/linux/icmp.h>
#include <lkl/linux/icmpv6.h>
#include <lkl/linux/tcp.h>

#define MAX_ADDRS	16
#define STREAM_CHUNK	(256 * 1024)
#define PING_PAYLOAD	56
#define PING_WAIT_MS	1000
#define CONNECT_RETRY_MS 100
#define LOOPBACK_IFINDEX 1
/* The kernel's SHUT_WR, which no UAPI header defines. */
#define TCP_SHUT_WR	1
/* TCP states, as in /proc/net/tcp and tcpi_state. */
#define TCP_FIN_WAIT2	5
#define TCP_CLOSE	7

#define FNV_INIT	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL
#define PATTERN_SEED	0x9e3779b97f4a7c15ULL

/**
 * struct net_addr - an address from the command line
 * @family: LKL_AF_INET or LKL_AF_INET6
 * @prefix: the prefix length, or -1 if none was given
 * @port: the port, in host order, for ADDR:PORT
 * @in: the IPv4 address
 * @in6: the IPv6 address
 * @str: the address alone, as the lkl_if_*() helpers take it
 * @text: the argument, for messages
 */
struct net_addr {
	int family;
	int prefix;
	int port;
	struct lkl_in_addr in;
	struct lkl_in6_addr in6;
	char str[INET6_ADDRSTRLEN];
	const char *text;
};

enum action { ACT_NONE, ACT_PING, ACT_SINK, ACT_SOURCE, ACT_SLEEP };

/**
 * struct stream_sum - a checksum of a byte stream that does not depend on
 *	how the stream is cut into pieces
 * @hash: the 64-bit FNV-1a style hash, over 8-byte words
 * @carry: the bytes of an incomplete word
 * @ncarry: how many bytes @carry holds
 */
struct stream_sum {
	unsigned long long hash;
	unsigned char carry[8];
	size_t ncarry;
};

static const char *prog = "lkl-net-test";

/* The command line. */
static const char *backend_spec;
static const char *mem = "64M";
static struct lkl_netdev_args nd_args = { .offloads = LKL_NETDEV_OFFLOAD_ALL };
static struct net_addr addrs[MAX_ADDRS];
static int naddrs;
static struct net_addr gateways[2];
static int ngateways;
static int mtu;
static enum action action;
static struct net_addr target;
static long ping_count = 3;
static unsigned long long stream_bytes = 64ULL << 20;
static long sleep_seconds;
static long timeout_seconds = 30;

/* What has been set up, for cleanup(). */
static struct lkl_netdev *nd;
static bool started, added;
static int ifindex;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s --backend SPEC [OPTION]... ACTION\n"
		"Boot LKL with one network interface on a backend and test it.\n"
		"\n"
		"Backends (SPEC):\n"
		"  tap:NAME          an existing tap device (IFF_VNET_HDR)\n"
		"  raw:IFNAME        an AF_PACKET socket on an existing interface\n"
		"  macvtap:PATH      a macvtap device node, e.g. /dev/tap5\n"
		"  pipe:RX,TX        two named FIFOs; the peer swaps them\n"
		"  vde:DIR           a vde_switch control directory\n"
		"  fd:N[,HDRLEN]     an inherited descriptor, one frame per read;\n"
		"                    HDRLEN is its virtio-net header: 0, 10 or 12\n"
		"  udp:LOCAL,REMOTE  one frame per UDP datagram (QEMU -netdev dgram);\n"
		"                    HOST:PORT each, [HOST]:PORT for IPv6\n"
		"\n"
		"Options:\n"
		"  -b, --backend SPEC     the backend (required)\n"
		"  -a, --ip ADDR/PREFIX   add an IPv4 or IPv6 address (repeatable)\n"
		"  -g, --gateway ADDR     the default gateway for ADDR's family\n"
		"      --mac XX:XX:XX:XX:XX:XX  the MAC address (default: random)\n"
		"      --mtu N            the MTU (68 to 65535)\n"
		"      --offloads LIST    all (or on), none (or off), some of\n"
		"                         csum,tso,lro, or 0 to 7 (default all)\n"
		"  -m, --mem SIZE         LKL memory (default 64M)\n"
		"  -t, --timeout SECONDS  give up after this long (default 30)\n"
		"  -h, --help             show this help\n"
		"\n"
		"Actions (one):\n"
		"      --ping ADDR        ICMP echo to ADDR; exit 0 if replies came\n"
		"  -c, --count N          echo requests to send (default 3)\n"
		"      --tcp-sink PORT    receive one TCP connection and count it\n"
		"      --tcp-source ADDR:PORT  send --bytes of a fixed pattern\n"
		"      --bytes N          bytes to send, with K, M or G (default 64M)\n"
		"      --sleep SECONDS    stay up (SIGINT or SIGTERM end it early)\n"
		"\n"
		"The TCP ends print the checksum of the stream they saw; the two\n"
		"lines match when the data crossed intact. IPv6 addresses with a\n"
		"port are written [ADDR]:PORT.\n",
		prog);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void lkl_err(const char *what, long err)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, lkl_strerror((int)err));
}

/* Parse ADDR, ADDR/PREFIX or, with @want_port, ADDR:PORT / [ADDR]:PORT. */
static int parse_addr(const char *arg, struct net_addr *a, bool want_prefix,
		      bool want_port)
{
	char buf[INET6_ADDRSTRLEN + 16], *p, *end;
	long n;

	memset(a, 0, sizeof(*a));
	a->text = arg;
	a->prefix = -1;
	if (strlen(arg) >= sizeof(buf))
		return -1;
	memcpy(buf, arg, strlen(arg) + 1);

	p = buf;
	if (want_port) {
		end = strrchr(buf, ':');
		if (!end)
			return -1;
		*end++ = '\0';
		n = strtol(end, &p, 10);
		if (!*end || *p || n < 1 || n > 65535)
			return -1;
		a->port = n;
		p = buf;
		if (*p == '[') {
			end = p + strlen(p) - 1;
			if (*end != ']')
				return -1;
			*end = '\0';
			p++;
		}
	} else if (want_prefix) {
		end = strchr(buf, '/');
		if (end) {
			*end++ = '\0';
			n = strtol(end, &p, 10);
			if (!*end || *p || n < 0 || n > 128)
				return -1;
			a->prefix = n;
		}
		p = buf;
	}

	if (strlen(p) >= sizeof(a->str))
		return -1;
	memcpy(a->str, p, strlen(p) + 1);
	if (inet_pton(AF_INET, p, &a->in) == 1) {
		a->family = LKL_AF_INET;
		if (a->prefix > 32)
			return -1;
		if (want_prefix && a->prefix < 0)
			a->prefix = 32;
	} else if (inet_pton(AF_INET6, p, &a->in6) == 1) {
		a->family = LKL_AF_INET6;
		if (want_prefix && a->prefix < 0)
			a->prefix = 128;
	} else {
		return -1;
	}
	return 0;
}

/* A number with an optional K, M or G (powers of 1024) suffix. */
static int parse_size(const char *arg, unsigned long long *size)
{
	static const char units[] = "KMG";
	unsigned long long n;
	const char *unit;
	char *end;

	errno = 0;
	n = strtoull(arg, &end, 10);
	if (end == arg || errno || *arg == '-')
		return -1;
	unit = *end ? strchr(units, *end) : NULL;
	if (unit) {
		if (n >> (64 - 10 * (unit - units + 1)))
			return -1;
		n <<= 10 * (unit - units + 1);
		end++;
	}
	if (*end)
		return -1;
	*size = n;
	return 0;
}

static int parse_long(const char *arg, long min, long max, long *val)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (end == arg || *end || errno || n < min || n > max)
		return -1;
	*val = n;
	return 0;
}

/* Create the backend named by --backend; prints why it could not. */
static int backend_create(const char *spec)
{
	int ret;

	if (lkl_netdev_spec_check(spec)) {
		fprintf(stderr, "%s: bad backend '%s': want %s\n", prog, spec,
			LKL_NETDEV_SPEC_FORMS);
		return -1;
	}
	ret = lkl_netdev_create(spec, &nd);
	if (ret < 0) {
		nd = NULL;
		if (ret == -LKL_EOPNOTSUPP && !strncmp(spec, "vde:", 4))
			fprintf(stderr, "%s: %s: built without libvdeplug\n",
				prog, spec);
		else
			lkl_err(spec, ret);
		return -1;
	}
	return 0;
}

/* Boot, add the interface and configure it. */
static int net_setup(void)
{
	char cmdline[64];
	int i, ret;

	snprintf(cmdline, sizeof(cmdline), "mem=%s loglevel=4", mem);
	ret = lkl_start_kernel(&lkl_host_ops, cmdline);
	if (ret < 0) {
		lkl_err("cannot start LKL", ret);
		return -1;
	}
	started = true;

	ret = lkl_netdev_add(nd, &nd_args);
	if (ret < 0) {
		lkl_err("cannot add the network interface", ret);
		return -1;
	}
	added = true;
	ifindex = ret;

	ret = lkl_if_up(LOOPBACK_IFINDEX);
	if (ret < 0) {
		lkl_err("cannot bring up lo", ret);
		return -1;
	}
	if (mtu) {
		ret = lkl_if_set_mtu(ifindex, mtu);
		if (ret < 0) {
			fprintf(stderr, "%s: cannot set MTU %d: %s\n", prog,
				mtu, lkl_strerror(ret));
			return -1;
		}
	}
	ret = lkl_if_up(ifindex);
	if (ret < 0) {
		lkl_err("cannot bring the interface up", ret);
		return -1;
	}
	for (i = 0; i < naddrs; i++) {
		struct net_addr *a = &addrs[i];

		ret = lkl_if_add_ip(ifindex, a->family, a->str, a->prefix);
		if (ret < 0) {
			fprintf(stderr, "%s: cannot add address %s: %s\n",
				prog, a->text, lkl_strerror(ret));
			return -1;
		}
	}
	for (i = 0; i < ngateways; i++) {
		struct net_addr *g = &gateways[i];

		ret = lkl_set_gateway(g->family, g->str);
		if (ret < 0) {
			fprintf(stderr, "%s: cannot set gateway %s: %s\n",
				prog, g->text, lkl_strerror(ret));
			return -1;
		}
	}
	/* Addresses still in duplicate address detection cannot be used. */
	for (i = 0; i < naddrs; i++) {
		if (addrs[i].family != LKL_AF_INET6)
			continue;
		ret = lkl_if_wait_ipv6_dad(ifindex, addrs[i].str,
					   timeout_seconds * 1000);
		if (ret < 0) {
			fprintf(stderr, "%s: address %s: %s\n", prog,
				addrs[i].text, ret == -LKL_EADDRINUSE ?
				"duplicate address detected" :
				lkl_strerror(ret));
			return -1;
		}
	}
	return 0;
}

static int cleanup(void)
{
	int ret, status = 0;

	if (added) {
		ret = lkl_netdev_remove(nd);
		if (ret < 0) {
			lkl_err("cannot remove the network interface", ret);
			status = -1;
		}
		added = false;
	}
	if (started) {
		lkl_sys_halt();
		started = false;
	}
	/* After a failed remove the device may still use the backend. */
	if (nd && !status)
		lkl_netdev_free(nd);
	nd = NULL;
	return status;
}

/* A socket address for @a with @port; returns its length. */
static unsigned int sockaddr_of(const struct net_addr *a, int port,
				struct lkl_sockaddr_in6 *sa)
{
	struct lkl_sockaddr_in *sin = (void *)sa;

	memset(sa, 0, sizeof(*sa));
	if (a->family == LKL_AF_INET) {
		sin->sin_family = LKL_AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = a->in;
		return sizeof(*sin);
	}
	sa->sin6_family = LKL_AF_INET6;
	sa->sin6_port = htons(port);
	sa->sin6_addr = a->in6;
	/* A link-local address is reached through our one interface. */
	if (a->in6.lkl_s6_addr[0] == 0xfe && (a->in6.lkl_s6_addr[1] & 0xc0) == 0x80)
		sa->sin6_scope_id = ifindex;
	return sizeof(*sa);
}

/* Wait up to @ms for @events on the LKL socket @fd: 1, 0 on timeout. */
static long lkl_wait(int fd, short events, int ms)
{
	struct lkl_pollfd pfd = { .fd = fd, .events = events };

	return lkl_sys_poll(&pfd, 1, ms);
}

/* The Internet checksum of @len bytes at @buf. */
static unsigned short inet_csum(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	unsigned long sum = 0;

	for (; len > 1; len -= 2, p += 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/*
 * Is @buf (@len bytes from a raw socket) the echo reply @id/@seq? IPv4 raw
 * sockets give the IP header too; ICMPv6 ones do not.
 */
static bool is_reply(const unsigned char *buf, long len, bool v6, int id,
		     int seq)
{
	int off = 0;

	if (!v6) {
		if (len < 20)
			return false;
		off = (buf[0] & 0xf) * 4;
	}
	if (len < off + 8)
		return false;
	buf += off;
	if (buf[0] != (v6 ? LKL_ICMPV6_ECHO_REPLY : LKL_ICMP_ECHOREPLY) ||
	    buf[1] != 0)
		return false;
	return ((buf[4] << 8) | buf[5]) == id && ((buf[6] << 8) | buf[7]) == seq;
}

static int do_ping(void)
{
	bool v6 = target.family == LKL_AF_INET6;
	unsigned char pkt[8 + PING_PAYLOAD], buf[2048];
	double t0, rtt, min = 1e9, max = 0, sum = 0, deadline;
	struct lkl_sockaddr_in6 sa;
	unsigned int salen;
	int id = getpid() & 0xffff;
	long fd, ret, seq, got = 0;

	fd = lkl_sys_socket(target.family, LKL_SOCK_RAW,
			    v6 ? LKL_IPPROTO_ICMPV6 : LKL_IPPROTO_ICMP);
	if (fd < 0) {
		lkl_err("raw ICMP socket", fd);
		return -1;
	}
	salen = sockaddr_of(&target, 0, &sa);
	deadline = now_s() + timeout_seconds;
	printf("PING %s: %d data bytes\n", target.text, PING_PAYLOAD);

	for (seq = 1; seq <= ping_count && now_s() < deadline; seq++) {
		memset(pkt, 0, sizeof(pkt));
		pkt[0] = v6 ? LKL_ICMPV6_ECHO_REQUEST : LKL_ICMP_ECHO;
		pkt[4] = id >> 8;
		pkt[5] = id & 0xff;
		pkt[6] = seq >> 8;
		pkt[7] = seq & 0xff;
		memset(pkt + 8, 'L', PING_PAYLOAD);
		/* The kernel fills in the ICMPv6 checksum itself. */
		if (!v6) {
			unsigned short c = inet_csum(pkt, sizeof(pkt));

			memcpy(pkt + 2, &c, 2);
		}
		t0 = now_s();
		ret = lkl_sys_sendto(fd, pkt, sizeof(pkt), 0,
				     (struct lkl_sockaddr *)&sa, salen);
		if (ret < 0) {
			fprintf(stderr, "%s: ping %s: send: %s\n", prog,
				target.text, lkl_strerror(ret));
		} else {
			for (;;) {
				rtt = now_s() - t0;
				if (rtt * 1000 >= PING_WAIT_MS)
					break;
				ret = lkl_wait(fd, LKL_POLLIN,
					       PING_WAIT_MS - rtt * 1000);
				if (ret <= 0)
					break;
				ret = lkl_sys_recvfrom(fd, buf, sizeof(buf),
						       LKL_MSG_DONTWAIT, NULL,
						       NULL);
				if (ret < 0 || !is_reply(buf, ret, v6, id, seq))
					continue;
				rtt = (now_s() - t0) * 1000;
				printf("reply from %s: icmp_seq=%ld time=%.3f ms\n",
				       target.text, seq, rtt);
				got++;
				sum += rtt;
				min = rtt < min ? rtt : min;
				max = rtt > max ? rtt : max;
				break;
			}
		}
		/* One request a second at most, as ping(8) does. */
		if (seq < ping_count) {
			rtt = now_s() - t0;
			if (rtt < 1.0)
				usleep((1.0 - rtt) * 1e6);
		}
	}
	lkl_sys_close(fd);
	printf("%ld transmitted, %ld received", seq - 1, got);
	if (got)
		printf(", rtt min/avg/max %.3f/%.3f/%.3f ms", min, sum / got,
		       max);
	printf("\n");
	return got ? 0 : -1;
}

static void sum_init(struct stream_sum *s)
{
	s->hash = FNV_INIT;
	s->ncarry = 0;
}

static void sum_word(struct stream_sum *s, const unsigned char *p)
{
	unsigned long long w;

	memcpy(&w, p, sizeof(w));
	s->hash = (s->hash ^ w) * FNV_PRIME;
}

static void sum_add(struct stream_sum *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t take;

	if (s->ncarry) {
		take = sizeof(s->carry) - s->ncarry;
		if (take > len)
			take = len;
		memcpy(s->carry + s->ncarry, p, take);
		s->ncarry += take;
		p += take;
		len -= take;
		if (s->ncarry < sizeof(s->carry))
			return;
		sum_word(s, s->carry);
		s->ncarry = 0;
	}
	for (; len >= 8; len -= 8, p += 8)
		sum_word(s, p);
	memcpy(s->carry, p, len);
	s->ncarry = len;
}

static unsigned long long sum_final(struct stream_sum *s)
{
	unsigned long long h = s->hash;
	size_t i;

	for (i = 0; i < s->ncarry; i++)
		h = (h ^ s->carry[i]) * FNV_PRIME;
	return h;
}

static void print_rate(const char *what, unsigned long long bytes,
		       double secs, unsigned long long sum)
{
	if (secs <= 0)
		secs = 1.0 / 1000000000;
	printf("%s %llu bytes in %.3f s: %.1f Mbit/s, checksum %016llx\n",
	       what, bytes, secs, bytes * 8 / secs / 1e6, sum);
}

/*
 * Give up on a stream that makes no progress for --timeout seconds, as
 * when the peer has gone away without a word.
 */
static void stream_timeouts(long fd)
{
	struct __lkl__kernel_old_timeval tv = { .tv_sec = timeout_seconds };

	lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_SNDTIMEO_OLD,
			   (void *)&tv, sizeof(tv));
	lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_RCVTIMEO_OLD,
			   (void *)&tv, sizeof(tv));
}

/*
 * Send our FIN and wait, up to --timeout, until the peer has acknowledged
 * it (the socket is then in FIN_WAIT2, TIME_WAIT or CLOSE). The program
 * removes its interface as soon as it is done, and a FIN still queued on
 * it would leave the source waiting for the sink to close, in vain.
 */
static void fin_wait_acked(long fd)
{
	struct lkl_tcp_info ti;
	int len, i;

	lkl_sys_shutdown(fd, TCP_SHUT_WR);
	for (i = 0; i < timeout_seconds * 1000; i++) {
		len = sizeof(ti);
		if (lkl_sys_getsockopt(fd, LKL_IPPROTO_TCP, LKL_TCP_INFO,
				       (char *)&ti, &len) < 0)
			return;
		if (ti.tcpi_state >= TCP_FIN_WAIT2 && ti.tcpi_state <= TCP_CLOSE)
			return;
		usleep(1000);
	}
}

static int do_sink(void)
{
	struct lkl_sockaddr_in6 sa = {
		.sin6_family = LKL_AF_INET6,
		.sin6_port = htons(target.port),
	};
	unsigned long long total = 0;
	struct stream_sum sum;
	long lfd, fd = -1, ret;
	int zero = 0, one = 1;
	double t0;
	char *buf;

	buf = malloc(STREAM_CHUNK);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	/* One IPv6 socket takes IPv4 connections too. */
	lfd = lkl_sys_socket(LKL_AF_INET6, LKL_SOCK_STREAM, 0);
	if (lfd < 0) {
		lkl_err("TCP socket", lfd);
		free(buf);
		return -1;
	}
	lkl_sys_setsockopt(lfd, LKL_IPPROTO_IPV6, LKL_IPV6_V6ONLY,
			   (void *)&zero, sizeof(zero));
	lkl_sys_setsockopt(lfd, LKL_SOL_SOCKET, LKL_SO_REUSEADDR,
			   (void *)&one, sizeof(one));
	ret = lkl_sys_bind(lfd, (struct lkl_sockaddr *)&sa, sizeof(sa));
	if (ret >= 0)
		ret = lkl_sys_listen(lfd, 1);
	if (ret < 0) {
		fprintf(stderr, "%s: cannot listen on port %d: %s\n", prog,
			target.port, lkl_strerror(ret));
		goto out;
	}
	printf("listening on port %d\n", target.port);
	fflush(stdout);

	ret = lkl_wait(lfd, LKL_POLLIN, timeout_seconds * 1000);
	if (ret <= 0) {
		fprintf(stderr, "%s: no connection within %ld s\n", prog,
			timeout_seconds);
		ret = -1;
		goto out;
	}
	fd = lkl_sys_accept4(lfd, NULL, NULL, 0);
	if (fd < 0) {
		lkl_err("accept", fd);
		ret = -1;
		goto out;
	}
	stream_timeouts(fd);

	sum_init(&sum);
	t0 = now_s();
	for (;;) {
		ret = lkl_wait(fd, LKL_POLLIN, timeout_seconds * 1000);
		if (ret == 0) {
			fprintf(stderr, "%s: nothing received for %ld s\n",
				prog, timeout_seconds);
			ret = -1;
			break;
		}
		if (ret > 0)
			ret = lkl_sys_recvfrom(fd, buf, STREAM_CHUNK, 0, NULL,
					       NULL);
		if (ret < 0) {
			lkl_err("receive", ret);
			break;
		}
		if (ret == 0)
			break;
		sum_add(&sum, buf, ret);
		total += ret;
	}
	if (ret == 0) {
		print_rate("received", total, now_s() - t0, sum_final(&sum));
		fin_wait_acked(fd);
	}
out:
	if (fd >= 0)
		lkl_sys_close(fd);
	lkl_sys_close(lfd);
	free(buf);
	return ret < 0 ? -1 : 0;
}

/*
 * Connect @fd to @sa without blocking past @deadline: a SYN to an address
 * nobody answers ARP for is retried for minutes otherwise.
 */
static long connect_until(long fd, struct lkl_sockaddr_in6 *sa,
			  unsigned int salen, double deadline)
{
	long flags, ret, left;
	int err = 0;
	unsigned int len = sizeof(err);

	flags = lkl_sys_fcntl(fd, LKL_F_GETFL, 0);
	if (flags < 0)
		return flags;
	lkl_sys_fcntl(fd, LKL_F_SETFL, flags | LKL_O_NONBLOCK);
	ret = lkl_sys_connect(fd, (struct lkl_sockaddr *)sa, salen);
	if (ret == -LKL_EINPROGRESS) {
		left = (deadline - now_s()) * 1000;
		ret = lkl_wait(fd, LKL_POLLOUT, left > 0 ? left : 0);
		if (ret == 0)
			ret = -LKL_ETIMEDOUT;
		if (ret > 0)
			ret = lkl_sys_getsockopt(fd, LKL_SOL_SOCKET,
						 LKL_SO_ERROR, (void *)&err,
						 (void *)&len);
		if (ret >= 0)
			ret = -err;
	}
	lkl_sys_fcntl(fd, LKL_F_SETFL, flags);
	return ret;
}

/* Connect to @target, retrying while the peer is not there yet. */
static long source_connect(void)
{
	struct lkl_sockaddr_in6 sa;
	double deadline = now_s() + timeout_seconds;
	unsigned int salen;
	long fd, ret;

	salen = sockaddr_of(&target, target.port, &sa);
	for (;;) {
		fd = lkl_sys_socket(target.family, LKL_SOCK_STREAM, 0);
		if (fd < 0) {
			lkl_err("TCP socket", fd);
			return fd;
		}
		ret = connect_until(fd, &sa, salen, deadline);
		if (ret == 0) {
			stream_timeouts(fd);
			return fd;
		}
		lkl_sys_close(fd);
		if ((ret != -LKL_ECONNREFUSED && ret != -LKL_EHOSTUNREACH &&
		     ret != -LKL_ENETUNREACH) || now_s() > deadline) {
			fprintf(stderr, "%s: cannot connect to %s: %s\n", prog,
				target.text, lkl_strerror(ret));
			return ret;
		}
		usleep(CONNECT_RETRY_MS * 1000);
	}
}

static int do_source(void)
{
	unsigned long long x = PATTERN_SEED, *words, left = stream_bytes;
	struct stream_sum sum;
	size_t i, len, off;
	long fd, ret = 0;
	char byte;
	double t0;

	words = malloc(STREAM_CHUNK);
	if (!words) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	fd = source_connect();
	if (fd < 0) {
		free(words);
		return -1;
	}

	sum_init(&sum);
	t0 = now_s();
	while (left) {
		for (i = 0; i < STREAM_CHUNK / sizeof(*words); i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			words[i] = x;
		}
		len = left < STREAM_CHUNK ? left : STREAM_CHUNK;
		sum_add(&sum, words, len);
		for (off = 0; off < len; off += ret) {
			ret = lkl_sys_write(fd, (char *)words + off, len - off);
			if (ret <= 0)
				goto out;
		}
		left -= len;
	}
	/* The sink closes once it has read everything. */
	lkl_sys_shutdown(fd, TCP_SHUT_WR);
	ret = lkl_wait(fd, LKL_POLLIN, timeout_seconds * 1000);
	if (ret > 0)
		ret = lkl_sys_read(fd, &byte, 1);
	else if (ret == 0)
		ret = -LKL_ETIMEDOUT;
out:
	if (ret < 0 || left) {
		fprintf(stderr, "%s: send to %s: %s\n", prog, target.text,
			ret < 0 ? lkl_strerror(ret) : "connection closed");
		ret = -1;
	} else {
		print_rate("sent", stream_bytes, now_s() - t0, sum_final(&sum));
	}
	lkl_sys_close(fd);
	free(words);
	return ret < 0 ? -1 : 0;
}

static int do_sleep(void)
{
	struct timespec ts = { .tv_sec = sleep_seconds };
	sigset_t set;

	/*
	 * LKL's threads block every signal, so once this thread blocks
	 * these two too, they stay pending for sigtimedwait().
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("up for %ld s\n", sleep_seconds);
	fflush(stdout);
	sigtimedwait(&set, NULL, &ts);
	return 0;
}

enum {
	OPT_MAC = 256, OPT_MTU, OPT_OFFLOADS, OPT_PING, OPT_SINK, OPT_SOURCE,
	OPT_BYTES, OPT_SLEEP,
};

static int set_action(enum action a)
{
	if (action != ACT_NONE && action != a) {
		fprintf(stderr,
			"%s: give only one of --ping, --tcp-sink, --tcp-source and --sleep\n",
			prog);
		return -1;
	}
	action = a;
	return 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "ip", required_argument, NULL, 'a' },
		{ "gateway", required_argument, NULL, 'g' },
		{ "mac", required_argument, NULL, OPT_MAC },
		{ "mtu", required_argument, NULL, OPT_MTU },
		{ "offloads", required_argument, NULL, OPT_OFFLOADS },
		{ "mem", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ping", required_argument, NULL, OPT_PING },
		{ "count", required_argument, NULL, 'c' },
		{ "tcp-sink", required_argument, NULL, OPT_SINK },
		{ "tcp-source", required_argument, NULL, OPT_SOURCE },
		{ "bytes", required_argument, NULL, OPT_BYTES },
		{ "sleep", required_argument, NULL, OPT_SLEEP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct net_addr *a;
	long n;
	int opt;

	while ((opt = getopt_long(argc, argv, "b:a:g:m:t:c:h", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'b':
			backend_spec = optarg;
			break;
		case 'a':
			if (naddrs == MAX_ADDRS) {
				fprintf(stderr, "%s: at most %d addresses\n",
					prog, MAX_ADDRS);
				return -1;
			}
			a = &addrs[naddrs++];
			if (parse_addr(optarg, a, true, false)) {
				fprintf(stderr,
					"%s: bad address '%s': want ADDR/PREFIX, IPv4 or IPv6\n",
					prog, optarg);
				return -1;
			}
			break;
		case 'g':
			a = &gateways[ngateways];
			if (ngateways == 2 || parse_addr(optarg, a, false, false) ||
			    (ngateways && gateways[0].family == a->family)) {
				fprintf(stderr,
					"%s: bad gateway '%s': want one IPv4 and one IPv6 address at most\n",
					prog, optarg);
				return -1;
			}
			ngateways++;
			break;
		case OPT_MAC:
			if (lkl_netdev_parse_mac(optarg, nd_args.mac)) {
				fprintf(stderr,
					"%s: bad MAC address '%s': want six hex pairs such as 02:00:5e:10:00:01, not multicast\n",
					prog, optarg);
				return -1;
			}
			break;
		case OPT_MTU:
			if (parse_long(optarg, 68, 65535, &n)) {
				fprintf(stderr, "%s: bad MTU '%s': want 68 to 65535\n",
					prog, optarg);
				return -1;
			}
			mtu = n;
			break;
		case OPT_OFFLOADS:
			if (lkl_netdev_parse_offloads(optarg, &nd_args.offloads)) {
				fprintf(stderr,
					"%s: bad offloads '%s': want all, none, a list of csum, tso, lro, or 0 to 7\n",
					prog, optarg);
				return -1;
			}
			break;
		case 'm':
			mem = optarg;
			break;
		case 't':
			if (parse_long(optarg, 1, 86400, &timeout_seconds)) {
				fprintf(stderr, "%s: bad timeout '%s'\n", prog,
					optarg);
				return -1;
			}
			break;
		case OPT_PING:
			if (set_action(ACT_PING))
				return -1;
			if (parse_addr(optarg, &target, false, false)) {
				fprintf(stderr, "%s: bad address to ping '%s'\n",
					prog, optarg);
				return -1;
			}
			break;
		case 'c':
			if (parse_long(optarg, 1, 1000000, &ping_count)) {
				fprintf(stderr, "%s: bad count '%s'\n", prog,
					optarg);
				return -1;
			}
			break;
		case OPT_SINK:
			if (set_action(ACT_SINK))
				return -1;
			if (parse_long(optarg, 1, 65535, &n)) {
				fprintf(stderr, "%s: bad port '%s'\n", prog,
					optarg);
				return -1;
			}
			target.port = n;
			break;
		case OPT_SOURCE:
			if (set_action(ACT_SOURCE))
				return -1;
			if (parse_addr(optarg, &target, false, true)) {
				fprintf(stderr,
					"%s: bad address '%s': want ADDR:PORT or [ADDR]:PORT\n",
					prog, optarg);
				return -1;
			}
			break;
		case OPT_BYTES:
			if (parse_size(optarg, &stream_bytes)) {
				fprintf(stderr, "%s: bad byte count '%s'\n",
					prog, optarg);
				return -1;
			}
			break;
		case OPT_SLEEP:
			if (set_action(ACT_SLEEP))
				return -1;
			if (parse_long(optarg, 0, LONG_MAX, &sleep_seconds)) {
				fprintf(stderr, "%s: bad time '%s'\n", prog,
					optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog,
			argv[optind]);
		return -1;
	}
	if (!backend_spec) {
		fprintf(stderr, "%s: no backend given (--backend SPEC; see --help)\n",
			prog);
		return -1;
	}
	if (action == ACT_NONE) {
		fprintf(stderr,
			"%s: no action given (--ping, --tcp-sink, --tcp-source or --sleep)\n",
			prog);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int ret;

	prog = strrchr(argv[0], '/');
	prog = prog ? prog + 1 : argv[0];
	if (parse_args(argc, argv))
		return 1;

	if (backend_create(backend_spec))
		return 1;
	ret = net_setup();
	if (!ret) {
		switch (action) {
		case ACT_PING:
			ret = do_ping();
			break;
		case ACT_SINK:
			ret = do_sink();
			break;
		case ACT_SOURCE:
			ret = do_source();
			break;
		default:
			ret = do_sleep();
			break;
		}
	}
	fflush(stdout);
	if (cleanup())
		ret = -1;
	return ret ? 1 : 0;
}
