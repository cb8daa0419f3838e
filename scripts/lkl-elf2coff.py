#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Convert LKL's lkl.o, built as ELF for 64-bit Windows, to a COFF object.

Usage:
    lkl-elf2coff.py <lkl.o> <out.o>

<lkl.o> is the kernel of "make HOST=nt": an x86_64 ELF relocatable object
compiled with -mabi=ms -fno-pic -mcmodel=large, in which objcopy -G left
only the lkl_* API global. <out.o> is a PE/COFF object (AMD64) that
mingw-w64's linker takes like any other.

Why not "objcopy -O pe-x86-64": binutils 2.40 copies an ELF relocation's
type number into the COFF relocation unchanged. R_X86_64_64 (1) happens
to be IMAGE_REL_AMD64_ADDR64 (1), but R_X86_64_PC32 (2) becomes
IMAGE_REL_AMD64_ADDR32 (2), an absolute address where the code wants a
displacement; and relocations against section symbols lose their
symbol or their offset. The result can link, at a low fixed image base,
but its code jumps to the wrong places.

What this writes:

- one section, ".lkl", that holds every allocated ELF section in the
  ELF file's order (the order of the kernel's linker script), each at
  its own alignment, .bss included as zeros. The kernel compares and
  subtracts symbols of different sections (__init_begin, _sdata ...),
  so their layout must not change. The section is readable, writable
  and executable, as the kernel's code and data are one image to it.
- its section symbol, the defined global symbols (the lkl_* API) and
  the undefined ones (memcpy ... from the C library), as externals.
- the relocations, all against the section symbol or an undefined
  external, with the addend in place as COFF wants it:
    R_X86_64_64                 -> IMAGE_REL_AMD64_ADDR64
    R_X86_64_PC32, _PLT32       -> IMAGE_REL_AMD64_REL32 (addend + 4,
                                   since REL32 counts from the end of
                                   the field)
  Anything else (32-bit absolute relocations, GOT relocations) is an
  error: they cannot be moved anywhere in a 64-bit address space.

