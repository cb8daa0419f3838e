// SPDX-License-Identifier: GPL-2.0
/*
 * cptofs and cpfromfs on ext4 images made by the host's mkfs.ext4: a round
 * trip keeps contents, modes, symbolic links, empty directories and holes;
 * files placed by the host read back unchanged; bad input gets an error.
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

#define IMAGE_MB	64
#define SETPRIV_NOBODY	"setpriv --reuid=65534 --regid=65534 --clear-groups"

FIXTURE(tools) {
	char dir[64];
	char img[96];
};

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = -1;
	if (fchmod(fd, mode))
		ret = -1;
	close(fd);
	return ret;
}

FIXTURE_SETUP(tools)
{
	if (!test_have("mkfs.ext4") || !test_have("e2fsck"))
		SKIP(return, "e2fsprogs is not installed");
	if (access(LKL_CPTOFS, X_OK) || access(LKL_CPFROMFS, X_OK))
		SKIP(return, "cptofs or cpfromfs is not built");

	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-tools-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	snprintf(self->img, sizeof(self->img), "%s/disk.img", self->dir);
	ASSERT_EQ(0, make_ext4(self->img, IMAGE_MB));
}

/*
 * The tools need no root, so they run as nobody (when the test runs as
 * root, as in CI): give the test's directory to nobody first. The prefix
 * for the tools' command lines is returned.
 */
static const char *as_nobody(struct _test_data_tools *self)
{
	if (geteuid() != 0 || !test_have("setpriv"))
		return "";
	if (test_run("chown -R 65534:65534 %s", self->dir))
		return "false ";
	return SETPRIV_NOBODY " ";
}

FIXTURE_TEARDOWN(tools)
{
	if (self->dir[0])
		test_run("rm -rf %s", self->dir);
}

/* The names in the tree of the round trip, with what to compare. */
static const char * const names[] = {
	"empty", "link", "sparse", "suid", "sub", "sub/file",
	"gr\xc3\xbc\xc3\x9f-\xe2\x82\xac.txt",
};

TEST_F_TIMEOUT(tools, round_trip, 120)
{
	char src[128], out[128], a[256], b[256];
	struct stat sa, sb;
	const char *as;
	unsigned int i;
	int fd;

	snprintf(src, sizeof(src), "%s/src", self->dir);
	snprintf(out, sizeof(out), "%s/out", self->dir);
	ASSERT_EQ(0, mkdir(src, 0755));
	ASSERT_EQ(0, mkdir(out, 0755));

	snprintf(a, sizeof(a), "%s/empty", src);
	ASSERT_EQ(0, mkdir(a, 0750));
	snprintf(a, sizeof(a), "%s/sub", src);
	ASSERT_EQ(0, mkdir(a, 0755));
	snprintf(a, sizeof(a), "%s/sub/file", src);
	ASSERT_EQ(0, write_file(a, "a file in a directory\n", 0640));
	snprintf(a, sizeof(a), "%s/link", src);
	ASSERT_EQ(0, symlink("sub/file", a));
	snprintf(a, sizeof(a), "%s/suid", src);
	ASSERT_EQ(0, write_file(a, "#!/bin/sh\n", 04755));
	snprintf(a, sizeof(a), "%s/%s", src, names[6]);
	ASSERT_EQ(0, write_file(a, "UTF-8\n", 0644));

	/* Data, a 1 MiB hole, data. */
	snprintf(a, sizeof(a), "%s/sparse", src);
	fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(5, pwrite(fd, "head\n", 5, 0));
	ASSERT_EQ(5, pwrite(fd, "tail\n", 5, (1 << 20) + 4096));
	close(fd);

	as = as_nobody(self);
	/* chown cleared the setuid bit. */
	snprintf(a, sizeof(a), "%s/suid", src);
	ASSERT_EQ(0, chmod(a, 04755));
	ASSERT_EQ(0, test_run("%s%s -i %s -t ext4 %s /", as, LKL_CPTOFS, self->img,
			      src));
	ASSERT_EQ(0, test_run("%s%s -i %s -t ext4 /src %s", as, LKL_CPFROMFS,
			      self->img, out));
	snprintf(out, sizeof(out), "%s/out/src", self->dir);
	EXPECT_EQ(0, test_run("diff -r %s %s", src, out));

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(a, sizeof(a), "%s/%s", src, names[i]);
		snprintf(b, sizeof(b), "%s/%s", out, names[i]);
		ASSERT_EQ(0, lstat(a, &sa));
		ASSERT_EQ(0, lstat(b, &sb)) TH_LOG("%s is missing", names[i]);
		EXPECT_EQ(sa.st_mode, sb.st_mode) TH_LOG("mode of %s", names[i]);
		EXPECT_EQ(sa.st_size, sb.st_size) TH_LOG("size of %s", names[i]);
		if (!S_ISLNK(sa.st_mode))
			EXPECT_EQ(sa.st_mtim.tv_sec, sb.st_mtim.tv_sec);
	}

	snprintf(b, sizeof(b), "%s/sparse", out);
	ASSERT_EQ(0, stat(b, &sb));
	EXPECT_EQ((1 << 20) + 4096 + 5, sb.st_size);
	EXPECT_GT(64, sb.st_blocks) TH_LOG("%ld blocks", (long)sb.st_blocks);
	snprintf(b, sizeof(b), "%s/suid", out);
	ASSERT_EQ(0, stat(b, &sb));
	EXPECT_EQ(04755, sb.st_mode & 07777);

	EXPECT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->img));
}

