#!/bin/sh
# edgesupport-ctl against the real kernel keyring, openssl(1) and real
# processes: a test config in a temporary directory with a key name unique
# to this run, the lock file and certificate in that directory, and an
# unused uid for the support account.
. "${top_srcdir:-.}/tests/lib.sh"

require_root
require_cmd openssl keyctl setpriv base64 od

ctl_bin=$top_builddir/edgesupport-ctl
store_bin=$top_builddir/tests/ctl/test-store
[ -x "$ctl_bin" ] || fatal "$ctl_bin not built"
[ -x "$store_bin" ] || fatal "$store_bin not built"

make_tmpdir
chmod 755 "$es_tmp"
key_name="edgesupport-test-$$:otp"

# An unused uid: no passwd entry and no process.
test_uid=$((64000 + $$ % 500))
while getent passwd "$test_uid" >/dev/null ||
	ps -e -o uid= | grep -qx " *$test_uid"; do
	test_uid=$((test_uid + 1))
done

conf=$es_tmp/edgesupport.conf
cat >"$conf" <<EOF
uid = $test_uid
gid = $test_uid
certificate = $es_tmp/etc/support.cer
key_name = $key_name
lock_file = $es_tmp/run/lock
EOF
installed=$es_tmp/etc/support.cer

ctl() {
	"$ctl_bin" --config "$conf" "$@"
}

cleanup() {
	ctl disable >/dev/null 2>&1
	rm -rf "$es_tmp"
}
trap cleanup EXIT

# Prints the serial of the key, searched from a fresh session keyring so
# the caller's own session keyring is left alone.
key_id() {
	keyctl session - sh -c \
		'p=$(keyctl get_persistent @s 0) && keyctl search "$p" user "$1"' \
		sh "$key_name" 2>/dev/null
}

# Makes a self-signed certificate: make_rsa NAME BITS [openssl req args].
make_rsa() {
	name=$1 bits=$2
	shift 2
	openssl req -x509 -newkey "rsa:$bits" -nodes -subj "/CN=$name" \
		-keyout "$es_tmp/$name.key" -out "$es_tmp/$name.pem" "$@" \
		2>/dev/null || fatal "openssl req for $name failed"
}

# Makes a self-signed certificate valid from $2 to $3 (YYYYMMDDHHMMSSZ).
make_dated() {
	name=$1 start=$2 end=$3 dir=$es_tmp/ca-$1
	mkdir -p "$dir" && : >"$dir/index.txt" && echo 01 >"$dir/serial"
	cat >"$dir/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = any
[any]
commonName = supplied
EOF
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$name" \
		-keyout "$dir/key.pem" -out "$dir/req.csr" 2>/dev/null &&
		openssl ca -batch -config "$dir/ca.cnf" -selfsign \
			-keyfile "$dir/key.pem" -in "$dir/req.csr" \
			-out "$es_tmp/$name.pem" -startdate "$start" \
			-enddate "$end" >/dev/null 2>&1 ||
		fatal "openssl ca for $name failed"
}

# Decrypts the blob in file $1 with key $2 into $es_tmp/password.
decrypt_blob() {
	base64 -d <"$1" | tail -c +85 >"$es_tmp/ciphertext" &&
		openssl pkeyutl -decrypt -inkey "$2" \
			-pkeyopt rsa_padding_mode:oaep \
			-pkeyopt rsa_oaep_md:sha256 \
			-pkeyopt rsa_mgf1_md:sha256 \
			-in "$es_tmp/ciphertext" -out "$es_tmp/password"
}

# Starts "sh -c SCRIPT" as the test uid in the background.
start_as_test_uid() {
	setpriv --reuid "$test_uid" --regid "$test_uid" --clear-groups \
		sh -c "$1" </dev/null >/dev/null 2>&1 &
}

count_test_uid() {
	ps -e -o uid=,stat= | awk -v u="$test_uid" \
		'$1 == u && $2 !~ /^Z/ { n++ } END { print n + 0 }'
}

