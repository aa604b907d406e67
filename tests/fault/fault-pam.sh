#!/bin/sh
# pam_edgesupport with one failing call per run (tests/fault/fault.c),
# through tests/fault/pam-run, which counts and fails calls only during
# the PAM phase itself. A failure injected while the module is on the call
# stack must end in a denial (PAM_AUTH_ERR for auth, PAM_PERM_DENIED for
# account). The exceptions are a failure in logging, which must change
# nothing, and an allocation inside another library (stdio, OpenSSL's
# initialisation) or under the module's getpwnam_r() account check, which
# that library or name service may absorb. Any failure may deny,
# but a wrong password or a disabled record never passes, and a granted
# login is always counted.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
skip_under_sanitizer "the fault library replaces malloc, which ASan owns"
require_cmd keyctl
. "$top_srcdir/tests/fault/fault-lib.sh"

fault_env=ES_FAULT_ARM=manual
printf 'Right4pw0Right4' >"$d/right.pw"
printf 'Wrong4pw0Wrong4' >"$d/wrong.pw"

# Prints the PAM code that pam-run reported for phase $1 in $d/out.
phase_code() {
	sed -n "s/^$1: \\([0-9]*\\) .*/\\1/p" "$d/out"
}

# Sets up the record for a run: a fresh one with the right password, or
# none when $state is "disabled".
prepare() {
	enable_known "$d/right.pw"
	if [ "$state" = disabled ]; then
		"$es_enable" --disable "$conf" || fatal "es-enable --disable failed"
	fi
}

# Runs every failing call of one scenario: run_scenario NAME STATE
# PASSWORD_FILE PHASE CLEAN_CODE DENIAL_CODE, where STATE is enabled or
# disabled.
run_scenario() {
	name=$1 state=$2 pw=$3 phase=$4 clean=$5 denial=$6

	prepare
	count_calls "$d/count" "$pam_run" -d "$d/pam.d" -s es-test -p "$pw" \
		-f "$phase"
	for func in $(fault_functions "$d/count"); do
		runs=0 changed=0 before=$es_failures
		for nth in $(calls_to_fail "$func" "$d/count" "$pam_run" \
			-d "$d/pam.d" -s es-test -p "$pw" -f "$phase"); do
			for errno in $(fault_errnos "$func"); do
				prepare
				inject "$func" "$nth" "$errno" "$pam_run" \
					-d "$d/pam.d" -s es-test -p "$pw" -f "$phase"
				check_result "$name, $func call $nth$(errno_label "$errno")"
				runs=$((runs + 1))
				[ "$code" = "$clean" ] || changed=$((changed + 1))
			done
		done
		[ "$es_failures" = "$before" ] &&
			pass "$name: $runs failing $func calls ($changed changed" \
				"the result)"
	done
}

errno_label() {
	[ "$1" = - ] || printf ' with %s' "$1"
}

# Prints where the injected failure happened:
#   logging  syslog is on the call stack
#   module   pam_edgesupport made the failing call itself
#   library  an allocation inside another library, which it may absorb
#   lookup   under getpwnam_r(): a name service that fails reports the
#            name as not found, and the password check still decides
#   below    any other failure under the module
#   outside  the module was not on the stack, or nothing was injected
fault_place() {
	if [ "$fired" != 1 ] || ! grep -q 'pam_edgesupport\.so:' "$d/fault.log"
	then
		echo outside
	elif grep -qi 'syslog' "$d/fault.log"; then
		echo logging
	elif grep -q 'libc\.so\.6:getpwnam_r' "$d/fault.log"; then
		echo lookup
	elif [ "$(cut -d' ' -f4 "$d/fault.log" | cut -d: -f1)" = \
		pam_edgesupport.so ]; then
		echo module
	else
		case $func in
		malloc|calloc|realloc) echo library ;;
		*) echo below ;;
		esac
	fi
}

# Checks one injected run against the rules in the header, with the
# scenario's $phase, $clean and $denial. $1 labels the run.
check_result() {
	check_no_crash "$1" || return
	code=$(phase_code "$phase")
	place=$(fault_place)
	# glibc's loader exits (status 127) when it cannot allocate the TLS
	# of an NSS module it loads for getpwnam_r().
	if [ -z "$code" ] && [ "$place" = lookup ]; then
		glibc_nss_crashes=$((glibc_nss_crashes + 1))
		return
	fi
	if [ -z "$code" ]; then
		fail "$1: pam-run reported no result (exit status $rc):" \
			"$(head -c 300 "$d/err")"
		return
	fi

	case $place in
	logging)
		[ "$code" = "$clean" ] ||
			fail "$1: a failure in logging changed the result to $code"
		;;
	module|below)
		[ "$code" = "$denial" ] ||
			fail "$1: the module returned $code, expected $denial;" \
				"stack: $(cut -c 1-400 "$d/fault.log")"
		;;
	*)
		[ "$code" = "$clean" ] || [ "$code" = "$denial" ] ||
			[ "$code" != 0 ] ||
			fail "$1: a failure ($place) turned a denial into success"
		;;
	esac

	check_record "$1"
}

# Checks the record after an auth: a granted login is counted, and a
# wrong password never counts as a login.
check_record() {
	[ "$phase" = auth ] || return 0
	logins=$(json_field logins)
	if [ "$code" = 0 ] && [ "$logins" != 1 ]; then
		fail "$1: login granted but the record counts '$logins' logins"
	fi
	# "null": the record is gone, as a failed counter update revokes it.
	if [ "$clean" != 0 ] && [ "$logins" != null ] && [ "$logins" != 0 ]
	then
		fail "$1: a wrong password counted as login $logins"
	fi
}

run_scenario "auth with the right password" enabled "$d/right.pw" auth 0 7
run_scenario "auth with a wrong password" enabled "$d/wrong.pw" auth 7 7
run_scenario "account" enabled "$d/right.pw" account 0 6
run_scenario "auth after disable" disabled "$d/right.pw" auth 7 7
run_scenario "account after disable" disabled "$d/right.pw" account 6 6

# The fault-free results, so that a broken setup cannot pass the above.
enable_known "$d/right.pw"
assert_status 0 "auth with the right password, no failure" \
	pam "$d/right.pw" auth
assert_status 7 "auth with a wrong password, no failure" \
	pam "$d/wrong.pw" auth
assert_status 0 "account, no failure" pam "$d/right.pw" account

report_openssl_crashes
finish
