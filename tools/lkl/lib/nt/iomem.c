// SPDX-License-Identifier: GPL-2.0
/*
 * Device registers on the NT host: the registers of the virtio devices
 * (lib/virtio), which the device model serves on any host.
 */
#include <lkl_host.h>

#include "nt/nt.h"
#include "virtio/virtio.h"

/**
 * lkl_nt_iomem_access() - the iomem_access host operation
 * @addr: the register's address
 * @val: the value to read into or write from
 * @size: its size in bytes
 * @write: non-zero for a write
 *
 * Passes the access on to the virtio device model, with the host's
 * calling convention.
 *
 * Return: 0, or -1 if @addr is no device's register.
 */
LKL_KERNEL_ABI int lkl_nt_iomem_access(const void *addr, void *val,
				       int size, int write)
{
	return lkl_virtio_iomem_access(addr, val, size, write);
}
