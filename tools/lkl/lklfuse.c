// SPDX-License-Identifier: GPL-2.0
/*
 * lklfuse: mount a file system image through FUSE 3.
 *
 * The image is a virtio-blk disk of an LKL kernel and is mounted there by
 * the kernel's own file system driver. Each FUSE request becomes the
 * matching LKL system call on the same path below that mount point, so the
 * host needs no driver for the file system, no root and no loop device.
 *
 * LKL boots in the init callback, after fuse_main() has daemonized, and
 * is unmounted and halted in the destroy callback, so the image is clean
 * once the lklfuse process has exited.
 */
#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <fuse.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/asm/statfs.h>

#include "tool-disk.h"

#define DIRENT_BUF_SIZE	(32 * 1024)

struct lklfuse {
	const char *image;
	const char *type;
	const char *mem;
	const char *opts;
	int part;
	int ro;
	int help;
	int failed;
	int closed;		/* destroy ran and the image was closed cleanly */
	struct tool_disk td;
};

/* fuse_opt_parse() frees old string values: the defaults are set later. */
static struct lklfuse lf = {
	.td = {
		.prog = "lklfuse",
		.no_part_msg = 1,
		.disk = { .fd = -1 },
	},
};

#define LKLFUSE_OPT(t, p) { t, offsetof(struct lklfuse, p), 1 }

static const struct fuse_opt lklfuse_opts[] = {
	LKLFUSE_OPT("type=%s", type),
	LKLFUSE_OPT("part=%d", part),
	LKLFUSE_OPT("mem=%s", mem),
	LKLFUSE_OPT("opts=%s", opts),
	LKLFUSE_OPT("ro", ro),
	LKLFUSE_OPT("-h", help),
	LKLFUSE_OPT("--help", help),
	FUSE_OPT_END
};

static void usage(const char *prog)
{
	printf("Usage: %s [-f] [-o OPT[,OPT...]] IMAGE MOUNTPOINT\n"
	       "Mount the file system in IMAGE at MOUNTPOINT through FUSE, using\n"
	       "the Linux kernel's own driver running in LKL.\n"
	       "\n"
	       "lklfuse options:\n"
	       "  -o type=FSTYPE   file system type (default ext4)\n"
	       "  -o part=N        partition N (default 0: the whole disk)\n"
	       "  -o ro            mount read-only; the image is never written\n"
	       "  -o mem=SIZE      LKL memory (default 128M)\n"
	       "  -o opts=OPTS     file system mount options (use ':' for ',')\n"
	       "\n", prog);
}

static int opt_proc(void *data, const char *arg, int key,
		    struct fuse_args *outargs)
{
	(void)data;
	(void)outargs;

	if (key != FUSE_OPT_KEY_NONOPT)
		return 1;
	if (!lf.image) {
		lf.image = arg;
		return 0;
	}
	/* The mount point goes to libfuse. */
	return 1;
}

/* The path inside LKL of a path below the FUSE mount point. */
static int lpath(char *buf, const char *path)
{
	int n = snprintf(buf, PATH_MAX, "%s%s", lf.td.mnt, path);

	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static void stat_from_lkl(struct stat *st, const struct lkl_stat *ls)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = ls->st_dev;
	st->st_ino = ls->st_ino;
	st->st_mode = ls->st_mode;
	st->st_nlink = ls->st_nlink;
	st->st_uid = ls->st_uid;
	st->st_gid = ls->st_gid;
	st->st_rdev = ls->st_rdev;
	st->st_size = ls->st_size;
	st->st_blksize = ls->st_blksize;
	st->st_blocks = ls->st_blocks;
	st->st_atim.tv_sec = ls->lkl_st_atime;
	st->st_atim.tv_nsec = ls->st_atime_nsec;
	st->st_mtim.tv_sec = ls->lkl_st_mtime;
	st->st_mtim.tv_nsec = ls->st_mtime_nsec;
	st->st_ctim.tv_sec = ls->lkl_st_ctime;
	st->st_ctim.tv_nsec = ls->st_ctime_nsec;
}

