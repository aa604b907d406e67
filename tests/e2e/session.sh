#!/bin/bash
# End-to-end: sshd, PAM and NSS modules, edgesupport-ctl and
# edgesupport-decrypt together, in a sandbox of private namespaces (see
# sandbox.sh) that leaves the host unchanged. Covers enable, password and
# keyboard-interactive logins, parallel sessions, revocation by disable and
# by expiry on the boot clock, the sshd drop-in and the systemd units.
# Runs about a minute, most of it waiting for two short lifetimes.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/sandbox.sh"
. "$top_srcdir/tests/e2e/flow.sh"

require_root
require_cmd unshare mount ip keyctl openssl getent pgrep \
	/usr/sbin/sshd ssh ssh-keygen sshpass pamtester faketime pam-auth-update
es_locate_build || skip "not built:$es_missing (run make first)"
if ldd "$es_pam_module" | grep -q 'libasan\|libubsan'; then
	skip "sanitizer build: sshd cannot load a sanitized PAM module"
fi

if [ -z "${ES_SANDBOX:-}" ]; then
	sb_enter bash "$0" "$@"
	exit $?
fi

flow_main certificate login sessions disable drop_in expire_boottime \
	expire_wallclock units
finish
