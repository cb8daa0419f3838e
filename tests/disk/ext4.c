// SPDX-License-Identifier: GPL-2.0
/*
 * ext4 on a virtio-blk disk: an image made by the host's mkfs.ext4, used
 * read-write and read-only through LKL, then checked by the host's
 * e2fsck.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "testlib.h"
#include "../boot/lkl-test.h"

#define DISK_CMDLINE	"mem=128M loglevel=4"
#define IMAGE_MB	384
#define BIG_MB		256
#define CHUNK		(1024 * 1024)

static const char hello[] = "written by the host's mkfs.ext4 -d\n";

FIXTURE(ext4) {
	char dir[64];
	char img[96];
};

FIXTURE_SETUP(ext4)
{
	char path[128];
	FILE *f;

	if (!test_have("mkfs.ext4") || !test_have("e2fsck"))
		SKIP(return, "e2fsprogs is not installed");

	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-ext4-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->img, sizeof(self->img), "%s/disk.img", self->dir);

	/* A file placed by the host, to read back through LKL. */
	snprintf(path, sizeof(path), "%s/root", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/root/hello.txt", self->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs(hello, f);
	fclose(f);

	ASSERT_EQ(0, test_run("mkfs.ext4 -q -F -d %s/root %s %dM >/dev/null 2>&1",
			      self->dir, self->img, IMAGE_MB));
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, DISK_CMDLINE));
}

FIXTURE_TEARDOWN_PARENT(ext4)
{
	if (self->dir[0])
		test_run("rm -rf %s", self->dir);
}

static double mb_per_s(long long ns, size_t mb)
{
	return ns > 0 ? mb * 1e9 / ns : 0;
}

/* The feature bit @bit in the string of /sys/.../features. */
static int feature(const char *features, int bit)
{
	return (int)strlen(features) > bit && features[bit] == '1';
}

