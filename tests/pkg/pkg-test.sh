#!/bin/sh
# Debian packages: builds them with dpkg-buildpackage from a copy of the
# source tree, runs lintian, then installs, upgrades and purges them in
# throwaway roots. Each root is an overlay of / whose upper layer is a
# tmpfs, mounted in a private mount and PID namespace and entered with
# chroot, so every write lands in that tmpfs and dies with the namespace.
# The host files that the packages change are compared before and after.
#
# The chroot shares the kernel keyring with the host, so the test config
# uses a key name unique to this run, and purge removes that key.
. "${top_srcdir:-.}/tests/lib.sh"

packages="libnss-edgesupport libpam-edgesupport edgesupport
	edgesupport-client"

# Files that install changes and purge must restore byte for byte.
watched_files="
	/etc/nsswitch.conf
	/etc/pam.d/common-auth
	/etc/pam.d/common-account
	/etc/pam.d/common-password
	/etc/pam.d/common-session
	/etc/pam.d/common-session-noninteractive
	/etc/passwd
	/etc/group
"

conf=/etc/edgesupport/edgesupport.conf

# ---- helpers used inside the throwaway root ----

# Copies the watched files into directory $1.
snapshot() {
	mkdir -p "$1"
	for f in $watched_files; do
		cp -p "$f" "$1/${f##*/}"
	done
}

