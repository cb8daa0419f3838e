/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <endian.h> for the NT host, which mingw-w64 does not have: the byte
 * order conversions that the virtio device model uses. Windows on x86_64
 * is little-endian, like virtio, so each is the identity.
 */
#ifndef _LKL_NT_ENDIAN_H
#define _LKL_NT_ENDIAN_H

#include <stdint.h>

#define le16toh(x)	((uint16_t)(x))
#define le32toh(x)	((uint32_t)(x))
#define le64toh(x)	((uint64_t)(x))
#define htole16(x)	((uint16_t)(x))
#define htole32(x)	((uint32_t)(x))
#define htole64(x)	((uint64_t)(x))

#endif /* _LKL_NT_ENDIAN_H */
