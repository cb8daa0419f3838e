// SPDX-License-Identifier: GPL-2.0
/*
 * The unikernel's TCP test server (uk.tcptest=N): it serves N connections
 * on one port, one at a time, each opened by a one-byte command from the
 * peer (scripts/lkl-uk-peer.py):
 *
 *   'R'        the guest reads to the end of the stream, then answers
 *              "LENGTH CRC32\n" (decimal, then 8 hex digits) and closes:
 *              a checksummed transfer from the host to the guest;
 *   'S' LEN\n  the guest sends LEN bytes of the test stream and closes,
 *              and prints the stream's CRC-32 on the console;
 *   'P'        the guest echoes whatever comes until the end of the
 *              stream (the round-trip benchmark, with TCP_NODELAY).
 *
 * The test stream is made of 4096-byte blocks: block k starts with k as
 * a 64-bit little-endian number, and byte j >= 8 of every block is
 * (131 * j + 7) mod 256. The counter catches reordered or repeated
 * blocks; the CRC-32 (the IEEE polynomial, as zlib's) any other change.
 */
#include "uk.h"

#include <lkl.h>
#include <lkl/asm/socket.h>
#include <lkl/linux/tcp.h>

#define UK_TCP_BUF		65536
#define UK_BLOCK		4096
/* shutdown()'s "no more sends": the UAPI headers do not name it. */
#define UK_SHUT_WR		1

static uint32_t crc_table[256];
static char uk_tcp_buf[UK_TCP_BUF];

static void crc32_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

/* The running CRC-32 of zlib: start from 0, feed it back in. */
static uint32_t crc32(uint32_t crc, const void *buf, long len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len-- > 0)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Bytes @off to @off + @len of the test stream into @buf. */
static void stream_fill(char *buf, uint64_t off, long len)
{
	long i;

	for (i = 0; i < len; i++, off++) {
		unsigned int j = off % UK_BLOCK;
		uint64_t block = off / UK_BLOCK;

		buf[i] = j < 8 ? (char)(block >> (8 * j)) : (char)(131 * j + 7);
	}
}

static void put_hex32(char *out, uint32_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 4)
		out[i] = "0123456789abcdef"[v & 15];
}

static long write_all(long fd, const char *buf, long len)
{
	long done = 0, n;

	while (done < len) {
		n = lkl_sys_write(fd, buf + done, len - done);
		if (n <= 0)
			return n ? n : -1;
		done += n;
	}
	return done;
}

/*
 * Ends our side of the stream and waits for the peer to end its own: the
 * peer has then read everything, and the guest may halt with nothing
 * left in its send queue.
 */
static int finish(long conn)
{
	long n;

	if (lkl_sys_shutdown(conn, UK_SHUT_WR))
		return -1;
	while ((n = lkl_sys_read(conn, uk_tcp_buf, UK_TCP_BUF)) > 0)
		;
	return n;
}

static void say(const char *what, uint64_t len, uint32_t crc)
{
	char hex[9] = { 0 };

	put_hex32(hex, crc);
	uk_puts("# tcptest: ");
	uk_puts(what);
	uk_puts(" ");
	uk_put_dec(len);
	uk_puts(" bytes, crc32 ");
	uk_puts(hex);
	uk_puts("\n");
}

/* 'R': the CRC-32 of everything up to the end of the stream, sent back. */
static int tcp_sink(long conn)
{
	char reply[40];
	uint64_t total = 0, v;
	uint32_t crc = 0;
	long n, len = 0;
	char digits[24];
	int i = 0;

	while ((n = lkl_sys_read(conn, uk_tcp_buf, UK_TCP_BUF)) > 0) {
		crc = crc32(crc, uk_tcp_buf, n);
		total += n;
	}
	if (n < 0)
		return -1;
	say("received", total, crc);
	v = total;
	do {
		digits[i++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (i)
		reply[len++] = digits[--i];
	reply[len++] = ' ';
	put_hex32(reply + len, crc);
	len += 8;
	reply[len++] = '\n';
	if (write_all(conn, reply, len) != len)
		return -1;
	return finish(conn);
}

/* 'S' LEN\n: LEN bytes of the test stream. */
static int tcp_source(long conn)
{
	uint64_t len = 0, off = 0;
	uint32_t crc = 0;
	char c;
	long n;

	while (lkl_sys_read(conn, &c, 1) == 1 && c != '\n') {
		if (c < '0' || c > '9')
			return -1;
		len = len * 10 + c - '0';
	}
	while (off < len) {
		n = len - off < UK_TCP_BUF ? (long)(len - off) : UK_TCP_BUF;
		stream_fill(uk_tcp_buf, off, n);
		crc = crc32(crc, uk_tcp_buf, n);
		if (write_all(conn, uk_tcp_buf, n) != n)
			return -1;
		off += n;
	}
	say("sent", len, crc);
	return finish(conn);
}

/* 'P': an echo, for round trips. */
static int tcp_echo(long conn)
{
	int one = 1;
	long n;

	lkl_sys_setsockopt(conn, LKL_IPPROTO_TCP, LKL_TCP_NODELAY, (char *)&one,
			   sizeof(one));
	while ((n = lkl_sys_read(conn, uk_tcp_buf, UK_TCP_BUF)) > 0)
		if (write_all(conn, uk_tcp_buf, n) != n)
			return -1;
	return n < 0 ? -1 : 0;
}

int uk_tcp_test(int port, int count)
{
	struct lkl_sockaddr_in sin;
	long fd, conn, ret;
	int one = 1, served, failed = 0;
	char cmd;

	crc32_init();
	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_REUSEADDR, (char *)&one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = LKL_AF_INET;
	sin.sin_port = (uint16_t)((port & 0xff) << 8 | (port >> 8));
	ret = lkl_sys_bind(fd, (struct lkl_sockaddr *)&sin, sizeof(sin));
	if (!ret)
		ret = lkl_sys_listen(fd, 4);
	if (ret) {
		lkl_sys_close(fd);
		return -1;
	}
	uk_puts("# tcptest: listening on port ");
	uk_put_dec(port);
	uk_puts("\n");
	for (served = 0; served < count; served++) {
		conn = lkl_sys_accept4(fd, NULL, NULL, 0);
		if (conn < 0) {
			failed++;
			break;
		}
		ret = lkl_sys_read(conn, &cmd, 1) == 1 ? 0 : -1;
		if (!ret && cmd == 'R')
			ret = tcp_sink(conn);
		else if (!ret && cmd == 'S')
			ret = tcp_source(conn);
		else if (!ret && cmd == 'P')
			ret = tcp_echo(conn);
		else
			ret = -1;
		if (ret) {
			uk_puts("# tcptest: a connection failed\n");
			failed++;
		}
		lkl_sys_close(conn);
	}
	lkl_sys_close(fd);
	return failed;
}
