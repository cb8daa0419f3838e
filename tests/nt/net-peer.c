// SPDX-License-Identifier: GPL-2.0
/*
 * net-peer: one end of the NT network suite (tests/nt/net-test.sh), built
 * from this one source for Linux (net-peer, a selftests helper) and for
 * Windows (net-peer.exe, tools/lkl/Makefile.nt). It boots LKL with one
 * interface on the udp backend and then either serves or drives:
 *
 *   net-peer --local L --remote R --ip IP/LEN --serve [--port P]
 *   net-peer --local L --remote R --ip IP/LEN --peer IP [--port P]
 *            [--bytes N] [--wait-ms MS] [--ping-only]
 *
 * and --mtu N on either sets the interface's MTU (both ends want the
 * same).
 *
 * The server takes TCP connections on IP:P, one request each: "U" (the
 * client sends N bytes and gets the SHA-256 of what arrived), "D" (the
 * server sends N bytes of a fixed pseudo-random stream and then their
 * SHA-256) or "Q" (the server ends). The client pings the peer from a raw
 * ICMP socket until a reply comes (or --wait-ms passes), then uploads and
 * downloads N bytes, checks both digests against the stream's own, and
 * ends the server. Each step prints one line that starts with its name
 * and "ok" or "FAIL" (with the throughput in MB/s); the script makes its
 * KTAP results of them.
 *
 * Exit status: 0 when every step passed; 1 when a step failed; 2 when the
 * ping got no reply in time; 3 for bad arguments or when the interface
 * could not be made (a bad or busy address).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/asm-generic/socket.h>

#define PEER_PORT	5001
#define PEER_CHUNK	65536
#define PEER_MAGIC	0x4c4b4c4eU	/* "LKLN" */
#define PEER_IO_MS	20000
#define PING_EVERY_MS	250
#define ICMP_ECHO	8
#define ICMP_ECHOREPLY	0

#define EXIT_FAIL	1
#define EXIT_NOREPLY	2
#define EXIT_SETUP	3

/* The request that opens a connection: magic, op, length, big-endian. */
struct peer_req {
	unsigned char magic[4];
	unsigned char op;
	unsigned char pad[3];
	unsigned char len[8];
};

static const char *prog = "net-peer";

/* SHA-256 (FIPS 180-4), for the transfers' checksums. */
struct sha256 {
	__lkl__u32 h[8];
	unsigned char buf[64];
	__lkl__u64 bytes;
};

static const __lkl__u32 sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static __lkl__u32 ror(__lkl__u32 x, int n)
{
	return x >> n | x << (32 - n);
}

