#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# load-test.sh: the short soak (scripts/lkl-soak.sh): a hijacked nginx on
# a tap under wrk with 1000 connections for 20 s, with no request
# timeout, no socket error and no non-2xx response, then 1 MiB files
# fetched over 4 connections and checked. No throughput is asserted: the
# machine is shared. make soak runs the long version against native
# nginx.
#
# make tests links it as <outdir>/hijack-load, with LKL_TOOLS (where
# lkl-hijack.sh is) set by the wrapper. Prints KTAP; exit status 0 when
# every check passed, 1 when one failed, 4 when it cannot run (not root,
# a program missing).
set -u
here=$(dirname "$(readlink -f "$0")")
soak=$here/../../scripts/lkl-soak.sh
if [ ! -x "$soak" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP $soak is missing (run from the LKL repository)"
	exit 4
fi
SOAK_SECONDS=20 SOAK_CONNS=1000 SOAK_FILES=4 SOAK_FILE_CONNS=4 \
	SOAK_NATIVE=0 SOAK_CHECK_RSS=0 SOAK_KTAP=1 \
	exec "$soak" "${LKL_TOOLS:-}"
