#!/bin/bash
# Runs the checks that need builds of their own, each in a directory under
# BUILD_DIR:
#   asan/      the whole project built with AddressSanitizer and UBSan
#              (gcc), then `make check`.
#   valgrind/  a plain -O1 -g build, then `make check-valgrind`, which runs
#              the PAM and NSS C tests and the auth-cycles leak test under
#              valgrind.
#   fuzz/      the libFuzzer targets (clang), each run for 60 s by
#              fuzz/run.sh.
# Every step runs even if an earlier one failed, and the exit status is 1 if
# any failed. tests/run-all.sh calls it and counts asan/test-suite.log and
# valgrind/test-suite.log.
#
# Usage: tests/sanitize.sh BUILD_DIR
#
# Environment: ES_FUZZ_SECONDS (default 60) sets the time per fuzz target.
#
# In the asan build the tests see:
#   ES_SANITIZER=address  the programs and modules carry ASan. A test that
#                         cannot work with it (valgrind or strace on our
#                         programs, a check that the NSS module links only
#                         libc) skips and names the reason.
#   ES_TEST_PRELOAD=LIST  the ASan runtime and libcrypt, colon-separated. A
#                         program that is not built here but loads our PAM
#                         or NSS module (pamtester, getent, sshd) must run
#                         with LD_PRELOAD=LIST and ASAN_OPTIONS=
#                         detect_leaks=0:verify_asan_link_order=0, because
#                         ASan must be the first library loaded. PATH gets
#                         wrappers that do this for pamtester, getent, id
#                         and su; other programs need it by hand.
#   ES_SKIP_SLOW=1        slow tests that add nothing under ASan skip: the
#                         package build (it uses its own flags) and the sshd
#                         end-to-end test (sshd would need the ASan runtime
#                         preloaded).
set -uo pipefail

usage() {
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
}

[ $# -eq 1 ] || usage
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1" || exit 1
build=$(cd "$1" && pwd)
jobs=$(nproc)
fuzz_seconds=${ES_FUZZ_SECONDS:-60}
san_cflags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined"
san_cflags="$san_cflags -fno-sanitize-recover=all"
status=0

# Configures DIR with the remaining arguments and builds it.
build_variant() {
	local dir=$1

	shift
	mkdir -p "$dir" &&
	(cd "$dir" && "$top/configure" -q "$@" && make -s -j"$jobs")
}

# Prints the logs of the failed tests under DIR/tests.
print_failed_logs() {
	local trs

	find "$1/tests" -name '*.trs' 2>/dev/null |
	while read -r trs; do
		grep -q -E '^:test-result: (FAIL|ERROR|XPASS)' "$trs" || continue
		echo "==== ${trs%.trs}.log"
		cat "${trs%.trs}.log"
	done
}

# Writes DIR/NAME for each program NAME that is installed: a wrapper that
# runs it with the ASan runtime preloaded, for tests that find it by PATH.
write_preload_wrappers() {
	local dir=$1 name real

	mkdir -p "$dir"
	for name in pamtester getent id su; do
		real=$(command -v "$name") || continue
		cat >"$dir/$name" <<-EOF
		#!/bin/sh
		# Written by tests/sanitize.sh: runs $real with the ASan
		# runtime first, so that it can load the instrumented modules.
		LD_PRELOAD="\$ES_TEST_PRELOAD\${LD_PRELOAD:+:\$LD_PRELOAD}" \\
		ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 \\
		exec $real "\$@"
		EOF
		chmod 755 "$dir/$name"
	done
}

run_asan() {
	local dir=$build/asan rc=0

	echo "== asan: build with gcc -fsanitize=address,undefined"
	build_variant "$dir" CC=gcc CFLAGS="$san_cflags" || return 1

	write_preload_wrappers "$dir/preload-bin"
	echo "== asan: make check"
	(
		export ES_SANITIZER=address ES_SKIP_SLOW=1
		# ASan binds its crypt() and crypt_r() interceptors at start;
		# pam_unix loads libcrypt later and would call through NULL.
		ES_TEST_PRELOAD=$(gcc -print-file-name=libasan.so):libcrypt.so.1
		export ES_TEST_PRELOAD
		export ASAN_OPTIONS=detect_leaks=1
		export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
		export PATH="$dir/preload-bin:$PATH"
		cd "$dir" && make -s -j"$jobs" check
	) || rc=1

	[ "$rc" -eq 0 ] || print_failed_logs "$dir"
	return "$rc"
}

run_valgrind() {
	local dir=$build/valgrind rc=0

	echo "== valgrind: build with -O1 -g"
	build_variant "$dir" CFLAGS="-O1 -g" || return 1

	echo "== valgrind: make check-valgrind"
	(cd "$dir" && make -s -j"$jobs" check-valgrind) || rc=1

	[ "$rc" -eq 0 ] || print_failed_logs "$dir"
	return "$rc"
}

run_fuzz() {
	echo "== fuzz: each target for $fuzz_seconds s"
	"$top/fuzz/run.sh" "$fuzz_seconds" "$build/fuzz"
}

for step in run_asan run_valgrind run_fuzz; do
	start=$SECONDS
	if "$step"; then
		echo "== ${step#run_}: passed in $((SECONDS - start)) s"
	else
		echo "== ${step#run_}: FAILED after $((SECONDS - start)) s"
		status=1
	fi
done

exit "$status"
