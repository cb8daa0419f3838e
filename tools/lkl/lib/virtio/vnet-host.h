/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host calls of the virtio-net device (internal header).
 *
 * virtio_net.c waits for frames and wakes its receive thread through
 * these few functions, which each host implements once:
 * posix/vnet-host.c with a pipe and poll(), nt/vnet-host.c with a
 * loopback socket and WSAPoll(). A backend's rx_fd is what the host polls:
 * a file descriptor on POSIX, a SOCKET on Windows.
 */
#ifndef _LKL_LIB_VIRTIO_VNET_HOST_H
#define _LKL_LIB_VIRTIO_VNET_HOST_H

#include <stdbool.h>
#include <stddef.h>

#pragma GCC visibility push(hidden)

/* What vnet_host_wait() saw. */
#define VNET_HOST_KICKED	1
#define VNET_HOST_READABLE	2

/**
 * struct vnet_host_kick - what wakes the receive thread
 * @fd: the host's handles: a pipe's two ends on POSIX, one socket (twice)
 *	on Windows
 */
struct vnet_host_kick {
	int fd[2];
};

/**
 * vnet_host_kick_open() - make a wakeup channel
 * @k: receives it
 *
 * Return: 0, or a negative host errno.
 */
int vnet_host_kick_open(struct vnet_host_kick *k);

/**
 * vnet_host_kick_close() - release a channel of vnet_host_kick_open()
 * @k: the channel
 */
void vnet_host_kick_close(struct vnet_host_kick *k);

/**
 * vnet_host_kick() - wake the thread in vnet_host_wait() on @k
 * @k: the channel
 *
 * Never blocks. Wakeups that nobody has seen yet may merge into one.
 */
void vnet_host_kick(struct vnet_host_kick *k);

/**
 * vnet_host_wait() - wait for a wakeup or for a readable backend
 * @k: the channel; its pending wakeups are consumed
 * @fd: the backend's rx_fd, or -1 to wait for a wakeup only
 *
 * Return: VNET_HOST_KICKED and VNET_HOST_READABLE bits (at least one), or
 * a negative host errno when the wait failed (the caller waits again).
 */
int vnet_host_wait(struct vnet_host_kick *k, int fd);

/**
 * vnet_host_readable() - tell whether a backend has a frame now
 * @fd: the backend's rx_fd
 *
 * Return: true if reading it would not wait.
 */
bool vnet_host_readable(int fd);

/**
 * vnet_host_random() - fill a buffer with random bytes
 * @buf: the buffer
 * @len: its size
 *
 * Return: true, or false if the host had none to give.
 */
bool vnet_host_random(void *buf, size_t len);

#pragma GCC visibility pop

#endif /* _LKL_LIB_VIRTIO_VNET_HOST_H */
