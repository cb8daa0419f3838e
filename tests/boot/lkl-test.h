/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a test that boots LKL includes after kselftest_harness.h: LKL's
 * headers and the shared helpers of ../lib/testlib.h.
 *
 * The harness forks once per test, and a process can boot LKL only once,
 * so each test boots its own kernel, in the test body or in
 * FIXTURE_SETUP, never before test_harness_run().
 */
#ifndef _LKL_TEST_H
#define _LKL_TEST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <lkl.h>
#include <lkl_host.h>

#include "testlib.h"

#endif /* _LKL_TEST_H */
