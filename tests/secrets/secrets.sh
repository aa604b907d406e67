#!/bin/sh
# Where the support password must never appear: syslog, the argv and
# environment of the running tools, files under the test directory and
# /run/edgesupport, and the key payload. Runs enable, decrypt and PAM
# authentication through pamtester (right and wrong password) with every
# syslog() message captured, and checks that edgesupport-ctl and
# edgesupport-decrypt turn off core dumps (RLIMIT_CORE 0) and mark
# themselves non-dumpable while they run.
#
# The host has no /dev/log to bind a listener over, so syslog is captured
# by tests/fault/libesfault (ES_FAULT_SYSLOG), which appends each
# formatted message to a file and passes it on to glibc. pamtester runs in
# a private mount namespace whose /etc/pam.d is a bind mount of a test
# directory; the host's /etc/pam.d is compared before and after.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
skip_under_sanitizer "the syslog capture library replaces malloc, which ASan owns"
require_cmd keyctl pamtester unshare setpriv mkfifo
. "$top_srcdir/tests/fault/env.sh"

syslog=$d/syslog
nobody=65534
wrong_pw=Wrong4pw0Wrong4
pamd_before=$(find /etc/pam.d -type f -print0 | sort -z | xargs -0 sha256sum)

# Runs a command with syslog captured into $syslog.
captured() {
	env LD_PRELOAD="$fault_lib" ES_FAULT_SYSLOG="$syslog" "$@"
}

# Waits until process $1 sleeps in a read of a pipe, so that what it has
# set up before reading can be inspected. Fails after 5 seconds.
wait_blocked() {
	for _ in $(seq 50); do
		case $(cat "/proc/$1/wchan" 2>/dev/null) in
		*pipe*) return 0 ;;
		esac
		sleep 0.1
	done
	return 1
}

# Checks that NUL-separated file $1 does not contain the text $2.
check_no_secret() {
	if tr '\0' '\n' <"$1" | grep -q -F -e "$2"; then
		fail "$3 contains the password"
	else
		pass "$3 contains no password"
	fi
}

# --- enable and decrypt -----------------------------------------------------

captured "$ctl_bin" --config "$conf" enable >"$d/blob" 2>"$d/enable.err" ||
	fatal "enable failed: $(cat "$d/enable.err")"
pw=$("$decrypt_bin" --key "$d/support.key" --cert "$d/support.cer" \
	<"$d/blob") || fatal "decrypt failed"
assert_eq "${#pw}" 15 "decrypt prints the 15-character password"
[ "$(wc -l <"$d/blob")" = 1 ] && pass "enable prints one line" ||
	fail "enable printed more than the blob"
assert_contains "$(cat "$syslog")" "enabled until" \
	"syslog capture sees edgesupport-ctl"
if grep -q -F -e "$pw" "$d/blob" "$d/enable.err"; then
	fail "enable's output contains the password"
else
	pass "enable's output contains no password"
fi

# edgesupport-decrypt runs as uid 65534 (nobody), blocked reading the
# blob from a pipe.
mkdir "$d/client"
cp "$d/support.key" "$d/support.cer" "$d/client/"
chown -R "$nobody" "$d/client"
mkfifo "$d/blob.fifo"
setpriv --reuid=$nobody --regid=$nobody --clear-groups \
	"$decrypt_bin" --key "$d/client/support.key" \
	--cert "$d/client/support.cer" <"$d/blob.fifo" >"$d/decrypt.out" \
	2>&1 &
decrypt_pid=$!
exec 3>"$d/blob.fifo"
wait_blocked "$decrypt_pid" || fatal "edgesupport-decrypt did not wait on stdin"
check_no_secret "/proc/$decrypt_pid/cmdline" "$pw" "decrypt's argv"
check_no_secret "/proc/$decrypt_pid/environ" "$pw" "decrypt's environment"
assert_eq "$(awk '/^Max core file size/ { print $5, $6 }' \
	"/proc/$decrypt_pid/limits")" "0 0" "decrypt sets RLIMIT_CORE to 0"
assert_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$decrypt_pid/status")" \
	"$nobody" "decrypt runs as nobody"
# The kernel makes the files in /proc/PID of a non-dumpable process owned
# by root (the directory itself keeps the process's uid).
assert_eq "$(stat -c %u "/proc/$decrypt_pid/environ")" 0 \
	"decrypt is not dumpable (/proc/PID/environ owned by root)"
cat "$d/blob" >&3
exec 3>&-
wait "$decrypt_pid" || fail "decrypt as nobody failed: $(cat "$d/decrypt.out")"
assert_eq "$(cat "$d/decrypt.out")" "$pw" "decrypt as nobody prints the password"
rm -f "$d/decrypt.out"	# the test's own copy, before the files are searched

# The control for the ownership check: a dumpable process of uid 65534.
setpriv --reuid=$nobody --regid=$nobody --clear-groups sleep 5 &
sleep_pid=$!
sleep 0.2
assert_eq "$(stat -c %u "/proc/$sleep_pid/environ")" "$nobody" \
	"a dumpable process of nobody owns its /proc/PID/environ"
kill "$sleep_pid"
wait "$sleep_pid" 2>/dev/null

# --- PAM through pamtester --------------------------------------------------

mkdir "$d/pam.d.host"
cat >"$d/pam.d.host/es-secrets" <<EOF
auth	required	$module config=$conf nodelay debug
account	required	$module config=$conf debug
session	required	$module config=$conf debug
EOF

