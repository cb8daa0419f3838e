// SPDX-License-Identifier: GPL-2.0
/*
 * cptofs and cpfromfs: copy files into or out of a file system image.
 *
 * One program, two names: run as "cpfromfs" it copies from the image to
 * the host, under any other name it copies from the host into the image.
 * The image is a virtio-blk disk of an LKL kernel, mounted by the kernel's
 * own file system driver, so the host needs neither root nor a driver.
 *
 * Files are streamed through a few fixed buffers, holes are skipped on the
 * reading side (SEEK_DATA/SEEK_HOLE) and left unwritten on the writing
 * side, so sparse files stay sparse and memory stays bounded. Host files
 * are reached through tool-host.h, so the same program runs on Windows.
 *
 * Each byte is copied twice on the way, once by the host's read() or
 * write() and once by the LKL kernel between its page cache and the
 * buffer. For large ranges the two run side by side: a helper thread makes
 * the host's calls and the main thread makes LKL's, and they pass the
 * buffers around a ring (struct copy_ring).
 *
 * With --sync-log, cptofs makes each regular file durable as soon as it
 * is copied (fsync of the file, and of each directory it creates) and
 * then appends the file's path to a log on the host: a file in the log
 * survives the process being killed at any later moment, which the crash
 * tests check (Documentation/virt/lkl/reliability.rst).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/fs.h>

#include "tool-disk.h"
#include "tool-host.h"

#define COPY_BUF_SIZE	(1024 * 1024)
#define COPY_BUFS	4	/* in the ring, so 4 MiB in all */
#define DIRENT_BUF_SIZE	(32 * 1024)

static const char *prog;
static const char *image;
static struct tool_disk td;
static char *mnt = td.mnt;	/* where the image is mounted inside LKL */
static char *copy_buf;		/* COPY_BUFS buffers of COPY_BUF_SIZE */
static int from_fs;		/* cpfromfs: image -> host */
static int set_owner;		/* -o given */
static unsigned int owner_uid;
static unsigned int owner_gid;
static int keep_owner;		/* cpfromfs: chown on the host */
static FILE *sync_log;		/* --sync-log: the log of durable files */

static void usage(FILE *out)
{
	if (from_fs)
		fprintf(out,
			"Usage: %s -i IMAGE -t FSTYPE [-P PART] [-o OWNER:GROUP] [-m MEM] SRC... DST\n"
			"Copy SRC (paths inside the image) to DST on the host.\n",
			prog);
	else
		fprintf(out,
			"Usage: %s -i IMAGE -t FSTYPE [-P PART] [-o OWNER:GROUP] [-m MEM]\n"
			"       [-s LOG] SRC... DST\n"
			"Copy SRC (host paths) to DST inside the image.\n",
			prog);
	fprintf(out,
		"\n"
		"  -i, --image IMAGE     the image file (or block device)\n"
		"  -t, --type FSTYPE     its file system type, e.g. ext4\n"
		"  -P, --partition PART  the partition number (default: whole disk)\n"
		"  -o, --owner U:G       owner and group of the copies (names or ids)\n"
		"  -m, --mem SIZE        LKL memory, e.g. 64M (default 64M)\n");
	if (!from_fs)
		fprintf(out,
			"  -s, --sync-log LOG    fsync each file once copied, then append its\n"
			"                        path in the image to LOG (\"-\": standard output)\n");
	fprintf(out,
		"  -h, --help            show this help\n"
		"\n"
		"Directories are copied recursively. Modes, times, symbolic links and\n"
		"holes are kept. If DST is an existing directory, each SRC is copied\n"
		"into it; otherwise the single SRC is copied to DST.\n");
}

static void err_host(const char *path, const char *what)
{
	fprintf(stderr, "%s: %s: %s: %s\n", prog, path, what, strerror(errno));
}

/* Paths inside the image are shown as IMAGE:PATH. */
static void err_lkl(const char *path, const char *what, long ret)
{
	size_t len = strlen(mnt);

	if (len && !strncmp(path, mnt, len) && (!path[len] || path[len] == '/'))
		fprintf(stderr, "%s: %s:%s: %s: %s\n", prog, image,
			path[len] ? path + len : "/", what,
			lkl_strerror((int)ret));
	else
		fprintf(stderr, "%s: %s: %s: %s\n", prog, path, what,
			lkl_strerror((int)ret));
}

