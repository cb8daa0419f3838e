// SPDX-License-Identifier: GPL-2.0
/*
 * The udp network backend's socket calls on POSIX: BSD sockets, made
 * through lkl_host_io so that the hijack's interposer is never entered.
 * See netdev/udp-host.h.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "netdev/udp-host.h"
#include "posix/host_io.h"

/* The socket buffers asked for; the host may give less (rmem_max). */
#define UDP_HOST_SOCKBUF	(4 << 20)

int udp_host_start(void)
{
	return 0;
}

int udp_host_open(const struct udp_host_addr *local)
{
	int sock, err, size = UDP_HOST_SOCKBUF, on = 1;

	sock = lkl_host_io.socket(local->ss.ss_family,
				  SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (sock < 0)
		return -errno;
	/* An IPv6 socket takes IPv6 only, like QEMU's and whatever the sysctl. */
	if (local->ss.ss_family == AF_INET6) {
		lkl_host_io.setsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &on,
				       sizeof(on));
	}
	/* Best effort: a smaller buffer only means more drops under load. */
	lkl_host_io.setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &size,
			       sizeof(size));
	lkl_host_io.setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &size,
			       sizeof(size));
	if (lkl_host_io.bind(sock, (const struct sockaddr *)&local->ss,
			     local->len)) {
		err = errno;
		lkl_host_io.close(sock);
		return -err;
	}
	return sock;
}

void udp_host_close(int sock)
{
	lkl_host_io.close(sock);
}

ssize_t udp_host_send(int sock, const struct iovec *iov, int cnt,
		      const struct udp_host_addr *to)
{
	struct msghdr msg = {
		.msg_name = (void *)&to->ss,
		.msg_namelen = to->len,
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = cnt,
	};
	ssize_t n;

	do {
		n = lkl_host_io.sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

ssize_t udp_host_recv(int sock, const struct iovec *iov, int cnt,
		      struct udp_host_addr *from)
{
	struct msghdr msg = {
		.msg_name = &from->ss,
		.msg_namelen = sizeof(from->ss),
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = cnt,
	};
	ssize_t n;

	do {
		n = lkl_host_io.recvmsg(sock, &msg, MSG_DONTWAIT | MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	from->len = msg.msg_namelen;
	return n;
}
