// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel server's description of each call a client may send: which
 * arguments are descriptors, and which buffers the kernel reads or
 * writes, walked in one fixed order by both sides. The client copies the
 * buffers into the request and back from the answer; the server lays them
 * out in memory of its own. Nested buffers (the iovecs of a msghdr) are
 * reached through the buffer met before, which on the server is its own
 * copy, so that the server never follows a client pointer.
 *
 * The structures (msghdr, mmsghdr, iovec, pollfd) have the same layout in
 * LKL as in the host's C library, as sockets.c relies on too.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/sockios.h>

#include <lkl.h>

#include "server-proto.h"

#define SLOT(args, i)	((void **)&(args)[i])

/* The buffers of a msghdr at *@slot: in for sendmsg, out for recvmsg. */
static int lkl_srv_msghdr(void **slot, int out, unsigned int self,
			  unsigned int data, lkl_srv_walk_fn fn, void *ctx)
{
	struct msghdr *m;
	struct iovec *iov;
	size_t i;
	int ret;

	ret = fn(ctx, slot, sizeof(*m), self);
	m = *slot;
	if (ret || !m)
		return ret;
	if (m->msg_iovlen > LKL_SRV_MAX_VEC)
		return -EMSGSIZE;
	ret = fn(ctx, &m->msg_name, m->msg_namelen,
		 out ? LKL_SRV_OUT : LKL_SRV_IN);
	if (!ret)
		ret = fn(ctx, (void **)&m->msg_iov,
			 m->msg_iovlen * sizeof(*iov), LKL_SRV_IN);
	iov = m->msg_iov;
	for (i = 0; !ret && iov && i < m->msg_iovlen; i++)
		ret = fn(ctx, &iov[i].iov_base, iov[i].iov_len, data);
	if (!ret)
		ret = fn(ctx, &m->msg_control, m->msg_controllen,
			 out ? LKL_SRV_OUT : LKL_SRV_IN);
	return ret;
}

/* sendmmsg() and recvmmsg(): an array of msghdrs and their lengths. */
static int lkl_srv_mmsg(long *args, int out, lkl_srv_walk_fn fn, void *ctx)
{
	struct mmsghdr *v;
	unsigned long i, n = args[2];
	int ret;

	if (n > LKL_SRV_MAX_VEC)
		n = LKL_SRV_MAX_VEC;
	args[2] = n;
	ret = fn(ctx, SLOT(args, 1), n * sizeof(*v),
		 LKL_SRV_IN | LKL_SRV_OUT | LKL_SRV_MMSG);
	v = (struct mmsghdr *)args[1];
	for (i = 0; !ret && v && i < n; i++) {
		void *hdr = &v[i].msg_hdr;

		/* The header is in the array: only its buffers are new. */
		ret = lkl_srv_msghdr(&hdr, out, 0,
				     out ? LKL_SRV_OUT : LKL_SRV_IN, fn, ctx);
	}
	return ret;
}

/* The ioctls a client may send, with the size of what they point at. */
static int lkl_srv_ioctl(long *args, lkl_srv_walk_fn fn, void *ctx)
{
	unsigned long req = args[1];

	switch (req) {
	case FIONBIO:
	case FIOASYNC:
		return fn(ctx, SLOT(args, 2), sizeof(int), LKL_SRV_IN);
	case FIONREAD:
	case SIOCOUTQ:
	case SIOCOUTQNSD:
	case SIOCATMARK:
		return fn(ctx, SLOT(args, 2), sizeof(int), LKL_SRV_OUT);
	}
	/* The interface ioctls, which take a struct ifreq. */
	if (req >= SIOCGIFNAME && req <= SIOCSIFHWBROADCAST &&
	    req != SIOCGIFCONF && req != SIOCRTMSG)
		return fn(ctx, SLOT(args, 2), sizeof(struct ifreq),
			  LKL_SRV_IN | LKL_SRV_OUT);
	return -ENOTTY;
}

