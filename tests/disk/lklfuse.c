// SPDX-License-Identifier: GPL-2.0
/*
 * lklfuse on an ext4 image made by the host's mkfs.ext4: files copied in
 * with the host's cp read back unchanged, the image is clean once lklfuse
 * has exited, and the files are still there after a second mount.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "testlib.h"

#define IMAGE_MB	64

struct fuse_mount {
	char dir[64];
	char img[96];
	char mnt[96];
	pid_t pid;
};

FIXTURE(lklfuse) {
	struct fuse_mount m;
	char src[96];
};

/* Is @mnt a fuse mount point in /proc/mounts? */
static int mounted(const char *mnt)
{
	char line[512], dev[256], dir[256], type[64];
	int found = 0;
	FILE *f;

	f = fopen("/proc/mounts", "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %255s %63s", dev, dir, type) == 3 &&
		    !strcmp(dir, mnt) && !strncmp(type, "fuse", 4))
			found = 1;
	fclose(f);
	return found;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Start lklfuse -f in the background; 0 once the mount is there. */
static int start(struct fuse_mount *self, const char *opts)
{
	char log[128];
	int i, status;

	snprintf(log, sizeof(log), "%s/lklfuse.log", self->dir);
	/* The log is appended to: a test may mount more than once. */
	self->pid = test_spawn("/dev/null", "exec %s -f -o '%s' %s %s >>%s 2>&1",
			       LKL_LKLFUSE, opts, self->img, self->mnt, log);
	if (self->pid < 0) {
		self->pid = 0;
		return -1;
	}
	for (i = 0; i < 300; i++) {
		if (mounted(self->mnt))
			return 0;
		if (waitpid(self->pid, &status, WNOHANG) == self->pid) {
			self->pid = 0;
			test_run("cat %s >&2", log);
			return -1;
		}
		sleep_ms(100);
	}
	return -1;
}

/*
 * fusermount3 -u returns before lklfuse has unmounted inside LKL: wait for
 * the process, whose destroy callback flushes the image, to exit.
 */
static int stop(struct fuse_mount *self)
{
	int status, i;

	if (test_run("fusermount3 -u %s", self->mnt))
		return -1;
	for (i = 0; i < 600; i++) {
		if (waitpid(self->pid, &status, WNOHANG) == self->pid) {
			self->pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		sleep_ms(100);
	}
	return -1;
}

FIXTURE_SETUP(lklfuse)
{
	self->m.pid = 0;
	if (access("/dev/fuse", R_OK | W_OK))
		SKIP(return, "/dev/fuse is missing or not usable");
	if (!test_have("fusermount3"))
		SKIP(return, "fusermount3 is not installed (fuse3)");
	if (!test_have("mkfs.ext4") || !test_have("e2fsck"))
		SKIP(return, "e2fsprogs is not installed");
	if (access(LKL_LKLFUSE, X_OK))
		SKIP(return, "lklfuse is not built (libfuse3-dev missing?)");

	snprintf(self->m.dir, sizeof(self->m.dir), "/tmp/lkl-lklfuse-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->m.dir));
	snprintf(self->m.img, sizeof(self->m.img), "%s/disk.img", self->m.dir);
	snprintf(self->m.mnt, sizeof(self->m.mnt), "%s/mnt", self->m.dir);
	snprintf(self->src, sizeof(self->src), "%s/src", self->m.dir);
	ASSERT_EQ(0, mkdir(self->m.mnt, 0755));
	ASSERT_EQ(0, make_ext4(self->m.img, IMAGE_MB));
	ASSERT_EQ(0, test_run("set -e; mkdir -p %s/sub/deep %s/empty; "
			      "head -c 5000000 /dev/urandom > %s/big; "
			      "head -c 1234 /dev/urandom > %s/sub/small; "
			      "echo hello > %s/sub/deep/text; "
			      "ln -s sub/deep/text %s/link; "
			      "cd %s; "
			      "find . -type f | sort | xargs sha256sum >%s/sums",
			      self->src, self->src, self->src, self->src, self->src,
			      self->src, self->src, self->m.dir));
}

FIXTURE_TEARDOWN(lklfuse)
{
	if (self->m.pid > 0) {
		test_run("fusermount3 -u %s 2>/dev/null", self->m.mnt);
		kill(self->m.pid, SIGTERM);
		waitpid(self->m.pid, NULL, 0);
	}
	if (self->m.dir[0])
		test_run("rm -rf %s", self->m.dir);
}

/*
 * lklfuse promises no root, but it runs as root here when an unprivileged
 * user cannot open /dev/fuse: libfuse opens the device itself, as the
 * user, and turns to the setuid fusermount3 only when mount(2) is refused,
 * not when the device is. Say so in the results.
 */
static void note_privileges(void)
{
	struct stat st;

	if (geteuid() != 0 || stat("/dev/fuse", &st))
		return;
	if ((st.st_mode & 0006) != 0006)
		printf("# lklfuse runs as root: /dev/fuse is mode %04o here, %s\n",
		       (unsigned int)(st.st_mode & 07777),
		       "so libfuse cannot open it as an unprivileged user");
	else
		printf("# lklfuse runs as root, %s\n",
		       "although /dev/fuse would let an unprivileged user mount");
	fflush(stdout);
}

TEST_F_TIMEOUT(lklfuse, copy_fsck_remount, 180)
{
	note_privileges();
	/* Copy in with the host's cp and check it through the mount. */
	ASSERT_EQ(0, start(&self->m, "type=ext4"));
	ASSERT_EQ(0, test_run("cp -a %s/. %s/", self->src, self->m.mnt));
	ASSERT_EQ(0, test_run("cd %s && sha256sum --quiet -c %s/sums",
			      self->m.mnt, self->m.dir));
	EXPECT_EQ(0, test_run("test \"$(readlink %s/link)\" = sub/deep/text",
			      self->m.mnt));
	EXPECT_EQ(0, test_run("test -d %s/empty", self->m.mnt));

	/* The other operations, through the host's tools. */
	EXPECT_EQ(0, test_run("set -e; cd %s; mv sub/small sub/moved; "
			      "mkdir gone; rmdir gone; echo x > tmp; rm tmp; "
			      "truncate -s 100 big2; "
			      "test $(stat -c %%s big2) = 100; rm big2; "
			      "chmod 600 sub/moved; "
			      "test $(stat -c %%a sub/moved) = 600; "
			      "ln sub/moved hard; test $(stat -c %%h hard) = 2; "
			      "touch -d @1000000000 sub/deep/text; "
			      "test $(stat -c %%Y sub/deep/text) = 1000000000; "
			      "mv sub/moved sub/small; rm hard; df . >/dev/null",
			      self->m.mnt));

	/* Wait for lklfuse to exit, then the image must be clean. */
	ASSERT_EQ(0, stop(&self->m));
	ASSERT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->m.img));

	/* The data persisted: mount again, read-only, and check. */
	ASSERT_EQ(0, start(&self->m, "type=ext4,ro"));
	EXPECT_EQ(0, test_run("cd %s && sha256sum --quiet -c %s/sums",
			      self->m.mnt, self->m.dir));
	EXPECT_EQ(0, test_run("test $(stat -c %%Y %s/sub/deep/text) = 1000000000",
			      self->m.mnt));
	EXPECT_NE(0, test_run("touch %s/new 2>/dev/null", self->m.mnt));
	ASSERT_EQ(0, stop(&self->m));
	ASSERT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->m.img));
}

