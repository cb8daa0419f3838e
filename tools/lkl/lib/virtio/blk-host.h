/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host side of a virtio-blk disk (internal header).
 *
 * virtio_blk.c serves the virtio-blk requests on any host; it reaches the
 * image only through these calls, which each host implements on its own
 * kind of file: posix/disk.c on a file descriptor, nt/disk.c on a Windows
 * file HANDLE. Each takes the caller's struct lkl_disk, whose @fd or
 * @handle names the image.
 */
#ifndef _LKL_LIB_VIRTIO_BLK_HOST_H
#define _LKL_LIB_VIRTIO_BLK_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include <lkl.h>

#pragma GCC visibility push(hidden)

/**
 * lkl_blk_host_open() - check and lock the image of a new disk
 * @disk: the caller's disk
 *
 * Checks that the image is open for reading, and for writing unless
 * @disk->readonly, and locks it against other writers (a shared lock for
 * a read-only disk, an exclusive one otherwise).
 *
 * Return: the size of the image in bytes, or a negative LKL errno:
 * -LKL_EBADF (not open as needed), -LKL_EINVAL (not a file or block
 * device), -LKL_EBUSY (another open of the image holds a conflicting lock).
 */
int64_t lkl_blk_host_open(const struct lkl_disk *disk);

/**
 * lkl_blk_host_close() - unlock the image of a disk that goes away
 * @disk: the disk given to lkl_blk_host_open()
 */
void lkl_blk_host_close(const struct lkl_disk *disk);

/**
 * lkl_blk_host_rw() - read or write the image
 * @disk: the disk
 * @iov: the buffers, changed on the way
 * @cnt: their number
 * @off: the byte offset in the image
 * @write: true to write @iov to the image, false to read into it
 *
 * Goes on after short transfers until every buffer is done.
 *
 * Return: 0, or -1 on an error or at the end of the image.
 */
int lkl_blk_host_rw(const struct lkl_disk *disk, struct iovec *iov, int cnt,
		    uint64_t off, bool write);

/**
 * lkl_blk_host_flush() - make what was written durable
 * @disk: the disk
 *
 * Return: 0, or -1 on an error.
 */
int lkl_blk_host_flush(const struct lkl_disk *disk);

/**
 * lkl_blk_host_writeback() - start writing back what was written
 * @disk: the disk
 *
 * Starts the host's writeback of the image's cached writes without
 * waiting for it, or does nothing where the host cannot.
 */
void lkl_blk_host_writeback(const struct lkl_disk *disk);

/**
 * lkl_blk_host_zero() - discard or zero a range of the image
 * @disk: the disk
 * @off: the byte offset
 * @len: the length in bytes
 * @punch: true to let the range be deallocated (a discard, or
 *	write-zeroes with the unmap flag), false to keep it allocated
 * @must: true if the range must read as zeroes afterwards (write-zeroes);
 *	false for a discard, which is only a hint
 *
 * Return: 0; 1 if the host cannot and @must is false; or -1 on an error.
 */
int lkl_blk_host_zero(const struct lkl_disk *disk, uint64_t off,
		      uint64_t len, bool punch, bool must);

#pragma GCC visibility pop

#endif /* _LKL_LIB_VIRTIO_BLK_HOST_H */
