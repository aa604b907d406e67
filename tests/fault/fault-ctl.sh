#!/bin/sh
# edgesupport-ctl enable, disable and cert install with one failing call
# per run (tests/fault/fault.c). The runs cover every call that a normal
# run makes to the wrapped libc, libkeyutils and libcrypto functions, and
# for malloc, calloc and realloc the first call from each distinct call
# stack. Every run must either fail cleanly (non-zero exit, a message on
# stderr, no blob, the earlier record or certificate untouched, no
# temporary file) or succeed completely, and none may crash.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
skip_under_sanitizer "the fault library replaces malloc, which ASan owns"
require_cmd openssl keyctl
. "$top_srcdir/tests/fault/fault-lib.sh"

printf 'Old4pw0Old4pw0X' >"$d/old.pw"

# Checks that the state directories hold only the installed certificate
# and the lock file: a failed write must remove its temporary file.
check_no_temp_files() {
	left=$(ls -A "$d/etc" "$d/run" 2>&1 | grep -v -e '^$' -e ':$' \
		-e '^support\.cer$' -e '^lock$')
	[ -z "$left" ] || fail "$1: files left behind: $left"
}

# Checks a failed enable: message, no blob, record as before ($2 serial,
# $3 status). $1 labels the run.
check_enable_failed() {
	[ -s "$d/err" ] || fail "$1: exit status $rc without a message"
	[ ! -s "$d/out" ] || fail "$1: failed but printed: $(cat "$d/out")"
	[ "$(key_id)" = "$2" ] ||
		fail "$1: failed but the record changed (key '$2' -> '$(key_id)')"
	[ "$(status_fields)" = "$3" ] ||
		fail "$1: failed but status changed: $(status_fields)"
	check_no_temp_files "$1"
}

# Checks a successful enable: one blob that decrypts to a password that
# logs in, while the password of the earlier record ($2, a file, or
# empty) no longer does.
check_enable_worked() {
	blob=$(cat "$d/out")
	[ "$(wc -l <"$d/out")" = 1 ] && [ "${#blob}" = 456 ] ||
		fail "$1: succeeded but stdout is not one 456-character blob"
	[ "$(json_field thumbprint)" = "$thumbprint" ] ||
		fail "$1: succeeded but the record's thumbprint is wrong"
	[ "$(json_field logins)" = 0 ] ||
		fail "$1: succeeded but the record's login count is not 0"
	"$decrypt_bin" --key "$d/support.key" --cert "$d/support.cer" \
		"$blob" 2>/dev/null | tr -d '\n' >"$d/new.pw"
	[ "$(wc -c <"$d/new.pw")" = 15 ] ||
		fail "$1: succeeded but the blob does not decrypt"
	pam "$d/new.pw" auth >/dev/null 2>&1 ||
		fail "$1: succeeded but its password does not log in"
	if [ -n "$2" ] && pam "$2" auth >/dev/null 2>&1; then
		fail "$1: succeeded but the earlier password still logs in"
	fi
	check_no_temp_files "$1"
}

# Reports the runs for one function as passed when none of them failed a
# check: summarize LABEL FAILURES_BEFORE.
summarize() {
	if [ "$es_failures" = "$2" ]; then
		pass "$1: $runs failing $func calls ($failed failed cleanly," \
			"$worked succeeded completely)"
	fi
}

# Counts the last run as one that failed or one that worked.
tally() {
	runs=$((runs + 1))
	if [ "$rc" = 0 ]; then
		worked=$((worked + 1))
	else
		failed=$((failed + 1))
	fi
}

# Prints " with ERRNO" for an errno other than the default "-".
errno_label() {
	[ "$1" = - ] || printf ' with %s' "$1"
}

# --- enable over an earlier record ------------------------------------------

enable_known "$d/old.pw"
count_calls "$d/count" ctl enable
enable_known "$d/old.pw"
for func in $(fault_functions "$d/count"); do
	runs=0 failed=0 worked=0 before=$es_failures
	for nth in $(calls_to_fail "$func" "$d/count" ctl enable); do
		for errno in $(fault_errnos "$func"); do
			enable_known "$d/old.pw"
			old_id=$(key_id)
			old_status=$(status_fields)
			inject "$func" "$nth" "$errno" ctl enable
			label="enable over a record, $func call $nth$(errno_label "$errno")"
			check_no_crash "$label" || continue
			if [ "$rc" = 0 ]; then
				check_enable_worked "$label" "$d/old.pw"
			else
				check_enable_failed "$label" "$old_id" \
					"$old_status"
			fi
			tally
		done
	done
	summarize "enable over a record" "$before"
done

# --- enable with no record --------------------------------------------------

