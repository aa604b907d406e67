#!/bin/sh
# Bad input for every entry point, one row per case in cases.tsv: blobs,
# certificates and keys for edgesupport-decrypt, certificates for
# edgesupport-ctl cert install, config files and options for
# edgesupport-ctl, and passwords for the PAM module through pam-run. Each
# row gives the exit status and a piece of the message; no row may end in
# a signal. The fixtures are made here with the openssl CLI.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmd openssl keyctl base64 iconv head
. "$top_srcdir/tests/fault/env.sh"

cases=$top_srcdir/tests/badinput/cases.tsv
decrypt=$decrypt_bin
key=$d/support.key
cert=$d/support.cer
password=Good4pw0Good4pw
write_config "max_failures = 0"

# Prints the bytes of base64 file $1, decoded.
raw() {
	base64 -d <"$1"
}

# Writes base64 of stdin to file $1.
encode() {
	base64 -w0 >"$1"
}

# --- blobs ------------------------------------------------------------------

ctl enable >"$d/good.blob" 2>/dev/null || fatal "enable failed"
[ "$(wc -c <"$d/good.blob")" = 457 ] || fatal "enable printed no blob"
mkdir "$d/blob"
b=$d/blob
raw "$d/good.blob" | tail -c +85 >"$b/ct"
raw "$d/good.blob" | head -c 84 >"$b/header"

: >"$b/empty"
printf ' \n\t\r\n' >"$b/blank"
printf 'Q' >"$b/one-byte"
head -c 1048576 /dev/zero | tr '\0' 'A' >"$b/1mib"
{ cat "$b/1mib"; printf A; } >"$b/1mib-plus"
head -c 102400 /dev/zero | tr '\0' 'A' >"$b/100kib"
head -c 1048572 /dev/zero | tr '\0' 'A' >"$b/almost-1mib"
sed 's/^\(.\{20\}\)./\1!/' "$d/good.blob" >"$b/bad-char"
{ head -c 30 "$d/good.blob"; printf '\377'; tail -c +32 "$d/good.blob"; } \
	>"$b/high-byte"
{ head -c 30 "$d/good.blob"; printf '\000'; tail -c +32 "$d/good.blob"; } \
	>"$b/nul-byte"
{ head -c 40 "$d/good.blob"; printf '='; tail -c +42 "$d/good.blob"; } \
	>"$b/inner-pad"
# 340 bytes are 113 groups of 3 and one byte, so the blob ends in two
# characters and "==". The second of them carries 4 unused bits; setting
# one keeps the bytes but makes the text non-canonical.
alphabet=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/
last=$(head -c 454 "$d/good.blob" | tail -c 1)
stray=$(awk -v a="$alphabet" -v c="$last" \
	'BEGIN { print substr(a, index(a, c) + 1, 1) }')
printf '%s%s==' "$(head -c 453 "$d/good.blob")" "$stray" >"$b/noncanonical"
for n in 0 79 81; do
	{ printf "\\$(printf %03o "$n")\\000\\000\\000"; tail -c +5 "$b/header"
		cat "$b/ct"; } | encode "$b/n$n"
done
{ printf '\377\377\377\377'; tail -c +5 "$b/header"; cat "$b/ct"; } |
	encode "$b/n-max"
fp_lower=$(printf %s "$thumbprint" | tr 'A-F' 'a-f')
{ printf 'P\000\000\000'; printf %s "$fp_lower" | iconv -t UTF-16LE
	cat "$b/ct"; } | encode "$b/fp-lower"
{ printf 'P\000\000\000'; printf %s "$thumbprint" | tr '0-9A-F' 'G-V' |
	iconv -t UTF-16LE; cat "$b/ct"; } | encode "$b/fp-not-hex"
# UTF-16 code unit 0x0141 in place of the first digit.
{ printf 'P\000\000\000A\001'; tail -c +7 "$b/header"; cat "$b/ct"; } |
	encode "$b/fp-wide"
{ printf 'P\000\000\000'; printf %s "$thumbprint" | iconv -t UTF-16BE
	cat "$b/ct"; } | encode "$b/fp-big-endian"
encode "$b/header-only" <"$b/header"
head -c 10 "$b/header" | encode "$b/short"
{ cat "$b/header"; head -c 255 "$b/ct"; } | encode "$b/ct-short"
{ cat "$b/header"; cat "$b/ct"; printf x; } | encode "$b/ct-long"
{ cat "$b/header"; head -c 256 /dev/zero; } | encode "$b/ct-zero"
{ cat "$b/header"; openssl rand 256; } | encode "$b/ct-random"
openssl rand 340 | encode "$b/random"
{ printf 'P\000\000\000'; openssl rand 336; } | encode "$b/random-n80"
"$decrypt" new-cert --dns other.example --out-cert "$d/other.cer" \
	--out-key "$d/other.key" >/dev/null || fatal "new-cert failed"
