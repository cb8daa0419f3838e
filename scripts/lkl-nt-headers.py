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
"""

import os
import re
import sys

LONG = re.compile(r'\blong(\s+long)?\b')
LITERAL = re.compile(r'\b(0[xX][0-9a-fA-F]+|[0-9]+)([uU]?)[lL]\b')
UL_TOKEN = re.compile(r'(?<![\w])UL(?![\w])')
SIZEOF_LONG = re.compile(r'\b__SIZEOF_LONG__\b')


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