# Checks that file $1 equals the copy in snapshot directory $2. $3 names
# the state being checked.
assert_same_file() {
	if cmp -s "$1" "$2/${1##*/}"; then
		pass "$1 unchanged $3"
	else
		fail "$1 differs $3: $(diff -u "$2/${1##*/}" "$1" | tail -n +3)"
	fi
}

assert_snapshot() {
	for f in $watched_files; do
		assert_same_file "$f" "$1" "$2"
	done
}

# Runs a command and checks that it succeeds: check_true NAME CMD...
check_true() {
	name=$1
	shift
	if "$@"; then
		pass "$name"
	else
		fail "$name"
	fi
}

# Runs a command and checks that it fails: check_false NAME CMD...
check_false() {
	name=$1
	shift
	if "$@"; then
		fail "$name"
	else
		pass "$name"
	fi
}

# Prints the value of key $1 in the installed config.
conf_value() {
	sed -n "s/^$1 = //p" "$conf" | tail -n 1
}

# Succeeds while process $1 exists and is not a zombie.
is_running() {
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# Waits up to $2 seconds for process $1 to end.
wait_gone() {
	tries=$(($2 * 10))
	while is_running "$1" && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	! is_running "$1"
}

# Starts a process as the support account in the background and sets
# $support_pid.
start_support_process() {
	setpriv --reuid="$1" --regid="$2" --clear-groups sleep 600 &
	support_pid=$!
}

key_in_kernel() {
	grep -q " $es_key_name: " /proc/keys
}

install_debs() {
	dpkg -i "$1"/*.deb >"$es_tmp/dpkg.out" 2>&1
}

package_status() {
	dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null || true
}

# ---- scenarios, run as root inside the throwaway root ----

# An existing "edgesupport" line in /etc/passwd or /etc/group ($1) stops
# the installation before it changes anything.
scenario_name_taken() {
	file=$1
	entry=$2

	printf '%s\n' "$entry" >>"$file"
	snapshot "$es_tmp/before"

	if install_debs "$es_debs1"; then
		fail "install with edgesupport in $file: dpkg succeeded"
	else
		pass "install with edgesupport in $file: dpkg failed"
	fi
	assert_contains "$(cat "$es_tmp/dpkg.out")" \
	    "edgesupport' already exists in $file" \
	    "install with edgesupport in $file: message names the entry"
	assert_contains "$(cat "$es_tmp/dpkg.out")" "Nothing was changed" \
	    "install with edgesupport in $file: message says nothing changed"
	assert_snapshot "$es_tmp/before" "after the rejected install"
	check_false "no config after the rejected install" test -e "$conf"
	check_false "no home after the rejected install" \
	    test -e /home/edgesupport
	status=$(package_status edgesupport)
	case "$status" in
	"install ok installed"*)
		fail "edgesupport installed despite the taken name: $status" ;;
	*)
		pass "edgesupport not installed: ${status:-unknown}" ;;
	esac
}

check_installed_account() {
	for db in passwd group shadow; do
		assert_contains "$(grep "^$db:" /etc/nsswitch.conf)" \
		    "files edgesupport" \
		    "nsswitch.conf $db line lists edgesupport"
	done

	uid=$(conf_value uid)
	gid=$(conf_value gid)
	case "$uid" in
	''|*[!0-9]*) fail "config uid is not a number: '$uid'" ;;
	*)
		check_true "config uid $uid is in the system range 100..999" \
		    test "$uid" -ge 100 -a "$uid" -le 999
		;;
	esac
	assert_eq "$gid" "$uid" "config gid equals uid"
	assert_eq "$(getent passwd edgesupport | cut -d: -f3,4,6)" \
	    "$uid:$gid:/home/edgesupport" "getent passwd edgesupport"
	assert_eq "$(getent group edgesupport | cut -d: -f3)" "$gid" \
	    "getent group edgesupport"
	assert_eq "$(getent shadow edgesupport | cut -d: -f2)" '!*' \
	    "getent shadow edgesupport has a locked password"
	assert_eq "$(stat -c '%u:%g %a' /home/edgesupport 2>&1)" \
	    "$uid:$gid 700" "home directory owner and mode"
	assert_eq "$(stat -c '%a' "$conf")" 644 "config mode"
	assert_eq "$(stat -c '%a' /run/edgesupport 2>&1)" 700 \
	    "lock directory mode"

	for type in auth account; do
		assert_contains "$(cat /etc/pam.d/common-$type)" \
		    "default=die]	pam_edgesupport.so" \
		    "common-$type runs pam_edgesupport as a primary module"
		first=$(grep -m1 -o 'pam_\(edgesupport\|unix\)\.so' \
		    /etc/pam.d/common-$type)
		assert_eq "$first" pam_edgesupport.so \
		    "common-$type runs pam_edgesupport before pam_unix"
	done
	assert_contains "$(cat /etc/pam.d/common-password)" \
	    "requisite	pam_edgesupport.so" \
	    "common-password denies the support account after pam_unix"
	assert_contains "$(cat /etc/pam.d/common-session)" \
	    "optional	pam_edgesupport.so" "common-session logs sessions"
}

check_sshd_dropin() {
	command -v sshd >/dev/null || {
		echo "note: sshd not installed, drop-in not checked"
		return 0
	}
	mkdir -p /run/sshd
	settings=$(sshd -T -C user=edgesupport,host=x,addr=127.0.0.1 2>&1)
	for line in 'pubkeyauthentication no' 'passwordauthentication yes' \
	    'kbdinteractiveauthentication yes' 'allowtcpforwarding no' \
	    'allowagentforwarding no' 'x11forwarding no' 'permittunnel no' \
	    'allowstreamlocalforwarding no' \
	    'authenticationmethods password keyboard-interactive'; do
		assert_contains "$settings" "$line" \
		    "sshd for edgesupport: $line"
	done
	settings=$(sshd -T -C user=root,host=x,addr=127.0.0.1 2>&1)
	assert_contains "$settings" "pubkeyauthentication yes" \
	    "sshd for other users keeps public keys"
}

check_units() {
	command -v systemd-analyze >/dev/null || {
		echo "note: systemd-analyze not installed, units not checked"
		return 0
	}
	assert_status 0 "systemd-analyze verify timer and service" \
	    systemd-analyze verify \
	    /lib/systemd/system/edgesupport-expire.timer \
	    /lib/systemd/system/edgesupport-expire.service
	assert_eq "$out$err" "" "systemd-analyze verify prints no warning"
}

# Enables access with a test certificate and sets $password from the blob,
# decrypted with openssl(1) after the 84-byte thumbprint header.
enable_access() {
	assert_status 0 "edgesupport-ctl enable" \
	    edgesupport-ctl enable --lifetime 10m
	printf '%s' "$out" | base64 -d >"$es_tmp/blob.bin"
	tail -c +85 "$es_tmp/blob.bin" >"$es_tmp/cipher.bin"
	password=$(openssl pkeyutl -decrypt -inkey "$es_tmp/support.key" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \
	    -pkeyopt rsa_mgf1_md:sha256 -in "$es_tmp/cipher.bin")
	assert_eq "${#password}" 15 "blob decrypts to a 15-character password"
}

check_logins() {
	printf '%s\n' '@include common-auth' '@include common-account' \
	    '@include common-session' '@include common-password' \
	    >/etc/pam.d/es-pkgtest

	assert_status 0 "pamtester: support account, right password" \
	    sh -c 'printf "%s\n" "$1" |
	    pamtester es-pkgtest edgesupport authenticate acct_mgmt' \
	    sh "$password"
	assert_status 1 "pamtester: support account, wrong password" \
	    sh -c 'printf "wrong-password\n" |
	    pamtester es-pkgtest edgesupport authenticate'
	# A password that pam_unix accepts, set in /etc/shadow, must not get
	# past pam_edgesupport: its failure ends the auth stack.
	printf 'auth required pam_unix.so\n' >/etc/pam.d/es-pkgtest-unix
	cp -p /etc/shadow "$es_tmp/shadow.saved"
	printf 'edgesupport:%s:20000:0:99999:7:::\n' \
	    "$(openssl passwd -6 Unix-Pass-99)" >>/etc/shadow
	assert_status 0 "pamtester: pam_unix accepts the shadow password" \
	    sh -c 'printf "Unix-Pass-99\n" |
	    pamtester es-pkgtest-unix edgesupport authenticate'
	assert_status 1 "pamtester: common-auth rejects the shadow password" \
	    sh -c 'printf "Unix-Pass-99\n" |
	    pamtester es-pkgtest edgesupport authenticate'
	cp -p "$es_tmp/shadow.saved" /etc/shadow

	assert_status 1 "pamtester: support account cannot change password" \
	    sh -c 'printf "Other-Pass-1234\nOther-Pass-1234\n" |
	    pamtester es-pkgtest edgesupport chauthtok'

	assert_status 0 "pamtester: other user, pam_unix password" \
	    sh -c 'printf "Pkg-Test-Pass-42\n" |
	    pamtester es-pkgtest es-pkguser authenticate acct_mgmt'
	assert_status 1 "pamtester: other user, wrong password" \
	    sh -c 'printf "wrong-password\n" |
	    pamtester es-pkgtest es-pkguser authenticate'
	assert_status 0 "pamtester: other user can change password" \
	    sh -c 'printf "Pkg-Test-Pass-43\nPkg-Test-Pass-43\n" |
	    pamtester es-pkgtest es-pkguser chauthtok'
}

# Runs the command of the cron entry with and without the directory that
# marks systemd as PID 1. With no access enabled, "expire" ends the support
# processes, so a running process shows which branch ran.
check_cron_branches() {
	command=$(sed -n 's/^\* \* \* \* \* root //p' /etc/cron.d/edgesupport)
	[ -n "$command" ] || fail "no every-minute root line in the cron entry"

	start_support_process "$1" "$2"
	mkdir -p /run/systemd/system
	sh -c "$command"
	check_true "cron entry does nothing under systemd" \
	    is_running "$support_pid"
	rmdir /run/systemd/system /run/systemd 2>/dev/null || true

	sh -c "$command"
	check_true "cron entry runs expire without systemd" \
	    wait_gone "$support_pid" 10
}

# Runs "expire" with only the capabilities and the no_new_privs flag that
# the service unit grants, so a capability missing from the unit shows up
# here, where systemd is not PID 1 and the unit itself cannot run.
check_expire_with_unit_caps() {
	unit=/lib/systemd/system/edgesupport-expire.service
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" |
	    tr 'A-Z ' 'a-z\n' | sed -n 's/^cap_/+/p' | paste -sd, -)
	[ -n "$caps" ] || fail "no CapabilityBoundingSet in $unit"

	start_support_process "$1" "$2"
	assert_status 0 "expire with the unit's capabilities ($caps)" \
	    setpriv --no-new-privs --inh-caps=-all --bounding-set="-all,$caps" \
	    edgesupport-ctl expire
	check_true "expire with the unit's capabilities ends processes" \
	    wait_gone "$support_pid" 10
}

scenario_lifecycle() {
	useradd -M -N -g users -s /bin/sh -K SUB_UID_COUNT=0 \
	    -K SUB_GID_COUNT=0 es-pkguser
	printf 'es-pkguser:Pkg-Test-Pass-42\n' | chpasswd
	snapshot "$es_tmp/before"

	if install_debs "$es_debs1"; then
		pass "install of $es_version1"
	else
		fail "install of $es_version1: $(cat "$es_tmp/dpkg.out")"
		return
	fi
	check_installed_account
	check_sshd_dropin
	check_units
	uid=$(conf_value uid)
	gid=$(conf_value gid)

	# Config edits of the admin, which the upgrade must keep.
	printf 'key_name = %s\nlifetime = 2h\ngecos = pkg test support\n' \
	    "$es_key_name" >>"$conf"
	edgesupport-decrypt new-cert --dns pkgtest.invalid \
	    --out-cert "$es_tmp/support.cer" --out-key "$es_tmp/support.key" \
	    >/dev/null
	assert_status 0 "edgesupport-ctl cert install" \
	    edgesupport-ctl cert install "$es_tmp/support.cer"
	check_true "certificate installed in /etc/edgesupport" \
	    test -f /etc/edgesupport/support.cer

	edgesupport-ctl disable >/dev/null 2>&1 || true
	check_cron_branches "$uid" "$gid"
	check_expire_with_unit_caps "$uid" "$gid"

	enable_access
	check_logins
	check_true "key $es_key_name is in /proc/keys" key_in_kernel

	conf_sum=$(sha256sum <"$conf")
	cert_sum=$(sha256sum </etc/edgesupport/support.cer 2>&1)
	if install_debs "$es_debs2"; then
		pass "upgrade to $es_version2"
	else
		fail "upgrade to $es_version2: $(cat "$es_tmp/dpkg.out")"
	fi
	assert_eq "$(package_status edgesupport)" \
	    "install ok installed $es_version2" \
	    "edgesupport version after upgrade"
	assert_eq "$(sha256sum <"$conf")" "$conf_sum" "upgrade keeps the config"
	assert_eq "$(sha256sum </etc/edgesupport/support.cer 2>&1)" \
	    "$cert_sum" "upgrade keeps the certificate"
	assert_eq "$(grep -c 'edgesupport' /etc/nsswitch.conf)" 3 \
	    "upgrade adds no second nsswitch entry"
	assert_eq "$(grep -c pam_edgesupport /etc/pam.d/common-auth)" 1 \
	    "upgrade adds no second PAM entry"
	assert_status 0 "pamtester after upgrade" \
	    sh -c 'printf "%s\n" "$1" |
	    pamtester es-pkgtest edgesupport authenticate acct_mgmt' \
	    sh "$password"

	# Removal without purge turns the account off and keeps the config.
	if dpkg -r edgesupport >"$es_tmp/dpkg.out" 2>&1; then
		pass "remove edgesupport"
	else
		fail "remove edgesupport: $(cat "$es_tmp/dpkg.out")"
	fi
	assert_snapshot "$es_tmp/before" "after remove"
	check_false "remove removed the key" key_in_kernel
	assert_eq "$(sha256sum <"$conf")" "$conf_sum" "remove keeps the config"
	if install_debs "$es_debs2"; then
		pass "install again after remove"
	else
		fail "install again after remove: $(cat "$es_tmp/dpkg.out")"
	fi
	assert_eq "$(sha256sum <"$conf")" "$conf_sum" \
	    "install after remove keeps the config"
	assert_eq "$(getent passwd edgesupport | cut -d: -f3)" "$uid" \
	    "install after remove keeps the uid"
	assert_eq "$(grep -c pam_edgesupport /etc/pam.d/common-auth)" 1 \
	    "install after remove enables the PAM profile"
	enable_access

	# Admin edits, which the purge must keep: unrelated lines and a
	# module added to a line that also lists edgesupport.
	edit='s/^hosts:.*/& myhostname/; s/^passwd:.*/& sss/'
	sed -i "$edit" /etc/nsswitch.conf
	printf '# local note\n' >>/etc/nsswitch.conf
	sed -i "$edit" "$es_tmp/before/nsswitch.conf"
	printf '# local note\n' >>"$es_tmp/before/nsswitch.conf"

	start_support_process "$uid" "$gid"
	if dpkg --purge $packages >"$es_tmp/dpkg.out" 2>&1; then
		pass "purge"
	else
		fail "purge: $(cat "$es_tmp/dpkg.out")"
	fi
	assert_snapshot "$es_tmp/before" "after purge"
	check_true "purge ended the support process" wait_gone "$support_pid" 10
	check_false "purge removed the key" key_in_kernel
	for path in /etc/edgesupport /home/edgesupport /run/edgesupport \
	    /etc/cron.d/edgesupport /etc/ssh/sshd_config.d/edgesupport.conf; do
		check_false "purge removed $path" test -e "$path"
	done
	assert_status 2 "getent passwd edgesupport after purge" \
	    getent passwd edgesupport
	assert_eq "$(package_status edgesupport)" "" \
	    "edgesupport is unknown to dpkg after purge"
}

# Lines without "files", with "compat" and an action, or with no space
# after the colon get the service in the right place, and purge restores
# them exactly.
scenario_nsswitch_forms() {
	sed -i -e 's/^passwd:.*/passwd:   compat [NOTFOUND=continue] sss/' \
	    -e 's/^group:.*/group:files/' -e 's/^shadow:.*/shadow:   sss/' \
	    /etc/nsswitch.conf
	snapshot "$es_tmp/before"

	if install_debs "$es_debs1"; then
		pass "install with unusual nsswitch.conf lines"
	else
		fail "install with unusual nsswitch.conf lines:" \
		    "$(cat "$es_tmp/dpkg.out")"
		return
	fi
	assert_eq "$(grep '^passwd:' /etc/nsswitch.conf)" \
	    "passwd:   compat [NOTFOUND=continue] edgesupport sss" \
	    "nsswitch.conf: after compat and its action"
	assert_eq "$(grep '^group:' /etc/nsswitch.conf)" \
	    "group:files edgesupport" "nsswitch.conf: no space after the colon"
	assert_eq "$(grep '^shadow:' /etc/nsswitch.conf)" \
	    "shadow:   sss edgesupport" "nsswitch.conf: line without files"

	if dpkg --purge $packages >"$es_tmp/dpkg.out" 2>&1; then
		pass "purge"
	else
		fail "purge: $(cat "$es_tmp/dpkg.out")"
	fi
	assert_snapshot "$es_tmp/before" "after purge"
}

# Ends access with the test key if a scenario stopped before the purge.
cleanup_root() {
	if [ -f "$conf" ] && grep -q "^key_name = $es_key_name\$" "$conf"; then
		edgesupport-ctl disable >/dev/null 2>&1 || true
	fi
}

run_in_root() {
	es_tmp=$es_work
	mkdir -p "$es_tmp"
	trap cleanup_root EXIT
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d

	case "$1" in
	passwd-taken)
		scenario_name_taken /etc/passwd \
		    'edgesupport:x:4242:4242::/nonexistent:/usr/sbin/nologin'
		;;
	group-taken)
		scenario_name_taken /etc/group 'edgesupport:x:4242:'
		;;
	nsswitch-forms)
		scenario_nsswitch_forms
		;;
	lifecycle)
		scenario_lifecycle
		;;
	*)
		fatal "unknown scenario '$1'"
		;;
	esac
	finish
}

