# The end-to-end flow, shared by tests/e2e/session.sh (make check) and
# tests/e2e/demo.sh. Sourced by bash after tests/lib.sh and
# tests/e2e/sandbox.sh; runs inside the sandbox (sb_enter). Each step prints
# the command it runs, the way an admin or a support engineer would type it,
# and asserts its result with pass/fail from tests/lib.sh.
#
# The support password lives only in shell variables and reaches ssh
# through sshpass -e (the SSHPASS environment variable), never argv. The
# transcript shows it masked.

# Finds the built programs and modules under $top_builddir; returns 1 and
# lists what is missing in $es_missing.
es_locate_build() {
	local name path candidate

	es_missing=
	for name in ctl:edgesupport-ctl decrypt:edgesupport-decrypt \
	    pam_module:pam_edgesupport.so nss_module:libnss_edgesupport.so.2; do
		path=
		for candidate in "$top_builddir/${name#*:}" \
		    "$top_builddir/tools/${name#*:}" \
		    "$top_builddir/.libs/${name#*:}" \
		    "$top_builddir/pam_edgesupport/.libs/${name#*:}" \
		    "$top_builddir/nss_edgesupport/.libs/${name#*:}"; do
			if [ -f "$candidate" ]; then
				path=$candidate
				break
			fi
		done
		[ -n "$path" ] || es_missing="$es_missing ${name#*:}"
		printf -v "es_${name%%:*}" '%s' "$path"
	done
	: "${es_config_path:=/etc/edgesupport/edgesupport.conf}"
	export es_config_path
	[ -z "$es_missing" ]
}

# Prints the transcript line for a command: tool paths become tool names,
# sandbox paths start with $SANDBOX, and the blob shows as "$BLOB".
# ssh_password and ssh_publickey show as the ssh commands they run, minus
# the options every connection shares (es_ssh_base).
es_show() {
	local arg line=

	case $1 in
	ssh_password)
		set -- sshpass -e ssh -o PreferredAuthentications="$4" \
		    "$3@127.0.0.1" "${@:5}" ;;
	ssh_publickey)
		set -- ssh -i "$sb/client/id_ed25519" \
		    -o PreferredAuthentications=publickey "$2@127.0.0.1" "${@:3}" ;;
	esac
	for arg in "$@"; do
		case $arg in
		"$es_ctl") arg=edgesupport-ctl ;;
		"$es_decrypt") arg=edgesupport-decrypt ;;
		"${es_blob:-no blob yet}") arg='"$BLOB"' ;;
		esac
		[ -z "${sb:-}" ] || arg=${arg//"$sb"/\$SANDBOX}
		case $arg in
		*[[:space:]\;\&\|\'\"\<\>]* | '')
			[ "$arg" = '"$BLOB"' ] || arg="'$arg'" ;;
		esac
		line="$line $arg"
	done
	printf '$%s\n' "$line"
}

es_say() {
	printf '\n== %s\n' "$*"
}

# Prints the text in $1 indented, so the transcript keeps output apart
# from commands.
es_print_output() {
	[ -n "$1" ] || return 0
	printf '%s\n' "$1" | sed 's/^/    /'
}

# Shows and runs a command: es_run WANT NAME CMD... WANT is an exit status
# or "nonzero". The output is printed and left in $out and $err.
es_run() {
	local want=$1 name=$2

	shift 2
	es_show "$@"
	status=0
	"$@" >"$es_tmp/out" 2>"$es_tmp/err" || status=$?
	out=$(cat "$es_tmp/out")
	err=$(cat "$es_tmp/err")
	es_print_output "$out"
	es_print_output "$err"
	es_check_status "$want" "$name"
}

es_check_status() {
	local want=$1 name=$2

	if [ "$want" = nonzero ] && [ "$status" != 0 ]; then
		pass "$name (exit status $status)"
	elif [ "$status" = "$want" ]; then
		pass "$name"
	else
		fail "$name: exit status $status, expected $want; stderr: $err"
	fi
}

# Checks that "$1" matches the extended regular expression $2 in full.
assert_match() {
	if printf '%s' "$1" | grep -Eqx -- "$2"; then
		pass "$3"
	else
		fail "$3: '$1' does not match /$2/"
	fi
}

assert_not_contains() {
	case "$1" in
	*"$2"*) fail "$3: '$2' found" ;;
	*) pass "$3" ;;
	esac
}

