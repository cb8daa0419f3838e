# SPDX-License-Identifier: GPL-2.0
#
# make series-check, loaded by lkl-series.py (check TOP WORKDIR).
#
# Applies build/series/ to a git repository of the whole pristine base
# tree (WORKDIR/linux) one patch at a time with git am. After each patch:
#   - a patch that touches arch/lkl builds with "make ARCH=lkl defconfig
#     && make ARCH=lkl lkl" (O=WORKDIR/kernel);
#   - a generic patch (manifest "x86:") compiles the objects it names for
#     x86_64: x86_64_defconfig plus the "x86-config:" options of all the
#     generic patches (O=WORKDIR/x86);
#   - a tools/lkl patch compiles the objects of its C files against the
#     installed lkl_ headers, and the last one builds all of tools/lkl;
#   - other patches (selftests, documentation, MAINTAINERS) change nothing
#     that a build reads: "-".
# Then checkpatch --strict on the patch. At the end, sparse (C=2) on
# arch/lkl. The table goes to stdout; exit 1 names the bad patches.
# LKL_SERIES_CHECK_ONLY=version stops after the base's version check.

import glob
import os
import re
import shutil
import subprocess
import sys
import time


def check(top, work, S):
    t0 = time.time()
    series = os.path.join(top, 'build', 'series')
    pfiles = sorted(glob.glob(os.path.join(series, '0*.patch')))
    pfiles = [p for p in pfiles if not p.endswith('0000-cover-letter.patch')]

    # The base first: anything but 6.12.y stops here, before any work.
    kind, src = S.base_source(top)
    if kind == 'dir':
        with open(os.path.join(src, 'Makefile')) as f:
            version = S.check_version(f.read(), src)
    else:
        pre = S.tar_prefix(src)
        out = subprocess.run(['tar', 'xJf', src, '--occurrence=1', '-O',
                              pre + 'Makefile'], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        version = S.check_version(out.stdout, src)
    print(f'  BASE    Linux {version} ({src})')
    if os.environ.get('LKL_SERIES_CHECK_ONLY') == 'version':
        return

    excludes, sections = S.parse_manifest(
        os.path.join(top, 'scripts', 'lkl-series.txt'))
    patches = [s for s in sections if s.kind == 'patch']
    if len(pfiles) != len(patches):
        S.die(f'{series} has {len(pfiles)} patches, the manifest '
              f'{len(patches)}: run make series first')

    os.makedirs(work, exist_ok=True)
    linux = os.path.join(work, 'linux')
    stamp = os.path.join(work, 'base-stamp')
    key = f'{kind} {os.path.abspath(src)} {version}\n'
    if not (os.path.isdir(os.path.join(linux, '.git')) and
            os.path.exists(stamp) and open(stamp).read() == key):
        print(f'  BASE    git repository of the whole tree in {linux}')
        shutil.rmtree(linux, ignore_errors=True)
        if os.path.exists(stamp):
            os.unlink(stamp)
        os.makedirs(linux)
        if kind == 'dir':
            S.run(['sh', '-c', f'cd "{src}" && tar cf - --exclude=.git . | '
                   f'tar xf - -C "{linux}"'])
        else:
            S.run(['tar', 'xJf', src, '-C', linux, '--strip-components=1'])
        S.git(linux, 'init', '-q', '-b', 'pristine')
        S.git(linux, 'add', '-A', '-f')
        S.git(linux, '-c', 'user.name=base', '-c', 'user.email=base@base',
              'commit', '-q', '-m', f'Linux {version}')
        S.git(linux, 'tag', '-f', 'base')
        with open(stamp, 'w') as f:
            f.write(key)
    S.run(['git', '-C', linux, 'am', '--abort'], check=False)
    S.git(linux, 'checkout', '-q', '-f', '-B', 'check', 'refs/tags/base')
    S.git(linux, 'clean', '-q', '-f', '-d', '-x')

    kobj = os.path.join(work, 'kernel')
    x86 = os.path.join(work, 'x86')
    tobj = os.path.join(work, 'tools')
    for d in (kobj, x86, tobj):
        shutil.rmtree(d, ignore_errors=True)
    cc = 'ccache gcc' if shutil.which('ccache') else 'gcc'
    jobs = os.environ.get('JOBS') or str(os.cpu_count())
    kmake = ['make', '-C', linux, 'O=' + kobj, 'ARCH=lkl', 'CC=' + cc,
             '-s', '-j' + jobs]
    log = os.path.join(work, 'log')
    ignore = load_ignore(top)
    last_tools = max([i for i, s in enumerate(patches)
                      if any(f.startswith('tools/lkl/')
                             for f in s.get('files'))] or [-1])
    # The files every patch adds: what make series put in it.
    S.assign_files(top, excludes, patches)

    rows = []
    bad = []
    headers = False
    # One x86_64 configuration enables the code of every generic patch, so
    # that it is made (and prepared) once.
    x86_conf = sorted({o for s in patches for o in s.get('x86-config')})
    x86_ready = False
    for i, (pf, s) in enumerate(zip(pfiles, patches)):
        name = os.path.basename(pf)
        t1 = time.time()
        r = S.run(['git', '-C', linux, 'am', '-q', pf], check=False)
        if r.returncode:
            rows.append((name, 'git am fails', '-', 0))
            bad.append(name)
            sys.stdout.write(r.stdout)
            break
        changed = S.git(linux, 'diff', '--name-only', 'HEAD~1').stdout.split()
        built = '-'
        ok = True
        with open(log, 'w') as lf:
            if s.get('x86'):
                if not x86_ready:
                    ok = x86_config(linux, x86, cc, jobs, x86_conf, lf)
                    x86_ready = True
                ok = ok and call(['make', '-C', linux, 'O=' + x86,
                                  'CC=' + cc, '-s', '-j' + jobs] +
                                 s.get('x86'), lf)
                built = 'x86_64 ' + ' '.join(os.path.basename(o)
                                             for o in s.get('x86'))
            elif any(f.startswith('arch/lkl/') for f in changed):
                ok = call(kmake + ['defconfig'], lf) and \
                    call(kmake + ['lkl'], lf)
                built = 'ARCH=lkl'
            elif any(f.startswith('tools/lkl/') for f in changed):
                if not headers:
                    ok = call(kmake + ['headers_install',
                                       'INSTALL_HDR_PATH=' + kobj + '/usr'],
                              lf)
                    headers = True
                tmake = ['make', '-C', os.path.join(linux, 'tools', 'lkl'),
                         'O=' + tobj, 'LKL_KOBJ=' + kobj,
                         'LINUX_SRC=' + linux, '-j' + jobs]
                if i == last_tools:
                    ok = ok and call(tmake, lf)
                    built = 'tools/lkl all'
                else:
                    objs = [os.path.join(tobj, f[len('tools/lkl/'):-2] +
                                         '.o')
                            for f in changed
                            if f.startswith('tools/lkl/') and
                            f.endswith('.c')]
                    ok = ok and call(tmake + objs, lf)
                    built = f'tools/lkl {len(objs)} objects'
        if not ok:
            built = 'FAILS: ' + built
            with open(log) as lf:
                sys.stdout.write(''.join(lf.readlines()[-30:]))
        found = checkpatch(linux, pf, ignore)
        for f in found:
            print(f'  {name}: {f}')
        rows.append((name, built, len(found), time.time() - t1))
        if not ok or found:
            bad.append(name)
        print(f'  CHECKED {name}: {built}, checkpatch {len(found)} '
              f'({time.time() - t1:.0f} s)', flush=True)

    # sparse on arch/lkl, on the whole series
    sparse = '-'
    if not bad or all(r[1] != 'git am fails' for r in rows):
        with open(log, 'w') as lf:
            call(kmake + ['C=2', 'arch/lkl/kernel/', 'arch/lkl/mm/'], lf)
        with open(log) as lf:
            found = [line.rstrip() for line in lf if re.search(
                r'arch/lkl/[^:]*:\d+(:\d+)?: (warning|error):', line)]
        for f in found:
            print('  sparse: ' + f)
        sparse = str(len(found))
        if found:
            bad.append('sparse on arch/lkl')

    w = max(len(r[0]) for r in rows) if rows else 10
    print()
    print(f'| {"patch":<{w}} | {"builds":<24} | checkpatch | time |')
    print(f'|{"-" * (w + 2)}|{"-" * 26}|------------|------|')
    for name, built, n, dt in rows:
        print(f'| {name:<{w}} | {built:<24} | {n!s:>10} | {dt:3.0f} s |')
    print(f'\nsparse (C=2) on arch/lkl: {sparse} finding(s)')
    print(f'series-check: {len(rows)} of {len(pfiles)} patches against '
          f'Linux {version} in {time.time() - t0:.0f} s')
    if bad:
        S.die('series-check failed: ' + ', '.join(bad))


def call(cmd, lf):
    lf.write('$ ' + ' '.join(cmd) + '\n')
    lf.flush()
    return subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT).\
        returncode == 0