/*
 * A read-write lklfuse mount holds its image exclusively: cptofs and
 * cpfromfs get "image in use" and change nothing. A read-only mount
 * shares it with readers only.
 */
TEST_F_TIMEOUT(lklfuse, image_lock, 120)
{
	const char *d = self->m.dir;

	ASSERT_EQ(0, start(&self->m, "type=ext4"));
	ASSERT_EQ(0, test_run("echo mounted > %s/file", self->m.mnt));
	EXPECT_EQ(1, test_run("%s -i %s -t ext4 %s/sums / 2>%s/err", LKL_CPTOFS,
			      self->m.img, d, d));
	EXPECT_EQ(0, test_run("grep -q 'image in use' %s/err", d));
	EXPECT_EQ(1, test_run("%s -i %s -t ext4 /file %s/out 2>%s/err",
			      LKL_CPFROMFS, self->m.img, d, d));
	EXPECT_EQ(0, test_run("grep -q 'image in use' %s/err", d));
	ASSERT_EQ(0, stop(&self->m));

	ASSERT_EQ(0, start(&self->m, "type=ext4,ro"));
	EXPECT_EQ(0, test_run("%s -i %s -t ext4 /file %s/out", LKL_CPFROMFS,
			      self->m.img, d));
	EXPECT_EQ(0, test_run("grep -q mounted %s/out", d));
	EXPECT_EQ(1, test_run("%s -i %s -t ext4 %s/sums / 2>%s/err", LKL_CPTOFS,
			      self->m.img, d, d));
	EXPECT_EQ(0, test_run("grep -q 'image in use' %s/err", d));
	ASSERT_EQ(0, stop(&self->m));
	EXPECT_EQ(0, test_run("e2fsck -fn %s >/dev/null 2>&1", self->m.img));
	EXPECT_EQ(0, test_run("%s -i %s -t ext4 %s/sums /", LKL_CPTOFS,
			      self->m.img, d));
}

TEST_F_TIMEOUT(lklfuse, bad_input, 60)
{
	/* A missing image: an error before anything is mounted. */
	EXPECT_NE(0, test_run("%s -f %s/missing.img %s 2>/dev/null", LKL_LKLFUSE,
			      self->m.dir, self->m.mnt));
	EXPECT_EQ(0, mounted(self->m.mnt));
	/* A wrong type: the LKL mount fails and lklfuse exits non-zero. */
	EXPECT_NE(0, test_run("timeout 60 %s -f -o type=xfs %s %s 2>/dev/null",
			      LKL_LKLFUSE, self->m.img, self->m.mnt));
	EXPECT_EQ(0, mounted(self->m.mnt));
	EXPECT_EQ(0, test_run("%s --help | grep -q type=FSTYPE", LKL_LKLFUSE));
}

TEST_HARNESS_MAIN
