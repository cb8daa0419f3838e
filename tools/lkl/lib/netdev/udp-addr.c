// SPDX-License-Identifier: GPL-2.0
/*
 * The udp network backend's addresses: numeric text to a socket address,
 * and the comparison of two. The socket address structures and
 * getaddrinfo() are the same in BSD sockets and Winsock, so one file
 * serves every host. See netdev/udp-host.h.
 */
#include <errno.h>
#include <string.h>
#ifndef _WIN32
#include <netdb.h>
#include <netinet/in.h>
#endif

#include "netdev/udp-host.h"

int udp_host_addr(const char *host, unsigned int port, int family,
		  struct udp_host_addr *addr)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&addr->ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr->ss;
	struct addrinfo hints, *res;

	if (port > 65535 || udp_host_start())
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
	addr->len = (socklen_t)res->ai_addrlen;
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