static void sha256_block(struct sha256 *s, const unsigned char *p)
{
	__lkl__u32 w[64], v[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (__lkl__u32)p[4 * i] << 24 | (__lkl__u32)p[4 * i + 1] << 16 |
		       (__lkl__u32)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3) +
		       (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10);
	memcpy(v, s->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[i] + w[i];
		t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void sha256_init(struct sha256 *s)
{
	static const __lkl__u32 h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, h0, sizeof(h0));
	s->bytes = 0;
}

static void sha256_add(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t used = s->bytes % 64, n;

	s->bytes += len;
	if (used) {
		n = len < 64 - used ? len : 64 - used;
		memcpy(s->buf + used, p, n);
		p += n;
		len -= n;
		if (used + n < 64)
			return;
		sha256_block(s, s->buf);
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_block(s, p);
	memcpy(s->buf, p, len);
}

static void sha256_end(struct sha256 *s, unsigned char out[32])
{
	__lkl__u64 bits = s->bytes * 8;
	unsigned char pad[72] = { 0x80 };
	size_t n = (s->bytes % 64 < 56 ? 56 : 120) - s->bytes % 64;
	int i;

	for (i = 0; i < 8; i++)
		pad[n + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_add(s, pad, n + 8);
	for (i = 0; i < 32; i++)
		out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

/* The fixed stream both ends know: xorshift64*, eight bytes a step. */
static void stream_fill(__lkl__u64 *state, unsigned char *buf, size_t len)
{
	__lkl__u64 x = *state, r;
	size_t i;

	for (i = 0; i < len; i += 8) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		r = x * 0x2545f4914f6cdd1dULL;
		memcpy(buf + i, &r, len - i < 8 ? len - i : 8);
	}
	*state = x;
}

#define STREAM_SEED	0x9e3779b97f4a7c15ULL

/* The SHA-256 of the first @len bytes of the stream. */
static void stream_digest(unsigned long long len, unsigned char out[32])
{
	static unsigned char buf[PEER_CHUNK];
	__lkl__u64 st = STREAM_SEED;
	struct sha256 s;
	size_t n;

	sha256_init(&s);
	for (; len; len -= n) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		stream_fill(&st, buf, n);
		sha256_add(&s, buf, n);
	}
	sha256_end(&s, out);
}

static unsigned long long now_ms(void)
{
	return lkl_host_ops.time() / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct __lkl__kernel_timespec ts = { ms / 1000,
					     (ms % 1000) * 1000000LL };

	lkl_sys_nanosleep(&ts, NULL);
}

static int parse_ipv4(const char *s, struct lkl_in_addr *a)
{
	unsigned int b[4];
	unsigned char *p = (unsigned char *)&a->s_addr;
	char end;
	int i;

	if (sscanf(s, "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3], &end) != 4 ||
	    b[0] > 255 || b[1] > 255 || b[2] > 255 || b[3] > 255)
		return -1;
	/* Network byte order. */
	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)b[i];
	return 0;
}

static void sockaddr_of(struct lkl_sockaddr_in *sa, struct lkl_in_addr a,
			unsigned int port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = LKL_AF_INET;
	sa->sin_addr = a;
	((unsigned char *)&sa->sin_port)[0] = (unsigned char)(port >> 8);
	((unsigned char *)&sa->sin_port)[1] = (unsigned char)port;
}

static void set_timeouts(int fd, int ms)
{
	struct lkl_timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	/* The kernel's own struct timeval: the _OLD options on 64 bits. */
	lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_RCVTIMEO_OLD,
			   (void *)&tv, sizeof(tv));
	lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_SNDTIMEO_OLD,
			   (void *)&tv, sizeof(tv));
}

/* Read or write all of @len bytes; 0 or a negative LKL errno. */
static long io_all(int fd, void *buf, size_t len, bool write)
{
	char *p = buf;
	long n;

	while (len) {
		n = write ? lkl_sys_write(fd, p, len) : lkl_sys_read(fd, p, len);
		if (n == -LKL_EINTR)
			continue;
		if (n <= 0)
			return n ? n : -LKL_ECONNRESET;
		p += n;
		len -= n;
	}
	return 0;
}

static void req_make(struct peer_req *r, char op, unsigned long long len)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 4; i++)
		r->magic[i] = (unsigned char)(PEER_MAGIC >> (24 - 8 * i));
	r->op = op;
	for (i = 0; i < 8; i++)
		r->len[i] = (unsigned char)(len >> (56 - 8 * i));
}

static bool req_parse(const struct peer_req *r, unsigned long long *len)
{
	__lkl__u32 magic = 0;
	int i;

	for (i = 0; i < 4; i++)
		magic = magic << 8 | r->magic[i];
	*len = 0;
	for (i = 0; i < 8; i++)
		*len = *len << 8 | r->len[i];
	return magic == PEER_MAGIC;
}

/*
 * Send (@send) or receive @len bytes of the stream on @fd, hashing them
 * into @s; received bytes are only hashed, so a corrupt byte shows.
 */
static long stream_io(int fd, unsigned long long len, bool send,
		      struct sha256 *s)
{
	static unsigned char buf[PEER_CHUNK];
	__lkl__u64 st = STREAM_SEED;
	size_t n;
	long ret;

	sha256_init(s);
	for (; len; len -= n) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		if (send)
			stream_fill(&st, buf, n);
		ret = io_all(fd, buf, n, send);
		if (ret < 0)
			return ret;
		sha256_add(s, buf, n);
	}
	return 0;
}