The section may have more than 65535 relocations: it then has
IMAGE_SCN_LNK_NRELOC_OVFL, and the first relocation holds the count.
"""

import os
import struct
import sys

SHF_ALLOC = 0x2
SHT_NOBITS = 8
SHT_PROGBITS = 1
SHT_RELA = 4
SHT_SYMTAB = 2
SHN_UNDEF = 0
SHN_ABS = 0xfff1
SHN_COMMON = 0xfff2
STB_LOCAL = 0
STT_SECTION = 3
STT_FUNC = 2

R_X86_64_NONE = 0
R_X86_64_64 = 1
R_X86_64_PC32 = 2
R_X86_64_PLT32 = 4
R_X86_64_GOTPCREL = 9
R_X86_64_GOTPCRELX = 41
R_X86_64_REX_GOTPCRELX = 42
GOT_TYPES = (R_X86_64_GOTPCREL, R_X86_64_GOTPCRELX, R_X86_64_REX_GOTPCRELX)

IMAGE_FILE_MACHINE_AMD64 = 0x8664
IMAGE_REL_AMD64_ADDR64 = 1
IMAGE_REL_AMD64_REL32 = 4
IMAGE_SCN_CNT_CODE = 0x20
IMAGE_SCN_CNT_INITIALIZED_DATA = 0x40
IMAGE_SCN_LNK_NRELOC_OVFL = 0x01000000
IMAGE_SCN_MEM_EXECUTE = 0x20000000
IMAGE_SCN_MEM_READ = 0x40000000
IMAGE_SCN_MEM_WRITE = 0x80000000
IMAGE_SYM_CLASS_EXTERNAL = 2
IMAGE_SYM_CLASS_STATIC = 3
IMAGE_SYM_DTYPE_FUNCTION = 0x20
# COFF alignment flags go up to 8192 bytes.
MAX_ALIGN = 8192
# What an undefined symbol is called in the COFF object: the kernel calls
# it with the System V convention, so the host provides a wrapper.
UNDEF_PREFIX = 'lkl_nt_sysv_'


def fail(msg):
    sys.exit(f'lkl-elf2coff.py: {msg}')


class Elf:
    """The parts of an ELF64 little-endian relocatable object we need."""

    def __init__(self, data):
        if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
            fail('not a 64-bit little-endian ELF object')
        (e_type, e_machine) = struct.unpack_from('<HH', data, 16)
        if e_type != 1 or e_machine != 62:
            fail('not an x86_64 relocatable object')
        shoff, = struct.unpack_from('<Q', data, 40)
        shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 58)
        self.data = data
        self.sections = []
        for i in range(shnum):
            f = struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize)
            self.sections.append(dict(name=f[0], type=f[1], flags=f[2],
                                      offset=f[4], size=f[5], link=f[6],
                                      info=f[7], align=max(f[8], 1),
                                      entsize=f[9]))
        strtab = self.sections[shstrndx]
        for s in self.sections:
            s['name'] = self.cstr(strtab['offset'] + s['name'])
        symtabs = [s for s in self.sections if s['type'] == SHT_SYMTAB]
        if len(symtabs) != 1:
            fail('expected one symbol table')
        st = symtabs[0]
        names = self.sections[st['link']]
        self.symbols = []
        for off in range(st['offset'], st['offset'] + st['size'], 24):
            name, info, _, shndx, value, size = \
                struct.unpack_from('<IBBHQQ', data, off)
            self.symbols.append(dict(name=self.cstr(names['offset'] + name),
                                     bind=info >> 4, type=info & 0xf,
                                     shndx=shndx, value=value))

    def cstr(self, off):
        return self.data[off:self.data.index(b'\0', off)].decode()

    def contents(self, s):
        if s['type'] == SHT_NOBITS:
            return bytes(s['size'])
        return self.data[s['offset']:s['offset'] + s['size']]


def align(n, a):
    return (n + a - 1) // a * a


class Strings:
    """A COFF string table; offsets count its 4-byte size field."""

    def __init__(self):
        self.blob = bytearray()
        self.index = {}

    def name(self, s):
        """The 8-byte name field for @s."""
        b = s.encode()
        if len(b) <= 8:
            return b.ljust(8, b'\0')
        if s not in self.index:
            self.index[s] = 4 + len(self.blob)
            self.blob += b + b'\0'
        return struct.pack('<II', 0, self.index[s])

    def table(self):
        return struct.pack('<I', 4 + len(self.blob)) + bytes(self.blob)


def convert(elf):
    # Lay the allocated sections out in one, in file order.
    image = bytearray()
    base = {}
    max_align = 1
    for i, s in enumerate(elf.sections):
        # Empty sections too: the linker script marks places with them
        # (.lkl.init.end ...), and symbols in them must keep their place.
        if not s['flags'] & SHF_ALLOC and \
           (s['size'] or s['type'] not in (SHT_PROGBITS, SHT_NOBITS)):
            continue
        a = s['align']
        if a > MAX_ALIGN:
            fail(f"section {s['name']} wants {a}-byte alignment, COFF "
                 f'has at most {MAX_ALIGN}')
        max_align = max(max_align, a)
        image += bytes(align(len(image), a) - len(image))
        base[i] = len(image)
        image += elf.contents(s)

    strings = Strings()
    symtab = bytearray()
    # 0: the section symbol, with its auxiliary record (filled in below).
    nsyms = 2
    extern = {}
    ext_records = []

    def external(sym):
        """The COFF index of a global or undefined symbol."""
        nonlocal nsyms
        key = sym['name']
        if sym['shndx'] == SHN_UNDEF:
            key = UNDEF_PREFIX + key
        if key in extern:
            return extern[key]
        if sym['shndx'] == SHN_UNDEF:
            value, secnum = 0, 0
        else:
            value, secnum = base[sym['shndx']] + sym['value'], 1
        typ = IMAGE_SYM_DTYPE_FUNCTION if sym['type'] == STT_FUNC else 0
        ext_records.append(strings.name(key) +
                           struct.pack('<IhHBB', value, secnum, typ,
                                       IMAGE_SYM_CLASS_EXTERNAL, 0))
        extern[key] = nsyms
        nsyms += 1
        return extern[key]

    for sym in elf.symbols:
        if sym['bind'] != STB_LOCAL and sym['shndx'] not in (SHN_UNDEF, SHN_ABS,
                                                           SHN_COMMON):
            if sym['shndx'] in base:
                external(sym)

    relocs = []
    # The GOT: one 8-byte slot per symbol that code reaches through it,
    # after the sections, each with an ADDR64 relocation to the symbol.
    got = {}

    def got_slot(rsym, sym):
        nonlocal image
        if rsym in got:
            return got[rsym]
        image += bytes(align(len(image), 8) - len(image))
        got[rsym] = len(image)
        image += bytes(8)
        if sym['shndx'] == SHN_UNDEF:
            relocs.append(struct.pack('<IIH', got[rsym], external(sym),
                                      IMAGE_REL_AMD64_ADDR64))
        elif sym['shndx'] in base:
            struct.pack_into('<q', image, got[rsym],
                             base[sym['shndx']] + sym['value'])
            relocs.append(struct.pack('<IIH', got[rsym], 0,
                                      IMAGE_REL_AMD64_ADDR64))
        elif sym['shndx'] == SHN_ABS:
            struct.pack_into('<Q', image, got[rsym], sym['value'])
        else:
            fail(f'GOT entry for {sym["name"]}, which is not loaded')
        return got[rsym]

    for s in elf.sections:
        if s['type'] != SHT_RELA or s['info'] not in base:
            continue
        target = elf.sections[s['info']]
        tbase = base[s['info']]
        for off in range(s['offset'], s['offset'] + s['size'], 24):
            r_offset, r_info, addend = struct.unpack_from('<QQq', elf.data, off)
            rtype, rsym = r_info & 0xffffffff, r_info >> 32
            if rtype == R_X86_64_NONE:
                continue
            sym = elf.symbols[rsym]
            where = tbase + r_offset
            if rtype in GOT_TYPES:
                # The address of the symbol's slot, PC-relative.
                v = got_slot(rsym, sym) + addend + 4
                struct.pack_into('<i', image, where, v)
                relocs.append(struct.pack('<IIH', where, 0,
                                          IMAGE_REL_AMD64_REL32))
                continue
            if sym['shndx'] == SHN_UNDEF:
                if sym['bind'] == STB_LOCAL:
                    fail(f'relocation against undefined local {sym["name"]}')
                index, value = external(sym), 0
            elif sym['shndx'] == SHN_ABS:
                index, value = None, sym['value']
            elif sym['shndx'] in base:
                index, value = 0, base[sym['shndx']] + sym['value']
            else:
                fail(f'relocation in {target["name"]} against {sym["name"]}, '
                     'which is in a section that is not loaded')
            if rtype == R_X86_64_64:
                struct.pack_into('<q', image, where, value + addend)
                ctype = IMAGE_REL_AMD64_ADDR64
            elif rtype in (R_X86_64_PC32, R_X86_64_PLT32):
                if index is None:
                    fail(f'PC-relative relocation against absolute {sym["name"]}')
                v = value + addend + 4
                if not -2**31 <= v < 2**31:
                    fail(f'PC-relative addend out of range at {where:#x}')
                struct.pack_into('<i', image, where, v)
                ctype = IMAGE_REL_AMD64_REL32
            else:
                fail(f'relocation type {rtype} in {target["name"]} against '
                     f'{sym["name"]}: only R_X86_64_64 and PC32/PLT32 can be '
                     'moved anywhere (was the kernel built with -mcmodel=large '
                     '-fno-pic -fno-reorder-blocks-and-partition?)')
            if index is None:
                continue
            relocs.append(struct.pack('<IIH', where, index, ctype))

    nrel = len(relocs)
    flags = (IMAGE_SCN_CNT_CODE | IMAGE_SCN_CNT_INITIALIZED_DATA |
             IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE |
             (max_align.bit_length() << 20))
    if nrel >= 0xffff:
        flags |= IMAGE_SCN_LNK_NRELOC_OVFL
        relocs.insert(0, struct.pack('<IIH', nrel + 1, 0, 0))
        nrel_field = 0xffff
    else:
        nrel_field = nrel

    symtab += strings.name('.lkl') + struct.pack('<IhHBB', 0, 1, 0,
                                                 IMAGE_SYM_CLASS_STATIC, 1)
    symtab += struct.pack('<IHHIHB3x', len(image), nrel_field, 0, 0, 0, 0)
    for rec in ext_records:
        symtab += rec

    raw_off = 20 + 40
    rel_off = align(raw_off + len(image), 4)
    sym_off = rel_off + 10 * len(relocs)
    header = struct.pack('<HHIIIHH', IMAGE_FILE_MACHINE_AMD64, 1, 0, sym_off,
                         nsyms, 0, 0)
    section = strings.name('.lkl') + struct.pack(
        '<IIIIIIHHI', 0, 0, len(image), raw_off, rel_off, 0, nrel_field, 0,
        flags)
    out = bytearray(header + section)
    out += image
    out += bytes(rel_off - len(out))
    for r in relocs:
        out += r
    out += symtab
    out += strings.table()
    return bytes(out), nrel, len(ext_records)


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: lkl-elf2coff.py <lkl.o> <out.o>')
    with open(sys.argv[1], 'rb') as f:
        elf = Elf(f.read())
    out, nrel, nsym = convert(elf)
    with open(sys.argv[2] + '.tmp', 'wb') as f:
        f.write(out)
    os.replace(sys.argv[2] + '.tmp', sys.argv[2])


if __name__ == '__main__':
    main()
