// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of the tools on POSIX (tool-host.h): the C library's
 * calls, with their errno.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tool-host.h"

struct host_dir {
	DIR *dir;
};

int host_image_open(struct lkl_disk *disk, const char *path, int readonly)
{
	disk->readonly = readonly;
	disk->fd = open(path, readonly ? O_RDONLY : O_RDWR);
	return disk->fd < 0 ? -1 : 0;
}

int host_image_sync(struct lkl_disk *disk)
{
	return fsync(disk->fd);
}

void host_image_close(struct lkl_disk *disk)
{
	if (disk->fd >= 0)
		close(disk->fd);
	disk->fd = -1;
}

int host_is_sep(char c)
{
	return c == '/';
}

const char *host_prog_name(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	return slash ? slash + 1 : argv0;
}

int host_can_chown(void)
{
	return geteuid() == 0;
}

int host_user_id(const char *name, unsigned int *uid)
{
	struct passwd *pw = getpwnam(name);

	if (!pw)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}

int host_group_id(const char *name, unsigned int *gid)
{
	struct group *gr = getgrnam(name);

	if (!gr)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}

int host_lstat(const char *path, struct host_stat *st)
{
	struct stat s;

	if (lstat(path, &s))
		return -1;
	st->mode = s.st_mode;
	st->uid = s.st_uid;
	st->gid = s.st_gid;
	st->size = s.st_size;
	st->rdev = s.st_rdev;
	st->atime = s.st_atim.tv_sec;
	st->atime_nsec = s.st_atim.tv_nsec;
	st->mtime = s.st_mtim.tv_sec;
	st->mtime_nsec = s.st_mtim.tv_nsec;
	return 0;
}

int host_stat_is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int host_open_read(const char *path)
{
	return open(path, O_RDONLY | O_NOFOLLOW);
}

int host_create(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
}

ssize_t host_pread(int fd, void *buf, size_t len, int64_t off)
{
	return pread(fd, buf, len, off);
}

ssize_t host_write(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len);
}

int64_t host_seek(int fd, int64_t off, enum host_whence whence)
{
	switch (whence) {
	case HOST_SEEK_SET:
		return lseek(fd, off, SEEK_SET);
	case HOST_SEEK_DATA:
		return lseek(fd, off, SEEK_DATA);
	case HOST_SEEK_HOLE:
		return lseek(fd, off, SEEK_HOLE);
	}
	errno = EINVAL;
	return -1;
}

int host_truncate(int fd, int64_t size)
{
	return ftruncate(fd, size);
}

int host_close(int fd)
{
	return close(fd);
}

struct host_dir *host_opendir(const char *path)
{
	struct host_dir *d = malloc(sizeof(*d));

	if (!d)
		return NULL;
	d->dir = opendir(path);
	if (!d->dir) {
		free(d);
		return NULL;
	}
	return d;
}

const char *host_readdir(struct host_dir *dir)
{
	struct dirent *de;

	errno = 0;
	de = readdir(dir->dir);
	return de ? de->d_name : NULL;
}

void host_closedir(struct host_dir *dir)
{
	closedir(dir->dir);
	free(dir);
}

ssize_t host_readlink(const char *path, char *buf, size_t len)
{
	return readlink(path, buf, len);
}

int host_mkdir(const char *path)
{
	return mkdir(path, 0700);
}

int host_unlink(const char *path)
{
	return unlink(path);
}

int host_symlink(const char *target, const char *path)
{
	return symlink(target, path);
}

int host_mknod(const char *path, unsigned int mode, uint64_t rdev)
{
	return mknod(path, mode, rdev);
}

int host_chown(const char *path, unsigned int uid, unsigned int gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

int host_chmod(const char *path, unsigned int mode)
{
	return fchmodat(AT_FDCWD, path, mode, 0);
}

int host_utimes(const char *path, const struct host_stat *st)
{
	struct timespec ts[2] = {
		{ .tv_sec = st->atime, .tv_nsec = st->atime_nsec },
		{ .tv_sec = st->mtime, .tv_nsec = st->mtime_nsec },
	};

	return utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}
