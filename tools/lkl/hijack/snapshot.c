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
 * unused copy-on-write copy. Host resources made before the snapshot (the
 * looked-up C library calls) stay valid; those made after it (the
 * kernel's pthread keys, the parent's descriptors) are forgotten, not
 * reused.
 *
 * The copy is kept page by page, without the pages that were all zero
 * (most of .bss). Putting it back touches as little as it can, since
 * every page a child touches is a fault and often a copy: it writes only
 * the bytes that differ, and drops zero pages of the anonymous part (past
 * the file's data) with MADV_DONTNEED instead of reading them.
 */
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hijack.h"

#define HIJACK_SNAP_SEGS	4

/*
 * One writable segment: the bytes [@start, @end), in pages counted from
 * @start rounded down to a page. Pages from @anon on are anonymous
 * memory, not the file's.
 */
struct hijack_snap_seg {
	char *start;
	char *end;
	char *anon;
	size_t npages;
	char **page;		/* each page's copy, or NULL if it was zero */
};

/* The writable segments of this library, and their copies. */
struct hijack_snap {
	int n;
	size_t pgsz;
	char *buf;		/* the copies of the pages that were not zero */
	struct hijack_snap_seg seg[HIJACK_SNAP_SEGS];
};

static struct hijack_snap hijack_snap;

/* A segment of the object that holds @data->seg[0].start, if any. */
static int hijack_snap_find(struct dl_phdr_info *info, size_t size,
			    void *data)
{
	struct hijack_snap *s = data;
	char *self = s->seg[0].start;
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
		uintptr_t anon = start + ph->p_filesz;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		/* The RELRO part is read-only once relocated: skip it. */
		if (relro_end > start && relro_end <= end)
			start = relro_end;
		if (start >= end)
			continue;
		if (s->n == HIJACK_SNAP_SEGS)
			return -1;
		anon = (anon + s->pgsz - 1) & ~(s->pgsz - 1);
		s->seg[s->n].start = (char *)start;
		s->seg[s->n].end = (char *)end;
		s->seg[s->n].anon = (char *)anon;
		s->n++;
	}
	return 1;
}

/*
 * The segments are read and written as raw memory, padding included.
 * Built with AddressSanitizer, the padding holds the red zones around
 * each global variable, which ASan would report as overflows: the two
 * functions that touch the segments are not instrumented, and they use
 * no mem*() call of the C library, which ASan intercepts and checks. The
 * red zones' shadow is not changed, so the rest of the library stays
 * checked. They work a word at a time where both sides are aligned.
 */
#define HIJACK_SNAP_RAW __attribute__((no_sanitize_address))

typedef unsigned long __attribute__((may_alias)) hijack_snap_word;
#define HIJACK_SNAP_WORD sizeof(hijack_snap_word)

static int hijack_snap_aligned(const char *a, const char *b)
{
	return !((uintptr_t)a % HIJACK_SNAP_WORD) &&
	       !((uintptr_t)b % HIJACK_SNAP_WORD);
}

static HIJACK_SNAP_RAW int hijack_snap_is_zero(const char *p, size_t len)
{
	for (; len && !hijack_snap_aligned(p, p); p++, len--)
		if (*p)
			return 0;
	for (; len >= HIJACK_SNAP_WORD; p += HIJACK_SNAP_WORD, len -= HIJACK_SNAP_WORD)
		if (*(const hijack_snap_word *)p)
			return 0;
	for (; len; p++, len--)
		if (*p)
			return 0;
	return 1;
}

/*
 * Give [@dst, @dst + @len) the bytes at @src, or zeroes if @src is NULL,
 * writing only what differs: a page that already holds them is not
 * copied on write.
 */
static HIJACK_SNAP_RAW void hijack_snap_set(char *dst, const char *src,
					    size_t len)
{
	static const hijack_snap_word zero;
	size_t step;

	while (len) {
		if (len >= HIJACK_SNAP_WORD && hijack_snap_aligned(dst, src ? src : dst)) {
			const hijack_snap_word *w = src ? (const void *)src : &zero;

			if (*(hijack_snap_word *)dst != *w)
				*(hijack_snap_word *)dst = *w;
			step = HIJACK_SNAP_WORD;
		} else {
			char c = src ? *src : 0;

			if (*dst != c)
				*dst = c;
			step = 1;
		}
		dst += step;
		len -= step;
		if (src)
			src += step;
	}
}

/* The bytes of page @i of @seg: [*lo, *hi), from the page at *pb. */
static void hijack_snap_bounds(const struct hijack_snap *s,
			       const struct hijack_snap_seg *seg, size_t i,
			       char **pb, char **lo, char **hi)
{
	uintptr_t base = (uintptr_t)seg->start & ~(s->pgsz - 1);

	*pb = (char *)(base + i * s->pgsz);
	*lo = *pb < seg->start ? seg->start : *pb;
	*hi = *pb + s->pgsz > seg->end ? seg->end : *pb + s->pgsz;
}