/* Files placed by the host's mkfs.ext4 -d read back identical. */
TEST_F_TIMEOUT(tools, mkfs_placed, 120)
{
	ASSERT_EQ(0, test_run("mkdir -p %s/root/d", self->dir));
	ASSERT_EQ(0, test_run("head -c 3000000 /dev/urandom > %s/root/d/random",
			      self->dir));
	ASSERT_EQ(0, test_run("echo hello > %s/root/hello", self->dir));
	ASSERT_EQ(0, test_run("mkfs.ext4 -q -F -d %s/root %s %dM >/dev/null 2>&1",
			      self->dir, self->img, IMAGE_MB));
	ASSERT_EQ(0, test_run("cd %s/root && sha256sum d/random hello > ../sums",
			      self->dir));
	ASSERT_EQ(0, test_run("mkdir %s/back", self->dir));
	ASSERT_EQ(0, test_run("%s%s -i %s -t ext4 /d /hello %s/back",
			      as_nobody(self), LKL_CPFROMFS, self->img, self->dir));
	EXPECT_EQ(0, test_run("cd %s/back && sha256sum -c --quiet ../sums",
			      self->dir));
	EXPECT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->img));
}

/* fs2tar: tar lists and extracts what mkfs.ext4 -d placed. */
static const char tar_names[] =
	"./ ./d/ ./d/f ./empty/ ./hard ./lost+found/ ./suid ./sym";

