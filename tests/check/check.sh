#!/bin/bash
# edgesupport-ctl check against a complete installation built inside a
# private mount namespace: nsswitch.conf, /etc/pam.d, /etc/ssh, /etc/cron.d,
# passwd/group/shadow, the PAM and NSS modules (on an overlay of the system
# library directory), /run and a certificate made with openssl. First every
# finding must pass. Then one piece at a time is broken, and the check must
# fail with the line that names it and its fix. The host's files are
# compared before and after.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

require_root
require_cmd unshare mount openssl ssh-keygen sha256sum ldd /usr/sbin/sshd

driver=$top_builddir/tests/check/check-driver
ctl=$top_builddir/edgesupport-ctl
nss_module=$top_builddir/nss_edgesupport/.libs/libnss_edgesupport.so.2
pam_module=$top_builddir/pam_edgesupport/.libs/pam_edgesupport.so
for built in "$driver" "$nss_module" "$pam_module"; do
	[ -e "$built" ] || skip "$built not built (run make first)"
done
if ldd "$driver" | grep -q 'libasan\|libubsan'; then
	# The NSS module gets loaded into unsanitized sshd and ssh-keygen.
	skip "sanitizer build"
fi

# The directory of libc, where the dynamic loader finds NSS modules
# and, in its security/ subdirectory, Debian's libpam finds PAM modules:
# $loaddir as the loader names it (in the check's messages), $libdir with
# symbolic links resolved (for the overlay).
loaddir=$(dirname "$(ldd "$driver" | awk '$1 == "libc.so.6" { print $3 }')")
libdir=$(readlink -f "$loaddir")
[ -d "$libdir/security" ] || skip "no PAM module directory $libdir/security"

# Writes the state of every host path the namespace shadows to $1.
snapshot_host() {
	{
		find /etc/nsswitch.conf /etc/pam.d /etc/ssh /etc/passwd \
		    /etc/group /etc/shadow /etc/cron.d /etc/systemd/system \
		    -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum
		find /etc/pam.d /etc/ssh /etc/cron.d /etc/systemd/system \
		    -printf '%p %y %m %l\n' 2>/dev/null | sort
		for path in "$libdir/$(basename "$nss_module")" \
		    "$libdir/security/pam_edgesupport.so" /run/sshd \
		    /run/systemd/system /run/edgesupport \
		    /lib/systemd/system/edgesupport-expire.timer; do
			if [ -e "$path" ]; then
				echo "exists $path $(stat -c '%s %Y' "$path")"
			else
				echo "absent $path"
			fi
		done
	} >"$1"
}

if [ -z "${ES_CHECK_NAMESPACE:-}" ]; then
	make_tmpdir
	snapshot_host "$es_tmp/before"
	status=0
	ES_CHECK_NAMESPACE=$es_tmp unshare --mount --propagation private \
	    bash "$0" "$@" || status=$?
	snapshot_host "$es_tmp/after"
	if cmp -s "$es_tmp/before" "$es_tmp/after"; then
		pass "host files unchanged"
	else
		diff "$es_tmp/before" "$es_tmp/after" >&2
		fail "host files changed by the test"
		status=1
	fi
	exit "$status"
fi

# From here on: inside the namespace. Nothing below touches the host, and
# leaving the namespace drops every mount.
sb=$ES_CHECK_NAMESPACE/sb
es_tmp=$ES_CHECK_NAMESPACE/tmp
export LIBMOUNT_UTAB=/dev/null
mkdir -p "$sb" "$es_tmp" || fatal "cannot create $sb"
mount -n -t tmpfs -o mode=0755 tmpfs "$sb" || fatal "cannot mount tmpfs on $sb"
mkdir -p "$sb/etc" "$sb/pam.d" "$sb/ssh/sshd_config.d" "$sb/cron.d" \
    "$sb/run" "$sb/good" "$sb/overlay"