/* Serve one connection; returns 1 after "Q", 0, or a negative errno. */
static long serve_one(int fd)
{
	unsigned char digest[32];
	unsigned long long len;
	struct peer_req r;
	struct sha256 s;
	long ret;

	set_timeouts(fd, PEER_IO_MS);
	ret = io_all(fd, &r, sizeof(r), false);
	if (ret < 0)
		return ret;
	if (!req_parse(&r, &len))
		return -LKL_EPROTO;
	switch (r.op) {
	case 'Q':
		return 1;
	case 'U':
		ret = stream_io(fd, len, false, &s);
		if (ret < 0)
			return ret;
		sha256_end(&s, digest);
		return io_all(fd, digest, sizeof(digest), true);
	case 'D':
		ret = stream_io(fd, len, true, &s);
		if (ret < 0)
			return ret;
		sha256_end(&s, digest);
		return io_all(fd, digest, sizeof(digest), true);
	default:
		return -LKL_EPROTO;
	}
}

static int serve_loop(struct lkl_in_addr ip, unsigned int port)
{
	struct lkl_sockaddr_in sa;
	int one = 1;
	long fd, c, ret;

	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, lkl_strerror(fd));
		return EXIT_FAIL;
	}
	lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_REUSEADDR, (void *)&one,
			   sizeof(one));
	sockaddr_of(&sa, ip, port);
	ret = lkl_sys_bind(fd, (struct lkl_sockaddr *)&sa, sizeof(sa));
	if (!ret)
		ret = lkl_sys_listen(fd, 4);
	if (ret < 0) {
		fprintf(stderr, "%s: listen: %s\n", prog, lkl_strerror(ret));
		return EXIT_FAIL;
	}
	printf("serve: listening on port %u\n", port);
	fflush(stdout);
	for (;;) {
		c = lkl_sys_accept(fd, NULL, NULL);
		if (c == -LKL_EINTR)
			continue;
		if (c < 0) {
			fprintf(stderr, "%s: accept: %s\n", prog,
				lkl_strerror(c));
			return EXIT_FAIL;
		}
		ret = serve_one(c);
		lkl_sys_close(c);
		if (ret == 1)
			break;
		if (ret < 0)
			fprintf(stderr, "%s: serve: %s\n", prog,
				lkl_strerror(ret));
	}
	lkl_sys_close(fd);
	return 0;
}

static unsigned short icmp_csum(const unsigned char *p, size_t len)
{
	__lkl__u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (__lkl__u32)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (__lkl__u32)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

/* Is @buf (an IPv4 packet) our echo reply number @seq? */
static bool is_reply(const unsigned char *buf, long len, int seq)
{
	long off;

	if (len < 20)
		return false;
	off = (buf[0] & 0xf) * 4;
	if (len < off + 8)
		return false;
	buf += off;
	return buf[0] == ICMP_ECHOREPLY && buf[1] == 0 &&
	       ((buf[4] << 8) | buf[5]) == 0x4c4b &&
	       ((buf[6] << 8) | buf[7]) == seq;
}

/*
 * Ping @peer every PING_EVERY_MS until a reply comes or @wait_ms pass;
 * the first requests may go before the peer is up.
 */
static int ping_peer(struct lkl_in_addr peer, const char *text, int wait_ms)
{
	unsigned long long start = now_ms(), sent;
	unsigned char pkt[64], buf[2048];
	struct lkl_sockaddr_in sa;
	struct lkl_pollfd pfd;
	unsigned short c;
	long fd, ret;
	int seq;

	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_RAW, LKL_IPPROTO_ICMP);
	if (fd < 0) {
		fprintf(stderr, "%s: raw ICMP socket: %s\n", prog,
			lkl_strerror(fd));
		return EXIT_FAIL;
	}
	sockaddr_of(&sa, peer, 0);
	for (seq = 1; now_ms() - start < (unsigned int)wait_ms; seq++) {
		memset(pkt, 'L', sizeof(pkt));
		pkt[0] = ICMP_ECHO;
		pkt[1] = 0;
		pkt[2] = 0;
		pkt[3] = 0;
		pkt[4] = 0x4c;
		pkt[5] = 0x4b;
		pkt[6] = seq >> 8;
		pkt[7] = seq & 0xff;
		c = icmp_csum(pkt, sizeof(pkt));
		pkt[2] = c >> 8;
		pkt[3] = c & 0xff;
		sent = now_ms();
		lkl_sys_sendto(fd, pkt, sizeof(pkt), 0,
			       (struct lkl_sockaddr *)&sa, sizeof(sa));
		while (now_ms() - sent < PING_EVERY_MS) {
			pfd.fd = fd;
			pfd.events = LKL_POLLIN;
			pfd.revents = 0;
			ret = lkl_sys_poll(&pfd, 1, PING_EVERY_MS -
					   (int)(now_ms() - sent));
			if (ret <= 0)
				break;
			ret = lkl_sys_recvfrom(fd, buf, sizeof(buf),
					       LKL_MSG_DONTWAIT, NULL, NULL);
			if (ret > 0 && is_reply(buf, ret, seq)) {
				printf("ping ok: reply from %s (icmp_seq=%d) after %llu ms\n",
				       text, seq, now_ms() - start);
				lkl_sys_close(fd);
				return 0;
			}
		}
	}
	lkl_sys_close(fd);
	printf("ping FAIL: no reply from %s in %d ms\n", text, wait_ms);
	return EXIT_NOREPLY;
}

