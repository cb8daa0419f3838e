// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-net device: one receive and one transmit queue between the
 * kernel's virtio_net driver and a network backend (netdev.h).
 *
 * Transmit runs on the virtio layer's worker thread: each chain is one
 * frame, handed to the backend as it is, with no copy. A few short frames
 * to a backend that never waits are sent by the kernel's own thread
 * instead, which spares a request/response exchange a thread wakeup.
 * Receive has a
 * thread of its own, because its chains wait for frames rather than for
 * the driver: it polls the backend, gathers enough receive buffers for the
 * largest frame, lets the backend read the frame straight into them and
 * gives the driver as many buffers as the frame filled (mergeable receive
 * buffers). When the driver has too few buffers, the thread waits for its
 * next notification.
 *
 * The kernel always sees a 12-byte struct virtio_net_hdr_mrg_rxbuf before
 * each frame (VIRTIO_F_VERSION_1). Backends give 12, 10 or no header
 * bytes; the iovecs below are cut so that the backend's bytes land in
 * place, and a missing header reads as "no offload".
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lkl.h>
#include <lkl/linux/virtio_ids.h>
#include <lkl/linux/virtio_net.h>

#include "virtio/netdev.h"
#include "api/sysfs.h"
#include "virtio/virtio.h"
#include "virtio/vnet-host.h"

#define VNET_RXQ		0
#define VNET_TXQ		1
#define VNET_HDR_LEN		12

/* The largest frame: a 64 KiB GSO packet, Ethernet and VLAN headers. */
#define VNET_MAX_FRAME		(VNET_HDR_LEN + 14 + 4 + 65535)
/* Receive buffers (chains) and their segments for one frame. */
#define VNET_RX_CHAINS		256
#define VNET_RX_IOVS		512
/* Frames received before the driver gets its interrupt. */
#define VNET_RX_BATCH		64
/* The most frames, and bytes, that the kernel's thread sends itself. */
#define VNET_TX_NOW_FRAMES	4
#define VNET_TX_NOW_BYTES	16384

/* Ends of a receive attempt that are not a frame received. */
enum vnet_rx {
	VNET_RX_NONE,		/* the backend had no frame */
	VNET_RX_FRAME,		/* one frame received, or dropped */
	VNET_RX_STARVED,	/* too few buffers: wait for the driver */
	VNET_RX_DEAD,		/* the backend or the device is broken */
};

/* Why a received frame was dropped. */
enum vnet_drop {
	VNET_DROP_SHORT,
	VNET_DROP_TOO_LONG,
	VNET_DROP_GSO,
	VNET_DROP_CSUM,
	VNET_DROP_KINDS,
};

struct vnet_chain {
	uint16_t head;
	unsigned int iov;	/* its first segment in vnet_dev.rx_iov */
	unsigned int niov;
	size_t len;
};

/**
 * struct vnet_dev - a virtio-net device
 * @dev: the virtio-mmio device
 * @nd: its backend
 * @config: the configuration space (the MAC address)
 * @kick: wakes @rx_thread (the driver added receive buffers, or the
 *	device is going away)
 * @rx_thread: the receive thread
 * @stop: @rx_thread must end
 * @mrg: the driver accepted mergeable receive buffers
 * @guest_csum: the driver accepts frames with a partial checksum
 * @guest_gso: the driver accepts GSO frames
 * @stats: frames dropped on the host side
 * @warned: a drop of that kind (enum vnet_drop) was reported
 * @ifindex: the interface's index inside LKL, once it is known
 * @rx_req: scratch space for looking at receive chains
 * @tx_req: scratch space for looking at transmit chains (vnet_serve_now())
 * @rx_chain: the receive chains gathered for the next frame
 * @rx_iov: their segments
 * @be_iov: the segments as the backend sees them
 * @tx_iov: a transmitted frame's segments as the backend sees them
 */
struct vnet_dev {
	struct lkl_virtio_dev dev;
	struct lkl_netdev *nd;
	struct lkl_virtio_net_config config;
	struct vnet_host_kick kick;
	lkl_thread_t rx_thread;
	bool stop;
	bool mrg;
	bool guest_csum;
	bool guest_gso;
	struct lkl_netdev_stats stats;
	bool warned[VNET_DROP_KINDS];
	int ifindex;
	struct lkl_virtio_req rx_req;
	struct lkl_virtio_req tx_req;
	struct vnet_chain rx_chain[VNET_RX_CHAINS];
	struct iovec rx_iov[VNET_RX_IOVS];
	struct iovec be_iov[VNET_RX_IOVS + 1];
	struct iovec tx_iov[LKL_VIRTIO_MAX_BUFS + 1];
};

