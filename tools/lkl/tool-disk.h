/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The disk image of cptofs, cpfromfs, fs2tar and lklfuse: open it on the host,
 * boot LKL, add it as a virtio-blk disk and mount it, then undo all of
 * that in reverse. Errors are reported on stderr as "PROG: IMAGE: ...".
 */
#ifndef _LKL_TOOL_DISK_H
#define _LKL_TOOL_DISK_H

#include <lkl.h>
#include <lkl_host.h>

struct tool_disk {
	/* Set by the caller before tool_disk_open(). */
	const char *prog;
	const char *image;
	int readonly;		/* open and mount read-only, no fsync */
	int quiet_remove;	/* do not report a failed lkl_disk_remove() */
	int no_part_msg;	/* a missing partition is just a failed mount */

	/* Filled in as the disk is set up. */
	struct lkl_disk disk;
	char mnt[64];		/* where the image is mounted inside LKL */
	unsigned long part;
	long id;
	int opened, started, added, mounted;
};

/* Open the image on the host. Returns 0, or -1 after an error message. */
int tool_disk_open(struct tool_disk *td);

/*
 * Boot LKL with "mem=@mem", add the image and mount partition @part (0:
 * the whole disk) as @fstype, with the mount options @opts (or NULL), at
 * td->mnt. Returns 0, or -1 after an error message; tool_disk_close()
 * undoes what was done either way.
 */
int tool_disk_mount(struct tool_disk *td, const char *mem, const char *fstype,
		    unsigned long part, const char *opts);

/*
 * Unmount, remove the disk, halt LKL, fsync (unless read-only) and close
 * the image, as far as they were done. Returns 0, or -1 if any step
 * failed (after an error message).
 */
int tool_disk_close(struct tool_disk *td);

#endif /* _LKL_TOOL_DISK_H */