/* Connect to the server, retrying while it is not up yet. */
static long connect_peer(struct lkl_in_addr peer, unsigned int port)
{
	unsigned long long start = now_ms();
	struct lkl_sockaddr_in sa;
	long fd, ret;

	sockaddr_of(&sa, peer, port);
	for (;;) {
		fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
		if (fd < 0)
			return fd;
		set_timeouts(fd, PEER_IO_MS);
		ret = lkl_sys_connect(fd, (struct lkl_sockaddr *)&sa,
				      sizeof(sa));
		if (!ret)
			return fd;
		lkl_sys_close(fd);
		if (ret != -LKL_ECONNREFUSED || now_ms() - start > PEER_IO_MS)
			return ret;
		sleep_ms(100);
	}
}

/* One transfer: "U" (@up) or "D"; prints its line, returns 0 or 1. */
static int transfer(struct lkl_in_addr peer, unsigned int port, bool up,
		    unsigned long long bytes, const unsigned char want[32])
{
	const char *name = up ? "upload" : "download";
	unsigned char digest[32], theirs[32];
	unsigned long long t0, ms;
	struct peer_req r;
	struct sha256 s;
	long fd, ret;

	fd = connect_peer(peer, port);
	if (fd < 0) {
		printf("%s FAIL: connect: %s\n", name, lkl_strerror(fd));
		return EXIT_FAIL;
	}
	t0 = lkl_host_ops.time();
	req_make(&r, up ? 'U' : 'D', bytes);
	ret = io_all(fd, &r, sizeof(r), true);
	if (!ret)
		ret = stream_io(fd, bytes, up, &s);
	if (!ret)
		ret = io_all(fd, theirs, sizeof(theirs), false);
	ms = (lkl_host_ops.time() - t0) / 1000000;
	lkl_sys_close(fd);
	if (ret < 0) {
		printf("%s FAIL: %s\n", name, lkl_strerror(ret));
		return EXIT_FAIL;
	}
	sha256_end(&s, digest);
	if (memcmp(digest, want, 32) || memcmp(theirs, want, 32)) {
		printf("%s FAIL: %llu bytes, SHA-256 mismatch (%s)\n", name,
		       bytes, memcmp(digest, want, 32) ? "ours" : "theirs");
		return EXIT_FAIL;
	}
	printf("%s ok: %llu bytes in %llu ms, %.1f MB/s, SHA-256 match\n",
	       name, bytes, ms, ms ? bytes / 1e3 / ms : 0.0);
	return 0;
}

