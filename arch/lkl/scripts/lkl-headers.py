#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Install the LKL UAPI headers under an lkl/ prefix.

Usage:
    lkl-headers.py <uapi-include> <ksrc> <kobj> <out-include>

<uapi-include> is the output of "make ARCH=lkl headers_install
INSTALL_HDR_PATH=<kobj>/usr", that is <kobj>/usr/include; <ksrc> is the
kernel source tree; <kobj> (the O= directory) is accepted for the build's
sake but not read. Every header <uapi-include>/<path> is written to
<out-include>/lkl/<path>, and <out-include>/lkl/asm/syscalls.h is generated
(see "System call wrappers" below). A file is written only when its
contents change, and headers that are no longer installed are removed, so
incremental builds stay incremental.

Why: an application links LKL next to the host's C library, so <lkl.h> and
<sys/socket.h> must compile in one file. Every name the kernel headers
define therefore gets a prefix, and so does every include path.

The rename rule
---------------
1. "#include <dir/x.h>", where dir/ is a top directory of <uapi-include>,
   becomes "#include <lkl/dir/x.h>". A few C library headers included for
   types the kernel defines as well are replaced by the kernel's header
   (<sys/time.h> -> <lkl/linux/time.h>; see LIBC_INCLUDES). Other
   includes are left alone.