# Mounts an overlay on directory $1, so writes below it stay in $sb.
overlay() {
	local name

	name=$(printf '%s' "$1" | tr / _)
	mkdir -p "$sb/overlay/$name/upper" "$sb/overlay/$name/work" &&
	mount -n -t overlay overlay -o "lowerdir=$1,upperdir=$sb/overlay/$name/upper,workdir=$sb/overlay/$name/work" "$1"
}

# Prints the first id >= $1 that is neither a uid nor a gid.
free_id() {
	local id=$1

	while getent passwd "$id" >/dev/null || getent group "$id" >/dev/null; do
		id=$((id + 1))
	done
	echo "$id"
}

getent passwd edgesupport >/dev/null &&
	skip "this host already has a user named edgesupport"
support_id=$(free_id $((61000 + $$ % 500)))
conf=$sb/etc/edgesupport.conf
cert=$sb/etc/support.cer
cat >"$conf" <<EOF || fatal "cannot write $conf"
user = edgesupport
uid = $support_id
gid = $support_id
certificate = $cert
lock_file = $sb/run/edgesupport/lock
key_name = edgesupport-check-$$:otp
EOF
# The NSS module serves the account from this config instead of the
# installed one.
export EDGESUPPORT_NSS_CONFIG=$conf

# Makes a self-signed certificate: make_cert OUT BITS [START END], with
# START and END as YYYYMMDDHHMMSSZ for a certificate outside "now".
make_cert() {
	local out=$1 bits=$2 dir=$sb/ca

	rm -rf "$dir" && mkdir -p "$dir" && : >"$dir/index.txt" &&
	echo 01 >"$dir/serial" || return 1
	cat >"$dir/ca.cnf" <<-EOF
	[ca]
	default_ca = test_ca
	[test_ca]
	database = $dir/index.txt
	new_certs_dir = $dir
	serial = $dir/serial
	default_md = sha256
	default_days = 30
	policy = any
	[any]
	commonName = supplied
	EOF
	openssl req -new -newkey "rsa:$bits" -nodes -keyout "$dir/key.pem" \
	    -subj "/CN=edgesupport check test" -out "$dir/req.csr" \
	    2>"$dir/log" &&
	openssl ca -batch -config "$dir/ca.cnf" -selfsign \
	    -keyfile "$dir/key.pem" -in "$dir/req.csr" ${3:+-startdate "$3"} \
	    ${4:+-enddate "$4"} -notext -out "$dir/cert.pem" 2>>"$dir/log" &&
	openssl x509 -in "$dir/cert.pem" -outform DER -out "$out"
}

make_cert "$sb/good/support.cer" 2048 || fatal "openssl failed: $(cat "$sb/ca/log")"
make_cert "$sb/good/weak.cer" 1024 || fatal "openssl failed: $(cat "$sb/ca/log")"
make_cert "$sb/good/expired.cer" 2048 20200101000000Z 20200102000000Z ||
	fatal "openssl failed: $(cat "$sb/ca/log")"
cp "$sb/good/support.cer" "$cert"
thumbprint=$(openssl x509 -inform DER -in "$cert" -noout -fingerprint -sha1 |
	sed 's/.*=//; s/://g')

# nsswitch.conf: the host's, with edgesupport after files.
sed -E '/^(passwd|group|shadow):/s/([[:space:]]files)([[:space:]]|$)/\1 edgesupport\2/' \
    /etc/nsswitch.conf >"$sb/etc/nsswitch.conf"
[ "$(grep -cE '^(passwd|group|shadow):.*files edgesupport' "$sb/etc/nsswitch.conf")" = 3 ] ||
	fatal "cannot add edgesupport to a copy of /etc/nsswitch.conf"
mount -n --bind "$sb/etc/nsswitch.conf" /etc/nsswitch.conf ||
	fatal "cannot bind-mount over /etc/nsswitch.conf"

for file in passwd group shadow; do
	cp -a "/etc/$file" "$sb/etc/$file" &&
	mount -n --bind "$sb/etc/$file" "/etc/$file" ||
		fatal "cannot bind-mount over /etc/$file"
