#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# lkl-series.py series TOP OUTDIR
# lkl-series.py check TOP WORKDIR
# lkl-series.py base TOP
#
# series: write the LKL patch series, described by scripts/lkl-series.txt,
# to OUTDIR in git format-patch form against the pristine upstream 6.12.y
# release, with a cover letter. The author and Signed-off-by are the git
# identity of whoever runs it. Only the base versions of the files the
# series changes are needed: a small git repository of those files gives
# the same patches (the same blob ids) as a full tree.
#
# check: apply OUTDIR's series (make series first) to a git repository of
# the full base tree under WORKDIR with git am, one patch at a time; after
# each, build it and run checkpatch --strict on it; at the end run sparse
# on arch/lkl. Prints a table and fails naming the first bad patch.
#
# base: print the base version, fetching the base if needed.
#
# The base is LINUX_SRC (a 6.12.y tree or git checkout) when set, else
# Debian's orig tarball of source package linux-6.12: LKL_PRISTINE names
# one, else build/pristine/ caches the one fetched with apt-get source.
# Anything but 6.12.y is refused.

import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# lkl-series-check.py is loaded as a module: no __pycache__ in scripts/.
sys.dont_write_bytecode = True

TESTS_IN_TREE = 'tools/testing/selftests/lkl/'
PLACEHOLDER = re.compile(r'^M:\t.*@example\.invalid>$', re.M)


def die(msg):
    print('lkl-series: ' + msg, file=sys.stderr)
    sys.exit(1)


def run(cmd, cwd=None, env=None, quiet=False, check=True, inp=None):
    out = subprocess.run(cmd, cwd=cwd, env=env, input=inp, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if check and out.returncode:
        if not quiet:
            sys.stderr.write(out.stdout)
        die('failed: ' + ' '.join(cmd))
    return out


def tree_path(path):
    """Where an overlay file goes in the kernel tree."""
    if path.startswith('tests/'):
        return TESTS_IN_TREE + path[len('tests/'):]
    return path


# --- the manifest ----------------------------------------------------------

def pattern_re(pat):
    out = ''
    i = 0
    while i < len(pat):
        if pat.startswith('**', i):
            out += '.*'
            i += 2
        elif pat[i] == '*':
            out += '[^/]*'
            i += 1
        else:
            out += re.escape(pat[i])
            i += 1
    return re.compile(out + r'\Z')


class Section:
    def __init__(self, kind, line):
        self.kind = kind
        self.line = line
        self.keys = {}
        self.body = []
        self.files = []

    def get(self, key):
        return self.keys.get(key, [])

    def one(self, key):
        v = self.keys.get(key)
        return ' '.join(v) if v else ''


def parse_manifest(path):
    excludes = []
    sections = []
    cur = None
    in_body = False
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if line.startswith('@'):
                kind = line[1:].strip()
                if kind not in ('cover', 'patch'):
                    die(f'{path}:{n}: unknown section {line}')
                cur = Section(kind, n)
                sections.append(cur)
                in_body = False
                continue
            if cur is None:
                if not line or line.startswith('#'):
                    continue
                m = re.match(r'exclude:\s*(.*)', line)
                if not m:
                    die(f'{path}:{n}: expected "exclude:" before sections')
                excludes += m.group(1).split()
                continue
            if in_body:
                cur.body.append(line)
                continue
            if not line:
                in_body = True
                continue
            if line.startswith('#'):
                continue
            m = re.match(r'([a-z0-9-]+):\s*(.*)', line)
            if not m:
                die(f'{path}:{n}: expected "key: value"')
            key, val = m.groups()
            if key not in ('subject', 'apply', 'files', 'x86', 'x86-config',
                           'maintainer'):
                die(f'{path}:{n}: unknown key {key}')
            if key == 'subject':
                cur.keys[key] = [val]
            else:
                cur.keys.setdefault(key, []).extend(val.split())
    for s in sections:
        while s.body and not s.body[-1]:
            s.body.pop()
    return excludes, sections


def overlay_files(top):
    out = run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=top)
    return sorted(p for p in out.stdout.split('\n')
                  if p and os.path.isfile(os.path.join(top, p)))


