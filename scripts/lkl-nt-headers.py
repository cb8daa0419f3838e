#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Rewrite the installed lkl_ headers for an LLP64 compiler (64-bit Windows).

Usage:
    lkl-nt-headers.py <in-include> <out-include>

<in-include> is what arch/lkl/scripts/lkl-headers.py wrote (lkl/...);
every header in it is written to the same path under <out-include>, and
headers that are no longer there are removed. A file is written only when
its contents change.

Why: the kernel is LP64, so its long is 64 bits, but a compiler for
64-bit Windows is LLP64, where long is 32 bits. The same header must mean
the same layout and the same calling convention on both sides, so every
long of the kernel's ABI becomes long long here:

- the type: "long" becomes "long long" and "unsigned long" becomes
  "unsigned long long" (a "long long" stays what it is);
- the literal suffixes L and UL become LL and ULL, and so does the UL
  that _UL() pastes on;
- __SIZEOF_LONG__, from which bitsperlong.h computes __BITS_PER_LONG,
  becomes __SIZEOF_LONG_LONG__.

Comments change too; that does no harm. The headers have no long double.

The kernel is the same lkl.o as on Linux, so it keeps the System V calling
convention, while Windows code uses the Microsoft one. In lkl/asm/host_ops.h,
the one header whose functions cross between the two, every function
pointer (the host operations and the callbacks they take) and every
function the kernel exports gets LKL_KERNEL_ABI, which that header
defines as __attribute__((sysv_abi)): the compiler then converts at each
call, and a host operation or callback without it does not build.
"""

import os
import re
import sys

LONG = re.compile(r'\blong(\s+long)?\b')
LITERAL = re.compile(r'\b(0[xX][0-9a-fA-F]+|[0-9]+)([uU]?)[lL]\b')
UL_TOKEN = re.compile(r'(?<![\w])UL(?![\w])')
SIZEOF_LONG = re.compile(r'\b__SIZEOF_LONG__\b')

HOST_OPS = os.path.join('lkl', 'asm', 'host_ops.h')
ABI = 'LKL_KERNEL_ABI'
ABI_DEFINE = f"""
/* The kernel's calling convention (System V), for Windows code. */
#define {ABI} __attribute__((sysv_abi))
"""
TYPES_INCLUDE = '#include <lkl/linux/types.h>\n'
PROTOTYPE = re.compile(r'^((?:int|void|long long)\s+)(lkl_\w+\()', re.M)


def kernel_abi(text):
    """Give the functions of host_ops.h the kernel's calling convention."""
    if TYPES_INCLUDE not in text:
        raise ValueError(f'no {TYPES_INCLUDE.strip()} to put {ABI} after')
    text = text.replace(TYPES_INCLUDE, TYPES_INCLUDE + ABI_DEFINE, 1)
    text = text.replace('(*', f'({ABI} *')
    return PROTOTYPE.sub(ABI + r' \1\2', text)


def rewrite(text):
    """Return @text with every LP64 long made 64 bits under LLP64."""
    if 'long double' in text:
        raise ValueError('long double has no LLP64 counterpart')
    text = LONG.sub('long long', text)
    text = LITERAL.sub(lambda m: m.group(1) + m.group(2) + 'LL', text)
    text = UL_TOKEN.sub('ULL', text)
    return SIZEOF_LONG.sub('__SIZEOF_LONG_LONG__', text)


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: lkl-nt-headers.py <in-include> <out-include>')
    src, dst = sys.argv[1:]
    wanted = set()
    for root, _, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith('.h'):
                continue
            rel = os.path.relpath(os.path.join(root, name), src)
            wanted.add(rel)
            with open(os.path.join(src, rel), encoding='utf-8') as f:
                try:
                    out = rewrite(f.read())
                    if rel == HOST_OPS:
                        out = kernel_abi(out)
                except ValueError as e:
                    sys.exit(f'lkl-nt-headers.py: {rel}: {e}')
            path = os.path.join(dst, rel)
            try:
                with open(path, encoding='utf-8') as f:
                    if f.read() == out:
                        continue
            except FileNotFoundError:
                os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path + '.tmp', 'w', encoding='utf-8') as f:
                f.write(out)
            os.replace(path + '.tmp', path)
    for root, _, files in os.walk(dst):
        for name in files:
            rel = os.path.relpath(os.path.join(root, name), dst)
            if rel.endswith('.h') and rel not in wanted:
                os.remove(os.path.join(dst, rel))


if __name__ == '__main__':
    main()
