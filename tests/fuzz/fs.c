// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the file systems with disk images: mount, walk the tree, read
 * every file a little, write one, unmount, for ext4, btrfs, xfs, vfat
 * and iso9660.
 *
 * Images are mostly zeroes and a few hundred MiB for XFS, so an input is
 * a sparse image that libFuzzer can mutate where it matters:
 *
 *   byte 0       the file system: an index in fs_types[] (modulo)
 *   bytes 1-2    the image size in MiB, little-endian (1 to 512)
 *   then records: offset (4 bytes, little-endian), length (2 bytes),
 *                that many bytes of data; the rest of the image is zero
 *
 * LKL_FUZZ_FS=NAME fixes the file system whatever byte 0 says, so that a
 * libFuzzer run stays on one; LKL_FUZZ_VERBOSE=1 prints how each mount
 * went. The seeds are images made by the host's
 * mkfs tools with a few files, packed into this form. Mount options are
 * the tools' (lkl_mount_dev() adds errors=remount-ro for ext4), so a
 * corrupt image that asks for a panic on errors only remounts read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "fuzz.h"

#define MAX_MB		512
#define MAX_DEPTH	4
#define MAX_ENTRIES	64
#define READ_MAX	(64 * 1024)
#define SECTOR		512
#define REC_MAX		32768

const char *const fuzz_name = "fs";

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char * const fs_types[] = {
	"ext4", "btrfs", "xfs", "vfat", "iso9660",
};

static int forced_fs = -1;
static int verbose;
static char buf[READ_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *fs = getenv("LKL_FUZZ_FS");
	size_t i;

	(void)argc;
	(void)argv;
	fuzz_seeds_requested();
	verbose = !!getenv("LKL_FUZZ_VERBOSE");
	for (i = 0; fs && i < ARRAY_SIZE(fs_types); i++)
		if (!strcmp(fs, fs_types[i]))
			forced_fs = i;
	if (fs && forced_fs < 0) {
		fprintf(stderr, "fuzz-fs: LKL_FUZZ_FS=%s: %s\n", fs,
			"not one of ext4, btrfs, xfs, vfat, iso9660");
		exit(1);
	}
	fuzz_boot();
	return 0;
}

/* Read a little of every file, follow every directory, to a limit. */
static void walk(int dirfd, int depth, int *budget)
{
	struct lkl_linux_dirent64 *de;
	struct lkl_stat st;
	char dents[4096];
	long n, pos;
	int fd;

	while (*budget > 0) {
		n = lkl_sys_getdents64(dirfd, (void *)dents, sizeof(dents));
		if (n <= 0)
			return;
		for (pos = 0; pos < n && *budget > 0; pos += de->d_reclen) {
			de = (struct lkl_linux_dirent64 *)(dents + pos);
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			(*budget)--;
			if (lkl_sys_newfstatat(dirfd, de->d_name, &st,
					       LKL_AT_SYMLINK_NOFOLLOW))
				continue;
			if (LKL_S_ISLNK(st.st_mode)) {
				lkl_sys_readlinkat(dirfd, de->d_name, buf,
						   sizeof(buf));
				continue;
			}
			if (LKL_S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
				fd = lkl_sys_openat(dirfd, de->d_name,
						    LKL_O_RDONLY | LKL_O_DIRECTORY,
						    0);
				if (fd >= 0) {
					walk(fd, depth + 1, budget);
					lkl_sys_close(fd);
				}
				continue;
			}
			if (!LKL_S_ISREG(st.st_mode))
				continue;
			fd = lkl_sys_openat(dirfd, de->d_name, LKL_O_RDONLY, 0);
			if (fd >= 0) {
				lkl_sys_read(fd, buf, sizeof(buf));
				lkl_sys_close(fd);
			}
		}
	}
}

