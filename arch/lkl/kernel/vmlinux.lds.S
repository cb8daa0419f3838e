/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkl.o is a relocatable object (ld -r) that the host linker places
 * anywhere. Every symbol the kernel needs from this script is therefore
 * defined inside an output section, so that it stays section-relative and
 * moves with the code instead of becoming an absolute address.
 *
 * The __exit code of built-in drivers stays in lkl.o, as on x86, rather
 * than being discarded at link time: clang's coverage PC table (make
 * fuzz) has an entry for every instrumented function, __exit ones too,
 * and the link fails when such an entry points into a discarded section.
 */
#define LOAD_OFFSET 0
#define RUNTIME_DISCARD_EXIT

#include <asm/page.h>
#include <asm/cache.h>
#include <asm/thread_info.h>
#include <asm/vmlinux.lds.h>

jiffies = jiffies_64;

SECTIONS
{
	.text : {
		_text = .;
		_stext = .;
		TEXT_TEXT
		SCHED_TEXT
		LOCK_TEXT
		IRQENTRY_TEXT
		SOFTIRQENTRY_TEXT
		/* A section per function, as clang's coverage makes them. */
		*(.text.[0-9a-zA-Z_]*)
		_etext = .;
		/*
		 * The host links each of lkl.o's sections where it likes, so
		 * only offsets inside one section hold: kallsyms, which gives
		 * every symbol as an offset from _text, names init code right
		 * only here. LKL never frees it.
		 */
		_sinittext = .;
		INIT_TEXT
		_einittext = .;
	}

	RO_DATA(PAGE_SIZE)

	/*
	 * RW_DATA spelt out, so that _sdata and _edata are inside the one
	 * .data section that the host links in one piece: lockdep takes a
	 * lock in [_sdata, _edata) for a static one. -fPIC puts initialised
	 * data that holds pointers in .data.rel*, which is data too.
	 */
	. = ALIGN(PAGE_SIZE);
	.data : {
		_sdata = .;
		INIT_TASK_DATA(THREAD_SIZE)
		NOSAVE_DATA
		PAGE_ALIGNED_DATA(PAGE_SIZE)
		CACHELINE_ALIGNED_DATA(L1_CACHE_BYTES)
		READ_MOSTLY_DATA(L1_CACHE_BYTES)
		DATA_DATA
		CONSTRUCTORS
		*(.data.rel.local .data.rel)
		_edata = .;
	}
	BUG_TABLE

	EXCEPTION_TABLE(16)

	/*
	 * INIT_DATA_SECTION spelt out, with __init_begin and __init_end
	 * inside, for the same reason: lockdep takes a lock in them for a
	 * static one until the boot ends (rest_init()'s kthreadd_done is
	 * __initdata). The init code is in .text.
	 */
	.init.data : {
		__init_begin = .;
		INIT_DATA
		INIT_SETUP(16)
		INIT_CALLS
		CON_INITCALL
		INIT_RAM_FS
		__init_end = .;
	}

	.exit.text : {
		EXIT_TEXT
	}
	.exit.data : {
		EXIT_DATA
	}

	.bss : {
		__bss_start = .;
		*(.bss..page_aligned)
		*(.dynbss)
		*(.sbss .sbss.*)
		*(.bss .bss.*)
		*(COMMON)
		__bss_stop = .;
		_end = .;
	}

	/*
	 * Removed from lkl.o (arch/lkl/Makefile), but placed here: ld -r
	 * puts an orphan section at address 0 and lays out the sections
	 * after it from there, so that their symbols would fall among the
	 * text's in kallsyms.
	 */
	.eh_frame : {
		*(.eh_frame)
	}

	STABS_DEBUG
	DWARF_DEBUG
	ELF_DETAILS

	DISCARDS
}
