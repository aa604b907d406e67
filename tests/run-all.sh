#!/bin/bash
# Runs the whole test suite as CI does: installs the build and test
# packages, builds in _build/, runs `make check` (unit, PAM, NSS, tool,
# end-to-end sshd and packaging tests), then the sanitizer, valgrind and
# fuzzing passes. Needs root for the kernel keyring of uid 0, namespaces
# and apt-get. Prints "N passed, N failed" at the end.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/_build
jobs=$(nproc)
total_pass=0
total_fail=0

# Adds the PASS/FAIL/ERROR counts of one build dir's test-suite.log to the
# totals.
count_results() {
	local log=$1/test-suite.log p f e x

	[ -f "$log" ] || return 0
	p=$(sed -n 's/^# PASS: *//p' "$log")
	f=$(sed -n 's/^# FAIL: *//p' "$log")
	e=$(sed -n 's/^# ERROR: *//p' "$log")
	x=$(sed -n 's/^# XPASS: *//p' "$log")
	total_pass=$((total_pass + ${p:-0}))
	total_fail=$((total_fail + ${f:-0} + ${e:-0} + ${x:-0}))
}

# Configures and builds one variant: build_variant DIR CONFIGURE-ARGS...
build_variant() {
	local dir=$1

	shift
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q "$@" && make -s -j"$jobs")
}

# Runs make check in DIR with extra make arguments and prints the logs of
# failed tests.
check_variant() {
	local dir=$1 status=0

	shift
	(cd "$dir" && make -s -j"$jobs" check "$@") || status=$?
	count_results "$dir"
	if [ "$status" -ne 0 ]; then
		grep -l -E '^:test-result: (FAIL|ERROR)' \
		    $(find "$dir/tests" -name '*.trs') 2>/dev/null |
		while read -r trs; do
			echo "==== ${trs%.trs}.log"
			cat "${trs%.trs}.log"
		done
	fi
	return "$status"
}

"$top/tests/deps.sh"
[ -x "$top/configure" ] || (cd "$top" && ./autogen.sh >/dev/null)

status=0

echo "== build and make check (gcc)"
build_variant "$build/gcc"
check_variant "$build/gcc" || status=1

echo "== build with clang (warnings are errors in both compilers)"
build_variant "$build/clang" CC=clang || status=1

if [ -x "$top/tests/sanitize.sh" ]; then
	echo "== sanitizers, valgrind and fuzzing"
	"$top/tests/sanitize.sh" "$build" || status=1
	for d in "$build"/asan "$build"/valgrind; do
		count_results "$d"
	done
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] || status=1
exit "$status"