static long read_long(const char *path)
{
	char buf[64];

	if (lkl_test_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/*
 * Write @mb MiB of pattern to @path; returns the checksum in *@sum and the
 * time taken in nanoseconds, or a negative LKL errno.
 */
static long long write_big(const char *path, size_t mb, unsigned long long *sum)
{
	unsigned long long *buf = malloc(CHUNK), x = 88172645463325252ULL;
	long long t0 = host_ns(CLOCK_MONOTONIC);
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
	return ret < 0 ? ret : host_ns(CLOCK_MONOTONIC) - t0;
}

/* Read @path back; the checksum goes to *@sum. As write_big(). */
static long long read_big(const char *path, size_t *len, unsigned long long *sum)
{
	long long t0 = host_ns(CLOCK_MONOTONIC);
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
	return n < 0 ? n : host_ns(CLOCK_MONOTONIC) - t0;
}

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

TEST_F_TIMEOUT(ext4, read_write, 120)
{
	static const char text[] = "some text for ext4\n";
	char mnt[64], path[128], path2[128], buf[256];
	struct lkl_disk disk = { 0 };
	struct lkl_fstrim_range trim;
	unsigned long long wsum, rsum;
	long long wns, rns;
	struct lkl_stat st;
	struct stat hst;
	blkcnt_t blocks;
	long id, fd;
	size_t len;

	disk.fd = open(self->img, O_RDWR);
	ASSERT_LE(0, disk.fd);
	id = lkl_disk_add(&disk);
	ASSERT_LE(0, id);

	/* What the kernel's virtio_blk negotiated with the device. */
	ASSERT_EQ(0, lkl_test_mkdir("/sys"));
	ASSERT_EQ(0, lkl_sys_mount("sysfs", "/sys", "sysfs", 0, NULL));
	ASSERT_LT(0, lkl_test_read_file("/sys/block/vda/device/features",
					buf, sizeof(buf)));
	TH_LOG("features %s", buf);
	EXPECT_TRUE(feature(buf, 9));	/* VIRTIO_BLK_F_FLUSH */
	EXPECT_TRUE(feature(buf, 13));	/* VIRTIO_BLK_F_DISCARD */
	EXPECT_TRUE(feature(buf, 2));	/* VIRTIO_BLK_F_SEG_MAX */
	EXPECT_FALSE(feature(buf, 5));	/* VIRTIO_BLK_F_RO */
	EXPECT_TRUE(feature(buf, 32));	/* VIRTIO_F_VERSION_1 */
	EXPECT_LT(1, read_long("/sys/block/vda/queue/max_segments"));
	EXPECT_LT(0, read_long("/sys/block/vda/queue/discard_max_bytes"));
	EXPECT_LT(0, lkl_test_read_file("/sys/block/vda/queue/write_cache",
					buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "write back", 10));
	EXPECT_EQ(IMAGE_MB * 2048L, read_long("/sys/block/vda/size"));
	EXPECT_EQ(0, lkl_sys_umount2("/sys", 0));

	EXPECT_EQ(-LKL_ENOENT, lkl_mount_dev(id, 1, "ext4", 0, NULL, mnt,
					     sizeof(mnt)));
	EXPECT_EQ(-LKL_ERANGE, lkl_mount_dev(id, 0, "ext4", 0, NULL, mnt, 4));
	ASSERT_EQ(0, lkl_mount_dev(id, 0, "ext4", 0, NULL, mnt, sizeof(mnt)));
	EXPECT_STREQ("/mnt/vda", mnt);

	/* The file mkfs.ext4 placed. */
	snprintf(path, sizeof(path), "%s/hello.txt", mnt);
	EXPECT_EQ(sizeof(hello) - 1, lkl_test_read_file(path, buf, sizeof(buf)));
	EXPECT_STREQ(hello, buf);

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
	EXPECT_EQ(0, lkl_sys_close(fd));

	/* xattr */
	EXPECT_EQ(0, lkl_sys_setxattr(path, "user.lkl", "value", 5, 0));
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(5, lkl_sys_getxattr(path, "user.lkl", buf, sizeof(buf)));
	EXPECT_STREQ("value", buf);

	/* mkdir, rename into it, readdir, unlink */
	snprintf(path2, sizeof(path2), "%s/dir", mnt);
	EXPECT_EQ(0, lkl_sys_mkdir(path2, 0755));
	snprintf(path2, sizeof(path2), "%s/dir/b", mnt);
	EXPECT_EQ(0, lkl_sys_rename(path, path2));
	EXPECT_EQ(-LKL_ENOENT, lkl_sys_access(path, F_OK));
	snprintf(path, sizeof(path), "%s/dir", mnt);
	EXPECT_TRUE(has_entry(path, "b"));
	EXPECT_TRUE(has_entry(mnt, "lost+found"));
	EXPECT_EQ(4, lkl_test_read_file(path2, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, text, 4));
	EXPECT_EQ(0, lkl_sys_unlink(path2));
	EXPECT_FALSE(has_entry(path, "b"));

	/* A big file, checked after unmount and remount. */
	snprintf(path, sizeof(path), "%s/big", mnt);
	wns = write_big(path, BIG_MB, &wsum);
	ASSERT_LT(0, wns);
	EXPECT_EQ(0, lkl_umount_dev(id, 0, 0, 1000));
	EXPECT_EQ(-LKL_ENOENT, lkl_sys_access(mnt, F_OK));
	ASSERT_EQ(0, lkl_mount_dev(id, 0, "ext4", 0, NULL, mnt, sizeof(mnt)));
	rns = read_big(path, &len, &rsum);
	ASSERT_LT(0, rns);
	EXPECT_EQ((size_t)BIG_MB * CHUNK, len);
	EXPECT_EQ(wsum, rsum);
	TH_LOG("%d MiB: write+fsync %.0f MB/s, read after remount %.0f MB/s",
	       BIG_MB, mb_per_s(wns, BIG_MB), mb_per_s(rns, BIG_MB));

	/* Discard punches holes in the image. */
	ASSERT_EQ(0, fstat(disk.fd, &hst));
	blocks = hst.st_blocks;
	EXPECT_EQ(0, lkl_sys_unlink(path));
	lkl_sys_sync();
	fd = lkl_sys_open(mnt, LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	ASSERT_LE(0, fd);
	memset(&trim, 0, sizeof(trim));
	trim.len = UINT64_MAX;
	EXPECT_EQ(0, lkl_sys_ioctl(fd, LKL_FITRIM, (unsigned long)&trim));
	lkl_sys_close(fd);
	ASSERT_EQ(0, fstat(disk.fd, &hst));
	TH_LOG("FITRIM: %llu bytes, image %lld -> %lld KiB allocated",
	       (unsigned long long)trim.len, (long long)blocks / 2,
	       (long long)hst.st_blocks / 2);
	EXPECT_LE((long long)hst.st_blocks + BIG_MB * 2048LL / 2,
		  (long long)blocks);

	EXPECT_EQ(0, lkl_umount_dev(id, 0, 0, 1000));
	EXPECT_EQ(0, lkl_disk_remove(&disk));
	EXPECT_EQ(0, lkl_sys_halt());
	close(disk.fd);

	EXPECT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->img));
}

TEST_F_TIMEOUT(ext4, read_only, 60)
{
	struct lkl_disk disk = { 0 };
	char mnt[64], path[128], buf[256];
	struct stat before, after;
	unsigned long long sum;
	long id;

	sum = host_sum(self->img);
	ASSERT_EQ(0, stat(self->img, &before));

	/* A read-only fd is refused for a writable disk. */
	disk.fd = open(self->img, O_RDONLY);
	ASSERT_LE(0, disk.fd);
	EXPECT_EQ(-LKL_EBADF, lkl_disk_add(&disk));

	disk.readonly = 1;
	id = lkl_disk_add(&disk);
	ASSERT_LE(0, id);

	ASSERT_EQ(0, lkl_test_mkdir("/sys"));
	ASSERT_EQ(0, lkl_sys_mount("sysfs", "/sys", "sysfs", 0, NULL));
	ASSERT_LT(0, lkl_test_read_file("/sys/block/vda/device/features",
					buf, sizeof(buf)));
	EXPECT_TRUE(feature(buf, 5));	/* VIRTIO_BLK_F_RO */
	EXPECT_EQ(1, read_long("/sys/block/vda/ro"));
	EXPECT_EQ(0, lkl_sys_umount2("/sys", 0));

	/* A read-write mount of a read-only disk fails. */
	EXPECT_GT(0, lkl_mount_dev(id, 0, "ext4", 0, NULL, mnt, sizeof(mnt)));
	ASSERT_EQ(0, lkl_mount_dev(id, 0, "ext4", LKL_MS_RDONLY, NULL, mnt,
				   sizeof(mnt)));

	snprintf(path, sizeof(path), "%s/hello.txt", mnt);
	EXPECT_EQ(sizeof(hello) - 1, lkl_test_read_file(path, buf, sizeof(buf)));
	EXPECT_STREQ(hello, buf);
	snprintf(path, sizeof(path), "%s/new", mnt);
	EXPECT_EQ(-LKL_EROFS, lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY,
					   0644));
	EXPECT_EQ(-LKL_EROFS, lkl_sys_mkdir(path, 0755));

	EXPECT_EQ(0, lkl_umount_dev(id, 0, 0, 1000));
	EXPECT_EQ(0, lkl_disk_remove(&disk));
	EXPECT_EQ(0, lkl_sys_halt());
	close(disk.fd);

	ASSERT_EQ(0, stat(self->img, &after));
	EXPECT_EQ(sum, host_sum(self->img));
	EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
	EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
}

