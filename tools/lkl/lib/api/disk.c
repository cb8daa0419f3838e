// SPDX-License-Identifier: GPL-2.0
/*
 * Mounting the disks of virtio_blk.c inside LKL.
 *
 * A disk id is the id of the disk's virtio-mmio platform device, so the
 * kernel's name for its block device is found in sysfs under
 * bus/platform/devices/virtio-mmio.ID.auto/virtioN/block/ (sysfs.c).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lkl.h>

#include "api/sysfs.h"

#define DISK_NAME_MAX	32

/**
 * struct disk_dev - a block device found in sysfs
 * @name: the kernel's name, such as "vda1"
 * @major: its major number
 * @minor: its minor number
 */
struct disk_dev {
	char name[DISK_NAME_MAX];
	unsigned int major;
	unsigned int minor;
};

/* What disk_lookup() looks for, and where it puts what it finds. */
struct disk_query {
	unsigned int disk_id;
	unsigned int part;
	struct disk_dev *dev;
};

/* Is @name in @dir the partition number *@arg? */
static bool disk_is_part(const char *dir, const char *name, void *arg)
{
	char path[LKL_SYSFS_PATH_MAX], buf[16];

	if (snprintf(path, sizeof(path), "%s/%s/partition", dir, name) >=
	    (int)sizeof(path))
		return false;
	if (lkl_sysfs_read(path, buf, sizeof(buf)) <= 0)
		return false;
	return strtoul(buf, NULL, 10) == *(unsigned int *)arg;
}