# ---- namespace setup ----

# Mounts the overlay of / and runs scenario $1 chrooted in it. Runs as
# PID 1 of a new PID namespace, so every process it leaves is killed when
# it exits.
enter_root() {
	root=$es_tmp/root-$1
	layers=$es_tmp/layers-$1
	mkdir -p "$root" "$layers"

	mount -n -t tmpfs -o mode=0700 tmpfs "$layers" ||
		fatal "mounting a tmpfs on $layers failed"
	mkdir "$layers/upper" "$layers/work"
	mount -n -t overlay overlay \
	    -o "lowerdir=/,upperdir=$layers/upper,workdir=$layers/work" \
	    "$root" || fatal "overlay mount of / on $root failed"
	mount -n -t proc proc "$root/proc" ||
		fatal "mounting proc in $root failed"
	mount -n --rbind /dev "$root/dev" ||
		fatal "bind-mounting /dev in $root failed"
	mount -n -t tmpfs -o mode=0755 tmpfs "$root/run" ||
		fatal "mounting a tmpfs on $root/run failed"

	umask 022
	chroot "$root" /usr/bin/env -i \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive \
	    top_srcdir="$top_srcdir" es_work="$es_tmp/work-$1" \
	    es_debs1="$es_debs1" es_debs2="$es_debs2" \
	    es_version1="$es_version1" es_version2="$es_version2" \
	    es_key_name="$es_key_name" \
	    /bin/sh "$self" --in-root "$1"
}

