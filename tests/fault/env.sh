# Shared setup for the fault, race, bad-input and secrets tests, sourced
# after tests/lib.sh. It writes a config in a private temporary directory,
# with a key name unique to the run and an unused uid. It makes a support
# certificate and key with edgesupport-decrypt new-cert and installs them,
# and writes a PAM service for tests/fault/pam-run. The record and the
# directory are removed on exit.

ctl_bin=$top_builddir/edgesupport-ctl
decrypt_bin=$top_builddir/edgesupport-decrypt
pam_run=$top_builddir/tests/fault/pam-run
es_enable=$top_builddir/tests/pam/es-enable
fault_lib=$top_builddir/tests/fault/.libs/libesfault.so
module=$top_builddir/pam_edgesupport/.libs/pam_edgesupport.so

for built in "$ctl_bin" "$decrypt_bin" "$pam_run" "$es_enable" \
	"$fault_lib" "$module"; do
	[ -e "$built" ] || fatal "$built not built"
done

make_tmpdir
chmod 755 "$es_tmp"
d=$es_tmp
conf=$d/edgesupport.conf
key_name="edgesupport-test-$$-$(basename "$0" .sh):otp"
installed=$d/etc/support.cer

# An unused uid: no passwd entry and no process, so that disable, which
# ends every process of the support uid, cannot hit anything else.
support_uid=$((63000 + $$ % 900))
while getent passwd "$support_uid" >/dev/null ||
	getent group "$support_uid" >/dev/null ||
	ps -e -o uid= | grep -qx " *$support_uid"; do
	support_uid=$((support_uid + 1))
done

ctl() {
	"$ctl_bin" --config "$conf" "$@"
}

# A test that makes records under other key names puts the command that
# removes them in $cleanup_hook.
env_cleanup() {
	[ -n "${cleanup_hook:-}" ] && eval "$cleanup_hook"
	[ -f "$conf" ] && ctl disable >/dev/null 2>&1
	rm -rf "$es_tmp"
}
trap env_cleanup EXIT

# Writes the config with the lines given as arguments appended.
write_config() {
	{
		echo "uid = $support_uid"
		echo "gid = $support_uid"
		echo "certificate = $installed"
		echo "key_name = $key_name"
		echo "lock_file = $d/run/lock"
		for line in "$@"; do
			echo "$line"
		done
	} >"$conf.tmp" && mv "$conf.tmp" "$conf"
}

# Writes the PAM service "es-test" for pam-run: the module alone, so its
# result is the stack's result.
write_service() {
	mkdir -p "$d/pam.d"
	cat >"$d/pam.d/es-test" <<-EOF
	auth	required	$module config=$conf nodelay
	account	required	$module config=$conf nodelay
	EOF
}

# Runs pam-run on the es-test service: pam PASSWORD_FILE PHASE...
pam() {
	pw_file=$1
	shift
	"$pam_run" -d "$d/pam.d" -s es-test -p "$pw_file" "$@"
}

# Prints the serial of the key, searched from a fresh session keyring so
# that the caller's own session keyring is left alone; nothing if none.
key_id() {
	keyctl session - sh -c \
		'p=$(keyctl get_persistent @s 0) && keyctl search "$p" user "$1"' \
		sh "$key_name" 2>/dev/null
}

# Prints status --json without remaining_seconds, which changes each second.
status_fields() {
	ctl status --json 2>&1 | sed 's/"remaining_seconds":[^,]*,//'
}

# Prints one field of status --json: json_field NAME.
json_field() {
	ctl status --json 2>/dev/null |
		sed -n "s/.*\"$1\":\\(\"[^\"]*\"\\|[^,}]*\\).*/\\1/p" | tr -d '"'
}

# Stores a record for the password in file $1 with es-enable, which lets
# a test know the password; further arguments go to es-enable.
enable_known() {
	pw_file=$1
	shift
	"$es_enable" "$@" "$conf" <"$pw_file" ||
		fatal "es-enable could not store a record"
}

write_config
write_service
"$decrypt_bin" new-cert --dns support.example --out-cert "$d/support.cer" \
	--out-key "$d/support.key" >/dev/null || fatal "new-cert failed"
thumbprint=$(ctl cert install "$d/support.cer" 2>/dev/null |
	sed -n 's/^thumbprint: //p')
[ -n "$thumbprint" ] || fatal "cert install of the test certificate failed"
