# Sandbox for the end-to-end tests and the demo, sourced by bash scripts.
#
# sb_enter runs the calling script again, as root, inside private mount,
# network and PID namespaces. Inside, sb_setup puts everything the flow
# changes on tmpfs or overlayfs mounts that only this namespace can see.
# These cover the system library directories (for the PAM and NSS modules),
# the config directory, /home, /run and /var/log. /etc/pam.d (built by
# pam-auth-update from the source tree's profile), /etc/nsswitch.conf,
# /etc/passwd, /etc/shadow and /etc/group are bind-mounted copies. sshd
# listens on 127.0.0.1 of the private network namespace. Leaving the
# namespace drops every mount, and the kernel kills every process left in
# the PID namespace, so a kill(-1) by the support uid reaches only the
# sandbox. sb_enter compares checksums of the host files before and after,
# so a leak fails the run.
#
# The kernel keyring is not namespaced: the key lives in uid 0's persistent
# keyring under a name unique to the run, and an EXIT trap removes it.
#
# The caller sets before sb_setup:
#   es_pam_module   built pam_edgesupport.so
#   es_nss_module   built libnss_edgesupport.so.2
#   es_ctl          built edgesupport-ctl
#   es_config_path  config path compiled into the tools and the NSS module

# Every mount goes through mount -n so that libmount writes no utab under
# the host's /run/mount.
sb_mount() {
	mount -n "$@"
}

# Prints the multiarch triplet, for example x86_64-linux-gnu.
sb_multiarch() {
	dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
		gcc -print-multiarch 2>/dev/null
}

# Sets sb_libdir (where libc loads NSS modules from) and sb_securedir
# (where libpam loads modules from, found next to pam_unix.so).
sb_find_dirs() {
	local arch dir

	arch=$(sb_multiarch)
	sb_libdir=
	for dir in "/lib/$arch" "/usr/lib/$arch" /lib64 /lib; do
		if [ -e "$dir/libnss_files.so.2" ] || [ -e "$dir/libc.so.6" ]; then
			sb_libdir=$(readlink -f "$dir")
			break
		fi
	done
	sb_securedir=
	for dir in "/lib/$arch/security" "/usr/lib/$arch/security" \
	    /lib/security /lib64/security; do
		if [ -e "$dir/pam_unix.so" ]; then
			sb_securedir=$(readlink -f "$dir")
			break
		fi
	done
	[ -n "$sb_libdir" ] || fatal "no system library directory found for '$arch'"
	[ -n "$sb_securedir" ] || fatal "pam_unix.so not found: install libpam-modules"
}

# Writes checksums of the host files the sandbox shadows to $1. Files get a
# SHA-256 each. The library directory (over 1 GB) gets a manifest of every
# entry (type, size, mode, mtime in ns, link target) and a SHA-256 of its
# PAM modules and NSS modules, the files the sandbox adds there.
sb_snapshot() {
	local out=$1 conf_dir

	conf_dir=$(dirname "${es_config_path:-/etc/edgesupport/x}")
	{
		find /etc/pam.d /etc/ssh /etc/nsswitch.conf /etc/passwd /var/lib/pam \
		    /etc/shadow /etc/group /etc/gshadow /var/log/wtmp \
		    /var/log/btmp /var/log/lastlog /usr/share/pam-configs "$conf_dir" \
		    -type f -print0 2>/dev/null | sort -z |
		    xargs -0 -r sha256sum
		find /etc/pam.d /etc/ssh "$sb_libdir" -printf '%p %y %s %m %T@ %l\n' |
		    sort
		find "$sb_securedir" "$sb_libdir" -maxdepth 1 -type f \
		    \( -name 'pam_*.so' -o -name 'libnss_*' \) -print0 |
		    sort -z | xargs -0 -r sha256sum
		for path in /run/sshd /run/mount /home/edgesupport "$conf_dir"; do
			if [ -e "$path" ]; then
				echo "exists $path"
			else
				echo "absent $path"
			fi
		done
	} >"$out"
}