static struct vnet_dev *to_vnet(struct lkl_virtio_dev *dev)
{
	return (struct vnet_dev *)((char *)dev - offsetof(struct vnet_dev, dev));
}

/*
 * Rewrite the kernel's segments @in (header first) into @out for a backend
 * with @be_hdr header bytes: keep the first @be_hdr bytes of the 12-byte
 * header and drop the rest of it. The header must lie in the first
 * segment. Returns the number of segments in @out, or -1.
 */
static int vnet_cut_header(const struct iovec *in, int cnt, int be_hdr,
			   struct iovec *out)
{
	char *base = in[0].iov_base;
	int n = 0, i;

	if (cnt < 1 || in[0].iov_len < VNET_HDR_LEN)
		return -1;
	if (be_hdr == VNET_HDR_LEN) {
		memcpy(out, in, cnt * sizeof(*in));
		return cnt;
	}
	if (be_hdr) {
		out[n].iov_base = base;
		out[n++].iov_len = be_hdr;
	}
	if (in[0].iov_len > VNET_HDR_LEN) {
		out[n].iov_base = base + VNET_HDR_LEN;
		out[n++].iov_len = in[0].iov_len - VNET_HDR_LEN;
	}
	for (i = 1; i < cnt; i++)
		out[n++] = in[i];
	return n;
}

/* The Internet checksum of @len bytes at @p, folded, not inverted. */
static uint32_t vnet_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The byte at offset @at of the segments @iov (@cnt of them), or NULL. */
static uint8_t *vnet_iov_byte(const struct iovec *iov, int cnt, size_t at)
{
	for (; cnt > 0; iov++, cnt--) {
		if (at < iov->iov_len)
			return (uint8_t *)iov->iov_base + at;
		at -= iov->iov_len;
	}
	return NULL;
}

/*
 * The Internet checksum, folded and not inverted, of @len bytes from
 * offset @at of the segments @iov (@cnt of them), which must hold them.
 */
