// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: the calls that move data between two descriptors
 * (sendfile), pipes, and the descriptor calls that would otherwise act on
 * the /dev/null placeholder of an LKL descriptor.
 *
 * When both descriptors are LKL's, the call is LKL's. When only one is,
 * sendfile() copies through a buffer in the library.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "hijack.h"

/* The most that one sendfile() through the library reads at a time. */
#define HIJACK_BOUNCE_LEN	65536

/* pread() on the host descriptor @fd, or on the LKL descriptor @lfd. */
static ssize_t hijack_pread(int fd, int lfd, void *buf, size_t len, off_t pos)
{
	ssize_t ret;

	if (lfd >= 0)
		return lkl_sys_pread64(lfd, buf, len, pos);
	ret = hijack_host.pread(fd, buf, len, pos);
	return ret < 0 ? -errno : ret;
}

/* write() on the host descriptor @fd, or on the LKL descriptor @lfd. */
static ssize_t hijack_write(int fd, int lfd, const void *buf, size_t len)
{
	ssize_t ret;

	if (lfd >= 0)
		return lkl_sys_write(lfd, buf, len);
	ret = hijack_host.write(fd, buf, len);
	return ret < 0 ? -errno : ret;
}

/* lseek() on the host descriptor @fd, or on the LKL descriptor @lfd. */
static off_t hijack_lseek(int fd, int lfd, off_t pos, int whence)
{
	off_t ret;

	if (lfd >= 0)
		return lkl_sys_lseek(lfd, pos, whence);
	ret = hijack_host.lseek(fd, pos, whence);
	return ret < 0 ? -errno : ret;
}

/*
 * sendfile() between a host and an LKL descriptor: pread() from @in at
 * *@offset, or at its file position, and write() to @out, until @count
 * bytes are sent or a write is short. Only what was written counts: with
 * @offset, *@offset moves past it and the file position stays; without,
 * the file position moves past it. Like the host's, @in must be seekable
 * (not a socket or a pipe): else EINVAL.
 */
static long hijack_sendfile_copy(int out, int lout, int in, int lin,
				 off_t *offset, size_t count)
{
	size_t done = 0, len;
	ssize_t n, w = 0;
	off_t pos;
	char *buf;

	pos = offset ? *offset : hijack_lseek(in, lin, 0, SEEK_CUR);
	if (pos < 0)
		return pos == -ESPIPE ? -EINVAL : pos;
	if (!count)
		return 0;
	len = count < HIJACK_BOUNCE_LEN ? count : HIJACK_BOUNCE_LEN;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	while (done < count) {
		if (len > count - done)
			len = count - done;
		n = hijack_pread(in, lin, buf, len, pos + done);
		if (n <= 0) {
			w = n;
			break;
		}
		w = hijack_write(out, lout, buf, n);
		if (w <= 0)
			break;
		done += w;
		if (w < n)
			break;
	}
	free(buf);
	if (!done)
		return w < 0 ? w : 0;
	if (offset)
		*offset = pos + done;
	else
		hijack_lseek(in, lin, pos + done, SEEK_SET);
	return done;
}

ssize_t sendfile(int out, int in, off_t *offset, size_t count)
{
	int lout = hijack_lkl_fd(out), lin = hijack_lkl_fd(in);

	if (lout == -1 && lin == -1)
		return hijack_host.sendfile(out, in, offset, count);
	if (lout < -1 || lin < -1)
		return hijack_ebadf();
	if (lout >= 0 && lin >= 0)
		return hijack_ret(lkl_sys_sendfile(lout, lin,
						   (__lkl__kernel_loff_t *)offset,
						   count));
	return hijack_ret(hijack_sendfile_copy(out, lout, in, lin, offset,
					       count));
}

ssize_t sendfile64(int out, int in, off_t *offset, size_t count)
{
	return sendfile(out, in, offset, count);
}

/*
 * splice() and tee() between two LKL descriptors are LKL's. Between a
 * host and an LKL descriptor they fail with EINVAL: one end is always a
 * pipe, and a pipe in one kernel cannot hold pages of the other.
 */
ssize_t splice(int in, loff_t *off_in, int out, loff_t *off_out,
	       size_t len, unsigned int flags)
{
	int lin = hijack_lkl_fd(in), lout = hijack_lkl_fd(out);

	if (lin == -1 && lout == -1)
		return hijack_host.splice(in, off_in, out, off_out, len, flags);
	if (lin < -1 || lout < -1)
		return hijack_ebadf();
	if (lin < 0 || lout < 0) {
		errno = EINVAL;
		return -1;
	}
	return hijack_ret(lkl_sys_splice(lin, (__lkl__kernel_loff_t *)off_in,
					 lout, (__lkl__kernel_loff_t *)off_out,
					 len, flags));
}

ssize_t tee(int in, int out, size_t len, unsigned int flags)
{
	int lin = hijack_lkl_fd(in), lout = hijack_lkl_fd(out);

	if (lin == -1 && lout == -1)
		return hijack_host.tee(in, out, len, flags);
	if (lin < -1 || lout < -1)
		return hijack_ebadf();
	if (lin < 0 || lout < 0) {
		errno = EINVAL;
		return -1;
	}
	return hijack_ret(lkl_sys_tee(lin, lout, len, flags));
}

/*
 * vmsplice() would have LKL's pipe hold the program's pages, which LKL
 * cannot pin: EINVAL on an LKL descriptor.
 */
