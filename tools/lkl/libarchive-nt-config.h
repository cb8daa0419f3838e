/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration of libarchive for fs2tar.exe: Debian's libarchive
 * source, built by Makefile.nt for 64-bit Windows with mingw-w64, static,
 * with none of the optional libraries (no zlib, bzip2, lzma, lz4, zstd,
 * iconv, libxml2, expat, OpenSSL or Nettle) and only the objects that
 * fs2tar's pax writer links. libarchive's archive_platform.h reads it in
 * place of the config.h of its configure script (PLATFORM_CONFIG_H), which
 * costs about two minutes to run for a cross build and tests nothing that
 * the mingw-w64 headers and this file do not already say.
 *
 * Each line says what mingw-w64 (Debian's gcc-mingw-w64-x86-64) has; the
 * Windows specifics (wide-character paths, times, errno) are
 * libarchive's own archive_windows.h and archive_windows.c.
 */
#ifndef _LKL_LIBARCHIVE_NT_CONFIG_H
#define _LKL_LIBARCHIVE_NT_CONFIG_H

/* archive_digest_private.h checks that a configuration came first. */
#define __LIBARCHIVE_CONFIG_H_INCLUDED 1

/* Headers */
#define HAVE_CTYPE_H 1
#define HAVE_ERRNO_H 1
#define HAVE_FCNTL_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_IO_H 1
#define HAVE_LIMITS_H 1
#define HAVE_LOCALE_H 1
#define HAVE_STDARG_H 1
#define HAVE_STDINT_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRING_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_TIME_H 1
#define HAVE_UNISTD_H 1
#define HAVE_WCHAR_H 1
#define HAVE_WINCRYPT_H 1
#define HAVE_WINDOWS_H 1

/* Types and limits (LLP64: long is 32 bits, wchar_t 16) */
#define HAVE_WCHAR_T 1
#define SIZEOF_INT 4
#define SIZEOF_LONG 4
#define SIZEOF_WCHAR_T 2
#define HAVE_INTMAX_T 1
#define HAVE_UINTMAX_T 1
#define HAVE_LONG_LONG_INT 1
#define HAVE_UNSIGNED_LONG_LONG 1
#define HAVE_UNSIGNED_LONG_LONG_INT 1
#define HAVE_DECL_INT32_MAX 1
#define HAVE_DECL_INT32_MIN 1
#define HAVE_DECL_INT64_MAX 1
#define HAVE_DECL_INT64_MIN 1
#define HAVE_DECL_INTMAX_MAX 1
#define HAVE_DECL_INTMAX_MIN 1
#define HAVE_DECL_SIZE_MAX 1
#define HAVE_DECL_SSIZE_MAX 1
#define HAVE_DECL_UINT32_MAX 1
#define HAVE_DECL_UINT64_MAX 1
#define HAVE_DECL_UINTMAX_MAX 1
#define HAVE_EILSEQ 1
/* The C library has no owner types; libarchive keeps owners as int64. */
#define uid_t short
#define gid_t short
#define id_t unsigned long

/* Functions of msvcrt and mingw-w64 */
#define HAVE_MBRTOWC 1
#define HAVE_MEMMOVE 1
#define HAVE_MEMSET 1
#define HAVE_SETLOCALE 1
#define HAVE_STRCHR 1
#define HAVE_STRDUP 1
#define HAVE_STRERROR 1
#define HAVE_STRNLEN 1
#define HAVE_STRRCHR 1
#define HAVE_TZSET 1
#define HAVE_WCRTOMB 1
#define HAVE_WCSCMP 1
#define HAVE_WCSCPY 1
#define HAVE_WCSLEN 1
#define HAVE_WCTOMB 1
#define HAVE_WMEMCMP 1
#define HAVE_WMEMCPY 1
#define HAVE_WMEMMOVE 1
#define HAVE__CTIME64_S 1
#define HAVE__FSEEKI64 1
#define HAVE__GMTIME64_S 1
#define HAVE__LOCALTIME64_S 1
#define HAVE__MKGMTIME64 1

/* Digests from the Windows CryptoAPI (advapi32), no crypto library */
#define ARCHIVE_CRYPTO_MD5_WIN 1
#define ARCHIVE_CRYPTO_SHA1_WIN 1
#define ARCHIVE_CRYPTO_SHA256_WIN 1
#define ARCHIVE_CRYPTO_SHA384_WIN 1
#define ARCHIVE_CRYPTO_SHA512_WIN 1

#endif /* _LKL_LIBARCHIVE_NT_CONFIG_H */
