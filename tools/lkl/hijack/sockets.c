// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: the socket calls, and the descriptor calls that a
 * socket needs (read, write, close, dup, fcntl, ioctl).
 *
 * socket() sends every family but AF_UNIX to LKL, so that the program
 * still reaches host services (syslog, D-Bus, nscd) through Unix sockets.
 * A call on a host descriptor goes to the host unchanged; a call on a
 * placeholder goes to the LKL descriptor behind it. The structures passed
 * through (sockaddr, msghdr, mmsghdr, iovec, ifreq, timespec) have the
 * same layout in LKL as on an x86-64 or arm64 Linux host.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hijack.h"

int socket(int domain, int type, int protocol)
{
	switch (domain == AF_UNIX ? hijack_state() : hijack_state_for_new()) {
	case HIJACK_HOST:
		break;
	case HIJACK_LKL:
		if (domain == AF_UNIX)
			break;
		return hijack_fd_install(lkl_sys_socket(domain, type, protocol),
					 0);
	case HIJACK_DEAD:
		if (domain == AF_UNIX)
			break;
		errno = EAFNOSUPPORT;
		return -1;
	}
	return hijack_host.socket(domain, type, protocol);
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
	int lsv[2];
	long ret;

	if (domain == AF_UNIX || hijack_state_for_new() != HIJACK_LKL)
		return hijack_host.socketpair(domain, type, protocol, sv);
	ret = lkl_sys_socketpair(domain, type, protocol, lsv);
	if (ret < 0)
		return hijack_ret(ret);
	sv[0] = hijack_fd_install(lsv[0], 0);
	if (sv[0] < 0) {
		lkl_sys_close(lsv[1]);
		return -1;
	}
	sv[1] = hijack_fd_install(lsv[1], 0);
	if (sv[1] < 0) {
		close(sv[0]);
		return -1;
	}
	return 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return HIJACK_FD_CALL(fd, lkl_sys_bind(lfd, (struct lkl_sockaddr *)addr, len),
			      hijack_host.bind(fd, addr, len));
}

int listen(int fd, int backlog)
{
	return HIJACK_FD_CALL(fd, lkl_sys_listen(lfd, backlog),
			      hijack_host.listen(fd, backlog));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	int lfd = hijack_lkl_fd(fd);

	if (lfd == -1)
		return hijack_host.accept4(fd, addr, len, flags);
	if (lfd < 0)
		return hijack_ebadf();
	return hijack_fd_install(lkl_sys_accept4(lfd,
						 (struct lkl_sockaddr *)addr,
						 (int *)len, flags), 0);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	if (hijack_lkl_fd(fd) == -1)
		return hijack_host.accept(fd, addr, len);
	return accept4(fd, addr, len, 0);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return HIJACK_FD_CALL(fd, lkl_sys_connect(lfd, (struct lkl_sockaddr *)addr, len),
			      hijack_host.connect(fd, addr, len));
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *addr, socklen_t alen)
{
	return HIJACK_FD_CALL(fd, lkl_sys_sendto(lfd, (void *)buf, len, flags,
					     (struct lkl_sockaddr *)addr, alen),
			      hijack_host.sendto(fd, buf, len, flags, addr, alen));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return HIJACK_FD_CALL(fd, lkl_sys_sendto(lfd, (void *)buf, len, flags, NULL, 0),
			      hijack_host.send(fd, buf, len, flags));
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return HIJACK_FD_CALL(fd, lkl_sys_sendmsg(lfd, (struct lkl_user_msghdr *)msg,
					      flags),
			      hijack_host.sendmsg(fd, msg, flags));
}

int sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags)
{
	return HIJACK_FD_CALL(fd, lkl_sys_sendmmsg(lfd, (struct lkl_mmsghdr *)vec, n,
					       flags),
			      hijack_host.sendmmsg(fd, vec, n, flags));
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *addr, socklen_t *alen)
{
	return HIJACK_FD_CALL(fd, lkl_sys_recvfrom(lfd, buf, len, flags,
					       (struct lkl_sockaddr *)addr,
					       (int *)alen),
			      hijack_host.recvfrom(fd, buf, len, flags, addr, alen));
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return HIJACK_FD_CALL(fd, lkl_sys_recvfrom(lfd, buf, len, flags, NULL, NULL),
			      hijack_host.recv(fd, buf, len, flags));
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	return HIJACK_FD_CALL(fd, lkl_sys_recvmsg(lfd, (struct lkl_user_msghdr *)msg,
					      flags),
			      hijack_host.recvmsg(fd, msg, flags));
}

int recvmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags,
	     struct timespec *timeout)
{
	return HIJACK_FD_CALL(fd, lkl_sys_recvmmsg(lfd, (struct lkl_mmsghdr *)vec, n,
					       flags,
					       (struct __lkl__kernel_timespec *)timeout),
			      hijack_host.recvmmsg(fd, vec, n, flags, timeout));
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	return HIJACK_FD_CALL(fd, lkl_sys_getsockopt(lfd, level, name, val, (int *)len),
			      hijack_host.getsockopt(fd, level, name, val, len));
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	return HIJACK_FD_CALL(fd, lkl_sys_setsockopt(lfd, level, name, (void *)val, len),
			      hijack_host.setsockopt(fd, level, name, val, len));
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return HIJACK_FD_CALL(fd, lkl_sys_getsockname(lfd, (struct lkl_sockaddr *)addr,
						  (int *)len),
			      hijack_host.getsockname(fd, addr, len));
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return HIJACK_FD_CALL(fd, lkl_sys_getpeername(lfd, (struct lkl_sockaddr *)addr,
						  (int *)len),
			      hijack_host.getpeername(fd, addr, len));
}