wait_test_uid_count() {
	i=0
	while [ "$(count_test_uid)" != "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

make_rsa good 2048 -days 30
make_rsa other 2048 -days 30
make_rsa weak 1024 -days 30
openssl ecparam -name prime256v1 -genkey -noout -out "$es_tmp/ec.key" &&
	openssl req -x509 -new -key "$es_tmp/ec.key" -subj /CN=ec -days 30 \
		-out "$es_tmp/ec.pem" 2>/dev/null || fatal "openssl failed to make the EC certificate"
make_dated expired 20200101000000Z 20200201000000Z
make_dated future 20991201000000Z 20991231000000Z
openssl x509 -in "$es_tmp/good.pem" -outform DER -out "$es_tmp/good.der" ||
	fatal "openssl failed to convert good.pem to DER"
head -c 600 /dev/urandom >"$es_tmp/junk.cer"
good_thumb=$(openssl x509 -in "$es_tmp/good.pem" -noout -fingerprint -sha1 |
	sed 's/.*=//; s/://g')
other_thumb=$(openssl x509 -in "$es_tmp/other.pem" -noout -fingerprint \
	-sha1 | sed 's/.*=//; s/://g')

# --- root, help, usage ---------------------------------------------------

cp "$ctl_bin" "$es_tmp/edgesupport-ctl" && chmod 755 "$es_tmp/edgesupport-ctl"
assert_status 4 "non-root status exits 4" \
	setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$es_tmp/edgesupport-ctl" --config "$conf" status
assert_contains "$err" "root" "non-root message names root"
assert_status 4 "non-root enable exits 4" \
	setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$es_tmp/edgesupport-ctl" --config "$conf" enable
assert_eq "$out" "" "non-root enable prints nothing on stdout"
assert_status 0 "non-root --help exits 0" \
	setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$es_tmp/edgesupport-ctl" --help

assert_status 0 "--help exits 0" ctl --help
for word in enable disable status expire "cert install" "cert show" \
	--lifetime --max-logins --json --config --version; do
	assert_contains "$out" "$word" "--help mentions $word"
done
assert_status 0 "--version exits 0" ctl --version
assert_contains "$out" "edgesupport-ctl " "--version names the program"

assert_status 2 "missing command exits 2" ctl
assert_status 2 "unknown command exits 2" ctl frobnicate
assert_status 2 "unknown option exits 2" ctl --frobnicate status
assert_status 2 "status with an argument exits 2" ctl status extra
assert_status 2 "cert without subcommand exits 2" ctl cert
assert_status 2 "cert install without FILE exits 2" ctl cert install
assert_status 1 "check is not implemented yet" ctl check

printf 'uid = %s\ngid = %s\nfrobnicate = 1\n' "$test_uid" "$test_uid" \
	>"$es_tmp/bad.conf"
assert_status 1 "invalid config exits 1" \
	"$ctl_bin" --config "$es_tmp/bad.conf" status
assert_contains "$err" "$es_tmp/bad.conf:3:" "config error names FILE:LINE"

# --- before a certificate --------------------------------------------------

assert_status 3 "status before enable exits 3" ctl status
assert_contains "$out" "not enabled" "status before enable says not enabled"
assert_status 3 "status --json before enable exits 3" ctl status --json
assert_eq "$out" '{"enabled":false,"enabled_at":null,"expires_at":null,"remaining_seconds":null,"thumbprint":null,"max_logins":null,"logins":null,"failures":null,"locked":false}' \
	"status --json before enable"

assert_status 1 "enable without certificate exits 1" ctl enable
assert_contains "$err" "cert install" "enable without certificate names cert install"
assert_eq "$out" "" "enable without certificate prints nothing on stdout"
assert_status 1 "cert show without certificate exits 1" ctl cert show
assert_contains "$err" "cert install" "cert show without certificate names cert install"

# --- cert install ------------------------------------------------------------

assert_status 0 "cert install DER" ctl cert install "$es_tmp/good.der"
assert_eq "$out" "thumbprint: $good_thumb" "cert install DER prints the thumbprint"
assert_status 0 "installed DER is a DER certificate" \
	openssl x509 -inform DER -in "$installed" -noout
assert_status 0 "installed file equals the DER input" \
	cmp "$installed" "$es_tmp/good.der"
assert_eq "$(stat -c %a "$installed")" 644 "installed file has mode 0644"

assert_status 0 "cert install PEM" ctl cert install "$es_tmp/other.pem"
assert_eq "$out" "thumbprint: $other_thumb" "cert install PEM prints the thumbprint"
assert_status 0 "PEM input installed as DER" \
	openssl x509 -inform DER -in "$installed" -noout
assert_eq "$(stat -c %a "$installed")" 644 "replaced file has mode 0644"

assert_eq "$err" "${err#*warning}" "no private key warning for a plain PEM"

cat "$es_tmp/good.pem" "$es_tmp/good.key" >"$es_tmp/with-key.pem"
assert_status 0 "cert install PEM with a private key" \
	ctl cert install "$es_tmp/with-key.pem"
assert_contains "$err" "also contains a private key" \
	"cert install warns about the private key"

assert_status 0 "cert install PEM again" ctl cert install "$es_tmp/good.pem"
for bad in ec weak expired future; do
	assert_status 1 "cert install rejects $bad" \
		ctl cert install "$es_tmp/$bad.pem"
done
assert_contains "$(ctl cert install "$es_tmp/ec.pem" 2>&1)" "EC" \
	"EC rejection names the key type"
assert_contains "$(ctl cert install "$es_tmp/weak.pem" 2>&1)" "1024" \
	"weak RSA rejection names the size"
assert_contains "$(ctl cert install "$es_tmp/expired.pem" 2>&1)" "expired" \
	"expired rejection says expired"
assert_contains "$(ctl cert install "$es_tmp/future.pem" 2>&1)" "not valid yet" \
	"future rejection says not valid yet"
assert_status 1 "cert install rejects junk" ctl cert install "$es_tmp/junk.cer"
assert_status 1 "cert install rejects a missing file" \
	ctl cert install "$es_tmp/missing.cer"
assert_status 0 "rejected installs keep the installed file" \
	cmp "$installed" "$es_tmp/good.der"
assert_eq "$(find "$es_tmp/etc" -type f | wc -l)" 1 \
	"no temporary files left next to the certificate"

assert_status 0 "cert show" ctl cert show
assert_contains "$out" "thumbprint: $good_thumb" "cert show thumbprint matches openssl"
assert_contains "$out" "CN=good" "cert show prints the subject"
assert_contains "$out" "RSA 2048" "cert show prints the key type and size"
assert_contains "$out" "not after: " "cert show prints not after"

# --- enable ------------------------------------------------------------------

# Anyone who can replace the certificate would get the next password.
chown 65534 "$installed"
assert_status 1 "enable rejects a certificate owned by another user" \
	ctl enable
assert_contains "$err" "other than root" "foreign certificate owner named"
assert_eq "$out" "" "no blob with a foreign certificate owner"
chown 0 "$installed"
chmod 666 "$installed"
assert_status 1 "enable rejects a world-writable certificate" ctl enable
assert_contains "$err" "chmod 644" "writable certificate fix named"
chmod 644 "$installed"

assert_status 0 "enable" ctl enable
printf '%s\n' "$out" >"$es_tmp/blob1"
assert_contains "$err" "enabled until" "enable notes the expiry on stderr"
assert_eq "$(wc -l <"$es_tmp/blob1")" 1 "enable prints one line"
assert_eq "${#out}" 456 "blob is 456 characters"
assert_status 0 "blob is base64" grep -qxE '[A-Za-z0-9+/]+={0,2}' "$es_tmp/blob1"
assert_eq "$(stat -c %a "$es_tmp/run")" 700 "lock directory has mode 0700"

header=$(base64 -d <"$es_tmp/blob1" | head -c 4 | od -An -tx1 | tr -d ' \n')
assert_eq "$header" 50000000 "blob header N is 80"
blob_thumb=$(base64 -d <"$es_tmp/blob1" | head -c 84 | tail -c 80 |
	iconv -f UTF-16LE -t ASCII 2>/dev/null)
assert_eq "$blob_thumb" "$good_thumb" "blob carries the certificate thumbprint"

assert_status 0 "openssl pkeyutl decrypts the blob" \
	decrypt_blob "$es_tmp/blob1" "$es_tmp/good.key"
password1=$(cat "$es_tmp/password")
assert_eq "$(wc -c <"$es_tmp/password")" 15 "password has 15 bytes"
assert_status 0 "password uses A-Z a-z 0-9 only" \
	grep -qxE '[A-Za-z0-9]{15}' "$es_tmp/password"

id1=$(key_id)
assert_status 0 "key exists in the persistent keyring" test -n "$id1"
perm=$(keyctl rdescribe "$id1" | cut -d';' -f4)
assert_eq "$(keyctl rdescribe "$id1" | cut -d';' -f1-2)" "user;0" \
	"key is a user key owned by uid 0"
assert_eq "$(printf '%d' "0x$perm" | awk '{ print $1 % 65536 }')" 0 \
	"key grants nothing to group and others"
assert_status 1 "nobody cannot print the key" \
	setpriv --reuid 65534 --regid 65534 --clear-groups keyctl print "$id1"
assert_status 1 "nobody cannot read the key" \
	setpriv --reuid 65534 --regid 65534 --clear-groups keyctl read "$id1"

assert_status 0 "status after enable exits 0" ctl status
assert_contains "$out" "enabled" "status says enabled"
assert_contains "$out" "$good_thumb" "status shows the thumbprint"
assert_status 0 "status --json after enable exits 0" ctl status --json
json=$out
assert_contains "$json" '"enabled":true' "json enabled is true"
assert_contains "$json" "\"thumbprint\":\"$good_thumb\"" "json thumbprint"
assert_contains "$json" '"max_logins":0,"logins":0,"failures":0,"locked":false}' \
	"json counters after enable"
remaining=$(printf '%s' "$json" | sed 's/.*"remaining_seconds":\([0-9]*\).*/\1/')
assert_status 0 "json remaining is close to 5h" \
	test "$remaining" -gt 17990 -a "$remaining" -le 18000
iso='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
printf '%s\n' "$json" >"$es_tmp/json"
assert_status 0 "json enabled_at is ISO 8601 UTC" \
	grep -qE "\"enabled_at\":\"$iso\"" "$es_tmp/json"
assert_status 0 "json expires_at is ISO 8601 UTC" \
	grep -qE "\"expires_at\":\"$iso\"" "$es_tmp/json"

assert_status 0 "enable again with limits" \
	ctl enable --lifetime 30m --max-logins 3
printf '%s\n' "$out" >"$es_tmp/blob2"
assert_status 0 "second blob decrypts" \
	decrypt_blob "$es_tmp/blob2" "$es_tmp/good.key"
password2=$(cat "$es_tmp/password")
assert_status 1 "second password differs" test "$password1" = "$password2"
id2=$(key_id)
assert_status 0 "second enable made a new key" test -n "$id2" -a "$id2" != "$id1"
assert_status 1 "first key is revoked" keyctl describe "$id1"
assert_status 0 "status --json after second enable" ctl status --json
assert_contains "$out" '"max_logins":3' "json shows max_logins 3"
remaining=$(printf '%s' "$out" | sed 's/.*"remaining_seconds":\([0-9]*\).*/\1/')
assert_status 0 "json remaining is close to 30m" \
	test "$remaining" -gt 1790 -a "$remaining" -le 1800

for bad in 5 5x 25h 0s 1.5h "" -1h 2h30m; do
	assert_status 2 "--lifetime '$bad' rejected" ctl enable --lifetime "$bad"
	assert_eq "$out" "" "--lifetime '$bad' prints nothing on stdout"
done
for bad in 0 -1 abc 1000001 " 5" 5x; do
	assert_status 2 "--max-logins '$bad' rejected" \
		ctl enable --max-logins "$bad"
done
assert_status 0 "max-logins 1000000 accepted" \
	ctl enable --max-logins 1000000 --lifetime 90s
assert_status 0 "1d lifetime accepted" ctl enable --lifetime 1d
assert_eq "$(key_id)" "$(key_id)" "key id is stable between reads"

# --- disable -----------------------------------------------------------------

start_as_test_uid 'exec sleep 300'
start_as_test_uid 'exec setsid sleep 300'
wait_test_uid_count 2
assert_eq "$(count_test_uid)" 2 "two processes of the test uid run"
assert_status 0 "disable" ctl disable
assert_contains "$out" "was enabled" "disable says access was enabled"
assert_contains "$out" "ended 2 process" "disable ended two processes"
assert_contains "$out" "rotate" "disable reminds to rotate credentials"
assert_eq "$(count_test_uid)" 0 "no process of the test uid left"
assert_eq "$(key_id)" "" "disable removed the key"
assert_status 3 "status after disable exits 3" ctl status

# A holder that never releases the store lock (a stopped su) must not
# block revocation: disable waits for the lock, then revokes without it.
assert_status 0 "enable before the held-lock case" ctl enable
# -o: the lock stays with flock itself, not with sleep, so killing
# flock releases it.
flock -o "$es_tmp/run/lock" sleep 60 &
holder=$!
sleep 0.5
assert_status 1 "enable fails while the lock is held" ctl enable
assert_contains "$err" "still locked" "enable names the held lock"
assert_status 0 "disable succeeds while the lock is held" ctl disable
assert_contains "$err" "revoking without the lock" \
	"disable warns that it revoked without the lock"
assert_eq "$(key_id)" "" "disable removed the key despite the lock"
kill "$holder"
wait "$holder" 2>/dev/null
assert_status 0 "second disable" ctl disable
assert_contains "$out" "was not enabled" "second disable says not enabled"
assert_contains "$out" "ended 0 process" "second disable ended nothing"
wait

# --- expire ------------------------------------------------------------------

assert_status 0 "expire with nothing to do" ctl expire
assert_eq "$out$err" "" "expire with nothing to do is silent"

assert_status 0 "enable for 2s" ctl enable --lifetime 2s
start_as_test_uid 'exec sleep 300'
wait_test_uid_count 1
assert_status 0 "expire while enabled" ctl expire
assert_eq "$out$err" "" "expire while enabled is silent"
assert_eq "$(count_test_uid)" 1 "expire while enabled leaves processes"
sleep 3
assert_status 3 "status after the lifetime exits 3" ctl status
assert_status 0 "expire after the lifetime" ctl expire
assert_contains "$out" "ended 1 process" "expire ends the leftover process"
assert_eq "$(count_test_uid)" 0 "no process left after expire"
assert_eq "$(key_id)" "" "no key after expire"
assert_status 0 "expire again" ctl expire
assert_eq "$out$err" "" "expire again is silent"
wait

# A record whose lifetime passed on CLOCK_BOOTTIME while its key remains,
# as after the wall clock was set back.
assert_status 0 "plant a boot-time-expired record" \
	"$store_bin" --plant-expired "$key_name"
assert_status 0 "planted key exists" test -n "$(key_id)"
assert_status 3 "status treats it as not enabled" ctl status
assert_status 0 "expire removes it" ctl expire
assert_eq "$out$err" "" "expire of a record without processes is silent"
assert_eq "$(key_id)" "" "boot-time-expired key removed"

start_as_test_uid "trap '' TERM; sleep 300"
wait_test_uid_count 2
assert_status 0 "expire ends a process that ignores SIGTERM" ctl expire
assert_contains "$out" "ended 2 process" "expire counts both processes"
assert_eq "$(count_test_uid)" 0 "SIGKILL ended the SIGTERM-ignoring process"
wait

finish
