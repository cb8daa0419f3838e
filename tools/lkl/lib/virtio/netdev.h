/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network backends of the host library (internal header).
 *
 * A backend (lib/netdev/netdev-tap.c, ...) embeds a struct lkl_netdev,
 * fills it in and returns it from its lkl_netdev_*_create() function. The
 * virtio-net device (virtio_net.c) then moves frames through its
 * operations: tx on the device's worker thread, rx on the device's receive
 * thread once @rx_fd is readable. Neither is called after
 * lkl_netdev_remove() returns.
 */
#ifndef _LKL_LIB_NETDEV_H
#define _LKL_LIB_NETDEV_H

#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>

#pragma GCC visibility push(hidden)

struct lkl_netdev;

/**
 * struct lkl_netdev_ops - what a backend does
 * @tx: send one frame, given in @iov (virtio-net header first when the
 *	backend's @vnet_hdr_len is not 0). May block. Returns the number of
 *	bytes sent, or a negative host errno; the frame is dropped then.
 * @rx: receive one frame into @iov (header first, as for @tx). Called when
 *	@rx_fd is readable; must not block for long. Returns the frame's
 *	length, -EAGAIN if there was none after all, or another negative host
 *	errno if the backend is broken (the device then stops receiving). A
 *	frame longer than @iov is truncated and reported with its full
 *	length, so that the device can drop it.
 * @set_offloads: optional; called once, before any frame moves, with the
 *	LKL_NETDEV_OFFLOAD_* bits the device offers LKL, so that the backend
 *	can tell the host which frames LKL accepts. Returns 0 or a negative
 *	host errno.
 * @free: release the backend and everything it holds.
 */
struct lkl_netdev_ops {
	ssize_t (*tx)(struct lkl_netdev *nd, const struct iovec *iov, int cnt);
	ssize_t (*rx)(struct lkl_netdev *nd, const struct iovec *iov, int cnt);
	int (*set_offloads)(struct lkl_netdev *nd, unsigned int offloads);
	void (*free)(struct lkl_netdev *nd);
};

/**
 * struct lkl_netdev - a network backend
 * @ops: its operations
 * @rx_fd: polled for POLLIN by the receive thread before @ops->rx
 * @vnet_hdr_len: 0 for plain Ethernet frames; 10 for a struct
 *	virtio_net_hdr before each frame; 12 for a struct
 *	virtio_net_hdr_mrg_rxbuf, whose num_buffers the backend ignores
 * @offloads: the LKL_NETDEV_OFFLOAD_* bits the backend can carry; must be
 *	0 when @vnet_hdr_len is 0
 * @tx_nonblock: @ops->tx never waits (it drops a frame it has no room
 *	for), so the device may call it from the kernel's own thread, with
 *	the kernel's CPU held, for a short frame
 * @rx_nonblock: @ops->rx never waits either (it returns -EAGAIN when no
 *	frame is there), so the receive thread reads the next frame of a
 *	batch without polling @rx_fd first
 * @dev: the virtio-net device while added, private to virtio_net.c
 */
struct lkl_netdev {
	const struct lkl_netdev_ops *ops;
	int rx_fd;
	int vnet_hdr_len;
	unsigned int offloads;
	bool tx_nonblock;
	bool rx_nonblock;
	void *dev;
};

#ifdef _WIN32
/* A host errno as a negative LKL errno: nt/udp-host.c (mingw-w64's differ). */
int lkl_nt_netdev_err(int host_errno);
#define lkl_netdev_err(e)	lkl_nt_netdev_err(e)
#else
/* Convert a host errno to a negative LKL errno (the same numbers on Linux). */
static inline int lkl_netdev_err(int host_errno)
{
	return -host_errno;
}
#endif

/**
 * netdev_udp_check() - check the addresses of a udp backend
 * @local: the local "HOST:PORT", as for lkl_netdev_udp_create()
 * @remote: the remote "HOST:PORT"
 *
 * Only the text is checked; nothing is opened. For lkl_netdev_spec_check().
 *
 * Return: 0, or -EINVAL.
 */
int netdev_udp_check(const char *local, const char *remote);

#pragma GCC visibility pop

#endif /* _LKL_LIB_NETDEV_H */