def assign_files(top, excludes, patches):
    """Give each patch its files; every kernel-material file in one patch."""
    ex = [pattern_re(p) for p in excludes]
    owners = {}
    errors = []
    material = [p for p in overlay_files(top)
                if not any(r.match(p) for r in ex)]
    for i, s in enumerate(patches):
        pats = [pattern_re(p) for p in s.get('files')]
        for p in s.get('apply'):
            if not os.path.isfile(os.path.join(top, p)):
                errors.append(f'patch {i + 1} applies {p}, which is missing')
            pats.append(pattern_re(p))
        used = set()
        for f in material:
            hit = [r for r in pats if r.match(f)]
            if hit:
                owners.setdefault(f, []).append(i)
                used.update(hit)
                if not f.startswith('patches/'):
                    s.files.append(f)
        for r, text in zip(pats, s.get('files') + s.get('apply')):
            if r not in used:
                errors.append(f'patch {i + 1}: "{text}" matches no file')
    for f in material:
        if f not in owners:
            errors.append(f'{f} is kernel material in no patch: add it to '
                          'a "files:" line of scripts/lkl-series.txt, or '
                          'to "exclude:" if it is not kernel material')
        elif len(owners[f]) > 1:
            errors.append(f'{f} is in patches ' +
                          ', '.join(str(i + 1) for i in owners[f]))
    if errors:
        die('scripts/lkl-series.txt does not cover the overlay:\n  ' +
            '\n  '.join(errors))


# --- the base --------------------------------------------------------------

def makefile_version(text):
    v = {}
    for key in ('VERSION', 'PATCHLEVEL', 'SUBLEVEL'):
        m = re.search(r'^%s\s*=\s*(\S*)' % key, text, re.M)
        v[key] = m.group(1) if m else ''
    return v


def check_version(text, where):
    v = makefile_version(text)
    if (v['VERSION'], v['PATCHLEVEL']) != ('6', '12'):
        found = '.'.join(x for x in (v['VERSION'], v['PATCHLEVEL'],
                                     v['SUBLEVEL']) if x) or 'no version'
        die(f'{where} is Linux {found}, not 6.12.y: the series is made '
            'against the pristine 6.12.y release (LINUX_SRC= a 6.12.y tree, '
            'or no LINUX_SRC for Debian\'s orig tarball of linux-6.12)')
    sub = v['SUBLEVEL']
    return '6.12' + ('.' + sub if sub and sub != '0' else '')


