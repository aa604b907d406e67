#!/bin/sh
# Builds the NSS module and the threads test with -fsanitize=thread and a
# 1 ms freshness interval, so config reloads race with lookups all the
# time, and checks that ThreadSanitizer reports nothing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

make_tmpdir
cc=${CC:-cc}
src=$top_srcdir

printf 'int main(void) { return 0; }\n' >"$es_tmp/probe.c"
"$cc" -fsanitize=thread -o "$es_tmp/probe" "$es_tmp/probe.c" \
	>/dev/null 2>&1 ||
	skip "$cc cannot build with -fsanitize=thread; install libtsan2"
"$es_tmp/probe" >/dev/null 2>&1 ||
	skip "ThreadSanitizer programs do not start on this kernel"

flags="-std=gnu11 -g -O1 -fsanitize=thread -Wall -Wextra -Werror
	-I$top_builddir -I$src/common -I$src/tests/nss"

# shellcheck disable=SC2086 # $flags is a list of options
"$cc" $flags -fPIC -shared -DFRESHNESS_INTERVAL_NS=1000000LL \
	-DES_CONFIG_PATH='"/nonexistent/edgesupport.conf"' \
	-Wl,--version-script="$src/nss_edgesupport/nss_edgesupport.sym" \
	-o "$es_tmp/libnss_edgesupport.so.2" \
	"$src/nss_edgesupport/nss_edgesupport.c" \
	"$src/common/esconfig.c" "$src/common/error.c" ||
	fatal "cannot build the module with ThreadSanitizer"

# shellcheck disable=SC2086
"$cc" $flags -DNSS_MODULE_PATH="\"$es_tmp/libnss_edgesupport.so.2\"" \
	-o "$es_tmp/threads" "$src/tests/nss/test-nss-threads.c" \
	"$src/tests/nss/module.c" -lpthread ||
	fatal "cannot build the threads test with ThreadSanitizer"

status=0
TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1" \
ES_TEST_SECONDS=2 "$es_tmp/threads" >"$es_tmp/out" 2>"$es_tmp/err" ||
	status=$?
cat "$es_tmp/out"
cat "$es_tmp/err" >&2

assert_eq "$status" 0 "threads test under ThreadSanitizer exits 0"
if grep -q 'ThreadSanitizer' "$es_tmp/err"; then
	fail "ThreadSanitizer reported a problem (see above)"
else
	pass "no ThreadSanitizer report"
fi
assert_contains "$(cat "$es_tmp/out")" "lookups" "threads test ran lookups"

finish
