// SPDX-License-Identifier: GPL-2.0
/*
 * The NT side of a virtio-blk disk (virtio/blk-host.h): the image is a
 * Windows file HANDLE, opened by the caller for synchronous I/O.
 *
 * Each buffer is read or written with ReadFile()/WriteFile() at the
 * offset that an OVERLAPPED structure carries, so the disk's thread never
 * moves a shared file pointer. Flush is FlushFileBuffers(); the size
 * comes from GetFileSizeEx(). LockFileEx() on the whole file keeps other
 * writers out, as the POSIX side's open file description lock does.
 * Windows writes back by itself, and a discard is not passed on; zeroes
 * are written as zeroes.
 */
#include "nt/nt.h"
#include "virtio/blk-host.h"

/* The most bytes one ReadFile() or WriteFile() moves (a DWORD count). */
#define BLK_NT_IO_MAX	0x40000000U	/* 1 GiB */

static HANDLE blk_handle(const struct lkl_disk *disk)
{
	return (HANDLE)disk->handle;
}

/* Lock or unlock the whole file; 0, or a negative LKL errno. */
static int blk_lock(const struct lkl_disk *disk, bool lock)
{
	OVERLAPPED ov = { 0 };
	DWORD flags = LOCKFILE_FAIL_IMMEDIATELY;

	if (!lock) {
		UnlockFileEx(blk_handle(disk), 0, MAXDWORD, MAXDWORD, &ov);
		return 0;
	}
	if (!disk->readonly)
		flags |= LOCKFILE_EXCLUSIVE_LOCK;
	if (LockFileEx(blk_handle(disk), flags, 0, MAXDWORD, MAXDWORD, &ov))
		return 0;
	if (GetLastError() == ERROR_LOCK_VIOLATION)
		return -LKL_EBUSY;
	return 0;	/* a file that cannot be locked is used unlocked */
}

int64_t lkl_blk_host_open(const struct lkl_disk *disk)
{
	BY_HANDLE_FILE_INFORMATION info;
	LARGE_INTEGER size;
	int ret;

	if (!disk->handle || blk_handle(disk) == INVALID_HANDLE_VALUE ||
	    !GetFileInformationByHandle(blk_handle(disk), &info))
		return -LKL_EBADF;
	if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
		return -LKL_EINVAL;
	if (GetFileType(blk_handle(disk)) != FILE_TYPE_DISK ||
	    !GetFileSizeEx(blk_handle(disk), &size))
		return -LKL_EINVAL;
	ret = blk_lock(disk, true);
	if (ret < 0)
		return ret;
	return size.QuadPart;
}

void lkl_blk_host_close(const struct lkl_disk *disk)
{
	blk_lock(disk, false);
}

/* Move @len bytes at @off; the bytes moved, or 0 on an error. */
static DWORD blk_io(HANDLE h, void *buf, DWORD len, uint64_t off, bool write)
{
	OVERLAPPED ov = { 0 };
	DWORD done = 0;
	BOOL ok;

	ov.Offset = (DWORD)off;
	ov.OffsetHigh = (DWORD)(off >> 32);
	if (write)
		ok = WriteFile(h, buf, len, &done, &ov);
	else
		ok = ReadFile(h, buf, len, &done, &ov);
	return ok ? done : 0;
}

int lkl_blk_host_rw(const struct lkl_disk *disk, struct iovec *iov, int cnt,
		    uint64_t off, bool write)
{
	int i;

	for (i = 0; i < cnt; i++) {
		char *buf = iov[i].iov_base;
		size_t len = iov[i].iov_len;

		while (len) {
			DWORD n = len < BLK_NT_IO_MAX ? (DWORD)len :
							BLK_NT_IO_MAX;

			n = blk_io(blk_handle(disk), buf, n, off, write);
			if (!n)
				return -1;	/* an error, or the end */
			buf += n;
			len -= n;
			off += n;
		}
	}
	return 0;
}

int lkl_blk_host_flush(const struct lkl_disk *disk)
{
	return FlushFileBuffers(blk_handle(disk)) ? 0 : -1;
}

void lkl_blk_host_writeback(const struct lkl_disk *disk)
{
	(void)disk;
}

int lkl_blk_host_zero(const struct lkl_disk *disk, uint64_t off,
		      uint64_t len, bool punch, bool must)
{
	static const char zeroes[65536];

	(void)punch;
	if (!must)
		return 1;
	while (len) {
		DWORD n = len < sizeof(zeroes) ? (DWORD)len : sizeof(zeroes);

		n = blk_io(blk_handle(disk), (void *)zeroes, n, off, true);
		if (!n)
			return -1;
		off += n;
		len -= n;
	}
	return 0;
}