/* Write a file, grow it, rename it, and remove it again. */
static void write_some(const char *mnt)
{
	char path[96], path2[96];
	int fd;

	snprintf(path, sizeof(path), "%s/fuzz-new", mnt);
	snprintf(path2, sizeof(path2), "%s/fuzz-renamed", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_RDWR | LKL_O_TRUNC, 0644);
	if (fd < 0)
		return;
	memset(buf, 'x', 8192);
	lkl_sys_write(fd, buf, 8192);
	lkl_sys_fsync(fd);
	lkl_sys_close(fd);
	lkl_sys_mkdir(path2, 0755);
	lkl_sys_rmdir(path2);
	lkl_sys_rename(path, path2);
	lkl_sys_unlink(path2);
}

/* Lay the records of the input out in a sparse memfd. */
static int unpack(const unsigned char *data, size_t size, int *fs)
{
	size_t pos = 3;
	unsigned int mb;
	int fd;

	if (size < 3)
		return -1;
	*fs = forced_fs >= 0 ? forced_fs :
	      data[0] % ARRAY_SIZE(fs_types);
	mb = data[1] | data[2] << 8;
	if (mb < 1 || mb > MAX_MB)
		return -1;
	fd = memfd_create("fuzz-fs", 0);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)mb << 20)) {
		close(fd);
		return -1;
	}
	while (pos + 6 <= size) {
		unsigned int off = data[pos] | data[pos + 1] << 8 |
			       data[pos + 2] << 16 | (unsigned int)data[pos + 3] << 24;
		size_t len = data[pos + 4] | data[pos + 5] << 8;

		pos += 6;
		if (len > size - pos)
			len = size - pos;
		if ((unsigned long long)off + len <= (unsigned long long)mb << 20 &&
		    pwrite(fd, data + pos, len, off) != (ssize_t)len) {
			close(fd);
			return -1;
		}
		pos += len;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct lkl_disk disk = { .fd = -1 };
	int fs, dirfd, budget = MAX_ENTRIES;
	char mnt[64];
	long id, ret;
	int ro = 0;

	disk.fd = unpack(data, size, &fs);
	if (disk.fd < 0)
		return 0;
	id = lkl_disk_add(&disk);
	if (id < 0)
		goto out;
	ret = lkl_mount_dev(id, 0, fs_types[fs], 0, NULL, mnt, sizeof(mnt));
	if (ret) {
		ro = 1;
		ret = lkl_mount_dev(id, 0, fs_types[fs], LKL_MS_RDONLY, NULL,
				    mnt, sizeof(mnt));
	}
	if (verbose)
		fprintf(stderr, "fuzz-fs: %s: mount%s: %s\n", fs_types[fs],
			ro ? " (read-only)" : "", lkl_strerror(ret));
	if (!ret) {
		dirfd = lkl_sys_open(mnt, LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
		if (dirfd >= 0) {
			walk(dirfd, 0, &budget);
			lkl_sys_close(dirfd);
		}
		if (!ro)
			write_some(mnt);
		lkl_umount_dev(id, 0, 0, 1000);
	}
	lkl_disk_remove(&disk);
out:
	close(disk.fd);
	return 0;
}

/* Pack the image @img for file system @fs into the input form, in @out. */
static int pack(const char *img, int fs, const char *out)
{
	static char sec[REC_MAX];
	FILE *in, *o;
	unsigned char hdr[6];
	struct stat st;
	off_t off = 0, start = -1;
	size_t len = 0, n;
	unsigned int mb;

	if (stat(img, &st))
		return -1;
	mb = (st.st_size + (1 << 20) - 1) >> 20;
	in = fopen(img, "r");
	o = fopen(out, "w");
	if (!in || !o)
		goto fail;
	hdr[0] = fs;
	hdr[1] = mb & 0xff;
	hdr[2] = mb >> 8;
	fwrite(hdr, 1, 3, o);
	/* One record per run of non-zero sectors, REC_MAX bytes at most. */
	for (;;) {
		n = fread(sec + len, 1, SECTOR, in);
		if (n && memchr(sec + len, 0, n) == sec + len &&
		    !memcmp(sec + len, sec + len + 1, n - 1))
			n = 0;			/* an all-zero sector */
		else if (n && start < 0)
			start = off;
		if (start >= 0 && (!n || len + n == REC_MAX)) {
			len += n;
			hdr[0] = start;
			hdr[1] = start >> 8;
			hdr[2] = start >> 16;
			hdr[3] = start >> 24;
			hdr[4] = len;
			hdr[5] = len >> 8;
			fwrite(hdr, 1, 6, o);
			fwrite(sec, 1, len, o);
			start = -1;
			len = 0;
			n = 0;
		} else {
			len += n;
		}
		off += SECTOR;
		if (feof(in))
			break;
	}
	fclose(in);
	return fclose(o);
fail:
	if (in)
		fclose(in);
	if (o)
		fclose(o);
	return -1;
}

/* The files that mkfs -d, mkfs.btrfs --rootdir and genisoimage copy in. */
static int make_tree(const char *tree)
{
	static const char * const dirs[] = { "", "/sub", "/sub/deeper" };
	static const char * const files[] = { "/a", "/sub/numbers",
					      "/sub/deeper/c" };
	char path[600];
	size_t i;
	int fd, n;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s%s", tree, dirs[i]);
		if (mkdir(path, 0755))
			return -1;
	}
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s%s", tree, files[i]);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			return -1;
		for (n = 0; n < (i == 1 ? 3000 : 1); n++)
			dprintf(fd, "line %d of %s\n", n, files[i]);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/link", tree);
	return symlink("a", path);
}

