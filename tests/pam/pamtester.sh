#!/bin/sh
# pam_edgesupport through pamtester and real PAM stacks (the module alone,
# and next to pam_unix as Debian's common-* files have it), with the
# support account served by the built NSS module and a throwaway local
# user. Runs inside a private mount namespace whose /etc/pam.d,
# /etc/nsswitch.conf, /etc/passwd, /etc/shadow, /etc/group and /dev are
# bind mounts or tmpfs; /dev/log there is a listener that records what
# pam_syslog() sends. The host files are compared before and after.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

: "${top_builddir:=$top_srcdir}"
module=$top_builddir/pam_edgesupport/.libs/pam_edgesupport.so
nss_dir=$top_builddir/nss_edgesupport/.libs
es_enable=$top_builddir/tests/pam/es-enable
listener=$top_srcdir/tests/pam/syslog-listener.py

pw1=Xq4vT9mLr2Wz7Kp
pw2=Hn3bY8cVd5Fs1Jt
wrong_pw=Xq4vT9mLr2Wz7Kq
throw_pw=Thr0w-away-8812
rhost=192.0.2.10
nl='
'

# Prints checksums of the host files the namespace shadows, and the names
# in /dev, where the namespace's /dev/log must not leak.
host_snapshot() {
	find /etc/pam.d /etc/nsswitch.conf /etc/passwd /etc/shadow /etc/group \
	    -type f -print0 | sort -z | xargs -0 sha256sum
	ls -A /dev
}

# Replaces /dev with a tmpfs that carries the usual device nodes (bind
# mounts of the host's) and the listener's /dev/log. The host's /dev is a
# devtmpfs shared with every namespace, so no file may be created there.
private_dev() {
	mkdir "$es_tmp/hostdev" &&
	mount -n --rbind /dev "$es_tmp/hostdev" &&
	mount -n -t tmpfs -o mode=0755 tmpfs /dev || return 1

	for node in null zero full random urandom tty; do
		: >"/dev/$node" &&
		mount -n --bind "$es_tmp/hostdev/$node" "/dev/$node" || return 1
	done
	for dir in pts shm; do
		mkdir "/dev/$dir" &&
		mount -n --rbind "$es_tmp/hostdev/$dir" "/dev/$dir" || return 1
	done
	ln -s /proc/self/fd /dev/fd &&
	ln -s /proc/self/fd/0 /dev/stdin &&
	ln -s /proc/self/fd/1 /dev/stdout &&
	ln -s /proc/self/fd/2 /dev/stderr &&
	ln -s pts/ptmx /dev/ptmx
}

start_listener() {
	: >"$es_tmp/syslog"
	python3 "$listener" /dev/log "$es_tmp/syslog" &
	listener_pid=$!
	for _ in $(seq 50); do
		[ -S /dev/log ] && return 0
		sleep 0.1
	done
	return 1
}

# Sends a marker through /dev/log and waits until the listener wrote it;
# datagrams on one socket arrive in order, so every earlier line is there.
sync_log() {
	marker="pamtester-sync-$$-$1"
	logger -p authpriv.info -t pamtester.sh "$marker"
	for _ in $(seq 50); do
		grep -q "$marker" "$es_tmp/syslog" && return 0
		sleep 0.1
	done
	fatal "syslog listener did not receive $marker"
}

# Finds a number >= $1 that is neither a uid nor a gid yet.
free_id() {
	id=$1
	while getent passwd "$id" >/dev/null || getent group "$id" >/dev/null; do
		id=$((id + 1))
	done
	echo "$id"
}

write_config() {
	cat >"$es_tmp/edgesupport.conf" <<-EOF
	# pamtester.sh test config
	user = edgesupport
	uid = $support_id
	gid = $support_id
	home = /nonexistent
	shell = /usr/sbin/nologin
	key_name = edgesupport-test-$$-pamtester:otp
	lock_file = $es_tmp/lock
	max_failures = 5
	lockout_time = 15m
	EOF
}