/*
 * Write an MBR with @n Linux partitions of @mb MiB each, one after the
 * other from 1 MiB on, to the start of the host file @fd.
 */
static int write_mbr(int fd, int n, unsigned int mb)
{
	unsigned char mbr[512] = { 0 };
	unsigned int lba = 2048, sectors = mb * 2048;
	int i;

	for (i = 0; i < n; i++, lba += sectors) {
		unsigned char *e = mbr + 446 + 16 * i;

		e[4] = 0x83;
		memcpy(e + 8, &lba, 4);		/* little endian host */
		memcpy(e + 12, &sectors, 4);
	}
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	return pwrite(fd, mbr, sizeof(mbr), 0) == sizeof(mbr) ? 0 : -1;
}

TEST_F_TIMEOUT(ext4, partitions_two_disks, 60)
{
	struct lkl_disk whole = { 0 }, parted = { 0 };
	char img[128], mnt[64], path[128], buf[64];
	long id0, id1;
	int fd;

	/* Two ext4 partitions, each with a file naming it. */
	snprintf(img, sizeof(img), "%s/parted.img", self->dir);
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 64 << 20));
	ASSERT_EQ(0, write_mbr(fd, 2, 24));
	close(fd);
	ASSERT_EQ(0, test_run("mkfs.ext4 -q -F -E offset=%u %s 24M >/dev/null 2>&1",
			      1 << 20, img));
	ASSERT_EQ(0, test_run("mkfs.ext4 -q -F -E offset=%u %s 24M >/dev/null 2>&1",
			      25 << 20, img));

	whole.fd = open(self->img, O_RDWR);
	parted.fd = open(img, O_RDWR);
	ASSERT_LE(0, whole.fd);
	ASSERT_LE(0, parted.fd);
	id0 = lkl_disk_add(&whole);
	ASSERT_LE(0, id0);
	id1 = lkl_disk_add(&parted);
	ASSERT_LE(0, id1);
	EXPECT_NE(id0, id1);

	EXPECT_EQ(-LKL_ENOENT, lkl_mount_dev(id1, 3, "ext4", 0, NULL, mnt,
					     sizeof(mnt)));
	EXPECT_EQ(-LKL_ENODEV, lkl_mount_dev(id1 + 100, 0, "ext4", 0, NULL,
					     mnt, sizeof(mnt)));

	ASSERT_EQ(0, lkl_mount_dev(id1, 2, "ext4", 0, NULL, mnt, sizeof(mnt)));
	EXPECT_STREQ("/mnt/vdb2", mnt);
	snprintf(path, sizeof(path), "%s/part2", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY, 0644);
	EXPECT_LE(0, fd);
	EXPECT_EQ(0, lkl_test_write_all(fd, "two", 3));
	lkl_sys_close(fd);

	ASSERT_EQ(0, lkl_mount_dev(id1, 1, "ext4", 0, NULL, mnt, sizeof(mnt)));
	EXPECT_STREQ("/mnt/vdb1", mnt);
	ASSERT_EQ(0, lkl_mount_dev(id0, 0, "ext4", 0, NULL, mnt, sizeof(mnt)));
	EXPECT_STREQ("/mnt/vda", mnt);
	EXPECT_EQ(sizeof(hello) - 1,
		  lkl_test_read_file("/mnt/vda/hello.txt", buf, sizeof(buf)));
	EXPECT_EQ(3, lkl_test_read_file("/mnt/vdb2/part2", buf, sizeof(buf)));
	EXPECT_EQ(-LKL_ENOENT, lkl_sys_access("/mnt/vdb1/part2", F_OK));

	EXPECT_EQ(0, lkl_umount_dev(id0, 0, 0, 1000));
	EXPECT_EQ(0, lkl_umount_dev(id1, 1, 0, 1000));
	EXPECT_EQ(0, lkl_umount_dev(id1, 2, 0, 1000));
	EXPECT_EQ(0, lkl_disk_remove(&parted));
	EXPECT_EQ(0, lkl_disk_remove(&whole));
	EXPECT_EQ(0, lkl_sys_halt());
	close(parted.fd);
	close(whole.fd);

	EXPECT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->img));
	EXPECT_EQ(0, test_run("dd if=%s of=%s.2 bs=1M skip=25 count=24 status=none",
			      img, img));
	EXPECT_EQ(0, test_run("e2fsck -fn %s.2 >/dev/null 2>&1", img));
}

