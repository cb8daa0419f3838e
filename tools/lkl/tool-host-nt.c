// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of the tools on Windows (tool-host.h).
 *
 * Paths are Windows paths in the ANSI code page, with '\' or '/' as the
 * separator: C:\data, Z:/tmp/tree under wine. The image is a HANDLE from
 * CreateFileA(), which the NT host's disk reads at offsets (lib/nt/disk.c);
 * the files copied are the C runtime's descriptors, in binary mode.
 * Windows has no owners, device nodes or (for a program without the
 * privilege) symbolic links to give a copied file: chown, mknod and
 * symlink fail with EPERM, and host_lstat() reports directories and
 * regular files only, owned by root, with mode 0755 or 0644 (0444 when
 * read-only).
 */
#define WIN32_LEAN_AND_MEAN
#include <errno.h>
#include <fcntl.h>
#include <direct.h>
#include <io.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <windows.h>

#include "tool-host.h"

/* 100 ns ticks from 1601-01-01, the FILETIME epoch, to 1970-01-01. */
#define NT_EPOCH_DIFF	116444736000000000ULL

struct host_dir {
	HANDLE find;
	WIN32_FIND_DATAA data;
	int first;
};

/* errno for the last Win32 error; returns -1 for the caller to return. */
static int nt_fail(void)
{
	switch (GetLastError()) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
	case ERROR_BAD_NETPATH:
		errno = ENOENT;
		break;
	case ERROR_ACCESS_DENIED:
	case ERROR_WRITE_PROTECT:
		errno = EACCES;
		break;
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
		errno = EBUSY;
		break;
	case ERROR_INVALID_NAME:
	case ERROR_BAD_PATHNAME:
		errno = EINVAL;
		break;
	case ERROR_FILENAME_EXCED_RANGE:
		errno = ENAMETOOLONG;
		break;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		errno = ENOMEM;
		break;
	case ERROR_DISK_FULL:
	case ERROR_HANDLE_DISK_FULL:
		errno = ENOSPC;
		break;
	default:
		errno = EIO;
		break;
	}
	return -1;
}

/* What Windows cannot do for the tools; msvcrt has no words for ENOTSUP. */
static int nt_unsupported(void)
{
	errno = EPERM;
	return -1;
}

/*
 * Windows refuses to write a read-only file, even to an administrator;
 * wine, run by root, maps the attribute from the file's mode but lets
 * root write anyway. The attribute is checked here, so that both refuse.
 */
int host_image_open(struct lkl_disk *disk, const char *path, int readonly)
{
	DWORD attr;
	HANDLE h;

	disk->readonly = readonly;
	disk->handle = NULL;
	attr = GetFileAttributesA(path);
	if (!readonly && attr != INVALID_FILE_ATTRIBUTES &&
	    (attr & FILE_ATTRIBUTE_READONLY)) {
		errno = EACCES;
		return -1;
	}
	h = CreateFileA(path, GENERIC_READ | (readonly ? 0 : GENERIC_WRITE),
			FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return nt_fail();
	disk->handle = h;
	return 0;
}

int host_image_sync(struct lkl_disk *disk)
{
	return FlushFileBuffers((HANDLE)disk->handle) ? 0 : nt_fail();
}

void host_image_close(struct lkl_disk *disk)
{
	if (disk->handle)
		CloseHandle((HANDLE)disk->handle);
	disk->handle = NULL;
}

int host_is_sep(char c)
{
	return c == '/' || c == '\\';
}

const char *host_prog_name(const char *argv0)
{
	static char name[64];
	const char *start = argv0, *p;
	size_t len;

	for (p = argv0; *p; p++)
		if (host_is_sep(*p) || *p == ':')
			start = p + 1;
	len = strlen(start);
	if (len > 4 && !_stricmp(start + len - 4, ".exe"))
		len -= 4;
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, start, len);
	name[len] = '\0';
	return name;
}

int host_can_chown(void)
{
	return 0;
}

int host_user_id(const char *name, unsigned int *uid)
{
	(void)name;
	(void)uid;
	return nt_unsupported();
}

int host_group_id(const char *name, unsigned int *gid)
{
	(void)name;
	(void)gid;
	return nt_unsupported();
}

static void nt_time(const FILETIME *ft, int64_t *sec, long *nsec)
{
	uint64_t t = (uint64_t)ft->dwHighDateTime << 32 | ft->dwLowDateTime;

	t -= NT_EPOCH_DIFF;
	*sec = (int64_t)(t / 10000000);
	*nsec = (long)(t % 10000000) * 100;
}