# Runs "$@" (normally the calling script) inside the sandbox namespaces and
# checks that the host is unchanged afterwards. Returns the command's exit
# status, or 99 when a host file changed.
sb_enter() {
	local before after status=0

	sb_find_dirs
	before=$(mktemp "${TMPDIR:-/tmp}/edgesupport-e2e-host.XXXXXX") ||
		fatal "mktemp failed"
	after=$before.after
	sb_snapshot "$before"

	# The sandbox directory is made here so that it can be removed here:
	# inside, a tmpfs covers it until the namespace ends.
	sb=$(mktemp -d "${TMPDIR:-/tmp}/edgesupport-e2e.XXXXXX") ||
		fatal "mktemp failed"

	# The namespace's PID 1 is the script itself. When it exits, the
	# kernel kills sshd, the sessions and everything else left inside.
	ES_SANDBOX=$sb unshare --mount --net --pid --fork --kill-child \
	    --mount-proc --propagation private "$@" || status=$?
	rmdir "$sb"

	sb_snapshot "$after"
	if cmp -s "$before" "$after"; then
		printf 'ok: host files unchanged (pam.d, nsswitch.conf, passwd, ssh, %s)\n' \
		    "$sb_libdir"
	else
		printf 'FAIL: host files changed by the sandbox:\n' >&2
		diff "$before" "$after" >&2
		status=99
	fi
	rm -f "$before" "$after"
	return "$status"
}

# Mounts an overlay over the directory $1 so that writes below it land in
# the sandbox's tmpfs.
sb_overlay() {
	local dir=$1 name

	name=$(printf '%s' "$dir" | tr / _)
	mkdir -p "$sb/overlay/$name/upper" "$sb/overlay/$name/work" ||
		return 1
	sb_mount -t overlay overlay \
	    -o "lowerdir=$dir,upperdir=$sb/overlay/$name/upper,workdir=$sb/overlay/$name/work" \
	    "$dir"
}

# Makes the directory $1 exist and be empty and writable inside the
# sandbox: a tmpfs over it, or, when the host lacks it, an overlay over its
# nearest existing ancestor so that mkdir touches only the overlay.
sb_private_dir() {
	local dir=$1 parent

	if [ ! -d "$dir" ]; then
		parent=$(dirname "$dir")
		while [ ! -d "$parent" ]; do
			parent=$(dirname "$parent")
		done
		sb_overlay "$parent" || return 1
		mkdir -p "$dir" || return 1
	fi
	sb_mount -t tmpfs -o mode=0755 tmpfs "$dir"
}

# Binds the sandbox copy $1 over the host file $2.
sb_bind() {
	sb_mount --bind "$1" "$2"
}

# Prints the first number >= $1 that is neither a uid nor a gid on the host.
sb_free_id() {
	local id=$1

	while getent passwd "$id" >/dev/null || getent group "$id" >/dev/null; do
		id=$((id + 1))
	done
	echo "$id"
}

# Builds the sandbox's /etc/pam.d the way the Debian package does. It
# copies the host's files, so sshd keeps pam_keyinit force revoke, then
# runs pam-auth-update with the source tree's profile. The module reads its
# default config path, where sb_setup writes the sandbox config.
# pam-auth-update's state in /var/lib/pam and debconf's cache are on
# overlays.
sb_write_pam_stack() {
	local dir=$sb/pam.d profile=$top_srcdir/data/pam-configs/edgesupport
	local phase state_dir

	[ -f "$profile" ] || fatal "$profile not found"
	for state_dir in /usr/share/pam-configs /var/lib/pam /var/cache/debconf; do
		sb_overlay "$state_dir" || fatal "mounting an overlay on $state_dir failed"
	done
	cp "$profile" /usr/share/pam-configs/edgesupport &&
	cp -a /etc/pam.d/. "$dir/" &&
	sb_bind "$dir" /etc/pam.d || fatal "copying /etc/pam.d to $dir failed"

	DEBIAN_FRONTEND=noninteractive pam-auth-update --package \
	    --enable edgesupport >"$sb/pam-auth-update.log" 2>&1 ||
		fatal "pam-auth-update failed: $(cat "$sb/pam-auth-update.log")"
	for phase in auth account password session; do
		grep -q "^$phase.*pam_edgesupport\.so" "/etc/pam.d/common-$phase" ||
			fatal "pam-auth-update left pam_edgesupport.so out of common-$phase"
	done
	grep -q '^session.*pam_keyinit\.so.*force.*revoke' /etc/pam.d/sshd ||
		fatal "/etc/pam.d/sshd lacks pam_keyinit force revoke"
}