ctl disable >/dev/null 2>&1
count_calls "$d/count" ctl enable
for func in $(fault_functions "$d/count"); do
	case $func in malloc|calloc|realloc) continue ;; esac
	runs=0 failed=0 worked=0 before=$es_failures
	for nth in $(calls_to_fail "$func" "$d/count" ctl enable); do
		for errno in $(fault_errnos "$func"); do
			ctl disable >/dev/null 2>&1
			inject "$func" "$nth" "$errno" ctl enable
			label="enable with no record, $func call $nth$(errno_label "$errno")"
			check_no_crash "$label" || continue
			if [ "$rc" = 0 ]; then
				check_enable_worked "$label" ""
			else
				check_enable_failed "$label" "" \
					"$(status_fields)"
				ctl status >/dev/null 2>&1
				[ $? = 3 ] || fail "$label: access is enabled"
			fi
			tally
		done
	done
	summarize "enable with no record" "$before"
done

# --- disable ----------------------------------------------------------------

enable_known "$d/old.pw"
count_calls "$d/count" ctl disable
for func in $(fault_functions "$d/count"); do
	runs=0 failed=0 worked=0 before=$es_failures
	for nth in $(calls_to_fail "$func" "$d/count" ctl disable); do
		# ENOKEY would report a linked key as gone, which the kernel
		# never does, so disable gets only the default errno.
		for errno in -; do
			enable_known "$d/old.pw"
			inject "$func" "$nth" "$errno" ctl disable
			label="disable, $func call $nth$(errno_label "$errno")"
			check_no_crash "$label" || continue
			if [ "$rc" = 0 ]; then
				[ -z "$(key_id)" ] ||
					fail "$label: exit 0 but the key remains"
				grep -q "was enabled and is now disabled" \
					"$d/out" || fail "$label: exit 0 but" \
					"stdout does not report the removal"
			else
				[ -s "$d/err" ] ||
					fail "$label: exit status $rc without a message"
			fi
			if [ -n "$(key_id)" ] && pam "$d/old.pw" auth \
				>/dev/null 2>&1 && [ "$rc" = 0 ]; then
				fail "$label: the password logs in after disable"
			fi
			tally
		done
	done
	summarize "disable" "$before"
done

# --- cert install -----------------------------------------------------------

"$decrypt_bin" new-cert --dns other.example --out-cert "$d/other.cer" \
	--out-key "$d/other.key" >/dev/null || fatal "new-cert failed"
openssl x509 -inform DER -in "$d/other.cer" -out "$d/other.pem" ||
	fatal "openssl x509 failed"
other_fp=$(openssl x509 -inform DER -in "$d/other.cer" -noout \
	-fingerprint -sha1 | sed 's/^.*=//; s/://g')

count_calls "$d/count" ctl cert install "$d/other.pem"
ctl cert install "$d/support.cer" >/dev/null 2>&1 ||
	fatal "cannot install the test certificate again"
for func in $(fault_functions "$d/count"); do
	runs=0 failed=0 worked=0 before=$es_failures
	for nth in $(calls_to_fail "$func" "$d/count" ctl cert install \
		"$d/other.pem"); do
		cmp -s "$installed" "$d/support.cer" ||
			ctl cert install "$d/support.cer" >/dev/null 2>&1
		inject "$func" "$nth" "" ctl cert install "$d/other.pem"
		label="cert install, $func call $nth"
		check_no_crash "$label" || continue
		if [ "$rc" = 0 ]; then
			cmp -s "$installed" "$d/other.cer" ||
				fail "$label: exit 0 but the new certificate is not installed"
			[ "$(stat -c %a "$installed")" = 644 ] ||
				fail "$label: exit 0 but the mode is not 0644"
			[ "$(cat "$d/out")" = "thumbprint: $other_fp" ] ||
				fail "$label: exit 0 but printed: $(cat "$d/out")"
		else
			[ -s "$d/err" ] ||
				fail "$label: exit status $rc without a message"
			[ ! -s "$d/out" ] ||
				fail "$label: failed but printed: $(cat "$d/out")"
			cmp -s "$installed" "$d/support.cer" ||
				fail "$label: failed but the old certificate changed"
		fi
		check_no_temp_files "$label"
		tally
	done
	summarize "cert install" "$before"
done
ctl cert install "$d/support.cer" >/dev/null 2>&1

# --- a blob that cannot be written ------------------------------------------

# stdio writes through glibc's internal write(), which the injector cannot
# reach, so a full stdout replaces a failing write of the blob.
enable_known "$d/old.pw"
status=0
ctl enable >/dev/full 2>"$d/err" || status=$?
assert_eq "$status" 1 "enable to a full stdout fails"
assert_contains "$(cat "$d/err")" "cannot write the blob" \
	"enable to a full stdout names the problem"
status=0
ctl status >/dev/null 2>&1 || status=$?
assert_eq "$status" 3 "enable to a full stdout leaves access off"

report_openssl_crashes
finish
