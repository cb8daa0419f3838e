// SPDX-License-Identifier: GPL-2.0
/*
 * The raw backend: an AF_PACKET socket bound to an existing interface,
 * such as one end of a veth pair. PACKET_VNET_HDR puts a 10-byte
 * virtio-net header before each frame, so that the host hands over
 * CHECKSUM_PARTIAL and GSO frames as they are and takes LKL's the same
 * way. The interface is made promiscuous, since LKL has a MAC address of
 * its own, and frames this socket sent are not read back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <lkl.h>

#include "virtio/netdev.h"
#include "posix/host_io.h"

struct raw_netdev {
	struct lkl_netdev nd;
	int fd;
};

static struct raw_netdev *to_raw(struct lkl_netdev *nd)
{
	return (struct raw_netdev *)nd;
}

static ssize_t raw_tx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = cnt,
	};
	ssize_t ret;

	do {
		ret = lkl_host_io.sendmsg(to_raw(nd)->fd, &msg, 0);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

static ssize_t raw_rx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = cnt,
	};
	ssize_t ret;

	/* MSG_TRUNC: the full length, so that a cut frame is seen as such. */
	do {
		ret = lkl_host_io.recvmsg(to_raw(nd)->fd, &msg,
					  MSG_DONTWAIT | MSG_TRUNC);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	/* With MSG_TRUNC, a frame longer than @iov reports its full length. */
	return ret;
}

static void raw_free(struct lkl_netdev *nd)
{
	lkl_host_io.close(to_raw(nd)->fd);
	free(nd);
}

static const struct lkl_netdev_ops raw_ops = {
	.tx = raw_tx,
	.rx = raw_rx,
	.free = raw_free,
};

int lkl_netdev_raw_create(const char *ifname, struct lkl_netdev **nd)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct packet_mreq mr = { .mr_type = PACKET_MR_PROMISC };
	struct raw_netdev *raw;
	int fd, ifindex, one = 1;

	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ || !nd)
		return -LKL_EINVAL;
	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return -LKL_ENODEV;

	/* Protocol 0 receives nothing until bound to the interface. */
	fd = lkl_host_io.socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	mr.mr_ifindex = ifindex;
	if (lkl_host_io.setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one,
				   sizeof(one)) ||
	    lkl_host_io.setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING,
				   &one, sizeof(one)) ||
	    lkl_host_io.bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    lkl_host_io.setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
				   sizeof(mr))) {
		int err = -errno;

		lkl_host_io.close(fd);
		return err;
	}

	raw = calloc(1, sizeof(*raw));
	if (!raw) {
		lkl_host_io.close(fd);
		return -LKL_ENOMEM;
	}
	raw->fd = fd;
	raw->nd.ops = &raw_ops;
	raw->nd.rx_fd = fd;
	raw->nd.vnet_hdr_len = 10;
	raw->nd.offloads = LKL_NETDEV_OFFLOAD_ALL;
	*nd = &raw->nd;
	return 0;
}