# Puts "edgesupport" after "files" on the passwd, group and shadow lines.
sb_write_nsswitch() {
	sed -E '/^(passwd|group|shadow):/s/([[:space:]]files)([[:space:]]|$)/\1 edgesupport\2/' \
	    /etc/nsswitch.conf >"$sb/nsswitch.conf" || return 1
	[ "$(grep -cE '^(passwd|group|shadow):.*files edgesupport' "$sb/nsswitch.conf")" = 3 ] ||
		fatal "could not add edgesupport to $sb/nsswitch.conf"
	sb_bind "$sb/nsswitch.conf" /etc/nsswitch.conf
}

# Gives the sandbox its own copies of passwd, shadow and group, so that
# sb_add_local_user can add a throwaway account.
sb_copy_user_db() {
	local file

	for file in passwd shadow group; do
		cp -a "/etc/$file" "$sb/etc/$file" || return 1
		sb_bind "$sb/etc/$file" "/etc/$file" || return 1
	done
}

# Adds a local account NAME with the password read from stdin to the
# sandbox copies of passwd, shadow and group.
sb_add_local_user() {
	local name=$1 id hash

	id=$(sb_free_id 62000)
	hash=$(openssl passwd -6 -stdin) || return 1
	echo "$name:x:$id:$id::/home/$name:/bin/bash" >>/etc/passwd &&
	echo "$name:$hash:19000:0:99999:7:::" >>/etc/shadow &&
	echo "$name:x:$id:" >>/etc/group &&
	mkdir -p "/home/$name" && chown "$id:$id" "/home/$name"
}

sb_write_config() {
	sb_key_name="edgesupport-e2e-${sb##*.}:otp"
	cat >"$es_config_path" <<-EOF
	# Written by tests/e2e/sandbox.sh for one run.
	user = edgesupport
	uid = $sb_uid
	gid = $sb_uid
	gecos = edgesupport e2e sandbox
	home = /home/edgesupport
	shell = /bin/bash
	certificate = $(dirname "$es_config_path")/support.cer
	lifetime = 15m
	key_name = $sb_key_name
	lock_file = $sb/run/edgesupport/lock
	EOF
}

# Removes the sandbox's key if a run left it behind. The key lives in uid
# 0's persistent keyring, which outlives the namespaces.
sb_remove_key() {
	local keyring key

	[ -n "${sb_key_name:-}" ] || return 0
	"$es_ctl" --config "$es_config_path" disable >/dev/null 2>&1
	keyring=$(keyctl get_persistent @s 2>/dev/null) || return 0
	key=$(keyctl search "$keyring" user "$sb_key_name" 2>/dev/null) || return 0
	keyctl unlink "$key" "$keyring" >/dev/null 2>&1
}