TEST_F_TIMEOUT(tools, fs2tar, 120)
{
	const char *d = self->dir;

	if (access(LKL_FS2TAR, X_OK))
		SKIP(return, "fs2tar is not built");
	ASSERT_EQ(0, test_run("mkdir -p %s/root/d %s/root/empty %s/x", d, d, d));
	ASSERT_EQ(0, test_run("echo data > %s/root/d/f", d));
	ASSERT_EQ(0, test_run("ln %s/root/d/f %s/root/hard", d, d));
	ASSERT_EQ(0, test_run("ln -s d/f %s/root/sym", d));
	ASSERT_EQ(0, test_run("echo s > %s/root/suid && chmod 4755 %s/root/suid",
			      d, d));
	ASSERT_EQ(0, test_run("mkfs.ext4 -q -F -d %s/root %s %dM >/dev/null 2>&1",
			      d, self->img, IMAGE_MB));

	ASSERT_EQ(0, test_run("%s%s -i %s -t ext4 %s/out.tar", as_nobody(self),
			      LKL_FS2TAR, self->img, d));
	ASSERT_EQ(0, test_run("tar tvf %s/out.tar > %s/list", d, d));
	EXPECT_EQ(0, test_run("grep -q '^-rwsr-xr-x .* ./suid$' %s/list", d));
	EXPECT_EQ(0, test_run("grep -q '^l.* ./sym -> d/f$' %s/list", d));
	EXPECT_EQ(0, test_run("grep -q '^d.* ./empty/$' %s/list", d));
	EXPECT_EQ(0, test_run("grep -Eq 'link to ./(hard|d/f)$' %s/list", d));
	/* Exactly these names, each once. */
	EXPECT_EQ(0, test_run("tar tf %s/out.tar | sort > %s/names", d, d));
	EXPECT_EQ(0, test_run("printf '%%s\\n' %s | sort | cmp -s - %s/names",
			      tar_names, d));
	EXPECT_EQ(0, test_run("tar xpf %s/out.tar -C %s/x", d, d));
	EXPECT_EQ(0, test_run("diff -r -x lost+found %s/root %s/x", d, d));
	EXPECT_EQ(0, test_run("test %s/x/hard -ef %s/x/d/f", d, d));

	/* A missing image: an error, and no archive. */
	EXPECT_EQ(1, test_run("%s -i %s/none.img -t ext4 %s/bad.tar 2>/dev/null",
			      LKL_FS2TAR, d, d));
	EXPECT_EQ(0, test_run("test ! -e %s/bad.tar", d));
	EXPECT_EQ(1, test_run("%s -i %s -t vfat %s/bad.tar 2>/dev/null",
			      LKL_FS2TAR, self->img, d));
	EXPECT_EQ(0, test_run("test ! -e %s/bad.tar", d));
}

/* Bad input: a clear message on stderr, a non-zero exit, no write. */
TEST_F_TIMEOUT(tools, bad_input, 120)
{
	char err[128], msg[256], sum[160], small[128];
	FILE *f;

	snprintf(small, sizeof(small), "%s/small", self->dir);
	ASSERT_EQ(0, write_file(small, "small\n", 0644));

	snprintf(err, sizeof(err), "%s/stderr", self->dir);
	snprintf(sum, sizeof(sum), "%s/img.sum", self->dir);
	ASSERT_EQ(0, test_run("sha256sum %s > %s", self->img, sum));

	/* A missing image. */
	EXPECT_EQ(1, test_run("%s -i %s/none.img -t ext4 %s / 2>%s",
			      LKL_CPTOFS, self->dir, small, err));
	f = fopen(err, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(msg, sizeof(msg), f));
	fclose(f);
	EXPECT_NE(NULL, strstr(msg, "none.img"));
	EXPECT_NE(NULL, strstr(msg, "No such file or directory"));
	EXPECT_EQ(1, test_run("%s -i %s/none.img -t ext4 / %s 2>%s",
			      LKL_CPFROMFS, self->dir, self->dir, err));
	EXPECT_EQ(0, test_run("grep -q none.img %s", err));

	/* No arguments, and --help. */
	EXPECT_EQ(1, test_run("%s 2>/dev/null", LKL_CPTOFS));
	EXPECT_EQ(0, test_run("%s --help | grep -q Usage", LKL_CPFROMFS));

	/* A wrong -t, a partition that does not exist. */
	EXPECT_EQ(1, test_run("%s -i %s -t vfat %s / 2>%s", LKL_CPTOFS,
			      self->img, small, err));
	EXPECT_EQ(0, test_run("grep -q 'cannot mount as vfat' %s", err));
	EXPECT_EQ(1, test_run("%s -i %s -t ext4 -P 3 %s / 2>%s",
			      LKL_CPTOFS, self->img, small, err));
	EXPECT_EQ(0, test_run("grep -q 'no partition 3' %s", err));
	EXPECT_EQ(0, test_run("sha256sum -c --quiet %s", sum));

	/* A source that is not there. */
	EXPECT_EQ(1, test_run("%s -i %s -t ext4 /nothere %s 2>%s", LKL_CPFROMFS,
			      self->img, self->dir, err));
	EXPECT_EQ(0, test_run("grep -q ':/nothere: stat: No such file' %s", err));

	/* A read-only image file, for a user who cannot write it. */
	if (geteuid() == 0 && test_have("setpriv")) {
		ASSERT_EQ(0, chmod(self->img, 0444));
		EXPECT_EQ(1, test_run("%s %s -i %s -t ext4 %s / 2>%s",
				      SETPRIV_NOBODY, LKL_CPTOFS, self->img, small,
				      err));
		EXPECT_EQ(0, test_run("grep -q 'cannot open for writing' %s", err));
		EXPECT_EQ(0, test_run("sha256sum -c --quiet %s", sum));
		ASSERT_EQ(0, chmod(self->img, 0644));
	}

	/* A full file system: reported, and the image stays consistent. */
	ASSERT_EQ(0, test_run("head -c 80M /dev/zero | tr '\\0' x > %s/big",
			      self->dir));
	EXPECT_EQ(1, test_run("%s -i %s -t ext4 %s/big / 2>%s", LKL_CPTOFS,
			      self->img, self->dir, err));
	EXPECT_EQ(0, test_run("grep -q 'No space left on device' %s", err));
	EXPECT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->img));
}