# Writes the service files; MOD stands for the module with its config.
write_services() {
	dir=$es_tmp/pam.d
	mod="$module config=$es_tmp/edgesupport.conf nodelay"
	mkdir "$dir" || return 1

	cat >"$dir/other" <<-EOF
	auth	required	pam_deny.so
	account	required	pam_deny.so
	password	required	pam_deny.so
	session	required	pam_deny.so
	EOF

	cat >"$dir/es-only" <<-EOF
	auth	[success=done ignore=ignore default=die]	$mod
	auth	requisite	pam_deny.so
	account	[success=done ignore=ignore default=die]	$mod
	account	requisite	pam_deny.so
	password	[success=done ignore=ignore default=die]	$mod
	password	requisite	pam_deny.so
	session	required	$mod
	EOF

	# The jumps are what pam-auth-update writes for "success=end" with
	# the module ahead of pam_unix in the Primary blocks.
	cat >"$dir/es-common" <<-EOF
	auth	[success=2 new_authtok_reqd=done ignore=ignore default=die]	$mod
	auth	[success=1 default=ignore]	pam_unix.so nullok
	auth	requisite	pam_deny.so
	auth	required	pam_permit.so
	account	[success=2 new_authtok_reqd=done ignore=ignore default=die]	$mod
	account	[success=1 new_authtok_reqd=done default=ignore]	pam_unix.so
	account	requisite	pam_deny.so
	account	required	pam_permit.so
	password	[success=2 ignore=ignore default=die]	$mod
	password	[success=1 default=ignore]	pam_unix.so obscure yescrypt
	password	requisite	pam_deny.so
	password	required	pam_permit.so
	session	required	pam_permit.so
	session	required	pam_unix.so
	session	optional	$mod
	EOF

	cat >"$dir/unix-only" <<-EOF
	auth	required	pam_unix.so
	account	required	pam_unix.so
	EOF

	cat >"$dir/es-debug" <<-EOF
	auth	[success=done ignore=ignore default=die]	$mod debug bogus_option
	auth	requisite	pam_deny.so
	EOF
}

# Copies passwd, shadow and group with a throwaway user "esthrow" added
# and binds the copies over the originals. The support account is not in
# them: the NSS module serves it.
add_throwaway_user() {
	throw_id=$(free_id 62500)
	hash=$(printf '%s' "$throw_pw" | openssl passwd -6 -stdin) || return 1
	for file in passwd shadow group; do
		cp -p "/etc/$file" "$es_tmp/$file" || return 1
	done
	echo "esthrow:x:$throw_id:$throw_id::/nonexistent:/bin/sh" \
	    >>"$es_tmp/passwd" &&
	echo "esthrow:$hash:19000:0:99999:7:::" >>"$es_tmp/shadow" &&
	echo "esthrow:x:$throw_id:" >>"$es_tmp/group" || return 1
	for file in passwd shadow group; do
		mount -n --bind "$es_tmp/$file" "/etc/$file" || return 1
	done
}

# Puts "edgesupport" after "files" on the passwd, group and shadow lines.
use_nss_module() {
	sed -E '/^(passwd|group|shadow):/s/([[:space:]]files)([[:space:]]|$)/\1 edgesupport\2/' \
	    /etc/nsswitch.conf >"$es_tmp/nsswitch.conf" || return 1
	[ "$(grep -cE '^(passwd|group|shadow):.*files edgesupport' \
	    "$es_tmp/nsswitch.conf")" = 3 ] || return 1
	mount -n --bind "$es_tmp/nsswitch.conf" /etc/nsswitch.conf
}

# Runs pamtester with stdin from $1 and the NSS module visible:
# pam INPUT SERVICE USER OPERATION...
pam() {
	input=$1
	shift
	printf '%s' "$input" |
		EDGESUPPORT_NSS_CONFIG=$es_tmp/edgesupport.conf \
		LD_LIBRARY_PATH=$nss_dir \
		pamtester -I rhost=$rhost -I tty=ssh "$@"
}

