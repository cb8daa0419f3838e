// SPDX-License-Identifier: GPL-2.0
/*
 * bench-net: one end of a TCP throughput or request/response measurement,
 * on the host's stack or on LKL's, with the same code for both, so that
 * bench-net.sh can set LKL against native Linux in one run.
 *
 *   bench-net native ROLE ARGS...
 *   bench-net lkl BACKEND ADDR/PREFIX OFFLOADS ROLE ARGS...
 *
 * BACKEND is a spec of lkl_netdev_create(), such as tap:NAME, raw:IFNAME
 * (opened in the caller's network namespace) or udp:LOCAL,REMOTE for two
 * LKL ends; OFFLOADS is "on" or "off". The roles:
 *
 *   sink PORT                 accept one connection, read to EOF
 *   source ADDR PORT BYTES    connect, write BYTES, wait for the close
 *   rr-server PORT            accept one connection, echo each byte
 *   rr-client ADDR PORT N     N one-byte round trips
 *
 * Each prints one line: "sink BYTES SECONDS", "source BYTES SECONDS" or
 * "rr N MEDIAN_US P99_US". IPv4 only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/asm/socket.h>
#include <lkl/linux/tcp.h>

#define BUF_SIZE	(256 * 1024)

/* The socket calls of one stack; errors are negative errnos. */
struct stack {
	long (*socket)(void);
	long (*bind_listen)(long fd, int port);
	long (*accept)(long fd);
	long (*connect)(long fd, const char *addr, int port);
	long (*read)(long fd, void *buf, size_t len);
	long (*write)(long fd, const void *buf, size_t len);
	long (*nodelay)(long fd);
	long (*shutdown_wr)(long fd);
	void (*close)(long fd);
};

static long host_ret(long ret)
{
	return ret < 0 ? -errno : ret;
}

static long host_socket(void)
{
	return host_ret(socket(AF_INET, SOCK_STREAM, 0));
}

static long host_bind_listen(long fd, int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		return -errno;
	return host_ret(listen(fd, 1));
}

static long host_accept(long fd)
{
	return host_ret(accept(fd, NULL, NULL));
}

static long host_connect(long fd, const char *addr, int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -EINVAL;
	return host_ret(connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
}

static long host_read(long fd, void *buf, size_t len)
{
	return host_ret(read(fd, buf, len));
}

static long host_write(long fd, const void *buf, size_t len)
{
	return host_ret(write(fd, buf, len));
}

static long host_nodelay(long fd)
{
	int one = 1;

	return host_ret(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one)));
}

static long host_shutdown_wr(long fd)
{
	return host_ret(shutdown(fd, SHUT_WR));
}

static void host_close(long fd)
{
	close(fd);
}

static const struct stack host_stack = {
	host_socket, host_bind_listen, host_accept, host_connect, host_read,
	host_write, host_nodelay, host_shutdown_wr, host_close,
};

static long lkl_socket(void)
{
	return lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
}

static long lkl_bind_listen(long fd, int port)
{
	struct lkl_sockaddr_in sin = {
		.sin_family = LKL_AF_INET,
		.sin_port = htons(port),
	};
	int one = 1;
	long ret;

	lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_REUSEADDR, (void *)&one,
			   sizeof(one));
	ret = lkl_sys_bind(fd, (struct lkl_sockaddr *)&sin, sizeof(sin));
	return ret ? ret : lkl_sys_listen(fd, 1);
}

static long lkl_accept(long fd)
{
	return lkl_sys_accept(fd, NULL, NULL);
}

static long lkl_connect(long fd, const char *addr, int port)
{
	struct lkl_sockaddr_in sin = {
		.sin_family = LKL_AF_INET,
		.sin_port = htons(port),
	};

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -EINVAL;
	return lkl_sys_connect(fd, (struct lkl_sockaddr *)&sin, sizeof(sin));
}

static long lkl_read(long fd, void *buf, size_t len)
{
	return lkl_sys_read(fd, buf, len);
}

static long lkl_write(long fd, const void *buf, size_t len)
{
	return lkl_sys_write(fd, buf, len);
}

static long lkl_nodelay(long fd)
{
	int one = 1;

	return lkl_sys_setsockopt(fd, LKL_IPPROTO_TCP, LKL_TCP_NODELAY,
				  (void *)&one, sizeof(one));
}

/* SHUT_WR: the UAPI headers have no name for it. */
static long lkl_shutdown_wr(long fd)
{
	return lkl_sys_shutdown(fd, 1);
}

static void lkl_close(long fd)
{
	lkl_sys_close(fd);
}

