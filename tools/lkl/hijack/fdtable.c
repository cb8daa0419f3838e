// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: the table of LKL descriptors. Each LKL descriptor has
 * a host placeholder, a duplicate of /dev/null whose number the program
 * sees (close-on-exec, unless a kernel server keeps the LKL descriptor
 * across exec: hijack_server_fd_tag()); hijack_fd_map[] maps that number
 * to the LKL descriptor (plus one, so that 0 means none).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "hijack.h"

int hijack_fd_map[HIJACK_MAX_FDS];
static int hijack_null_fd = -1;

/**
 * hijack_fd_table_init() - open the /dev/null that placeholders duplicate
 *
 * Called once, before LKL boots. Exits if /dev/null cannot be opened.
 */
void hijack_fd_table_init(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror("lkl-hijack: /dev/null");
		exit(1);
	}
	/*
	 * Out of the way of the low numbers a program picks itself: a
	 * shell's "exec 3<>/dev/tcp/..." would otherwise put a placeholder
	 * where this descriptor is.
	 */
	hijack_null_fd = hijack_host.fcntl(fd, F_DUPFD_CLOEXEC, 100);
	if (hijack_null_fd < 0)
		hijack_null_fd = fd;
	else
		hijack_host.close(fd);
}

/**
 * hijack_fd_install() - give an LKL descriptor a host number
 * @lkl_fd: the LKL descriptor, or a negative LKL errno
 * @min: the lowest host number to use, as for F_DUPFD
 *
 * Reserves the lowest free host number from @min with a close-on-exec duplicate of
 * /dev/null and maps it to @lkl_fd (under a kernel server, the placeholder
 * then has the LKL descriptor's close-on-exec flag). On failure @lkl_fd is closed.
 *
 * Return: the host number, or -1 with errno set (also when @lkl_fd is an
 * error).
 */
int hijack_fd_install(long lkl_fd, int min)
{
	int fd;

	if (lkl_fd < 0)
		return hijack_ret(lkl_fd);
	fd = hijack_host.fcntl(hijack_null_fd, F_DUPFD_CLOEXEC, min);
	if (fd < 0 || fd >= HIJACK_MAX_FDS) {
		if (fd >= 0)
			hijack_host.close(fd);
		lkl_sys_close(lkl_fd);
		errno = EMFILE;
		return -1;
	}
	__atomic_store_n(&hijack_fd_map[fd], (int)lkl_fd + 1, __ATOMIC_RELEASE);
	hijack_server_fd_tag(fd, (int)lkl_fd);
	errno = hijack_errno;
	return fd;
}

/**
 * hijack_fd_install_at() - map a chosen host number to an LKL descriptor
 * @lkl_fd: the LKL descriptor
 * @fd: the host number, for dup2() and dup3(); whatever it was is closed
 *
 * Return: @fd, or -1 with errno set (@lkl_fd is then closed).
 */
int hijack_fd_install_at(long lkl_fd, int fd)
{
	int old;

	if (fd < 0 || fd >= HIJACK_MAX_FDS) {
		lkl_sys_close(lkl_fd);
		errno = EBADF;
		return -1;
	}
	if (hijack_host.dup3(hijack_null_fd, fd, O_CLOEXEC) < 0) {
		lkl_sys_close(lkl_fd);
		return -1;
	}
	hijack_epoll_forget(fd);
	old = __atomic_exchange_n(&hijack_fd_map[fd], (int)lkl_fd + 1,
				  __ATOMIC_ACQ_REL);
	if (old > 0)
		lkl_sys_close(old - 1);
	hijack_server_fd_tag(fd, (int)lkl_fd);
	return fd;
}

/**
 * hijack_fd_release() - forget the LKL descriptor behind a host number
 * @fd: the host number
 *
 * The placeholder itself stays open: the caller closes or reuses it.
 *
 * Return: the LKL descriptor that was mapped, or -1 if there was none.
 */
int hijack_fd_release(int fd)
{
	if (fd < 0 || fd >= HIJACK_MAX_FDS)
		return -1;
	return __atomic_exchange_n(&hijack_fd_map[fd], 0, __ATOMIC_ACQ_REL) - 1;
}

/**
 * hijack_fd_table_orphan() - mark every placeholder as inherited
 *
 * Called in a forked child whose LKL descriptors belong to the parent's
 * kernel: each placeholder stays open and fails with EBADF until the
 * program closes it or reuses its number.
 */
void hijack_fd_table_orphan(void)
{
	int fd;

	for (fd = 0; fd < HIJACK_MAX_FDS; fd++)
		if (hijack_fd_map[fd])
			hijack_fd_map[fd] = HIJACK_FD_ORPHAN;
}
