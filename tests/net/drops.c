// SPDX-License-Identifier: GPL-2.0
/*
 * Frames that a virtio-net device drops on the host side, before the
 * kernel sees them or after it sent them, are counted and reported. The
 * test feeds an fd backend through a SOCK_SEQPACKET socket pair, with
 * 12-byte virtio-net headers: a frame shorter than its header, one longer
 * than any receive buffer, a GSO frame for an interface without LRO, and
 * a partial checksum that points past the frame for an interface without
 * checksum offload. Each must show in lkl_netdev_get_stats() and the first
 * of each kind in a message, and a good frame must not. A send after the
 * peer went away counts as a transmit error.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/socket.h>

#include <lkl/linux/virtio_net.h>

#include "kselftest_harness.h"
#include "../boot/lkl-test.h"

#define HDR_LEN		12
#define TOO_LONG	70000
#define SOCK_BUF	(1024 * 1024)

/* What LKL printed, kept for the messages about drops. */
static char printed[1 << 16];
static size_t printed_len;
static pthread_mutex_t printed_lock = PTHREAD_MUTEX_INITIALIZER;

static void keep_print(const char *str, int len)
{
	pthread_mutex_lock(&printed_lock);
	if (len > 0 && printed_len + len < sizeof(printed)) {
		memcpy(printed + printed_len, str, len);
		printed_len += len;
	}
	pthread_mutex_unlock(&printed_lock);
	fwrite(str, 1, len, stderr);
}

static bool was_printed(const char *what)
{
	bool found;

	pthread_mutex_lock(&printed_lock);
	printed[printed_len] = 0;
	found = strstr(printed, what);
	pthread_mutex_unlock(&printed_lock);
	return found;
}

/*
 * A frame as the fd backend carries it: a virtio-net header, then a
 * minimal broadcast Ethernet frame of a type nobody handles.
 */
struct frame {
	struct lkl_virtio_net_hdr_v1 hdr;
	unsigned char eth[60];
};

static void frame_init(struct frame *f)
{
	memset(f, 0, sizeof(*f));
	memset(f->eth, 0xff, 6);
	memcpy(f->eth + 6, "\x02\x00\x00\x00\x00\x02", 6);
	f->eth[12] = 0x88;	/* 0x88b5, local experimental */
	f->eth[13] = 0xb5;
}

/* A socket pair and an interface, up, on an fd backend on one end. */
struct dev {
	int sv[2];
	struct lkl_netdev *nd;
	int ifindex;
};

static int dev_add(struct dev *d, unsigned int offloads)
{
	struct lkl_netdev_args args = { .offloads = offloads };
	int size = SOCK_BUF, i, ret;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, d->sv))
		return -errno;
	for (i = 0; i < 2; i++)
		setsockopt(d->sv[i], SOL_SOCKET, SO_SNDBUF, &size,
			   sizeof(size));
	ret = lkl_netdev_fd_create(d->sv[0], HDR_LEN, &d->nd);
	if (ret)
		return ret;
	d->ifindex = lkl_netdev_add(d->nd, &args);
	if (d->ifindex < 0)
		return d->ifindex;
	return lkl_if_up(d->ifindex);
}

/* Wait up to 5 s for the count at @off in the device's to reach @want. */
static unsigned long long wait_stats(struct lkl_netdev *nd, size_t off,
				     unsigned long long want)
{
	struct lkl_netdev_stats s = { 0 };
	unsigned long long *count = (void *)((char *)&s + off);
	int i;

	for (i = 0; i < 500; i++) {
		if (lkl_netdev_get_stats(nd, &s) || *count >= want)
			break;
		usleep(10000);
	}
	return *count;
}

#define WAIT_STATS(nd, field, want) \
	wait_stats(nd, offsetof(struct lkl_netdev_stats, field), want)

