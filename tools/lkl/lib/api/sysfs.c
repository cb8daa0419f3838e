// SPDX-License-Identifier: GPL-2.0
/*
 * Looking devices up in LKL's sysfs, for disk.c and virtio_net.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <lkl.h>

#include "api/sysfs.h"

#define SYSFS_ROOT	"/.lkl-sysfs"

static pthread_mutex_t sysfs_lock = PTHREAD_MUTEX_INITIALIZER;

long lkl_sysfs_lookup(long (*fn)(const char *root, void *arg), void *arg)
{
	long ret;

	pthread_mutex_lock(&sysfs_lock);
	ret = lkl_sys_mkdir(SYSFS_ROOT, 0700);
	if (ret < 0 && ret != -LKL_EEXIST)
		goto out;
	ret = lkl_sys_mount("sysfs", SYSFS_ROOT, "sysfs", 0, NULL);
	if (ret < 0) {
		lkl_sys_rmdir(SYSFS_ROOT);
		goto out;
	}
	ret = fn(SYSFS_ROOT, arg);
	lkl_sys_umount2(SYSFS_ROOT, 0);
	lkl_sys_rmdir(SYSFS_ROOT);
out:
	pthread_mutex_unlock(&sysfs_lock);
	return ret;
}

long lkl_sysfs_find(const char *path,
		    bool (*match)(const char *dir, const char *name, void *arg),
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
			if (match && !match(path, d->d_name, arg))
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

long lkl_sysfs_read(const char *path, char *buf, size_t size)
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

static bool sysfs_is_virtio(const char *dir, const char *name, void *arg)
{
	(void)dir;
	(void)arg;
	return !strncmp(name, "virtio", 6);
}

long lkl_sysfs_virtio_dir(const char *root, int id, char *path, size_t size)
{
	char virtio[32];
	size_t len;
	long ret;

	len = snprintf(path, size, "%s/bus/platform/devices/virtio-mmio.%d.auto",
		       root, id);
	if (len >= size)
		return -LKL_ENAMETOOLONG;
	ret = lkl_sysfs_find(path, sysfs_is_virtio, NULL, virtio,
			     sizeof(virtio));
	if (ret < 0)
		return ret;
	if (snprintf(path + len, size - len, "/%s", virtio) >= (int)(size - len))
		return -LKL_ENAMETOOLONG;
	return 0;
}
