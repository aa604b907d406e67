#!/bin/sh
# Runs getent and id through glibc with the built NSS module inside a
# private mount namespace. There nsswitch.conf, passwd and the config are
# bind mounts, and glibc finds the module in a temporary directory through
# LD_LIBRARY_PATH. The host's /etc and /lib stay unchanged, and the test
# checks that.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmd unshare mount getent id sha256sum
make_tmpdir

module=$top_builddir/nss_edgesupport/.libs/libnss_edgesupport.so.2
[ -f "$module" ] || fatal "$module not built; run make"
libdir=/lib/x86_64-linux-gnu
[ -d "$libdir" ] || libdir=/lib

# Prints a fingerprint of the system files the test must not change.
host_state() {
	sha256sum /etc/nsswitch.conf /etc/passwd /etc/group
	find "$libdir" -xdev -printf '%p %s %T@ %i\n' | sort
	find "$libdir" -xdev -name 'libnss_*' -type f -exec sha256sum {} +
}

host_state >"$es_tmp/state.before"

mkdir "$es_tmp/lib"
cp "$module" "$es_tmp/lib/"

cat >"$es_tmp/edgesupport.conf" <<'CONF'
# support account for the namespace test
user = edgesupport
uid = 4711
gid = 4720
gecos = Edge Support
home = /var/lib/edgesupport
shell = /bin/sh
groups = adm, no-such-group-xyz
CONF

nsswitch() {
	printf 'passwd: %s\ngroup: %s\nshadow: %s\nhosts: files\n' \
		"$1" "$1" "$1"
}
nsswitch "files edgesupport" >"$es_tmp/nsswitch.files-first"
nsswitch "edgesupport files" >"$es_tmp/nsswitch.module-first"

cp /etc/passwd "$es_tmp/passwd.shadowed"
echo 'edgesupport:x:4999:4999:from files:/nonexistent:/usr/sbin/nologin' \
	>>"$es_tmp/passwd.shadowed"

# The installed path of the config comes from make. When its directory
# cannot be covered by a tmpfs without hiding /etc, the test uses the
# environment variable instead.
config_path=${es_config_path:-/etc/edgesupport/edgesupport.conf}

cat >"$es_tmp/inner.sh" <<'INNER'
. "$top_srcdir/tests/lib.sh"

config_dir=$(dirname "$config_path")
parent=$(dirname "$config_dir")
if [ -d "$config_dir" ]; then
	mount -t tmpfs -o mode=0755 tmpfs "$config_dir" ||
		fatal "cannot mount a tmpfs on $config_dir"
elif [ -d "$parent" ] && [ "$parent" != /etc ] && [ "$parent" != / ]; then
	mount -t tmpfs -o mode=0755 tmpfs "$parent" ||
		fatal "cannot mount a tmpfs on $parent"
	mkdir "$config_dir"
else
	config_dir=
fi
if [ -n "$config_dir" ]; then
	cp "$es_tmp/edgesupport.conf" "$config_path"
	echo "config at the built-in path $config_path"
else
	export EDGESUPPORT_NSS_CONFIG="$es_tmp/edgesupport.conf"
	echo "config through EDGESUPPORT_NSS_CONFIG"
fi

mount --bind "$es_tmp/nsswitch.files-first" /etc/nsswitch.conf ||
	fatal "cannot bind-mount nsswitch.conf"
export LD_LIBRARY_PATH="$es_tmp/lib"

entry="edgesupport:x:4711:4720:Edge Support:/var/lib/edgesupport:/bin/sh"
assert_status 0 "getent passwd by name" getent passwd edgesupport
assert_eq "$out" "$entry" "passwd entry by name"
assert_status 0 "getent passwd by uid" getent passwd 4711
assert_eq "$out" "$entry" "passwd entry by uid"
assert_status 0 "getent passwd enumeration" getent passwd
assert_eq "$(printf '%s\n' "$out" | grep -c '^edgesupport:')" 1 \
	"enumeration lists the account once"
assert_contains "$out" "$entry" "enumeration lists the entry"

assert_status 0 "getent group by name" getent group edgesupport
assert_eq "$out" "edgesupport:x:4720:" "group entry by name"
assert_status 0 "getent group by gid" getent group 4720
assert_eq "$out" "edgesupport:x:4720:" "group entry by gid"
assert_status 0 "getent group enumeration" getent group
assert_eq "$(printf '%s\n' "$out" | grep -c '^edgesupport:x:4720:$')" 1 \
	"group enumeration lists the group once"

assert_status 0 "getent shadow" getent shadow edgesupport
assert_eq "$out" "edgesupport:!*:::::::" "shadow entry is locked"

adm=$(getent group adm | cut -d: -f3)
assert_status 0 "getent initgroups" getent initgroups edgesupport
# getent passes no primary gid, so only the supplementary groups show.
assert_eq "$(echo $out)" "edgesupport $adm" "initgroups adds adm only"

assert_status 0 "id of the account" id edgesupport
assert_eq "$out" \
	"uid=4711(edgesupport) gid=4720(edgesupport) groups=4720(edgesupport),$adm(adm)" \
	"id shows uid, gid and groups"

for login in EdgeSupport EDGESUPPORT "edgesupport " " edgesupport" \
	edgesupportx edgesuppor; do
	assert_status 2 "getent passwd '$login' not found" \
		getent passwd "$login"
	assert_status 2 "getent shadow '$login' not found" \
		getent shadow "$login"
	assert_status 0 "getent initgroups '$login'" \
		getent initgroups "$login"
	assert_eq "$(printf '%s' "$out" | tr -cd '0-9')" "" \
		"no groups for '$login'"
done
assert_status 2 "getent group of another case" getent group EdgeSupport
assert_status 2 "getent passwd of an unused uid" getent passwd 4712

assert_status 0 "root still resolves" getent passwd 0
assert_contains "$out" "root:x:0:0:" "root comes from files"
assert_status 0 "root group still resolves" getent group 0
assert_contains "$out" "root:x:0:" "root group comes from files"

mount --bind "$es_tmp/passwd.shadowed" /etc/passwd ||
	fatal "cannot bind-mount passwd"
shadowed="edgesupport:x:4999:4999:from files:/nonexistent:/usr/sbin/nologin"
assert_status 0 "getent with the name in files" getent passwd edgesupport
assert_eq "$out" "$shadowed" "files wins when listed first"

mount --bind "$es_tmp/nsswitch.module-first" /etc/nsswitch.conf ||
	fatal "cannot bind-mount nsswitch.conf"
assert_status 0 "getent with the module first" getent passwd edgesupport
assert_eq "$out" "$entry" "module wins when listed first"

finish
INNER

status=0
es_tmp=$es_tmp config_path=$config_path unshare -m --propagation private \
	sh "$es_tmp/inner.sh" || status=$?
[ "$status" = 99 ] && fatal "namespace setup failed"
assert_eq "$status" 0 "checks inside the namespace"

host_state >"$es_tmp/state.after"
if cmp -s "$es_tmp/state.before" "$es_tmp/state.after"; then
	pass "host nsswitch.conf, passwd, group and $libdir unchanged"
else
	fail "host files changed:"
	diff "$es_tmp/state.before" "$es_tmp/state.after" >&2
fi

finish