/* The CRC32 of UEFI (and zlib): reflected, polynomial 0xedb88320. */
static unsigned int crc32(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	unsigned int crc = ~0U;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

static void put32(unsigned char *p, unsigned int v)
{
	memcpy(p, &v, 4);	/* little endian host */
}

static void put64(unsigned char *p, unsigned long long v)
{
	memcpy(p, &v, 8);
}

/*
 * Write a GPT for a disk of @sectors sectors to @fd, with one partition
 * from sector @first to @last, and both the primary and the backup header.
 */
static int write_gpt(int fd, unsigned long long sectors,
		     unsigned long long first, unsigned long long last)
{
	/* The type GUID of Linux file systems, as stored on disk. */
	static const unsigned char linux_fs[16] = {
		0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
		0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4,
	};
	static unsigned char entries[128 * 128];
	unsigned char mbr[512] = { 0 }, hdr[512] = { 0 };
	unsigned long long alt = sectors - 1;
	int i;

	/* The protective MBR. */
	mbr[446 + 4] = 0xee;
	put32(mbr + 446 + 8, 1);
	put32(mbr + 446 + 12, sectors - 1 > 0xffffffffULL ? 0xffffffffU :
			      (unsigned int)(sectors - 1));
	mbr[510] = 0x55;
	mbr[511] = 0xaa;

	memset(entries, 0, sizeof(entries));
	memcpy(entries, linux_fs, 16);
	for (i = 0; i < 16; i++)
		entries[16 + i] = 0x11 * (i + 1);	/* the partition's GUID */
	put64(entries + 32, first);
	put64(entries + 40, last);

	for (i = 0; i < 2; i++) {
		memset(hdr, 0, sizeof(hdr));
		memcpy(hdr, "EFI PART", 8);
		put32(hdr + 8, 0x00010000);
		put32(hdr + 12, 92);
		put64(hdr + 24, i ? alt : 1);		/* this header */
		put64(hdr + 32, i ? 1 : alt);		/* the other one */
		put64(hdr + 40, 34);			/* first usable */
		put64(hdr + 48, alt - 33);		/* last usable */
		memset(hdr + 56, 0x42, 16);		/* disk GUID */
		put64(hdr + 72, i ? alt - 32 : 2);	/* the entries */
		put32(hdr + 80, 128);
		put32(hdr + 84, 128);
		put32(hdr + 88, crc32(entries, sizeof(entries)));
		put32(hdr + 16, crc32(hdr, 92));
		if (pwrite(fd, hdr, 512, (i ? alt : 1) * 512) != 512 ||
		    pwrite(fd, entries, sizeof(entries),
			   (i ? alt - 32 : 2) * 512) != sizeof(entries))
			return -1;
	}
	return pwrite(fd, mbr, 512, 0) == 512 ? 0 : -1;
}

TEST_F_TIMEOUT(ext4, gpt, 60)
{
	struct lkl_disk disk = { 0 };
	char img[128], mnt[64];
	long id;
	int fd;

	snprintf(img, sizeof(img), "%s/gpt.img", self->dir);
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 32 << 20));
	ASSERT_EQ(0, write_gpt(fd, 32 * 2048, 2048, 2048 + 24 * 2048 - 1));
	close(fd);
	ASSERT_EQ(0, test_run("mkfs.ext4 -q -F -E offset=%u %s 24M >/dev/null 2>&1",
			      1 << 20, img));

	disk.fd = open(img, O_RDWR);
	ASSERT_LE(0, disk.fd);
	id = lkl_disk_add(&disk);
	ASSERT_LE(0, id);
	EXPECT_EQ(-LKL_ENOENT, lkl_mount_dev(id, 2, "ext4", 0, NULL, mnt,
					     sizeof(mnt)));
	ASSERT_EQ(0, lkl_mount_dev(id, 1, "ext4", 0, NULL, mnt, sizeof(mnt)));
	EXPECT_STREQ("/mnt/vda1", mnt);
	/* Partition 1 starts at 1 MiB: the protective MBR was not used. */
	EXPECT_EQ(0, lkl_sys_access("/mnt/vda1/lost+found", F_OK));
	EXPECT_EQ(0, lkl_umount_dev(id, 1, 0, 1000));
	EXPECT_EQ(0, lkl_disk_remove(&disk));
	EXPECT_EQ(0, lkl_sys_halt());
	close(disk.fd);
}