def fetch_tarball(top):
    """Debian's orig tarball of linux-6.12, newest version that downloads."""
    cache = os.path.join(top, 'build', 'pristine')
    have = sorted(glob.glob(os.path.join(cache, 'linux-6.12_*.orig.tar.xz')))
    if have:
        return have[-1]
    os.makedirs(cache, exist_ok=True)
    apt = os.path.join(cache, 'apt')
    os.makedirs(os.path.join(apt, 'lists', 'partial'), exist_ok=True)
    os.makedirs(os.path.join(apt, 'cache', 'archives', 'partial'),
                exist_ok=True)
    # bookworm-security carries linux-6.12, Debian 12's newer kernel.
    with open(os.path.join(apt, 'src.sources'), 'w') as f:
        f.write('Types: deb-src\n'
                'URIs: http://deb.debian.org/debian-security\n'
                'Suites: bookworm-security\nComponents: main\n'
                'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n')
    opts = ['-o', 'Dir::Etc::sourcelist=/dev/null',
            '-o', 'Dir::Etc::sourceparts=' + apt,
            '-o', 'Dir::State::Lists=' + os.path.join(apt, 'lists'),
            '-o', 'Dir::Cache=' + os.path.join(apt, 'cache'),
            '-o', 'Debug::NoLocking=1']
    print('  FETCH   deb-src index for linux-6.12')
    if run(['apt-get'] + opts + ['update'], check=False).returncode:
        die('apt-get update of the deb-src index failed: set LKL_PRISTINE= '
            'to a linux-6.12_*.orig.tar.xz or LINUX_SRC= to a 6.12.y tree')
    out = run(['apt-cache'] + opts + ['showsrc', 'linux-6.12'], check=False)
    versions = re.findall(r'^Version:\s*(\S+)', out.stdout, re.M)
    versions = sorted(set(versions), key=debian_key, reverse=True)
    if not versions:
        die('the deb-src index lists no linux-6.12')
    for v in versions:
        print(f'  FETCH   linux-6.12 {v}')
        r = run(['apt-get'] + opts + ['source', '--download-only',
                                      f'linux-6.12={v}'],
                cwd=cache, check=False)
        if r.returncode == 0:
            have = sorted(glob.glob(os.path.join(cache,
                                                 'linux-6.12_*.orig.tar.xz')))
            if have:
                return have[-1]
        print(f'  SKIP    {v}: does not download')
    die('no linux-6.12 source package in the index downloads')


def debian_key(v):
    up = v.split('-')[0]
    return [int(x) if x.isdigit() else 0 for x in re.split(r'[.~+]', up)]


def base_source(top):
    """('dir', path) or ('tar', tarball)."""
    src = os.environ.get('LINUX_SRC')
    if src:
        mk = os.path.join(src, 'Makefile')
        if not os.path.isfile(mk):
            die(f'LINUX_SRC={src}: not a kernel tree (no Makefile)')
        return 'dir', src
    tarball = os.environ.get('LKL_PRISTINE') or fetch_tarball(top)
    if not os.path.isfile(tarball):
        die(f'LKL_PRISTINE={tarball}: no such file')
    return 'tar', tarball