# ssh options shared by every connection: no user or host ssh_config, the
# sandbox's known_hosts, one password prompt so a wrong password fails at
# once. ssh still prints "Permission denied (METHODS)" with the methods
# the server offers.
es_ssh_base() {
	es_ssh_cmd=(ssh -F /dev/null -p "$sb_port"
	    -o StrictHostKeyChecking=no
	    -o UserKnownHostsFile="$sb/ssh/known_hosts"
	    -o ConnectTimeout=10 -o LogLevel=ERROR
	    -o NumberOfPasswordPrompts=1)
}

# Logs in with a password: ssh_password VAR USER METHOD COMMAND. VAR names
# the shell variable that contains the password, so that the value appears in
# no argv and no transcript.
ssh_password() {
	local var=$1 user=$2 method=$3

	shift 3
	es_ssh_base
	SSHPASS=${!var} sshpass -e "${es_ssh_cmd[@]}" \
	    -o PubkeyAuthentication=no \
	    -o PreferredAuthentications="$method" "$user@127.0.0.1" "$@"
}

# Logs in with the client's key: ssh_publickey USER COMMAND.
ssh_publickey() {
	local user=$1

	shift
	es_ssh_base
	"${es_ssh_cmd[@]}" -o BatchMode=yes -o IdentitiesOnly=yes \
	    -i "$sb/client/id_ed25519" -o PreferredAuthentications=publickey \
	    "$user@127.0.0.1" "$@"
}