ssize_t vmsplice(int fd, const struct iovec *iov, size_t n,
		 unsigned int flags)
{
	int lfd = hijack_lkl_fd(fd);

	if (lfd == -1)
		return hijack_host.vmsplice(fd, iov, n, flags);
	if (lfd < -1)
		return hijack_ebadf();
	errno = EINVAL;
	return -1;
}

/*
 * copy_file_range() between two LKL descriptors is LKL's. Between the
 * two kernels it fails with EXDEV, as between two file systems that
 * cannot copy to each other: callers then fall back to read and write.
 */
ssize_t copy_file_range(int in, loff_t *off_in, int out, loff_t *off_out,
			size_t len, unsigned int flags)
{
	int lin = hijack_lkl_fd(in), lout = hijack_lkl_fd(out);

	if (lin == -1 && lout == -1)
		return hijack_host.copy_file_range(in, off_in, out, off_out,
						   len, flags);
	if (lin < -1 || lout < -1)
		return hijack_ebadf();
	if (lin < 0 || lout < 0) {
		errno = EXDEV;
		return -1;
	}
	return hijack_ret(lkl_sys_copy_file_range(lin,
						  (__lkl__kernel_loff_t *)off_in,
						  lout,
						  (__lkl__kernel_loff_t *)off_out,
						  len, flags));
}

/*
 * With LKL_HIJACK_PIPE=lkl, pipes are LKL's, so that a program waits on
 * them and on its sockets in one LKL call; else (the default) they are
 * the host's, which a child process can inherit.
 */
int pipe2(int fds[2], int flags)
{
	int lfds[2];
	long ret;

	/* The first call boots LKL, which reads LKL_HIJACK_PIPE. */
	hijack_state();
	if (!hijack_lkl_pipes || hijack_state_for_new() != HIJACK_LKL)
		return hijack_host.pipe2(fds, flags);
	ret = lkl_sys_pipe2(lfds, flags);
	if (ret < 0)
		return hijack_ret(ret);
	fds[0] = hijack_fd_install(lfds[0], 0);
	if (fds[0] < 0) {
		lkl_sys_close(lfds[1]);
		return -1;
	}
	fds[1] = hijack_fd_install(lfds[1], 0);
	if (fds[1] < 0) {
		close(fds[0]);
		return -1;
	}
	return 0;
}

int pipe(int fds[2])
{
	return pipe2(fds, 0);
}

/*
 * The calls below would act on the /dev/null placeholder of an LKL
 * descriptor, and succeed: they go to LKL, which answers for its socket,
 * pipe or eventfd (ESPIPE for lseek() on a socket, EINVAL for fsync()).
 */
int fstat(int fd, struct stat *st)
{
	struct lkl_stat ls;
	int lfd = hijack_lkl_fd(fd);
	long ret;

	if (lfd == -1)
		return hijack_host.fstat(fd, st);
	if (lfd < 0)
		return hijack_ebadf();
	ret = lkl_sys_fstat(lfd, &ls);
	if (ret < 0)
		return hijack_ret(ret);
	memset(st, 0, sizeof(*st));
	st->st_dev = ls.st_dev;
	st->st_ino = ls.st_ino;
	st->st_mode = ls.st_mode;
	st->st_nlink = ls.st_nlink;
	st->st_uid = ls.st_uid;
	st->st_gid = ls.st_gid;
	st->st_rdev = ls.st_rdev;
	st->st_size = ls.st_size;
	st->st_blksize = ls.st_blksize;
	st->st_blocks = ls.st_blocks;
	st->st_atim.tv_sec = ls.lkl_st_atime;
	st->st_atim.tv_nsec = ls.st_atime_nsec;
	st->st_mtim.tv_sec = ls.lkl_st_mtime;
	st->st_mtim.tv_nsec = ls.st_mtime_nsec;
	st->st_ctim.tv_sec = ls.lkl_st_ctime;
	st->st_ctim.tv_nsec = ls.st_ctime_nsec;
	return hijack_ret(0);
}

int fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

off_t lseek(int fd, off_t pos, int whence)
{
	return HIJACK_FD_CALL(fd, lkl_sys_lseek(lfd, pos, whence),
			      hijack_host.lseek(fd, pos, whence));
}

off64_t lseek64(int fd, off64_t pos, int whence)
{
	return lseek(fd, pos, whence);
}

ssize_t pread(int fd, void *buf, size_t len, off_t pos)
{
	return HIJACK_FD_CALL(fd, lkl_sys_pread64(lfd, buf, len, pos),
			      hijack_host.pread(fd, buf, len, pos));
}

ssize_t pread64(int fd, void *buf, size_t len, off64_t pos)
{
	return pread(fd, buf, len, pos);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t pos)
{
	return HIJACK_FD_CALL(fd, lkl_sys_pwrite64(lfd, buf, len, pos),
			      hijack_host.pwrite(fd, buf, len, pos));
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t pos)
{
	return pwrite(fd, buf, len, pos);
}

int ftruncate(int fd, off_t len)
{
	return HIJACK_FD_CALL(fd, lkl_sys_ftruncate(lfd, len),
			      hijack_host.ftruncate(fd, len));
}

int ftruncate64(int fd, off64_t len)
{
	return ftruncate(fd, len);
}

int fsync(int fd)
{
	return HIJACK_FD_CALL(fd, lkl_sys_fsync(lfd), hijack_host.fsync(fd));
}

int fdatasync(int fd)
{
	return HIJACK_FD_CALL(fd, lkl_sys_fdatasync(lfd),
			      hijack_host.fdatasync(fd));
}