def tar_prefix(tarball):
    """The top directory of the tarball, from its first entry only."""
    proc = subprocess.Popen(['tar', 'tJf', tarball], text=True,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    first = proc.stdout.readline()
    proc.kill()
    proc.wait()
    if not first:
        die(f'{tarball}: not a tar.xz archive')
    return first.split('/')[0] + '/'


def extract_base(top, paths, dest):
    """The base versions of PATHS (and the Makefile) in DEST; the version."""
    kind, src = base_source(top)
    paths = sorted(set(paths) | {'Makefile'})
    os.makedirs(dest, exist_ok=True)
    if kind == 'dir':
        for p in paths:
            if os.path.isfile(os.path.join(src, p)):
                os.makedirs(os.path.dirname(os.path.join(dest, p)) or dest,
                            exist_ok=True)
                shutil.copyfile(os.path.join(src, p), os.path.join(dest, p))
    else:
        stamp = os.path.join(dest, '.lkl-base')
        key = os.path.abspath(src) + '\n' + '\n'.join(paths)
        if not (os.path.exists(stamp) and open(stamp).read() == key):
            pre = tar_prefix(src)
            run(['tar', 'xJf', src, '-C', dest, '--strip-components=1'] +
                [pre + p for p in paths])
            with open(stamp, 'w') as f:
                f.write(key)
    with open(os.path.join(dest, 'Makefile')) as f:
        return check_version(f.read(), src)


# --- making the series -----------------------------------------------------

def identity(top):
    ident = []
    for key in ('user.name', 'user.email'):
        out = run(['git', 'config', key], cwd=top, check=False)
        ident.append(out.stdout.strip())
    if not all(ident):
        die('no git identity: the series is authored and signed off by '
            'whoever makes it. Set one with\n'
            '  git config --global user.name "Your Name"\n'
            '  git config --global user.email you@example.org')
    return ident


def patch_files(path):
    with open(path) as f:
        return re.findall(r'^diff --git a/(\S+) b/', f.read(), re.M)


def patch_message(path):
    """Subject and body of a git format-patch file."""
    with open(path) as f:
        text = f.read()
    head, _, rest = text.partition('\n\n')
    m = re.search(r'^Subject: (?:\[PATCH[^]]*\] )?(.*)', head, re.M)
    if not m:
        die(f'{path}: no Subject:')
    body = rest.split('\n---\n', 1)[0].rstrip('\n').split('\n')
    body = [b for b in body if not b.startswith('Signed-off-by:')]
    while body and not body[-1]:
        body.pop()
    return m.group(1), body


MK_LINE = re.compile(r'^\s*(?:obj|core|lib)-\S+\s*[+:]?=\s*(\S+)\s*$')


def derive_makefile(text, mkdir, present):
    """The Makefile with the objects whose sources are not there dropped."""
    out = []
    for line in text.split('\n'):
        m = MK_LINE.match(line)
        if m:
            item = m.group(1)
            base = item if '/' in item and item.startswith('arch/') \
                else os.path.join(mkdir, item)
            if item.endswith('.o'):
                stem = base[:-2]
                if stem + '.c' not in present and stem + '.S' not in present:
                    continue
            elif item.endswith('/'):
                if not any(p.startswith(base) for p in present):
                    continue
        out.append(line)
    return '\n'.join(out)


def git(repo, *args, **kw):
    return run(['git', '-C', repo] + list(args), **kw)


def make_series(top, outdir):
    name, email = identity(top)
    excludes, sections = parse_manifest(
        os.path.join(top, 'scripts', 'lkl-series.txt'))
    covers = [s for s in sections if s.kind == 'cover']
    patches = [s for s in sections if s.kind == 'patch']
    if len(covers) != 1:
        die('scripts/lkl-series.txt needs one @cover section')
    assign_files(top, excludes, patches)

    build = os.path.join(top, 'build')
    touched = []
    for s in patches:
        for p in s.get('apply'):
            touched += patch_files(os.path.join(top, p))
    basedir = os.path.join(build, 'series-base')
    version = extract_base(top, touched, basedir)

    repo = tempfile.mkdtemp(prefix='series-repo.', dir=build)
    try:
        make_commits(top, outdir, repo, name, email, version, covers[0],
                     touched, patches)
    finally:
        shutil.rmtree(repo, ignore_errors=True)
    print(f'  SERIES  {outdir}: cover letter and {len(patches)} patches '
          f'against {version}')


def make_commits(top, outdir, repo, name, email, version, cover, touched,
                 patches):
    build = os.path.join(top, 'build')
    basedir = os.path.join(build, 'series-base')
    env = dict(os.environ, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email,
               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email,
               GIT_AUTHOR_DATE=time.strftime('%Y-%m-%dT%H:%M:%S%z'),
               GIT_CONFIG_NOSYSTEM='1')
    env['GIT_COMMITTER_DATE'] = env['GIT_AUTHOR_DATE']
    git(repo, 'init', '-q', '-b', 'lkl')
    git(repo, 'config', 'core.autocrlf', 'false')
    for p in sorted(set(touched)):
        dst = os.path.join(repo, p)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(os.path.join(basedir, p), dst)
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '-m', f'Linux {version}', env=env)
    git(repo, 'tag', 'base')

    present = set()
    final = {}
    for s in patches:
        for f in s.files:
            final[tree_path(f)] = os.path.join(top, f)
    sob = f'Signed-off-by: {name} <{email}>'
    for i, s in enumerate(patches, 1):
        for p in s.get('apply'):
            r = git(repo, 'apply', '--index', os.path.join(top, p),
                    check=False)
            if r.returncode:
                die(f'{p} does not apply to {version}:\n{r.stdout}')
        for f in s.get('maintainer'):
            path = os.path.join(repo, f)
            with open(path) as fh:
                text = fh.read()
            text = PLACEHOLDER.sub(lambda m: f'M:\t{name} <{email}>', text)
            with open(path, 'w') as fh:
                fh.write(text)
        for f in s.files:
            t = tree_path(f)
            present.add(t)
            os.makedirs(os.path.dirname(os.path.join(repo, t)),
                        exist_ok=True)
            shutil.copy2(os.path.join(top, f), os.path.join(repo, t))
        # The Makefiles list only what is there so far.
        for t in present:
            if t.startswith('arch/lkl/') and os.path.basename(t) == \
                    'Makefile':
                with open(final[t]) as fh:
                    text = derive_makefile(fh.read(), os.path.dirname(t),
                                           present)
                with open(os.path.join(repo, t), 'w') as fh:
                    fh.write(text)
        git(repo, 'add', '-A')
        if s.one('subject'):
            subject, body = s.one('subject'), s.body
        else:
            subject, body = patch_message(os.path.join(top,
                                                       s.get('apply')[0]))
        msg = subject + '\n\n' + '\n'.join(body).strip('\n') + \
            '\n\n' + sob + '\n'
        r = git(repo, 'commit', '-q', '-F', '-', env=env, inp=msg,
                check=False)
        if r.returncode:
            die(f'patch {i} ({subject}) changes nothing:\n{r.stdout}')

    # After the last patch the tree holds the overlay's files as they are.
    for t, src in sorted(final.items()):
        with open(src, 'rb') as a, open(os.path.join(repo, t), 'rb') as b:
            if a.read() != b.read():
                die(f'{t} differs from the overlay after the last patch')

    shutil.rmtree(outdir, ignore_errors=True)
    git(repo, 'format-patch', '-q', '--cover-letter', '--thread=shallow',
        '--base=base', '-o', outdir, 'base..lkl', env=env)
    cl = os.path.join(outdir, '0000-cover-letter.patch')
    with open(cl) as fh:
        text = fh.read()
    text = text.replace('*** SUBJECT HERE ***', cover.one('subject'))
    blurb = '\n'.join(cover.body).strip('\n') + \
        f'\n\nBased on Linux {version}, the upstream release (Debian\'s ' \
        'orig tarball of linux-6.12 when no tree is given).\n'
    text = text.replace('*** BLURB HERE ***', blurb)
    with open(cl, 'w') as fh:
        fh.write(text)

    # The whole series must apply with git am, as a reviewer applies it.
    am = tempfile.mkdtemp(prefix='lkl-series-am.', dir=build)
    try:
        run(['git', 'clone', '-q', '-b', 'lkl', repo, am])
        git(am, 'checkout', '-q', 'base')
        pl = sorted(glob.glob(os.path.join(outdir, '0*.patch')))[1:]
        r = git(am, 'am', '-q', *pl, env=env, check=False)
        if r.returncode:
            die('git am of the series fails:\n' + r.stdout)
        if git(am, 'diff', 'lkl').stdout:
            die('git am of the series gives another tree')
    finally:
        shutil.rmtree(am, ignore_errors=True)


# --- checking the series ---------------------------------------------------

def cmd_base(top):
    d = os.path.join(top, 'build', 'series-base')
    print(extract_base(top, [], d))


def main():
    if len(sys.argv) < 3:
        die('usage: lkl-series.py series|check|base TOP [DIR]')
    what, top = sys.argv[1], os.path.abspath(sys.argv[2])
    if what == 'series':
        make_series(top, os.path.abspath(sys.argv[3]))
    elif what == 'check':
        import importlib.util
        spec = importlib.util.spec_from_file_location(
            'lkl_series_check',
            os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         'lkl-series-check.py'))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mod.check(top, os.path.abspath(sys.argv[3]), sys.modules[__name__])
    elif what == 'base':
        cmd_base(top)
    else:
        die(f'unknown command {what}')


if __name__ == '__main__':
    main()