done

# The PAM stacks: sshd, su and login through "@include", cron through the
# "include" control and sudo through "substack", as pam-auth-update's
# profile writes the module into common-auth and common-account.
cat >"$sb/pam.d/common-auth" <<'EOF'
# common-auth as pam-auth-update writes it with the edgesupport profile.
auth	[success=end new_authtok_reqd=done ignore=ignore default=die]	pam_edgesupport.so try_first_pass
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	requisite	pam_deny.so
auth	required	pam_permit.so
EOF
cat >"$sb/pam.d/common-account" <<'EOF'
account	[success=end new_authtok_reqd=done ignore=ignore default=die]	pam_edgesupport.so
account	[success=1 new_authtok_reqd=done default=ignore]	pam_unix.so
account	requisite	pam_deny.so
account	required	pam_permit.so
EOF
cat >"$sb/pam.d/sshd" <<'EOF'
@include common-auth
account    required     pam_nologin.so
@include common-account
session    required     pam_keyinit.so force revoke
EOF
cat >"$sb/pam.d/su" <<'EOF'
auth       sufficient pam_rootok.so
@include common-auth
@include common-account
EOF
cat >"$sb/pam.d/login" <<'EOF'
# A continued line and a trailing comment.
auth       optional   pam_faildelay.so \
	delay=3000000
@include common-auth
account    required   pam_nologin.so # after a comment
@include common-account
EOF
cat >"$sb/pam.d/cron" <<'EOF'
auth	include	common-auth
account	include	common-account
EOF
cat >"$sb/pam.d/sudo" <<'EOF'
auth	substack	common-auth
account	substack	common-account
EOF
mount -n --bind "$sb/pam.d" /etc/pam.d || fatal "cannot bind-mount over /etc/pam.d"

# sshd: a config that includes the drop-in from the source tree.
ssh-keygen -q -t ed25519 -N '' -f "$sb/ssh/host_ed25519" ||
	fatal "ssh-keygen failed"
cp "$top_srcdir/data/sshd_config.d/edgesupport.conf" "$sb/ssh/sshd_config.d/" ||
	fatal "cannot copy the sshd drop-in"
