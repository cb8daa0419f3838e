// SPDX-License-Identifier: GPL-2.0
/*
 * btrfs, xfs and vfat on a virtio-blk disk: each image is made by the
 * host's mkfs, used read-write through LKL, and then checked by the
 * host's own checker. ext4 has its own suite (ext4.c).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "testlib.h"
#include "../boot/lkl-test.h"

#define FS_CMDLINE	"mem=128M loglevel=4"
/*
 * Sparse images. At 320 MiB, btrfs (metadata and system chunks, DUP) and
 * xfs (its log) leave less than the big file needs: -ENOSPC.
 */
#define IMAGE_MB	512
#define BIG_MB		256
#define CHUNK		(1024 * 1024)
#define BIG_XATTR	(64 * 1024)

FIXTURE(fs) {
	char dir[64];
	char img[96];
};

FIXTURE_VARIANT(fs) {
	const char *fstype;
	/* The host's programs this needs, then mkfs and the checker. */
	const char *tools;
	/* Both take the image as their last argument. */
	const char *mkfs;
	const char *check;
	int xattr;
	int big_xattr;
	/* Where the (primary) superblock is. */
	int sb_offset;
	/*
	 * Mounts an image cut short: fat_fill_super() does not compare the
	 * sector count with the size of the device, upstream too.
	 */
	int cut_mounts;
};

FIXTURE_VARIANT_ADD(fs, btrfs) {
	.fstype = "btrfs",
	.tools = "mkfs.btrfs btrfs",
	.mkfs = "mkfs.btrfs -q -f",
	.check = "btrfs check",
	.xattr = 1,
	.big_xattr = 0,
	.sb_offset = 64 * 1024,
};

FIXTURE_VARIANT_ADD(fs, xfs) {
	.fstype = "xfs",
	.tools = "mkfs.xfs xfs_repair",
	.mkfs = "mkfs.xfs -q -f -n size=16k",
	.check = "xfs_repair -n",
	.xattr = 1,
	.big_xattr = 1,
};

FIXTURE_VARIANT_ADD(fs, vfat) {
	.fstype = "vfat",
	.tools = "mkfs.vfat fsck.vfat",
	.mkfs = "mkfs.vfat",
	.check = "fsck.vfat -n",
	.xattr = 0,
	.big_xattr = 0,
	.cut_mounts = 1,
};

FIXTURE_SETUP(fs)
{
	int fd;

	ASSERT_TRUE(test_have_all(variant->tools))
		TH_LOG("%s: not all installed (scripts/lkl-deps.sh test)",
		       variant->tools);

	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-fs-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->img, sizeof(self->img), "%s/disk.img", self->dir);

	/* A sparse image: only what mkfs writes takes space. */
	fd = open(self->img, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, (off_t)IMAGE_MB << 20));
	close(fd);
	ASSERT_EQ(0, test_run("%s %s >/dev/null 2>&1", variant->mkfs, self->img));
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, FS_CMDLINE));
}

FIXTURE_TEARDOWN_PARENT(fs)
{
	if (self->dir[0])
		test_run("rm -rf %s", self->dir);
}

/*
 * Write @mb MiB of pattern to @path and fsync it; the checksum goes to
 * *@sum. Returns 0 or a negative LKL errno.
 */
static long write_big(const char *path, size_t mb, unsigned long long *sum)
{
	unsigned long long *buf = malloc(CHUNK), x = 88172645463325252ULL;
	long fd, ret = 0;
	size_t i;

	*sum = FNV_INIT;
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY | LKL_O_TRUNC, 0644);
	if (fd < 0 || !buf) {
		free(buf);
		return fd < 0 ? fd : -LKL_ENOMEM;
	}
	for (i = 0; i < mb && !ret; i++) {
		test_fill(buf, CHUNK, &x);
		*sum = fnv1a(*sum, buf, CHUNK);
		ret = lkl_test_write_all(fd, buf, CHUNK);
	}
	if (!ret)
		ret = lkl_sys_fsync(fd);
	lkl_sys_close(fd);
	free(buf);
	return ret;
}