/* Find the device of a partition of a disk, with sysfs at @root. */
static long disk_lookup(const char *root, void *arg)
{
	struct disk_query *q = arg;
	struct disk_dev *dev = q->dev;
	char path[LKL_SYSFS_PATH_MAX], buf[32];
	size_t len;
	long ret;

	ret = lkl_sysfs_virtio_dir(root, q->disk_id, path, sizeof(path));
	if (ret < 0)
		return -LKL_ENODEV;
	len = strlen(path);
	len += snprintf(path + len, sizeof(path) - len, "/block");
	ret = lkl_sysfs_find(path, NULL, NULL, dev->name, sizeof(dev->name));
	if (ret < 0)
		return -LKL_ENODEV;
	len += snprintf(path + len, sizeof(path) - len, "/%s", dev->name);

	if (q->part) {
		char whole[DISK_NAME_MAX];

		memcpy(whole, dev->name, sizeof(whole));
		ret = lkl_sysfs_find(path, disk_is_part, &q->part, dev->name,
				     sizeof(dev->name));
		if (ret < 0)
			return ret == -LKL_ENOENT ? ret : -LKL_ENODEV;
		if (strncmp(dev->name, whole, strlen(whole)))
			return -LKL_ENOENT;
		len += snprintf(path + len, sizeof(path) - len, "/%s",
				dev->name);
	}
	if (len + 4 >= sizeof(path))
		return -LKL_ENAMETOOLONG;
	strcat(path, "/dev");
	ret = lkl_sysfs_read(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (sscanf(buf, "%u:%u", &dev->major, &dev->minor) != 2)
		return -LKL_EIO;
	return 0;
}

static long disk_find(unsigned int disk_id, unsigned int part,
		      struct disk_dev *dev)
{
	struct disk_query q = { .disk_id = disk_id, .part = part, .dev = dev };

	return lkl_sysfs_lookup(disk_lookup, &q);
}

/* The kernel's encoding of a dev_t in system calls. */
static unsigned int disk_encode_dev(unsigned int major, unsigned int minor)
{
	return (minor & 0xff) | (major & 0xfff) << 8 | (minor & ~0xffU) << 12;
}

/*
 * An ext2/3/4 superblock can ask for a kernel panic on the first error it
 * finds (tune2fs -e panic), and a panic ends the host process. The image
 * is often untrusted: mount it with errors=remount-ro unless the caller
 * chose an errors= option, so a corrupt image gives I/O errors instead.
 * @data (a page: the most mount data can be) receives the options.
 */
static long disk_opts(const char *fs_type, const char *opts, char *data,
		      size_t len)
{
	static const char ro[] = "errors=remount-ro";
	int n;

	if (strcmp(fs_type, "ext4") && strcmp(fs_type, "ext3") &&
	    strcmp(fs_type, "ext2"))
		n = snprintf(data, len, "%s", opts ? opts : "");
	else if (!opts || !*opts)
		n = snprintf(data, len, "%s", ro);
	else if (!strncmp(opts, "errors=", 7) || strstr(opts, ",errors="))
		n = snprintf(data, len, "%s", opts);
	else
		n = snprintf(data, len, "%s,%s", opts, ro);
	return (size_t)n < len ? 0 : -LKL_E2BIG;
}

long lkl_mount_dev(unsigned int disk_id, unsigned int part,
		   const char *fs_type, int flags, const char *opts,
		   char *mnt_str, unsigned int mnt_str_len)
{
	char node[DISK_NAME_MAX + 8], mnt[DISK_NAME_MAX + 8];
	char data[4096];
	struct disk_dev dev;
	long ret;

	if (!fs_type || !mnt_str)
		return -LKL_EINVAL;
	ret = disk_opts(fs_type, opts, data, sizeof(data));
	if (ret < 0)
		return ret;
	ret = disk_find(disk_id, part, &dev);
	if (ret < 0)
		return ret;
	snprintf(node, sizeof(node), "/dev/%s", dev.name);
	if ((unsigned int)snprintf(mnt, sizeof(mnt), "/mnt/%s", dev.name) >=
	    mnt_str_len)
		return -LKL_ERANGE;

	/* A node left over from an earlier disk may have another number. */
	ret = lkl_sys_mkdir("/dev", 0755);
	if (ret < 0 && ret != -LKL_EEXIST)
		return ret;
	lkl_sys_unlink(node);
	ret = lkl_sys_mknodat(LKL_AT_FDCWD, node, LKL_S_IFBLK | 0600,
			      disk_encode_dev(dev.major, dev.minor));
	if (ret < 0)
		return ret;

	ret = lkl_sys_mkdir("/mnt", 0755);
	if (ret < 0 && ret != -LKL_EEXIST)
		goto out_node;
	ret = lkl_sys_mkdir(mnt, 0755);
	if (ret < 0 && ret != -LKL_EEXIST)
		goto out_node;

	ret = lkl_sys_mount(node, mnt, (char *)fs_type, flags,
			    opts || *data ? data : NULL);
	if (ret < 0) {
		lkl_sys_rmdir(mnt);
		goto out_node;
	}
	memcpy(mnt_str, mnt, strlen(mnt) + 1);
	return 0;

out_node:
	lkl_sys_unlink(node);
	return ret;
}

long lkl_umount_dev(unsigned int disk_id, unsigned int part, int flags,
		    long timeout_ms)
{
	const struct timespec step = { .tv_nsec = 10 * 1000 * 1000 };
	char node[DISK_NAME_MAX + 8], mnt[DISK_NAME_MAX + 8];
	struct disk_dev dev;
	long ret;

	ret = disk_find(disk_id, part, &dev);
	if (ret < 0)
		return ret;
	snprintf(node, sizeof(node), "/dev/%s", dev.name);
	snprintf(mnt, sizeof(mnt), "/mnt/%s", dev.name);

	for (;;) {
		ret = lkl_sys_umount2(mnt, flags);
		if (ret != -LKL_EBUSY || timeout_ms <= 0)
			break;
		nanosleep(&step, NULL);
		timeout_ms -= 10;
	}
	if (ret < 0)
		return ret;
	lkl_sys_rmdir(mnt);
	lkl_sys_unlink(node);
	return 0;
}
