// SPDX-License-Identifier: GPL-2.0
/*
 * The udp network backend's socket calls on POSIX: BSD sockets, made
 * through lkl_host_io so that the hijack's interposer is never entered.
 * See netdev/udp-host.h.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "netdev/udp-host.h"
#include "posix/host_io.h"

/* The socket buffers asked for; the host may give less (rmem_max). */
#define UDP_HOST_SOCKBUF	(4 << 20)

int udp_host_addr(const char *host, unsigned int port, int family,
		  struct udp_host_addr *addr)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&addr->ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr->ss;
	struct addrinfo hints, *res;

	if (port > 65535)
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	if (!*host) {
		if (family == AF_INET) {
			in->sin_family = AF_INET;
			in->sin_addr.s_addr = htonl(INADDR_ANY);
			in->sin_port = htons(port);
			addr->len = sizeof(*in);
			return 0;
		}
		if (family == AF_INET6) {
			in6->sin6_family = AF_INET6;
			in6->sin6_addr = in6addr_any;
			in6->sin6_port = htons(port);
			addr->len = sizeof(*in6);
			return 0;
		}
		return -EINVAL;
	}

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(host, NULL, &hints, &res) || !res)
		return -EINVAL;
	if (res->ai_addrlen > sizeof(addr->ss) ||
	    (res->ai_family != AF_INET && res->ai_family != AF_INET6)) {
		freeaddrinfo(res);
		return -EINVAL;
	}
	memcpy(&addr->ss, res->ai_addr, res->ai_addrlen);
	addr->len = res->ai_addrlen;
	freeaddrinfo(res);
	if (addr->ss.ss_family == AF_INET)
		in->sin_port = htons(port);
	else
		in6->sin6_port = htons(port);
	return 0;
}

int udp_host_addr_family(const struct udp_host_addr *addr)
{
	return addr->ss.ss_family;
}

bool udp_host_addr_same(const struct udp_host_addr *a,
			const struct udp_host_addr *b)
{
	const struct sockaddr_in *a4 = (const void *)&a->ss;
	const struct sockaddr_in *b4 = (const void *)&b->ss;
	const struct sockaddr_in6 *a6 = (const void *)&a->ss;
	const struct sockaddr_in6 *b6 = (const void *)&b->ss;

	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	       !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
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