# Stores a record for password $1; further arguments go to es-enable.
enable_access() {
	password=$1
	shift
	printf '%s\n' "$password" |
		"$es_enable" "$@" "$es_tmp/edgesupport.conf" ||
		fatal "es-enable failed"
}

disable_access() {
	"$es_enable" --disable "$es_tmp/edgesupport.conf" >/dev/null
}

show() {
	"$es_enable" --show "$es_tmp/edgesupport.conf"
}

check_password_inputs() {
	enable_access "$pw1"
	assert_status 0 "auth right password, module alone" \
		pam "$pw1$nl" es-only edgesupport authenticate
	assert_status 0 "auth right password, common stack" \
		pam "$pw1$nl" es-common edgesupport authenticate
	assert_status 1 "auth wrong password" \
		pam "$wrong_pw$nl" es-common edgesupport authenticate
	assert_status 1 "auth empty password" \
		pam "$nl" es-common edgesupport authenticate
	long=$(head -c 4096 /dev/zero | tr '\0' A)
	assert_status 1 "auth 4 KiB password" \
		pam "$long$nl" es-common edgesupport authenticate
	# pamtester's conversation (misc_conv) reads up to the first newline,
	# so no password with a newline reaches the module from here. The C
	# test test-auth sends "PASSWORD\n" and sshd's fake password instead.
	# A carriage return, as in a line pasted from Windows, does pass.
	assert_status 1 "auth trailing carriage return" \
		pam "$pw1$(printf '\r')$nl" es-common edgesupport authenticate
	assert_status 1 "auth trailing space" \
		pam "$pw1 $nl" es-common edgesupport authenticate
	assert_status 0 "auth right password after failures" \
		pam "$pw1$nl" es-common edgesupport authenticate
}

check_other_users() {
	assert_status 1 "EdgeSupport denied, common stack" \
		pam "$pw1$nl" es-common EdgeSupport authenticate
	assert_status 1 "EdgeSupport denied, module alone" \
		pam "$pw1$nl" es-only EdgeSupport authenticate
	assert_status 0 "local user right password via pam_unix" \
		pam "$throw_pw$nl" es-common esthrow authenticate
	assert_status 1 "local user wrong password via pam_unix" \
		pam "$pw1$nl" es-common esthrow authenticate
	assert_status 0 "local user account via pam_unix" \
		pam "" es-common esthrow acct_mgmt
	assert_status 1 "local user not served by module alone" \
		pam "$throw_pw$nl" es-only esthrow authenticate
	assert_status 1 "pam_unix cannot authenticate support user" \
		pam "$pw1$nl" unix-only edgesupport authenticate
	assert_eq "$(LD_LIBRARY_PATH=$nss_dir \
	    EDGESUPPORT_NSS_CONFIG=$es_tmp/edgesupport.conf \
	    getent shadow edgesupport | cut -d: -f2)" '!*' \
		"support account shadow entry locked"
}

# An "edgesupport" line with another uid in /etc/passwd, which files
# serves before the NSS module, must not let the support password in.
check_uid_clash() {
	enable_access "$pw1"
	cp "$es_tmp/passwd" "$es_tmp/passwd.orig" || fatal "cannot copy passwd"
	echo "edgesupport:x:$throw_id:$throw_id::/nonexistent:/bin/sh" \
	    >>"$es_tmp/passwd"
	assert_status 1 "auth denied when the name has another uid" \
		pam "$pw1$nl" es-common edgesupport authenticate
	assert_status 1 "account denied when the name has another uid" \
		pam "" es-common edgesupport acct_mgmt
	# Rewrite in place: the bind mount follows the inode, not the name.
	cat "$es_tmp/passwd.orig" >"$es_tmp/passwd"
	assert_status 0 "auth accepted again once the clash is gone" \
		pam "$pw1$nl" es-common edgesupport authenticate
}

