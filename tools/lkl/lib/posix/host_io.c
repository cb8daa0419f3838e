// SPDX-License-Identifier: GPL-2.0
/*
 * The host file and socket calls of the library: the C library's, until a
 * preload library points them elsewhere (see host_io.h).
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "posix/host_io.h"

struct lkl_host_io lkl_host_io = {
	.open = open,
	.close = close,
	.read = read,
	.write = write,
	.readv = readv,
	.writev = writev,
	.preadv = preadv,
	.pwritev = pwritev,
	.pwrite = pwrite,
	.poll = poll,
	.pipe2 = pipe2,
	.fstat = fstat,
	.fcntl = fcntl,
	.ioctl = ioctl,
	.fdatasync = fdatasync,
	.fallocate = fallocate,
	.sync_file_range = sync_file_range,
	.socket = socket,
	.bind = bind,
	.getsockopt = getsockopt,
	.setsockopt = setsockopt,
	.sendmsg = sendmsg,
	.recvmsg = recvmsg,
};