fp_other=$(openssl x509 -inform DER -in "$d/other.cer" -noout -fingerprint \
	-sha1 | sed 's/^.*=//; s/://g')
{ printf 'P\000\000\000'; printf %s "$fp_other" | iconv -t UTF-16LE
	cat "$b/ct"; } | encode "$b/fp-other"
{ tr -d '\n' <"$d/good.blob"; printf '\n\n%s\n' "$(head -c 8 \
	"$d/good.blob")"; } >"$b/two-blobs"

# --- certificates -----------------------------------------------------------

mkdir "$d/cert"
c=$d/cert
subj="-subj /CN=bad.example"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	$subj -keyout "$c/ec.key" -out "$c/ec.pem" 2>/dev/null ||
	fatal "openssl req (EC) failed"
openssl req -x509 -newkey ed25519 -nodes $subj -keyout "$c/ed.key" \
	-out "$c/ed.pem" 2>/dev/null || fatal "openssl req (Ed25519) failed"
openssl req -x509 -newkey rsa:1024 -nodes $subj -keyout "$c/rsa1024.key" \
	-out "$c/rsa1024.pem" 2>/dev/null || fatal "openssl req (1024) failed"
openssl req -x509 -newkey rsa-pss -pkeyopt rsa_keygen_bits:2048 -nodes \
	$subj -keyout "$c/pss.key" -out "$c/pss.pem" 2>/dev/null ||
	fatal "openssl req (RSA-PSS) failed"

# Self-signed certificates with a chosen validity, through openssl ca.
make_dated() {
	name=$1 start=$2 end=$3 dir=$c/ca-$1
	mkdir -p "$dir" && : >"$dir/index.txt" && echo 01 >"$dir/serial"
	cat >"$dir/ca.cnf" <<-EOF
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
		-keyout "$c/$name.key" -out "$dir/req.pem" 2>/dev/null &&
	openssl ca -batch -config "$dir/ca.cnf" -selfsign \
		-keyfile "$c/$name.key" -startdate "$start" -enddate "$end" \
		-in "$dir/req.pem" -out "$c/$name.pem" 2>/dev/null ||
		fatal "openssl ca for $name failed"
}
make_dated expired 20200101000000Z 20210101000000Z
make_dated future 20990101000000Z 20991231000000Z

openssl x509 -inform DER -in "$cert" -out "$c/support.pem"
cat "$c/support.pem" "$c/ec.pem" >"$c/chain.pem"
sed '5s/^..../!!!!/' "$c/support.pem" >"$c/corrupt-body.pem"
head -n 8 "$c/support.pem" >"$c/cut.pem"
{ echo "Certificate text from openssl x509 -text"; cat "$c/support.pem"; } \
	>"$c/leading-text.pem"
{ cat "$c/support.pem"; echo "trailing notes"; } >"$c/trailing-text.pem"
head -c 300 "$cert" >"$c/cut.der"
{ cat "$cert"; printf 'junk'; } >"$c/trailing.der"
head -c 1200 /dev/urandom >"$c/random.der"
: >"$c/empty"
head -c 1100000 /dev/zero >"$c/huge"
mkdir "$c/dir"
cp "$key" "$c/key-as-cert.pem"

# --- keys -------------------------------------------------------------------

mkdir "$d/key"
k=$d/key
openssl pkey -in "$key" -aes256 -passout pass:right -out "$k/enc.pem" ||
	fatal "openssl pkey -aes256 failed"
openssl pkcs12 -export -nokeys -in "$c/support.pem" -passout pass:p12 \
	-out "$k/nokey.p12" || fatal "openssl pkcs12 -nokeys failed"
openssl pkcs12 -export -inkey "$key" -in "$c/support.pem" -passout pass:p12 \
	-out "$k/full.p12" || fatal "openssl pkcs12 failed"
openssl pkcs12 -export -inkey "$d/other.key" -in "$d/other.cer" \
	-certfile "$c/support.pem" -passout pass:p12 -out "$k/other.p12" \
	2>/dev/null || fatal "openssl pkcs12 (other) failed"
head -c 600 "$key" >"$k/cut.pem"
cp "$c/support.pem" "$k/cert-as-key.pem"
echo "passphrase-in-a-file" >"$k/pass.txt"

# --- config files -----------------------------------------------------------