check_account_phases() {
	assert_status 0 "account enabled" \
		pam "" es-common edgesupport acct_mgmt
	assert_status 0 "session open and close" \
		pam "" es-common edgesupport open_session close_session
	assert_status 1 "chauthtok denied" \
		pam "NewPass-12345$nl" es-common edgesupport chauthtok
	assert_contains "$err" "cannot be changed" "chauthtok tells the user"
	assert_status 1 "chauthtok denied, module alone" \
		pam "NewPass-12345$nl" es-only edgesupport chauthtok
}

check_reenable_and_limits() {
	enable_access "$pw2"
	assert_status 1 "old password after re-enable" \
		pam "$pw1$nl" es-common edgesupport authenticate
	assert_status 0 "new password after re-enable" \
		pam "$pw2$nl" es-common edgesupport authenticate

	enable_access "$pw2" --max-logins 1
	assert_status 0 "max-logins 1, first login" \
		pam "$pw2$nl" es-common edgesupport authenticate
	assert_status 1 "max-logins 1, second login" \
		pam "$pw2$nl" es-common edgesupport authenticate
}

check_lockout() {
	enable_access "$pw1"
	for i in 1 2 3 4 5; do
		assert_status 1 "wrong password $i of 5" \
			pam "$wrong_pw$nl" es-common edgesupport authenticate
	done
	assert_contains "$(show)" "failures=5 locked=yes" "locked after 5"
	assert_status 1 "right password while locked" \
		pam "$pw1$nl" es-common edgesupport authenticate
	assert_status 0 "account while locked" \
		pam "" es-common edgesupport acct_mgmt

	enable_access "$pw1"
	assert_status 0 "re-enable clears lockout" \
		pam "$pw1$nl" es-common edgesupport authenticate
}

check_disable_and_expiry() {
	disable_access
	assert_status 1 "auth after disable" \
		pam "$pw1$nl" es-common edgesupport authenticate
	assert_status 1 "account after disable" \
		pam "" es-common edgesupport acct_mgmt
	assert_contains "$err" "not enabled" "account disabled tells the user"

	enable_access "$pw1" --lifetime 2s
	assert_status 0 "auth before 2 s lifetime ends" \
		pam "$pw1$nl" es-common edgesupport authenticate
	sleep 3
	assert_status 1 "auth after kernel expiry" \
		pam "$pw1$nl" es-common edgesupport authenticate
	assert_status 1 "account after kernel expiry" \
		pam "" es-common edgesupport acct_mgmt
}

check_debug() {
	enable_access "$pw1"
	assert_status 0 "auth with debug and unknown option" \
		pam "$pw1$nl" es-debug edgesupport authenticate
	assert_status 1 "other user on debug stack" \
		pam "$throw_pw$nl" es-debug esthrow authenticate
}

# Prints the log lines of pam_edgesupport.
module_log() {
	grep 'pam_edgesupport(' "$es_tmp/syslog"
}