struct writer {
	char path[96];
	unsigned long long sum;
	long long ret;
};

static void *writer_thread(void *arg)
{
	struct writer *w = arg;

	w->ret = write_big(w->path, 8, &w->sum);
	return NULL;
}

/* Disks come and go, and several host threads keep one busy. */
TEST_F_TIMEOUT(ext4, add_remove_parallel, 120)
{
	struct writer w[4];
	pthread_t tid[4];
	char mnt[64];
	int round, i;

	for (round = 0; round < 5; round++) {
		struct lkl_disk disk = { 0 };
		unsigned long long sum;
		size_t len;
		long id;

		disk.fd = open(self->img, O_RDWR);
		ASSERT_LE(0, disk.fd);
		id = lkl_disk_add(&disk);
		ASSERT_LE(0, id);
		ASSERT_EQ(0, lkl_mount_dev(id, 0, "ext4", 0, NULL, mnt,
					   sizeof(mnt)));
		for (i = 0; i < 4; i++) {
			snprintf(w[i].path, sizeof(w[i].path), "%s/w%d", mnt, i);
			ASSERT_EQ(0, pthread_create(&tid[i], NULL,
						    writer_thread, &w[i]));
		}
		for (i = 0; i < 4; i++) {
			pthread_join(tid[i], NULL);
			EXPECT_LT(0, w[i].ret);
			EXPECT_LT(0, read_big(w[i].path, &len, &sum));
			EXPECT_EQ(8 * CHUNK, len);
			EXPECT_EQ(w[i].sum, sum);
		}
		EXPECT_EQ(0, lkl_umount_dev(id, 0, 0, 1000));
		EXPECT_EQ(0, lkl_disk_remove(&disk));
		close(disk.fd);
	}
	EXPECT_EQ(0, lkl_sys_halt());
	EXPECT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->img));
}

