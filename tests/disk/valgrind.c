// SPDX-License-Identifier: GPL-2.0
/*
 * cptofs, cpfromfs and fs2tar on bad images, under valgrind's memcheck: a
 * truncated image, a zeroed superblock, random bytes, the wrong file
 * system type, a partition that does not exist and a read-only image file.
 * Each tool must exit with its error status (1) and memcheck must find no
 * invalid read, write or free, and no definite leak of host memory.
 *
 * Memcheck sees LKL's kernel memory as one host allocation, the pool that
 * the kernel takes at boot and then carves up with its own allocators. So
 * it cannot check accesses inside the pool against kernel allocations, and
 * it cannot tell which bytes of a kernel object were ever written: the
 * kernel's normal use of reused pool memory looks like use of undefined
 * values. Those checks are off (--undef-value-errors=no) rather than
 * hidden by a suppression file that would have to list most of the kernel.
 * What memcheck does check is everything outside the pool: the tools, the
 * host library (virtio rings and requests, the disk's buffers, host
 * operations) and the kernel's accesses to host memory, such as a
 * descriptor that points outside the pool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "testlib.h"

/* Memcheck's status when it found an error; the tools never exit so. */
#define VG_ERROR	99
#define VALGRIND	"valgrind -q --error-exitcode=99 --undef-value-errors=no " \
			"--leak-check=full --show-leak-kinds=definite " \
			"--errors-for-leak-kinds=definite"
#define SETPRIV_NOBODY	"setpriv --reuid=65534 --regid=65534 --clear-groups"
#define IMAGE_MB	32

FIXTURE(vg) {
	char dir[64];
	char img[96];
	char src[96];
	char sum[96];
};

FIXTURE_SETUP(vg)
{
	if (test_sanitizers())
		SKIP(return, "known: valgrind cannot run a program built with -fsanitize=%s",
		     test_sanitizers());
	if (!test_have("valgrind"))
		SKIP(return, "valgrind is not installed");
	if (!test_have("mkfs.ext4") || !test_have("sfdisk") || !test_have("setpriv"))
		SKIP(return, "e2fsprogs, sfdisk or setpriv is not installed");
	if (access(LKL_CPTOFS, X_OK) || access(LKL_CPFROMFS, X_OK) ||
	    access(LKL_FS2TAR, X_OK))
		SKIP(return, "cptofs, cpfromfs or fs2tar is not built");

	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-vg-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	snprintf(self->img, sizeof(self->img), "%s/disk.img", self->dir);
	snprintf(self->src, sizeof(self->src), "%s/src", self->dir);
	snprintf(self->sum, sizeof(self->sum), "%s/img.sum", self->dir);
	ASSERT_EQ(0, test_run("echo data > %s", self->src));
	ASSERT_EQ(0, make_ext4(self->img, IMAGE_MB));
}

FIXTURE_TEARDOWN(vg)
{
	if (self->dir[0])
		test_run("rm -rf %s", self->dir);
}

/*
 * Run "@prefix valgrind TOOL ARGS", where @args is given as a format. The
 * tool must fail with status 1 and memcheck must be quiet; on anything
 * else, memcheck's report and the tool's stderr are shown. @prefix runs
 * the whole command as another user, or is "".
 */
static int vg_fails(struct __test_metadata *_metadata,
		    struct _test_data_vg *self, const char *prefix,
		    const char *tool, const char *fmt, ...)
{
	char args[512], log[128];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(log, sizeof(log), "%s/vg.log", self->dir);
	/* Made here, so that memcheck can write it as another user too. */
	test_run(": > %s && chmod 666 %s", log, log);

	status = test_run("%s " VALGRIND " --log-file=%s %s %s 2>%s/stderr",
			  prefix, log, tool, args, self->dir);
	if (status != 1) {
		TH_LOG("%s %s: exit status %d (%s)", tool, args, status,
		       status == VG_ERROR ? "memcheck found errors" :
		       "want 1, the tool's error");
		test_run("cat %s %s/stderr >&2", log, self->dir);
	}
	return status;
}

/* Keep the image's checksum, to show later that nothing wrote to it. */
static void save_sum(struct _test_data_vg *self)
{
	test_run("sha256sum %s > %s", self->img, self->sum);
}

static int same_sum(struct _test_data_vg *self)
{
	return test_run("sha256sum -c --quiet %s", self->sum);
}