/* Read @path back: its length to *@len, its checksum to *@sum. */
static long read_big(const char *path, size_t *len, unsigned long long *sum)
{
	char *buf = malloc(CHUNK);
	long fd, n;

	*sum = FNV_INIT;
	*len = 0;
	fd = lkl_sys_open(path, LKL_O_RDONLY, 0);
	if (fd < 0 || !buf) {
		free(buf);
		return fd < 0 ? fd : -LKL_ENOMEM;
	}
	while ((n = lkl_sys_read(fd, buf, CHUNK)) > 0) {
		*sum = fnv1a(*sum, buf, n);
		*len += n;
	}
	lkl_sys_close(fd);
	free(buf);
	return n < 0 ? n : 0;
}

/* Whether the directory @dir lists @name, through getdents64. */
static int has_entry(const char *dir, const char *name)
{
	char buf[4096];
	long fd, n, pos;
	int found = 0;

	fd = lkl_sys_open(dir, LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	if (fd < 0)
		return 0;
	while ((n = lkl_sys_getdents64(fd, (void *)buf, sizeof(buf))) > 0) {
		for (pos = 0; pos < n;) {
			struct lkl_linux_dirent64 *d = (void *)(buf + pos);

			if (!strcmp(d->d_name, name))
				found = 1;
			pos += d->d_reclen;
		}
	}
	lkl_sys_close(fd);
	return found;
}

/* The file operations, on the file system mounted at @mnt. */
static void file_ops(struct __test_metadata *_metadata,
		     const struct _fixture_variant_fs *variant, const char *mnt)
{
	static const char text[] = "some text for LKL\n";
	char path[128], path2[128], buf[256];
	struct lkl_stat st;
	char *big, *back;
	long fd;
	int i;

	/* create, write, fsync, read */
	snprintf(path, sizeof(path), "%s/a", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_RDWR | LKL_O_EXCL, 0644);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, lkl_test_write_all(fd, text, sizeof(text)));
	EXPECT_EQ(0, lkl_sys_fsync(fd));
	EXPECT_EQ(0, lkl_sys_lseek(fd, 0, LKL_SEEK_SET));
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(sizeof(text), lkl_sys_read(fd, buf, sizeof(buf)));
	EXPECT_STREQ(text, buf);

	/* truncate */
	EXPECT_EQ(0, lkl_sys_ftruncate(fd, 4));
	EXPECT_EQ(0, lkl_sys_fstat(fd, &st));
	EXPECT_EQ(4, st.st_size);
	EXPECT_EQ(0, lkl_sys_fsync(fd));
	EXPECT_EQ(0, lkl_sys_close(fd));

	/* user.* xattrs, where the file system has them */
	if (variant->xattr) {
		EXPECT_EQ(0, lkl_sys_setxattr(path, "user.lkl", "value", 5, 0));
		memset(buf, 0, sizeof(buf));
		EXPECT_EQ(5, lkl_sys_getxattr(path, "user.lkl", buf,
					      sizeof(buf)));
		EXPECT_STREQ("value", buf);
	} else {
		EXPECT_EQ(-LKL_EOPNOTSUPP,
			  lkl_sys_setxattr(path, "user.lkl", "value", 5, 0));
	}

	/* A 64 KiB value: a remote xattr over several XFS blocks. */
	if (variant->big_xattr) {
		big = malloc(BIG_XATTR);
		back = malloc(BIG_XATTR);
		ASSERT_NE(NULL, big);
		ASSERT_NE(NULL, back);
		for (i = 0; i < BIG_XATTR; i++)
			big[i] = (char)(i * 7 + i / 251);
		EXPECT_EQ(0, lkl_sys_setxattr(path, "user.big", big,
					      BIG_XATTR, 0));
		memset(back, 0, BIG_XATTR);
		EXPECT_EQ(BIG_XATTR, lkl_sys_getxattr(path, "user.big", back,
						      BIG_XATTR));
		EXPECT_EQ(0, memcmp(big, back, BIG_XATTR));
		free(back);
		free(big);
	}

	/* mkdir, rename into it, readdir, unlink */
	snprintf(path2, sizeof(path2), "%s/dir", mnt);
	EXPECT_EQ(0, lkl_sys_mkdir(path2, 0755));
	snprintf(path2, sizeof(path2), "%s/dir/b", mnt);
	EXPECT_EQ(0, lkl_sys_rename(path, path2));
	EXPECT_EQ(-LKL_ENOENT, lkl_sys_access(path, F_OK));
	EXPECT_TRUE(has_entry(mnt, "dir"));
	snprintf(path, sizeof(path), "%s/dir", mnt);
	EXPECT_TRUE(has_entry(path, "b"));
	EXPECT_EQ(4, lkl_test_read_file(path2, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, text, 4));
	if (variant->xattr) {
		memset(buf, 0, sizeof(buf));
		EXPECT_EQ(5, lkl_sys_getxattr(path2, "user.lkl", buf,
					      sizeof(buf)));
	}

	/* Enough entries to need more than one directory block. */
	for (i = 0; i < 200; i++) {
		snprintf(path2, sizeof(path2), "%s/dir/entry-%03d", mnt, i);
		fd = lkl_sys_open(path2, LKL_O_CREAT | LKL_O_WRONLY, 0644);
		EXPECT_LE(0, fd);
		if (fd >= 0)
			lkl_sys_close(fd);
	}
	EXPECT_TRUE(has_entry(path, "entry-199"));
	for (i = 0; i < 200; i++) {
		snprintf(path2, sizeof(path2), "%s/dir/entry-%03d", mnt, i);
		EXPECT_EQ(0, lkl_sys_unlink(path2));
	}
	snprintf(path2, sizeof(path2), "%s/dir/b", mnt);
	EXPECT_EQ(0, lkl_sys_unlink(path2));
	EXPECT_FALSE(has_entry(path, "b"));
	EXPECT_EQ(0, lkl_sys_rmdir(path));
	EXPECT_FALSE(has_entry(mnt, "dir"));

	/* A file that stays, with its xattr, for the checker to see. */
	snprintf(path, sizeof(path), "%s/kept", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY, 0644);
	EXPECT_LE(0, fd);
	EXPECT_EQ(0, lkl_test_write_all(fd, text, sizeof(text)));
	lkl_sys_close(fd);
	if (variant->xattr)
		EXPECT_EQ(0, lkl_sys_setxattr(path, "user.kept", "1", 1, 0));
}

