// SPDX-License-Identifier: GPL-2.0
/*
 * The disk image of cptofs, cpfromfs, fs2tar and lklfuse: see tool-disk.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tool-disk.h"
#include "tool-host.h"

int tool_disk_open(struct tool_disk *td)
{
	/* Writing needs a writable image: fail before anything is touched. */
	if (host_image_open(&td->disk, td->image, td->readonly)) {
		fprintf(stderr, "%s: %s: cannot open%s: %s\n", td->prog,
			td->image, td->readonly ? "" : " for writing",
			strerror(errno));
		return -1;
	}
	td->opened = 1;
	return 0;
}

int tool_disk_mount(struct tool_disk *td, const char *mem, const char *fstype,
		    unsigned long part, const char *opts)
{
	char cmdline[64];
	long ret;

	snprintf(cmdline, sizeof(cmdline), "mem=%s loglevel=3", mem);
	ret = lkl_start_kernel(&lkl_host_ops, cmdline);
	if (ret < 0) {
		fprintf(stderr, "%s: cannot start LKL (%s): %s\n", td->prog,
			cmdline, lkl_strerror((int)ret));
		return -1;
	}
	td->started = 1;
	/*
	 * The tool is the kernel's only user: start writeback early and let
	 * the copy dirty most of the pool, instead of throttling the writer
	 * at 20% in pauses of whole jiffies (10 ms at HZ=100). Only speed
	 * depends on it, so a failure is not an error.
	 */
	lkl_sysctl_set("vm.dirty_background_ratio", "5");
	lkl_sysctl_set("vm.dirty_ratio", "60");

	td->id = lkl_disk_add(&td->disk);
	if (td->id == -LKL_EBUSY) {
		fprintf(stderr, "%s: %s: image in use: another program %s it\n",
			td->prog, td->image,
			td->readonly ? "writes" : "reads or writes");
		return -1;
	}
	if (td->id < 0) {
		fprintf(stderr, "%s: %s: cannot add the disk: %s\n", td->prog,
			td->image, lkl_strerror((int)td->id));
		return -1;
	}
	td->added = 1;

	ret = lkl_mount_dev(td->id, part, fstype,
			    td->readonly ? LKL_MS_RDONLY : 0, opts, td->mnt,
			    sizeof(td->mnt));
	if (ret == -LKL_ENOENT && part && !td->no_part_msg) {
		fprintf(stderr, "%s: %s: no partition %lu\n", td->prog,
			td->image, part);
		return -1;
	}
	if (ret < 0) {
		fprintf(stderr, "%s: %s: cannot mount as %s: %s\n", td->prog,
			td->image, fstype, lkl_strerror((int)ret));
		return -1;
	}
	td->part = part;
	td->mounted = 1;
	return 0;
}

int tool_disk_close(struct tool_disk *td)
{
	int status = 0;
	long ret;

	/* Unmount even after an error, so the file system stays clean. */
	if (td->mounted) {
		lkl_sys_sync();
		ret = lkl_umount_dev(td->id, td->part, 0, 5000);
		if (ret < 0) {
			fprintf(stderr, "%s: %s: unmount: %s\n", td->prog,
				td->image, lkl_strerror((int)ret));
			status = -1;
		}
		td->mounted = 0;
	}
	if (td->added) {
		ret = lkl_disk_remove(&td->disk);
		if (ret < 0 && !td->quiet_remove) {
			fprintf(stderr, "%s: %s: remove disk: %s\n", td->prog,
				td->image, lkl_strerror((int)ret));
			status = -1;
		}
		td->added = 0;
	}
	if (td->started) {
		lkl_sys_halt();
		td->started = 0;
	}
	if (td->opened) {
		if (!td->readonly && host_image_sync(&td->disk)) {
			fprintf(stderr, "%s: %s: fsync: %s\n", td->prog,
				td->image, strerror(errno));
			status = -1;
		}
		host_image_close(&td->disk);
		td->opened = 0;
	}
	return status;
}
