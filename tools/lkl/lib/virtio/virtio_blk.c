// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk backed by a host file or block device.
 *
 * The requests are served here on any host; the host's side of the disk
 * (blk-host.h: posix/disk.c, nt/disk.c) moves the data straight between
 * the image and the kernel's buffers, which the descriptors point to:
 * there is no bounce buffer. A read-only disk never writes to the image.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lkl.h>
#include <lkl/linux/virtio_blk.h>
#include <lkl/linux/virtio_ids.h>

#include "virtio/virtio.h"
#include "virtio/blk-host.h"

#define BLK_SECTOR_SHIFT	9
#define BLK_SECTOR_SIZE		512

/* What the device offers the driver. */
#define BLK_SEG_MAX		128
#define BLK_SIZE_MAX		0x100000	/* 1 MiB */
#define BLK_MAX_DISCARD_SECTORS	0x200000	/* 1 GiB */
#define BLK_MAX_DISCARD_SEG	32
#define BLK_DISCARD_ALIGNMENT	8		/* 4 KiB */

/* How often the host's writeback of the image is started: blk_written(). */
#define BLK_WRITEBACK_BYTES	(16 << 20)

/**
 * struct virtio_blk_dev - one disk
 * @dev: the virtio-mmio device
 * @config: its configuration space
 * @disk: the caller's disk, which names the image
 * @readonly: never write to the image
 * @capacity: the size in 512-byte sectors
 * @serial: the ID returned by VIRTIO_BLK_T_GET_ID
 * @unstarted: bytes written since the host's writeback was last started
 * @iov: scratch space for the data buffers of one request
 */
struct virtio_blk_dev {
	struct lkl_virtio_dev dev;
	struct lkl_virtio_blk_config config;
	struct lkl_disk disk;
	bool readonly;
	uint64_t capacity;
	char serial[LKL_VIRTIO_BLK_ID_BYTES];
	uint64_t unstarted;
	struct iovec iov[LKL_VIRTIO_MAX_BUFS];
};

/* The virtio-blk request header. */
struct virtio_blk_hdr {
	uint32_t type;
	uint32_t ioprio;
	uint64_t sector;
};

/*
 * Describe the @len bytes that start @skip bytes into @src (@cnt buffers)
 * in @dst. Returns the number of buffers used, or -1 if @src is too short.
 */
static int iov_range(struct iovec *dst, const struct iovec *src,
		     unsigned int cnt, size_t skip, size_t len)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < cnt && len; i++) {
		size_t l = src[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		dst[n].iov_base = (char *)src[i].iov_base + skip;
		dst[n].iov_len = l;
		n++;
		len -= l;
		skip = 0;
	}
	return len ? -1 : n;
}

static size_t iov_len(const struct iovec *iov, unsigned int cnt)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < cnt; i++)
		len += iov[i].iov_len;
	return len;
}

/* Copy @len bytes from @skip bytes into @iov to @buf; 0, or -1 if short. */
static int iov_gather(void *buf, const struct iovec *iov, unsigned int cnt,
		      size_t skip, size_t len)
{
	struct iovec part[16];
	int n, i;

	n = iov_range(part, iov, cnt < 16 ? cnt : 16, skip, len);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(buf, part[i].iov_base, part[i].iov_len);
		buf = (char *)buf + part[i].iov_len;
	}
	return 0;
}

/* Copy @len bytes of @buf into the start of @iov; returns the bytes copied. */
static size_t iov_scatter(const struct iovec *iov, unsigned int cnt,
			  const void *buf, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < cnt && done < len; i++) {
		size_t l = iov[i].iov_len;

		if (l > len - done)
			l = len - done;
		memcpy(iov[i].iov_base, (const char *)buf + done, l);
		done += l;
	}
	return done;
}

static bool blk_in_range(struct virtio_blk_dev *blk, uint64_t sector,
			 uint64_t bytes)
{
	uint64_t sectors = (bytes + BLK_SECTOR_SIZE - 1) >> BLK_SECTOR_SHIFT;

	return sector <= blk->capacity && sectors <= blk->capacity - sector;
}

/* Discard or zero the ranges in @iov; returns a VIRTIO_BLK_S_* status. */
static int blk_ranges(struct virtio_blk_dev *blk, uint32_t type,
		      struct iovec *iov, int cnt)
{
	struct lkl_virtio_blk_discard_write_zeroes range;
	size_t len = iov_len(iov, cnt), pos;

