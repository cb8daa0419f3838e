// SPDX-License-Identifier: GPL-2.0
/*
 * The application of the LKL unikernel: boots LKL on the rump host over
 * the bare-metal platform, adds QEMU's virtio-mmio devices, and checks
 * that it all works, in KTAP on the serial console. The result is QEMU's
 * exit status through isa-debug-exit: 1 when every test passed, 3 when
 * one failed (the device makes it (status << 1) | 1).
 *
 * Command line (QEMU's -append, plus the virtio_mmio.device=SIZE@ADDR:IRQ
 * entries that QEMU adds for its devices): everything is passed to LKL;
 * uk.disk=SUM names the checksum (FNV-1a, hex) that /hello.txt on the
 * first disk must have; uk.http=N brings eth0 up and serves N HTTP
 * requests on port 80 with the files of that disk, a small demo of a
 * server with no operating system under it; uk.write writes /written.txt
 * on the disk, and uk.written=SUM checks that it is there with that
 * checksum (after a reboot); uk.tcptest=N brings eth0 up and serves N
 * connections of the TCP test (tcptest.c) on port 5001. eth0's address is
 * uk.ip=A.B.C.D/PREFIX, by default 10.0.2.15/24 (QEMU's user network).
 */
#include "uk.h"

#include <lkl.h>
#include <lkl_rump.h>
#include <lkl/asm/socket.h>

#define UK_MAX_DEVICES	8
#define UK_WRITTEN	"written by the LKL unikernel\n"
#define UK_GUEST_IP	0x0a00020fU	/* 10.0.2.15 */
#define UK_PREFIX	24
#define UK_TCP_PORT	5001
/* 2020-01-01: a wall clock before this did not come from the RTC. */
#define UK_WALL_MIN	1577836800LL

static int uk_test_no, uk_failed;

static void ktap(bool ok, const char *name, const char *why)
{
	uk_test_no++;
	if (!ok)
		uk_failed++;
	uk_puts(ok ? "ok " : "not ok ");
	uk_put_dec(uk_test_no);
	uk_puts(" ");
	uk_puts(name);
	if (why && *why) {
		uk_puts(" # ");
		uk_puts(why);
	}
	uk_puts("\n");
}

static void diag_num(const char *what, long long val)
{
	uk_puts("# ");
	uk_puts(what);
	if (val < 0) {
		uk_puts("-");
		val = -val;
	}
	uk_put_dec(val);
	uk_puts("\n");
}

/* Parsing the command line */

static const char *uk_param_value(const char *cmdline, const char *key, const char **next)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!memcmp(p, key, klen)) {
			if (next) {
				*next = p + klen;
				while (**next && **next != ' ')
					(*next)++;
			}
			return p + klen;
		}
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

static uint64_t uk_parse_num(const char **s)
{
	uint64_t v = 0;
	int base = 10;

	if ((*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X')) {
		base = 16;
		*s += 2;
	}
	for (;; (*s)++) {
		char c = **s;
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		v = v * base + d;
	}
	if (**s == 'K' || **s == 'k') {
		v <<= 10;
		(*s)++;
	} else if (**s == 'M' || **s == 'm') {
		v <<= 20;
		(*s)++;
	}
	return v;
}

struct uk_device {
	uint64_t base, size;
	int irq;
};

static int uk_devices(struct uk_device *dev, int max)
{
	const char *p = uk_cmdline(), *v;
	int n = 0;

	while (n < max && (v = uk_param_value(p, "virtio_mmio.device=", &p))) {
		dev[n].size = uk_parse_num(&v);
		if (*v++ != '@')
			break;
		dev[n].base = uk_parse_num(&v);
		if (*v++ != ':')
			break;
		dev[n].irq = uk_parse_num(&v);
		n++;
	}
	return n;
}

/* Interrupts: IOAPIC pin n is LKL's interrupt n. */
static void uk_irq(int pin)
{
	lkl_trigger_irq(pin);
}

/* Tests */

static void uk_thread_fn(void *arg)
{
	long *pid = arg;

	*pid = lkl_sys_getpid();
}

static void test_threads(void)
{
	long pid[2] = { 0, 0 };
	lkl_thread_t t[2];
	int i, ok = 1;

	for (i = 0; i < 2; i++)
		t[i] = lkl_rump_host_ops.thread_create(uk_thread_fn, &pid[i]);
	for (i = 0; i < 2; i++) {
		if (!t[i] || lkl_rump_host_ops.thread_join(t[i]))
			ok = 0;
		else if (pid[i] <= 0)
			ok = 0;
	}
	ktap(ok, "threads", NULL);
}

static void test_sleep(void)
{
	struct __lkl__kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 };
	unsigned long long t0, dt;
	long ret;

	t0 = lkl_rump_host_ops.time();
	ret = lkl_sys_nanosleep(&ts, NULL);
	dt = lkl_rump_host_ops.time() - t0;
	diag_num("sleep of 10 ms took us ", dt / 1000);
	ktap(ret == 0 && dt >= 10000000ULL, "sleep_10ms_not_early", NULL);
}

