# SPDX-License-Identifier: GPL-2.0
#
# KTAP results for the script tests, sourced by them (bash):
#
#   ktap_add NAME CHECK [ARGS...]   register a check: a command that
#                                   succeeds when NAME holds
#   ktap_run                        run the registered checks in order:
#                                   the plan, one result each, and a
#                                   "# N passed, N failed" line; returns 0
#                                   when every check passed
#   ktap_result STATUS NAME         print the next result now, for a test
#                                   that prints its own plan: "ok" when
#                                   STATUS is 0, "not ok" otherwise
#   ktap_skip NAME REASON           print the next result as a skip
#
# ktap_failed is 1 once a ktap_result was not ok; ktap_nfailed counts them.

ktap_names=() ktap_checks=()
ktap_n=0 ktap_failed=0 ktap_nfailed=0

ktap_add() {
	ktap_names+=("$1")
	shift
	ktap_checks+=("$*")
}

ktap_result() {
	ktap_n=$((ktap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $ktap_n $2"
	else
		echo "not ok $ktap_n $2"
		ktap_failed=1
		ktap_nfailed=$((ktap_nfailed + 1))
	fi
}

ktap_skip() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $1 # SKIP $2"
}

ktap_run() {
	local i failed=0

	echo "1..${#ktap_names[@]}"
	for i in "${!ktap_names[@]}"; do
		# shellcheck disable=SC2086 # a check and its arguments
		if ${ktap_checks[$i]}; then
			echo "ok $((i + 1)) ${ktap_names[$i]}"
		else
			echo "not ok $((i + 1)) ${ktap_names[$i]}"
			failed=$((failed + 1))
		fi
	done
	echo "# $((${#ktap_names[@]} - failed)) passed, $failed failed"
	[ "$failed" = 0 ]
}
