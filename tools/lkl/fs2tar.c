// SPDX-License-Identifier: GPL-2.0
/*
 * fs2tar: write the file tree of a file system image as a tar archive.
 *
 * The image is mounted read-only by the kernel's own driver inside LKL and
 * walked with LKL system calls; libarchive writes a POSIX (pax) archive
 * with owners, modes, times, symbolic links and hard links.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include <lkl.h>
#include <lkl_host.h>

#include "tool-disk.h"

#define COPY_BUF_SIZE	(1024 * 1024)
#define DIRENT_BUF_SIZE	(32 * 1024)

static const char *prog = "fs2tar";
static const char *image;
static char *copy_buf;
static struct archive *tar;
static struct archive_entry_linkresolver *links;

static struct tool_disk td = {
	.readonly = 1,
	.quiet_remove = 1,
};

/* Where the image is mounted inside LKL. */
static char *mnt = td.mnt;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s -i IMAGE -t FSTYPE [-P PART] [-m MEM] TARFILE\n"
		"Write the files of the image as a tar archive (\"-\" for stdout).\n"
		"\n"
		"  -i, --image IMAGE     the image file (or block device)\n"
		"  -t, --type FSTYPE     its file system type, e.g. ext4\n"
		"  -P, --partition PART  the partition number (default: whole disk)\n"
		"  -m, --mem SIZE        LKL memory, e.g. 64M (default 64M)\n"
		"  -h, --help            show this help\n"
		"\n"
		"Owners, modes, times, symbolic links and hard links are kept.\n",
		prog);
}

/* @path is inside the image: shown as IMAGE:PATH. */
static void err_lkl(const char *path, const char *what, long ret)
{
	size_t len = strlen(mnt);

	if (!strncmp(path, mnt, len))
		path += len;
	fprintf(stderr, "%s: %s:%s: %s: %s\n", prog, image, *path ? path : "/",
		what, lkl_strerror((int)ret));
}

static void err_tar(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, archive_error_string(tar));
}

static int write_data(const char *path, long long size)
{
	long long off = 0;
	long fd, n;

	fd = lkl_sys_open(path, LKL_O_RDONLY | LKL_O_NOFOLLOW, 0);
	if (fd < 0) {
		err_lkl(path, "open", fd);
		return -1;
	}
	while (off < size) {
		n = lkl_sys_pread64(fd, copy_buf,
				    size - off < COPY_BUF_SIZE ?
				    size - off : COPY_BUF_SIZE, off);
		if (n == -LKL_EINTR)
			continue;
		if (n <= 0) {
			err_lkl(path, n ? "read" : "read: file shrank",
				n ? n : -LKL_EIO);
			lkl_sys_close(fd);
			return -1;
		}
		if (archive_write_data(tar, copy_buf, n) != n) {
			err_tar("write");
			lkl_sys_close(fd);
			return -1;
		}
		off += n;
	}
	lkl_sys_close(fd);
	return 0;
}

static int add_tree(const char *path, const char *name);