static int drive(struct lkl_in_addr peer, const char *text, unsigned int port,
		 unsigned long long bytes, int wait_ms, bool ping_only)
{
	unsigned char want[32];
	struct peer_req r;
	int ret, failed;
	long fd;

	ret = ping_peer(peer, text, wait_ms);
	if (ret || ping_only)
		return ret;
	stream_digest(bytes, want);
	failed = transfer(peer, port, true, bytes, want);
	failed |= transfer(peer, port, false, bytes, want);
	fd = connect_peer(peer, port);
	if (fd >= 0) {
		req_make(&r, 'Q', 0);
		io_all(fd, &r, sizeof(r), true);
		lkl_sys_close(fd);
	}
	return failed ? EXIT_FAIL : 0;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: %s --local HOST:PORT --remote HOST:PORT --ip A.B.C.D/LEN\n"
		"         (--serve | --peer A.B.C.D [--bytes N] [--wait-ms MS] [--ping-only])\n"
		"         [--port TCP_PORT] [--mtu MTU]\n", prog);
	exit(EXIT_SETUP);
}

int main(int argc, char **argv)
{
	const char *local = NULL, *remote = NULL, *ip = NULL, *peer = NULL;
	unsigned long long bytes = 16ULL << 20;
	unsigned int port = PEER_PORT, prefix;
	struct lkl_in_addr ip_addr, peer_addr;
	bool serving = false, ping_only = false;
	struct lkl_netdev *nd;
	char addr[32], *slash;
	int i, wait_ms = 10000, mtu = 0, ifindex, ret;
	long err;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--serve")) {
			serving = true;
			continue;
		}
		if (!strcmp(a, "--ping-only")) {
			ping_only = true;
			continue;
		}
		if (!v)
			print_usage();
		i++;
		if (!strcmp(a, "--local"))
			local = v;
		else if (!strcmp(a, "--remote"))
			remote = v;
		else if (!strcmp(a, "--ip"))
			ip = v;
		else if (!strcmp(a, "--peer"))
			peer = v;
		else if (!strcmp(a, "--bytes"))
			bytes = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--wait-ms"))
			wait_ms = atoi(v);
		else if (!strcmp(a, "--port"))
			port = (unsigned int)atoi(v);
		else if (!strcmp(a, "--mtu"))
			mtu = atoi(v);
		else
			print_usage();
	}
	if (!local || !remote || !ip || serving == !!peer || !port ||
	    port > 65535 || wait_ms <= 0 || mtu < 0)
		print_usage();
	slash = strchr(ip, '/');
	if (!slash || (size_t)(slash - ip) >= sizeof(addr) ||
	    sscanf(slash + 1, "%u", &prefix) != 1 || prefix > 32)
		print_usage();
	memcpy(addr, ip, slash - ip);
	addr[slash - ip] = '\0';
	if (parse_ipv4(addr, &ip_addr) || (peer && parse_ipv4(peer, &peer_addr)))
		print_usage();

	/* Before booting, so that a bad or busy address fails at once. */
	ret = lkl_netdev_udp_create(local, remote, &nd);
	if (ret < 0) {
		fprintf(stderr, "%s: udp backend %s to %s: %s\n", prog, local,
			remote, lkl_strerror(ret));
		return EXIT_SETUP;
	}
	ret = lkl_start_kernel(&lkl_host_ops, "mem=64M loglevel=4");
	if (ret < 0) {
		fprintf(stderr, "%s: boot: %s\n", prog, lkl_strerror(ret));
		return EXIT_SETUP;
	}
	ifindex = lkl_netdev_add(nd, NULL);
	err = ifindex < 0 ? ifindex : 0;
	if (!err && mtu)
		err = lkl_if_set_mtu(ifindex, mtu);
	if (!err)
		err = lkl_if_up(ifindex);
	if (!err)
		err = lkl_if_add_ip(ifindex, LKL_AF_INET, addr, prefix);
	if (err < 0) {
		fprintf(stderr, "%s: interface %s: %s\n", prog, ip,
			lkl_strerror(err));
		lkl_sys_halt();
		return EXIT_SETUP;
	}

	if (serving)
		ret = serve_loop(ip_addr, port);
	else
		ret = drive(peer_addr, peer, port, bytes, wait_ms, ping_only);
	fflush(stdout);
	lkl_netdev_remove(nd);
	lkl_sys_halt();
	lkl_netdev_free(nd);
	return ret;
}
