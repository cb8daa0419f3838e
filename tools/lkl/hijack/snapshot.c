// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: a copy of the library's writable data, taken before
 * LKL boots and put back in a forked child.
 *
 * A forked child has a copy of the parent's booted kernel but none of its
 * threads, and a kernel's static data cannot boot twice. All of that state
 * lives in the library's writable segments: the kernel's .data and .bss,
 * the host library's (timers, mappings, signal pipe) and the hijack's own.
 * Its dynamic memory is reached only from there. Putting those segments
 * back as they were before the boot gives the child a library that has
 * never booted; what the parent's kernel allocated stays behind as an
 * unused copy-on-write copy. Host resources made before the snapshot
 * (the looked-up C library calls) stay valid; those made after it (the
 * kernel's pthread keys, the parent's descriptors) are forgotten, not
 * reused.
 */
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "hijack.h"

#define HIJACK_SNAP_SEGS	4
#define HIJACK_SNAP_CHUNK	4096

struct hijack_snap_seg {
	char *addr;
	size_t len;
	char *copy;
};

/* The writable segments of this library, and their copies. */
struct hijack_snap {
	int n;
	struct hijack_snap_seg seg[HIJACK_SNAP_SEGS];
};

static struct hijack_snap hijack_snap;

/* A segment of the object that holds @data->seg[0].addr, if any. */
static int hijack_snap_find(struct dl_phdr_info *info, size_t size,
			    void *data)
{
	struct hijack_snap *s = data;
	char *self = s->seg[0].addr;
	uintptr_t relro_end = 0;
	int i, mine = 0;

	(void)size;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const __typeof__(info->dlpi_phdr[0]) *ph = &info->dlpi_phdr[i];
		char *start = (char *)(info->dlpi_addr + ph->p_vaddr);

		if (ph->p_type == PT_LOAD && self >= start &&
		    self < start + ph->p_memsz)
			mine = 1;
		if (ph->p_type == PT_GNU_RELRO)
			relro_end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	if (!mine)
		return 0;

	s->n = 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const __typeof__(info->dlpi_phdr[0]) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		uintptr_t end = start + ph->p_memsz;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		/* The RELRO part is read-only once relocated: skip it. */
		if (relro_end > start && relro_end <= end)
			start = relro_end;
		if (start >= end)
			continue;
		if (s->n == HIJACK_SNAP_SEGS)
			return -1;
		s->seg[s->n].addr = (char *)start;
		s->seg[s->n].len = end - start;
		s->n++;
	}
	return 1;
}

/**
 * hijack_snapshot_take() - copy the library's writable data
 *
 * Called once, before LKL boots, from the setup thread.
 *
 * Return: 0, or -1 if the segments cannot be found or copied (a forked
 * child then has no LKL).
 */
int hijack_snapshot_take(void)
{
	struct hijack_snap s = { 0 };
	int i;

	s.seg[0].addr = (char *)&hijack_snap;
	if (dl_iterate_phdr(hijack_snap_find, &s) != 1 || !s.n)
		return -1;
	for (i = 0; i < s.n; i++) {
		s.seg[i].copy = malloc(s.seg[i].len);
		if (!s.seg[i].copy) {
			while (i--)
				free(s.seg[i].copy);
			return -1;
		}
	}
	/* The copies hold hijack_snap empty: restore keeps the live one. */
	for (i = 0; i < s.n; i++)
		memcpy(s.seg[i].copy, s.seg[i].addr, s.seg[i].len);
	hijack_snap = s;
	return 0;
}

/* Copy back the parts of @seg that differ, so that the rest stays shared. */
static void hijack_snap_put_back(const struct hijack_snap_seg *seg)
{
	size_t off, n;

	for (off = 0; off < seg->len; off += n) {
		n = seg->len - off;
		if (n > HIJACK_SNAP_CHUNK)
			n = HIJACK_SNAP_CHUNK;
		if (memcmp(seg->addr + off, seg->copy + off, n))
			memcpy(seg->addr + off, seg->copy + off, n);
	}
}

/**
 * hijack_snapshot_restore() - put the library's writable data back
 * @keep: objects in that data whose current value is kept
 * @n: how many
 *
 * Only for a forked child, before it has more than one thread: every
 * variable of the library, the kernel's included, takes the value it had
 * when hijack_snapshot_take() ran, except the objects in @keep.
 *
 * Return: 0, or -1 (nothing changed) if there is no snapshot or no memory.
 */
int hijack_snapshot_restore(const struct hijack_keep *keep, int n)
{
	struct hijack_snap s = hijack_snap;
	void *saved[HIJACK_KEEP_MAX];
	int i;

	if (!s.n || n > HIJACK_KEEP_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		saved[i] = malloc(keep[i].len);
		if (!saved[i]) {
			while (i--)
				free(saved[i]);
			return -1;
		}
		memcpy(saved[i], keep[i].addr, keep[i].len);
	}
	for (i = 0; i < s.n; i++)
		hijack_snap_put_back(&s.seg[i]);
	hijack_snap = s;
	for (i = 0; i < n; i++) {
		struct hijack_snap_seg kept = {
			.addr = keep[i].addr,
			.len = keep[i].len,
			.copy = saved[i],
		};

		hijack_snap_put_back(&kept);
		free(saved[i]);
	}
	return 0;
}
