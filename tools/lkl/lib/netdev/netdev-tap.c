// SPDX-License-Identifier: GPL-2.0
/*
 * The tap and macvtap backends: an existing tap device, attached through
 * /dev/net/tun, or the character device of an existing macvtap. Both take
 * IFF_VNET_HDR with a 12-byte header, so that checksum offload and GSO
 * frames cross in both directions, and TUNSETOFFLOAD tells the host which
 * frames LKL accepts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>

#include <lkl.h>

#include "virtio/netdev.h"
#include "posix/host_io.h"

/*
 * The least transmit queue, in frames, of a tap that LKL attaches to. The
 * host's side queues the frames for LKL there, and drops what does not
 * fit. LKL takes frames off it no faster than its one CPU handles them,
 * so a burst from many connections waits in this queue rather than in
 * socket buffers as on the host; the default 1000 drops requests and
 * ACKs from 1000 busy connections, whose retransmissions then back off
 * for seconds.
 */
#define TAP_MIN_TXQLEN		10000

struct tap_netdev {
	struct lkl_netdev nd;
	int fd;
};

static struct tap_netdev *to_tap(struct lkl_netdev *nd)
{
	return (struct tap_netdev *)nd;
}

static ssize_t tap_tx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	ssize_t ret;

	do {
		ret = lkl_host_io.writev(to_tap(nd)->fd, iov, cnt);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

static ssize_t tap_rx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	ssize_t ret;

	do {
		ret = lkl_host_io.readv(to_tap(nd)->fd, iov, cnt);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

static int tap_set_offloads(struct lkl_netdev *nd, unsigned int offloads)
{
	unsigned int f = 0;

	if (offloads & LKL_NETDEV_OFFLOAD_CSUM)
		f |= TUN_F_CSUM;
	if (offloads & LKL_NETDEV_OFFLOAD_LRO)
		f |= TUN_F_TSO4 | TUN_F_TSO6;
	return lkl_host_io.ioctl(to_tap(nd)->fd, TUNSETOFFLOAD, f) ? -errno : 0;
}

static void tap_free(struct lkl_netdev *nd)
{
	lkl_host_io.close(to_tap(nd)->fd);
	free(nd);
}

static const struct lkl_netdev_ops tap_ops = {
	.tx = tap_tx,
	.rx = tap_rx,
	.set_offloads = tap_set_offloads,
	.free = tap_free,
};

/* Turn on the 12-byte header and non-blocking reads; wrap @fd up. */
static int tap_setup(int fd, struct ifreq *ifr, struct lkl_netdev **ndp)
{
	struct tap_netdev *tap;
	int hdr = 12;

	ifr->ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (lkl_host_io.ioctl(fd, TUNSETIFF, ifr))
		return -errno;
	if (lkl_host_io.ioctl(fd, TUNSETVNETHDRSZ, &hdr) ||
	    lkl_host_io.fcntl(fd, F_SETFL,
			      lkl_host_io.fcntl(fd, F_GETFL) | O_NONBLOCK))
		return -errno;

	tap = calloc(1, sizeof(*tap));
	if (!tap)
		return -ENOMEM;
	tap->fd = fd;
	tap->nd.ops = &tap_ops;
	tap->nd.rx_fd = fd;
	tap->nd.vnet_hdr_len = hdr;
	tap->nd.offloads = LKL_NETDEV_OFFLOAD_ALL;
	/* The descriptor is non-blocking: neither a write nor a read waits. */
	tap->nd.tx_nonblock = true;
	tap->nd.rx_nonblock = true;
	*ndp = &tap->nd;
	return 0;
}

/*
 * Lengthen the transmit queue of the tap @ifr names to TAP_MIN_TXQLEN
 * frames, if it is shorter and the caller may (CAP_NET_ADMIN); a shorter
 * queue only drops more under load, so failing is no error.
 */
static void tap_grow_queue(struct ifreq *ifr)
{
	int s = lkl_host_io.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	if (!lkl_host_io.ioctl(s, SIOCGIFTXQLEN, ifr) &&
	    ifr->ifr_qlen < TAP_MIN_TXQLEN) {
		ifr->ifr_qlen = TAP_MIN_TXQLEN;
		lkl_host_io.ioctl(s, SIOCSIFTXQLEN, ifr);
	}
	lkl_host_io.close(s);
}

int lkl_netdev_tap_create(const char *ifname, struct lkl_netdev **nd)
{
	struct ifreq ifr;
	int fd, ret;

	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ || !nd)
		return -LKL_EINVAL;
	/* TUNSETIFF would make a new tap; only an existing one is wanted. */
	if (!if_nametoindex(ifname))
		return -LKL_ENODEV;

	fd = lkl_host_io.open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	ret = tap_setup(fd, &ifr, nd);
	if (ret) {
		lkl_host_io.close(fd);
		return ret;
	}
	tap_grow_queue(&ifr);
	return 0;
}

int lkl_netdev_macvtap_create(const char *path, struct lkl_netdev **nd)
{
	struct ifreq ifr;
	struct stat st;
	int fd, ret;

	if (!path || !nd)
		return -LKL_EINVAL;
	fd = lkl_host_io.open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = -LKL_EINVAL;
	if (!lkl_host_io.fstat(fd, &st) && S_ISCHR(st.st_mode)) {
		memset(&ifr, 0, sizeof(ifr));
		ret = tap_setup(fd, &ifr, nd);
	}
	if (ret)
		lkl_host_io.close(fd);
	return ret;
}