static uint32_t fnv1a(uint32_t h, const void *buf, long len)
{
	const uint8_t *p = buf;

	while (len-- > 0)
		h = (h ^ *p++) * 16777619U;
	return h;
}

static long read_small(const char *path, char *buf, long len)
{
	long fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_RDONLY, 0), n;

	if (fd < 0)
		return fd;
	n = lkl_sys_read(fd, buf, len - 1);
	lkl_sys_close(fd);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static uint16_t uk_htons(uint16_t v)
{
	return (v << 8) | (v >> 8);
}

static uint32_t uk_htonl(uint32_t v)
{
	return __builtin_bswap32(v);
}

static void uk_sin(struct lkl_sockaddr *sa, uint32_t addr, uint16_t port)
{
	struct lkl_sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = LKL_AF_INET;
	sin.sin_port = uk_htons(port);
	sin.sin_addr.s_addr = uk_htonl(addr);
	memcpy(sa, &sin, sizeof(sin));
}

/* uk.ip=A.B.C.D/PREFIX; false if it is there but malformed. */
static bool uk_ip_param(uint32_t *addr, uint32_t *mask)
{
	const char *p = uk_param_value(uk_cmdline(), "uk.ip=", NULL);
	uint64_t prefix = UK_PREFIX, part;
	int i;

	*addr = UK_GUEST_IP;
	if (p) {
		*addr = 0;
		for (i = 0; i < 4; i++) {
			if (*p < '0' || *p > '9')
				return false;
			part = uk_parse_num(&p);
			if (part > 255 || *p != (i < 3 ? '.' : '/'))
				return false;
			p++;
			*addr = *addr << 8 | part;
		}
		if (*p < '0' || *p > '9')
			return false;
		prefix = uk_parse_num(&p);
		if (prefix < 1 || prefix > 30 || (*p && *p != ' '))
			return false;
	}
	*mask = ~0U << (32 - prefix);
	return true;
}

/* eth0 up with the address of uk.ip=, once. */
static long uk_net_up(void)
{
	static long done = 1;
	uint32_t addr, mask;
	struct lkl_ifreq ifr;
	long fd, ret;

	if (done <= 0)
		return done;
	if (!uk_ip_param(&addr, &mask)) {
		uk_puts("# uk.ip= is not A.B.C.D/PREFIX (PREFIX 1 to 30)\n");
		done = -LKL_EINVAL;
		return done;
	}
	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0);
	if (fd < 0)
		return fd;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_ifrn.ifrn_name, "eth0", 5);
	uk_sin(&ifr.ifr_ifru.ifru_addr, addr, 0);
	ret = lkl_sys_ioctl(fd, LKL_SIOCSIFADDR, (long)&ifr);
	if (!ret) {
		uk_sin(&ifr.ifr_ifru.ifru_netmask, mask, 0);
		ret = lkl_sys_ioctl(fd, LKL_SIOCSIFNETMASK, (long)&ifr);
	}
	if (!ret)
		ret = lkl_sys_ioctl(fd, LKL_SIOCGIFFLAGS, (long)&ifr);
	if (!ret) {
		ifr.ifr_ifru.ifru_flags |= LKL_IFF_UP;
		ret = lkl_sys_ioctl(fd, LKL_SIOCSIFFLAGS, (long)&ifr);
	}
	lkl_sys_close(fd);
	done = ret;
	return ret;
}

