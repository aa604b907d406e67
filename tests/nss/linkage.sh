#!/bin/sh
# Checks how the built NSS module links: only libc, the soname glibc loads
# it by, and no exported symbol besides the _nss_edgesupport_* entry points.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

skip_under_sanitizer "the sanitizer runtime is an extra dependency"
require_cmd readelf nm

module=$top_builddir/nss_edgesupport/.libs/libnss_edgesupport.so.2
[ -f "$module" ] || fatal "$module not built; run make"

needed=$(readelf -d "$module" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
assert_eq "$needed" "libc.so.6" "module needs only libc"

soname=$(readelf -d "$module" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
assert_eq "$soname" "libnss_edgesupport.so.2" "soname"

exports=$(nm -D --defined-only "$module" | awk '{ print $3 }')
assert_eq "$(printf '%s\n' "$exports" | grep -vc '^_nss_edgesupport_')" 0 \
	"only _nss_edgesupport_ symbols exported"
for entry in getpwnam_r getpwuid_r setpwent getpwent_r endpwent \
	getgrnam_r getgrgid_r setgrent getgrent_r endgrent \
	getspnam_r setspent getspent_r endspent initgroups_dyn; do
	assert_contains "$exports" "_nss_edgesupport_$entry" "exports $entry"
done

finish