/* Every tool, with the given -t and -P, on the image; all must fail. */
static void all_tools_fail(struct __test_metadata *_metadata,
			   struct _test_data_vg *self, const char *opts)
{
	save_sum(self);
	EXPECT_EQ(1, vg_fails(_metadata, self, "", LKL_CPTOFS, "-i %s %s %s /",
			      self->img, opts, self->src));
	EXPECT_EQ(1, vg_fails(_metadata, self, "", LKL_CPFROMFS,
			      "-i %s %s / %s/out", self->img, opts,
			      self->dir));
	EXPECT_EQ(1, vg_fails(_metadata, self, "", LKL_FS2TAR,
			      "-i %s %s %s/out.tar", self->img, opts,
			      self->dir));
	EXPECT_EQ(0, same_sum(self));
	EXPECT_EQ(0, test_run("test ! -e %s/out.tar", self->dir));
}

TEST_F_TIMEOUT(vg, missing_image, 120)
{
	EXPECT_EQ(1, vg_fails(_metadata, self, "", LKL_CPTOFS,
			      "-i %s/none.img -t ext4 %s /", self->dir,
			      self->src));
	EXPECT_EQ(1, vg_fails(_metadata, self, "", LKL_FS2TAR,
			      "-i %s/none.img -t ext4 %s/out.tar", self->dir,
			      self->dir));
}

TEST_F_TIMEOUT(vg, truncated, 180)
{
	ASSERT_EQ(0, truncate(self->img, 4 << 20));
	all_tools_fail(_metadata, self, "-t ext4");
}

TEST_F_TIMEOUT(vg, zeroed_superblock, 180)
{
	ASSERT_EQ(0,
		  test_run("dd if=/dev/zero of=%s bs=1024 seek=1 count=1 conv=notrunc status=none",
			   self->img));
	all_tools_fail(_metadata, self, "-t ext4");
}

/* Random bytes, offered to each file system's superblock parser. */
TEST_F_TIMEOUT(vg, random_bytes, 180)
{
	static const char * const types[] = { "ext4", "btrfs", "xfs", "vfat",
					       "iso9660" };
	unsigned int i;

	ASSERT_EQ(0, test_run("head -c 16M /dev/urandom > %s", self->img));
	save_sum(self);
	for (i = 0; i < ARRAY_SIZE(types); i++)
		EXPECT_EQ(1, vg_fails(_metadata, self, "", LKL_CPFROMFS,
				      "-i %s -t %s / %s/out", self->img,
				      types[i], self->dir));
	EXPECT_EQ(0, same_sum(self));
}

TEST_F_TIMEOUT(vg, wrong_fstype, 180)
{
	all_tools_fail(_metadata, self, "-t xfs");
	EXPECT_EQ(1, vg_fails(_metadata, self, "", LKL_CPTOFS,
			      "-i %s -t btrfs %s /", self->img, self->src));
	EXPECT_EQ(1, vg_fails(_metadata, self, "", LKL_CPTOFS,
			      "-i %s -t nosuchfs %s /", self->img, self->src));
	EXPECT_EQ(0, same_sum(self));
}

TEST_F_TIMEOUT(vg, missing_partition, 180)
{
	/* A whole-disk file system has no partitions at all. */
	all_tools_fail(_metadata, self, "-t ext4 -P 1");

	/* An MBR with partition 1 only. */
	ASSERT_EQ(0, test_run("cd %s && printf 'label: dos\\nstart=2048,size=16384\\n' | %s",
			      self->dir, "sfdisk -q disk.img >/dev/null 2>&1"));
	all_tools_fail(_metadata, self, "-t ext4 -P 3");
}

/* Write access refused by the host: no boot, no write. */
TEST_F_TIMEOUT(vg, read_only_image, 120)
{
	if (geteuid() != 0)
		SKIP(return, "needs root, to become another user");
	ASSERT_EQ(0, chmod(self->img, 0444));
	save_sum(self);
	EXPECT_EQ(1, vg_fails(_metadata, self, SETPRIV_NOBODY, LKL_CPTOFS,
			      "-i %s -t ext4 %s /", self->img, self->src));
	EXPECT_EQ(0, test_run("grep -q 'cannot open for writing' %s/stderr",
			      self->dir));
	EXPECT_EQ(0, same_sum(self));
}

TEST_HARNESS_MAIN