static void uk_write_all(long fd, const char *buf, long len)
{
	while (len > 0) {
		long n = lkl_sys_write(fd, buf, len);

		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

static void uk_put_num(char *buf, long *len, unsigned long v)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (i)
		buf[(*len)++] = tmp[--i];
}

/* One request: GET /NAME serves /mnt/NAME, anything else is a 404. */
static void uk_http_serve(long conn)
{
	static char req[2048], body[4096];
	char head[160], path[80] = "/mnt";
	long len = 0, n, fd, blen = 0, hlen;
	int i;

	while (len < (long)sizeof(req) - 1) {
		n = lkl_sys_read(conn, req + len, sizeof(req) - 1 - len);
		if (n <= 0)
			break;
		len += n;
		req[len] = 0;
		if (len >= 4 && !memcmp(req + len - 4, "\r\n\r\n", 4))
			break;
	}
	fd = -1;
	if (len > 5 && !memcmp(req, "GET /", 5)) {
		for (i = 0; i < 70 && req[4 + i] && req[4 + i] != ' ' && req[4 + i] != '?'; i++)
			path[4 + i] = req[4 + i];
		path[4 + i] = 0;
		/* No way out of /mnt. */
		if (!uk_param_value(path, "..", NULL))
			fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_RDONLY, 0);
	}
	if (fd >= 0) {
		blen = lkl_sys_read(fd, body, sizeof(body));
		lkl_sys_close(fd);
	}
	if (fd < 0 || blen < 0) {
		static const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";

		uk_write_all(conn, nf, sizeof(nf) - 1);
		return;
	}
	hlen = 0;
	memcpy(head, "HTTP/1.0 200 OK\r\nContent-Length: ", 33);
	hlen = 33;
	uk_put_num(head, &hlen, blen);
	memcpy(head + hlen, "\r\nConnection: close\r\n\r\n", 23);
	hlen += 23;
	uk_write_all(conn, head, hlen);
	uk_write_all(conn, body, blen);
}

static void test_http(void)
{
	const char *n = uk_param_value(uk_cmdline(), "uk.http=", NULL);
	struct lkl_sockaddr sa;
	long fd, conn, ret;
	int one = 1, served = 0, want;

	if (!n) {
		ktap(true, "net_up", "SKIP no uk.http= on the command line");
		ktap(true, "http_served", "SKIP no uk.http= on the command line");
		return;
	}
	want = uk_parse_num(&n);
	ret = uk_net_up();
	if (ret)
		diag_num("bringing eth0 up: ", ret);
	ktap(ret == 0, "net_up", ret ? "no network device" : NULL);
	if (ret) {
		ktap(false, "http_served", "no network");
		return;
	}
	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
	lkl_sys_setsockopt(fd, LKL_SOL_SOCKET, LKL_SO_REUSEADDR, (char *)&one, sizeof(one));
	uk_sin(&sa, 0, 80);
	ret = fd < 0 ? fd : lkl_sys_bind(fd, &sa, sizeof(struct lkl_sockaddr_in));
	if (!ret)
		ret = lkl_sys_listen(fd, 8);
	if (ret) {
		diag_num("listening on port 80: ", ret);
		ktap(false, "http_served", "cannot listen");
		return;
	}
	uk_puts("# http: listening on port 80\n");
	while (served < want) {
		conn = lkl_sys_accept4(fd, NULL, NULL, 0);
		if (conn < 0)
			break;
		uk_http_serve(conn);
		lkl_sys_close(conn);
		served++;
	}
	lkl_sys_close(fd);
	diag_num("http: requests served: ", served);
	ktap(served == want, "http_served", NULL);
}