static void hijack_snap_free(struct hijack_snap *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		free(s->seg[i].page);
	free(s->buf);
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
	size_t i, used = 0, nonzero = 0;
	char *pb, *lo, *hi;
	int j;

	s.pgsz = sysconf(_SC_PAGESIZE);
	s.seg[0].start = (char *)&hijack_snap;
	if (dl_iterate_phdr(hijack_snap_find, &s) != 1 || !s.n)
		return -1;
	for (j = 0; j < s.n; j++) {
		struct hijack_snap_seg *seg = &s.seg[j];

		hijack_snap_bounds(&s, seg, 0, &pb, &lo, &hi);
		seg->npages = (seg->end - pb + s.pgsz - 1) / s.pgsz;
		seg->page = calloc(seg->npages, sizeof(*seg->page));
		if (!seg->page)
			goto fail;
		for (i = 0; i < seg->npages; i++) {
			hijack_snap_bounds(&s, seg, i, &pb, &lo, &hi);
			nonzero += !hijack_snap_is_zero(lo, hi - lo);
		}
	}
	s.buf = malloc(nonzero * s.pgsz + 1);
	if (!s.buf)
		goto fail;
	/* The copies hold hijack_snap empty: restore keeps the live one. */
	for (j = 0; j < s.n; j++) {
		struct hijack_snap_seg *seg = &s.seg[j];

		for (i = 0; i < seg->npages; i++) {
			hijack_snap_bounds(&s, seg, i, &pb, &lo, &hi);
			if (hijack_snap_is_zero(lo, hi - lo))
				continue;
			seg->page[i] = s.buf + used++ * s.pgsz;
			hijack_snap_set(seg->page[i] + (lo - pb), lo, hi - lo);
		}
	}
	hijack_snap = s;
	return 0;

fail:
	hijack_snap_free(&s);
	return -1;
}

/*
 * Give [@a, @b) the value @want (NULL: zero), writing only if it differs,
 * and leaving the bytes of @keep alone.
 */
static void hijack_snap_fix(char *a, char *b, const char *want,
			    const struct hijack_keep *keep, int n)
{
	int i;

	for (i = 0; i < n && a < b; i++) {
		char *ks = keep[i].addr, *ke = ks + keep[i].len;

		if (ks >= b || ke <= a)
			continue;
		if (ks > a)
			hijack_snap_fix(a, ks, want, keep + i + 1, n - i - 1);
		if (want)
			want += ke - a;
		a = ke;
	}
	if (a >= b)
		return;
	hijack_snap_set(a, want, b - a);
}

static int hijack_snap_in_keep(const char *a, const char *b,
			       const struct hijack_keep *keep, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if ((char *)keep[i].addr < b &&
		    (char *)keep[i].addr + keep[i].len > a)
			return 1;
	return 0;
}

/*
 * Put @seg back. Whole anonymous pages that were zero are dropped in runs
 * with MADV_DONTNEED (they read as zero again); the others are fixed.
 */
static void hijack_snap_put_back(const struct hijack_snap *s,
				 const struct hijack_snap_seg *seg,
				 const struct hijack_keep *keep, int n)
{
	char *pb, *lo, *hi, *run = NULL, *run_end = NULL;
	size_t i;

	for (i = 0; i <= seg->npages; i++) {
		int drop = 0;

		if (i < seg->npages) {
			hijack_snap_bounds(s, seg, i, &pb, &lo, &hi);
			drop = !seg->page[i] && pb >= seg->anon && lo == pb &&
			       hi == pb + s->pgsz &&
			       !hijack_snap_in_keep(lo, hi, keep, n);
		}
		if (drop) {
			if (!run)
				run = pb;
			run_end = hi;
			continue;
		}
		if (run && madvise(run, run_end - run, MADV_DONTNEED))
			hijack_snap_fix(run, run_end, NULL, keep, n);
		run = NULL;
		if (i < seg->npages)
			hijack_snap_fix(lo, hi,
					seg->page[i] ? seg->page[i] + (lo - pb) : NULL,
					keep, n);
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
 * Return: 0, or -1 (nothing changed) if there is no snapshot.
 */
int hijack_snapshot_restore(const struct hijack_keep *keep, int n)
{
	struct hijack_snap s = hijack_snap;
	int i;

	if (!s.n)
		return -1;
	for (i = 0; i < s.n; i++)
		hijack_snap_put_back(&s, &s.seg[i], keep, n);
	hijack_snap = s;
	return 0;
}
