// SPDX-License-Identifier: GPL-2.0
/*
 * The vde network backend: a port on a VDE switch (vde_switch), through
 * libvdeplug. VDE carries plain Ethernet frames, so there is no
 * virtio-net header and no offload.
 *
 * libvdeplug sends and receives flat buffers, so each frame is copied
 * once in each direction. The worker thread and the receive thread each
 * have a buffer of their own.
 *
 * Built with libvdeplug only when the Makefile finds it
 * (LKL_HAVE_VDEPLUG); otherwise lkl_netdev_vde_create() says so.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <lkl.h>

#include "virtio/netdev.h"

#ifdef LKL_HAVE_VDEPLUG
#include <libvdeplug.h>

/* The smallest frame: an Ethernet header. */
#define VDE_MIN_FRAME	14

/**
 * struct netdev_vde - a vde backend
 * @nd: the backend; @nd.rx_fd is vde_datafd()
 * @conn: the connection to the switch
 * @tx_buf: the worker thread's buffer, VDE_ETHBUFSIZE bytes
 * @rx_buf: the receive thread's buffer, VDE_ETHBUFSIZE bytes
 */
struct netdev_vde {
	struct lkl_netdev nd;
	VDECONN *conn;
	char tx_buf[VDE_ETHBUFSIZE];
	char rx_buf[VDE_ETHBUFSIZE];
};

static struct netdev_vde *to_vde(struct lkl_netdev *nd)
{
	return (struct netdev_vde *)nd;
}

static ssize_t vde_tx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	struct netdev_vde *v = to_vde(nd);
	size_t len = 0;
	ssize_t n;
	int i;

	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len > sizeof(v->tx_buf) - len)
			return -EMSGSIZE;
		memcpy(v->tx_buf + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	do {
		n = vde_send(v->conn, v->tx_buf, len, 0);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static ssize_t vde_rx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	struct netdev_vde *v = to_vde(nd);
	size_t off = 0, take;
	ssize_t n;
	int i;

	do {
		n = vde_recv(v->conn, v->rx_buf, sizeof(v->rx_buf),
			     MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	/* The switch has gone. */
	if (n == 0)
		return -EPIPE;
	/* 1 means a frame was received but must be dropped. */
	if (n < VDE_MIN_FRAME)
		return -EAGAIN;

	for (i = 0; i < cnt && off < (size_t)n; i++) {
		take = iov[i].iov_len;
		if (take > n - off)
			take = n - off;
		memcpy(iov[i].iov_base, v->rx_buf + off, take);
		off += take;
	}
	return n;
}

static void vde_free(struct lkl_netdev *nd)
{
	struct netdev_vde *v = to_vde(nd);

	vde_close(v->conn);
	free(v);
}

static const struct lkl_netdev_ops vde_ops = {
	.tx = vde_tx,
	.rx = vde_rx,
	.free = vde_free,
};

/**
 * lkl_netdev_vde_create() - a backend on a VDE switch
 * @sock: the switch's control socket directory, as given to vde_switch -s,
 *	or any VDE URL that libvdeplug understands
 * @nd: receives the backend
 *
 * Return: 0, or a negative LKL errno: -LKL_ENOENT if there is no switch
 * at @sock, or what libvdeplug reported.
 */
int lkl_netdev_vde_create(const char *sock, struct lkl_netdev **nd)
{
	struct netdev_vde *v;
	char *url;
	int err;

	if (!sock || !*sock)
		return lkl_netdev_err(ENOENT);
	v = calloc(1, sizeof(*v));
	url = strdup(sock);
	if (!v || !url) {
		free(v);
		free(url);
		return lkl_netdev_err(ENOMEM);
	}

	errno = 0;
	v->conn = vde_open(url, "lkl", NULL);
	err = errno ? errno : ENOENT;
	free(url);
	if (!v->conn) {
		free(v);
		return lkl_netdev_err(err);
	}
	v->nd.rx_fd = vde_datafd(v->conn);
	if (v->nd.rx_fd < 0) {
		vde_close(v->conn);
		free(v);
		return lkl_netdev_err(EIO);
	}
	v->nd.ops = &vde_ops;
	*nd = &v->nd;
	return 0;
}

#else /* !LKL_HAVE_VDEPLUG */

/**
 * lkl_netdev_vde_create() - a backend on a VDE switch (not built)
 * @sock: the switch's control socket directory
 * @nd: not touched
 *
 * The library was built without libvdeplug.
 *
 * Return: -LKL_EOPNOTSUPP.
 */
int lkl_netdev_vde_create(const char *sock, struct lkl_netdev **nd)
{
	(void)sock;
	(void)nd;
	return -LKL_EOPNOTSUPP;
}

#endif /* LKL_HAVE_VDEPLUG */