/* uk.tcptest=N: the TCP test server, after the disk's tests. */
static void test_tcp(void)
{
	const char *n = uk_param_value(uk_cmdline(), "uk.tcptest=", NULL);
	long ret;

	if (!n)
		return;
	ret = uk_net_up();
	if (ret) {
		diag_num("bringing eth0 up: ", ret);
		ktap(false, "tcp_test", "eth0 is not up");
		return;
	}
	ret = uk_tcp_test(UK_TCP_PORT, uk_parse_num(&n));
	ktap(ret == 0, "tcp_test", ret < 0 ? "cannot listen" : NULL);
}

/* The wall clock starts from the RTC: the host compares it with its own. */
static void test_wall_clock(void)
{
	struct __lkl__kernel_timespec ts = { 0, 0 };
	long ret;

	ret = lkl_sys_clock_gettime(LKL_CLOCK_REALTIME, &ts);
	diag_num("wall clock, s since the epoch: ", ts.tv_sec);
	ktap(ret == 0 && ts.tv_sec >= UK_WALL_MIN, "wall_clock_from_rtc", NULL);
}

/* /mnt/written.txt: written with uk.write, checked with uk.written=SUM. */
static void test_written(bool mounted)
{
	const char *sum = uk_param_value(uk_cmdline(), "uk.written=", NULL);
	bool write = uk_param_value(uk_cmdline(), "uk.write", NULL);
	char buf[256];
	long fd, n, ret;

	if (!mounted) {
		if (write)
			ktap(false, "disk_write", "no disk");
		if (sum)
			ktap(false, "disk_written_survives", "no disk");
		return;
	}
	if (write) {
		fd = lkl_sys_openat(LKL_AT_FDCWD, "/mnt/written.txt",
				    LKL_O_WRONLY | LKL_O_CREAT | LKL_O_TRUNC, 0644);
		ret = fd < 0 ? fd : lkl_sys_write(fd, UK_WRITTEN, sizeof(UK_WRITTEN) - 1);
		if (fd >= 0 && lkl_sys_fsync(fd))
			ret = -1;
		if (fd >= 0)
			lkl_sys_close(fd);
		ktap(ret == sizeof(UK_WRITTEN) - 1, "disk_write", NULL);
	}
	if (sum) {
		n = read_small("/mnt/written.txt", buf, sizeof(buf));
		ret = n > 0 && uk_parse_num(&sum) == fnv1a(2166136261U, buf, n);
		ktap(ret, "disk_written_survives", n > 0 ? NULL : "no /written.txt");
	}
}

static void test_disk(void)
{
	const char *want = uk_param_value(uk_cmdline(), "uk.disk=", NULL);
	char buf[4096], dev[32];
	unsigned int major = 0, minor = 0;
	uint32_t sum = 2166136261U;
	const char *p;
	long fd, n, ret;

	if (!want) {
		ktap(true, "disk_read_checksum", "SKIP no uk.disk= on the command line");
		test_written(false);
		test_http();
		ktap(true, "disk_umount", "SKIP no uk.disk= on the command line");
		return;
	}
	lkl_sys_mkdirat(LKL_AT_FDCWD, "/sys", 0755);
	lkl_sys_mount("sysfs", "/sys", "sysfs", 0, NULL);
	ret = read_small("/sys/block/vda/dev", dev, sizeof(dev));
	if (ret <= 0) {
		diag_num("reading /sys/block/vda/dev: ", ret);
		ktap(false, "disk_read_checksum", "no virtio disk");
		test_written(false);
		test_http();
		ktap(false, "disk_umount", "no virtio disk");
		return;
	}
	p = dev;
	major = uk_parse_num(&p);
	if (*p == ':') {
		p++;
		minor = uk_parse_num(&p);
	}
	ret = lkl_sys_mknodat(LKL_AT_FDCWD, "/vda", LKL_S_IFBLK | 0600,
			      (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12));
	if (!ret)
		ret = lkl_sys_mkdirat(LKL_AT_FDCWD, "/mnt", 0755);
	if (!ret)
		ret = lkl_sys_mount("/vda", "/mnt", "ext4", 0, NULL);
	if (ret) {
		diag_num("mounting the disk: ", ret);
		ktap(false, "disk_read_checksum", "mount failed");
		test_written(false);
		test_http();
		ktap(false, "disk_umount", "mount failed");
		return;
	}
	fd = lkl_sys_openat(LKL_AT_FDCWD, "/mnt/hello.txt", LKL_O_RDONLY, 0);
	while (fd >= 0 && (n = lkl_sys_read(fd, buf, sizeof(buf))) > 0)
		sum = fnv1a(sum, buf, n);
	if (fd >= 0)
		lkl_sys_close(fd);
	p = want;
	ret = fd >= 0 && uk_parse_num(&p) == sum;
	uk_puts("# /hello.txt: FNV-1a ");
	uk_put_hex(sum);
	uk_puts("\n");
	ktap(ret, "disk_read_checksum", NULL);
	test_written(true);
	test_http();
	ktap(lkl_sys_umount2("/mnt", 0) == 0, "disk_umount", NULL);
}