int host_lstat(const char *path, struct host_stat *st)
{
	WIN32_FILE_ATTRIBUTE_DATA data;

	if (!GetFileAttributesExA(path, GetFileExInfoStandard, &data))
		return nt_fail();
	memset(st, 0, sizeof(*st));
	if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
		st->mode = LKL_S_IFDIR | 0755;
	else if (data.dwFileAttributes & FILE_ATTRIBUTE_READONLY)
		st->mode = LKL_S_IFREG | 0444;
	else
		st->mode = LKL_S_IFREG | 0644;
	st->size = (uint64_t)data.nFileSizeHigh << 32 | data.nFileSizeLow;
	nt_time(&data.ftLastAccessTime, &st->atime, &st->atime_nsec);
	nt_time(&data.ftLastWriteTime, &st->mtime, &st->mtime_nsec);
	return 0;
}

int host_stat_is_dir(const char *path)
{
	DWORD attr = GetFileAttributesA(path);

	return attr != INVALID_FILE_ATTRIBUTES &&
	       (attr & FILE_ATTRIBUTE_DIRECTORY);
}

int host_open_read(const char *path)
{
	return _open(path, _O_RDONLY | _O_BINARY);
}

int host_create(const char *path)
{
	return _open(path, _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY,
		     _S_IREAD | _S_IWRITE);
}

/* Only the copy's one thread uses @fd, so a seek and a read will do. */
ssize_t host_pread(int fd, void *buf, size_t len, int64_t off)
{
	if (_lseeki64(fd, off, SEEK_SET) < 0)
		return -1;
	return _read(fd, buf, len < INT_MAX ? (unsigned int)len : INT_MAX);
}

ssize_t host_write(int fd, const void *buf, size_t len)
{
	return _write(fd, buf, len < INT_MAX ? (unsigned int)len : INT_MAX);
}

int64_t host_seek(int fd, int64_t off, enum host_whence whence)
{
	if (whence != HOST_SEEK_SET) {
		errno = EINVAL;		/* no holes: copy everything */
		return -1;
	}
	return _lseeki64(fd, off, SEEK_SET);
}

int host_truncate(int fd, int64_t size)
{
	errno_t err = _chsize_s(fd, size);

	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int host_close(int fd)
{
	return _close(fd);
}

struct host_dir *host_opendir(const char *path)
{
	struct host_dir *dir;
	char *pattern;

	if (asprintf(&pattern, "%s\\*", path) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	dir = malloc(sizeof(*dir));
	if (!dir) {
		free(pattern);
		errno = ENOMEM;
		return NULL;
	}
	dir->find = FindFirstFileA(pattern, &dir->data);
	free(pattern);
	if (dir->find == INVALID_HANDLE_VALUE) {
		nt_fail();
		free(dir);
		return NULL;
	}
	dir->first = 1;
	return dir;
}

const char *host_readdir(struct host_dir *dir)
{
	errno = 0;
	if (dir->first) {
		dir->first = 0;
		return dir->data.cFileName;
	}
	if (FindNextFileA(dir->find, &dir->data))
		return dir->data.cFileName;
	if (GetLastError() != ERROR_NO_MORE_FILES)
		nt_fail();
	return NULL;
}

void host_closedir(struct host_dir *dir)
{
	FindClose(dir->find);
	free(dir);
}

ssize_t host_readlink(const char *path, char *buf, size_t len)
{
	(void)path;
	(void)buf;
	(void)len;
	return nt_unsupported();
}

int host_mkdir(const char *path)
{
	return _mkdir(path);
}

int host_unlink(const char *path)
{
	return _unlink(path);
}

int host_symlink(const char *target, const char *path)
{
	(void)target;
	(void)path;
	return nt_unsupported();
}

int host_mknod(const char *path, unsigned int mode, uint64_t rdev)
{
	(void)path;
	(void)mode;
	(void)rdev;
	return nt_unsupported();
}

int host_chown(const char *path, unsigned int uid, unsigned int gid)
{
	(void)path;
	(void)uid;
	(void)gid;
	return nt_unsupported();
}

/* Only the owner's write bit means something: the read-only attribute. */
int host_chmod(const char *path, unsigned int mode)
{
	return _chmod(path, mode & 0200 ? _S_IREAD | _S_IWRITE : _S_IREAD);
}

static FILETIME nt_filetime(int64_t sec, long nsec)
{
	uint64_t t = (uint64_t)sec * 10000000 + nsec / 100 + NT_EPOCH_DIFF;
	FILETIME ft = {
		.dwLowDateTime = (DWORD)t,
		.dwHighDateTime = (DWORD)(t >> 32),
	};

	return ft;
}

int host_utimes(const char *path, const struct host_stat *st)
{
	FILETIME atime = nt_filetime(st->atime, st->atime_nsec);
	FILETIME mtime = nt_filetime(st->mtime, st->mtime_nsec);
	HANDLE h;
	BOOL ok;

	/* Backup semantics: a directory opens too. */
	h = CreateFileA(path, FILE_WRITE_ATTRIBUTES,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return nt_fail();
	ok = SetFileTime(h, NULL, &atime, &mtime);
	CloseHandle(h);
	return ok ? 0 : nt_fail();
}
