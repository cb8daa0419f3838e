// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-net device's host calls on POSIX: a non-blocking pipe wakes
 * the receive thread, poll() waits, through lkl_host_io so that the
 * hijack's interposer is never entered. See virtio/vnet-host.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/random.h>

#include "virtio/vnet-host.h"
#include "posix/host_io.h"

int vnet_host_kick_open(struct vnet_host_kick *k)
{
	if (lkl_host_io.pipe2(k->fd, O_NONBLOCK | O_CLOEXEC))
		return -errno;
	return 0;
}

void vnet_host_kick_close(struct vnet_host_kick *k)
{
	lkl_host_io.close(k->fd[0]);
	lkl_host_io.close(k->fd[1]);
}

void vnet_host_kick(struct vnet_host_kick *k)
{
	char c = 0;
	ssize_t ret;

	/* A full pipe has a wakeup pending already. */
	ret = lkl_host_io.write(k->fd[1], &c, 1);
	(void)ret;
}

int vnet_host_wait(struct vnet_host_kick *k, int fd)
{
	struct pollfd p[2] = {
		{ .fd = k->fd[0], .events = POLLIN },
		{ .fd = fd, .events = POLLIN },
	};
	char buf[64];
	int ret = 0;

	if (lkl_host_io.poll(p, fd < 0 ? 1 : 2, -1) < 0)
		return -errno;
	if (p[0].revents) {
		while (lkl_host_io.read(k->fd[0], buf, sizeof(buf)) > 0)
			;
		ret |= VNET_HOST_KICKED;
	}
	if (fd >= 0 && p[1].revents)
		ret |= VNET_HOST_READABLE;
	return ret;
}

bool vnet_host_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return lkl_host_io.poll(&p, 1, 0) > 0;
}

bool vnet_host_random(void *buf, size_t len)
{
	return getrandom(buf, len, 0) == (ssize_t)len;
}
