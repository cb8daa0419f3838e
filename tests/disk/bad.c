// SPDX-License-Identifier: GPL-2.0
/*
 * Disks that LKL must refuse, or use only as far as they allow: truncated
 * and corrupted images, the wrong file system type, a read-only image
 * file, partitions (MBR and GPT, made by sfdisk) that do not exist, an
 * image already in use, and a full file system. Each gets an error back,
 * never a crash, and the host's e2fsck finds what LKL wrote consistent.
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

#define BAD_CMDLINE	"mem=64M loglevel=4"
#define CHUNK		(1024 * 1024)

FIXTURE(bad) {
	char dir[64];
	char img[96];
	struct lkl_disk disk;
	long id;
};

FIXTURE_SETUP(bad)
{
	ASSERT_TRUE(test_have_all("mkfs.ext4 e2fsck sfdisk"))
		TH_LOG("e2fsprogs and sfdisk are needed (scripts/lkl-deps.sh test)");
	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-bad-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->img, sizeof(self->img), "%s/disk.img", self->dir);
	self->disk.fd = -1;
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, BAD_CMDLINE));
}

FIXTURE_TEARDOWN_PARENT(bad)
{
	if (self->dir[0])
		test_run("rm -rf %s", self->dir);
}

/* Give the image to LKL, read-write unless @readonly. */
static long add_disk(struct _test_data_bad *self, int readonly)
{
	self->disk.fd = open(self->img, readonly ? O_RDONLY : O_RDWR);
	if (self->disk.fd < 0)
		return -LKL_ENOENT;
	self->disk.readonly = readonly;
	self->id = lkl_disk_add(&self->disk);
	return self->id;
}

static long remove_disk(struct _test_data_bad *self)
{
	long ret = lkl_disk_remove(&self->disk);

	close(self->disk.fd);
	self->disk.fd = -1;
	return ret;
}

static long mount_it(struct _test_data_bad *self, unsigned int part,
		     const char *fstype, int flags, char *mnt)
{
	return lkl_mount_dev(self->id, part, fstype, flags, NULL, mnt, 64);
}

TEST_F_TIMEOUT(bad, truncated, 60)
{
	char mnt[64];
	long ret;

	ASSERT_EQ(0, make_ext4(self->img, 64));
	ASSERT_EQ(0, truncate(self->img, 4 << 20));
	ASSERT_LE(0, add_disk(self, 0));
	ret = mount_it(self, 0, "ext4", 0, mnt);
	EXPECT_GT(0, ret);
	TH_LOG("truncated image: mount returns %ld", ret);
	ret = mount_it(self, 0, "ext4", LKL_MS_RDONLY, mnt);
	EXPECT_GT(0, ret);
	EXPECT_EQ(0, remove_disk(self));
	EXPECT_EQ(0, lkl_sys_halt());
}

TEST_F_TIMEOUT(bad, zeroed_superblock, 60)
{
	unsigned long long sum;
	char mnt[64];
	long ret;

	ASSERT_EQ(0, make_ext4(self->img, 32));
	ASSERT_EQ(0,
		  test_run("dd if=/dev/zero of=%s bs=1024 seek=1 count=1 conv=notrunc status=none",
			   self->img));
	sum = host_sum(self->img);
	ASSERT_LE(0, add_disk(self, 0));
	ret = mount_it(self, 0, "ext4", 0, mnt);
	EXPECT_EQ(-LKL_EINVAL, ret);
	TH_LOG("zeroed superblock: mount returns %ld", ret);
	EXPECT_GT(0, mount_it(self, 0, "ext4", LKL_MS_RDONLY, mnt));
	EXPECT_EQ(0, remove_disk(self));
	EXPECT_EQ(0, lkl_sys_halt());
	EXPECT_EQ(sum, host_sum(self->img));
}

TEST_F_TIMEOUT(bad, wrong_fstype, 60)
{
	static const char * const others[] = { "xfs", "btrfs", "vfat",
						"iso9660" };
	unsigned long long sum;
	char mnt[64];
	long ret;
	size_t i;

	ASSERT_EQ(0, make_ext4(self->img, 32));
	sum = host_sum(self->img);
	ASSERT_LE(0, add_disk(self, 0));
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		ret = mount_it(self, 0, others[i], 0, mnt);
		TH_LOG("ext4 mounted as %s: %ld", others[i], ret);
		EXPECT_TRUE(ret == -LKL_EINVAL || ret == -LKL_ENODEV);
	}
	EXPECT_EQ(-LKL_ENODEV, mount_it(self, 0, "nosuchfs", 0, mnt));
	EXPECT_EQ(-LKL_EINVAL, mount_it(self, 0, NULL, 0, mnt));
	EXPECT_EQ(-LKL_ENODEV, mount_it(self, 0, "", 0, mnt));
	EXPECT_EQ(0, remove_disk(self));
	EXPECT_EQ(0, lkl_sys_halt());
	EXPECT_EQ(sum, host_sum(self->img));
}

