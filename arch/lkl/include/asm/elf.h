/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_ELF_H
#define _ASM_LKL_ELF_H

/* LKL runs no ELF binaries; these only describe the host's machine. */
#define ELF_CLASS	ELFCLASS64
#define ELF_DATA	ELFDATA2LSB
#define ELF_ARCH	EM_NONE
#define ELF_EXEC_PAGESIZE	4096
#define ELF_PLATFORM	"lkl"
#define ELF_HWCAP	(0)

#define elf_check_arch(x)	((void)(x), 0)

#ifndef __ASSEMBLY__
#include <linux/types.h>

/* Core dumps are off, but elfcore.h still names these types. */
#define ELF_NGREG	1
typedef u64 elf_greg_t;
typedef u64 elf_gregset_t[ELF_NGREG];
typedef struct { u64 unused; } elf_fpregset_t;
#endif /* __ASSEMBLY__ */

#endif /* _ASM_LKL_ELF_H */