int fuzz_make_seeds(const char *dir)
{
	static const struct {
		int fs;
		int mb;
		const char *tool;
		const char *mkfs;	/* %1$s: the image, %2$s: the tree */
	} seeds[] = {
		{ 0, 2, "mkfs.ext4", "mkfs.ext4 -q -F -b 1024 -d %2$s %1$s" },
		{ 0, 4, "mkfs.ext4",
		  "mkfs.ext4 -q -F -O ^has_journal,inline_data -d %2$s %1$s" },
		{ 1, 16, "mkfs.btrfs", "mkfs.btrfs -q -f -M --rootdir %2$s %1$s" },
		{ 2, 300, "mkfs.xfs", "mkfs.xfs -q -f %1$s" },
		{ 3, 1, "mkfs.vfat", "mkfs.vfat %1$s" },
		{ 3, 40, "mkfs.vfat", "mkfs.vfat -F 32 %1$s" },
		{ 4, 0, "genisoimage",
		  "genisoimage -quiet -R -J -o %1$s %2$s" },
	};
	char tree[512], img[512], out[64], cmd[4096];
	int n = 0, fd;
	size_t i;

	snprintf(tree, sizeof(tree), "%s/tree", dir);
	snprintf(img, sizeof(img), "%s/image", dir);
	if (make_tree(tree))
		return -1;
	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null",
			 seeds[i].tool);
		if (system(cmd))
			continue;
		unlink(img);
		if (seeds[i].mb) {
			fd = open(img, O_CREAT | O_WRONLY, 0644);
			if (fd < 0 || ftruncate(fd, (off_t)seeds[i].mb << 20))
				return -1;
			close(fd);
		}
		snprintf(cmd, sizeof(cmd), seeds[i].mkfs, img, tree);
		strncat(cmd, " >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
		if (system(cmd)) {
			fprintf(stderr, "fuzz-fs: %s failed\n", seeds[i].tool);
			continue;
		}
		snprintf(out, sizeof(out), "seed-%s-%zu", fs_types[seeds[i].fs],
			 i);
		snprintf(cmd, sizeof(cmd), "%s/%s", dir, out);
		if (pack(img, seeds[i].fs, cmd))
			return -1;
		n++;
	}
	unlink(img);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	if (system(cmd))
		return -1;
	return n;
}
