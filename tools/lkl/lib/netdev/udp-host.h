/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host socket calls of the udp network backend (internal header).
 *
 * netdev-udp.c makes no socket call of its own: it goes through these
 * few functions, which each host implements once (posix/udp-host.c with
 * BSD sockets on POSIX, nt/udp-host.c with Winsock). The addresses are
 * the same on every host (netdev/udp-addr.c). Errors are negative host errno values, as
 * everywhere in the backends; a host whose socket layer has error codes
 * of its own converts them here.
 */
#ifndef _LKL_LIB_NETDEV_UDP_HOST_H
#define _LKL_LIB_NETDEV_UDP_HOST_H

#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <sys/socket.h>
#endif

#pragma GCC visibility push(hidden)

/**
 * struct udp_host_addr - an IPv4 or IPv6 address and UDP port
 * @ss: the socket address
 * @len: its length
 */
struct udp_host_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/**
 * udp_host_start() - start the host's socket layer, if it has to be
 *
 * Called before the first address is made; later calls are cheap.
 *
 * Return: 0, or a negative errno if the host has no sockets.
 */
int udp_host_start(void);

/**
 * udp_host_addr() - make an address from numeric text
 * @host: an IPv4 or IPv6 address in numeric form (an IPv6 one may have a
 *	"%scope" suffix), or "" for the unspecified address of @family
 * @port: the port, 0 to 65535
 * @family: AF_INET, AF_INET6, or AF_UNSPEC to take the family of @host
 *	(not with an empty @host)
 * @addr: receives the address
 *
 * No name is looked up and nothing is opened.
 *
 * Return: 0, or -EINVAL if @host is not a numeric address of @family.
 */
int udp_host_addr(const char *host, unsigned int port, int family,
		  struct udp_host_addr *addr);

/**
 * udp_host_addr_family() - the address family of an address
 * @addr: the address
 *
 * Return: AF_INET or AF_INET6.
 */
int udp_host_addr_family(const struct udp_host_addr *addr);

/**
 * udp_host_addr_same() - tell whether two addresses and ports are equal
 * @a: one address
 * @b: the other
 *
 * Return: true if they are.
 */
bool udp_host_addr_same(const struct udp_host_addr *a,
			const struct udp_host_addr *b);

/**
 * udp_host_open() - open a UDP socket bound to a local address
 * @local: the address and port to bind to
 *
 * The socket blocks on send and is read with udp_host_recv(), which does
 * not block. Its buffers are made as large as the host allows up to a
 * few MiB, so that a burst of frames is not dropped.
 *
 * Return: the socket, which the receive thread polls, or a negative
 * errno: -EADDRINUSE if the port is taken, -EADDRNOTAVAIL if the address
 * is not local.
 */
int udp_host_open(const struct udp_host_addr *local);

/**
 * udp_host_close() - close a socket of udp_host_open()
 * @sock: the socket
 */
void udp_host_close(int sock);

/**
 * udp_host_send() - send one datagram
 * @sock: the socket
 * @iov: the datagram's bytes
 * @cnt: the number of elements in @iov
 * @to: where to
 *
 * Return: the bytes sent, or a negative errno (-EMSGSIZE for a datagram
 * too large for UDP).
 */
ssize_t udp_host_send(int sock, const struct iovec *iov, int cnt,
		      const struct udp_host_addr *to);

/**
 * udp_host_recv() - receive one datagram without waiting
 * @sock: the socket
 * @iov: where its bytes go
 * @cnt: the number of elements in @iov
 * @from: receives its source
 *
 * Return: its full length, even when @iov was too short and it was cut
 * (the caller compares); -EAGAIN if there was none; or another negative
 * errno.
 */
ssize_t udp_host_recv(int sock, const struct iovec *iov, int cnt,
		      struct udp_host_addr *from);

#pragma GCC visibility pop

#endif /* _LKL_LIB_NETDEV_UDP_HOST_H */
