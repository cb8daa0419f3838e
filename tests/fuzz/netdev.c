// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the receive path of a network device: each input is one frame
 * from the backend, a 12-byte virtio-net header (flags, gso_type,
 * hdr_len, gso_size, csum_start, csum_offset, num_buffers) then the
 * Ethernet frame, so that GSO types and sizes, checksum offsets and
 * lengths out of range reach the kernel's virtio_net driver and the
 * stack above it as a hostile host or peer would send them.
 *
 * The backend is lkl_netdev_fd_create() on one end of a SOCK_DGRAM
 * socket pair, with every offload on; the harness writes the input into
 * the other end and waits until the backend has taken it. The interface
 * is up as 10.9.0.1/24 and fe80::1, with a TCP listener on port 80 and
 * a UDP socket on port 53, and what LKL sends back is read and dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "fuzz.h"

#define VNET_HDR_LEN	12
#define FRAME_MAX	(VNET_HDR_LEN + 65550)

const char *const fuzz_name = "netdev";

static const unsigned char lkl_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const unsigned char peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static int sv[2] = { -1, -1 };

static void listen_on(int type, int port)
{
	struct lkl_sockaddr_in sin = {
		.sin_family = LKL_AF_INET,
		.sin_port = htons(port),
	};
	int fd = lkl_sys_socket(LKL_AF_INET, type, 0);

	if (fd < 0)
		return;
	lkl_sys_bind(fd, (struct lkl_sockaddr *)&sin, sizeof(sin));
	if (type == LKL_SOCK_STREAM)
		lkl_sys_listen(fd, 16);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct lkl_netdev_args args = { .offloads = LKL_NETDEV_OFFLOAD_ALL };
	struct lkl_netdev *nd;
	int ifindex, ret;

	(void)argc;
	(void)argv;
	fuzz_seeds_requested();
	fuzz_boot();
	memcpy(args.mac, lkl_mac, 6);
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv)) {
		perror("fuzz-netdev: socketpair");
		exit(1);
	}
	ret = lkl_netdev_fd_create(sv[0], VNET_HDR_LEN, &nd);
	ifindex = ret ? ret : lkl_netdev_add(nd, &args);
	if (ifindex <= 0) {
		fprintf(stderr, "fuzz-netdev: no interface: %s\n",
			lkl_strerror(ifindex));
		exit(1);
	}
	lkl_if_up(1);
	lkl_if_up(ifindex);
	lkl_if_add_ip(ifindex, LKL_AF_INET, "10.9.0.1", 24);
	lkl_if_add_ip(ifindex, LKL_AF_INET6, "fe80::1", 64);
	listen_on(LKL_SOCK_STREAM, 80);
	listen_on(LKL_SOCK_DGRAM, 53);
	return 0;
}

/* Wait until the backend has read everything the harness wrote. */
static void wait_taken(void)
{
	static char drop[FRAME_MAX];
	int i, queued;

	for (i = 0; i < 1000; i++) {
		while (recv(sv[1], drop, sizeof(drop), MSG_DONTWAIT) > 0)
			;
		if (ioctl(sv[0], FIONREAD, &queued) || !queued)
			break;
		sched_yield();
	}
	/* A system call lets the kernel run what the frame raised. */
	lkl_sys_getpid();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < VNET_HDR_LEN + 14 || size > FRAME_MAX)
		return 0;
	if (send(sv[1], data, size, 0) < 0 && errno != ENOBUFS)
		return 0;
	wait_taken();
	return 0;
}

static unsigned short ip_csum(const unsigned char *p, size_t len)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/*
 * A seed: the virtio-net header fields, then Ethernet and, for IPv4,
 * an IP header to 10.9.0.1 with @proto and @plen bytes of @payload.
 */
static int seed(const char *dir, const char *name, int gso_type,
		int gso_size, int csum, const void *payload, size_t plen,
		int proto)
{
	unsigned char f[4096] = { 0 }, *eth = f + VNET_HDR_LEN, *ip = eth + 14;
	size_t len;

	if (csum) {
		f[0] = 1;			/* VIRTIO_NET_HDR_F_NEEDS_CSUM */
		f[6] = 34;			/* csum_start: the L4 header */
		f[8] = proto == 6 ? 16 : 6;	/* csum_offset */
	}
	f[1] = gso_type;
	f[2] = 54;				/* hdr_len */
	f[4] = gso_size & 0xff;
	f[5] = gso_size >> 8;
	f[10] = 1;				/* num_buffers */
	memcpy(eth, lkl_mac, 6);
	memcpy(eth + 6, peer_mac, 6);
	if (proto < 0) {			/* ARP request */
		static const unsigned char arp[] = {
			0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1,
			2, 0, 0, 0, 0, 2, 10, 9, 0, 2,
			0, 0, 0, 0, 0, 0, 10, 9, 0, 1,
		};

		memset(eth, 0xff, 6);
		memcpy(eth + 12, arp, sizeof(arp));
		len = VNET_HDR_LEN + 12 + sizeof(arp);
		return fuzz_write_file(dir, name, f, len);
	}
	eth[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (20 + plen) >> 8;
	ip[3] = (20 + plen) & 0xff;
	ip[6] = 0x40;				/* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, (unsigned char[]){ 10, 9, 0, 2, 10, 9, 0, 1 }, 8);
	ip[10] = ip_csum(ip, 20) >> 8;
	ip[11] = ip_csum(ip, 20) & 0xff;
	memcpy(ip + 20, payload, plen);
	len = VNET_HDR_LEN + 14 + 20 + plen;
	return fuzz_write_file(dir, name, f, len);
}

int fuzz_make_seeds(const char *dir)
{
	static const unsigned char icmp[16] = { 8, 0, 0xf7, 0xfe, 0, 1, 0, 0 };
	unsigned char syn[20] = { 0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0,
				  0x50, 0x02, 0xff, 0xff };
	unsigned char udp[28] = { 0x30, 0x39, 0, 53, 0, 28 };
	unsigned char seg[2020] = { 0x30, 0x39, 0, 80, 0, 0, 0, 2, 0, 0, 0, 0,
				    0x50, 0x18, 0xff, 0xff };
	int err = 0;

	err |= seed(dir, "arp", 0, 0, 0, NULL, 0, -1);
	err |= seed(dir, "icmp", 0, 0, 0, icmp, sizeof(icmp), 1);
	err |= seed(dir, "tcp-syn", 0, 0, 1, syn, sizeof(syn), 6);
	err |= seed(dir, "udp-csum", 0, 0, 1, udp, sizeof(udp), 17);
	/* VIRTIO_NET_HDR_GSO_TCPV4, 1000-byte segments */
	err |= seed(dir, "tcp-gso", 1, 1000, 1, seg, sizeof(seg), 6);
	/* VIRTIO_NET_HDR_GSO_UDP_L4 */
	err |= seed(dir, "udp-gso", 5, 8, 1, udp, sizeof(udp), 17);
	return err ? -1 : 6;
}
