/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <sys/uio.h> for the NT host, which mingw-w64 does not have: only
 * struct iovec, with which the virtio device model describes the
 * buffers of a request.
 */
#ifndef _LKL_NT_SYS_UIO_H
#define _LKL_NT_SYS_UIO_H

#include <stddef.h>

struct iovec {
	void *iov_base;
	size_t iov_len;
};

#endif /* _LKL_NT_SYS_UIO_H */