/* Hold an open file description lock of @type on the whole of @path. */
static int hold_lock(const char *path, short type)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET };
	int fd = open(path, type == F_WRLCK ? O_RDWR : O_RDONLY);

	if (fd < 0)
		return -1;
	if (fcntl(fd, F_OFD_SETLK, &fl)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A tool that writes an image holds it exclusively; readers share it. A
 * lock held as the tools take it (another program's) makes the tool fail
 * with "image in use" before it changes anything.
 */
TEST_F_TIMEOUT(tools, image_lock, 120)
{
	char err[128], small[128], out[128];
	int fd;

	snprintf(small, sizeof(small), "%s/small", self->dir);
	snprintf(out, sizeof(out), "%s/out", self->dir);
	snprintf(err, sizeof(err), "%s/stderr", self->dir);
	ASSERT_EQ(0, write_file(small, "small\n", 0644));
	ASSERT_EQ(0, mkdir(out, 0755));
	ASSERT_EQ(0, test_run("%s -i %s -t ext4 %s /", LKL_CPTOFS, self->img,
			      small));

	/* Another writer: neither a writer nor a reader may use it. */
	fd = hold_lock(self->img, F_WRLCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, test_run("%s -i %s -t ext4 %s /again 2>%s", LKL_CPTOFS,
			      self->img, small, err));
	EXPECT_EQ(0, test_run("grep -q 'disk.img: image in use' %s", err));
	EXPECT_EQ(1, test_run("%s -i %s -t ext4 /small %s 2>%s", LKL_CPFROMFS,
			      self->img, out, err));
	EXPECT_EQ(0, test_run("grep -q 'image in use' %s", err));
	close(fd);

	/* Another reader: readers share, a writer waits its turn. */
	fd = hold_lock(self->img, F_RDLCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, test_run("%s -i %s -t ext4 /small %s", LKL_CPFROMFS,
			      self->img, out));
	EXPECT_EQ(0, test_run("cmp %s %s/small", small, out));
	EXPECT_EQ(1, test_run("%s -i %s -t ext4 %s /again 2>%s", LKL_CPTOFS,
			      self->img, small, err));
	EXPECT_EQ(0, test_run("grep -q 'image in use' %s", err));
	close(fd);

	/* Unlocked again, and nothing was written while it was held. */
	EXPECT_EQ(1, test_run("%s -i %s -t ext4 /again %s 2>/dev/null",
			      LKL_CPFROMFS, self->img, out));
	EXPECT_EQ(0, test_run("%s -i %s -t ext4 %s /again", LKL_CPTOFS,
			      self->img, small));
	EXPECT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->img));
}

/*
 * Two cptofs copying different trees into one image at the same time:
 * each either copies all of its tree or fails with "image in use", and
 * what one wrote is never lost to the other.
 */