int shutdown(int fd, int how)
{
	return HIJACK_FD_CALL(fd, lkl_sys_shutdown(lfd, how),
			      hijack_host.shutdown(fd, how));
}

ssize_t read(int fd, void *buf, size_t len)
{
	return HIJACK_FD_CALL(fd, lkl_sys_read(lfd, buf, len),
			      hijack_host.read(fd, buf, len));
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return HIJACK_FD_CALL(fd, lkl_sys_write(lfd, buf, len),
			      hijack_host.write(fd, buf, len));
}

ssize_t readv(int fd, const struct iovec *iov, int n)
{
	return HIJACK_FD_CALL(fd, lkl_sys_readv(lfd, (const struct lkl_iovec *)iov, n),
			      hijack_host.readv(fd, iov, n));
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	return HIJACK_FD_CALL(fd, lkl_sys_writev(lfd, (const struct lkl_iovec *)iov, n),
			      hijack_host.writev(fd, iov, n));
}

/* The fortified forms that programs built with _FORTIFY_SOURCE call. */
ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		abort();
	return read(fd, buf, len);
}

ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
	if (len > buflen)
		abort();
	return recv(fd, buf, len, flags);
}

ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen,
		       int flags, struct sockaddr *addr, socklen_t *alen)
{
	if (len > buflen)
		abort();
	return recvfrom(fd, buf, len, flags, addr, alen);
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	return HIJACK_FD_CALL(fd, lkl_sys_ioctl(lfd, req, (unsigned long)arg),
			      hijack_host.ioctl(fd, req, arg));
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg, ret;
	int lfd;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);

	lfd = hijack_lkl_fd(fd);
	if (lfd == -1)
		return hijack_host.fcntl(fd, cmd, arg);
	if (lfd < 0)
		return hijack_ebadf();
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		/* A new placeholder from @arg up, and an LKL duplicate. */
		return hijack_fd_install(lkl_sys_fcntl(lfd, cmd, 0), (int)arg);
	case F_SETFD:
		/* Under a server the placeholder survives exec as LKL's does. */
		ret = lkl_sys_fcntl(lfd, cmd, arg);
		if (!ret && hijack_server_mode)
			hijack_host.fcntl(fd, F_SETFD, arg & FD_CLOEXEC);
		return hijack_ret(ret);
	default:
		return hijack_ret(lkl_sys_fcntl(lfd, cmd, arg));
	}
}

int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return fcntl(fd, cmd, arg);
}

int close(int fd)
{
	int lfd = hijack_lkl_fd(fd);
	long ret;

	if (lfd == -1) {
		hijack_epoll_forget(fd);
		return hijack_host.close(fd);
	}
	/* Unmap first, so that the number is not reused while mapped. */
	lfd = hijack_fd_release(fd);
	ret = 0;
	if (lfd >= 0 && hijack_state() == HIJACK_LKL)
		ret = lkl_sys_close(lfd);
	hijack_host.close(fd);
	return hijack_ret(ret);
}

int dup(int fd)
{
	return HIJACK_FD_CALL(fd, hijack_fd_install(lkl_sys_dup(lfd), 0),
			      hijack_host.dup(fd));
}

int dup3(int fd, int newfd, int flags)
{
	int lfd = hijack_lkl_fd(fd);
	int old;
	long nl;

	if (lfd == -1) {
		if (hijack_host.dup3(fd, newfd, flags) < 0)
			return -1;
		/* @newfd may have been a placeholder: drop its LKL side. */
		hijack_epoll_forget(newfd);
		old = hijack_fd_release(newfd);
		if (old >= 0 && hijack_state() == HIJACK_LKL)
			lkl_sys_close(old);
		return newfd;
	}
	if (lfd < 0)
		return hijack_ebadf();
	if (fd == newfd) {
		errno = EINVAL;
		return -1;
	}
	nl = lkl_sys_fcntl(lfd, flags & O_CLOEXEC ? F_DUPFD_CLOEXEC : F_DUPFD,
			   0);
	if (nl < 0)
		return hijack_ret(nl);
	return hijack_fd_install_at(nl, newfd);
}

int dup2(int fd, int newfd)
{
	int lfd = hijack_lkl_fd(fd);

	if (lfd == -1 && hijack_lkl_fd(newfd) == -1)
		return hijack_host.dup2(fd, newfd);
	if (fd == newfd)
		return lfd < -1 ? hijack_ebadf() : newfd;
	return dup3(fd, newfd, 0);
}

int eventfd(unsigned int count, int flags)
{
	if (hijack_state_for_new() != HIJACK_LKL)
		return hijack_host.eventfd(count, flags);
	return hijack_fd_install(lkl_sys_eventfd2(count, flags), 0);
}