2. The defined names are collected from all headers: macro names,
   typedef names, enum constants, names of functions defined in headers,
   and the tags of structs, unions and enums that a header defines (with
   a body, through __struct_group(), or as "struct __x {" after "#define
   __x x"). Tags that no header defines are kernel-internal types used
   only behind pointers (struct sem, struct bpf_prog ...) and keep their
   names. A few struct members that C libraries define as macros
   (st_atime, sa_handler; see LIBC_MEMBER_MACROS) count as object-like
   macros, or a C library header included first would rewrite them.

3. Defined names get a prefix by their first characters:
       __name -> __lkl__name       (__u32 -> __lkl__u32)
       _Name  -> _LKL_Name         (_IOC -> _LKL_IOC)
       _name  -> _lkl_name
       Name   -> LKL_Name          (AF_INET -> LKL_AF_INET)
       name   -> lkl_name          (sockaddr_in -> lkl_sockaddr_in)
   Names that start with lkl_, LKL_, _lkl, _LKL or __lkl, C keywords and
   their GNU spellings (__inline__, __extension__ ...) and standard C
   names that the headers take from the C library (int32_t, NULL ...)
   never change. Compiler macros (__GNUC__, __BYTE_ORDER__ ...) are not
   defined by the headers, so they never change either. Comments,
   strings and macro parameters are left alone.

   Object-like macro names are replaced everywhere, as the preprocessor
   would expand them everywhere. Other names are replaced everywhere
   except in member positions (after . or ->, and as a declarator in a
   struct or union body), since members have a namespace of their own:
   struct rseq keeps its member rseq_cs next to struct lkl_rseq_cs, and
   sin_family stays sin_family. So a member changes only when it is
   itself an object-like macro. A member alias macro such as "#define
   si_pid _sifields._kill._pid" becomes "#define lkl_si_pid
   _sifields._kill._pid": info.lkl_si_pid works, and the C library's own
   si_pid macro is left alone. Likewise st.lkl_st_atime and
   act.lkl_sa_handler.

4. Token pasting: the left operand of "##" in a macro body gets the
   prefix even if it is not a defined name (SCTP_PR_SCTP_ ## x ->
   LKL_SCTP_PR_SCTP_ ## x), the right operand never does, and neither
   does an argument that a macro only pastes (NILFS_CPINFO_FNS(MINOR,
   minor) keeps MINOR), so that pasted names come out renamed once.

5. The prefixed headers cannot clash with a C library, so they must not
   adapt to one either: in #if lines, __GLIBC__ and __BYTE_ORDER count
   as undefined. This makes libc-compat.h define every __lkl__UAPI_DEF_*
   as 1, and byte order tests use the kernel's __lkl__LITTLE_ENDIAN.

6. Part of the socket ABI lives outside UAPI, in the kernel's
   include/linux/socket.h and include/linux/net.h: sa_family_t, struct
   sockaddr, sockaddr_storage (which UAPI headers such as linux/if.h and
   linux/sctp.h take from the host's <sys/socket.h>), user_msghdr and
   mmsghdr (for sendmsg and recvmmsg), and the AF_*, PF_*, MSG_*, SOL_*,
   SCM_* and SOCK_* constants. lkl/linux/socket.h gets them, renamed
   like the rest; the constants are read from those two files.

A new name that is already used as an identifier somewhere in the headers
is an error.

System call wrappers
--------------------
lkl/asm/syscalls.h has "static inline long lkl_sys_NAME(...)" for every
entry of scripts/syscall.tbl with the ABIs that
arch/lkl/kernel/Makefile.syscalls selects (checked against the installed
asm/unistd_64.h). Argument types come from the "asmlinkage long sys_*()"
prototypes in include/linux/syscalls.h, read with every CONFIG_ option
off, with kernel-internal types mapped by TYPE_MAP. A type that is neither
in TYPE_MAP nor defined by the UAPI headers is an error.
"""

import os
import re
import sys

# C keywords and their GNU spellings: never renamed, even where a header
# has a fallback definition (linux/coda.h defines __inline__).
C_KEYWORDS = set('''
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local asm typeof
    __asm __asm__ __attribute __attribute__ __extension__ __inline
    __inline__ __signed __signed__ __volatile __volatile__ __const
    __const__ __restrict __restrict__ __typeof __typeof__ __alignof
    __alignof__ __label__ __int128 __thread __auto_type __builtin_va_list
    defined __VA_ARGS__
'''.split())

# Standard C names the headers use with the C library's meaning.
# linux/coda.h typedefs some of them for other systems; renaming them
# would break every header that takes them from <stdint.h> or <stddef.h>.
LIBC_NAMES = set('''
    int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t
    intptr_t uintptr_t intmax_t uintmax_t size_t ssize_t ptrdiff_t
    wchar_t bool true false NULL offsetof
'''.split())

# Rule 2: struct members that C libraries (glibc, musl) define as macros,
# like "#define st_atime st_atim.tv_sec".
LIBC_MEMBER_MACROS = {'st_atime', 'st_mtime', 'st_ctime', 'sa_handler',
                      'sa_sigaction'}

# Rule 1: C library headers included for what the kernel defines too.
LIBC_INCLUDES = {
    'time.h': 'linux/time.h',
    'sys/time.h': 'linux/time.h',
    'sys/socket.h': 'linux/socket.h',
    'sys/ioctl.h': 'linux/ioctl.h',
    'netinet/in.h': 'linux/in.h',
    'netinet/if_ether.h': 'linux/if_ether.h',
}

# Rule 5: C library macros that #if lines test to adapt to the C library.
LIBC_CONDITIONS = ('__GLIBC__', '__BYTE_ORDER')

PREFIXED = re.compile(r'(lkl_|LKL_|_lkl|_LKL|__lkl)')

TOKEN = re.compile(r'''
      (?P<comment>/\*.*?\*/|//[^\n]*)
    | (?P<str>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
    | (?P<num>\.?[0-9](?:[eEpP][+-]|[\w.])*)
    | (?P<id>[A-Za-z_]\w*)
    | (?P<nl>\n)
    | (?P<ws>(?:[ \t\r\f\v]|\\\n)+)
    | (?P<punct>\#\#|->|\.\.\.|.)
''', re.S | re.X)

INCLUDE = re.compile(r'(\s*#\s*include\s*<)([^>]+)>')
DIRECTIVE = re.compile(r'\s*#\s*(\w+)')
BLANK = ('ws', 'nl', 'comment')


def die(msg):
    sys.stderr.write('lkl-headers.py: error: %s\n' % msg)
    sys.exit(1)


def read(path):
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        return f.read()


def write_if_changed(path, text):
    try:
        if read(path) == text:
            return
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + '.tmp', 'w', encoding='utf-8',
              errors='surrogateescape') as f:
        f.write(text)
    os.replace(path + '.tmp', path)


def prefixed(name):
    """Rule 3."""
    if name.startswith('__'):
        return '__lkl' + name
    if name.startswith('_'):
        return ('_LKL' if name[1:2].isupper() else '_lkl') + name
    return ('LKL_' if name[0].isupper() else 'lkl_') + name


def renamable(name):
    return not (name in C_KEYWORDS or name in LIBC_NAMES or
                PREFIXED.match(name))


def is_id(tok):
    return re.match(r'[A-Za-z_]\w*$', tok) is not None


def significant(toks):
    """Indexes of the (kind, text) tokens that are not blank."""
    return [i for i, (k, _) in enumerate(toks) if k not in BLANK]


class Header:
    """One header as logical lines of (kind, text) tokens."""

    def __init__(self, rel, text):
        self.rel = rel
        self.lines = [[]]
        for m in TOKEN.finditer(text):
            self.lines[-1].append((m.lastgroup, m.group()))
            if m.lastgroup == 'nl':
                self.lines.append([])

    @staticmethod
    def directive(line):
        """'define', 'if', ... for a directive line, else None."""
        sig = [line[i] for i in significant(line)]
        if not sig or sig[0][1] != '#':
            return None
        return sig[1][1] if len(sig) > 1 and sig[1][0] == 'id' else ''

    def code(self):
        """The code tokens, leaving out directives and C++-only parts."""
        out, conds = [], []     # per #if: [tests __cplusplus, skipping]
        for line in self.lines:
            d = self.directive(line)
            if d is None:
                if not any(skip for _, skip in conds):
                    out.extend(t for k, t in line if k not in BLANK)
                continue
            words = [t for k, t in line if k == 'id'][1:]
            cpp = words in (['__cplusplus'], ['defined', '__cplusplus'])
            if d in ('if', 'ifdef', 'ifndef'):
                conds.append([cpp, cpp and d != 'ifndef'])
            elif d == 'else' and conds and conds[-1][0]:
                conds[-1][1] = not conds[-1][1]
            elif d == 'elif' and conds:
                conds[-1] = [False, False]
            elif d == 'endif' and conds:
                conds.pop()
        return out


# ---------------------------------------------------------------------------
# Collecting the defined names (rule 2)

def strip_groups(toks):
    """Replace each outermost {...} by one '{}' token."""
    out, depth = [], 0
    for t in toks:
        if t == '{':
            if depth == 0:
                out.append('{}')
            depth += 1
        elif t == '}' and depth:
            depth -= 1
        elif depth == 0:
            out.append(t)
    return out


def strip_attributes(toks):
    out, i = [], 0
    while i < len(toks):
        if toks[i] in ('__attribute__', '__attribute') and \
                toks[i + 1:i + 2] == ['(']:
            depth, i = 0, i + 1
            while i < len(toks):
                depth += {'(': 1, ')': -1}.get(toks[i], 0)
                i += 1
                if depth == 0:
                    break
            continue
        out.append(toks[i])
        i += 1
    return out


def split_top(toks, sep):
    """Split on sep outside parentheses and brackets."""
    parts, depth = [[]], 0
    for t in toks:
        depth += {'(': 1, '[': 1, ')': -1, ']': -1}.get(t, 0)
        if t == sep and depth == 0:
            parts.append([])
        else:
            parts[-1].append(t)
    return parts


def declarator_name(toks):
    """The name one declarator declares: "(*fn)(int)" -> fn, "a[4]" -> a."""
    for i in range(len(toks) - 2):
        if toks[i] == '(' and toks[i + 1] == '*':
            for t in toks[i + 2:]:
                if t == ')':
                    break
                if is_id(t) and t not in C_KEYWORDS:
                    return t
    toks = list(toks)
    while toks and toks[-1] in (')', ']'):
        closer = toks.pop()
        opener, depth = '(' if closer == ')' else '[', 1
        while toks and depth:
            depth += {closer: 1, opener: -1}.get(toks.pop(), 0)
    if toks and is_id(toks[-1]) and toks[-1] not in C_KEYWORDS and \
            (len(toks) < 2 or toks[-2] not in ('struct', 'union', 'enum')):
        return toks[-1]
    return None


def macro_params(line):
    """(parameter names, index of the body) of a function-like #define,
    else ([], None)."""
    ids = [i for i, (k, _) in enumerate(line) if k == 'id']
    if len(ids) < 2 or line[ids[1] + 1:ids[1] + 2] != [('punct', '(')]:
        return [], None
    params = []
    for i in range(ids[1] + 2, len(line)):
        kind, text = line[i]
        if text == ')':
            return params, i + 1
        if kind == 'id' or text == '...':
            params.append(text)
    return [], None


def paste_only_params(line):
    """Positions of the parameters a #define uses only next to ##."""
    params, body = macro_params(line)
    if body is None:
        return set()
    toks = [line[i] for i in significant(line) if i >= body]
    pasted, plain = set(), set()
    for i, (kind, text) in enumerate(toks):
        if kind == 'id' and text in params:
            near = {toks[j][1] for j in (i - 1, i + 1) if 0 <= j < len(toks)}
            (pasted if '##' in near else plain).add(text)
    return {params.index(p) for p in pasted - plain}


class Names:
    """What the headers define, where, and what they include."""

    def __init__(self):
        self.objmacros = set(LIBC_MEMBER_MACROS)
        self.funcmacros = set()
        self.ordinary = set()   # typedefs, enum constants, functions ...
        self.typedef_in = {}    # typedef name -> headers defining it
        self.tag_in = {}        # tag -> headers defining its body
        self.includes = {}      # header -> headers it includes
        self.paste_only = {}    # macro -> argument positions it only pastes
        self.alias = {}         # "#define a b" -> {b, ...}
        self.all_ids = set()

    def scan(self, hdr):
        inc = self.includes.setdefault(hdr.rel, [])
        for line in hdr.lines:
            ids = [t for k, t in line if k == 'id']
            self.all_ids.update(ids)
            d = hdr.directive(line)
            m = d == 'include' and \
                re.search(r'([<"])([^>"]+)[>"]', ''.join(t for _, t in line))
            if m and m.group(1) == '"':
                inc.append(os.path.normpath(os.path.join(
                    os.path.dirname(hdr.rel), m.group(2))))
            elif m:
                inc.append(LIBC_INCLUDES.get(m.group(2), m.group(2)))
            if d == 'define' and len(ids) > 1:
                func = macro_params(line)[1] is not None
                (self.funcmacros if func else self.objmacros).add(ids[1])
                body = [t for k, t in line if k not in BLANK][3:]
                if not func and len(body) == 1 and is_id(body[0]):
                    self.alias.setdefault(ids[1], set()).add(body[0])
                if paste_only_params(line):
                    self.paste_only[ids[1]] = paste_only_params(line)
        toks = hdr.code()
        self.scan_tags(hdr.rel, toks)
        self.scan_statements(hdr.rel, toks)

    def resolve_tag_aliases(self):
        """"#define __snd_foo snd_foo" then "struct __snd_foo {...}"
        defines struct snd_foo."""
        for tag in list(self.tag_in):
            for real in self.alias.get(tag, ()):
                self.tag_in.setdefault(real, []).extend(self.tag_in[tag])

    @property
    def defined(self):
        return self.objmacros | self.funcmacros | self.ordinary

    def scan_tags(self, rel, toks):
        for i, t in enumerate(toks[:-1]):
            # linux/stddef.h: __struct_group(TAG, NAME, ...) defines TAG
            if t == '__struct_group' and toks[i + 1:i + 2] == ['('] and \
                    is_id(toks[i + 2]) and toks[i + 3:i + 4] == [',']:
                self.tag_in.setdefault(toks[i + 2], []).append(rel)
            if t not in ('struct', 'union', 'enum'):
                continue
            tag = toks[i + 1] if is_id(toks[i + 1]) else None
            j = i + 2 if tag else i + 1
            if toks[j:j + 1] != ['{']:
                continue
            if tag:
                self.tag_in.setdefault(tag, []).append(rel)
            if t == 'enum':
                self.scan_enum(toks, j)

    def scan_enum(self, toks, j):
        """Enum constants: the first name of each item at depth 1. An item
        "NAME(...)" is a macro expanding to whole items."""
        depth, start, call = 0, False, False
        for k in range(j, len(toks)):
            t = toks[k]
            depth += {'{': 1, '(': 1, '}': -1, ')': -1}.get(t, 0)
            if depth == 0:
                return
            if depth == 1 and (t in ('{', ',') or t == ')' and call):
                start, call = True, False
                continue
            if start and depth == 1 and is_id(t):
                call = toks[k + 1:k + 2] == ['(']
                if not call:
                    self.ordinary.add(t)
            start = False

    def scan_statements(self, rel, toks):
        stmt, depth = [], 0
        for t in toks:
            stmt.append(t)
            depth += {'{': 1, '}': -1}.get(t, 0)
            flat = strip_attributes(strip_groups(stmt)) \
                if t == '}' and depth == 0 else []
            if flat[-2:] == [')', '{}']:
                self.statement(rel, flat)           # function definition
                stmt = []
            elif depth == 0 and t == ';':
                self.statement(rel, strip_attributes(strip_groups(stmt[:-1])))
                stmt = []

    def statement(self, rel, flat):
        while flat[:1] == ['__extension__']:
            flat = flat[1:]
        if flat[:1] == ['typedef']:
            for decl in split_top(flat[1:], ','):
                name = declarator_name(decl)
                if name:
                    self.ordinary.add(name)
                    self.typedef_in.setdefault(name, []).append(rel)
            return
        # a function: the last "name(" outside parentheses, as calls of
        # macros without a semicolon may come first
        head = flat[:flat.index('=')] if '=' in flat else flat
        depth, func = 0, None
        for i, t in enumerate(head):
            if t == '(' and depth == 0 and i and is_id(head[i - 1]) and \
                    head[i - 1] not in C_KEYWORDS:
                func = head[i - 1]
            depth += {'(': 1, ')': -1}.get(t, 0)
        if func:
            self.ordinary.add(func)
            return
        for decl in split_top(flat, ','):
            decl = decl[:decl.index('=')] if '=' in decl else decl
            name = declarator_name(decl)
            if name and len(decl) > 1:
                self.ordinary.add(name)             # variable


# ---------------------------------------------------------------------------
# Rewriting (rules 1, 3, 4 and 5)

def rewrite_condition(line):
    """Rule 5."""
    text = ''.join(t for _, t in line)
    d = DIRECTIVE.match(text).group(1)
    for name in LIBC_CONDITIONS:
        if d in ('ifdef', 'ifndef'):
            text = re.sub(r'#(\s*)ifn?def\s+%s\b' % name,
                          lambda m: '#%sif %d' % (m.group(1), d == 'ifndef'),
                          text)
        else:
            text = re.sub(r'defined\s*\(\s*%s\s*\)|defined\s+%s\b|\b%s\b' %
                          (name, name, name), '0', text)
    return Header('', text).lines[0]


def pasted_args(tok, paste_only):
    """Indexes of the arguments that macros only paste (rule 4)."""
    out = set()
    for n, name in enumerate(tok[:-1]):
        if name not in paste_only or tok[n + 1] != '(' or \
                (n and tok[n - 1] == 'define'):
            continue
        depth, arg = 0, 0
        for m in range(n + 1, len(tok)):
            depth += {'(': 1, ')': -1}.get(tok[m], 0)
            if depth == 0:
                break
            if tok[m] == ',' and depth == 1:
                arg += 1
            elif is_id(tok[m]) and arg in paste_only[name]:
                out.add(m)
    return out


def members(tok, code):
    """Indexes of member names: after . or ->, and the declarators in
    struct and union bodies. code[n] is False inside directives."""
    out = {n for n in range(1, len(tok))
           if tok[n - 1] in ('.', '->') and is_id(tok[n])}
    idx = [n for n in range(len(tok)) if code[n]]
    ctok = [tok[n] for n in idx] + ['']
    stack, depth = [], 0        # stack: (is a record body, outer depth)
    for c, t in enumerate(ctok[:-1]):
        prev, nxt = ctok[c - 1] if c else '', ctok[c + 1]
        if is_id(t) and stack and stack[-1][0] and \
                (prev not in ('{', '}', ';', '(') and
                 (depth == 0 and nxt in (',', '[', ':', '__attribute__') or
                  nxt == ';') or
                 ctok[c - 2:c] == ['(', '*'] and nxt == ')'):
            # a declarator: "type name;", "name[4]", "(*name)(...)" ...
            out.add(idx[c])
        elif t == '{':
            rec = prev in ('struct', 'union') or \
                ctok[c - 2] in ('struct', 'union') and is_id(prev)
            stack.append((rec, depth))
            depth = 0
        elif t == '}' and stack:
            depth = stack.pop()[1]
        elif t in ('(', '['):
            depth += 1
        elif t in (')', ']'):
            depth -= 1
    return out


def new_name(names, tok, n, params, pasted, member):
    """The lkl name for identifier tok[n], or None to keep it."""
    text = tok[n]
    prev = tok[n - 1] if n else ''
    nxt = tok[n + 1] if n + 1 < len(tok) else ''
    if text in params or n in pasted or prev == '##' or \
            not renamable(text):
        return None
    if nxt == '##' or text in names.objmacros:
        return prefixed(text)
    if prev in ('struct', 'union', 'enum'):
        tag = text in names.tag_in or text in names.funcmacros
        return prefixed(text) if tag else None
    if member:
        return None
    # bare tags too: "#define old_tag new_tag", ASSERT_SIZE(tag, 8)
    if text in names.funcmacros or text in names.ordinary or \
            text in names.tag_in:
        return prefixed(text)
    return None


def rewrite(hdr, names, topdirs):
    lines, dirs = [], []
    for line in hdr.lines:
        d = hdr.directive(line)
        dirs.append(d)
        cond = d in ('if', 'ifdef', 'ifndef', 'elif')
        lines.append(list(rewrite_condition(line) if cond else line))
    where = [(li, ti) for li, line in enumerate(lines)
             for ti in significant(line)]
    tok = [lines[li][ti][1] for li, ti in where]
    pasted = pasted_args(tok, names.paste_only)
    member = members(tok, [dirs[li] is None for li, _ in where])
    params = {}
    for n, (li, ti) in enumerate(where):
        if lines[li][ti][0] != 'id' or dirs[li] == 'include':
            continue
        if dirs[li] == 'define' and li not in params:
            params[li] = macro_params(lines[li])[0]
        new = new_name(names, tok, n, params.get(li, []), pasted,
                       n in member)
        if new:
            lines[li][ti] = ('id', new)

    out = []
    for d, line in zip(dirs, lines):
        text = ''.join(t for _, t in line)
        m = d == 'include' and INCLUDE.match(text)
        path = m and LIBC_INCLUDES.get(m.group(2), m.group(2))
        if path and path.split('/')[0] in topdirs:
            text = m.group(1) + 'lkl/' + path + text[m.end(2):]
        out.append(text)
    return ''.join(out)


# ---------------------------------------------------------------------------
# Rule 6: the socket ABI outside UAPI, before renaming

SOCKET_ABI = '''
/*
 * Added by lkl-headers.py: the part of the socket ABI that the kernel
 * keeps in include/linux/socket.h and include/linux/net.h.
 */
#include <linux/posix_types.h>

typedef __kernel_sa_family_t sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

#define sockaddr_storage __kernel_sockaddr_storage

struct user_msghdr {
	void *msg_name;
	int msg_namelen;
	struct iovec *msg_iov;
	__kernel_size_t msg_iovlen;
	void *msg_control;
	__kernel_size_t msg_controllen;
	unsigned int msg_flags;
};

struct mmsghdr {
	struct user_msghdr msg_hdr;
	unsigned int msg_len;
};

'''


def socket_abi(ksrc):
    """SOCKET_ABI, the unconditional AF_, PF_, MSG_, SOL_, SCM_ and
    SOMAXCONN defines with one-token values from linux/socket.h, and the
    socket types and flags from linux/net.h."""
    out, depth = [SOCKET_ABI.lstrip('\n')], 0
    for line in read(os.path.join(ksrc, 'include/linux/socket.h')).split('\n'):
        d = DIRECTIVE.match(line)
        d = d and d.group(1)
        depth += {'if': 1, 'ifdef': 1, 'ifndef': 1, 'endif': -1}.get(d, 0)
        m = re.match(r'#\s*define\s+((?:AF|PF|MSG|SOL|SCM)_\w+|SOMAXCONN)'
                     r'\s+(\w+)\s*(/\*.*)?$', line)
        if m and depth == 1:
            out.append('#define %s\t%s' % m.group(1, 2))
    text = read(os.path.join(ksrc, 'include/linux/net.h'))
    body = re.search(r'enum sock_type \{([^}]*)\}', text)
    for m in re.finditer(r'(SOCK_\w+)\s*=\s*(\w+)', body.group(1) if body
                         else ''):
        out.append('#define %s\t%s' % m.group(1, 2))
    out += re.findall(r'^#define SOCK_(?:CLOEXEC|NONBLOCK)\s+O_\w+', text,
                      re.M)
    text = '\n'.join(out) + '\n'
    for name in ('AF_INET', 'PF_INET6', 'MSG_DONTWAIT', 'SOL_TCP',
                 'SOCK_DGRAM', 'SOCK_CLOEXEC'):
        if not re.search(r'#define %s\s' % name, text):
            die('%s not found in %s/include/linux' % (name, ksrc))
    return text


# ---------------------------------------------------------------------------
# System call wrappers

# Kernel-internal types in system call prototypes, as UAPI types. Types
# the UAPI defines (sigset_t, aio_context_t, __u32, struct tags ...) need
# no entry here.
TYPE_MAP = {
    'size_t': '__kernel_size_t',
    'loff_t': '__kernel_loff_t',
    'off_t': '__kernel_off_t',
    'pid_t': '__kernel_pid_t',
    'uid_t': '__kernel_uid32_t',
    'gid_t': '__kernel_gid32_t',
    'qid_t': '__kernel_uid32_t',
    # umode_t is an unsigned short in the kernel, which reads the low 16
    # bits of the register; callers pass a mode_t, as with the C library.
    'umode_t': '__kernel_mode_t',
    'clockid_t': '__kernel_clockid_t',
    'timer_t': '__kernel_timer_t',
    'key_t': '__kernel_key_t',
    'mqd_t': '__kernel_mqd_t',
    'rwf_t': '__kernel_rwf_t',
    'fd_set': '__kernel_fd_set',
    'key_serial_t': '__s32',
    'u32': '__u32',
    'u64': '__u64',
    'uint32_t': '__u32',
}

C_TYPE_WORDS = {'const', 'volatile', 'unsigned', 'signed', 'int', 'long',
                'short', 'char', 'void'}

# Entry points that include/linux/syscalls.h leaves to the architecture;
# this is the generic mmap of riscv, loongarch and others.
ARCH_PROTOS = {
    'sys_mmap': 'unsigned long addr, unsigned long len, unsigned long prot, '
                'unsigned long flags, unsigned long fd, off_t off',
}

# Table entries that get no wrapper, and why.
SKIP = {
    'sys_ni_syscall': 'not implemented, always -ENOSYS',
    'sys_rt_sigreturn': 'returns to a signal frame, which LKL never sets up',
}


def syscall_table(ksrc, unistd):
    """[(name, entry)] of the 64-bit table; the numbers must match the
    installed asm/unistd_64.h."""
    abis = {'common', '64'}
    mk = os.path.join(ksrc, 'arch/lkl/kernel/Makefile.syscalls')
    if os.path.exists(mk):
        for m in re.finditer(r'^\s*syscall_abis_64\s*[+:]?=(.*)$', read(mk),
                             re.M):
            abis.update(m.group(1).split())
    table, nrs = [], {}
    for line in read(os.path.join(ksrc, 'scripts/syscall.tbl')).split('\n'):
        f = line.split('#')[0].split()
        if len(f) >= 4 and f[1] in abis:
            table.append((f[2], f[3]))
            nrs[f[2]] = int(f[0])
    installed = re.findall(r'^#define __NR_(\w+)\s+(\d+)', read(unistd), re.M)
    if nrs != {name: int(nr) for name, nr in installed}:
        die('%s does not match scripts/syscall.tbl with ABIs %s' %
            (unistd, ','.join(sorted(abis))))
    return table


def eval_condition(expr):
    """An #if of include/linux/syscalls.h, for 64 bits with every
    CONFIG_ and __ARCH_WANT_ option off."""
    expr = re.sub(r'defined\s*\(?\s*\w+\s*\)?', '0', expr)
    expr = re.sub(r'\bBITS_PER_LONG\b', '64', expr)
    expr = re.sub(r'\b[A-Za-z_]\w*\b', '0', expr)
    expr = expr.replace('&&', ' and ').replace('||', ' or ')
    return bool(eval(re.sub(r'!(?!=)', ' not ', expr), {}, {}))


def syscall_prototypes(ksrc):
    """{entry: argument list} from include/linux/syscalls.h."""
    text = read(os.path.join(ksrc, 'include/linux/syscalls.h'))
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S).replace('\\\n', ' ')
    protos, conds, stmt = {}, [], ''
    for line in text.split('\n'):
        m = DIRECTIVE.match(line)
        d, rest = (m.group(1), line[m.end():]) if m else (None, '')
        if d in ('if', 'ifdef', 'ifndef'):
            on = {'ifdef': False, 'ifndef': True}.get(d)
            on = eval_condition(rest) if on is None else on
            conds.append([on, on])              # [active, any branch taken]
        elif d == 'elif':
            on = not conds[-1][1] and eval_condition(rest)
            conds[-1] = [on, conds[-1][1] or on]
        elif d == 'else':
            conds[-1] = [not conds[-1][1], True]
        elif d == 'endif':
            conds.pop()
        elif d is None and all(on for on, _ in conds):
            stmt += ' ' + line
            *done, stmt = stmt.split(';')
            for s in done:
                m = re.search(r'asmlinkage\s+long\s+(sys_\w+)\s*\((.*)\)\s*$',
                              s, re.S)
                if m:
                    protos.setdefault(m.group(1), ' '.join(m.group(2).split()))
    return protos


def wrap(head, items, tail):
    """Join items after head, breaking lines at 80 columns and aligning
    continuation lines after head."""
    col = len(head.expandtabs())
    indent = '\t' * (col // 8) + ' ' * (col % 8)
    lines, cur = [], head
    for n, item in enumerate(items):
        item += ',' if n + 1 < len(items) else tail
        if cur != head and len((cur + ' ' + item).expandtabs()) > 80:
            lines.append(cur)
            cur = indent + item
        else:
            cur += item if cur == head else ' ' + item
    return '\n'.join(lines + [cur])


class Wrappers:
    def __init__(self, names, rename):
        self.names = names
        self.rename = rename
        self.includes = set()
        self.forward = set()

    def closure(self, hdr):
        seen, todo = set(), [hdr]
        while todo:
            h = todo.pop()
            if h not in seen:
                seen.add(h)
                todo.extend(self.names.includes.get(h, []))
        return seen

    def need(self, homes):
        """Include one of homes unless linux/types.h does; asm-generic/x.h
        is included as asm/x.h when that includes it."""
        if set(homes) & self.closure('linux/types.h'):
            return
        home = sorted(homes, key=lambda p: (not p.startswith('asm'), p))[0]
        alias = re.sub(r'^asm-generic/', 'asm/', home)
        self.includes.add(alias if home in self.closure(alias) else home)

    def param(self, text, why):
        """(type, name) of one prototype argument, in lkl terms."""
        toks = [t for t in re.findall(r'\w+|\*', text) if t != '__user']
        name = None
        if len(toks) > 1 and is_id(toks[-1]) and \
                toks[-1] not in C_TYPE_WORDS and \
                toks[-2] not in ('struct', 'union', 'enum'):
            name = toks.pop()
        typ, i = '', 0
        while i < len(toks):
            t = toks[i]
            if t in ('struct', 'union', 'enum'):
                tag = toks[i + 1]
                t = '%s %s' % (t, prefixed(tag) if renamable(tag) else tag)
                if t.startswith('enum') or '*' not in toks[i + 2:]:
                    if tag not in self.names.tag_in:
                        die('%s: %s is not defined by the UAPI headers' %
                            (why, t))
                    self.need(self.names.tag_in[tag])
                else:
                    self.forward.add(t)
                i += 1
            elif t in TYPE_MAP or t in self.names.typedef_in:
                t = TYPE_MAP.get(t, t)
                if t not in self.names.typedef_in or t not in self.rename:
                    die('%s: type %s is not defined by the UAPI headers' %
                        (why, t))
                self.need(self.names.typedef_in[t])
                t = self.rename[t]
            elif t != '*' and t not in C_TYPE_WORDS:
                die('%s: unknown argument type %s' % (why, t))
            typ += t if not typ or typ.endswith('*') else ' ' + t
            i += 1
        # kernel style spells out "unsigned int"
        typ = re.sub(r'\b(un)?signed\b(?! (int|long|short|char)\b)',
                     r'\g<0> int', typ)
        return typ, name

    def wrapper(self, name, nr, args):
        why = 'system call %s' % name
        params = []
        for n, arg in enumerate(args.split(',') if args != 'void' else []):
            typ, pname = self.param(arg, why)
            params.append((typ, pname or 'arg%d' % (n + 1)))
        if len(params) > 6 or 'params' in [p for _, p in params]:
            die('%s: cannot wrap (%s)' % (why, args))
        decls = ['%s%s%s' % (t, '' if t.endswith('*') else ' ', p)
                 for t, p in params] or ['void']
        vals = ['(long)%s' % p for _, p in params] or ['0']
        return '%s\n{\n%s\n\n\treturn lkl_syscall(%s, params);\n}\n' % (
            wrap('static inline long lkl_sys_%s(' % name, decls, ')'),
            wrap('\tlong params[6] = { ', vals, ' };'), nr)


def syscalls_h(table, protos, names, rename):
    w = Wrappers(names, rename)
    bodies, skipped = [], []
    for name, entry in table:
        if entry in SKIP:
            skipped.append(' *   %s: %s' % (name, SKIP[entry]))
            continue
        args = protos.get(entry) or ARCH_PROTOS.get(entry)
        if args is None:
            die('system call %s: no prototype for %s' % (name, entry))
        bodies.append(w.wrapper(name, rename['__NR_' + name], args))
    includes = ['host_ops.h', 'unistd.h', 'linux/types.h']
    includes = ['asm/' + h for h in includes[:2]] + includes[2:]
    includes += sorted(w.includes - set(includes))
    return '\n'.join([
        '/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */',
        '/*',
        ' * Generated by lkl-headers.py (in arch/lkl/scripts) from',
        ' * scripts/syscall.tbl and include/linux/syscalls.h. Do not edit.',
        ' *',
        ' * lkl_sys_NAME() makes system call NAME from the calling thread and',
        ' * returns its result, or a negative LKL errno. No wrapper for:'] +
        skipped + [
        ' */',
        '#ifndef _LKL_ASM_SYSCALLS_H',
        '#define _LKL_ASM_SYSCALLS_H',
        ''] +
        ['#include <lkl/%s>' % h for h in includes] + [''] +
        ['%s;' % f for f in sorted(w.forward)] + [''] +
        bodies +
        ['#endif /* _LKL_ASM_SYSCALLS_H */', ''])


# ---------------------------------------------------------------------------

def main(argv):
    if len(argv) != 5:
        sys.stderr.write('usage: %s <uapi-include> <ksrc> <kobj> '
                         '<out-include>\n' % argv[0])
        return 2
    src, ksrc, _, out = argv[1:]
    topdirs = {d for d in os.listdir(src)
               if os.path.isdir(os.path.join(src, d))}

    headers = []
    for root, _, files in os.walk(src):
        for f in sorted(files):
            if f.endswith('.h'):
                path = os.path.join(root, f)
                headers.append(Header(os.path.relpath(path, src), read(path)))
    extra = Header('linux/socket.h', socket_abi(ksrc))

    names = Names()
    for hdr in headers + [extra]:
        names.scan(hdr)
    names.resolve_tag_aliases()
    rename = {n: prefixed(n) for n in names.defined if renamable(n)}
    clash = sorted('%s -> %s' % (n, prefixed(n))
                   for n in names.defined | set(names.tag_in)
                   if renamable(n) and prefixed(n) in names.all_ids)
    if clash:
        die('renaming would clash with existing names: %s' %
            ', '.join(clash[:10]))

    written = {'asm/syscalls.h'}
    for hdr in headers:
        text = rewrite(hdr, names, topdirs)
        if hdr.rel == extra.rel:
            end = text.rindex('#endif')
            text = (text[:end] + rewrite(extra, names, topdirs) + '\n' +
                    text[end:])
        written.add(hdr.rel)
        write_if_changed(os.path.join(out, 'lkl', hdr.rel), text)

    table = syscall_table(ksrc, os.path.join(src, 'asm/unistd_64.h'))
    text = syscalls_h(table, syscall_prototypes(ksrc), names, rename)
    write_if_changed(os.path.join(out, 'lkl/asm/syscalls.h'), text)

    for root, _, files in os.walk(os.path.join(out, 'lkl')):
        for f in files:
            path = os.path.join(root, f)
            if os.path.relpath(path, os.path.join(out, 'lkl')) not in written:
                os.remove(path)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
