#!/bin/sh
# Installs the Debian 12 packages that building and testing edgesupport
# need. Safe to run again: apt-get skips what is already installed.
set -eu

packages="
	build-essential autoconf automake libtool pkg-config
	libpam0g-dev libssl-dev libkeyutils-dev
	keyutils openssl pamtester faketime strace valgrind
	openssh-server openssh-client sshpass
	clang libclang-rt-14-dev
	dpkg-dev debhelper lintian fakeroot
	groff-base man-db libpam-runtime iproute2 python3
"

missing=
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing; run as root to install them" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