/*
 * One image, two disks: a read-write disk excludes any other, read-only
 * disks share the image. The lock goes with lkl_disk_remove().
 */
TEST_F_TIMEOUT(bad, image_in_use, 60)
{
	struct lkl_disk rw = { .fd = -1 }, ro = { .fd = -1 };

	ASSERT_EQ(0, make_ext4(self->img, 16));
	ASSERT_LE(0, add_disk(self, 0));
	rw.fd = open(self->img, O_RDWR);
	ro.fd = open(self->img, O_RDONLY);
	ASSERT_LE(0, rw.fd);
	ASSERT_LE(0, ro.fd);
	ro.readonly = 1;
	EXPECT_EQ(-LKL_EBUSY, lkl_disk_add(&rw));
	EXPECT_EQ(-LKL_EBUSY, lkl_disk_add(&ro));
	EXPECT_EQ(0, remove_disk(self));

	ASSERT_LE(0, add_disk(self, 1));
	ASSERT_LE(0, lkl_disk_add(&ro));
	EXPECT_EQ(-LKL_EBUSY, lkl_disk_add(&rw));
	EXPECT_EQ(0, lkl_disk_remove(&ro));
	EXPECT_EQ(0, remove_disk(self));
	ASSERT_LE(0, lkl_disk_add(&rw));
	EXPECT_EQ(0, lkl_disk_remove(&rw));
	close(rw.fd);
	close(ro.fd);
}