# ---- on the host ----

# Copies the source tree to $1: the files git tracks plus the untracked
# files it does not ignore, or the whole tree outside a git checkout.
copy_source() {
	mkdir -p "$1"
	if command -v git >/dev/null &&
	    git -C "$top_srcdir" rev-parse --is-inside-work-tree \
	    >/dev/null 2>&1; then
		(cd "$top_srcdir" && git ls-files -co --exclude-standard -z |
		    xargs -0 cp -P --parents -t "$1")
	else
		(cd "$top_srcdir" && tar -cf - --exclude=.git .) |
		    (cd "$1" && tar -xf -)
	fi
}

# Repacks the packages in $1 as version $3 into $2, so that the upgrade
# runs the same maintainer scripts that a new release would.
bump_version() {
	mkdir -p "$2"
	for pkg in $packages; do
		deb=$(ls "$1/${pkg}"_*.deb)
		tree=$es_tmp/repack-$pkg
		dpkg-deb -R "$deb" "$tree"
		sed -i "s/$es_version1/$3/g" "$tree/DEBIAN/control"
		dpkg-deb --root-owner-group -b "$tree" "$2/${pkg}_$3.deb" \
		    >/dev/null || fatal "dpkg-deb -b $pkg failed"
	done
}

# Prints checksums of the host files that the scenarios change inside
# their roots.
host_checksums() {
	sha256sum $watched_files /etc/shadow /var/lib/pam/seen \
	    /usr/sbin/policy-rc.d 2>&1
	ls /etc/edgesupport /home/edgesupport /run/edgesupport 2>&1
	dpkg-query -W -f='${Package} ${Status}\n' $packages 2>&1
}