	if (blk->readonly)
		return LKL_VIRTIO_BLK_S_IOERR;
	if (len % sizeof(range))
		return LKL_VIRTIO_BLK_S_UNSUPP;

	for (pos = 0; pos < len; pos += sizeof(range)) {
		uint64_t sector, bytes;
		uint32_t flags;
		bool discard;
		int ret;

		iov_gather(&range, iov, cnt, pos, sizeof(range));
		sector = le64toh(range.sector);
		bytes = (uint64_t)le32toh(range.num_sectors) << BLK_SECTOR_SHIFT;
		flags = le32toh(range.flags);
		if (!blk_in_range(blk, sector, bytes))
			return LKL_VIRTIO_BLK_S_IOERR;
		discard = type == LKL_VIRTIO_BLK_T_DISCARD;
		/* A discard is only a hint, zeroes are not. */
		ret = lkl_blk_host_zero(&blk->disk, sector << BLK_SECTOR_SHIFT,
					bytes, discard ||
					(flags & LKL_VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP),
					!discard);
		if (ret > 0)
			return LKL_VIRTIO_BLK_S_UNSUPP;
		if (ret < 0)
			return LKL_VIRTIO_BLK_S_IOERR;
	}
	return LKL_VIRTIO_BLK_S_OK;
}

/*
 * Start the host's writeback of what was written, every
 * BLK_WRITEBACK_BYTES, without waiting for it. The host would otherwise
 * keep it all in its page cache until its own background threshold or the
 * next flush, and a flush after a large copy would then find all of it
 * still to write.
 */
static void blk_written(struct virtio_blk_dev *blk, size_t len)
{
	blk->unstarted += len;
	if (blk->unstarted < BLK_WRITEBACK_BYTES)
		return;
	blk->unstarted = 0;
	lkl_blk_host_writeback(&blk->disk);
}

static int blk_enqueue(struct lkl_virtio_dev *dev, int q,
		       struct lkl_virtio_req *req)
{
	struct virtio_blk_dev *blk = (struct virtio_blk_dev *)dev;
	size_t out_len = iov_len(req->buf, req->nout);
	struct iovec *in = req->buf + req->nout;
	size_t in_len = iov_len(in, req->nin);
	struct virtio_blk_hdr hdr;
	uint32_t written = 0;
	uint8_t status;
	int n;

	(void)q;
	/* A request needs a header and a status byte; else it gets nothing. */
	if (in_len < 1 ||
	    iov_gather(&hdr, req->buf, req->nout, 0, sizeof(hdr))) {
		lkl_virtio_req_complete(req, 0);
		return 0;
	}
	hdr.type = le32toh(hdr.type);
	hdr.sector = le64toh(hdr.sector);

	switch (hdr.type) {
	case LKL_VIRTIO_BLK_T_IN:
		n = iov_range(blk->iov, in, req->nin, 0, in_len - 1);
		status = LKL_VIRTIO_BLK_S_IOERR;
		if (blk_in_range(blk, hdr.sector, in_len - 1) &&
		    !lkl_blk_host_rw(&blk->disk, blk->iov, n,
				     hdr.sector << BLK_SECTOR_SHIFT, false)) {
			status = LKL_VIRTIO_BLK_S_OK;
			written = in_len - 1;
		}
		break;
	case LKL_VIRTIO_BLK_T_OUT:
		n = iov_range(blk->iov, req->buf, req->nout, sizeof(hdr),
			      out_len - sizeof(hdr));
		status = LKL_VIRTIO_BLK_S_IOERR;
		if (!blk->readonly &&
		    blk_in_range(blk, hdr.sector, out_len - sizeof(hdr)) &&
		    !lkl_blk_host_rw(&blk->disk, blk->iov, n,
				     hdr.sector << BLK_SECTOR_SHIFT, true)) {
			status = LKL_VIRTIO_BLK_S_OK;
			blk_written(blk, out_len - sizeof(hdr));
		}
		break;
	case LKL_VIRTIO_BLK_T_FLUSH:
		status = LKL_VIRTIO_BLK_S_OK;
		if (!blk->readonly && lkl_blk_host_flush(&blk->disk))
			status = LKL_VIRTIO_BLK_S_IOERR;
		break;
	case LKL_VIRTIO_BLK_T_GET_ID:
		written = iov_scatter(in, req->nin, blk->serial,
				      in_len - 1 < sizeof(blk->serial) ?
				      in_len - 1 : sizeof(blk->serial));
		status = LKL_VIRTIO_BLK_S_OK;
		break;
	case LKL_VIRTIO_BLK_T_DISCARD:
	case LKL_VIRTIO_BLK_T_WRITE_ZEROES:
		n = iov_range(blk->iov, req->buf, req->nout, sizeof(hdr),
			      out_len - sizeof(hdr));
		status = blk_ranges(blk, hdr.type, blk->iov, n);
		break;
	default:
		status = LKL_VIRTIO_BLK_S_UNSUPP;
		break;
	}

