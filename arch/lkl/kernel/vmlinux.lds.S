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

	/*
	 * RO_DATA spelt out, with __start_rodata and __end_rodata inside one
	 * section, for the same reason as .data below: lockdep takes a lock
	 * whose key is in them for a static one, and built-in modules'
	 * version attributes (__modver) have their keys there. The macros
	 * that make sections of their own follow it.
	 */
	. = ALIGN(PAGE_SIZE);
	.rodata : {
		__start_rodata = .;
		*(.rodata) *(.rodata.*) *(.data.rel.ro*)
		SCHED_DATA
		RO_AFTER_INIT_DATA
		. = ALIGN(8);
		BOUNDED_SECTION_BY(__tracepoints_ptrs, ___tracepoints_ptrs)
		*(__tracepoints_strings)
		*(.rodata1)
		BOUNDED_SECTION_PRE_LABEL(.pci_fixup_early, _pci_fixups_early, __start, __end)
		BOUNDED_SECTION_PRE_LABEL(.pci_fixup_header, _pci_fixups_header, __start, __end)
		BOUNDED_SECTION_PRE_LABEL(.pci_fixup_final, _pci_fixups_final, __start, __end)
		BOUNDED_SECTION_PRE_LABEL(.pci_fixup_enable, _pci_fixups_enable, __start, __end)
		BOUNDED_SECTION_PRE_LABEL(.pci_fixup_resume, _pci_fixups_resume, __start, __end)
		BOUNDED_SECTION_PRE_LABEL(.pci_fixup_suspend, _pci_fixups_suspend, __start, __end)
		BOUNDED_SECTION_PRE_LABEL(.pci_fixup_resume_early,
					  _pci_fixups_resume_early, __start, __end)
		BOUNDED_SECTION_PRE_LABEL(.pci_fixup_suspend_late,
					  _pci_fixups_suspend_late, __start, __end)
		__start___ksymtab = .;
		KEEP(*(SORT(___ksymtab+*)))
		__stop___ksymtab = .;
		__start___ksymtab_gpl = .;
		KEEP(*(SORT(___ksymtab_gpl+*)))
		__stop___ksymtab_gpl = .;
		__start___kcrctab = .;
		KEEP(*(SORT(___kcrctab+*)))
		__stop___kcrctab = .;
		__start___kcrctab_gpl = .;
		KEEP(*(SORT(___kcrctab_gpl+*)))
		__stop___kcrctab_gpl = .;
		*(__ksymtab_strings)
		*(.ref.rodata)
		. = ALIGN(8);
		BOUNDED_SECTION_BY(__param, ___param)
		BOUNDED_SECTION_BY(__modver, ___modver)
		. = ALIGN(8);
		__end_rodata = .;
	}
	FW_LOADER_BUILT_IN_DATA
	TRACEDATA
	PRINTK_INDEX
	KCFI_TRAPS
	NOTES
	BTF

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