static int lf_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	struct lkl_stat ls;
	long ret;

	if (fi) {
		ret = lkl_sys_newfstatat((int)fi->fh, "", &ls,
					 LKL_AT_EMPTY_PATH);
	} else {
		if (lpath(p, path))
			return -ENAMETOOLONG;
		ret = lkl_sys_newfstatat(LKL_AT_FDCWD, p, &ls,
					 LKL_AT_SYMLINK_NOFOLLOW);
	}
	if (ret < 0)
		return (int)ret;
	stat_from_lkl(st, &ls);
	return 0;
}

static int lf_readlink(const char *path, char *buf, size_t size)
{
	char p[PATH_MAX];
	long ret;

	if (lpath(p, path))
		return -ENAMETOOLONG;
	if (!size)
		return -EINVAL;
	ret = lkl_sys_readlinkat(LKL_AT_FDCWD, p, buf, size - 1);
	if (ret < 0)
		return (int)ret;
	buf[ret] = '\0';
	return 0;
}

static int lf_mknod(const char *path, mode_t mode, dev_t rdev)
{
	char p[PATH_MAX];

	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_mknodat(LKL_AT_FDCWD, p, mode, rdev);
}

static int lf_mkdir(const char *path, mode_t mode)
{
	char p[PATH_MAX];

	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_mkdirat(LKL_AT_FDCWD, p, mode);
}

static int lf_unlink(const char *path)
{
	char p[PATH_MAX];

	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_unlinkat(LKL_AT_FDCWD, p, 0);
}

static int lf_rmdir(const char *path)
{
	char p[PATH_MAX];

	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_unlinkat(LKL_AT_FDCWD, p, LKL_AT_REMOVEDIR);
}

static int lf_symlink(const char *target, const char *path)
{
	char p[PATH_MAX];

	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_symlinkat(target, LKL_AT_FDCWD, p);
}

static int lf_rename(const char *from, const char *to, unsigned int flags)
{
	char f[PATH_MAX];
	char t[PATH_MAX];

	if (lpath(f, from))
		return -ENAMETOOLONG;
	if (lpath(t, to))
		return -ENAMETOOLONG;
	return (int)lkl_sys_renameat2(LKL_AT_FDCWD, f, LKL_AT_FDCWD, t, flags);
}

static int lf_link(const char *from, const char *to)
{
	char f[PATH_MAX];
	char t[PATH_MAX];

	if (lpath(f, from))
		return -ENAMETOOLONG;
	if (lpath(t, to))
		return -ENAMETOOLONG;
	return (int)lkl_sys_linkat(LKL_AT_FDCWD, f, LKL_AT_FDCWD, t, 0);
}

static int lf_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	char p[PATH_MAX];

	(void)fi;
	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_fchmodat(LKL_AT_FDCWD, p, mode);
}

static int lf_chown(const char *path, uid_t uid, gid_t gid,
		    struct fuse_file_info *fi)
{
	char p[PATH_MAX];

	(void)fi;
	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_fchownat(LKL_AT_FDCWD, p, uid, gid,
				     LKL_AT_SYMLINK_NOFOLLOW);
}

static int lf_truncate(const char *path, off_t size,
		       struct fuse_file_info *fi)
{
	char p[PATH_MAX];

	if (fi)
		return (int)lkl_sys_ftruncate((int)fi->fh, size);
	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_truncate(p, size);
}

static int lf_open(const char *path, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	long fd;

	if (lpath(p, path))
		return -ENAMETOOLONG;
	fd = lkl_sys_openat(LKL_AT_FDCWD, p, fi->flags & ~O_CREAT, 0);
	if (fd < 0)
		return (int)fd;
	fi->fh = (uint64_t)fd;
	return 0;
}

static int lf_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	long fd;

	if (lpath(p, path))
		return -ENAMETOOLONG;
	fd = lkl_sys_openat(LKL_AT_FDCWD, p, fi->flags | O_CREAT, mode);
	if (fd < 0)
		return (int)fd;
	fi->fh = (uint64_t)fd;
	return 0;
}

static int lf_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	(void)path;
	return (int)lkl_sys_pread64((int)fi->fh, buf, size, off);
}

static int lf_write(const char *path, const char *buf, size_t size,
		    off_t off, struct fuse_file_info *fi)
{
	(void)path;
	return (int)lkl_sys_pwrite64((int)fi->fh, buf, size, off);
}

