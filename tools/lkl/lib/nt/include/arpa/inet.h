/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <arpa/inet.h> for the NT host, which mingw-w64 does not have: Winsock
 * declares inet_pton() and the byte order functions (link with ws2_32).
 * Its struct in_addr has macros for the member names (s_addr ...), which
 * would rename the members of the lkl_ headers' struct lkl_in_addr: they
 * go, as nothing here uses Winsock's structure by those names.
 */
#ifndef _LKL_NT_ARPA_INET_H
#define _LKL_NT_ARPA_INET_H

#include <winsock2.h>
#include <ws2tcpip.h>

#undef s_addr
#undef s_host
#undef s_net
#undef s_imp
#undef s_impno
#undef s_lh

#endif /* _LKL_NT_ARPA_INET_H */
