# Helpers for the fault injection scripts, sourced after tests/lib.sh:
# the test environment of env.sh, and functions that run a command with
# libesfault preloaded to count calls or to fail one of them.
. "$top_srcdir/tests/fault/env.sh"

# In the commands below, "ctl" means edgesupport-ctl with the test config,
# and $fault_env contains extra ES_FAULT_* settings.

# Runs a command with counting on: count_calls FILE CMD... Fills FILE with
# "FUNCTION COUNT" lines.
count_calls() {
	file=$1
	shift
	[ "$1" = ctl ] && shift && set -- "$ctl_bin" --config "$conf" "$@"
	rm -f "$file"
	env $fault_env LD_PRELOAD="$fault_lib" ES_FAULT_COUNT="$file" \
		"$@" >/dev/null 2>&1
	[ -s "$file" ] || fatal "counting the calls of '$*' gave nothing"
}

# Prints the functions in count file $1.
fault_functions() {
	cut -d' ' -f1 "$1"
}

# Prints which calls of function $1 to fail, given count file $2 and the
# command that made it. That is every call for most functions. The
# allocator is called thousands of times inside OpenSSL, so for it only
# the first call from each distinct call stack, found by one traced run.
calls_to_fail() {
	func=$1 file=$2
	shift 2
	[ "$1" = ctl ] && shift && set -- "$ctl_bin" --config "$conf" "$@"
	case $func in
	malloc|calloc|realloc)
		rm -f "$d/trace"
		env $fault_env LD_PRELOAD="$fault_lib" ES_FAULT_FUNC="$func" \
			ES_FAULT_TRACE="$d/trace" "$@" >/dev/null 2>&1
		awk '{ stack = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", stack)
			if (!(stack in seen)) { seen[stack] = 1; print $2 } }' \
			"$d/trace"
		;;
	*)
		seq 1 "$(awk -v f="$func" '$1 == f { print $2 }' "$file")"
		;;
	esac
}

# Prints the errno values to inject for function $1. The keyring calls
# fail once with a quota error and once as if the key had gone. "-" means
# the function's default.
fault_errnos() {
	case $1 in
	add_key|keyctl_*|sys_*) echo EDQUOT ENOKEY ;;
	*) echo - ;;
	esac
}

# Runs a command with call $2 of function $1 failing with errno $3 ("-"
# or empty for the default): inject FUNC N ERRNO CMD... Leaves the exit
# status in $rc, stdout and stderr in $d/out and $d/err, and sets $fired
# to 1 when the failure was injected, with its call stack in $d/fault.log.
inject() {
	func=$1 nth=$2 errno=$3
	shift 3
	[ "$1" = ctl ] && shift && set -- "$ctl_bin" --config "$conf" "$@"
	[ "$errno" = - ] && errno=
	rm -f "$d/fault.log"
	rc=0
	env $fault_env LD_PRELOAD="$fault_lib" ES_FAULT_FUNC="$func" \
		ES_FAULT_NTH="$nth" ES_FAULT_ERRNO="$errno" \
		ES_FAULT_LOG="$d/fault.log" "$@" >"$d/out" 2>"$d/err" || rc=$?
	fired=0
	[ -s "$d/fault.log" ] && fired=1
}

# Fails the check and returns 1 when the last injected run died from a
# signal; $1 labels the run.
#
# NOTE: OpenSSL 3.0 (Debian 12's 3.0.x) crashes in its own lazy
# initialisation when an allocation there fails: a later EVP_MD_fetch()
# takes a lock that was never created. A program calling only
# OPENSSL_init_crypto() and EVP_Digest() crashes the same way, so those
# runs are counted in $openssl_crashes and reported, not failed.
#
# NOTE: glibc 2.36 (Debian 12) likewise aborts or crashes in its NSS
# database loading (nss_database_reload_1) when an allocation inside
# getpwuid() or getpwnam() fails. Those runs are counted in
# $glibc_nss_crashes and reported, not failed.
openssl_crashes=0
glibc_nss_crashes=0
check_no_crash() {
	[ "$rc" -ge 128 ] || return 0

	if [ "$fired" = 1 ] && grep -q 'OPENSSL_init_crypto' "$d/fault.log"
	then
		openssl_crashes=$((openssl_crashes + 1))
		return 1
	fi
	if [ "$fired" = 1 ] && grep -q -E ':getpw(uid|nam)' "$d/fault.log"
	then
		glibc_nss_crashes=$((glibc_nss_crashes + 1))
		return 1
	fi
	fail "$1: crashed with exit status $rc: $(head -c 300 "$d/err")"
	return 1
}

# Prints how many runs crashed inside OpenSSL's initialisation or glibc's
# NSS loading.
report_openssl_crashes() {
	[ "$openssl_crashes" = 0 ] ||
		printf 'NOTE: %d runs crashed inside OpenSSL 3.0 initialisation after a failed allocation there (an OpenSSL defect, not counted as failures)\n' \
			"$openssl_crashes"
	[ "$glibc_nss_crashes" = 0 ] ||
		printf 'NOTE: %d runs crashed inside glibc NSS loading after a failed allocation there (a glibc defect, not counted as failures)\n' \
			"$glibc_nss_crashes"
}