def x86_config(linux, x86, cc, jobs, opts, lf):
    base = ['make', '-C', linux, 'O=' + x86, 'CC=' + cc, '-s']
    if not call(base + ['x86_64_defconfig'], lf):
        return False
    cfg = os.path.join(x86, '.config')
    with open(cfg, 'a') as f:
        for o in opts:
            f.write(o + '\n')
    if not call(base + ['olddefconfig'], lf):
        return False
    with open(cfg) as f:
        have = f.read()
    for o in opts:
        if not re.search('^' + re.escape(o) + '$', have, re.M):
            lf.write(f'{o} did not stick in the x86_64 .config\n')
            return False
    return True


def load_ignore(top):
    """(tree path, TYPE) pairs that scripts/lkl-check.ignore accepts."""
    out = set()
    path = os.path.join(top, 'scripts', 'lkl-check.ignore')
    if os.path.exists(path):
        for line in open(path):
            if line.startswith('#') or not line.strip():
                continue
            f, t = line.split()[:2]
            if f.startswith('tests/'):
                f = 'tools/testing/selftests/lkl/' + f[len('tests/'):]
            out.add((f, t))
    return out


def checkpatch(linux, pf, ignore):
    """checkpatch --strict findings on one patch, less the accepted ones.

    FILE_PATH_CHANGES ("does MAINTAINERS need updating?") is left out:
    MAINTAINERS comes last in the series, so every patch that adds files
    before it would carry it.
    """
    r = subprocess.run(['perl', 'scripts/checkpatch.pl', '--strict',
                        '--show-types', '--no-summary', '--color=never',
                        '--ignore', 'FILE_PATH_CHANGES', pf],
                       cwd=linux, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    found = []
    cur = None
    for line in r.stdout.split('\n'):
        m = re.match(r'(ERROR|WARNING|CHECK):(\w+): (.*)', line)
        if m:
            cur = [m.group(2), m.group(3), '']
            found.append(cur)
            continue
        m = re.match(r'#\d+: FILE: ([^:]+):(\d+):', line)
        if m and cur is not None and not cur[2]:
            cur[2] = m.group(1) + ':' + m.group(2)
    out = []
    for t, msg, where in found:
        if (where.split(':')[0], t) in ignore:
            continue
        out.append(f'{t} {where} {msg}'.strip())
    return out
