#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# ktap-flatten.py LOG [PREFIX]
# Read the kernel log of a KUnit boot and print one top-level KTAP result
# per KUnit test case, named PREFIX.SUITE.CASE ("kunit" by default), for
# scripts/lkl-run-tests.sh, which counts only top-level results:
#
#   ok 17 kunit.list-kunit-test.list_test_list_init
#   ok 18 kunit.foo.bar # SKIP the reason KUnit gave
#
# KUnit nests its KTAP: suites at the top, their cases indented four
# spaces, the parameters of a parameterised case eight. A case's own line
# sums up its parameters, so they are not repeated. A suite that reports
# no case (its init failed) becomes one result of its own; a suite that
# never reports (the kernel stopped in it) becomes a failure.
# Exit status: 0 when nothing failed, 1 otherwise, 2 on bad usage.

import re
import sys

RESULT = re.compile(r'^( *)(ok|not ok) [0-9]+ (?:- )?(.*?)'
                    r'(?: +# *(SKIP|skip)\b *(.*))?$')
SUBTEST = re.compile(r'^( *)# Subtest: (.*)$')


def flatten(lines, prefix):
    """Yield (status, name, reason) per case; status is ok or not ok."""
    started = False
    suite = None
    cases = 0
    for line in lines:
        line = line.rstrip('\n')
        if not started:
            started = line.startswith('KTAP version') or line.startswith('TAP version')
            continue
        m = SUBTEST.match(line)
        if m and len(m.group(1)) == 4:
            suite, cases = m.group(2).strip(), 0
            continue
        m = RESULT.match(line)
        if not m:
            continue
        depth = len(m.group(1)) // 4
        status, name, skip, why = m.group(2), m.group(3), m.group(4), m.group(5)
        if depth == 1 and suite:
            cases += 1
            yield status, f'{prefix}.{suite}.{name}', why if skip else None
        elif depth == 0:
            if not cases:
                yield status, f'{prefix}.{name}', why if skip else None
            suite, cases = None, 0
    if suite:
        yield 'not ok', f'{prefix}.{suite}', 'the log ends inside this suite'


def main():
    if len(sys.argv) not in (2, 3):
        print('usage: ktap-flatten.py LOG [PREFIX]', file=sys.stderr)
        return 2
    prefix = sys.argv[2] if len(sys.argv) == 3 else 'kunit'
    try:
        with open(sys.argv[1], errors='backslashreplace') as f:
            results = list(flatten(f, prefix))
    except OSError as e:
        print(f'ktap-flatten.py: {e}', file=sys.stderr)
        return 2
    print('KTAP version 1')
    print(f'1..{len(results)}')
    failed = 0
    for n, (status, name, why) in enumerate(results, 1):
        failed += status != 'ok'
        line = f'{status} {n} {name}'
        if status != 'ok':
            line += f' # {why}' if why else ''
        elif why is not None:
            line += f' # SKIP {why}'.rstrip()
        print(line)
    return 1 if failed or not results else 0


if __name__ == '__main__':
    sys.exit(main())