TEST_F_TIMEOUT(fs, read_write, 180)
{
	struct lkl_disk disk = { 0 };
	unsigned long long wsum, rsum;
	long long t0, twrite, tread;
	char mnt[64], path[128];
	size_t len;
	long id;

	disk.fd = open(self->img, O_RDWR);
	ASSERT_LE(0, disk.fd);
	id = lkl_disk_add(&disk);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, lkl_mount_dev(id, 0, variant->fstype, 0, NULL, mnt,
				   sizeof(mnt)))
		TH_LOG("mount %s failed", variant->fstype);

	file_ops(_metadata, variant, mnt);

	/* A big file, checked after unmount and remount. */
	snprintf(path, sizeof(path), "%s/big", mnt);
	t0 = host_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, write_big(path, BIG_MB, &wsum));
	twrite = host_ns(CLOCK_MONOTONIC) - t0;
	ASSERT_EQ(0, lkl_umount_dev(id, 0, 0, 1000));
	ASSERT_EQ(0, lkl_mount_dev(id, 0, variant->fstype, 0, NULL, mnt,
				   sizeof(mnt)));
	t0 = host_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, read_big(path, &len, &rsum));
	tread = host_ns(CLOCK_MONOTONIC) - t0;
	EXPECT_EQ((size_t)BIG_MB * CHUNK, len);
	EXPECT_EQ(wsum, rsum);
	snprintf(path, sizeof(path), "%s/kept", mnt);
	EXPECT_EQ(0, lkl_sys_access(path, F_OK));
	TH_LOG("%s: %d MiB write+fsync %lld ms, read after remount %lld ms",
	       variant->fstype, BIG_MB, twrite / NSEC_PER_MSEC,
	       tread / NSEC_PER_MSEC);

	EXPECT_EQ(0, lkl_umount_dev(id, 0, 0, 1000));
	EXPECT_EQ(0, lkl_disk_remove(&disk));
	EXPECT_EQ(0, lkl_sys_halt());
	close(disk.fd);

	/* The host's checker must find the file system clean. */
	EXPECT_EQ(0, test_run("%s %s >%s/check.log 2>&1", variant->check,
			      self->img, self->dir))
		test_run("cat %s/check.log >&2", self->dir);
}