TEST(drops)
{
	static char big[HDR_LEN + TOO_LONG];
	struct lkl_netdev_stats st;
	struct dev a, b;
	struct frame f;
	long fd, ret;
	struct lkl_sockaddr_in to = {
		.sin_family = LKL_AF_INET,
		.sin_port = htons(9),
	};

	ASSERT_EQ(HDR_LEN, sizeof(struct lkl_virtio_net_hdr_v1));
	lkl_host_ops.print = keep_print;
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	/* a: checksums offloaded, no LRO. b: no offloads at all. */
	ASSERT_EQ(0, dev_add(&a, LKL_NETDEV_OFFLOAD_CSUM));
	ASSERT_EQ(0, dev_add(&b, 0));

	/* A good frame is no drop. */
	frame_init(&f);
	ASSERT_EQ(sizeof(f), write(a.sv[1], &f, sizeof(f)));

	/* Shorter than the header. */
	ASSERT_EQ(5, write(a.sv[1], &f, 5));
	EXPECT_EQ(1, WAIT_STATS(a.nd, rx_short, 1));

	/* Longer than the largest frame the buffers can hold. */
	memcpy(big, &f, sizeof(f));
	ASSERT_EQ(sizeof(big), write(a.sv[1], big, sizeof(big)));
	EXPECT_EQ(1, WAIT_STATS(a.nd, rx_too_long, 1));

	/* GSO, twice: counted twice, reported once. */
	f.hdr.gso_type = LKL_VIRTIO_NET_HDR_GSO_TCPV4;
	f.hdr.gso_size = htole16(1448);
	ASSERT_EQ(sizeof(f), write(a.sv[1], &f, sizeof(f)));
	ASSERT_EQ(sizeof(f), write(a.sv[1], &f, sizeof(f)));
	EXPECT_EQ(2, WAIT_STATS(a.nd, rx_gso, 2));

	/* A checksum field past the end, for a driver that cannot help. */
	frame_init(&f);
	f.hdr.flags = LKL_VIRTIO_NET_HDR_F_NEEDS_CSUM;
	f.hdr.csum_start = htole16(14);
	f.hdr.csum_offset = htole16(200);
	ASSERT_EQ(sizeof(f), write(b.sv[1], &f, sizeof(f)));
	EXPECT_EQ(1, WAIT_STATS(b.nd, rx_csum, 1));

	ASSERT_EQ(0, lkl_netdev_get_stats(a.nd, &st));
	EXPECT_EQ(0, st.rx_csum);
	EXPECT_EQ(0, st.tx_errors);
	EXPECT_TRUE(was_printed("shorter than its virtio-net header"));
	EXPECT_TRUE(was_printed("longer than the receive buffers"));
	EXPECT_TRUE(was_printed("a GSO frame, and the interface has no LRO"));
	EXPECT_TRUE(was_printed("partial checksum could not be completed"));

	/* The peer goes away: what LKL sends then fails on the host. */
	close(a.sv[1]);
	ASSERT_EQ(0, lkl_if_add_ip(a.ifindex, LKL_AF_INET, "10.9.0.1", 24));
	ASSERT_EQ(0, lkl_neigh_add(a.ifindex, LKL_AF_INET, "10.9.0.2",
				   (const unsigned char *)"\x02\0\0\0\0\x02"));
	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, inet_pton(AF_INET, "10.9.0.2", &to.sin_addr));
	ret = lkl_sys_sendto(fd, "x", 1, 0, (struct lkl_sockaddr *)&to,
			     sizeof(to));
	EXPECT_EQ(1, ret);
	EXPECT_LE(1, WAIT_STATS(a.nd, tx_errors, 1));
	lkl_sys_close(fd);

	/* Not added: no counts. */
	EXPECT_EQ(-LKL_EINVAL, lkl_netdev_get_stats(NULL, &st));
	EXPECT_EQ(-LKL_EINVAL, lkl_netdev_get_stats(a.nd, NULL));
	EXPECT_EQ(0, lkl_netdev_remove(a.nd));
	EXPECT_EQ(-LKL_EINVAL, lkl_netdev_get_stats(a.nd, &st));

	EXPECT_EQ(0, lkl_sys_halt());
	lkl_netdev_free(a.nd);
	lkl_netdev_free(b.nd);
}

TEST_HARNESS_MAIN