	/* The status is the last byte of the device-writable buffers. */
	iov_range(blk->iov, in, req->nin, in_len - 1, 1);
	*(uint8_t *)blk->iov[0].iov_base = status;
	lkl_virtio_req_complete(req, written + 1);
	return 0;
}

static const struct lkl_virtio_dev_ops blk_ops = {
	.enqueue = blk_enqueue,
};

int lkl_disk_add(struct lkl_disk *disk)
{
	static unsigned int serial;
	struct virtio_blk_dev *blk;
	struct lkl_virtio_blk_config *c;
	int64_t size;
	uint64_t features;
	int ret;

	if (!disk)
		return -LKL_EINVAL;
	size = lkl_blk_host_open(disk);
	if (size < 0)
		return (int)size;

	blk = calloc(1, sizeof(*blk));
	if (!blk) {
		lkl_blk_host_close(disk);
		return -LKL_ENOMEM;
	}
	blk->disk = *disk;
	blk->readonly = disk->readonly;
	blk->capacity = (uint64_t)size >> BLK_SECTOR_SHIFT;
	snprintf(blk->serial, sizeof(blk->serial), "lkl-disk-%u",
		 __atomic_fetch_add(&serial, 1, __ATOMIC_RELAXED));

	features = 1ULL << LKL_VIRTIO_BLK_F_SEG_MAX |
		   1ULL << LKL_VIRTIO_BLK_F_SIZE_MAX |
		   1ULL << LKL_VIRTIO_BLK_F_BLK_SIZE |
		   1ULL << LKL_VIRTIO_BLK_F_FLUSH;
	if (blk->readonly)
		features |= 1ULL << LKL_VIRTIO_BLK_F_RO;
	else
		features |= 1ULL << LKL_VIRTIO_BLK_F_DISCARD |
			    1ULL << LKL_VIRTIO_BLK_F_WRITE_ZEROES;

	c = &blk->config;
	c->capacity = htole64(blk->capacity);
	c->size_max = htole32(BLK_SIZE_MAX);
	c->seg_max = htole32(BLK_SEG_MAX);
	c->blk_size = htole32(BLK_SECTOR_SIZE);
	c->max_discard_sectors = htole32(BLK_MAX_DISCARD_SECTORS);
	c->max_discard_seg = htole32(BLK_MAX_DISCARD_SEG);
	c->discard_sector_alignment = htole32(BLK_DISCARD_ALIGNMENT);
	c->max_write_zeroes_sectors = htole32(BLK_MAX_DISCARD_SECTORS);
	c->max_write_zeroes_seg = htole32(1);
	c->write_zeroes_may_unmap = 1;

	blk->dev.device_id = LKL_VIRTIO_ID_BLOCK;
	blk->dev.features = features;
	blk->dev.config = c;
	blk->dev.config_len = sizeof(*c);
	blk->dev.num_queues = 1;
	blk->dev.ops = &blk_ops;

	ret = lkl_virtio_dev_add(&blk->dev);
	if (ret < 0) {
		lkl_blk_host_close(&blk->disk);
		free(blk);
		return ret;
	}
	disk->dev = blk;
	return ret;
}

int lkl_disk_remove(struct lkl_disk *disk)
{
	struct virtio_blk_dev *blk;
	int ret;

	if (!disk || !disk->dev)
		return -LKL_EINVAL;
	blk = disk->dev;
	ret = lkl_virtio_dev_remove(&blk->dev);
	if (ret < 0)
		return ret;
	lkl_blk_host_close(&blk->disk);
	free(blk);
	disk->dev = NULL;
	return 0;
}
