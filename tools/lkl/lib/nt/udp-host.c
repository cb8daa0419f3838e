// SPDX-License-Identifier: GPL-2.0
/*
 * The udp network backend's socket calls on Windows, with Winsock. See
 * netdev/udp-host.h. Where Winsock differs from BSD sockets:
 *
 * - Errors are WSAGetLastError() codes, turned into mingw-w64's errno
 *   values here, and those into LKL's by lkl_netdev_err(), since
 *   mingw-w64 numbers EADDRINUSE and its kind unlike Linux.
 * - recvfrom() has no MSG_TRUNC: a datagram longer than the buffers fails
 *   with WSAEMSGSIZE (the buffers are filled and the rest is lost). That
 *   is reported as one byte more than the buffers hold, which the backend
 *   takes for the truncation it is.
 * - A UDP socket that sent to a closed port fails its next receive with
 *   WSAECONNRESET, an ICMP port unreachable that came back, unless
 *   SIO_UDP_CONNRESET turns that off: it is off.
 * - There is no MSG_DONTWAIT: the socket is non-blocking, and a send that
 *   finds the buffer full waits with WSAPoll() for room.
 * - Without SO_EXCLUSIVEADDRUSE, Windows lets a socket with SO_REUSEADDR
 *   take a port away from this one: it is set, so the port stays ours.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Before Winsock, whose s_addr macro would break struct lkl_in_addr. */
#include <lkl.h>

#include "nt/nt.h"
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>

#include "netdev/udp-host.h"
#include "virtio/netdev.h"

/* The socket buffers asked for. */
#define UDP_HOST_SOCKBUF	(4 << 20)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* The most segments of one datagram. */
#define UDP_HOST_MAX_IOV	64

#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET	_WSAIOW(IOC_VENDOR, 12)
#endif

/* The negative errno value for a Winsock error code. */
static int udp_err(int wsa)
{
	switch (wsa) {
	case WSAEWOULDBLOCK:
		return -EAGAIN;
	case WSAEINTR:
		return -EINTR;
	case WSAEINVAL:
	case WSAEFAULT:
		return -EINVAL;
	case WSAEACCES:
		return -EACCES;
	case WSAEADDRINUSE:
		return -EADDRINUSE;
	case WSAEADDRNOTAVAIL:
		return -EADDRNOTAVAIL;
	case WSAEAFNOSUPPORT:
	case WSAEPFNOSUPPORT:
		return -EAFNOSUPPORT;
	case WSAEMSGSIZE:
		return -EMSGSIZE;
	case WSAECONNRESET:
		return -ECONNRESET;
	case WSAECONNREFUSED:
		return -ECONNREFUSED;
	case WSAEHOSTUNREACH:
		return -EHOSTUNREACH;
	case WSAENETUNREACH:
	case WSAENETDOWN:
		return -ENETUNREACH;
	case WSAENOBUFS:
	case WSAEMFILE:
		return -ENOBUFS;
	default:
		return -EIO;
	}
}

/**
 * lkl_nt_netdev_err() - a host errno as a negative LKL errno
 * @host_errno: a mingw-w64 errno value
 *
 * Return: the LKL errno of the same meaning, negated; -LKL_EIO for one
 * that has no counterpart here.
 */
int lkl_nt_netdev_err(int host_errno)
{
	static const struct {
		int host, lkl;
	} map[] = {
		{ EPERM, LKL_EPERM },		{ ENOENT, LKL_ENOENT },
		{ EINTR, LKL_EINTR },		{ EIO, LKL_EIO },
		{ EAGAIN, LKL_EAGAIN },		{ ENOMEM, LKL_ENOMEM },
		{ EACCES, LKL_EACCES },		{ EBUSY, LKL_EBUSY },
		{ EINVAL, LKL_EINVAL },		{ ENETDOWN, LKL_ENETDOWN },
		{ EADDRINUSE, LKL_EADDRINUSE },
		{ EADDRNOTAVAIL, LKL_EADDRNOTAVAIL },
		{ EAFNOSUPPORT, LKL_EAFNOSUPPORT },
		{ EMSGSIZE, LKL_EMSGSIZE },	{ ENOBUFS, LKL_ENOBUFS },
		{ ECONNRESET, LKL_ECONNRESET },
		{ ECONNREFUSED, LKL_ECONNREFUSED },
		{ EHOSTUNREACH, LKL_EHOSTUNREACH },
		{ ENETUNREACH, LKL_ENETUNREACH },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].host == host_errno)
			return -map[i].lkl;
	return -LKL_EIO;
}