/* Parse "user:group", by name or by number. */
static int parse_owner(const char *arg)
{
	char *spec = strdup(arg), *grp, *end;
	int ret = -1;

	if (!spec)
		return -1;
	grp = strchr(spec, ':');
	if (!grp || grp == spec || !grp[1])
		goto out;
	*grp++ = '\0';

	owner_uid = strtoul(spec, &end, 10);
	if (*end && host_user_id(spec, &owner_uid))
		goto out;
	owner_gid = strtoul(grp, &end, 10);
	if (*end && host_group_id(grp, &owner_gid))
		goto out;
	ret = 0;
out:
	free(spec);
	return ret;
}

static char *join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	char *path;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 1 && dir[0] == '/')
		len = 0;
	while (name[0] == '/')
		name++;
	if (asprintf(&path, "%.*s/%s", (int)len, dir, name) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return NULL;
	}
	return path;
}

/* Is @c a separator in a path of the host (@host) or of the image? */
static int is_sep(char c, int host)
{
	return host ? host_is_sep(c) : c == '/';
}

/* The last path component of @path, without trailing separators. */
static char *base_name(const char *path, int host)
{
	size_t len = strlen(path);
	const char *start;
	char *name;

	while (len > 1 && is_sep(path[len - 1], host))
		len--;
	start = path + len;
	while (start > path && !is_sep(start[-1], host))
		start--;
	name = malloc(path + len - start + 1);
	if (name) {
		memcpy(name, start, path + len - start);
		name[path + len - start] = '\0';
	}
	return name;
}

/*
 * The ring of buffers between the thread that fills them and the thread
 * that empties them. Buffer i is copy_buf + i * COPY_BUF_SIZE; @filled and
 * @drained count buffers since the start, so the full ones are those from
 * @drained to @filled (modulo COPY_BUFS).
 */
struct copy_ring {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t full[COPY_BUFS];	/* the bytes in each full buffer */
	unsigned int filled;
	unsigned int drained;
	int end;		/* the filler is done */
	int failed;		/* one side failed and said why; stop */

	/* The helper thread's side of the copy, on the host. */
	int fd;
	int64_t off;
	int64_t len;
	const char *path;
};

static char *ring_buf(unsigned int i)
{
	return copy_buf + (size_t)(i % COPY_BUFS) * COPY_BUF_SIZE;
}

static void ring_init(struct copy_ring *r, int fd, int64_t off, int64_t len,
		      const char *path)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->fd = fd;
	r->off = off;
	r->len = len;
	r->path = path;
}

static void ring_destroy(struct copy_ring *r)
{
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
}

/* Wait for an empty buffer; its number, or -1 if the copy failed. */
static int ring_get_empty(struct copy_ring *r)
{
	int i;

	pthread_mutex_lock(&r->lock);
	while (r->filled - r->drained == COPY_BUFS && !r->failed)
		pthread_cond_wait(&r->cond, &r->lock);
	i = r->failed ? -1 : (int)(r->filled % COPY_BUFS);
	pthread_mutex_unlock(&r->lock);
	return i;
}

/* Wait for a full buffer; its number, -1 if the copy failed, -2 at the end. */
static int ring_get_full(struct copy_ring *r)
{
	int i;

	pthread_mutex_lock(&r->lock);
	while (r->filled == r->drained && !r->end && !r->failed)
		pthread_cond_wait(&r->cond, &r->lock);
	if (r->failed)
		i = -1;
	else if (r->filled == r->drained)
		i = -2;
	else
		i = (int)(r->drained % COPY_BUFS);
	pthread_mutex_unlock(&r->lock);
	return i;
}

