#!/bin/sh
# Runs the config parser and NSS module tests under valgrind memcheck: no
# invalid access, no uninitialised value and no leak may be reported.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

skip_under_sanitizer "valgrind cannot run ASan binaries"
require_cmd valgrind
make_tmpdir

for prog in test-config test-nss-module; do
	path=$top_builddir/tests/nss/$prog
	[ -x "$path" ] || fatal "$path not built; run make check"

	status=0
	valgrind --quiet --error-exitcode=66 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --track-origins=yes \
		"$path" >"$es_tmp/out" 2>"$es_tmp/err" || status=$?
	cat "$es_tmp/out"
	cat "$es_tmp/err" >&2

	assert_eq "$status" 0 "$prog passes under memcheck"
	assert_eq "$(grep -c '^==[0-9]*==' "$es_tmp/err")" 0 \
		"$prog: no memcheck report"
done

finish