# Waits up to $1 seconds for the command "$@" to succeed.
es_wait_for() {
	local deadline=$(($(date +%s) + $1))

	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

es_pids_gone() {
	local pid

	for pid in "$@"; do
		! kill -0 "$pid" 2>/dev/null || return 1
	done
}

# Starts a background session that prints "started" and sleeps; sets
# es_session_pid to the client's pid and waits for the shell to start.
es_start_session() {
	local log=$es_tmp/session-$1.out

	printf '%s\n' "\$ sshpass -e ssh -o PreferredAuthentications=password edgesupport@127.0.0.1 'echo started; exec sleep 300' &"
	ssh_password es_password edgesupport password \
	    'echo started; exec sleep 300' >"$log" 2>&1 &
	es_session_pid=$!
	if es_wait_for 15 grep -q '^started$' "$log"; then
		pass "session $1 started"
	else
		fail "session $1 did not start: $(cat "$log")"
	fi
}

# Counts the processes whose real uid is the support uid.
es_count_support_processes() {
	pgrep -c -U "$sb_uid" || true
}

# Seconds since boot (CLOCK_BOOTTIME), as /proc/uptime shows them.
es_boot_seconds() {
	cut -d. -f1 /proc/uptime
}

# Records a password so that the log checks can look for it.
es_remember_password() {
	es_all_passwords+=("$es_password")
}

# Runs edgesupport-ctl enable with "$@" and decrypts the blob into
# es_password.
flow_enable() {
	es_run 0 "enable prints a blob" "$es_ctl" --config "$es_config_path" \
	    enable "$@"
	es_blob=$out
	assert_eq "${#es_blob}" 456 "blob is 456 base64 characters"
	assert_match "$es_blob" '[A-Za-z0-9+/]+={0,2}' "blob is one line of base64"

	es_show "$es_decrypt" --key "$sb/client/support.key" "$es_blob"
	status=0
	es_password=$("$es_decrypt" --key "$sb/client/support.key" \
	    "$es_blob" 2>"$es_tmp/err") || status=$?
	err=$(cat "$es_tmp/err")
	es_print_output "$(printf '%s' "$es_password" | tr -c '\n' '*')"
	es_check_status 0 "decrypt the blob with the support key"
	assert_eq "${#es_password}" 15 "password is 15 characters"
	assert_match "$es_password" '[A-Za-z0-9]{15}' "password is alphanumeric"
	es_remember_password
}

flow_prepare() {
	es_say "Sandbox: private mount, network and PID namespaces"
	sb_setup
	sb_install_modules || fatal "copying the modules into the sandbox failed"
	printf 'SANDBOX=%s\n' "$sb"
	printf 'config %s:\n' "$es_config_path"
	es_print_output "$(grep -v '^#' "$es_config_path")"

	es_run 0 "NSS serves the support account" getent passwd edgesupport
	assert_eq "$(echo "$out" | cut -d: -f3)" "$sb_uid" "NSS returns the configured uid"
	es_run 0 "NSS serves the shadow entry" getent shadow edgesupport
	assert_eq "$(echo "$out" | cut -d: -f2)" '!*' "shadow password is locked"

	es_local_password=$(openssl rand -hex 12)
	printf '%s' "$es_local_password" | sb_add_local_user e2elocal ||
		fatal "adding the local user e2elocal failed"
	ssh-keygen -q -t ed25519 -N '' -C e2e-client \
	    -f "$sb/client/id_ed25519" || fatal "ssh-keygen failed"
}

flow_certificate() {
	local cert=$sb/client/support.cer key=$sb/client/support.key

	es_say "Support side: a test certificate and key"
	es_run 0 "new-cert creates a pair" "$es_decrypt" new-cert \
	    --dns support.test --out-cert "$cert" --out-key "$key"
	es_thumbprint=$(printf '%s\n' "$out" | sed -n 's/^thumbprint: //p')
	assert_match "$es_thumbprint" '[0-9A-F]{40}' "new-cert prints a thumbprint"
	assert_eq "$(openssl x509 -inform DER -in "$cert" -noout -fingerprint \
	    -sha1 | sed 's/.*=//; s/://g')" "$es_thumbprint" \
	    "thumbprint is openssl's SHA-1 fingerprint"

	es_say "Device side: install the certificate"
	es_run 0 "cert install" "$es_ctl" --config "$es_config_path" cert \
	    install "$cert"
	assert_contains "$out" "$es_thumbprint" "cert install prints the thumbprint"
	es_run 0 "cert show" "$es_ctl" --config "$es_config_path" cert show
	assert_eq "$(printf '%s\n' "$out" | sed -n 's/^thumbprint: //p')" \
	    "$es_thumbprint" "cert show thumbprint equals new-cert's"
}

# Runs su or login on a pseudo-terminal, typing the password held in the
# variable named $1 (never in argv): pty_login VAR COMMAND...
pty_login() {
	local var=$1

	shift
	ES_PTY_PASSWORD=${!var} python3 "$top_srcdir/tests/e2e/pty-login.py" \
	    "$@"
}

# su and login on the device itself, through their own PAM services.
flow_local_login() {
	es_say "Device side: su and login as the support account"
	es_run 0 "su - edgesupport from a local user" \
	    pty_login es_password setpriv --reuid e2elocal --regid e2elocal \
	    --init-groups su - edgesupport -c whoami
	assert_contains "$out" edgesupport "whoami after su"
	es_run nonzero "su - edgesupport with a wrong password" \
	    pty_login es_wrong_password setpriv --reuid e2elocal \
	    --regid e2elocal --init-groups su - edgesupport -c whoami
	ES_PTY_INPUT=$'whoami; exit\n' es_run 0 "login edgesupport" \
	    pty_login es_password login edgesupport
	assert_contains "$out" edgesupport "whoami after login"
}

flow_login() {
	es_say "Device side: enable support access"
	flow_enable

	es_say "Support side: log in"
	sb_start_sshd
	es_run 0 "local user logs in through pam_unix" \
	    ssh_password es_local_password e2elocal password whoami
	assert_eq "$out" e2elocal "local user whoami"
	es_run 0 "login with method password" \
	    ssh_password es_password edgesupport password whoami
	assert_eq "$out" edgesupport "whoami after password login"
	es_run 0 "login with method keyboard-interactive" \
	    ssh_password es_password edgesupport keyboard-interactive whoami
	assert_eq "$out" edgesupport "whoami after keyboard-interactive login"

	es_wrong_password=$(openssl rand -hex 8 | cut -c1-15)
	es_all_passwords+=("$es_wrong_password")
	es_run nonzero "wrong password is rejected" \
	    ssh_password es_wrong_password edgesupport password whoami
	es_run 0 "PAM account phase allows the support user while enabled" \
	    pamtester sshd edgesupport acct_mgmt
	flow_local_login
}

# Sessions and a public-key login that have to end with disable.
flow_sessions() {
	es_say "Support side: a public key added during the session"
	printf '%s\n' "\$ sshpass -e ssh edgesupport@127.0.0.1 'umask 077; mkdir -p .ssh; cat >.ssh/authorized_keys' <\$SANDBOX/client/id_ed25519.pub"
	status=0
	ssh_password es_password edgesupport password \
	    'umask 077; mkdir -p .ssh; cat >.ssh/authorized_keys' \
	    <"$sb/client/id_ed25519.pub" >"$es_tmp/out" 2>&1 || status=$?
	err=$(cat "$es_tmp/out")
	es_check_status 0 "support user writes authorized_keys"
	es_run 0 "public-key login works while enabled (no drop-in)" \
	    ssh_publickey edgesupport whoami
	assert_eq "$out" edgesupport "whoami after public-key login"

	es_say "Support side: two sessions at once"
	es_start_session 1
	es_session1=$es_session_pid
	es_start_session 2
	es_session2=$es_session_pid
	es_run 0 "processes of the support user" pgrep -a -U "$sb_uid"
	es_support_processes=$(es_count_support_processes)
	assert_eq "$(pgrep -c -U "$sb_uid" -x sleep)" 2 "two sessions run at once"
	if grep -qsF -- "$es_password" /proc/[0-9]*/cmdline; then
		fail "the password appears in a process's argv"
	else
		pass "no process has the password in its argv"
	fi
}

flow_disable() {
	local ended start=$SECONDS

	es_say "Device side: disable"
	es_run 0 "disable" "$es_ctl" --config "$es_config_path" disable
	ended=$(printf '%s\n' "$out" | grep -i process | grep -Eo '[0-9]+' | head -1)
	assert_eq "$ended" "$es_support_processes" \
	    "disable reports the number of processes ended"
	if es_wait_for 10 es_pids_gone "$es_session1" "$es_session2"; then
		pass "both sessions ended (ssh clients exited) within $((SECONDS - start)) s"
	else
		fail "sessions still running 10 s after disable"
	fi
	assert_eq "$(es_count_support_processes)" 0 "no support process is left"

	es_say "Support side: access after disable"
	es_run nonzero "password login is rejected after disable" \
	    ssh_password es_password edgesupport password whoami
	es_run nonzero "keyboard-interactive login is rejected after disable" \
	    ssh_password es_password edgesupport keyboard-interactive whoami
	es_run nonzero "public-key login is rejected after disable" \
	    ssh_publickey edgesupport whoami
	assert_contains "$(cat "$sb/ssh/sshd.log")" \
	    "Access denied for user edgesupport by PAM account configuration" \
	    "sshd reports the PAM account denial"
	es_run nonzero "PAM account phase denies the support user" \
	    pamtester sshd edgesupport acct_mgmt
	assert_contains "$err" "Permission denied" \
	    "account phase returns PAM_PERM_DENIED"
	es_run 3 "status reports not enabled" "$es_ctl" --config \
	    "$es_config_path" status
}

# With the package's sshd drop-in, sshd offers no public-key method to the
# support user, but still does to other users.
flow_drop_in() {
	local drop_in=$top_srcdir/data/sshd_config.d/edgesupport.conf settings

	es_say "sshd with the package's drop-in ($drop_in)"
	if [ ! -f "$drop_in" ]; then
		fail "$drop_in not found"
		return
	fi
	sb_start_sshd "$drop_in"
	settings="/usr/sbin/sshd -T -f $sb/ssh/sshd_config"
	settings="$settings -C user=edgesupport,host=localhost,addr=127.0.0.1"
	settings="$settings | grep -E '(authentication|authenticationmethods) '"
	es_run 0 "sshd -T for the support user" sh -c "$settings"
	assert_contains "$out" "pubkeyauthentication no" \
	    "drop-in turns public-key authentication off for edgesupport"
	flow_enable
	es_run nonzero "public-key login is rejected with the drop-in" \
	    ssh_publickey edgesupport whoami
	es_offered=$(printf '%s\n' "$err" | sed -n 's/.*Permission denied (\(.*\)).*/\1/p')
	assert_contains "$es_offered" password "sshd offers edgesupport password"
	assert_not_contains "$es_offered" publickey \
	    "publickey not offered to edgesupport"
	es_run 0 "password login works with the drop-in" \
	    ssh_password es_password edgesupport password whoami
	assert_eq "$out" edgesupport "whoami with the drop-in"
	es_run nonzero "local user: key not authorized, probe the methods" \
	    ssh_publickey e2elocal true
	assert_contains "$err" "Permission denied (publickey" \
	    "publickey still offered to other users"
	es_run 0 "disable" "$es_ctl" --config "$es_config_path" disable
}

# Prints the path of a data file: the one the build generated from its .in
# template, else the template itself.
es_data_file() {
	if [ -f "$top_builddir/data/$1" ]; then
		echo "$top_builddir/data/$1"
	else
		echo "$top_srcdir/data/$2"
	fi
}

# Replaces the installed path of edgesupport-ctl, whatever its directory
# (or an unsubstituted @sbindir@), with the built binary.
es_use_built_ctl() {
	sed "s|[^[:space:]=\"']*/edgesupport-ctl|$es_ctl|g"
}

# Prints the command of the first job in the cron file. /etc/cron.d lines
# have five time fields and a user before the command.
es_cron_command() {
	grep -Ev '^[[:space:]]*(#|$|[A-Za-z_][A-Za-z0-9_]*=)' \
	    "$(es_data_file cron.d/edgesupport edgesupport.cron.in)" | head -1 |
	    sed -E 's/^[[:space:]]*([^[:space:]]+[[:space:]]+){6}//' |
	    es_use_built_ctl
}

# Prints the service's ExecStart command without systemd's prefix
# characters.
es_service_command() {
	sed -n 's/^ExecStart=[-@:+!]*//p' "$(es_data_file \
	    edgesupport-expire.service edgesupport-expire.service.in)" |
	    head -1 | es_use_built_ctl
}

# Waits until the boot clock reaches $1 seconds.
es_sleep_until_boot() {
	local left=$(($1 - $(es_boot_seconds)))

	if [ "$left" -gt 0 ]; then
		printf '(waiting %d s of boot time)\n' "$left"
		sleep "$left"
	fi
}

# Checks that the session es_session1 and new logins have ended.
es_check_ended() {
	if es_wait_for 10 es_pids_gone "$es_session1"; then
		pass "$1: session ended"
	else
		fail "$1: session still runs"
	fi
	es_run nonzero "$1: login is rejected" \
	    ssh_password es_password edgesupport password whoami
}

flow_expire_boottime() {
	local start cmd

	es_say "Expiry after --lifetime 10s, by the cron job"
	cmd=$(es_cron_command)
	if [ -z "$cmd" ]; then
		fail "no command found in data/edgesupport.cron"
		return
	fi
	sb_start_sshd
	start=$(es_boot_seconds)
	flow_enable --lifetime 10s
	es_start_session 1
	es_session1=$es_session_pid
	es_sleep_until_boot $((start + 12))
	es_run 0 "cron job command" sh -c "$cmd"
	es_check_ended "after the lifetime, cron"
}

flow_expire_wallclock() {
	local start cmd expire

	es_say "Expiry on the boot clock, with the wall clock moved"
	cmd=$(es_service_command)
	if [ -z "$cmd" ]; then
		fail "no ExecStart found in data/edgesupport-expire.service"
		return
	fi
	expire=("$es_ctl" --config "$es_config_path" expire)
	export FAKETIME_DONT_FAKE_MONOTONIC=1
	start=$(es_boot_seconds)
	flow_enable --lifetime 20s
	es_start_session 1
	es_session1=$es_session_pid

	es_run 0 "expire with the wall clock 1 day ahead" \
	    faketime -f '+1d' "${expire[@]}"
	assert_eq "$out" "" "expire is silent while the lifetime lasts"
	es_run 0 "expire with the wall clock 1 day back" \
	    faketime -f '-1d' "${expire[@]}"
	if kill -0 "$es_session1" 2>/dev/null; then
		pass "a wall clock moved forward or back does not end access early"
	else
		fail "session ended before the lifetime"
	fi
	es_run 0 "login still works within the lifetime" \
	    ssh_password es_password edgesupport password whoami

	# NOTE: once the lifetime is over the key's kernel timeout has removed
	# the record too, so this step shows that access ends, not which of
	# the two clocks ended it. The +1d run above is the one that fails if
	# expire compares the wall clock.
	es_sleep_until_boot $((start + 22))
	es_run 0 "service command with the wall clock 1 day back" \
	    faketime -f '-1d' sh -c "$cmd"
	es_check_ended "wall clock back, lifetime over"
	unset FAKETIME_DONT_FAKE_MONOTONIC
}

flow_units() {
	local dir=$sb/units

	es_say "systemd units"
	if ! command -v systemd-analyze >/dev/null; then
		echo "systemd-analyze not found: unit check skipped"
		return
	fi
	mkdir -p "$dir"
	es_use_built_ctl <"$(es_data_file edgesupport-expire.service \
	    edgesupport-expire.service.in)" >"$dir/edgesupport-expire.service"
	cp "$top_srcdir/data/edgesupport-expire.timer" "$dir/"
	# verify runs man(1) on each Documentation= page: point it at the
	# source tree's pages.
	mkdir -p "$dir/man/man8"
	cp "$top_srcdir"/man/*.8 "$dir/man/man8/" 2>/dev/null
	es_run 0 "systemd-analyze verify" env MANPATH="$dir/man" \
	    systemd-analyze verify "$dir/edgesupport-expire.timer" \
	    "$dir/edgesupport-expire.service"
}

# Checks that no log the sandbox wrote contains any password used.
flow_logs() {
	local password found=

	es_say "Logs"
	for password in "${es_all_passwords[@]}"; do
		if grep -rqsF -- "$password" "$sb/ssh" "$sb/overlay/_var_log"; then
			found=1
		fi
	done
	if [ -n "$found" ]; then
		fail "a password appears in the sshd log or /var/log"
	else
		pass "no password in the sshd log or /var/log (${#es_all_passwords[@]} checked)"
	fi
}

# Runs the steps named in "$@" inside the sandbox.
flow_main() {
	local step

	es_all_passwords=()
	flow_prepare
	for step in "$@"; do
		"flow_$step"
	done
	flow_logs
	sb_stop_sshd
}