/* Bad input gets an error, never a crash or a write. */
TEST_F_TIMEOUT(ext4, bad_input, 60)
{
	struct lkl_disk disk = { .fd = -1 };
	char img[128], mnt[64], junk[512];
	unsigned long long sum;
	long id;
	int fd;

	EXPECT_EQ(-LKL_EINVAL, lkl_disk_add(NULL));
	EXPECT_EQ(-LKL_EBADF, lkl_disk_add(&disk));
	EXPECT_EQ(-LKL_EINVAL, lkl_disk_remove(&disk));
	disk.fd = open(self->dir, O_RDONLY | O_DIRECTORY);
	disk.readonly = 1;
	ASSERT_LE(0, disk.fd);
	EXPECT_EQ(-LKL_EINVAL, lkl_disk_add(&disk));
	close(disk.fd);

	/* A corrupted superblock, and a wrong file system type. */
	snprintf(img, sizeof(img), "%s/bad.img", self->dir);
	ASSERT_EQ(0, test_run("cp --sparse=always %s %s", self->img, img));
	fd = open(img, O_RDWR);
	ASSERT_LE(0, fd);
	memset(junk, 0xa5, sizeof(junk));
	ASSERT_EQ(sizeof(junk), pwrite(fd, junk, sizeof(junk), 1024));
	sum = host_sum(img);
	disk.fd = fd;
	disk.readonly = 0;
	id = lkl_disk_add(&disk);
	ASSERT_LE(0, id);
	EXPECT_EQ(-LKL_EINVAL, lkl_mount_dev(id, 0, NULL, 0, NULL, mnt,
					     sizeof(mnt)));
	EXPECT_GT(0, lkl_mount_dev(id, 0, "ext4", LKL_MS_RDONLY, NULL, mnt,
				   sizeof(mnt)));
	EXPECT_GT(0, lkl_mount_dev(id, 0, "vfat", LKL_MS_RDONLY, NULL, mnt,
				   sizeof(mnt)));
	EXPECT_EQ(-LKL_ENODEV, lkl_mount_dev(id, 0, "nosuchfs", 0, NULL, mnt,
					     sizeof(mnt)));
	EXPECT_EQ(0, lkl_disk_remove(&disk));
	close(fd);
	EXPECT_EQ(sum, host_sum(img));

	/* A truncated image. */
	ASSERT_EQ(0, truncate(img, 0));
	ASSERT_EQ(0, test_run("cp --sparse=always %s %s", self->img, img));
	ASSERT_EQ(0, truncate(img, 8 << 20));
	disk.fd = open(img, O_RDWR);
	ASSERT_LE(0, disk.fd);
	id = lkl_disk_add(&disk);
	ASSERT_LE(0, id);
	EXPECT_GT(0, lkl_mount_dev(id, 0, "ext4", 0, NULL, mnt, sizeof(mnt)));
	EXPECT_EQ(0, lkl_disk_remove(&disk));
	close(disk.fd);

	EXPECT_EQ(0, lkl_sys_halt());
}

TEST_HARNESS_MAIN
