/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_XOR_H
#define _ASM_LKL_XOR_H

#include <asm-generic/xor.h>

/*
 * There is one plain C implementation to choose from: pick it rather than
 * benchmark the templates at boot, which costs btrfs users boot time.
 */
#define XOR_SELECT_TEMPLATE(FASTEST)	((void)(FASTEST), &xor_block_8regs)

#endif /* _ASM_LKL_XOR_H */