main() {
	require_root
	require_cmd dpkg-buildpackage dpkg-checkbuilddeps dpkg-deb unshare \
	    chroot pamtester openssl setpriv base64 sha256sum
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
		skip "overlayfs is not available"
	[ -f "$top_srcdir/debian/control" ] ||
		skip "no debian/ directory in $top_srcdir"

	make_tmpdir
	chmod 755 "$es_tmp"
	self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
	src=$es_tmp/build/src
	copy_source "$src"
	missing=$(cd "$src" && dpkg-checkbuilddeps 2>&1) ||
		skip "build dependencies missing: $missing"

	es_version1=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
	es_version2=$es_version1+pkgtest1
	# make check exports its own MAKEFLAGS, which must not reach the
	# package build's make.
	if (cd "$src" && unset MAKEFLAGS MFLAGS MAKELEVEL &&
	    dpkg-buildpackage -us -uc -b) >"$es_tmp/build.log" 2>&1; then
		pass "dpkg-buildpackage -us -uc -b"
	else
		tail -n 40 "$es_tmp/build.log" >&2
		fatal "dpkg-buildpackage failed; the end of its log is above"
	fi

	if command -v lintian >/dev/null; then
		changes=$(ls "$es_tmp"/build/edgesupport_*.changes)
		assert_status 0 "lintian exit status" lintian "$changes"
		assert_eq "$out" "" "lintian reports nothing"
	else
		echo "note: lintian not installed, not run"
	fi

	es_debs1=$es_tmp/debs1
	es_debs2=$es_tmp/debs2
	mkdir -p "$es_debs1"
	for pkg in $packages; do
		cp "$es_tmp/build/${pkg}_$es_version1"_*.deb "$es_debs1/"
	done
	bump_version "$es_debs1" "$es_debs2" "$es_version2"

	es_key_name="edgesupport-pkgtest-$$:otp"
	export es_tmp es_debs1 es_debs2 es_version1 es_version2 es_key_name \
	    self top_srcdir
	host_checksums >"$es_tmp/host.before"

	for scenario in passwd-taken group-taken nsswitch-forms lifecycle; do
		echo "== scenario $scenario"
		if unshare --mount --pid --fork --propagation private \
		    /bin/sh "$self" --in-namespace "$scenario"; then
			pass "scenario $scenario"
		else
			fail "scenario $scenario"
		fi
	done

	host_checksums >"$es_tmp/host.after"
	if cmp -s "$es_tmp/host.before" "$es_tmp/host.after"; then
		pass "host files unchanged"
	else
		fail "host files changed: $(diff "$es_tmp/host.before" \
		    "$es_tmp/host.after")"
	fi
	finish
}

case "${1:-}" in
--in-namespace)
	enter_root "$2"
	;;
--in-root)
	run_in_root "$2"
	;;
*)
	main
	;;
esac