static int lf_statfs(const char *path, struct statvfs *sv)
{
	char p[PATH_MAX];
	struct lkl_statfs sf;
	long ret;

	if (lpath(p, path))
		return -ENAMETOOLONG;
	ret = lkl_sys_statfs(p, &sf);
	if (ret < 0)
		return (int)ret;
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = sf.f_bsize;
	sv->f_frsize = sf.f_frsize ? sf.f_frsize : sf.f_bsize;
	sv->f_blocks = sf.f_blocks;
	sv->f_bfree = sf.f_bfree;
	sv->f_bavail = sf.f_bavail;
	sv->f_files = sf.f_files;
	sv->f_ffree = sf.f_ffree;
	sv->f_favail = sf.f_ffree;
	sv->f_namemax = sf.f_namelen;
	return 0;
}

static int lf_flush(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	(void)fi;
	/* Data is in LKL's page cache; release and fsync write it out. */
	return 0;
}

static int lf_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	return (int)lkl_sys_close((int)fi->fh);
}

static int lf_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	if (datasync)
		return (int)lkl_sys_fdatasync((int)fi->fh);
	return (int)lkl_sys_fsync((int)fi->fh);
}

static int lf_setxattr(const char *path, const char *name, const char *val,
		       size_t size, int flags)
{
	char p[PATH_MAX];

	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_lsetxattr(p, name, val, size, flags);
}

static int lf_getxattr(const char *path, const char *name, char *val,
		       size_t size)
{
	char p[PATH_MAX];

	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_lgetxattr(p, name, val, size);
}

static int lf_listxattr(const char *path, char *list, size_t size)
{
	char p[PATH_MAX];

	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_llistxattr(p, list, size);
}

static int lf_removexattr(const char *path, const char *name)
{
	char p[PATH_MAX];

	if (lpath(p, path))
		return -ENAMETOOLONG;
	return (int)lkl_sys_lremovexattr(p, name);
}

static int lf_opendir(const char *path, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	long fd;

	if (lpath(p, path))
		return -ENAMETOOLONG;
	fd = lkl_sys_openat(LKL_AT_FDCWD, p, LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	if (fd < 0)
		return (int)fd;
	fi->fh = (uint64_t)fd;
	return 0;
}

static int lf_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	struct lkl_linux_dirent64 *de;
	char *dbuf;
	long n, pos, ret;
	struct stat st;

	(void)path;
	(void)flags;
	ret = lkl_sys_lseek((int)fi->fh, off, LKL_SEEK_SET);
	if (ret < 0)
		return (int)ret;
	dbuf = malloc(DIRENT_BUF_SIZE);
	if (!dbuf)
		return -ENOMEM;
	for (;;) {
		n = lkl_sys_getdents64((int)fi->fh, (void *)dbuf,
				       DIRENT_BUF_SIZE);
		if (n <= 0) {
			ret = n;
			break;
		}
		for (pos = 0; pos < n; pos += de->d_reclen) {
			de = (struct lkl_linux_dirent64 *)(dbuf + pos);
			memset(&st, 0, sizeof(st));
			st.st_ino = de->d_ino;
			st.st_mode = (mode_t)de->d_type << 12;
			if (fill(buf, de->d_name, &st, de->d_off, 0)) {
				ret = 0;
				goto out;
			}
		}
	}
out:
	free(dbuf);
	return (int)ret;
}

static int lf_releasedir(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	return (int)lkl_sys_close((int)fi->fh);
}

static int lf_fsyncdir(const char *path, int datasync,
		       struct fuse_file_info *fi)
{
	return lf_fsync(path, datasync, fi);
}

static int lf_utimens(const char *path, const struct timespec tv[2],
		      struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	struct __lkl__kernel_timespec ts[2];
	int i;

	(void)fi;
	if (lpath(p, path))
		return -ENAMETOOLONG;
	for (i = 0; i < 2; i++) {
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_nsec;
	}
	return (int)lkl_sys_utimensat(LKL_AT_FDCWD, p, ts,
				      LKL_AT_SYMLINK_NOFOLLOW);
}

static int lf_fallocate(const char *path, int mode, off_t off, off_t len,
			struct fuse_file_info *fi)
{
	(void)path;
	return (int)lkl_sys_fallocate((int)fi->fh, mode, off, len);
}