check_log() {
	sync_log end
	log=$(module_log)
	printf '%s\n' "$log" >"$es_tmp/module.log"

	assert_contains "$log" \
	    "authentication accepted (login 1); user=edgesupport service=es-only rhost=$rhost tty=ssh" \
	    "log success with user, service, rhost"
	assert_contains "$log" \
	    "authentication failed: wrong password (failure 1 of 5); user=edgesupport service=es-common rhost=$rhost" \
	    "log wrong password"
	assert_contains "$log" "authentication failed: empty password" \
	    "log empty password"
	assert_contains "$log" "password longer than 512 bytes" \
	    "log long password"
	assert_contains "$log" "account locked for 900 seconds after 5 failures" \
	    "log lockout"
	assert_contains "$log" "authentication failed: account locked for another" \
	    "log attempt while locked"
	assert_contains "$log" "authentication failed: login limit reached (1 of 1)" \
	    "log login limit"
	assert_contains "$log" "authentication failed: support access disabled" \
	    "log disabled"
	assert_contains "$log" "authentication failed: support access expired" \
	    "log expired"
	assert_contains "$log" "account denied: support access disabled" \
	    "log account denied"
	assert_contains "$log" "session opened, pid=" "log session open"
	assert_contains "$log" "session closed, pid=" "log session close"
	assert_contains "$log" "password change denied" "log chauthtok"
	assert_contains "$log" "unknown option: bogus_option" \
	    "log unknown option"
	assert_contains "$log" "not the support account, ignored; user=esthrow" \
	    "log debug line with debug option"

	# authpriv is facility 10: priorities 80 to 87.
	assert_eq "$(printf '%s\n' "$log" | grep -cv '^<8[0-7]>')" 0 \
	    "every line logged to authpriv"
	assert_eq "$(printf '%s\n' "$log" | grep '^<87>' |
	    grep -cv 'service=es-debug')" 0 \
	    "debug lines only with debug option"

	for secret in "$pw1" "$pw2" "$wrong_pw" "$throw_pw" NewPass-12345; do
		if grep -qF "$secret" "$es_tmp/syslog"; then
			fail "password '$secret' appears in the log"
		else
			pass "password '$secret' not in the log"
		fi
	done

	if [ "$es_failures" -ne 0 ]; then
		echo "--- pam_edgesupport log lines:" >&2
		cat "$es_tmp/module.log" >&2
	fi
}

# Runs inside the namespace: sets it up, runs every check, and exits with
# the test's status. es_tmp comes from the outer run.
inside() {
	es_tmp=$1
	trap 'disable_access; [ -n "${listener_pid:-}" ] && kill "$listener_pid"' EXIT

	private_dev || fatal "cannot set up a private /dev"
	start_listener || fatal "syslog listener did not start"
	support_id=$(free_id 64990)
	write_config || fatal "cannot write the config"
	write_services || fatal "cannot write the service files"
	mount -n --bind "$es_tmp/pam.d" /etc/pam.d ||
		fatal "cannot bind $es_tmp/pam.d over /etc/pam.d"
	add_throwaway_user || fatal "cannot add the throwaway user"
	use_nss_module || fatal "cannot add edgesupport to nsswitch.conf"

	# Guards against testing the wrong thing: the account must come from
	# the NSS module, not from a file.
	grep -q '^edgesupport:' /etc/passwd &&
		fatal "edgesupport is in /etc/passwd; this test needs the NSS module"
	assert_eq "$(EDGESUPPORT_NSS_CONFIG=$es_tmp/edgesupport.conf \
	    LD_LIBRARY_PATH=$nss_dir getent passwd edgesupport | cut -d: -f3)" \
	    "$support_id" "NSS module serves the support account"

	check_password_inputs
	check_other_users
	check_account_phases
	check_uid_clash
	check_reenable_and_limits
	check_lockout
	check_disable_and_expiry
	check_debug
	check_log
	finish
}

if [ "${1:-}" = --inside ]; then
	inside "$2"
fi

require_root
require_cmd pamtester unshare python3 openssl logger getent
[ -e "$module" ] || fatal "$module not built"
[ -e "$nss_dir/libnss_edgesupport.so.2" ] ||
	fatal "$nss_dir/libnss_edgesupport.so.2 not built"
[ -x "$es_enable" ] || fatal "$es_enable not built"
make_tmpdir

host_snapshot >"$es_tmp/host.before"
status=0
unshare -m --propagation private sh "$0" --inside "$es_tmp" || status=$?
host_snapshot >"$es_tmp/host.after"

if cmp -s "$es_tmp/host.before" "$es_tmp/host.after"; then
	pass "host pam.d, nsswitch.conf, passwd, shadow, group, /dev unchanged"
else
	diff "$es_tmp/host.before" "$es_tmp/host.after" >&2
	fail "host files changed"
	status=1
fi
exit "$status"
