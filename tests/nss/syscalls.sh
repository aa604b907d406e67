#!/bin/sh
# Runs test-nss-syscalls under strace and checks the system calls the NSS
# module makes between the getppid() markers of each phase.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_cmd strace
make_tmpdir

prog=$top_builddir/tests/nss/test-nss-syscalls
[ -x "$prog" ] || fatal "$prog not built; run make check"

conf=$es_tmp/edgesupport.conf
printf 'uid = 4711\ngid = 4720\n' >"$conf"

status=0
# LeakSanitizer cannot run under ptrace.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -o "$es_tmp/trace" "$prog" "$conf" \
	"$(printf 'uid = 4800\ngid = 4801\n')" >"$es_tmp/out" 2>&1 ||
	status=$?
cat "$es_tmp/out"
[ "$status" = 77 ] && skip "lookups too slow under strace"
assert_eq "$status" 0 "test-nss-syscalls exits 0"

# Prints the system calls between getppid() marker $1 and marker $1+1,
# one per line without the pid, leaving out strace's own notes.
phase() {
	awk -v start="$1" '
		{ sub(/^[0-9]+ +/, "") }
		/^getppid\(/ { n++; next }
		/^(\+\+\+|---)/ { next }
		n == start { print }
	' "$es_tmp/trace"
}

# Prints only the names of the system calls of phase $1.
phase_names() {
	phase "$1" | sed 's/(.*//'
}

markers=$(grep -c ' getppid(' "$es_tmp/trace")
assert_eq "$markers" 6 "trace shows all six markers"

assert_eq "$(phase 1 | wc -l)" 0 \
	"no system call during 10000 cached lookup rounds"
[ "$(phase 1 | wc -l)" = 0 ] || phase_names 1 | sort | uniq -c >&2

stats=$(phase_names 3 | grep -cE '^(stat|lstat|statx|newfstatat)$')
opens=$(phase_names 3 | grep -cE '^(open|openat|openat2)$')
assert_eq "$stats" 1 "one stat after the freshness interval"
assert_eq "$opens" 0 "no open of an unchanged config"
assert_eq "$(phase 3 | wc -l)" 1 "nothing but the stat"

reopen=$(phase 5 | grep -E '^openat\(')
assert_contains "$reopen" "$conf" "replaced config opened again"
assert_contains "$reopen" "O_CLOEXEC" "config opened with O_CLOEXEC"
assert_contains "$(phase_names 5 | tr '\n' ' ')" "read " \
	"replaced config read again"

finish