static int add_dir(const char *path, const char *name)
{
	struct lkl_linux_dirent64 *de;
	char *buf, *p, *n;
	long fd, len, pos;
	int ret = 0;

	buf = malloc(DIRENT_BUF_SIZE);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	fd = lkl_sys_open(path, LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	if (fd < 0) {
		err_lkl(path, "open directory", fd);
		free(buf);
		return -1;
	}
	while (!ret) {
		len = lkl_sys_getdents64(fd, (void *)buf, DIRENT_BUF_SIZE);
		if (len < 0) {
			err_lkl(path, "read directory", len);
			ret = -1;
		}
		if (len <= 0)
			break;
		for (pos = 0; pos < len && !ret; pos += de->d_reclen) {
			de = (struct lkl_linux_dirent64 *)(buf + pos);
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			p = NULL;
			n = NULL;
			if (asprintf(&p, "%s/%s", path, de->d_name) < 0 ||
			    asprintf(&n, "%s/%s", name, de->d_name) < 0) {
				fprintf(stderr, "%s: out of memory\n", prog);
				ret = -1;
			} else {
				ret = add_tree(p, n);
			}
			free(p);
			free(n);
		}
	}
	lkl_sys_close(fd);
	free(buf);
	return ret;
}

/* Add @path (inside LKL) as @name ("./..."), and what is below it. */
static int add_tree(const char *path, const char *name)
{
	struct archive_entry *entry, *spare = NULL;
	char target[PATH_MAX];
	struct lkl_stat st;
	long ret;
	int err = 0;

	ret = lkl_sys_lstat(path, &st);
	if (ret < 0) {
		err_lkl(path, "stat", ret);
		return -1;
	}

	entry = archive_entry_new();
	if (!entry) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	archive_entry_set_pathname(entry, name);
	archive_entry_set_mode(entry, st.st_mode);
	archive_entry_set_uid(entry, st.st_uid);
	archive_entry_set_gid(entry, st.st_gid);
	archive_entry_set_dev(entry, st.st_dev);
	archive_entry_set_ino64(entry, st.st_ino);
	archive_entry_set_nlink(entry, st.st_nlink);
	archive_entry_set_rdev(entry, st.st_rdev);
	archive_entry_set_atime(entry, st.lkl_st_atime, st.st_atime_nsec);
	archive_entry_set_mtime(entry, st.lkl_st_mtime, st.st_mtime_nsec);
	archive_entry_set_ctime(entry, st.lkl_st_ctime, st.st_ctime_nsec);
	archive_entry_set_size(entry, LKL_S_ISREG(st.st_mode) ?
				      st.st_size : 0);

	if (LKL_S_ISLNK(st.st_mode)) {
		ret = lkl_sys_readlinkat(LKL_AT_FDCWD, path, target,
					 sizeof(target) - 1);
		if (ret < 0) {
			err_lkl(path, "readlink", ret);
			archive_entry_free(entry);
			return -1;
		}
		target[ret] = '\0';
		archive_entry_set_symlink(entry, target);
	}

	/* A second name of a file becomes a hard link, without data. */
	if (!LKL_S_ISDIR(st.st_mode))
		archive_entry_linkify(links, &entry, &spare);

	if (entry) {
		if (archive_write_header(tar, entry) != ARCHIVE_OK) {
			err_tar(name);
			err = -1;
		} else if (archive_entry_size(entry) > 0) {
			err = write_data(path, archive_entry_size(entry));
		}
		archive_entry_free(entry);
	}
	archive_entry_free(spare);

	if (!err && LKL_S_ISDIR(st.st_mode))
		err = add_dir(path, name);
	return err;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "type", required_argument, NULL, 't' },
		{ "partition", required_argument, NULL, 'P' },
		{ "mem", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fstype = NULL, *mem = "64M", *out;
	unsigned long part = 0;
	int opt, status = 1;
	char *end;

	while ((opt = getopt_long(argc, argv, "i:t:P:m:h", longopts,
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
		case 'm':
			mem = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!image || !fstype || argc - optind != 1) {
		fprintf(stderr, "%s: %s\n", prog,
			!image ? "no image given (-i IMAGE)" :
			!fstype ? "no file system type given (-t FSTYPE)" :
			"give one output file");
		usage(stderr);
		return 1;
	}
	out = argv[optind];

	td.prog = prog;
	td.image = image;
	if (tool_disk_open(&td))
		return 1;
	copy_buf = malloc(COPY_BUF_SIZE);
	tar = archive_write_new();
	links = archive_entry_linkresolver_new();
	if (!copy_buf || !tar || !links) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out_free;
	}
	if (archive_write_set_format_pax_restricted(tar) != ARCHIVE_OK) {
		err_tar("pax format");
		goto out_free;
	}
	archive_entry_linkresolver_set_strategy(links, archive_format(tar));

	if (tool_disk_mount(&td, mem, fstype, part, NULL))
		goto out_free;

	/* Only now, so that a bad image leaves no empty archive behind. */
	if (archive_write_open_filename(tar, strcmp(out, "-") ? out : NULL) !=
	    ARCHIVE_OK) {
		/* libarchive's message does not say why. */
		fprintf(stderr, "%s: %s: %s: %s\n", prog, out,
			archive_error_string(tar),
			strerror(archive_errno(tar)));
	} else {
		status = add_tree(mnt, ".") ? 1 : 0;
		if (archive_write_close(tar) != ARCHIVE_OK) {
			err_tar(out);
			status = 1;
		}
	}

out_free:
	if (tool_disk_close(&td))
		status = 1;
	if (links)
		archive_entry_linkresolver_free(links);
	if (tar)
		archive_write_free(tar);
	free(copy_buf);
	return status;
}
