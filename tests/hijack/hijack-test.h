/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hijack suite shares: where lkl-hijack.sh and python3 are, and
 * the size of the buffers that hold what a program printed. The helpers
 * (running programs, reading their logs, and hj_counter() for LKL's
 * interface counters) are in ../lib/testlib.h.
 *
 * Every program runs with LKL_HIJACK_DEBUG=1 unless the test says
 * otherwise, so that the counters prove which stack carried the traffic:
 * a hijack that failed to load would use the host's stack, and print no
 * dump.
 */
#ifndef _LKL_HIJACK_TEST_H
#define _LKL_HIJACK_TEST_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testlib.h"

#ifndef LKL_HIJACK
#define LKL_HIJACK	"lkl-hijack.sh"
#endif

/* Debian's python3, not whatever comes first in PATH. */
#define PYTHON3		"/usr/bin/python3"

/* The size of a buffer for a program's output or log. */
#define HJ_OUT_LEN	65536

#endif /* _LKL_HIJACK_TEST_H */