mkdir "$d/conf"
# The config rows get a key name of their own, so that a row that turns
# access on cannot change the record that the password rows use.
conf_key_name=${key_name%:otp}-conf:otp
cleanup_hook='"$es_enable" --disable "$d/conf/no-newline" >/dev/null 2>&1'
base_conf() {
	echo "uid = $support_uid"
	echo "gid = $support_uid"
	echo "certificate = $installed"
	echo "lock_file = $d/run/lock"
	echo "key_name = $conf_key_name"
}
conf_with() {
	name=$1
	shift
	{ base_conf; for line in "$@"; do echo "$line"; done; } \
		>"$d/conf/$name"
}
conf_with unknown-key "colour = blue"
conf_with duplicate-key "uid = $support_uid"
{ echo "uid = 0"; base_conf | tail -n +2; } >"$d/conf/uid-0"
{ echo "gid = 0"; base_conf | sed 1d | sed 1d; echo "uid = $support_uid"; } \
	>"$d/conf/gid-0"
{ echo "uid = 65534"; base_conf | tail -n +2; } >"$d/conf/uid-nobody"
{ echo "uid = 4294967296"; base_conf | tail -n +2; } >"$d/conf/uid-huge"
{ echo "uid = -5"; base_conf | tail -n +2; } >"$d/conf/uid-negative"
{ echo "uid = 1"; base_conf | tail -n +2; } >"$d/conf/uid-in-use"
base_conf | tail -n +2 >"$d/conf/uid-missing"
{ base_conf | grep -v certificate; echo "certificate = etc/support.cer"; } \
	>"$d/conf/relative-cert"
{ base_conf | grep -v lock_file; echo "lock_file = run/lock"; } \
	>"$d/conf/relative-lock"
conf_with home-relative "home = home/edgesupport"
conf_with lifetime-0 "lifetime = 0"
conf_with lifetime-0s "lifetime = 0s"
conf_with lifetime-bare "lifetime = 5"
conf_with lifetime-25h "lifetime = 25h"
conf_with lifetime-overflow "lifetime = 99999999999999999999d"
conf_with lifetime-space "lifetime = 5 h"
conf_with max-failures-negative "max_failures = -1"
conf_with max-failures-huge "max_failures = 99999999999"
conf_with lockout-0 "max_failures = 10" "lockout_time = 0"
conf_with user-root "user = root"
conf_with user-bad "user = edge support"
{ base_conf | grep -v key_name; echo "key_name = edge support:otp"; } \
	>"$d/conf/key-name-space"
conf_with empty-value "shell ="
conf_with no-equals "shell /bin/sh"
conf_with groups-bad "groups = adm,,sudo"
conf_with gecos-colon "gecos = a:b"
base_conf | sed 's/$/\r/' >"$d/conf/crlf"
{ base_conf; printf 'lifetime = 5h'; } >"$d/conf/no-newline"
{ base_conf; printf '# '; head -c 1048576 /dev/zero | tr '\0' x; echo; } \
	>"$d/conf/1mib-line"
{ base_conf; printf 'gecos = a\000b\n'; } >"$d/conf/nul-byte"
base_conf >"$d/conf/world-writable"
chmod 666 "$d/conf/world-writable"
mkdir "$d/conf/dir"
printf '\357\273\277' >"$d/conf/bom"
base_conf >>"$d/conf/bom"

# Runs enable with config $1 and removes the record it made with
# es-enable, which, unlike disable, ends no process of the config's uid:
# the uid-in-use config names uid 1, whose processes are not the test's.
enable_and_remove() {
	enable_status=0
	"$ctl_bin" --config "$1" enable || enable_status=$?
	"$es_enable" --disable "$1" >/dev/null 2>&1
	return "$enable_status"
}

# --- passwords --------------------------------------------------------------

printf '%s\n' "$password" | "$es_enable" "$conf" ||
	fatal "es-enable failed"
mkdir "$d/pw"
p=$d/pw
printf %s "$password" >"$p/right"
: >"$p/empty"
head -c 4096 /dev/zero | tr '\0' a >"$p/4kib"
head -c 65536 /dev/zero | tr '\0' a >"$p/64kib"
head -c 513 /dev/zero | tr '\0' a >"$p/513"
{ printf %s "$password"; head -c 4081 /dev/zero | tr '\0' a; } >"$p/right-4kib"
printf '%s\n' "$password" >"$p/right-newline"
printf ' %s' "$password" >"$p/right-space"
printf '%s\000junk' "$password" >"$p/right-nul-junk"
printf '%s' "$password" | tr 'a-z' 'A-Z' >"$p/upper"
printf '%s' "$password" | head -c 14 >"$p/prefix"
printf '\377\376\375%s' "$password" >"$p/non-utf8"
printf '\303\251\303\250\342\202\254' >"$p/utf8"

# --- the table --------------------------------------------------------------

rows=0
tab=$(printf '\t')
while IFS=$tab read -r name want message command; do
	case $name in ''|'#'*) continue ;; esac
	rows=$((rows + 1))
	eval "message=\"$message\""
	status=0
	eval "$command" >"$d/out" 2>"$d/err" </dev/null || status=$?
	text=$(cat "$d/out" "$d/err")
	if [ "$status" -ge 128 ]; then
		fail "$name: ended by a signal (exit status $status)"
		continue
	fi
	if [ "$status" = "$want" ]; then
		pass "$name: exit status $status"
	else
		fail "$name: exit status $status, expected $want: $text"
	fi
	if [ "$message" != - ]; then
		case $text in
		*"$message"*) pass "$name: message" ;;
		*) fail "$name: '$message' not in: $text" ;;
		esac
	fi
done <"$cases"
[ "$rows" -gt 100 ] || fatal "read only $rows rows from $cases"

finish
