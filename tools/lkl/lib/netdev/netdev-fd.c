// SPDX-License-Identifier: GPL-2.0
/*
 * The fd network backend: any open file descriptor that carries one
 * Ethernet frame per read and per write, such as a tap file descriptor
 * the application opened itself, or one end of a SOCK_SEQPACKET or
 * SOCK_DGRAM socket pair. The descriptor stays the caller's: freeing the
 * backend does not close it, nor are its flags changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <lkl.h>

#include "virtio/netdev.h"
#include "posix/host_io.h"

/**
 * struct netdev_fd - an fd backend
 * @nd: the backend; @nd.rx_fd is the caller's descriptor
 * @sock: the descriptor is a socket, so that recvmsg() can report the
 *	full length of a truncated frame and sendmsg() can avoid SIGPIPE
 */
struct netdev_fd {
	struct lkl_netdev nd;
	bool sock;
};

static struct netdev_fd *to_fd(struct lkl_netdev *nd)
{
	return (struct netdev_fd *)nd;
}

static ssize_t fd_tx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = cnt,
	};
	ssize_t n;

	do {
		if (to_fd(nd)->sock)
			n = lkl_host_io.sendmsg(nd->rx_fd, &msg, MSG_NOSIGNAL);
		else
			n = lkl_host_io.writev(nd->rx_fd, iov, cnt);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static ssize_t fd_rx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = cnt,
	};
	ssize_t n;

	do {
		if (to_fd(nd)->sock)
			n = lkl_host_io.recvmsg(nd->rx_fd, &msg,
						 MSG_DONTWAIT | MSG_TRUNC);
		else
			n = lkl_host_io.readv(nd->rx_fd, iov, cnt);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	/* The other end of a socket pair has gone: nothing will come. */
	if (n == 0)
		return -EPIPE;
	return n;
}

static void fd_free(struct lkl_netdev *nd)
{
	free(to_fd(nd));
}

static const struct lkl_netdev_ops fd_ops = {
	.tx = fd_tx,
	.rx = fd_rx,
	.free = fd_free,
};

/**
 * lkl_netdev_fd_create() - a backend on an already open file descriptor
 * @fd: a descriptor that reads and writes one Ethernet frame per call; a
 *	stream socket is refused, since it would lose the frame boundaries
 * @vnet_hdr_len: 0 for plain frames, or the length of the virtio-net
 *	header that precedes each frame: 10, or 12 with num_buffers
 * @nd: receives the backend
 *
 * With a virtio-net header the backend offers every offload; without one
 * it offers none.
 *
 * Return: 0, or a negative LKL errno (-LKL_EBADF if @fd is not open,
 * -LKL_EINVAL for a bad @vnet_hdr_len or a stream socket).
 */
int lkl_netdev_fd_create(int fd, int vnet_hdr_len, struct lkl_netdev **nd)
{
	socklen_t optlen;
	struct netdev_fd *f;
	struct stat st;
	int type;

	if (vnet_hdr_len != 0 && vnet_hdr_len != 10 && vnet_hdr_len != 12)
		return lkl_netdev_err(EINVAL);
	if (fd < 0 || lkl_host_io.fstat(fd, &st))
		return lkl_netdev_err(EBADF);
	if (S_ISSOCK(st.st_mode)) {
		optlen = sizeof(type);
		if (lkl_host_io.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type,
					   &optlen))
			return lkl_netdev_err(errno);
		if (type == SOCK_STREAM)
			return lkl_netdev_err(EINVAL);
	}

	f = calloc(1, sizeof(*f));
	if (!f)
		return lkl_netdev_err(ENOMEM);
	f->sock = S_ISSOCK(st.st_mode);
	f->nd.ops = &fd_ops;
	f->nd.rx_fd = fd;
	f->nd.vnet_hdr_len = vnet_hdr_len;
	f->nd.offloads = vnet_hdr_len ? LKL_NETDEV_OFFLOAD_ALL : 0;
	*nd = &f->nd;
	return 0;
}