static uint32_t vnet_iov_csum(const struct iovec *iov, int cnt, size_t at,
			      size_t len)
{
	bool odd = false;
	uint32_t sum = 0;

	for (; len && cnt > 0; iov++, cnt--) {
		const uint8_t *p;
		size_t n;

		if (at >= iov->iov_len) {
			at -= iov->iov_len;
			continue;
		}
		p = (const uint8_t *)iov->iov_base + at;
		n = iov->iov_len - at < len ? iov->iov_len - at : len;
		at = 0;
		len -= n;
		/* A word split across segments: its low byte starts this one. */
		if (odd) {
			sum += *p++;
			n--;
		}
		sum = vnet_csum_add(sum, p, n);
		odd = n & 1;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * Complete the partial checksum of a received frame for a driver that did
 * not accept VIRTIO_NET_F_GUEST_CSUM: a raw socket hands such frames over
 * whatever LKL accepts. The frame, @len bytes with the header, lies in the
 * receive segments, in as many of them as it fills. Returns false if the
 * frame must be dropped.
 */
static bool vnet_rx_csum(struct vnet_dev *vd, struct lkl_virtio_net_hdr_v1 *h,
			 size_t len, int cnt)
{
	uint16_t start = le16toh(h->csum_start), off = le16toh(h->csum_offset);
	size_t at = VNET_HDR_LEN + start;
	uint8_t *hi, *lo;
	uint32_t sum;

	if (!(h->flags & LKL_VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return true;
	if (at + off + 2 > len)
		return false;
	hi = vnet_iov_byte(vd->rx_iov, cnt, at + off);
	lo = vnet_iov_byte(vd->rx_iov, cnt, at + off + 1);
	if (!hi || !lo)
		return false;
	/* The checksum field holds the pseudo-header sum: it is included. */
	sum = vnet_iov_csum(vd->rx_iov, cnt, at, len - at);
	sum = ~sum & 0xffff;
	*hi = sum >> 8;
	*lo = sum & 0xff;
	h->flags &= ~LKL_VIRTIO_NET_HDR_F_NEEDS_CSUM;
	return true;
}

/* Gather receive chains for one frame; returns how many, or -1. */
static int vnet_rx_gather(struct vnet_dev *vd, size_t *total)
{
	unsigned int max = vd->mrg ? VNET_RX_CHAINS : 1;
	struct lkl_virtio_req *req = &vd->rx_req;
	unsigned int n = 0, niov = 0, i;
	int ret;

	*total = 0;
	while (*total < VNET_MAX_FRAME && n < max) {
		struct vnet_chain *c = &vd->rx_chain[n];

		ret = lkl_virtio_queue_peek(&vd->dev, VNET_RXQ, n, req);
		if (ret == -EAGAIN)
			break;
		if (ret || req->nout || !req->nin ||
		    req->buf[0].iov_len < VNET_HDR_LEN)
			return -1;
		if (niov + req->nin > VNET_RX_IOVS)
			break;
		c->head = req->head;
		c->iov = niov;
		c->niov = req->nin;
		c->len = 0;
		for (i = 0; i < req->nin; i++) {
			vd->rx_iov[niov++] = req->buf[i];
			c->len += req->buf[i].iov_len;
		}
		*total += c->len;
		n++;
	}
	return n;
}

/*
 * Count a received frame dropped for @why, and report the first of each
 * kind: nothing else would tell the user why no traffic gets through.
 */
static enum vnet_rx vnet_rx_drop(struct vnet_dev *vd, enum vnet_drop why)
{
	static const char fmt[] =
		"lkl: ifindex %d: dropped a received frame: %s; see lkl_netdev_get_stats()\n";
	static const char *const what[] = {
		[VNET_DROP_SHORT] = "shorter than its virtio-net header",
		[VNET_DROP_TOO_LONG] = "longer than the receive buffers",
		[VNET_DROP_GSO] =
			"a GSO frame, and the interface has no LRO offload (turn GSO and GRO off on the host side)",
		[VNET_DROP_CSUM] = "its partial checksum could not be completed",
	};
	unsigned long long *count[] = {
		[VNET_DROP_SHORT] = &vd->stats.rx_short,
		[VNET_DROP_TOO_LONG] = &vd->stats.rx_too_long,
		[VNET_DROP_GSO] = &vd->stats.rx_gso,
		[VNET_DROP_CSUM] = &vd->stats.rx_csum,
	};

	__atomic_fetch_add(count[why], 1, __ATOMIC_RELAXED);
	if (!__atomic_exchange_n(&vd->warned[why], true, __ATOMIC_RELAXED))
		lkl_printf(fmt, __atomic_load_n(&vd->ifindex, __ATOMIC_RELAXED),
			   what[why]);
	return VNET_RX_FRAME;
}

/* Receive one frame into the driver's buffers; the queue is held. */
static enum vnet_rx vnet_rx_one(struct vnet_dev *vd)
{
	struct lkl_netdev *nd = vd->nd;
	struct lkl_virtio_net_hdr_mrg_rxbuf *h;
	struct lkl_virtio_req *req = &vd->rx_req;
	size_t total, len, left;
	int chains, cnt, used, i, niov;
	ssize_t ret;

	chains = vnet_rx_gather(vd, &total);
	if (chains < 0) {
		lkl_virtio_queue_broken(&vd->dev);
		return VNET_RX_DEAD;
	}
	/* Without mergeable buffers, each chain holds a whole frame. */
	if (!chains || (vd->mrg && total < VNET_MAX_FRAME))
		return VNET_RX_STARVED;

	cnt = vnet_cut_header(vd->rx_iov, vd->rx_chain[chains - 1].iov +
			      vd->rx_chain[chains - 1].niov, nd->vnet_hdr_len,
			      vd->be_iov);
	h = vd->rx_iov[0].iov_base;
	ret = nd->ops->rx(nd, vd->be_iov, cnt);
	if (ret == -EAGAIN || ret == -EINTR)
		return VNET_RX_NONE;
	if (ret < 0)
		return VNET_RX_DEAD;
	if (ret < nd->vnet_hdr_len)
		return vnet_rx_drop(vd, VNET_DROP_SHORT);
	len = ret - nd->vnet_hdr_len + VNET_HDR_LEN;
	if (len > total)
		return vnet_rx_drop(vd, VNET_DROP_TOO_LONG);

	if (nd->vnet_hdr_len < (int)sizeof(h->hdr))
		memset(&h->hdr, 0, sizeof(h->hdr));
	if (h->hdr.gso_type != LKL_VIRTIO_NET_HDR_GSO_NONE && !vd->guest_gso)
		return vnet_rx_drop(vd, VNET_DROP_GSO);
	if (!vd->guest_csum) {
		niov = vd->rx_chain[chains - 1].iov + vd->rx_chain[chains - 1].niov;
		if (!vnet_rx_csum(vd, (struct lkl_virtio_net_hdr_v1 *)h, len,
				  niov))
			return vnet_rx_drop(vd, VNET_DROP_CSUM);
		h->hdr.flags = 0;
	}

	/* Count the chains the frame filled, then hand them back in order. */
	for (used = 0, left = len; left; used++)
		left -= left < vd->rx_chain[used].len ?
			left : vd->rx_chain[used].len;
	h->num_buffers = htole16(used);
	req->dev = &vd->dev;
	req->q = VNET_RXQ;
	for (i = 0, left = len; i < used; i++) {
		size_t n = left < vd->rx_chain[i].len ?
			   left : vd->rx_chain[i].len;

		req->head = vd->rx_chain[i].head;
		lkl_virtio_req_complete(req, n);
		left -= n;
	}
	lkl_virtio_queue_take(&vd->dev, VNET_RXQ, used);
	return VNET_RX_FRAME;
}

/* What the driver accepted; it is fixed while a queue is ready. */
static void vnet_read_features(struct vnet_dev *vd)
{
	uint64_t f = __atomic_load_n(&vd->dev.driver_features,
				     __ATOMIC_RELAXED);

	vd->mrg = f & 1ULL << LKL_VIRTIO_NET_F_MRG_RXBUF;
	vd->guest_csum = f & 1ULL << LKL_VIRTIO_NET_F_GUEST_CSUM;
	vd->guest_gso = f & (1ULL << LKL_VIRTIO_NET_F_GUEST_TSO4 |
			     1ULL << LKL_VIRTIO_NET_F_GUEST_TSO6);
}

/* Receive the frames that are there, then interrupt the driver once. */
static enum vnet_rx vnet_rx_batch(struct vnet_dev *vd)
{
	enum vnet_rx ret = VNET_RX_NONE;
	int n;

	if (!lkl_virtio_queue_hold(&vd->dev, VNET_RXQ))
		return VNET_RX_STARVED;
	vnet_read_features(vd);
	for (n = 0; n < VNET_RX_BATCH; n++) {
		if (n && !vd->nd->rx_nonblock && !vnet_host_readable(vd->nd->rx_fd))
			break;
		ret = vnet_rx_one(vd);
		if (ret != VNET_RX_FRAME)
			break;
	}
	lkl_virtio_queue_interrupt(&vd->dev, VNET_RXQ);
	lkl_virtio_queue_release(&vd->dev);
	return ret;
}

static __attribute__((__noinline__)) void vnet_rx_loop(void *arg)
{
	struct vnet_dev *vd = arg;
	bool starved = true, dead = false;
	int ev;

	for (;;) {
		ev = vnet_host_wait(&vd->kick,
				    starved || dead ? -1 : vd->nd->rx_fd);
		if (ev < 0)
			continue;
		if (ev & VNET_HOST_KICKED) {
			if (__atomic_load_n(&vd->stop, __ATOMIC_ACQUIRE))
				break;
			starved = false;
		}
		if (starved || dead || !(ev & VNET_HOST_READABLE))
			continue;
		switch (vnet_rx_batch(vd)) {
		case VNET_RX_STARVED:
			starved = true;
			break;
		case VNET_RX_DEAD:
			dead = true;
			break;
		default:
			break;
		}
	}
}

/*
 * The thread function has the kernel's calling convention, which the
 * host's thread_create() calls with. It only calls vnet_rx_loop(), never
 * inlined: mingw-w64's gcc 12 fails with an internal error ("in
 * choose_baseaddr") on a System V function as large as the loop.
 */
static LKL_KERNEL_ABI void vnet_rx_thread(void *arg)
{
	vnet_rx_loop(arg);
}

static bool vnet_notify(struct lkl_virtio_dev *dev, int q)
{
	if (q != VNET_RXQ)
		return false;
	vnet_host_kick(&to_vnet(dev)->kick);
	return true;
}

static int vnet_enqueue(struct lkl_virtio_dev *dev, int q,
			struct lkl_virtio_req *req)
{
	struct vnet_dev *vd = to_vnet(dev);
	struct lkl_netdev *nd = vd->nd;
	int cnt;

	if (q == VNET_TXQ && !req->nin) {
		cnt = vnet_cut_header(req->buf, req->nout, nd->vnet_hdr_len,
				      vd->tx_iov);
		/* A frame the backend refuses is dropped, as on a wire. */
		if (cnt <= 0 || nd->ops->tx(nd, vd->tx_iov, cnt) < 0)
			__atomic_fetch_add(&vd->stats.tx_errors, 1,
					   __ATOMIC_RELAXED);
	}
	lkl_virtio_req_complete(req, 0);
	return 0;
}

/*
 * Send on the kernel's thread what is quick to send: short frames to a
 * backend that never waits. A request/response exchange then wakes no
 * worker; a bulk transfer, with its long frames, leaves the copying to
 * the worker, on the other host CPU.
 */
static bool vnet_serve_now(struct lkl_virtio_dev *dev, int q)
{
	struct vnet_dev *vd = to_vnet(dev);
	size_t bytes = 0;
	unsigned int pos, i;

	if (q != VNET_TXQ || !vd->nd->tx_nonblock)
		return false;
	for (pos = 0; pos <= VNET_TX_NOW_FRAMES; pos++) {
		if (lkl_virtio_queue_peek(dev, q, pos, &vd->tx_req))
			break;
		for (i = 0; i < vd->tx_req.nout; i++)
			bytes += vd->tx_req.buf[i].iov_len;
	}
	return pos && pos <= VNET_TX_NOW_FRAMES && bytes <= VNET_TX_NOW_BYTES;
}

static const struct lkl_virtio_dev_ops vnet_ops = {
	.enqueue = vnet_enqueue,
	.notify = vnet_notify,
	.serve_now = vnet_serve_now,
};

static uint64_t vnet_features(unsigned int offloads)
{
	uint64_t f = 1ULL << LKL_VIRTIO_NET_F_MAC |
		     1ULL << LKL_VIRTIO_NET_F_MRG_RXBUF;

	if (!(offloads & LKL_NETDEV_OFFLOAD_CSUM))
		return f;
	f |= 1ULL << LKL_VIRTIO_NET_F_CSUM | 1ULL << LKL_VIRTIO_NET_F_GUEST_CSUM;
	if (offloads & LKL_NETDEV_OFFLOAD_TSO)
		f |= 1ULL << LKL_VIRTIO_NET_F_HOST_TSO4 |
		     1ULL << LKL_VIRTIO_NET_F_HOST_TSO6;
	if (offloads & LKL_NETDEV_OFFLOAD_LRO)
		f |= 1ULL << LKL_VIRTIO_NET_F_GUEST_TSO4 |
		     1ULL << LKL_VIRTIO_NET_F_GUEST_TSO6;
	return f;
}

/*
 * The interface of platform device *@arg is the one entry of
 * virtioN/net/ in sysfs at @root; returns its ifindex.
 */
static long vnet_lookup(const char *root, void *arg)
{
	char path[LKL_SYSFS_PATH_MAX], name[64], val[32];
	size_t len;
	long ret;

	ret = lkl_sysfs_virtio_dir(root, *(int *)arg, path, sizeof(path));
	if (ret < 0)
		return ret;
	len = strlen(path);
	if (snprintf(path + len, sizeof(path) - len, "/net") >=
	    (int)(sizeof(path) - len))
		return -LKL_ENAMETOOLONG;
	ret = lkl_sysfs_find(path, NULL, NULL, name, sizeof(name));
	if (ret < 0)
		return ret;
	snprintf(path, sizeof(path), "%s/class/net/%s/ifindex", root, name);
	ret = lkl_sysfs_read(path, val, sizeof(val));
	return ret < 0 ? ret : strtol(val, NULL, 10);
}

static void vnet_stop_rx(struct vnet_dev *vd)
{
	__atomic_store_n(&vd->stop, true, __ATOMIC_RELEASE);
	vnet_host_kick(&vd->kick);
	lkl_ops->thread_join(vd->rx_thread);
}

static void vnet_free(struct vnet_dev *vd)
{
	vnet_host_kick_close(&vd->kick);
	free(vd);
}

static int vnet_start_rx(struct vnet_dev *vd)
{
	vd->rx_thread = lkl_ops->thread_create(vnet_rx_thread, vd);
	return vd->rx_thread ? 0 : -LKL_EAGAIN;
}

int lkl_netdev_add(struct lkl_netdev *nd, const struct lkl_netdev_args *args)
{
	static const unsigned char zero[6];
	unsigned int offloads = args ? args->offloads : LKL_NETDEV_OFFLOAD_ALL;
	struct vnet_dev *vd;
	long ret;

	if (!nd)
		return -LKL_EINVAL;
	if (nd->dev)
		return -LKL_EBUSY;
	offloads &= nd->offloads;
	if (!(offloads & LKL_NETDEV_OFFLOAD_CSUM))
		offloads = 0;

	vd = calloc(1, sizeof(*vd));
	if (!vd)
		return -LKL_ENOMEM;
	if (vnet_host_kick_open(&vd->kick)) {
		free(vd);
		return -LKL_ENOMEM;
	}
	vd->nd = nd;
	if (args && memcmp(args->mac, zero, sizeof(zero))) {
		memcpy(vd->config.mac, args->mac, sizeof(vd->config.mac));
	} else {
		if (!vnet_host_random(vd->config.mac, sizeof(vd->config.mac)))
			memcpy(vd->config.mac, "\x02\x4c\x4b\x4c\x00\x01", 6);
		/* Locally administered, unicast. */
		vd->config.mac[0] = (vd->config.mac[0] | 0x02) & ~0x01;
	}

	if (nd->ops->set_offloads) {
		ret = nd->ops->set_offloads(nd, offloads);
		if (ret < 0)
			goto out_free;
	}

	vd->dev.device_id = LKL_VIRTIO_ID_NET;
	vd->dev.features = vnet_features(offloads);
	vd->dev.config = &vd->config;
	vd->dev.config_len = sizeof(vd->config);
	vd->dev.num_queues = 2;
	vd->dev.ops = &vnet_ops;

	ret = vnet_start_rx(vd);
	if (ret < 0)
		goto out_free;
	ret = lkl_virtio_dev_add(&vd->dev);
	if (ret < 0)
		goto out_rx;
	nd->dev = vd;

	ret = lkl_sysfs_lookup(vnet_lookup, &vd->dev.id);
	if (ret < 0)
		lkl_netdev_remove(nd);
	else
		__atomic_store_n(&vd->ifindex, (int)ret, __ATOMIC_RELAXED);
	return (int)ret;

out_rx:
	vnet_stop_rx(vd);
out_free:
	vnet_free(vd);
	return (int)ret;
}

int lkl_netdev_remove(struct lkl_netdev *nd)
{
	struct vnet_dev *vd = nd ? nd->dev : NULL;
	int ret;

	if (!vd)
		return -LKL_EINVAL;
	ret = lkl_virtio_dev_remove(&vd->dev);
	if (ret < 0)
		return ret;
	vnet_stop_rx(vd);
	vnet_free(vd);
	nd->dev = NULL;
	return 0;
}

int lkl_netdev_get_features(struct lkl_netdev *nd,
			    unsigned long long *features)
{
	struct vnet_dev *vd = nd ? nd->dev : NULL;

	if (!vd)
		return -LKL_EINVAL;
	lkl_ops->mutex_lock(vd->dev.lock);
	*features = vd->dev.driver_features;
	lkl_ops->mutex_unlock(vd->dev.lock);
	return 0;
}

int lkl_netdev_get_stats(struct lkl_netdev *nd, struct lkl_netdev_stats *stats)
{
	struct vnet_dev *vd = nd ? nd->dev : NULL;
	struct lkl_netdev_stats *s;

	if (!vd || !stats)
		return -LKL_EINVAL;
	s = &vd->stats;
	stats->rx_short = __atomic_load_n(&s->rx_short, __ATOMIC_RELAXED);
	stats->rx_too_long = __atomic_load_n(&s->rx_too_long, __ATOMIC_RELAXED);
	stats->rx_gso = __atomic_load_n(&s->rx_gso, __ATOMIC_RELAXED);
	stats->rx_csum = __atomic_load_n(&s->rx_csum, __ATOMIC_RELAXED);
	stats->tx_errors = __atomic_load_n(&s->tx_errors, __ATOMIC_RELAXED);
	return 0;
}

void lkl_netdev_free(struct lkl_netdev *nd)
{
	if (!nd)
		return;
	if (nd->dev)
		lkl_netdev_remove(nd);
	nd->ops->free(nd);
}
