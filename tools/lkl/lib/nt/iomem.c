// SPDX-License-Identifier: GPL-2.0
/*
 * Device registers on the NT host. The virtio device model is not built
 * for Windows yet, so there is no device memory to read or write.
 */
#include <lkl_host.h>

#include "nt/nt.h"

/**
 * lkl_nt_iomem_access() - the iomem_access host operation
 * @addr: the register's address
 * @val: the value to read into or write from
 * @size: its size in bytes
 * @write: non-zero for a write
 *
 * Return: -1: no address is device memory.
 */
LKL_KERNEL_ABI int lkl_nt_iomem_access(const void *addr, void *val,
				       int size, int write)
{
	(void)addr;
	(void)val;
	(void)size;
	(void)write;
	return -1;
}