# Runs pamtester for the support user in the namespace, with stdin from
# the FIFO $d/pam.fifo: pamtester_bg OPERATION...
pamtester_bg() {
	rm -f "$d/pam.fifo"
	mkfifo "$d/pam.fifo"
	unshare -m sh -c 'dir=$1 lib=$2 log=$3
		shift 3
		mount -n --bind "$dir" /etc/pam.d &&
		exec env LD_PRELOAD="$lib" ES_FAULT_SYSLOG="$log" pamtester -v \
		-I rhost=192.0.2.7 es-secrets edgesupport "$@"' sh \
		"$d/pam.d.host" "$fault_lib" "$syslog" "$@" \
		<"$d/pam.fifo" >"$d/pamtester.out" 2>&1 &
	pamtester_pid=$!
	exec 4>"$d/pam.fifo"
}

pamtester_bg authenticate acct_mgmt open_session close_session
wait_blocked "$pamtester_pid" || fatal "pamtester did not wait for the password"
assert_eq "$(cat "/proc/$pamtester_pid/comm")" pamtester \
	"pamtester waits for the password"
check_no_secret "/proc/$pamtester_pid/cmdline" "$pw" "pamtester's argv"
check_no_secret "/proc/$pamtester_pid/environ" "$pw" "pamtester's environment"
printf '%s\n' "$pw" >&4
exec 4>&-
status=0
wait "$pamtester_pid" || status=$?
assert_eq "$status" 0 "pamtester logs in with the password"

pamtester_bg authenticate
wait_blocked "$pamtester_pid" || fatal "pamtester did not wait for the password"
printf '%s\n' "$wrong_pw" >&4
exec 4>&-
status=0
wait "$pamtester_pid" || status=$?
[ "$status" != 0 ] && pass "pamtester rejects a wrong password" ||
	fail "pamtester accepted a wrong password"

pamd_after=$(find /etc/pam.d -type f -print0 | sort -z | xargs -0 sha256sum)
assert_eq "$pamd_after" "$pamd_before" "the host's /etc/pam.d is unchanged"

# --- edgesupport-ctl while it runs ------------------------------------------

# A process of the support uid that ignores SIGTERM keeps disable busy
# for its 5-second grace period, long enough to read /proc of the tool.
setpriv --reuid="$support_uid" --regid="$support_uid" --clear-groups \
	sh -c 'trap "" TERM; sleep 30' &
victim_pid=$!
sleep 0.2
env LD_PRELOAD="$fault_lib" ES_FAULT_SYSLOG="$syslog" "$ctl_bin" \
	--config "$conf" disable >"$d/disable.out" 2>&1 &
ctl_pid=$!
sleep 1
assert_eq "$(cat "/proc/$ctl_pid/comm" 2>/dev/null)" edgesupport-ctl \
	"disable is still running during the grace period"
assert_eq "$(awk '/^Max core file size/ { print $5, $6 }' \
	"/proc/$ctl_pid/limits" 2>/dev/null)" "0 0" \
	"edgesupport-ctl sets RLIMIT_CORE to 0"
check_no_secret "/proc/$ctl_pid/cmdline" "$pw" "edgesupport-ctl's argv"
check_no_secret "/proc/$ctl_pid/environ" "$pw" "edgesupport-ctl's environment"
wait "$ctl_pid" || fail "disable failed: $(cat "$d/disable.out")"
wait "$victim_pid" 2>/dev/null
assert_contains "$(cat "$d/disable.out")" "ended 2 process(es)" \
	"disable ended the support uid's processes"

# Root's /proc entries stay root's either way, so the non-dumpable flag
# of edgesupport-ctl is read from its system calls.
if command -v strace >/dev/null 2>&1; then
	strace -f -e trace=prctl,prlimit64,setrlimit -o "$d/strace" \
		"$ctl_bin" --config "$conf" enable >/dev/null 2>&1 ||
		fail "enable under strace failed"
	assert_contains "$(cat "$d/strace")" \
		"RLIMIT_CORE, {rlim_cur=0, rlim_max=0}" \
		"edgesupport-ctl sets RLIMIT_CORE to 0 (strace)"
	assert_contains "$(cat "$d/strace")" \
		"prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE) = 0" \
		"edgesupport-ctl marks itself non-dumpable (strace)"
	ctl disable >/dev/null 2>&1
else
	printf 'SKIP: strace not installed; dumpable flag of edgesupport-ctl not checked\n' >&2
fi

# --- logs, files and the key ------------------------------------------------

log=$(cat "$syslog")
assert_contains "$log" "authentication accepted" \
	"syslog capture sees the PAM module's success"
assert_contains "$log" "authentication failed: wrong password" \
	"syslog capture sees the PAM module's failure"
assert_contains "$log" "session opened" \
	"syslog capture sees the session"
if grep -q -F -e "$pw" "$syslog"; then
	fail "syslog contains the password"
else
	pass "syslog contains no password"
fi
if grep -q -F -e "$wrong_pw" "$syslog"; then
	fail "syslog contains the wrong password"
else
	pass "syslog contains no wrong password"
fi

found=$(grep -r -l -a -F -e "$pw" "$d" /run/edgesupport 2>/dev/null)
assert_eq "$found" "" "no file under the test directory or /run/edgesupport contains the password"

captured "$ctl_bin" --config "$conf" enable >"$d/blob" 2>/dev/null ||
	fatal "enable failed"
pw=$("$decrypt_bin" --key "$d/support.key" --cert "$d/support.cer" \
	<"$d/blob") || fatal "decrypt failed"
keyctl session - sh -c 'p=$(keyctl get_persistent @s 0) &&
	id=$(keyctl search "$p" user "$1") && keyctl pipe "$id"' sh \
	"$key_name" >"$d/payload" 2>/dev/null
[ -s "$d/payload" ] && pass "the key payload can be read" ||
	fail "the key payload could not be read"
if grep -q -a -F -e "$pw" "$d/payload"; then
	fail "the key payload contains the password"
else
	pass "the key payload contains no password"
fi
rm -f "$d/payload"

finish
