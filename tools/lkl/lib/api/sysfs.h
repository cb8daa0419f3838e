/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Looking devices up in LKL's sysfs (internal header).
 *
 * The host library finds the kernel's name for a device it added (the
 * block device of a disk, the interface of a network device) under
 * sysfs's bus/platform/devices/virtio-mmio.ID.auto/virtioN/. sysfs is
 * mounted at a private directory for each lookup only, so the
 * application's view of LKL's file system does not change.
 */
#ifndef _LKL_LIB_SYSFS_H
#define _LKL_LIB_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#pragma GCC visibility push(hidden)

#define LKL_SYSFS_PATH_MAX	256

/**
 * lkl_sysfs_lookup() - run a lookup with sysfs mounted
 * @fn: the lookup; @root is where sysfs is mounted
 * @arg: passed to @fn
 *
 * One lookup runs at a time: they share the mount point.
 *
 * Return: what @fn returns, or a negative LKL errno if sysfs cannot be
 * mounted.
 */
long lkl_sysfs_lookup(long (*fn)(const char *root, void *arg), void *arg);

/**
 * lkl_sysfs_find() - find a name in a sysfs directory
 * @path: the directory
 * @match: called on each name but "." and ".."; NULL matches any
 * @arg: passed to @match
 * @found: receives the first name that matched
 * @found_len: its size
 *
 * Return: 0, -LKL_ENOENT if nothing matched, or another negative LKL errno.
 */
long lkl_sysfs_find(const char *path,
		    bool (*match)(const char *dir, const char *name, void *arg),
		    void *arg, char *found, size_t found_len);

/**
 * lkl_sysfs_read() - read a small sysfs file
 * @path: the file
 * @buf: receives its contents, NUL-terminated
 * @size: the size of @buf
 *
 * Return: the number of bytes read, or a negative LKL errno.
 */
long lkl_sysfs_read(const char *path, char *buf, size_t size);

/* The virtio device directory of platform device @id, under @root. */
long lkl_sysfs_virtio_dir(const char *root, int id, char *path, size_t size);

#pragma GCC visibility pop

#endif /* _LKL_LIB_SYSFS_H */
