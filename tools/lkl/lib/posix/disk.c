// SPDX-License-Identifier: GPL-2.0
/*
 * The POSIX side of a virtio-blk disk (virtio/blk-host.h): the image is a
 * file descriptor, read and written with preadv()/pwritev(). Flush is
 * fdatasync(); discard and write-zeroes punch or zero ranges with
 * fallocate(). Every call goes through lkl_host_io (posix/host_io.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#ifdef __linux__
#include <linux/fs.h>
#endif

#include "virtio/blk-host.h"
#include "posix/host_io.h"

/* The size of @fd in bytes, or a negative LKL errno. */
static int64_t blk_size(int fd)
{
	struct stat st;

	if (lkl_host_io.fstat(fd, &st))
		return -LKL_EBADF;
	if (S_ISREG(st.st_mode))
		return st.st_size;
#ifdef BLKGETSIZE64
	if (S_ISBLK(st.st_mode)) {
		uint64_t size;

		if (lkl_host_io.ioctl(fd, BLKGETSIZE64, &size))
			return -LKL_EIO;
		return (int64_t)size;
	}
#endif
	return -LKL_EINVAL;
}

/*
 * Lock the image against other writers: a shared lock for a read-only
 * disk, an exclusive one otherwise, on the whole file. An open file
 * description lock goes away when its last descriptor is closed, so a
 * process that dies leaves no stale lock. An image on a file system that
 * cannot lock (some network and FUSE ones) is used unlocked.
 */
static int blk_lock(int fd, short type)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET };

	if (lkl_host_io.fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	if (errno == EAGAIN || errno == EACCES)
		return -LKL_EBUSY;
	return 0;
}

int64_t lkl_blk_host_open(const struct lkl_disk *disk)
{
	int64_t size;
	int flags, ret;

	flags = lkl_host_io.fcntl(disk->fd, F_GETFL);
	if (flags < 0)
		return -LKL_EBADF;
	if ((flags & O_ACCMODE) == O_WRONLY ||
	    (!disk->readonly && (flags & O_ACCMODE) != O_RDWR))
		return -LKL_EBADF;
	size = blk_size(disk->fd);
	if (size < 0)
		return size;
	ret = blk_lock(disk->fd, disk->readonly ? F_RDLCK : F_WRLCK);
	if (ret < 0)
		return ret;
	return size;
}

void lkl_blk_host_close(const struct lkl_disk *disk)
{
	blk_lock(disk->fd, F_UNLCK);
}

int lkl_blk_host_rw(const struct lkl_disk *disk, struct iovec *iov, int cnt,
		    uint64_t off, bool write)
{
	while (cnt) {
		int n = cnt < IOV_MAX ? cnt : IOV_MAX;
		ssize_t ret;

		if (!iov->iov_len) {
			iov++;
			cnt--;
			continue;
		}
		ret = write ? lkl_host_io.pwritev(disk->fd, iov, n, off) :
			      lkl_host_io.preadv(disk->fd, iov, n, off);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			return -1;
		off += ret;
		while (cnt && (size_t)ret >= iov->iov_len) {
			ret -= iov->iov_len;
			iov++;
			cnt--;
		}
		if (ret) {
			iov->iov_base = (char *)iov->iov_base + ret;
			iov->iov_len -= ret;
		}
	}
	return 0;
}

int lkl_blk_host_flush(const struct lkl_disk *disk)
{
	return lkl_host_io.fdatasync(disk->fd) ? -1 : 0;
}

void lkl_blk_host_writeback(const struct lkl_disk *disk)
{
#ifdef SYNC_FILE_RANGE_WRITE
	lkl_host_io.sync_file_range(disk->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)disk;
#endif
}

/* Write @len zero bytes at @off without fallocate(). */
static int blk_write_zeroes(int fd, off_t off, uint64_t len)
{
	static const char zeroes[65536];

	while (len) {
		size_t l = len < sizeof(zeroes) ? len : sizeof(zeroes);
		ssize_t ret = lkl_host_io.pwrite(fd, zeroes, l, off);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			return -1;
		off += ret;
		len -= ret;
	}
	return 0;
}

int lkl_blk_host_zero(const struct lkl_disk *disk, uint64_t off,
		      uint64_t len, bool punch, bool must)
{
	int mode = punch ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE :
			   FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;

	if (!lkl_host_io.fallocate(disk->fd, mode, (off_t)off, (off_t)len))
		return 0;
	if (errno != EOPNOTSUPP && errno != EINVAL)
		return -1;
	if (!must)
		return 1;
	return blk_write_zeroes(disk->fd, (off_t)off, len);
}
