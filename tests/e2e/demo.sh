#!/bin/bash
# Shows edgesupport end to end on Debian 12. The script installs the
# packages it needs and builds in _build/demo. Then, in a sandbox of
# private namespaces that leaves the host's files unchanged, it enables
# support access, decrypts the password as the support engineer, logs in
# over ssh twice at once, and disables access again. Run from a clone as
# root:
#
#     sudo tests/e2e/demo.sh          # about a minute after the build
#     sudo tests/e2e/demo.sh --full   # adds the expiry checks (+35 s)
#
# Exits 0 only if every step worked.

top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
top_builddir=$top_srcdir/_build/demo
es_config_path=/etc/edgesupport/edgesupport.conf
export top_srcdir top_builddir es_config_path

. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/sandbox.sh"
. "$top_srcdir/tests/e2e/flow.sh"

demo_packages="build-essential autoconf automake libtool pkg-config
	libpam0g-dev libssl-dev libkeyutils-dev keyutils openssl iproute2
	libpam-runtime openssh-server openssh-client sshpass pamtester faketime"

demo_steps="certificate login sessions disable drop_in"
demo_full_steps="expire_boottime expire_wallclock units"

usage() {
	echo "usage: sudo $0 [--full]"
	echo "  --full  also check expiry on the boot clock and the systemd units"
}

# Runs a build step as the user who called sudo, so the clone keeps no
# root-owned files.
as_caller() {
	if [ -n "${SUDO_USER:-}" ] && [ "${SUDO_UID:-0}" != 0 ]; then
		runuser -u "$SUDO_USER" -- "$@"
	else
		"$@"
	fi
}

demo_install_packages() {
	local missing='' package

	es_say "Packages"
	for package in $demo_packages; do
		dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
			grep -q 'install ok installed' || missing="$missing $package"
	done
	if [ -z "$missing" ]; then
		echo "all installed:" $demo_packages
		return 0
	fi
	export DEBIAN_FRONTEND=noninteractive
	es_show apt-get update
	apt-get update -q || return 1
	es_show apt-get install -y --no-install-recommends $missing
	apt-get install -y -q --no-install-recommends $missing || return 1
	case $missing in
	*openssh-server*)
		echo "NOTE: the openssh-server package starts the ssh service;" \
		    "stop it with 'systemctl disable --now ssh' if this host" \
		    "should not run one." ;;
	esac
}

demo_build() {
	es_say "Build in $top_builddir"
	if [ ! -x "$top_srcdir/configure" ]; then
		es_show ./autogen.sh
		(cd "$top_srcdir" && as_caller ./autogen.sh >/dev/null 2>&1) ||
			return 1
	fi
	as_caller mkdir -p "$top_builddir" || return 1
	if [ ! -f "$top_builddir/Makefile" ]; then
		es_show ../../configure --sysconfdir=/etc
		(cd "$top_builddir" && as_caller ../../configure -q \
		    --sysconfdir=/etc) || return 1
	fi
	es_show make -j"$(nproc)"
	(cd "$top_builddir" && as_caller make -s -j"$(nproc)" >/dev/null) ||
		return 1
	es_locate_build || {
		echo "the build did not produce:$es_missing" >&2
		return 1
	}
}

# Runs inside the sandbox (sb_enter runs this script again there).
demo_inside() {
	local steps=$demo_steps

	[ "${1:-}" = --full ] && steps="$steps $demo_full_steps"
	es_locate_build || fatal "not built:$es_missing"
	# shellcheck disable=SC2086
	flow_main $steps
	es_say "Result"
	if [ "$es_failures" -eq 0 ]; then
		echo "every step worked"
	else
		echo "$es_failures check(s) failed; see FAIL lines above"
	fi
	finish
}

demo_main() {
	local status=0 start=$SECONDS

	case ${1:-} in
	'' | --full) ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	if [ "$(id -u)" != 0 ]; then
		echo "$0: needs root for apt-get, namespaces and the kernel keyring;" \
		    "run: sudo $0" >&2
		exit 1
	fi

	demo_install_packages || fatal "installing packages failed"
	demo_build || fatal "the build failed; rerun 'make' in $top_builddir to see why"

	es_say "Sandbox run (nothing below changes the host)"
	sb_enter bash "$0" "$@" || status=$?
	echo "demo took $((SECONDS - start)) s"
	exit "$status"
}

if [ -n "${ES_SANDBOX:-}" ]; then
	demo_inside "$@"
else
	demo_main "$@"
fi