cat >"$sb/ssh/sshd_config" <<'EOF'
Include /etc/ssh/sshd_config.d/*.conf
HostKey /etc/ssh/host_ed25519
UsePAM yes
KbdInteractiveAuthentication no
PasswordAuthentication no
PubkeyAuthentication yes
EOF
mount -n --bind "$sb/ssh" /etc/ssh || fatal "cannot bind-mount over /etc/ssh"

sed 's|@sbindir[@]|/usr/sbin|g' "$top_srcdir/data/edgesupport.cron.in" \
    >"$sb/cron.d/edgesupport" || fatal "cannot write the cron file"
mount -n --bind "$sb/cron.d" /etc/cron.d || fatal "cannot bind-mount over /etc/cron.d"

# /run: sshd -T needs /run/sshd, and no systemd marker, as on this host.
overlay /run || fatal "cannot mount an overlay on /run"
mkdir -p /run/sshd && rm -rf /run/systemd/system ||
	fatal "cannot prepare /run"

overlay "$libdir" || fatal "cannot mount an overlay on $libdir"
install -m 0644 "$nss_module" "$libdir/libnss_edgesupport.so.2" &&
install -m 0644 "$pam_module" "$libdir/security/pam_edgesupport.so" ||
	fatal "cannot install the modules in $libdir"

# Keeps the correct files, to restore after each broken case.
for file in nsswitch.conf passwd group shadow; do
	cp "$sb/etc/$file" "$sb/good/$file"
done
cp -a "$sb/pam.d" "$sb/good/pam.d"
cp -a "$sb/ssh" "$sb/good/ssh"
cp -a "$sb/cron.d" "$sb/good/cron.d"
cp "$conf" "$sb/good/edgesupport.conf"

# Puts the correct files back in place. cp keeps the inodes of the
# bind-mounted files, so the bind mounts see the new content.
restore() {
	local file

	for file in nsswitch.conf passwd group shadow; do
		cp "$sb/good/$file" "$sb/etc/$file"
	done
	rm -rf "$sb/pam.d/"* "$sb/ssh/"* "$sb/cron.d/"*
	cp -a "$sb/good/pam.d/." "$sb/pam.d/"
	cp -a "$sb/good/ssh/." "$sb/ssh/"
	cp -a "$sb/good/cron.d/." "$sb/cron.d/"
	cp "$sb/good/support.cer" "$cert"
	chmod 644 "$cert"
	cp "$sb/good/edgesupport.conf" "$conf"
	install -m 0644 "$nss_module" "$libdir/libnss_edgesupport.so.2"
	install -m 0644 "$pam_module" "$libdir/security/pam_edgesupport.so"
	rm -rf /run/systemd/system
}

# Runs the check; leaves its output in $out and its exit status in $status.
run_check() {
	status=0
	out=$("$driver" --config "$conf" 2>&1) || status=$?
}

# Checks that the output $out has the line "$1"; $2 names the check.
assert_line() {
	if printf '%s\n' "$out" | grep -Fxq -- "$1"; then
		pass "$2"
	else
		fail "$2: line '$1' not found in:
$out"
	fi
}

# Checks that every line of $out is "ok:" or "skipped:"; $1 names the check.
assert_all_pass() {
	local bad

	bad=$(printf '%s\n' "$out" | grep -Ev '^(ok|skipped): ')
	assert_eq "$bad" "" "$1: every line is ok or skipped"
}

# Runs the check on the setup the caller broke and expects exit status 1
# and the line "$2". $1 names the case.
expect_fail() {
	run_check
	assert_eq "$status" 1 "$1: exit status 1"
	assert_line "$2" "$1: reports the problem and its fix"
}

fix_pam="run 'pam-auth-update --enable edgesupport'"
fix_cert="install the support certificate with 'edgesupport-ctl cert install FILE'"
drop_in=/etc/ssh/sshd_config.d/edgesupport.conf

# --- A correct installation --------------------------------------------------
run_check
assert_eq "$status" 0 "correct setup: exit status 0"
assert_all_pass "correct setup"
assert_line "ok: config $conf loads: user edgesupport, uid $support_id, gid $support_id" \
	"correct setup: config"
assert_line "ok: /etc/nsswitch.conf: passwd, group and shadow list edgesupport" \
	"correct setup: nsswitch"
assert_line "ok: NSS module libnss_edgesupport.so.2 loads from $loaddir/libnss_edgesupport.so.2" \
	"correct setup: NSS module"
assert_line "ok: user edgesupport resolves through NSS to uid $support_id, gid $support_id, home /home/edgesupport" \
	"correct setup: user"
assert_line "ok: group edgesupport resolves through NSS to gid $support_id" \
	"correct setup: group"
assert_line "ok: shadow entry of edgesupport is locked" "correct setup: shadow"
assert_line "ok: PAM module $loaddir/security/pam_edgesupport.so is installed" \
	"correct setup: PAM module"
for service in sshd su login cron sudo; do
	assert_line "ok: PAM service $service: auth and account reach pam_edgesupport.so" \
		"correct setup: PAM service $service"
done
assert_line "ok: sshd drop-in $drop_in is included by /etc/ssh/sshd_config (line 1)" \
	"correct setup: sshd drop-in"
assert_line "ok: sshd: UsePAM yes" "correct setup: sshd UsePAM"
assert_line "ok: sshd: user edgesupport gets password and keyboard-interactive logins, no public keys, no TCP forwarding" \
	"correct setup: sshd settings of the support user"
assert_contains "$out" "ok: certificate $cert: RSA 2048 bits, valid until " \
	"correct setup: certificate"
assert_contains "$out" ", thumbprint $thumbprint" \
	"correct setup: thumbprint equals openssl's SHA-1 fingerprint"
assert_line "ok: expiry: systemd is not running; /etc/cron.d/edgesupport runs \"edgesupport-ctl expire\"" \
	"correct setup: cron fallback"
assert_line "ok: lock directory $sb/run/edgesupport will be created in $sb/run" \
	"correct setup: lock directory"

# The real command, once edgesupport-ctl dispatches "check" to the same
# function, must print the same findings.
if [ -x "$ctl" ]; then
	ctl_status=0
	ctl_out=$("$ctl" --config "$conf" check 2>&1) || ctl_status=$?
	case $ctl_out in
	*"not implemented"*)
		printf 'note: %s has no check command yet; tested the driver only\n' \
		    "$ctl" ;;
	*)
		assert_eq "$ctl_status" 0 "edgesupport-ctl check: exit status 0"
		assert_eq "$ctl_out" "$out" "edgesupport-ctl check: same findings as the driver" ;;
	esac
fi

# Services that are not installed are skipped, not failed.
rm "$sb/pam.d/cron" "$sb/pam.d/sudo"
run_check
assert_eq "$status" 0 "PAM services missing: exit status 0"
assert_line "skipped: PAM service cron: /etc/pam.d/cron not installed" \
	"PAM services missing: cron skipped"
assert_line "skipped: PAM service sudo: /etc/pam.d/sudo not installed" \
	"PAM services missing: sudo skipped"
restore

# --- One broken piece at a time ---------------------------------------------
printf 'x = 1\n' >>"$conf"
run_check
assert_eq "$status" 1 "config invalid: exit status 1"
assert_contains "$out" "FAIL: config: $conf:7: " "config invalid: names PATH:LINE"
assert_eq "$(printf '%s\n' "$out" | wc -l)" 1 "config invalid: no other finding runs"
restore

# ">" keeps the inode that /etc/nsswitch.conf is bound to.
sed -E '/^passwd:/s/ edgesupport//' "$sb/good/nsswitch.conf" \
    >"$sb/etc/nsswitch.conf"
expect_fail "nsswitch without edgesupport" \
	"FAIL: /etc/nsswitch.conf: the passwd line does not list edgesupport (fix: add \"edgesupport\" after \"files\" on the passwd, group and shadow lines)"
assert_line "FAIL: user edgesupport not found through NSS (fix: list edgesupport on the passwd line of /etc/nsswitch.conf and install libnss_edgesupport.so.2)" \
	"nsswitch without edgesupport: user not found"
restore

rm "$libdir/libnss_edgesupport.so.2"
expect_fail "NSS module missing" \
	"FAIL: NSS module libnss_edgesupport.so.2 cannot be loaded: libnss_edgesupport.so.2: cannot open shared object file: No such file or directory (fix: install the libnss-edgesupport package)"
restore

# The module left only in a comment and in the session stack must not count.
sed -i -e 's/^auth.*pam_edgesupport.so.*/# & (turned off)/' \
    -e '$a session optional pam_edgesupport.so' "$sb/pam.d/common-auth"
