// SPDX-License-Identifier: GPL-2.0
/*
 * The pipe network backend: frames over a pair of named FIFOs, so that
 * two LKL processes on one host can talk without any privilege.
 *
 * A FIFO is a byte stream, so each frame is sent as a 4-byte length in
 * host byte order (both ends are on the same host) followed by that many
 * bytes: a 12-byte virtio-net header, then the Ethernet frame. The peer
 * is another LKL whose virtio-net takes partial checksums and GSO frames
 * as they are, so the backend offers every offload.
 *
 * Only the device's worker thread writes and only its receive thread
 * reads, so a frame is never interleaved with another even when a write
 * is split.
 *
 * A peer that stops reading (stopped, or its device removed but its
 * backend not freed) must not hold the worker thread for ever, since
 * lkl_netdev_remove() waits for it: both FIFOs are non-blocking once
 * open, and a frame that cannot start within PIPE_FRAME_TIMEOUT_MS is
 * dropped. One that stalls halfway cannot be taken back, so the pipe is
 * then broken for good.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <lkl.h>

#include "virtio/netdev.h"
#include "posix/host_io.h"

/* The virtio-net header with num_buffers, as the device passes it. */
#define PIPE_VNET_HDR_LEN	12
/* The largest frame: a 64 KiB GSO packet, its Ethernet and VLAN headers. */
#define PIPE_MAX_FRAME		(65550 + PIPE_VNET_HDR_LEN)
/* How much room to ask for in each FIFO (the unprivileged maximum). */
#define PIPE_FIFO_SIZE		(1024 * 1024)
/* The most iovecs passed to one writev() or readv(). */
#define PIPE_IOV_MAX		64
/* How long a frame may wait for room, or its rest to arrive. */
#define PIPE_FRAME_TIMEOUT_MS	5000

/**
 * struct netdev_pipe - a pipe backend
 * @nd: the backend; @nd.rx_fd is the FIFO read from, non-blocking
 * @tx_fd: the FIFO written to, non-blocking
 * @tx_broken: a frame was left half written: send nothing more
 */
struct netdev_pipe {
	struct lkl_netdev nd;
	int tx_fd;
	bool tx_broken;
};

static struct netdev_pipe *to_pipe(struct lkl_netdev *nd)
{
	return (struct netdev_pipe *)nd;
}

static long long pipe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Write all of @iov (@cnt entries, @len bytes) to the non-blocking @fd,
 * waiting for room at most PIPE_FRAME_TIMEOUT_MS each time. Returns 0, or
 * a negative host errno: -ENOBUFS if nothing could be written,
 * -ETIMEDOUT if the write stalled halfway.
 */
static int pipe_write_all(int fd, struct iovec *iov, int cnt, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	long long deadline = 0;
	bool started = false;
	ssize_t n;

	while (len) {
		n = lkl_host_io.writev(fd, iov,
				       cnt < PIPE_IOV_MAX ? cnt : PIPE_IOV_MAX);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -errno;
			if (!deadline)
				deadline = pipe_now_ms() + PIPE_FRAME_TIMEOUT_MS;
			else if (pipe_now_ms() > deadline)
				return started ? -ETIMEDOUT : -ENOBUFS;
			lkl_host_io.poll(&pfd, 1, 100);
			continue;
		}
		started = true;
		deadline = 0;
		len -= n;
		while (cnt && (size_t)n >= iov->iov_len) {
			n -= iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= n;
		}
	}
	return 0;
}

static ssize_t pipe_tx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	struct netdev_pipe *p = to_pipe(nd);
	struct iovec v[PIPE_IOV_MAX + 1];
	struct iovec *vec = v;
	size_t len = 0;
	uint32_t hdr;
	ssize_t ret;
	int i;

	if (p->tx_broken)
		return -EPIPE;
	for (i = 0; i < cnt; i++)
		len += iov[i].iov_len;
	if (len < PIPE_VNET_HDR_LEN || len > PIPE_MAX_FRAME)
		return -EMSGSIZE;

	if (cnt > PIPE_IOV_MAX) {
		vec = malloc((cnt + 1) * sizeof(*vec));
		if (!vec)
			return -ENOMEM;
	}
	hdr = len;
	vec[0].iov_base = &hdr;
	vec[0].iov_len = sizeof(hdr);
	memcpy(vec + 1, iov, cnt * sizeof(*iov));

	ret = pipe_write_all(p->tx_fd, vec, cnt + 1, sizeof(hdr) + len);
	if (vec != v)
		free(vec);
	if (ret == -ETIMEDOUT)
		p->tx_broken = true;
	return ret < 0 ? ret : (ssize_t)len;
}

/*
 * Read exactly @len bytes from the non-blocking @fd into @iov (@cnt
 * entries, at least @len bytes in all), or into a scratch buffer if @iov
 * is NULL. Waits for them at most PIPE_FRAME_TIMEOUT_MS. If @first, the
 * read may find nothing at all: -EAGAIN then. Returns 0 or a negative
 * host errno: -EPIPE at the end of the stream.
 */
static int pipe_read_exact(int fd, struct iovec *iov, int cnt, size_t len,
			   bool first)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long deadline = 0;
	char scratch[4096];
	struct iovec s;
	ssize_t n;

	while (len) {
		if (iov) {
			n = lkl_host_io.readv(fd, iov,
					      cnt < PIPE_IOV_MAX ? cnt :
					      PIPE_IOV_MAX);
		} else {
			s.iov_base = scratch;
			s.iov_len = len < sizeof(scratch) ? len : sizeof(scratch);
			n = lkl_host_io.readv(fd, &s, 1);
		}
		if (n == 0)
			return -EPIPE;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -errno;
			if (first)
				return -EAGAIN;
			/* Announced but not here yet: the writer is on it. */
			if (!deadline)
				deadline = pipe_now_ms() + PIPE_FRAME_TIMEOUT_MS;
			else if (pipe_now_ms() > deadline)
				return -ETIMEDOUT;
			lkl_host_io.poll(&pfd, 1, 100);
			continue;
		}
		first = false;
		len -= n;
		while (iov && cnt && (size_t)n >= iov->iov_len) {
			n -= iov->iov_len;
			iov++;
			cnt--;
		}
		if (iov && cnt) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= n;
		}
	}
	return 0;
}