int udp_host_start(void)
{
	return lkl_nt_winsock();
}

int udp_host_open(const struct udp_host_addr *local)
{
	int size = UDP_HOST_SOCKBUF, err;
	BOOL on = TRUE, off = FALSE;
	u_long nonblock = 1;
	DWORD bytes;
	SOCKET s;

	err = lkl_nt_winsock();
	if (err)
		return err;
	s = WSASocketW(local->ss.ss_family, SOCK_DGRAM, IPPROTO_UDP, NULL, 0,
		       WSA_FLAG_NO_HANDLE_INHERIT);
	if (s == INVALID_SOCKET)
		return udp_err(WSAGetLastError());
	if (local->ss.ss_family == AF_INET6)
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&on,
			   sizeof(on));
	setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&on,
		   sizeof(on));
	/* Best effort, as on POSIX. */
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, (const char *)&size, sizeof(size));
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, (const char *)&size, sizeof(size));
	WSAIoctl(s, SIO_UDP_CONNRESET, &off, sizeof(off), NULL, 0, &bytes,
		 NULL, NULL);
	if (bind(s, (const struct sockaddr *)&local->ss, local->len) ||
	    ioctlsocket(s, FIONBIO, &nonblock)) {
		err = udp_err(WSAGetLastError());
		closesocket(s);
		return err;
	}
	/* Windows' socket values fit in 32 bits (kernel handles do). */
	return (int)s;
}

void udp_host_close(int sock)
{
	closesocket((SOCKET)sock);
}

/* Point @buf at @iov; returns the count, or -EMSGSIZE if too many. */
static int udp_bufs(WSABUF *buf, const struct iovec *iov, int cnt)
{
	int i;

	if (cnt > UDP_HOST_MAX_IOV)
		return -EMSGSIZE;
	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len > UINT32_MAX)
			return -EMSGSIZE;
		buf[i].buf = iov[i].iov_base;
		buf[i].len = (ULONG)iov[i].iov_len;
	}
	return cnt;
}

ssize_t udp_host_send(int sock, const struct iovec *iov, int cnt,
		      const struct udp_host_addr *to)
{
	WSABUF buf[UDP_HOST_MAX_IOV];
	WSAPOLLFD p = { .fd = (SOCKET)sock, .events = POLLWRNORM };
	DWORD sent;
	int n, err;

	n = udp_bufs(buf, iov, cnt);
	if (n < 0)
		return n;
	for (;;) {
		if (!WSASendTo((SOCKET)sock, buf, n, &sent, 0,
			       (const struct sockaddr *)&to->ss, to->len,
			       NULL, NULL))
			return sent;
		err = WSAGetLastError();
		if (err != WSAEWOULDBLOCK)
			return udp_err(err);
		/* The buffer is full: wait for room, as a blocking send would. */
		WSAPoll(&p, 1, -1);
	}
}

ssize_t udp_host_recv(int sock, const struct iovec *iov, int cnt,
		      struct udp_host_addr *from)
{
	WSABUF buf[UDP_HOST_MAX_IOV];
	DWORD got, flags = 0;
	INT len = sizeof(from->ss);
	size_t total = 0;
	int i, n, err;

	n = udp_bufs(buf, iov, cnt);
	if (n < 0)
		return n;
	if (!WSARecvFrom((SOCKET)sock, buf, n, &got, &flags,
			 (struct sockaddr *)&from->ss, &len, NULL, NULL)) {
		from->len = len;
		return got;
	}
	err = WSAGetLastError();
	if (err != WSAEMSGSIZE)
		return udp_err(err);
	/* Cut: more than the buffers hold, so the backend drops it. */
	for (i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	from->len = len;
	return total + 1;
}