for service in sshd su login cron sudo; do
	expect_fail "common-auth without the module ($service)" \
		"FAIL: PAM service $service: pam_edgesupport.so is missing from the auth stack (fix: $fix_pam, or add the module to /etc/pam.d/$service or a file it includes)"
done
restore

rm "$sb/pam.d/common-account"
expect_fail "common-account missing" \
	"FAIL: PAM service sshd: cannot read /etc/pam.d/common-account: No such file or directory (fix: correct the include in /etc/pam.d)"
restore

printf '@include sshd\n' >"$sb/pam.d/common-auth"
expect_fail "PAM include loop" \
	"FAIL: PAM service sshd: /etc/pam.d/common-auth: includes nest deeper than 16 levels, probably in a loop (fix: correct the include in /etc/pam.d)"
restore

rm "$libdir/security/pam_edgesupport.so"
expect_fail "PAM module missing" \
	"FAIL: PAM module $loaddir/security/pam_edgesupport.so: No such file or directory (fix: install the libpam-edgesupport package)"
restore

sed -i 's/^UsePAM yes/UsePAM no/' "$sb/ssh/sshd_config"
expect_fail "sshd UsePAM no" \
	"FAIL: sshd: UsePAM is no, so sshd never calls pam_edgesupport.so (fix: set \"UsePAM yes\" in /etc/ssh/sshd_config)"