/* Change the ring's state under its lock and wake the other side. */
static void ring_put(struct copy_ring *r, unsigned int *count, int *flag,
		     size_t len)
{
	pthread_mutex_lock(&r->lock);
	if (count == &r->filled)
		r->full[r->filled % COPY_BUFS] = len;
	if (count)
		(*count)++;
	if (flag)
		*flag = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void ring_filled(struct copy_ring *r, size_t len)
{
	ring_put(r, &r->filled, NULL, len);
}

static void ring_drained(struct copy_ring *r)
{
	ring_put(r, &r->drained, NULL, 0);
}

static void ring_end(struct copy_ring *r)
{
	ring_put(r, NULL, &r->end, 0);
}

static void ring_fail(struct copy_ring *r)
{
	ring_put(r, NULL, &r->failed, 0);
}

/*
 * Host to image
 */

static int lkl_write_all(int fd, const char *buf, size_t len,
			 const char *path)
{
	long ret;

	while (len) {
		ret = lkl_sys_write(fd, buf, len);
		if (ret == -LKL_EINTR)
			continue;
		if (ret <= 0) {
			err_lkl(path, "write", ret ? ret : -LKL_EIO);
			return -1;
		}
		buf += ret;
		len -= ret;
	}
	return 0;
}

/* Read one buffer of the host file; 1, 0 at the end, or -1 on an error. */
static int read_step(struct copy_ring *r)
{
	ssize_t n;
	int i;

	if (r->len <= 0)
		return 0;
	i = ring_get_empty(r);
	if (i < 0)
		return -1;
	do {
		n = host_pread(r->fd, ring_buf(i),
			       r->len < COPY_BUF_SIZE ? r->len : COPY_BUF_SIZE,
			       r->off);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		err_host(r->path, "read");
		ring_fail(r);
		return -1;
	}
	if (!n)
		return 0;	/* the file shrank under us */
	ring_filled(r, n);
	r->off += n;
	r->len -= n;
	return 1;
}

/* The helper thread of a copy in: read the host file into the ring. */
static void *read_host(void *arg)
{
	struct copy_ring *r = arg;

	while (read_step(r) > 0)
		;
	ring_end(r);
	return NULL;
}

/* Copy @len bytes at @off of the host file @in to the LKL file @out. */
static int copy_range_in(int in, int out, int64_t off, int64_t len,
			 const char *src, const char *dst)
{
	struct copy_ring r;
	pthread_t thread;
	int i, threaded, ret;
	__lkl__kernel_long_t err;

	err = lkl_sys_lseek(out, off, LKL_SEEK_SET);
	if (err < 0) {
		err_lkl(dst, "seek", err);
		return -1;
	}
	ring_init(&r, in, off, len, src);
	/* A range that fits in one buffer is not worth a thread. */
	threaded = len > COPY_BUF_SIZE &&
		   !pthread_create(&thread, NULL, read_host, &r);

	for (;;) {
		/* Without a helper, fill the one buffer right here. */
		if (!threaded && read_step(&r) <= 0)
			ring_end(&r);
		i = ring_get_full(&r);
		if (i < 0)
			break;
		if (lkl_write_all(out, ring_buf(i), r.full[i], dst)) {
			ring_fail(&r);
			break;
		}
		ring_drained(&r);
	}
	if (threaded)
		pthread_join(thread, NULL);
	ret = r.failed ? -1 : 0;
	ring_destroy(&r);
	return ret;
}

static int copy_file_in(const char *src, const char *dst,
			const struct host_stat *st)
{
	int64_t data, hole = 0;
	int in, ret = -1;
	long out, err;

	in = host_open_read(src);
	if (in < 0) {
		err_host(src, "open");
		return -1;
	}
	out = lkl_sys_open(dst, LKL_O_WRONLY | LKL_O_CREAT | LKL_O_TRUNC,
			   0600);
	if (out < 0) {
		err_lkl(dst, "create", out);
		host_close(in);
		return -1;
	}

	for (;;) {
		data = host_seek(in, hole, HOST_SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break;			/* only a hole is left */
		if (data < 0 && hole == 0) {
			/* No SEEK_DATA here: copy everything. */
			if (copy_range_in(in, out, 0, st->size, src, dst))
				goto out;
			break;
		}
		if (data < 0) {
			err_host(src, "seek");
			goto out;
		}
		hole = host_seek(in, data, HOST_SEEK_HOLE);
		if (hole < 0) {
			err_host(src, "seek");
			goto out;
		}
		if (copy_range_in(in, out, data, hole - data, src, dst))
			goto out;
	}

	/* A trailing hole: set the size without writing. */
	err = lkl_sys_ftruncate(out, st->size);
	if (err < 0) {
		err_lkl(dst, "truncate", err);
		goto out;
	}
	ret = 0;
out:
	err = lkl_sys_close(out);
	if (err < 0 && !ret) {
		err_lkl(dst, "close", err);
		ret = -1;
	}
	host_close(in);
	return ret;
}

/*
 * A kernel built without CONFIG_MULTIUSER stores every owner as root and
 * chown() does nothing. Check once that the owner stuck: with -o that is
 * an error, otherwise a warning.
 */
static int check_owner(const char *dst, unsigned int uid, unsigned int gid)
{
	static int checked;
	struct lkl_stat lst;

	if (checked || (!uid && !gid))
		return 0;
	checked = 1;
	if (!lkl_sys_lstat(dst, &lst) && lst.st_uid == uid &&
	    lst.st_gid == gid)
		return 0;
	fprintf(stderr,
		"%s: %s: this LKL kernel keeps no owners (CONFIG_MULTIUSER is off)%s\n",
		prog, set_owner ? "error" : "warning",
		set_owner ? "" : ": the copies are owned by root");
	return set_owner ? -1 : 0;
}

/* Owner, mode and times of the LKL file @dst from the host's @st. */
static int set_attrs_in(const char *dst, const struct host_stat *st)
{
	struct __lkl__kernel_timespec ts[2];
	long ret;

	ret = lkl_sys_fchownat(LKL_AT_FDCWD, dst,
			       set_owner ? owner_uid : st->uid,
			       set_owner ? owner_gid : st->gid,
			       LKL_AT_SYMLINK_NOFOLLOW);
	if (ret < 0) {
		err_lkl(dst, "chown", ret);
		return -1;
	}
	if (check_owner(dst, set_owner ? owner_uid : st->uid,
			set_owner ? owner_gid : st->gid))
		return -1;
	/* After chown, which clears the setuid and setgid bits. */
	if (!LKL_S_ISLNK(st->mode)) {
		ret = lkl_sys_fchmodat(LKL_AT_FDCWD, dst, st->mode & 07777);
		if (ret < 0) {
			err_lkl(dst, "chmod", ret);
			return -1;
		}
	}
	ts[0].tv_sec = st->atime;
	ts[0].tv_nsec = st->atime_nsec;
	ts[1].tv_sec = st->mtime;
	ts[1].tv_nsec = st->mtime_nsec;
	ret = lkl_sys_utimensat(LKL_AT_FDCWD, dst, ts, LKL_AT_SYMLINK_NOFOLLOW);
	if (ret < 0) {
		err_lkl(dst, "set times", ret);
		return -1;
	}
	return 0;
}

/* fsync the LKL file or directory @path. */
static int sync_path(const char *path)
{
	long fd, ret;

	fd = lkl_sys_open(path, LKL_O_RDONLY | LKL_O_NOFOLLOW, 0);
	if (fd < 0) {
		err_lkl(path, "open", fd);
		return -1;
	}
	ret = lkl_sys_fsync(fd);
	lkl_sys_close(fd);
	if (ret < 0) {
		err_lkl(path, "fsync", ret);
		return -1;
	}
	return 0;
}

/* fsync the directory that holds the LKL path @path. */
static int sync_parent(const char *path)
{
	char *dir = strdup(path), *slash;
	int ret;

	if (!dir) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	ret = sync_path(dir);
	free(dir);
	return ret;
}

/*
 * --sync-log: the regular file @dst is copied with its attributes. Make
 * it and its name durable, then log it: the log only ever names files
 * that a crash can no longer take away. The directories above it were
 * made durable as they were created (see copy_in()).
 */
static int log_synced(const char *dst)
{
	size_t len = strlen(mnt);

	if (sync_path(dst) || sync_parent(dst))
		return -1;
	if (fprintf(sync_log, "%s\n", dst[len] ? dst + len : "/") < 0 ||
	    fflush(sync_log)) {
		fprintf(stderr, "%s: sync log: %s\n", prog, strerror(errno));
		return -1;
	}
	return 0;
}

static int copy_in(const char *src, const char *dst);

static int copy_dir_in(const char *src, const char *dst)
{
	struct host_dir *dir;
	const char *name;
	char *s, *d;
	int ret = 0;

	dir = host_opendir(src);
	if (!dir) {
		err_host(src, "open directory");
		return -1;
	}
	while (!ret) {
		name = host_readdir(dir);
		if (!name) {
			if (errno) {
				err_host(src, "read directory");
				ret = -1;
			}
			break;
		}
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		s = join(src, name);
		d = join(dst, name);
		ret = s && d ? copy_in(s, d) : -1;
		free(s);
		free(d);
	}
	host_closedir(dir);
	return ret;
}

static int copy_in(const char *src, const char *dst)
{
	char target[PATH_MAX];
	struct lkl_stat lst;
	struct host_stat st;
	ssize_t len;
	long ret;

	if (host_lstat(src, &st)) {
		err_host(src, "stat");
		return -1;
	}

	if (LKL_S_ISDIR(st.mode)) {
		ret = lkl_sys_mkdir(dst, 0700);
		if (ret == -LKL_EEXIST && !lkl_sys_lstat(dst, &lst) &&
		    LKL_S_ISDIR(lst.st_mode))
			ret = 0;
		if (ret < 0) {
			err_lkl(dst, "mkdir", ret);
			return -1;
		}
		/* Its name, before any file in it is logged. */
		if (sync_log && sync_parent(dst))
			return -1;
		if (copy_dir_in(src, dst))
			return -1;
	} else if (LKL_S_ISREG(st.mode)) {
		if (copy_file_in(src, dst, &st))
			return -1;
	} else if (LKL_S_ISLNK(st.mode)) {
		len = host_readlink(src, target, sizeof(target) - 1);
		if (len < 0) {
			err_host(src, "readlink");
			return -1;
		}
		target[len] = '\0';
		lkl_sys_unlink(dst);
		ret = lkl_sys_symlinkat(target, LKL_AT_FDCWD, dst);
		if (ret < 0) {
			err_lkl(dst, "symlink", ret);
			return -1;
		}
	} else {
		lkl_sys_unlink(dst);
		/* Both sides encode st_rdev the same way. */
		ret = lkl_sys_mknodat(LKL_AT_FDCWD, dst, st.mode, st.rdev);
		if (ret < 0) {
			err_lkl(dst, "mknod", ret);
			return -1;
		}
	}
	if (set_attrs_in(dst, &st))
		return -1;
	return sync_log && LKL_S_ISREG(st.mode) ? log_synced(dst) : 0;
}

/*
 * Image to host
 */

static int host_write_all(int fd, const char *buf, size_t len,
			  const char *path)
{
	ssize_t n;

	while (len) {
		n = host_write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;
			err_host(path, "write");
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/* Write one full buffer to the host file; 1, 0 at the end, -1 on an error. */
static int write_step(struct copy_ring *r)
{
	int i;

	i = ring_get_full(r);
	if (i < 0)
		return i == -2 ? 0 : -1;
	if (host_write_all(r->fd, ring_buf(i), r->full[i], r->path)) {
		ring_fail(r);
		return -1;
	}
	ring_drained(r);
	return 1;
}

/* The helper thread of a copy out: write the ring to the host file. */
static void *write_host(void *arg)
{
	while (write_step(arg) > 0)
		;
	return NULL;
}

/* Copy @len bytes at @off of the LKL file @in to the host file @out. */
static int copy_range_out(int in, int out, int64_t off, int64_t len,
			  const char *src, const char *dst)
{
	struct copy_ring r;
	pthread_t thread;
	int i, threaded, ret;
	long n;

	if (host_seek(out, off, HOST_SEEK_SET) < 0) {
		err_host(dst, "seek");
		return -1;
	}
	ring_init(&r, out, off, len, dst);
	threaded = len > COPY_BUF_SIZE &&
		   !pthread_create(&thread, NULL, write_host, &r);

	while (len > 0) {
		i = ring_get_empty(&r);
		if (i < 0)
			break;
		n = lkl_sys_pread64(in, ring_buf(i),
				    len < COPY_BUF_SIZE ? len : COPY_BUF_SIZE,
				    off);
		if (n == -LKL_EINTR)
			continue;
		if (n < 0) {
			err_lkl(src, "read", n);
			ring_fail(&r);
			break;
		}
		if (!n)
			break;
		ring_filled(&r, n);
		/* Without a helper, empty the one buffer right here. */
		if (!threaded && write_step(&r) < 0)
			break;
		off += n;
		len -= n;
	}
	ring_end(&r);
	if (threaded)
		pthread_join(thread, NULL);
	ret = r.failed ? -1 : 0;
	ring_destroy(&r);
	return ret;
}

static int copy_file_out(const char *src, const char *dst,
			 const struct lkl_stat *st)
{
	__lkl__kernel_long_t in, data, hole = 0;
	int out, ret = -1;

	in = lkl_sys_open(src, LKL_O_RDONLY | LKL_O_NOFOLLOW, 0);
	if (in < 0) {
		err_lkl(src, "open", in);
		return -1;
	}
	out = host_create(dst);
	if (out < 0) {
		err_host(dst, "create");
		lkl_sys_close(in);
		return -1;
	}

	for (;;) {
		data = lkl_sys_lseek(in, hole, LKL_SEEK_DATA);
		if (data == -LKL_ENXIO)
			break;
		if (data < 0 && hole == 0) {
			if (copy_range_out(in, out, 0, st->st_size, src, dst))
				goto out;
			break;
		}
		if (data < 0) {
			err_lkl(src, "seek", data);
			goto out;
		}
		hole = lkl_sys_lseek(in, data, LKL_SEEK_HOLE);
		if (hole < 0) {
			err_lkl(src, "seek", hole);
			goto out;
		}
		if (copy_range_out(in, out, data, hole - data, src, dst))
			goto out;
	}
	if (host_truncate(out, st->st_size)) {
		err_host(dst, "truncate");
		goto out;
	}
	ret = 0;
out:
	if (host_close(out) && !ret) {
		err_host(dst, "close");
		ret = -1;
	}
	lkl_sys_close(in);
	return ret;
}

static int set_attrs_out(const char *dst, const struct lkl_stat *st)
{
	struct host_stat times = {
		.atime = st->lkl_st_atime,
		.atime_nsec = st->st_atime_nsec,
		.mtime = st->lkl_st_mtime,
		.mtime_nsec = st->st_mtime_nsec,
	};

	if (set_owner || keep_owner) {
		if (host_chown(dst, set_owner ? owner_uid : st->st_uid,
			       set_owner ? owner_gid : st->st_gid)) {
			err_host(dst, "chown");
			return -1;
		}
	}
	if (!LKL_S_ISLNK(st->st_mode) && host_chmod(dst, st->st_mode & 07777)) {
		err_host(dst, "chmod");
		return -1;
	}
	if (host_utimes(dst, &times)) {
		err_host(dst, "set times");
		return -1;
	}
	return 0;
}

static int copy_out(const char *src, const char *dst);

static int copy_dir_out(const char *src, const char *dst)
{
	struct lkl_linux_dirent64 *de;
	char *buf, *s, *d;
	long fd, n, pos;
	int ret = 0;

	buf = malloc(DIRENT_BUF_SIZE);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	fd = lkl_sys_open(src, LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	if (fd < 0) {
		err_lkl(src, "open directory", fd);
		free(buf);
		return -1;
	}
	while (!ret) {
		n = lkl_sys_getdents64(fd, (void *)buf, DIRENT_BUF_SIZE);
		if (n < 0) {
			err_lkl(src, "read directory", n);
			ret = -1;
		}
		if (n <= 0)
			break;
		for (pos = 0; pos < n && !ret; pos += de->d_reclen) {
			de = (struct lkl_linux_dirent64 *)(buf + pos);
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			s = join(src, de->d_name);
			d = join(dst, de->d_name);
			ret = s && d ? copy_out(s, d) : -1;
			free(s);
			free(d);
		}
	}
	lkl_sys_close(fd);
	free(buf);
	return ret;
}

static int copy_out(const char *src, const char *dst)
{
	char target[PATH_MAX];
	struct lkl_stat st;
	struct host_stat hst;
	long ret;

	ret = lkl_sys_lstat(src, &st);
	if (ret < 0) {
		err_lkl(src, "stat", ret);
		return -1;
	}

	if (LKL_S_ISDIR(st.st_mode)) {
		if (host_mkdir(dst) &&
		    (errno != EEXIST || host_lstat(dst, &hst) ||
		     !LKL_S_ISDIR(hst.mode))) {
			err_host(dst, "mkdir");
			return -1;
		}
		if (copy_dir_out(src, dst))
			return -1;
	} else if (LKL_S_ISREG(st.st_mode)) {
		if (copy_file_out(src, dst, &st))
			return -1;
	} else if (LKL_S_ISLNK(st.st_mode)) {
		ret = lkl_sys_readlinkat(LKL_AT_FDCWD, src, target,
					 sizeof(target) - 1);
		if (ret < 0) {
			err_lkl(src, "readlink", ret);
			return -1;
		}
		target[ret] = '\0';
		host_unlink(dst);
		if (host_symlink(target, dst)) {
			err_host(dst, "symlink");
			return -1;
		}
	} else {
		host_unlink(dst);
		if (host_mknod(dst, st.st_mode, st.st_rdev)) {
			err_host(dst, "mknod");
			return -1;
		}
	}
	return set_attrs_out(dst, &st);
}

/*
 * Destinations
 */

/* Is @path a directory, on the destination side? */
static int dst_is_dir(const char *path)
{
	struct lkl_stat lst;

	if (from_fs)
		return host_stat_is_dir(path);
	return !lkl_sys_stat(path, &lst) && LKL_S_ISDIR(lst.st_mode);
}

static int copy_all(char **srcs, int nsrc, const char *dst)
{
	char *dpath, *spath, *name, *target;
	int i, ret = 0, into;

	/* Paths inside the image are taken from the root of its file system. */
	dpath = from_fs ? strdup(dst) : join(mnt, dst);
	if (!dpath)
		return -1;
	into = dst_is_dir(dpath);
	if (nsrc > 1 && !into) {
		fprintf(stderr, "%s: %s: not a directory\n", prog, dst);
		free(dpath);
		return -1;
	}

	for (i = 0; i < nsrc && !ret; i++) {
		spath = from_fs ? join(mnt, srcs[i]) : strdup(srcs[i]);
		name = base_name(srcs[i], !from_fs);
		target = NULL;
		if (spath && name)
			target = into && strcmp(name, "/") ?
				 join(dpath, name) : strdup(dpath);
		ret = target ? (from_fs ? copy_out(spath, target) :
					  copy_in(spath, target)) : -1;
		free(target);
		free(name);
		free(spath);
	}
	free(dpath);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "type", required_argument, NULL, 't' },
		{ "partition", required_argument, NULL, 'P' },
		{ "owner", required_argument, NULL, 'o' },
		{ "mem", required_argument, NULL, 'm' },
		{ "sync-log", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fstype = NULL, *mem = "64M", *log = NULL;
	unsigned long part = 0;
	int opt, status = 1;
	char *end;

	prog = host_prog_name(argv[0]);
	from_fs = !strcmp(prog, "cpfromfs");

	while ((opt = getopt_long(argc, argv, "i:t:P:o:m:s:h", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'i':
			image = optarg;
			break;
		case 't':
			fstype = optarg;
			break;
		case 'P':
			part = strtoul(optarg, &end, 10);
			if (*end || !*optarg || part > 255) {
				fprintf(stderr, "%s: bad partition number: %s\n",
					prog, optarg);
				return 1;
			}
			break;
		case 'o':
			if (parse_owner(optarg)) {
				fprintf(stderr, "%s: bad owner (want USER:GROUP): %s\n",
					prog, optarg);
				return 1;
			}
			set_owner = 1;
			break;
		case 'm':
			mem = optarg;
			break;
		case 's':
			log = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!image || !fstype || argc - optind < 2) {
		fprintf(stderr, "%s: %s\n", prog,
			!image ? "no image given (-i IMAGE)" :
			!fstype ? "no file system type given (-t FSTYPE)" :
			"give at least one source and a destination");
		usage(stderr);
		return 1;
	}
	keep_owner = from_fs && host_can_chown();
	if (log && from_fs) {
		fprintf(stderr, "%s: --sync-log is for copies into an image\n",
			prog);
		return 1;
	}
	/* Appended to, so that several runs can share one log. */
	if (log)
		sync_log = strcmp(log, "-") ? fopen(log, "a") : stdout;
	if (log && !sync_log) {
		fprintf(stderr, "%s: %s: %s\n", prog, log, strerror(errno));
		return 1;
	}

	td.prog = prog;
	td.image = image;
	td.readonly = from_fs;
	if (tool_disk_open(&td))
		return 1;
	copy_buf = malloc((size_t)COPY_BUFS * COPY_BUF_SIZE);
	if (!copy_buf)
		fprintf(stderr, "%s: out of memory\n", prog);
	else if (!tool_disk_mount(&td, mem, fstype, part, NULL))
		status = copy_all(argv + optind, argc - optind - 1,
				  argv[argc - 1]) ? 1 : 0;

	if (tool_disk_close(&td))
		status = 1;
	if (sync_log && sync_log != stdout && fclose(sync_log)) {
		fprintf(stderr, "%s: %s: %s\n", prog, log, strerror(errno));
		status = 1;
	}
	free(copy_buf);
	return status;
}