void uk_main(uint32_t start_paddr);
void uk_main(uint32_t start_paddr)
{
	const struct uk_pvh_start *start = (const void *)(uintptr_t)start_paddr;
	struct uk_device devs[UK_MAX_DEVICES];
	struct lkl_new_utsname uts;
	unsigned long long t0;
	int ndev, i, ok;
	long ret;

	uk_hw_init(start);
	uk_sched_init();
	uk_puts("KTAP version 1\n1..");
	uk_put_dec(12 + !!uk_param_value(uk_cmdline(), "uk.write", NULL) +
		   !!uk_param_value(uk_cmdline(), "uk.written=", NULL) +
		   !!uk_param_value(uk_cmdline(), "uk.tcptest=", NULL));
	uk_puts("\n");
	uk_puts("# cmdline: ");
	uk_puts(uk_cmdline());
	uk_puts("\n");
	diag_num("free memory, KiB: ", uk_mem_free_bytes() >> 10);
	uk_irq_thread_start(uk_irq);

	t0 = lkl_rump_host_ops.time();
	/* The kernel log would break the KTAP stream: only with uk.verbose. */
	if (!uk_param_value(uk_cmdline(), "uk.verbose", NULL))
		lkl_rump_host_ops.print = NULL;
	ret = lkl_start_kernel(&lkl_rump_host_ops, uk_cmdline());
	diag_num("lkl_start_kernel, us: ", (lkl_rump_host_ops.time() - t0) / 1000);
	ktap(ret == 0, "boot", NULL);
	if (ret) {
		diag_num("lkl_start_kernel: ", ret);
		uk_puts("# 0 passed, 1 failed\n");
		uk_halt(1);
	}

	ret = lkl_sys_getpid();
	ktap(ret > 0, "syscall_getpid", NULL);
	memset(&uts, 0, sizeof(uts));
	ok = !lkl_sys_uname(&uts) && !memcmp(uts.sysname, "Linux", 6);
	ktap(ok, "syscall_uname", NULL);
	test_threads();
	test_sleep();
	test_wall_clock();

	ndev = uk_devices(devs, UK_MAX_DEVICES);
	for (i = 0, ok = 1; i < ndev; i++) {
		long params[6] = { (long)devs[i].base, (long)devs[i].size, devs[i].irq };

		uk_ioapic_route(devs[i].irq);
		ret = lkl_syscall(LKL_NR_virtio_mmio_add, params);
		if (ret < 0) {
			diag_num("virtio_mmio_add: ", ret);
			ok = 0;
		}
	}
	diag_num("virtio-mmio devices: ", ndev);
	ktap(ok, "virtio_mmio_add", NULL);
	test_disk();
	test_tcp();

	ret = lkl_sys_halt();
	ktap(ret == 0, "halt", NULL);
	uk_puts("# ");
	uk_put_dec(uk_test_no - uk_failed);
	uk_puts(" passed, ");
	uk_put_dec(uk_failed);
	uk_puts(" failed\n");
	uk_halt(uk_failed ? 1 : 0);
}