TEST_F_TIMEOUT(tools, two_writers, 180)
{
	char out[128];
	int i, ok[2];

	snprintf(out, sizeof(out), "%s/out", self->dir);
	ASSERT_EQ(0, test_run("set -e; cd %s; mkdir a b out; "
			      "for i in $(seq 200); do echo a$i > a/$i; "
			      "echo b$i > b/$i; done", self->dir));
	ASSERT_EQ(0, test_run("cd %s\n"
			      "(%s -i disk.img -t ext4 a / 2>a.err; echo $? >a.rc) &\n"
			      "(%s -i disk.img -t ext4 b / 2>b.err; echo $? >b.rc) &\n"
			      "wait", self->dir, LKL_CPTOFS, LKL_CPTOFS));
	for (i = 0; i < 2; i++) {
		ok[i] = !test_run("test $(cat %s/%c.rc) = 0", self->dir,
				  'a' + i);
		if (ok[i])
			continue;
		EXPECT_EQ(0, test_run("test $(cat %s/%c.rc) = 1", self->dir,
				      'a' + i));
		EXPECT_EQ(0, test_run("grep -q 'image in use' %s/%c.err",
				      self->dir, 'a' + i));
	}
	EXPECT_TRUE(ok[0] || ok[1]);
	ASSERT_EQ(0, test_run("%s -i %s -t ext4 / %s", LKL_CPFROMFS, self->img,
			      out));
	for (i = 0; i < 2; i++) {
		if (ok[i]) {
			EXPECT_EQ(0, test_run("diff -r %s/%c %s/%c", self->dir,
					      'a' + i, out, 'a' + i));
		} else {
			EXPECT_NE(0, test_run("test -e %s/%c", out, 'a' + i));
		}
	}
	EXPECT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->img));
	printf("# %s\n", ok[0] && ok[1] ? "the two copies ran one after the other" :
	       "one copy found the image in use");
}

/*
 * An ext4 image that asks for a panic on errors (tune2fs -e panic), with
 * a corrupt directory block: reading it gives an error and a non-zero
 * exit, not a kernel panic that ends (or, before, hung) the tool.
 */
TEST_F_TIMEOUT(tools, errors_panic_image, 120)
{
	char img[128], err[128];
	long blk;
	FILE *f;

	snprintf(img, sizeof(img), "%s/panic.img", self->dir);
	snprintf(err, sizeof(err), "%s/stderr", self->dir);
	ASSERT_TRUE(test_have("tune2fs") && test_have("debugfs"));
	ASSERT_EQ(0, test_run("set -e; cd %s; mkdir -p t/dir; "
			      "for i in $(seq 100); do\n"
			      "echo $i >t/dir/file-with-a-long-name-$i; "
			      "done; "
			      "mkfs.ext4 -q -F -b 4096 -d t %s 16M; "
			      "tune2fs -e panic %s >/dev/null",
			      self->dir, img, img));
	/* The directory's first block, overwritten with noise. */
	ASSERT_EQ(0, test_run("debugfs -R 'blocks /dir' %s 2>/dev/null |\n"
			      "awk '{print $1}' >%s/blk", img, self->dir));
	snprintf(err, sizeof(err), "%s/blk", self->dir);
	f = fopen(err, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%ld", &blk));
	fclose(f);
	ASSERT_EQ(0, test_run("dd if=/dev/urandom of=%s bs=4096 seek=%ld count=1 conv=notrunc",
			      img, blk));

	snprintf(err, sizeof(err), "%s/stderr", self->dir);
	EXPECT_EQ(1, test_run("timeout 60 %s -i %s -t ext4 /dir %s/out 2>%s",
			      LKL_CPFROMFS, img, self->dir, err));
	EXPECT_NE(0, test_run("grep -q 'kernel panic' %s", err));
	if (access(LKL_FS2TAR, X_OK) == 0)
		EXPECT_EQ(1, test_run("timeout 60 %s -i %s -t ext4 %s/out.tar 2>/dev/null",
				      LKL_FS2TAR, img, self->dir));
	test_run("cat %s >&2", err);
}

TEST_HARNESS_MAIN