restore

rm "$sb/ssh/sshd_config.d/edgesupport.conf"
expect_fail "sshd drop-in missing" \
	"FAIL: sshd drop-in $drop_in is missing (fix: reinstall the edgesupport package, which ships it)"
assert_line "FAIL: sshd: for user edgesupport, sshd -T reports passwordauthentication no (expected yes), kbdinteractiveauthentication no (expected yes), pubkeyauthentication yes (expected no), allowtcpforwarding yes (expected no) (fix: include $drop_in before any Match block in /etc/ssh/sshd_config and remove settings that override it)" \
	"sshd drop-in missing: settings of the support user"
restore

sed -i '/^Include/d' "$sb/ssh/sshd_config"
expect_fail "sshd drop-in not included" \
	"FAIL: /etc/ssh/sshd_config does not include $drop_in (fix: add \"Include /etc/ssh/sshd_config.d/*.conf\" at the top of /etc/ssh/sshd_config)"
restore

sed -i '/^Include/d' "$sb/ssh/sshd_config" &&
	printf 'Match Address 192.0.2.1\nInclude sshd_config.d/*.conf\n' >>"$sb/ssh/sshd_config"
expect_fail "sshd drop-in inside a Match block" \
	"FAIL: /etc/ssh/sshd_config includes $drop_in inside a Match block (line 7) (fix: move the Include line before the first Match line)"
restore

printf 'NoSuchKeyword yes\n' >>"$sb/ssh/sshd_config"
run_check
assert_eq "$status" 1 "sshd config invalid: exit status 1"
assert_contains "$out" "FAIL: /usr/sbin/sshd -T failed with status 255: " \
	"sshd config invalid: reports sshd's error"
restore

rm "$cert"
expect_fail "no certificate" \
	"FAIL: certificate: certificate file $cert not found: check the path (fix: $fix_cert)"
restore

cp "$sb/good/weak.cer" "$cert"
expect_fail "RSA-1024 certificate" \
	"FAIL: certificate $cert: the certificate's RSA key has 1024 bits, fewer than the 2048 required: issue a certificate with a stronger key (fix: $fix_cert)"
restore

cp "$sb/good/expired.cer" "$cert"
run_check
assert_eq "$status" 1 "expired certificate: exit status 1"
assert_contains "$out" "FAIL: certificate $cert: the certificate has expired: valid from 2020-01-01 00:00:00 UTC to 2020-01-02 00:00:00 UTC, now is " \
	"expired certificate: names the validity"
assert_contains "$out" ": install a current certificate (fix: $fix_cert)" \
	"expired certificate: names the fix"
restore

other_id=$(free_id $((support_id + 1)))
echo "edgesupport:x:$other_id:$other_id::/home/edgesupport:/bin/sh" >>/etc/passwd
expect_fail "support name in /etc/passwd" \
	"FAIL: the support user name edgesupport also exists in /etc/passwd (line $(wc -l </etc/passwd)) (fix: remove that line, or change user in $conf)"
restore

echo "clash:x:$support_id:$other_id::/home/clash:/bin/sh" >>/etc/passwd
expect_fail "support uid in /etc/passwd" \
	"FAIL: the support uid $support_id also exists in /etc/passwd (line $(wc -l </etc/passwd), clash) (fix: remove that line, or change uid in $conf)"
restore

echo "clash:x:$support_id:" >>/etc/group
expect_fail "support gid in /etc/group" \
	"FAIL: the support gid $support_id also exists in /etc/group (line $(wc -l </etc/group), clash) (fix: remove that line, or change gid in $conf)"
