# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Wine for the NT suites, sourced by them (bash) after ktap.sh:
#
#   wine_find           set $wine to Debian's wine64, or print the KTAP
#                       skip and exit 4 when wine is not installed
#   wine_prefix DIR     use a new prefix DIR (under build/nt, never in
#                       $HOME), quiet and without mono and gecko; the test
#                       removes it with wine_end
#   wine_end            stop the prefix's wineserver and remove the prefix

wine_find() {
	local w

	wine=
	for w in /usr/lib/wine/wine64 wine64 wine; do
		if command -v "$w" >/dev/null; then
			# shellcheck disable=SC2034 # used by the suites
			wine=$(command -v "$w")
			return 0
		fi
	done
	echo "1..0 # SKIP wine64 missing (scripts/lkl-deps.sh test)"
	exit 4
}

wine_prefix() {
	export WINEPREFIX=$1 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
}

wine_end() {
	timeout 30 wineserver -k >/dev/null 2>&1
	rm -rf "$WINEPREFIX"
}