# Builds the sandbox. Must run inside sb_enter.
sb_setup() {
	[ -d "${ES_SANDBOX:-}" ] || fatal "sb_setup runs only inside sb_enter"
	[ "$$" = 1 ] || fatal "sb_setup expects to be PID 1 of its namespace"
	sb_find_dirs
	export LIBMOUNT_UTAB=/dev/null

	sb=$ES_SANDBOX
	sb_mount -t tmpfs -o mode=0755 tmpfs "$sb" ||
		fatal "mounting a tmpfs on $sb failed"
	mkdir -p "$sb/etc" "$sb/pam.d" "$sb/ssh" "$sb/run/edgesupport" \
	    "$sb/tmp" "$sb/client"
	chmod 0700 "$sb/client"
	es_tmp=$sb/tmp

	ip link set lo up || fatal "ip link set lo up failed in the network namespace"
	for dir in "$sb_libdir" "$sb_securedir" /run /var/log /home; do
		sb_overlay "$dir" || fatal "mounting an overlay on $dir failed"
	done
	mkdir -p /run/sshd && chmod 0755 /run/sshd ||
		fatal "creating /run/sshd failed"
	# Without systemd's markers pam_systemd leaves the host's logind alone,
	# and the cron job runs as it does where systemd is not init.
	rm -rf /run/systemd/system /run/dbus/system_bus_socket
	sb_private_dir "$(dirname "$es_config_path")" ||
		fatal "mounting a tmpfs on $(dirname "$es_config_path") failed"

	sb_copy_user_db || fatal "copying passwd, shadow and group failed"
	sb_write_pam_stack
	sb_write_nsswitch

	# $$ is 1 in every sandbox, so a random start keeps parallel runs
	# apart.
	sb_uid=$(sb_free_id $((61000 + RANDOM % 500)))
	sb_write_config || fatal "writing $es_config_path failed"
	install -d -m 0700 -o "$sb_uid" -g "$sb_uid" /home/edgesupport ||
		fatal "creating /home/edgesupport failed"
	trap sb_remove_key EXIT
}

# Copies the built modules into the sandbox's library directories.
sb_install_modules() {
	install -m 0644 "$es_pam_module" "$sb_securedir/pam_edgesupport.so" &&
	install -m 0644 "$es_nss_module" "$sb_libdir/libnss_edgesupport.so.2"
}

# Starts sshd on 127.0.0.1:$sb_port; with an argument, the sshd_config
# includes that drop-in first, as Debian's sshd_config includes
# /etc/ssh/sshd_config.d/*.conf. sshd gets a new anonymous session keyring,
# like a systemd service with KeyringMode=private, so the PAM module must
# find the key without root's user keyring.
sb_start_sshd() {
	local drop_in=${1:-} i

	sb_stop_sshd
	sb_port=2222
	[ -f "$sb/ssh/host_ed25519" ] ||
		ssh-keygen -q -t ed25519 -N '' -f "$sb/ssh/host_ed25519" ||
		fatal "ssh-keygen failed"
	{
		if [ -n "$drop_in" ]; then
			echo "Include $drop_in"
		fi
		cat <<-EOF
		Port $sb_port
		ListenAddress 127.0.0.1
		HostKey $sb/ssh/host_ed25519
		PidFile $sb/ssh/sshd.pid
		UsePAM yes
		KbdInteractiveAuthentication yes
		PasswordAuthentication yes
		PubkeyAuthentication yes
		PermitRootLogin no
		PrintMotd no
		LogLevel VERBOSE
		Subsystem sftp internal-sftp
		EOF
	} >"$sb/ssh/sshd_config"
	/usr/sbin/sshd -t -f "$sb/ssh/sshd_config" ||
		fatal "sshd -t rejected $sb/ssh/sshd_config"

	: >"$sb/ssh/sshd.log"
	keyctl session - /usr/sbin/sshd -D -e -f "$sb/ssh/sshd_config" \
	    >/dev/null 2>>"$sb/ssh/sshd.log" &
	sb_sshd_pid=$!
	for i in $(seq 50); do
		grep -q "Server listening on 127.0.0.1 port $sb_port" \
		    "$sb/ssh/sshd.log" && return 0
		sleep 0.1
	done
	cat "$sb/ssh/sshd.log" >&2
	fatal "sshd did not listen on 127.0.0.1:$sb_port within 5 s; its log is above"
}

sb_stop_sshd() {
	[ -n "${sb_sshd_pid:-}" ] || return 0
	kill "$sb_sshd_pid" 2>/dev/null
	wait "$sb_sshd_pid" 2>/dev/null
	sb_sshd_pid=
}