restore

echo 'edgesupport:$6$salt$hash:19000:0:99999:7:::' >>/etc/shadow
expect_fail "support name in /etc/shadow" \
	"FAIL: the support user name edgesupport also exists in /etc/shadow (line $(wc -l </etc/shadow)) (fix: remove that line, or change user in $conf)"
restore

printf 'groups = no-such-group-%s\n' "$$" >>"$conf"
expect_fail "supplementary group missing" \
	"FAIL: supplementary group(s) no-such-group-$$ not found (fix: create them, or remove them from groups in $conf)"
restore

echo "rootalias$$:x:0:" >>/etc/group
printf 'groups = rootalias%s\n' "$$" >>"$conf"
expect_fail "supplementary group with gid 0" \
	"FAIL: supplementary group rootalias$$ has gid 0 (fix: remove it from groups in $conf)"
restore

chmod 666 "$cert"
expect_fail "certificate writable by every user" \
	"FAIL: certificate $cert can be changed by users other than root (fix: chown root: and chmod 644 on it)"
restore

rm "$sb/cron.d/edgesupport"
expect_fail "no timer and no cron file" \
	"FAIL: expiry: systemd is not running, so edgesupport-expire.timer never runs, and /etc/cron.d/edgesupport is missing (fix: reinstall the edgesupport package, which ships /etc/cron.d/edgesupport)"
restore

sed -i '/edgesupport-ctl/s/ expire$//' "$sb/cron.d/edgesupport"
expect_fail "cron file without expire" \
	"FAIL: expiry: /etc/cron.d/edgesupport does not run \"edgesupport-ctl expire\" (fix: reinstall the edgesupport package, which ships it)"
restore

# With systemd as init (its marker directory on the /run overlay), the
# timer must be installed and enabled; the cron file no longer counts.
mkdir -p /run/systemd/system
overlay /etc/systemd/system || fatal "cannot overlay /etc/systemd/system"
overlay "$(readlink -f /lib/systemd/system)" || fatal "cannot overlay /lib/systemd/system"
expect_fail "systemd without the timer" \
	"FAIL: expiry: systemd runs here but edgesupport-expire.timer is not installed (fix: reinstall the edgesupport package)"
cp "$top_srcdir/data/edgesupport-expire.timer" /lib/systemd/system/
expect_fail "systemd with the timer not enabled" \
	"FAIL: expiry: edgesupport-expire.timer is installed (/lib/systemd/system/edgesupport-expire.timer) but not enabled (fix: systemctl enable --now edgesupport-expire.timer)"
mkdir -p /etc/systemd/system/timers.target.wants &&
	ln -s /lib/systemd/system/edgesupport-expire.timer \
	    /etc/systemd/system/timers.target.wants/
run_check
assert_eq "$status" 0 "systemd with the timer enabled: exit status 0"
assert_line "ok: expiry: edgesupport-expire.timer is installed and enabled" \
	"systemd with the timer enabled: timer found"
restore

sed -i "s|^lock_file = .*|lock_file = $sb/no-such-dir/edgesupport/lock|" "$conf"
expect_fail "lock directory parent missing" \
	"FAIL: lock directory $sb/no-such-dir/edgesupport cannot be created in $sb/no-such-dir: No such file or directory (fix: change lock_file in $conf to a writable place such as /run/edgesupport/lock)"
restore

mkdir -p "$sb/run/edgesupport" && chmod 0777 "$sb/run/edgesupport"
expect_fail "lock directory writable by others" \
	"FAIL: lock directory $sb/run/edgesupport is writable by a user other than root (fix: chown root $sb/run/edgesupport && chmod go-w $sb/run/edgesupport)"
rmdir "$sb/run/edgesupport"
restore

# Every case restored what it broke.
run_check
assert_eq "$status" 0 "restored setup: exit status 0"
assert_all_pass "restored setup"

finish