static ssize_t pipe_rx(struct lkl_netdev *nd, const struct iovec *iov, int cnt)
{
	struct iovec v[PIPE_IOV_MAX];
	struct iovec *vec = v;
	size_t room = 0, take;
	struct iovec h;
	uint32_t len;
	int vcnt, ret;

	h.iov_base = &len;
	h.iov_len = sizeof(len);
	ret = pipe_read_exact(nd->rx_fd, &h, 1, sizeof(len), true);
	if (ret < 0)
		return ret;
	/* Nothing sane follows a length we would never send. */
	if (len < PIPE_VNET_HDR_LEN || len > PIPE_MAX_FRAME)
		return -EPROTO;

	if (cnt > PIPE_IOV_MAX) {
		vec = malloc(cnt * sizeof(*vec));
		if (!vec)
			return -ENOMEM;
	}
	/* Read what fits into @iov (the copy, which reading advances). */
	for (vcnt = 0; vcnt < cnt && room < len; vcnt++) {
		take = iov[vcnt].iov_len;
		if (take > len - room)
			take = len - room;
		vec[vcnt].iov_base = iov[vcnt].iov_base;
		vec[vcnt].iov_len = take;
		room += take;
	}
	ret = pipe_read_exact(nd->rx_fd, vec, vcnt, room, false);
	if (vec != v)
		free(vec);
	/* ... and drop the rest of a frame too long for it. */
	if (!ret && room < len)
		ret = pipe_read_exact(nd->rx_fd, NULL, 0, len - room, false);
	return ret < 0 ? ret : (ssize_t)len;
}

static void pipe_free(struct lkl_netdev *nd)
{
	struct netdev_pipe *p = to_pipe(nd);

	lkl_host_io.close(p->nd.rx_fd);
	lkl_host_io.close(p->tx_fd);
	free(p);
}

static const struct lkl_netdev_ops pipe_ops = {
	.tx = pipe_tx,
	.rx = pipe_rx,
	.free = pipe_free,
};

/* 0 if @path is a FIFO, else a negative host errno. */
static int pipe_check_fifo(const char *path)
{
	struct stat st;

	if (!path || !*path)
		return -ENOENT;
	if (stat(path, &st))
		return -errno;
	return S_ISFIFO(st.st_mode) ? 0 : -EINVAL;
}

/* Open the FIFO @path with @flags, retrying if a signal interrupts. */
static int pipe_open(const char *path, int flags)
{
	struct stat st;
	int fd;

	do {
		fd = lkl_host_io.open(path, flags | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	/* The name may have been replaced since pipe_check_fifo(). */
	if (lkl_host_io.fstat(fd, &st) || !S_ISFIFO(st.st_mode)) {
		lkl_host_io.close(fd);
		return -EINVAL;
	}
	/* A bigger FIFO holds a few GSO frames; the default holds one. */
	lkl_host_io.fcntl(fd, F_SETPIPE_SZ, PIPE_FIFO_SIZE);
	return fd;
}

/**
 * lkl_netdev_pipe_create() - a backend on a pair of named FIFOs
 * @rx_path: the FIFO frames are read from
 * @tx_path: the FIFO frames are written to
 * @nd: receives the backend
 *
 * The read side is opened first and without blocking, so that the peer's
 * open of its write side (our @rx_path) succeeds at once; then the write
 * side is opened, which waits until the peer has opened its read side.
 * Two processes that swap the paths can therefore start in either order.
 *
 * Return: 0, or a negative LKL errno (-LKL_ENOENT if a FIFO is missing,
 * -LKL_EINVAL if a path is not a FIFO).
 */
int lkl_netdev_pipe_create(const char *rx_path, const char *tx_path,
			   struct lkl_netdev **nd)
{
	struct netdev_pipe *p;
	int ret;

	ret = pipe_check_fifo(rx_path);
	if (!ret)
		ret = pipe_check_fifo(tx_path);
	if (ret)
		return lkl_netdev_err(-ret);

	p = calloc(1, sizeof(*p));
	if (!p)
		return lkl_netdev_err(ENOMEM);

	p->nd.rx_fd = pipe_open(rx_path, O_RDONLY | O_NONBLOCK);
	if (p->nd.rx_fd < 0) {
		ret = p->nd.rx_fd;
		goto err_free;
	}
	p->tx_fd = pipe_open(tx_path, O_WRONLY);
	if (p->tx_fd < 0) {
		ret = p->tx_fd;
		goto err_close;
	}
	/* The open waited for the peer; the writes must not wait long. */
	if (lkl_host_io.fcntl(p->tx_fd, F_SETFL, O_WRONLY | O_NONBLOCK)) {
		ret = -errno;
		lkl_host_io.close(p->tx_fd);
		goto err_close;
	}

	p->nd.ops = &pipe_ops;
	p->nd.vnet_hdr_len = PIPE_VNET_HDR_LEN;
	p->nd.offloads = LKL_NETDEV_OFFLOAD_ALL;
	*nd = &p->nd;
	return 0;

err_close:
	lkl_host_io.close(p->nd.rx_fd);
err_free:
	free(p);
	return lkl_netdev_err(-ret);
}
