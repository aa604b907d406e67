# Shared helpers for the shell tests, sourced by each tests/*/*.sh script.
# Automake's test driver reads the exit status: 0 pass, 77 skip, 99 error,
# anything else fail.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

es_failures=0

# Prints a message and records a failed check; the script goes on so one
# run shows every failing check.
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	es_failures=$((es_failures + 1))
}

pass() {
	printf 'ok: %s\n' "$*"
}

skip() {
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

fatal() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 99
}

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (kernel keyring of uid 0, namespaces)"
}

# Skips the test in the ASan build (tests/sanitize.sh sets ES_SANITIZER),
# where $1 gives the reason the test cannot run there.
skip_under_sanitizer() {
	[ -z "${ES_SANITIZER:-}" ] || skip "not run under $ES_SANITIZER: $1"
}

require_cmd() {
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null 2>&1 ||
			skip "command '$cmd' not found"
	done
}

# Checks that "$1" equals "$2"; $3 names the check.
assert_eq() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3: expected '$2', got '$1'"
	fi
}

# Checks that the text in "$1" contains "$2"; $3 names the check.
assert_contains() {
	case "$1" in
	*"$2"*) pass "$3" ;;
	*) fail "$3: '$2' not found in: $1" ;;
	esac
}

# Runs a command and checks its exit status: assert_status WANT NAME CMD...
# The command's stdout and stderr are left in $out and $err.
assert_status() {
	want=$1 name=$2
	shift 2
	status=0
	"$@" >"$es_tmp/out" 2>"$es_tmp/err" || status=$?
	out=$(cat "$es_tmp/out")
	err=$(cat "$es_tmp/err")
	if [ "$status" = "$want" ]; then
		pass "$name"
	else
		fail "$name: exit status $status, expected $want; stderr: $err"
	fi
}

# Makes a private temporary directory in $es_tmp, removed on exit.
make_tmpdir() {
	es_tmp=$(mktemp -d "${TMPDIR:-/tmp}/edgesupport-test.XXXXXX") ||
		fatal "mktemp failed"
	trap 'rm -rf "$es_tmp"' EXIT
}

# Ends the script with the right status for the test driver.
finish() {
	if [ "$es_failures" -ne 0 ]; then
		printf '%d check(s) failed\n' "$es_failures" >&2
		exit 1
	fi
	exit 0
}