/* Boot LKL here: fuse_main() has daemonized (forked) by now. */
static void *lf_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->use_ino = 1;
	cfg->nullpath_ok = 1;
	/* The kernel in LKL checks permissions: FUSE need not. */
	cfg->kernel_cache = 0;

	if (tool_disk_mount(&lf.td, lf.mem, lf.type, lf.part, lf.opts)) {
		lf.failed = 1;
		fuse_exit(fuse_get_context()->fuse);
	}
	return NULL;
}

/*
 * Unmount, remove the disk, halt and fsync: the image is clean on exit.
 * The host kernel sends RELEASE asynchronously, so when a signal (SIGTERM,
 * SIGINT) ends the loop, files the application has closed may still be
 * open here, and the unmount would fail with EBUSY and leave the image
 * dirty: close whatever is still open first. Their data is written out
 * by the unmount like any other.
 */
static void lf_destroy(void *data)
{
	int ret;

	(void)data;
	if (lf.td.mounted)
		lkl_sys_close_range(0, ~0U, 0);
	ret = tool_disk_close(&lf.td);
	lf.closed = !lf.failed && !ret;
}

static const struct fuse_operations lf_ops = {
	.init		= lf_init,
	.destroy	= lf_destroy,
	.getattr	= lf_getattr,
	.readlink	= lf_readlink,
	.mknod		= lf_mknod,
	.mkdir		= lf_mkdir,
	.unlink		= lf_unlink,
	.rmdir		= lf_rmdir,
	.symlink	= lf_symlink,
	.rename		= lf_rename,
	.link		= lf_link,
	.chmod		= lf_chmod,
	.chown		= lf_chown,
	.truncate	= lf_truncate,
	.open		= lf_open,
	.create		= lf_create,
	.read		= lf_read,
	.write		= lf_write,
	.statfs		= lf_statfs,
	.flush		= lf_flush,
	.release	= lf_release,
	.fsync		= lf_fsync,
	.setxattr	= lf_setxattr,
	.getxattr	= lf_getxattr,
	.listxattr	= lf_listxattr,
	.removexattr	= lf_removexattr,
	.opendir	= lf_opendir,
	.readdir	= lf_readdir,
	.releasedir	= lf_releasedir,
	.fsyncdir	= lf_fsyncdir,
	.utimens	= lf_utimens,
	.fallocate	= lf_fallocate,
};

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	char *p;
	int ret;

	if (fuse_opt_parse(&args, &lf, lklfuse_opts, opt_proc))
		return 1;
	if (lf.help) {
		usage(argv[0]);
		fuse_opt_add_arg(&args, "--help");
		args.argv[0][0] = '\0';
		ret = fuse_main(args.argc, args.argv, &lf_ops, NULL);
		fuse_opt_free_args(&args);
		return 0;
	}
	if (!lf.type)
		lf.type = "ext4";
	if (!lf.mem)
		lf.mem = "128M";
	if (!lf.image) {
		fprintf(stderr, "lklfuse: no image given\n");
		usage(argv[0]);
		return 1;
	}
	if (lf.part < 0 || lf.part > 255) {
		fprintf(stderr, "lklfuse: bad partition number: %d\n", lf.part);
		return 1;
	}
	/* fuse_opt_parse() splits at ','; the file system options use ':'. */
	if (lf.opts) {
		lf.opts = strdup(lf.opts);
		if (!lf.opts)
			return 1;
		for (p = (char *)lf.opts; *p; p++)
			if (*p == ':')
				*p = ',';
	}

	/* Fail before FUSE mounts anything if the image cannot be opened. */
	lf.td.image = lf.image;
	lf.td.readonly = lf.ro;
	if (tool_disk_open(&lf.td))
		return 1;
	/*
	 * No default_permissions: only the user who mounted (and can write
	 * the image anyway) reaches the mount, and the owners in the image
	 * need not be host users.
	 */
	if (lf.ro)
		fuse_opt_add_arg(&args, "-oro");

	ret = fuse_main(args.argc, args.argv, &lf_ops, NULL);
	fuse_opt_free_args(&args);
	if (lf.td.disk.fd >= 0)
		close(lf.td.disk.fd);
	/*
	 * libfuse reports a loop ended by SIGTERM, SIGINT or SIGHUP as an
	 * error; for lklfuse that is the orderly way out, and what counts is
	 * that the image was closed cleanly.
	 */
	return (ret && !lf.closed) || lf.failed ? 1 : 0;
}
