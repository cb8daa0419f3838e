/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host file and socket calls of the library (internal header).
 *
 * The device model (virtio_blk.c, virtio_net.c), the POSIX network
 * backends and the POSIX host make every host file and socket call
 * through lkl_host_io, never by naming the C library's function. By
 * default it holds the C library's functions. A preload library that
 * interposes these calls (liblkl-hijack.so) points it at the functions
 * that it interposes, before it boots LKL, so that the library's own
 * threads never enter the interposer.
 */
#ifndef _LKL_LIB_POSIX_HOST_IO_H
#define _LKL_LIB_POSIX_HOST_IO_H

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#pragma GCC visibility push(hidden)

/**
 * struct lkl_host_io - the host calls that the library makes
 *
 * Each member has the type and meaning of the C library function of the
 * same name.
 */
struct lkl_host_io {
	int (*open)(const char *path, int flags, ...);
	int (*close)(int fd);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	ssize_t (*readv)(int fd, const struct iovec *iov, int cnt);
	ssize_t (*writev)(int fd, const struct iovec *iov, int cnt);
	ssize_t (*preadv)(int fd, const struct iovec *iov, int cnt, off_t off);
	ssize_t (*pwritev)(int fd, const struct iovec *iov, int cnt,
			   off_t off);
	ssize_t (*pwrite)(int fd, const void *buf, size_t len, off_t off);
	int (*poll)(struct pollfd *fds, nfds_t n, int timeout);
	int (*pipe2)(int fds[2], int flags);
	int (*fstat)(int fd, struct stat *st);
	int (*fcntl)(int fd, int cmd, ...);
	int (*ioctl)(int fd, unsigned long req, ...);
	int (*fdatasync)(int fd);
	int (*fallocate)(int fd, int mode, off_t off, off_t len);
	int (*sync_file_range)(int fd, off64_t off, off64_t len,
			       unsigned int flags);
	int (*socket)(int domain, int type, int protocol);
	int (*bind)(int fd, const struct sockaddr *addr, socklen_t len);
	int (*getsockopt)(int fd, int level, int name, void *val,
			  socklen_t *len);
	int (*setsockopt)(int fd, int level, int name, const void *val,
			  socklen_t len);
	ssize_t (*sendmsg)(int fd, const struct msghdr *msg, int flags);
	ssize_t (*recvmsg)(int fd, struct msghdr *msg, int flags);
};

/* The calls the library makes; the C library's by default. */
extern struct lkl_host_io lkl_host_io;

#pragma GCC visibility pop

#endif /* _LKL_LIB_POSIX_HOST_IO_H */