static const struct stack lkl_stack = {
	lkl_socket, lkl_bind_listen, lkl_accept, lkl_connect, lkl_read,
	lkl_write, lkl_nodelay, lkl_shutdown_wr, lkl_close,
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(const char *what, long err)
{
	fprintf(stderr, "bench-net: %s: %s\n", what, strerror(-err));
	return 1;
}

static long listen_accept(const struct stack *s, int port)
{
	long lfd, fd;

	lfd = s->socket();
	if (lfd < 0)
		return lfd;
	fd = s->bind_listen(lfd, port);
	if (!fd) {
		/* Tell the script that the port is open. */
		printf("listening\n");
		fflush(stdout);
		fd = s->accept(lfd);
	}
	s->close(lfd);
	return fd;
}

static int sink(const struct stack *s, int port)
{
	static char buf[BUF_SIZE];
	long long total = 0;
	double t0 = 0;
	long fd, n;

	fd = listen_accept(s, port);
	if (fd < 0)
		return fail("accept", fd);
	while ((n = s->read(fd, buf, sizeof(buf))) > 0) {
		if (!total)
			t0 = now();
		total += n;
	}
	printf("%s %lld %.6f\n", __func__, total, now() - t0);
	s->close(fd);
	return n < 0 ? fail("read", n) : 0;
}

static int source(const struct stack *s, const char *addr, int port,
		  long long bytes)
{
	static char buf[BUF_SIZE];
	long long left = bytes;
	double t0;
	long fd, n;

	memset(buf, 0x5a, sizeof(buf));
	fd = s->socket();
	if (fd < 0)
		return fail("socket", fd);
	n = s->connect(fd, addr, port);
	if (n < 0)
		return fail("connect", n);
	t0 = now();
	while (left > 0) {
		n = s->write(fd, buf, left < BUF_SIZE ? left : BUF_SIZE);
		if (n < 0)
			return fail("write", n);
		left -= n;
	}
	/* Done when the sink has read everything and closed. */
	s->shutdown_wr(fd);
	while (s->read(fd, buf, sizeof(buf)) > 0)
		;
	printf("%s %lld %.6f\n", __func__, bytes, now() - t0);
	s->close(fd);
	return 0;
}

static int rr_server(const struct stack *s, int port)
{
	char c;
	long fd, n;

	fd = listen_accept(s, port);
	if (fd < 0)
		return fail("accept", fd);
	s->nodelay(fd);
	while ((n = s->read(fd, &c, 1)) == 1)
		if (s->write(fd, &c, 1) != 1)
			break;
	s->close(fd);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int rr_client(const struct stack *s, const char *addr, int port,
		     int count)
{
	double *lat, t;
	char c = 'r';
	long fd, n;
	int i;

	lat = calloc(count, sizeof(*lat));
	fd = s->socket();
	if (!lat || fd < 0)
		return fail("socket", fd < 0 ? fd : -ENOMEM);
	n = s->connect(fd, addr, port);
	if (n < 0)
		return fail("connect", n);
	s->nodelay(fd);
	for (i = 0; i < count; i++) {
		t = now();
		if (s->write(fd, &c, 1) != 1 || s->read(fd, &c, 1) != 1)
			return fail("round trip", -EIO);
		lat[i] = (now() - t) * 1e6;
	}
	s->close(fd);
	qsort(lat, count, sizeof(*lat), cmp_double);
	printf("rr %d %.1f %.1f\n", count, lat[count / 2],
	       lat[(int)(count * 0.99)]);
	free(lat);
	return 0;
}

static int run_role(const struct stack *s, int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[0], "sink"))
		return sink(s, atoi(argv[1]));
	if (argc == 4 && !strcmp(argv[0], "source"))
		return source(s, argv[1], atoi(argv[2]), atoll(argv[3]));
	if (argc == 2 && !strcmp(argv[0], "rr-server"))
		return rr_server(s, atoi(argv[1]));
	if (argc == 4 && !strcmp(argv[0], "rr-client"))
		return rr_client(s, argv[1], atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "bench-net: bad role; see the top of bench-net.c\n");
	return 2;
}

/* Boot LKL with one interface on @backend, addressed @cidr. */
static int lkl_setup(const char *backend, const char *cidr, bool offloads,
		     struct lkl_netdev **nd)
{
	struct lkl_netdev_args args = {
		.mac = { 0x02, 0x4c, 0x4b, 0x4c, 0x00, 0x02 },
		.offloads = offloads ? LKL_NETDEV_OFFLOAD_ALL : 0,
	};
	char addr[64], cmdline[256], *slash;
	long ret;
	int ifindex;

	snprintf(addr, sizeof(addr), "%s", cidr);
	slash = strchr(addr, '/');
	if (!slash)
		return fail("address (want ADDR/PREFIX)", -EINVAL);
	*slash = 0;

	snprintf(cmdline, sizeof(cmdline), "mem=256M %s",
		 getenv("BENCH_NET_BOOT") ?: "");
	ret = lkl_start_kernel(&lkl_host_ops, cmdline);
	if (ret < 0)
		return fail("lkl_start_kernel", ret);
	ret = lkl_netdev_create(backend, nd);
	if (ret < 0)
		return fail(backend, ret);
	ifindex = lkl_netdev_add(*nd, &args);
	if (ifindex < 0)
		return fail("lkl_netdev_add", ifindex);
	ret = lkl_if_up(ifindex);
	if (!ret)
		ret = lkl_if_add_ip(ifindex, LKL_AF_INET, addr,
				    atoi(slash + 1));
	return ret < 0 ? fail("interface setup", ret) : 0;
}

int main(int argc, char **argv)
{
	struct lkl_netdev *nd = NULL;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "native"))
		return run_role(&host_stack, argc - 2, argv + 2);
	if (argc < 5 || strcmp(argv[1], "lkl")) {
		fprintf(stderr, "usage: see the top of bench-net.c\n");
		return 2;
	}
	ret = lkl_setup(argv[2], argv[3], !strcmp(argv[4], "on"), &nd);
	if (!ret)
		ret = run_role(&lkl_stack, argc - 5, argv + 5);
	if (nd)
		lkl_netdev_free(nd);
	lkl_sys_halt();
	return ret;
}