/*
 * An image cut short: the mount fails, or (vfat) writing past the end
 * does, with an error.
 */
TEST_F_TIMEOUT(fs, truncated, 60)
{
	struct lkl_disk disk = { 0 };
	unsigned long long sum;
	char mnt[64], path[128];
	long id, ret;

	ASSERT_EQ(0, truncate(self->img, 16 << 20));
	disk.fd = open(self->img, O_RDWR);
	ASSERT_LE(0, disk.fd);
	id = lkl_disk_add(&disk);
	ASSERT_LE(0, id);
	ret = lkl_mount_dev(id, 0, variant->fstype, 0, NULL, mnt, sizeof(mnt));
	TH_LOG("%s cut to 16 MiB: mount returns %ld", variant->fstype, ret);
	if (variant->cut_mounts) {
		ASSERT_EQ(0, ret);
		snprintf(path, sizeof(path), "%s/big", mnt);
		ret = write_big(path, 32, &sum);
		TH_LOG("writing 32 MiB returns %ld", ret);
		EXPECT_EQ(-LKL_EIO, ret);
		lkl_umount_dev(id, 0, 0, 1000);
	} else {
		EXPECT_GT(0, ret);
	}
	EXPECT_EQ(0, lkl_disk_remove(&disk));
	EXPECT_EQ(0, lkl_sys_halt());
	close(disk.fd);
}

/* A zeroed superblock: the mount fails with -EINVAL and writes nothing. */
TEST_F_TIMEOUT(fs, zeroed_superblock, 60)
{
	struct lkl_disk disk = { 0 };
	struct stat before, after;
	char mnt[64], zero[4096];
	long id, ret;

	disk.fd = open(self->img, O_RDWR);
	ASSERT_LE(0, disk.fd);
	memset(zero, 0, sizeof(zero));
	ASSERT_EQ(sizeof(zero), pwrite(disk.fd, zero, sizeof(zero),
				       variant->sb_offset));
	ASSERT_EQ(0, fstat(disk.fd, &before));
	id = lkl_disk_add(&disk);
	ASSERT_LE(0, id);
	ret = lkl_mount_dev(id, 0, variant->fstype, 0, NULL, mnt, sizeof(mnt));
	TH_LOG("%s, zeroed superblock: mount returns %ld", variant->fstype,
	       ret);
	EXPECT_EQ(-LKL_EINVAL, ret);
	if (!ret)
		EXPECT_EQ(0, lkl_umount_dev(id, 0, 0, 1000));
	EXPECT_EQ(0, lkl_disk_remove(&disk));
	EXPECT_EQ(0, lkl_sys_halt());
	ASSERT_EQ(0, fstat(disk.fd, &after));
	close(disk.fd);
	EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
	EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
}

TEST_HARNESS_MAIN
