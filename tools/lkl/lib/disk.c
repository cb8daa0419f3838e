// SPDX-License-Identifier: GPL-2.0
/*
 * Mounting the disks of virtio_blk.c inside LKL.
 *
 * A disk id is the id of the disk's virtio-mmio platform device, so the
 * kernel's name for its block device is found in sysfs under
 * bus/platform/devices/virtio-mmio.ID.auto/virtioN/block/. sysfs is
 * mounted at a private directory for the lookup only, so the application's
 * view of the file system does not change.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lkl.h>

#define DISK_SYSFS	"/.lkl-disk-sysfs"
#define DISK_PATH_MAX	256
#define DISK_NAME_MAX	32

/* One lookup at a time: they share the sysfs mount point. */
static pthread_mutex_t disk_lock = PTHREAD_MUTEX_INITIALIZER;

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

/*
 * Call @match on each name in the directory @path (but "." and "..")
 * until it returns true; copy that name to @found. Returns 0, -LKL_ENOENT
 * if nothing matched, or another negative LKL errno.
 */
static long disk_dir_find(const char *path,
			  bool (*match)(const char *dir, const char *name,
					void *arg),
			  void *arg, char *found, size_t found_len)
{
	struct lkl_linux_dirent64 *d;
	char buf[2048];
	long fd, n, pos, ret = -LKL_ENOENT;
	size_t len;

	fd = lkl_sys_open(path, LKL_O_RDONLY | LKL_O_DIRECTORY | LKL_O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	while (ret == -LKL_ENOENT &&
	       (n = lkl_sys_getdents64(fd, (void *)buf, sizeof(buf))) > 0) {
		for (pos = 0; pos < n; pos += d->d_reclen) {
			d = (void *)(buf + pos);
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (!match(path, d->d_name, arg))
				continue;
			len = strlen(d->d_name);
			if (len >= found_len) {
				ret = -LKL_ENAMETOOLONG;
			} else {
				memcpy(found, d->d_name, len + 1);
				ret = 0;
			}
			break;
		}
	}
	lkl_sys_close(fd);
	return ret;
}

/* Read the small sysfs file @path into @buf, NUL-terminated. */
static long disk_read_file(const char *path, char *buf, size_t size)
{
	long fd, n;

	fd = lkl_sys_open(path, LKL_O_RDONLY | LKL_O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	n = lkl_sys_read(fd, buf, size - 1);
	lkl_sys_close(fd);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return n;
}

static bool disk_is_virtio(const char *dir, const char *name, void *arg)
{
	(void)dir;
	(void)arg;
	return !strncmp(name, "virtio", 6);
}

static bool disk_any(const char *dir, const char *name, void *arg)
{
	(void)dir;
	(void)name;
	(void)arg;
	return true;
}

/* Is @name in @dir the partition number *@arg? */
static bool disk_is_part(const char *dir, const char *name, void *arg)
{
	char path[DISK_PATH_MAX], buf[16];

	if (snprintf(path, sizeof(path), "%s/%s/partition", dir, name) >=
	    (int)sizeof(path))
		return false;
	if (disk_read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	return strtoul(buf, NULL, 10) == *(unsigned int *)arg;
}

/* Find the device of @part on disk @disk_id, with sysfs at DISK_SYSFS. */
static long disk_lookup(unsigned int disk_id, unsigned int part,
			struct disk_dev *dev)
{
	char path[DISK_PATH_MAX], virtio[DISK_NAME_MAX], buf[32];
	size_t len;
	long ret;

	len = snprintf(path, sizeof(path),
		       DISK_SYSFS "/bus/platform/devices/virtio-mmio.%u.auto",
		       disk_id);
	ret = disk_dir_find(path, disk_is_virtio, NULL, virtio, sizeof(virtio));
	if (ret < 0)
		return -LKL_ENODEV;
	len += snprintf(path + len, sizeof(path) - len, "/%s/block", virtio);
	ret = disk_dir_find(path, disk_any, NULL, dev->name, sizeof(dev->name));
	if (ret < 0)
		return -LKL_ENODEV;
	len += snprintf(path + len, sizeof(path) - len, "/%s", dev->name);

	if (part) {
		char whole[DISK_NAME_MAX];

		memcpy(whole, dev->name, sizeof(whole));
		ret = disk_dir_find(path, disk_is_part, &part, dev->name,
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
	ret = disk_read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (sscanf(buf, "%u:%u", &dev->major, &dev->minor) != 2)
		return -LKL_EIO;
	return 0;
}

/* Mount sysfs privately, look the device up, unmount sysfs again. */
static long disk_find(unsigned int disk_id, unsigned int part,
		      struct disk_dev *dev)
{
	long ret;

	pthread_mutex_lock(&disk_lock);
	ret = lkl_sys_mkdir(DISK_SYSFS, 0700);
	if (ret < 0 && ret != -LKL_EEXIST)
		goto out;
	ret = lkl_sys_mount("sysfs", DISK_SYSFS, "sysfs", 0, NULL);
	if (ret < 0) {
		lkl_sys_rmdir(DISK_SYSFS);
		goto out;
	}
	ret = disk_lookup(disk_id, part, dev);
	lkl_sys_umount2(DISK_SYSFS, 0);
	lkl_sys_rmdir(DISK_SYSFS);
out:
	pthread_mutex_unlock(&disk_lock);
	return ret;
}

/* The kernel's encoding of a dev_t in system calls. */
static unsigned int disk_encode_dev(unsigned int major, unsigned int minor)
{
	return (minor & 0xff) | (major & 0xfff) << 8 | (minor & ~0xffU) << 12;
}

long lkl_mount_dev(unsigned int disk_id, unsigned int part,
		   const char *fs_type, int flags, const char *opts,
		   char *mnt_str, unsigned int mnt_str_len)
{
	char node[DISK_NAME_MAX + 8], mnt[DISK_NAME_MAX + 8];
	struct disk_dev dev;
	long ret;

	if (!fs_type || !mnt_str)
		return -LKL_EINVAL;
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

	ret = lkl_sys_mount(node, mnt, (char *)fs_type, flags, (void *)opts);
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
