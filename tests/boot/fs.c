// SPDX-License-Identifier: GPL-2.0
/*
 * Filesystems inside LKL: tmpfs file operations, procfs and sysfs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lkl-test.h"

FIXTURE(fs) {
	int unused;
};

FIXTURE_SETUP(fs)
{
	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
}

FIXTURE_TEARDOWN(fs)
{
	EXPECT_EQ(0, lkl_sys_halt());
}

/*
 * Read the directory @path with getdents64 and strdup() up to @max names
 * into @names. Returns the number of entries or a negative errno.
 */
static long list_dir(const char *path, char **names, int max)
{
	char buf[4096];
	long fd, n, pos;
	int count = 0;

	fd = lkl_sys_open(path, LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	while ((n = lkl_sys_getdents64(fd, (void *)buf, sizeof(buf))) > 0) {
		for (pos = 0; pos < n && count < max;) {
			struct lkl_linux_dirent64 *d = (void *)(buf + pos);

			names[count++] = strdup(d->d_name);
			pos += d->d_reclen;
		}
	}
	lkl_sys_close(fd);
	return n < 0 ? n : count;
}

static int has_name(char **names, int count, const char *name)
{
	int i;

	for (i = 0; i < count; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

TEST_F(fs, tmpfs)
{
	static const char text[] = "hello from inside the kernel";
	char opts[] = "size=8M";
	struct lkl_stat st;
	char buf[64], *names[16];
	long fd, count, i;

	ASSERT_EQ(0, lkl_test_mkdir("/tmp"));
	ASSERT_EQ(0, lkl_sys_mount("tmpfs", "/tmp", "tmpfs", 0, opts));

	fd = lkl_sys_open("/tmp/a", LKL_O_CREAT | LKL_O_RDWR | LKL_O_TRUNC,
			  0644);
	ASSERT_LE(0, fd);
	EXPECT_EQ(sizeof(text), lkl_sys_write(fd, text, sizeof(text)));

	/* Seek back into the middle, then to the start, and read it back. */
	EXPECT_EQ(6, lkl_sys_lseek(fd, 6, LKL_SEEK_SET));
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(4, lkl_sys_read(fd, buf, 4));
	EXPECT_EQ(0, memcmp(buf, "from", 4));
	EXPECT_EQ(0, lkl_sys_lseek(fd, 0, LKL_SEEK_SET));
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(sizeof(text), lkl_sys_read(fd, buf, sizeof(buf)));
	EXPECT_STREQ(text, buf);
	EXPECT_EQ(0, lkl_sys_read(fd, buf, sizeof(buf)));

	memset(&st, 0, sizeof(st));
	EXPECT_EQ(0, lkl_sys_fstat(fd, &st));
	EXPECT_EQ(sizeof(text), st.st_size);
	EXPECT_EQ(LKL_S_IFREG, st.st_mode & LKL_S_IFMT);
	EXPECT_EQ(0, lkl_sys_close(fd));

	EXPECT_EQ(0, lkl_sys_renameat(LKL_AT_FDCWD, "/tmp/a",
				      LKL_AT_FDCWD, "/tmp/b"));
	EXPECT_EQ(-LKL_ENOENT, lkl_sys_open("/tmp/a", LKL_O_RDONLY, 0));
	EXPECT_EQ(sizeof(text), lkl_test_read_file("/tmp/b", buf, sizeof(buf)));
	EXPECT_STREQ(text, buf);

	EXPECT_EQ(0, lkl_sys_mkdir("/tmp/dir", 0755));
	EXPECT_EQ(-LKL_EEXIST, lkl_sys_mkdir("/tmp/dir", 0755));
	fd = lkl_sys_open("/tmp/dir/c", LKL_O_CREAT | LKL_O_WRONLY, 0600);
	EXPECT_LE(0, fd);
	EXPECT_EQ(0, lkl_sys_close(fd));
	EXPECT_EQ(0, lkl_sys_unlinkat(LKL_AT_FDCWD, "/tmp/dir/c", 0));
	EXPECT_EQ(-LKL_ENOENT, lkl_sys_unlinkat(LKL_AT_FDCWD, "/tmp/dir/c", 0));

	count = list_dir("/tmp", names, 16);
	ASSERT_EQ(4, count) {
		for (i = 0; i < count; i++)
			TH_LOG("entry %ld: %s", i, names[i]);
	}
	EXPECT_TRUE(has_name(names, count, "."));
	EXPECT_TRUE(has_name(names, count, ".."));
	EXPECT_TRUE(has_name(names, count, "b"));
	EXPECT_TRUE(has_name(names, count, "dir"));
	for (i = 0; i < count; i++)
		free(names[i]);

	EXPECT_EQ(0, lkl_sys_unlinkat(LKL_AT_FDCWD, "/tmp/b", 0));
	EXPECT_EQ(0, lkl_sys_unlinkat(LKL_AT_FDCWD, "/tmp/dir",
				      LKL_AT_REMOVEDIR));
	count = list_dir("/tmp", names, 16);
	EXPECT_EQ(2, count);
	for (i = 0; i < count; i++)
		free(names[i]);
	EXPECT_EQ(0, lkl_sys_umount2("/tmp", 0));
}

/*
 * Mount options that end where the application's memory ends: a string
 * whose NUL is the last byte before a PROT_NONE page. The kernel reads
 * mount data a page at a time and LKL has no fault to stop the copy, so
 * LKL copies text options only up to their NUL; a read past it would
 * kill the test with SIGSEGV.
 */
TEST_F(fs, short_mount_options_before_a_guard_page)
{
	static const char mode[] = "mode=0751,";
	long page = sysconf(_SC_PAGESIZE);
	struct lkl_stat st;
	char *map, *opts;

	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + page, page, PROT_NONE));
	ASSERT_EQ(0, lkl_test_mkdir("/short"));

	/* A new mount: the option takes effect ("tmpfs" is ramfs here). */
	opts = map + page - sizeof("mode=0710");
	memcpy(opts, "mode=0710", sizeof("mode=0710"));
	ASSERT_EQ(0, lkl_sys_mount("tmpfs", "/short", "tmpfs", 0, opts));
	ASSERT_EQ(0, lkl_sys_stat("/short", &st));
	EXPECT_EQ(0710, st.st_mode & 07777);

	/* A remount reads its options from the same place. */
	opts = map + page - sizeof("mode=0700");
	memcpy(opts, "mode=0700", sizeof("mode=0700"));
	EXPECT_EQ(0, lkl_sys_mount("tmpfs", "/short", "tmpfs",
				   LKL_MS_REMOUNT, opts));
	EXPECT_EQ(0, lkl_sys_umount2("/short", 0));

	/* A whole page without a NUL: cut at the page, as the kernel does. */
	memset(map, 'a', page);
	memcpy(map, mode, strlen(mode));
	ASSERT_EQ(0, lkl_sys_mount("tmpfs", "/short", "tmpfs", 0, map));
	ASSERT_EQ(0, lkl_sys_stat("/short", &st));
	EXPECT_EQ(0751, st.st_mode & 07777);
	EXPECT_EQ(0, lkl_sys_umount2("/short", 0));

	/* Bind mounts read no data; it is copied all the same. */
	map[page - 1] = 0;
	EXPECT_EQ(0, lkl_sys_mount("/short", "/short", NULL, LKL_MS_BIND,
				   map + page - 1));
	EXPECT_EQ(0, lkl_sys_umount2("/short", 0));
	EXPECT_EQ(0, munmap(map, 2 * page));
}

/* The number after @key in @text, as in "MemTotal:  61540 kB", or -1. */
static long field(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	if (!p)
		return -1;
	return strtol(p + strlen(key), NULL, 10);
}

TEST_F(fs, proc_sysfs)
{
	static char buf[16384];
	long mem_kb, pid, fd;

	ASSERT_EQ(0, lkl_test_mkdir("/proc"));
	ASSERT_EQ(0, lkl_test_mkdir("/sys"));
	ASSERT_EQ(0, lkl_sys_mount("proc", "/proc", "proc", 0, NULL));
	ASSERT_EQ(0, lkl_sys_mount("sysfs", "/sys", "sysfs", 0, NULL));

	ASSERT_LT(0, lkl_test_read_file("/proc/meminfo", buf, sizeof(buf)));
	mem_kb = field(buf, "MemTotal:");
	TH_LOG("MemTotal: %ld kB with mem=%dM", mem_kb, LKL_TEST_MEM_MB);
	/* The pool minus the memory map and what boot reserved. */
	EXPECT_GE(LKL_TEST_MEM_MB * 1024, mem_kb);
	EXPECT_LE(LKL_TEST_MEM_MB * 1024 * 9 / 10, mem_kb);

	ASSERT_LT(0, lkl_test_read_file("/proc/self/status", buf, sizeof(buf)));
	pid = field(buf, "\nPid:");
	EXPECT_EQ(lkl_sys_getpid(), pid);
	EXPECT_EQ(lkl_sys_getpid(), field(buf, "\nTgid:"));

	ASSERT_LT(0, lkl_test_read_file("/proc/version", buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "Linux version 6.12.", 19)) {
		TH_LOG("/proc/version: %s", buf);
	}

	/* sysfs is there and lists the kernel's objects. */
	fd = lkl_sys_open("/sys/kernel", LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		lkl_sys_close(fd);
	EXPECT_LT(0, lkl_test_read_file("/sys/kernel/uevent_seqnum",
					buf, sizeof(buf)));

	EXPECT_EQ(0, lkl_sys_umount2("/sys", 0));
	EXPECT_EQ(0, lkl_sys_umount2("/proc", 0));
}

TEST_HARNESS_MAIN
