/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host side of the tools (cptofs, cpfromfs and the image of
 * tool-disk.c): the few calls they make on host files, with one
 * implementation per host, tool-host-posix.c and tool-host-nt.c.
 *
 * Each call returns what the POSIX call of the same name returns and sets
 * errno on an error, so that strerror() says why. Modes are in the
 * kernel's (POSIX's) encoding on every host: LKL_S_IFDIR, LKL_S_ISREG()
 * ... from <lkl.h>, and the permission bits.
 */
#ifndef _LKL_TOOL_HOST_H
#define _LKL_TOOL_HOST_H

#include <stdint.h>
#include <sys/types.h>

#include <lkl.h>

/* What the tools need of a host file's status. */
struct host_stat {
	unsigned int mode;
	unsigned int uid;
	unsigned int gid;
	uint64_t size;
	uint64_t rdev;
	int64_t atime;
	int64_t mtime;
	long atime_nsec;
	long mtime_nsec;
};

/* Where host_seek() starts from. */
enum host_whence { HOST_SEEK_SET, HOST_SEEK_DATA, HOST_SEEK_HOLE };

/* An open directory of host_opendir(). */
struct host_dir;

/* The image: open as a disk for LKL, fsync, close (disk->fd or handle). */
int host_image_open(struct lkl_disk *disk, const char *path, int readonly);
int host_image_sync(struct lkl_disk *disk);
void host_image_close(struct lkl_disk *disk);

/* Is @c a separator of the host's path names? */
int host_is_sep(char c);
/* The program's name: @argv0 without its directory (and ".exe"). */
const char *host_prog_name(const char *argv0);
/* May the program give host files any owner (is it root)? */
int host_can_chown(void);
/* The id of a user or group name; 0, or -1 if there is none. */
int host_user_id(const char *name, unsigned int *uid);
int host_group_id(const char *name, unsigned int *gid);

/* Host files, without following a symbolic link at the end of @path. */
int host_lstat(const char *path, struct host_stat *st);
/* Follows symbolic links. */
int host_stat_is_dir(const char *path);
int host_open_read(const char *path);
int host_create(const char *path);
ssize_t host_pread(int fd, void *buf, size_t len, int64_t off);
ssize_t host_write(int fd, const void *buf, size_t len);
/* HOST_SEEK_DATA and HOST_SEEK_HOLE fail with EINVAL where not known. */
int64_t host_seek(int fd, int64_t off, enum host_whence whence);
int host_truncate(int fd, int64_t size);
int host_close(int fd);

struct host_dir *host_opendir(const char *path);
/* The next name, "." and ".." included; NULL at the end (errno 0). */
const char *host_readdir(struct host_dir *dir);
void host_closedir(struct host_dir *dir);

ssize_t host_readlink(const char *path, char *buf, size_t len);
int host_mkdir(const char *path);
int host_unlink(const char *path);
int host_symlink(const char *target, const char *path);
int host_mknod(const char *path, unsigned int mode, uint64_t rdev);
int host_chown(const char *path, unsigned int uid, unsigned int gid);
int host_chmod(const char *path, unsigned int mode);
int host_utimes(const char *path, const struct host_stat *st);

#endif /* _LKL_TOOL_HOST_H */