/* fcntl(): F_DUPFD makes a descriptor, the lock commands take a flock. */
static int lkl_srv_fcntl(long *args, struct lkl_srv_call *call,
			 lkl_srv_walk_fn fn, void *ctx)
{
	switch (args[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		call->new_fd = 1;
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return fn(ctx, SLOT(args, 2), sizeof(struct flock),
			  LKL_SRV_IN | LKL_SRV_OUT);
	case F_GETOWN_EX:
	case F_SETOWN_EX:
		return fn(ctx, SLOT(args, 2), sizeof(struct f_owner_ex),
			  LKL_SRV_IN | LKL_SRV_OUT);
	case F_GETFD:
	case F_SETFD:
	case F_GETFL:
	case F_SETFL:
	case F_GETOWN:
	case F_SETOWN:
	case F_GETSIG:
	case F_SETSIG:
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		return 0;
	}
	return -EINVAL;
}

/* An address and its length: bind(), connect(), sendto(). */
static int lkl_srv_in(long *args, int buf, int len, lkl_srv_walk_fn fn,
		      void *ctx)
{
	return fn(ctx, SLOT(args, buf), (unsigned long)args[len], LKL_SRV_IN);
}

/* An address out and its length in and out: accept4(), getsockname(). */
static int lkl_srv_addr_out(long *args, int addr, int lenp,
			    lkl_srv_walk_fn fn, void *ctx)
{
	int ret = fn(ctx, SLOT(args, lenp), sizeof(int),
		     LKL_SRV_IN | LKL_SRV_OUT);

	if (ret || !args[lenp] || !args[addr])
		return ret;
	if (*(int *)args[lenp] < 0)
		return -EINVAL;
	return fn(ctx, SLOT(args, addr), *(int *)args[lenp], LKL_SRV_OUT);
}

/* readv() and writev(): an iovec array and its buffers. */
static int lkl_srv_iov(long *args, unsigned int data, lkl_srv_walk_fn fn,
		       void *ctx)
{
	struct iovec *iov;
	unsigned long i, n = args[2];
	int ret;

	if (n > LKL_SRV_MAX_VEC)
		return -EINVAL;
	ret = fn(ctx, SLOT(args, 1), n * sizeof(*iov), LKL_SRV_IN);
	iov = (struct iovec *)args[1];
	for (i = 0; !ret && iov && i < n; i++)
		ret = fn(ctx, &iov[i].iov_base, iov[i].iov_len, data);
	return ret;
}

/* The calls of hijack/ whose arguments are only numbers and descriptors. */
static int lkl_srv_plain(long nr, struct lkl_srv_call *call)
{
	switch (nr) {
	case __lkl__NR_socket:
	case __lkl__NR_eventfd2:
	case __lkl__NR_epoll_create1:
		call->new_fd = 1;
		return 0;
	case __lkl__NR_dup:
		call->fds = 1;
		call->new_fd = 1;
		return 0;
	case __lkl__NR_close:
		call->fds = 1;
		call->close_fd = 1;
		return 0;
	case __lkl__NR_listen:
	case __lkl__NR_shutdown:
	case __lkl__NR_lseek:
	case __lkl__NR_ftruncate:
	case __lkl__NR_fsync:
	case __lkl__NR_fdatasync:
		call->fds = 1;
		return 0;
	case __lkl__NR_tee:
		call->fds = 3;
		return 0;
	case __lkl__NR_getpid:
		return 0;
	}
	return -LKL_ENOSYS;
}

/**
 * lkl_srv_describe() - describe a call and walk its buffers
 * @nr: the system call number
 * @args: its six arguments; on the server, the pointers in it are
 *	replaced by @fn, and some lengths are clamped (on both sides alike)
 * @call: filled in
 * @fn: called for each buffer, in order; NULL pointers included (with
 *	*slot NULL), so that both sides see the same sequence
 * @ctx: passed to @fn
 *
 * Return: 0; -LKL_ENOSYS for a call that the hijack never makes, -ENOTTY for
 * an ioctl it cannot pass, another negative errno for bad arguments, or
 * what @fn returned.
 */
int lkl_srv_describe(long nr, long *args, struct lkl_srv_call *call,
		     lkl_srv_walk_fn fn, void *ctx)
{
	const unsigned int io = LKL_SRV_OUT | LKL_SRV_RET;
	int ret;

	call->fds = 0;
	call->new_fd = 0;
	call->close_fd = 0;
	call->unit = 1;

	switch (nr) {
	case __lkl__NR_socketpair:
		return fn(ctx, SLOT(args, 3), 2 * sizeof(int),
			  LKL_SRV_OUT | LKL_SRV_FDPAIR);
	case __lkl__NR_pipe2:
		return fn(ctx, SLOT(args, 0), 2 * sizeof(int),
			  LKL_SRV_OUT | LKL_SRV_FDPAIR);
	case __lkl__NR_bind:
	case __lkl__NR_connect:
		call->fds = 1;
		return lkl_srv_in(args, 1, 2, fn, ctx);
	case __lkl__NR_accept4:
		call->fds = 1;
		call->new_fd = 1;
		return lkl_srv_addr_out(args, 1, 2, fn, ctx);
	case __lkl__NR_getsockname:
	case __lkl__NR_getpeername:
		call->fds = 1;
		return lkl_srv_addr_out(args, 1, 2, fn, ctx);
	case __lkl__NR_getsockopt:
		call->fds = 1;
		return lkl_srv_addr_out(args, 3, 4, fn, ctx);
	case __lkl__NR_setsockopt:
		call->fds = 1;
		return lkl_srv_in(args, 3, 4, fn, ctx);
	case __lkl__NR_write:
	case __lkl__NR_pwrite64:
		call->fds = 1;
		if ((unsigned long)args[2] > LKL_SRV_MAX_IO)
			args[2] = LKL_SRV_MAX_IO;
		return lkl_srv_in(args, 1, 2, fn, ctx);
	case __lkl__NR_sendto:
		call->fds = 1;
		if ((unsigned long)args[2] > LKL_SRV_MAX_IO)
			args[2] = LKL_SRV_MAX_IO;
		ret = lkl_srv_in(args, 1, 2, fn, ctx);
		return ret ? ret : lkl_srv_in(args, 4, 5, fn, ctx);
	case __lkl__NR_read:
	case __lkl__NR_pread64:
		call->fds = 1;
		if ((unsigned long)args[2] > LKL_SRV_MAX_IO)
			args[2] = LKL_SRV_MAX_IO;
		return fn(ctx, SLOT(args, 1), args[2], io);
	case __lkl__NR_recvfrom:
		call->fds = 1;
		if ((unsigned long)args[2] > LKL_SRV_MAX_IO)
			args[2] = LKL_SRV_MAX_IO;
		ret = fn(ctx, SLOT(args, 1), args[2], io);
		return ret ? ret : lkl_srv_addr_out(args, 4, 5, fn, ctx);
	case __lkl__NR_readv:
		call->fds = 1;
		return lkl_srv_iov(args, io, fn, ctx);
	case __lkl__NR_writev:
		call->fds = 1;
		return lkl_srv_iov(args, LKL_SRV_IN, fn, ctx);
	case __lkl__NR_sendmsg:
		call->fds = 1;
		return lkl_srv_msghdr(SLOT(args, 1), 0, LKL_SRV_IN, LKL_SRV_IN,
				      fn, ctx);
	case __lkl__NR_recvmsg:
		call->fds = 1;
		return lkl_srv_msghdr(SLOT(args, 1), 1,
				      LKL_SRV_IN | LKL_SRV_OUT | LKL_SRV_MSGHDR,
				      io, fn, ctx);
	case __lkl__NR_sendmmsg:
		call->fds = 1;
		return lkl_srv_mmsg(args, 0, fn, ctx);
	case __lkl__NR_recvmmsg:
		call->fds = 1;
		ret = lkl_srv_mmsg(args, 1, fn, ctx);
		return ret ? ret : fn(ctx, SLOT(args, 4),
				      sizeof(struct __lkl__kernel_timespec),
				      LKL_SRV_IN | LKL_SRV_OUT);
	case __lkl__NR_ioctl:
		call->fds = 1;
		return lkl_srv_ioctl(args, fn, ctx);
	case __lkl__NR_fcntl:
		call->fds = 1;
		return lkl_srv_fcntl(args, call, fn, ctx);
	case __lkl__NR_ppoll:
		if ((unsigned long)args[1] > 65536)
			return -EINVAL;
		ret = fn(ctx, SLOT(args, 0), args[1] * sizeof(struct pollfd),
			 LKL_SRV_IN | LKL_SRV_OUT | LKL_SRV_POLLFD);
		if (!ret)
			ret = fn(ctx, SLOT(args, 2),
				 sizeof(struct __lkl__kernel_timespec),
				 LKL_SRV_IN | LKL_SRV_OUT);
		return ret ? ret : fn(ctx, SLOT(args, 3), args[4], LKL_SRV_IN);
	case __lkl__NR_epoll_ctl:
		call->fds = 1 | 4;
		return fn(ctx, SLOT(args, 3), sizeof(struct lkl_epoll_event),
			  LKL_SRV_IN);
	case __lkl__NR_epoll_pwait:
		call->fds = 1;
		call->unit = sizeof(struct lkl_epoll_event);
		if (args[2] <= 0 || args[2] > 65536)
			return -EINVAL;
		ret = fn(ctx, SLOT(args, 1),
			 args[2] * sizeof(struct lkl_epoll_event), io);
		return ret ? ret : fn(ctx, SLOT(args, 4), args[5], LKL_SRV_IN);
	case __lkl__NR_sendfile:
		call->fds = 3;
		return fn(ctx, SLOT(args, 2), sizeof(int64_t),
			  LKL_SRV_IN | LKL_SRV_OUT);
	case __lkl__NR_splice:
	case __lkl__NR_copy_file_range:
		call->fds = 1 | 4;
		ret = fn(ctx, SLOT(args, 1), sizeof(int64_t),
			 LKL_SRV_IN | LKL_SRV_OUT);
		return ret ? ret : fn(ctx, SLOT(args, 3), sizeof(int64_t),
				      LKL_SRV_IN | LKL_SRV_OUT);
	case __lkl__NR_fstat:
		call->fds = 1;
		return fn(ctx, SLOT(args, 1), sizeof(struct lkl_stat),
			  LKL_SRV_OUT);
	}
	return lkl_srv_plain(nr, call);
}

/**
 * lkl_srv_out_len() - how much of a buffer goes back in an answer
 * @len: its length
 * @how: its LKL_SRV_* flags
 * @budget: for LKL_SRV_RET buffers, the bytes the call returned that are
 *	not yet given to a buffer; lowered by what this one takes
 *
 * Return: the number of bytes of the buffer that the answer carries.
 */
size_t lkl_srv_out_len(size_t len, unsigned int how, size_t *budget)
{
	if (!(how & LKL_SRV_OUT))
		return 0;
	if (how & LKL_SRV_RET) {
		if (len > *budget)
			len = *budget;
		*budget -= len;
	}
	return len;
}

/**
 * lkl_srv_read_all() - read exactly @len bytes from a connection
 * @io: the side's calls
 * @fd: the connection
 * @buf: where the bytes go
 * @len: how many
 *
 * Return: 0, or -1 if the connection ended or failed first.
 */
int lkl_srv_read_all(const struct lkl_srv_io *io, int fd, void *buf,
		     size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = io->read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/**
 * lkl_srv_send() - write a header and its data, in one call when it fits
 * @io: the side's calls
 * @fd: the connection
 * @hdr: the header
 * @hlen: its length
 * @data: the data that follows it, or NULL
 * @len: its length, 0 for none
 *
 * Return: 0, or -1 if the connection failed before everything was written.
 */
int lkl_srv_send(const struct lkl_srv_io *io, int fd, const void *hdr,
		 size_t hlen, const void *data, size_t len)
{
	struct iovec iov[2] = {
		{ (void *)hdr, hlen },
		{ (void *)data, len },
	};
	struct iovec *v = iov;
	int cnt = 2;
	ssize_t n = 0;

	for (;;) {
		/* Drop what is written, then write the rest. */
		while (cnt && (size_t)n >= v->iov_len) {
			n -= v->iov_len;
			v++;
			cnt--;
		}
		if (!cnt)
			return 0;
		v->iov_base = (char *)v->iov_base + n;
		v->iov_len -= n;
		n = io->writev(fd, v, cnt);
		if (n < 0 && errno == EINTR)
			n = 0;
		else if (n <= 0)
			return -1;
	}
}