TEST_F_TIMEOUT(bad, read_only_file, 60)
{
	char mnt[64], path[128];
	unsigned long long sum;
	long fd;

	ASSERT_EQ(0, make_ext4(self->img, 32));
	ASSERT_EQ(0, chmod(self->img, 0444));
	sum = host_sum(self->img);
	ASSERT_LE(0, add_disk(self, 1));

	/* The disk is read-only: so is any mount of it. */
	EXPECT_GT(0, mount_it(self, 0, "ext4", 0, mnt));
	ASSERT_EQ(0, mount_it(self, 0, "ext4", LKL_MS_RDONLY, mnt));
	snprintf(path, sizeof(path), "%s/new", mnt);
	EXPECT_EQ(-LKL_EROFS, lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY,
					   0644));
	EXPECT_EQ(-LKL_EROFS, lkl_sys_mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/lost+found", mnt);
	EXPECT_EQ(-LKL_EROFS, lkl_sys_rmdir(path));
	fd = lkl_sys_open(mnt, LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	EXPECT_LE(0, fd);
	EXPECT_EQ(-LKL_EROFS, lkl_sys_fchmod(fd, 0700));
	EXPECT_EQ(0, lkl_sys_fsync(fd));
	lkl_sys_close(fd);
	lkl_sys_sync();

	EXPECT_EQ(0, lkl_umount_dev(self->id, 0, 0, 1000));
	EXPECT_EQ(0, remove_disk(self));
	EXPECT_EQ(0, lkl_sys_halt());
	EXPECT_EQ(sum, host_sum(self->img));
}

/*
 * Partition the image with sfdisk: partition 1 of 8 MiB at 1 MiB, and
 * partition 2 of 24 MiB at 9 MiB, which gets ext4.
 */
static int make_parted(struct _test_data_bad *self, const char *label)
{
	int fd = open(self->img, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, 40 << 20)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (test_run("printf 'label: %s\\n%s\\n%s\\n' | sfdisk -q %s >/dev/null 2>&1",
		     label, "start=2048,size=16384", "start=18432,size=49152",
		     self->img))
		return -1;
	return test_run("mkfs.ext4 -q -F -E offset=%d %s 24M >/dev/null 2>&1",
			18432 * 512, self->img);
}

/* Mount partition 2, write there, and refuse partitions 3 and 5. */
static void use_parted(struct __test_metadata *_metadata,
		       struct _test_data_bad *self, const char *label)
{
	char mnt[64], path[128], buf[16];
	long fd;

	ASSERT_EQ(0, make_parted(self, label));
	ASSERT_LE(0, add_disk(self, 0));
	EXPECT_EQ(-LKL_ENOENT, mount_it(self, 3, "ext4", 0, mnt));
	EXPECT_EQ(-LKL_ENOENT, mount_it(self, 5, "ext4", 0, mnt));
	EXPECT_EQ(-LKL_ENOENT, mount_it(self, 1000, "ext4", 0, mnt));
	/* Partition 1 has no file system. */
	EXPECT_EQ(-LKL_EINVAL, mount_it(self, 1, "ext4", 0, mnt));
	ASSERT_EQ(0, mount_it(self, 2, "ext4", 0, mnt));
	EXPECT_STREQ("/mnt/vda2", mnt);
	snprintf(path, sizeof(path), "%s/on-part2", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY, 0644);
	EXPECT_LE(0, fd);
	EXPECT_EQ(0, lkl_test_write_all(fd, label, strlen(label)));
	lkl_sys_close(fd);
	EXPECT_EQ(0, lkl_umount_dev(self->id, 2, 0, 1000));
	ASSERT_EQ(0, mount_it(self, 2, "ext4", 0, mnt));
	EXPECT_EQ(strlen(label), lkl_test_read_file(path, buf, sizeof(buf)));
	EXPECT_STREQ(label, buf);
	EXPECT_EQ(0, lkl_umount_dev(self->id, 2, 0, 1000));
	EXPECT_EQ(0, remove_disk(self));
	EXPECT_EQ(0, lkl_sys_halt());

	/* The partition table is still what sfdisk wrote. */
	EXPECT_EQ(0, test_run("sfdisk -d %s | grep -q 'start= *18432, size= *49152'",
			      self->img));
	EXPECT_EQ(0, test_run("dd if=%s of=%s/p2 bs=512 skip=18432 count=49152 status=none",
			      self->img, self->dir));
	EXPECT_EQ(0, test_run("e2fsck -fn %s/p2 >/dev/null 2>&1", self->dir));
}

TEST_F_TIMEOUT(bad, mbr_partitions, 60)
{
	use_parted(_metadata, self, "dos");
}

TEST_F_TIMEOUT(bad, gpt_partitions, 60)
{
	use_parted(_metadata, self, "gpt");
}

TEST_F_TIMEOUT(bad, full, 120)
{
	char mnt[64], path[128], *buf;
	long fd, ret = 0;
	int mb;

	ASSERT_EQ(0, make_ext4(self->img, 16));
	ASSERT_LE(0, add_disk(self, 0));
	ASSERT_EQ(0, mount_it(self, 0, "ext4", 0, mnt));
	buf = malloc(CHUNK);
	ASSERT_NE(NULL, buf);
	memset(buf, 0x5a, CHUNK);

	snprintf(path, sizeof(path), "%s/fill", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY, 0644);
	ASSERT_LE(0, fd);
	for (mb = 0; mb < 64 && !ret; mb++)
		ret = lkl_test_write_all(fd, buf, CHUNK);
	EXPECT_EQ(-LKL_ENOSPC, ret);
	TH_LOG("16 MiB ext4: -ENOSPC after %d MiB", mb - 1);
	EXPECT_LT(8, mb);
	lkl_sys_fsync(fd);
	EXPECT_EQ(0, lkl_sys_close(fd));

	/*
	 * fsync gave back what delayed allocation had reserved for metadata,
	 * so a second file may take a little, but it too ends in -ENOSPC.
	 */
	snprintf(path, sizeof(path), "%s/more", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY, 0644);
	ret = fd < 0 ? fd : 0;
	for (mb = 0; mb < 16 && !ret; mb++)
		ret = lkl_test_write_all(fd, buf, CHUNK);
	if (!ret)
		ret = lkl_sys_fsync(fd);
	EXPECT_EQ(-LKL_ENOSPC, ret);
	if (fd >= 0)
		EXPECT_EQ(0, lkl_sys_close(fd));
	free(buf);
	EXPECT_EQ(0, lkl_umount_dev(self->id, 0, 0, 1000));

	/* Room again after an unlink, on a fresh mount. */
	ASSERT_EQ(0, mount_it(self, 0, "ext4", 0, mnt));
	snprintf(path, sizeof(path), "%s/fill", mnt);
	EXPECT_EQ(0, lkl_sys_unlink(path));
	snprintf(path, sizeof(path), "%s/more", mnt);
	lkl_sys_unlink(path);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY, 0644);
	EXPECT_LE(0, fd);
	EXPECT_EQ(0, lkl_test_write_all(fd, "room", 4));
	EXPECT_EQ(0, lkl_sys_close(fd));
	EXPECT_EQ(0, lkl_umount_dev(self->id, 0, 0, 1000));

	EXPECT_EQ(0, remove_disk(self));
	EXPECT_EQ(0, lkl_sys_halt());
	EXPECT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->img));
}

TEST_HARNESS_MAIN
