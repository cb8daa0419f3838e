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
	}

	RO_DATA(PAGE_SIZE)

	.lkl.sdata : {
		_sdata = .;
	}
	RW_DATA(L1_CACHE_BYTES, PAGE_SIZE, THREAD_SIZE)
	.lkl.edata : {
		_edata = .;
	}

	EXCEPTION_TABLE(16)

	.lkl.init.begin : {
		__init_begin = .;
	}
	INIT_TEXT_SECTION(PAGE_SIZE)
	INIT_DATA_SECTION(16)
	.lkl.init.end : {
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

	STABS_DEBUG
	DWARF_DEBUG
	ELF_DETAILS

	DISCARDS
}
