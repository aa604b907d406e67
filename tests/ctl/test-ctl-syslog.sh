#!/bin/sh
# edgesupport-ctl logs enable, disable and cert install to syslog with
# facility authpriv. Runs the tool in a private mount namespace whose /dev
# is a tmpfs with a datagram socket at /dev/log, so the host's /dev and
# syslog stay untouched.
. "${top_srcdir:-.}/tests/lib.sh"

require_root
require_cmd unshare openssl python3

ctl_bin=$top_builddir/edgesupport-ctl
[ -x "$ctl_bin" ] || fatal "$ctl_bin not built"

host_dev_log=$(stat -c '%d:%i' /dev/log 2>/dev/null)
make_tmpdir
key_name="edgesupport-test-$$:otp"
test_uid=$((64500 + $$ % 400))
while getent passwd "$test_uid" >/dev/null; do
	test_uid=$((test_uid + 1))
done

cat >"$es_tmp/edgesupport.conf" <<EOF
uid = $test_uid
gid = $test_uid
certificate = $es_tmp/support.cer
key_name = $key_name
lock_file = $es_tmp/run/lock
EOF
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=syslog -days 30 \
	-keyout "$es_tmp/key.pem" -out "$es_tmp/cert.pem" 2>/dev/null ||
	fatal "openssl req failed"

cat >"$es_tmp/listen.py" <<'EOF'
import socket, sys
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind("/dev/log")
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1], "ab", buffering=0) as out:
    while True:
        out.write(sock.recv(4096) + b"\n")
EOF

# Runs inside the namespace: a fresh /dev with null and urandom bound in
# from the real one, the listener on /dev/log, then the commands.
cat >"$es_tmp/inner.sh" <<'EOF'
set -e
mount --make-rprivate /
mkdir "$T/realdev"
mount --rbind /dev "$T/realdev"
mount -t tmpfs -o mode=755 tmpfs /dev
for node in null zero urandom random; do
	touch "/dev/$node"
	mount --bind "$T/realdev/$node" "/dev/$node"
done
python3 "$T/listen.py" "$T/syslog" &
listener=$!
i=0
while [ ! -e "$T/syslog.ready" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
set +e
ctl() { "$CTL" --config "$T/edgesupport.conf" "$@"; }
ctl cert install "$T/cert.pem" >/dev/null 2>&1
ctl enable >/dev/null 2>&1
ctl disable >/dev/null 2>&1
sleep 0.3
kill "$listener"
EOF

T=$es_tmp CTL=$ctl_bin unshare -m sh "$es_tmp/inner.sh" ||
	fatal "the namespace setup failed"
"$ctl_bin" --config "$es_tmp/edgesupport.conf" disable >/dev/null 2>&1

log=$(cat "$es_tmp/syslog" 2>/dev/null)
# <85> is facility authpriv (10) * 8 + severity notice (5).
assert_contains "$log" "<85>" "messages use authpriv.notice"
assert_contains "$log" "edgesupport-ctl[" "messages carry the program name"
assert_contains "$log" "installed support certificate" "cert install is logged"
assert_contains "$log" "enabled until" "enable is logged"
assert_contains "$log" "disabled (was enabled); ended 0 process" \
	"disable is logged"
assert_eq "$(printf '%s\n' "$log" | grep -c 'edgesupport-ctl\[')" 3 \
	"one line per event"
assert_eq "$(stat -c '%d:%i' /dev/log 2>/dev/null)" "$host_dev_log" \
	"host /dev/log left alone"

finish
