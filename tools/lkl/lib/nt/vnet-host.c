// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-net device's host calls on Windows. A backend's rx_fd is a
 * Winsock SOCKET; WSAPoll() waits on it and on a wakeup channel, which is
 * a UDP socket on the loopback address connected to itself: a kick is a
 * datagram to itself. Windows has no pipe that WSAPoll() takes, and an
 * event would need WSAEventSelect(), whose FD_READ is an edge that the
 * receive thread could miss when it stops reading halfway through a
 * batch; the poll is a level, as on POSIX. See virtio/vnet-host.h.
 */
#define _CRT_RAND_S	/* rand_s() */
#include <errno.h>
#include <stdlib.h>

#include "nt/nt.h"
#include <winsock2.h>
#include <ws2tcpip.h>

#include "virtio/vnet-host.h"

static INIT_ONCE nt_wsa_once = INIT_ONCE_STATIC_INIT;
static int nt_wsa_error;

static BOOL WINAPI nt_wsa_start(PINIT_ONCE once, void *arg, void **ctx)
{
	WSADATA data;

	(void)once;
	(void)arg;
	(void)ctx;
	nt_wsa_error = WSAStartup(MAKEWORD(2, 2), &data) ? -ENETDOWN : 0;
	return TRUE;
}

/**
 * lkl_nt_winsock() - start Winsock, once per process
 *
 * Every socket the library makes (the udp backend, the wakeup channel
 * here) needs it; the first caller starts it, later callers get the
 * outcome. It is never stopped: the end of the process releases it.
 *
 * Return: 0, or -ENETDOWN when Winsock 2.2 is missing.
 */
int lkl_nt_winsock(void)
{
	InitOnceExecuteOnce(&nt_wsa_once, nt_wsa_start, NULL, NULL);
	return nt_wsa_error;
}

int vnet_host_kick_open(struct vnet_host_kick *k)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int len = sizeof(a), err;
	u_long on = 1;
	SOCKET s;

	err = lkl_nt_winsock();
	if (err)
		return err;
	s = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0,
		       WSA_FLAG_NO_HANDLE_INHERIT);
	if (s == INVALID_SOCKET)
		return -ENOMEM;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(s, (struct sockaddr *)&a, &len) ||
	    connect(s, (struct sockaddr *)&a, len) ||
	    ioctlsocket(s, FIONBIO, &on)) {
		closesocket(s);
		return -ENOMEM;
	}
	/* Windows' socket values fit in 32 bits (kernel handles do). */
	k->fd[0] = (int)s;
	k->fd[1] = (int)s;
	return 0;
}

void vnet_host_kick_close(struct vnet_host_kick *k)
{
	closesocket((SOCKET)k->fd[0]);
}

void vnet_host_kick(struct vnet_host_kick *k)
{
	char c = 0;

	/* A full buffer has a wakeup pending already. */
	send((SOCKET)k->fd[1], &c, 1, 0);
}

int vnet_host_wait(struct vnet_host_kick *k, int fd)
{
	WSAPOLLFD p[2] = {
		{ .fd = (SOCKET)k->fd[0], .events = POLLRDNORM },
		{ .fd = (SOCKET)fd, .events = POLLRDNORM },
	};
	char buf[64];
	int ret = 0;

	if (WSAPoll(p, fd < 0 ? 1 : 2, -1) == SOCKET_ERROR)
		return -EINTR;
	if (p[0].revents) {
		while (recv((SOCKET)k->fd[0], buf, sizeof(buf), 0) > 0)
			;
		ret |= VNET_HOST_KICKED;
	}
	if (fd >= 0 && p[1].revents)
		ret |= VNET_HOST_READABLE;
	return ret;
}

bool vnet_host_readable(int fd)
{
	WSAPOLLFD p = { .fd = (SOCKET)fd, .events = POLLRDNORM };

	return WSAPoll(&p, 1, 0) > 0;
}

bool vnet_host_random(void *buf, size_t len)
{
	unsigned char *b = buf;
	unsigned int r;
	size_t i;

	for (i = 0; i < len; i++) {
		if (rand_s(&r))
			return false;
		b[i] = (unsigned char)r;
	}
	return true;
}
