#!/bin/sh
# edgesupport-decrypt against the real tool and the openssl CLI: new-cert,
# decrypting blobs from make-blob with every key format, stock OpenSSL
# decrypting the same blob, and a specific error for each bad input.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_cmd openssl base64 iconv od
make_tmpdir

decrypt="$top_builddir/edgesupport-decrypt"
make_blob="$top_builddir/tests/crypto/make-blob"
[ -x "$decrypt" ] || fatal "$decrypt not built"
[ -x "$make_blob" ] || fatal "$make_blob not built"

password=Xy7Qm2Lp9Rt4Wz1
d=$es_tmp

# Prints blob file $1 base64-encoded again after CMD has filtered its raw
# bytes: reencode FILE CMD...
reencode() {
	file=$1
	shift
	base64 -d <"$file" | "$@" | base64 -w0
}

# Prints the days from notBefore to notAfter of DER certificate $1.
validity_days() {
	dates=$(openssl x509 -inform DER -in "$1" -noout -startdate -enddate)
	from=$(printf '%s\n' "$dates" | sed -n 's/^notBefore=//p')
	to=$(printf '%s\n' "$dates" | sed -n 's/^notAfter=//p')
	echo $(( ($(date -d "$to" +%s) - $(date -d "$from" +%s)) / 86400 ))
}

# --- new-cert ---------------------------------------------------------------

assert_status 0 "new-cert creates a pair" \
	"$decrypt" new-cert --dns support.example --out-cert "$d/a.cer" \
	--out-key "$d/a.key"
newcert_out=$out
fp_a=$(openssl x509 -inform DER -in "$d/a.cer" -noout -fingerprint \
	-sha1 | sed 's/^.*=//; s/://g')
assert_eq "$newcert_out" "thumbprint: $fp_a" \
	"new-cert prints the openssl SHA-1 fingerprint"
assert_eq "$(stat -c %a "$d/a.key")" 600 "new-cert key mode is 0600"
assert_eq "$(head -n 1 "$d/a.key")" "-----BEGIN PRIVATE KEY-----" \
	"new-cert key is unencrypted PKCS#8 PEM"
text=$(openssl x509 -inform DER -in "$d/a.cer" -noout -text)
assert_contains "$text" "Subject: CN = support.example" "new-cert subject CN"
assert_contains "$text" "DNS:support.example" "new-cert subjectAltName"
assert_contains "$text" "Version: 3" "new-cert X.509 v3"
assert_contains "$text" "Public-Key: (2048 bit)" "new-cert default 2048 bits"
assert_contains "$text" "sha256WithRSAEncryption" "new-cert SHA-256 signature"
modulus_cert=$(openssl x509 -inform DER -in "$d/a.cer" -noout -modulus)
modulus_key=$(openssl rsa -in "$d/a.key" -noout -modulus)
assert_eq "$modulus_key" "$modulus_cert" "new-cert key matches certificate"
assert_eq "$(validity_days "$d/a.cer")" 365 "new-cert default validity 365 days"
start=$(openssl x509 -inform DER -in "$d/a.cer" -noout -startdate |
	sed 's/^.*=//')
age=$(( $(date +%s) - $(date -d "$start" +%s) ))
[ "$age" -ge 0 ] && [ "$age" -le 60 ] &&
	pass "new-cert valid from now" ||
	fail "new-cert notBefore is $age s from now, expected 0 to 60"

assert_status 0 "new-cert with --bits 3072 --days 10" \
	"$decrypt" new-cert --dns b.example --out-cert "$d/b.cer" \
	--out-key "$d/b.key" --bits 3072 --days 10
text=$(openssl x509 -inform DER -in "$d/b.cer" -noout -text)
assert_contains "$text" "Public-Key: (3072 bit)" "new-cert --bits 3072"
assert_eq "$(validity_days "$d/b.cer")" 10 "new-cert --days 10"
fp_b=$(openssl x509 -inform DER -in "$d/b.cer" -noout -fingerprint \
	-sha1 | sed 's/^.*=//; s/://g')

sum_before=$(cat "$d/a.cer" "$d/a.key" | sha256sum)
assert_status 1 "new-cert refuses an existing certificate" \
	"$decrypt" new-cert --dns x.example --out-cert "$d/a.cer" \
	--out-key "$d/new.key"
assert_contains "$err" "$d/a.cer already exists" "overwrite message"
assert_status 1 "new-cert refuses an existing key" \
	"$decrypt" new-cert --dns x.example --out-cert "$d/new.cer" \
	--out-key "$d/a.key"
assert_eq "$(cat "$d/a.cer" "$d/a.key" | sha256sum)" "$sum_before" \
	"new-cert leaves existing files unchanged"
[ ! -e "$d/new.cer" ] && [ ! -e "$d/new.key" ] &&
	pass "new-cert writes nothing when it refuses" ||
	fail "new-cert left a file behind after refusing"
leftover=$(find "$d" -name '.*.??????')
assert_eq "$leftover" "" "new-cert leaves no temporary file"

assert_status 2 "new-cert --bits 1024 is a usage error" \
	"$decrypt" new-cert --dns x.example --out-cert "$d/x.cer" \
	--out-key "$d/x.key" --bits 1024
assert_contains "$err" "2048 to 16384" "--bits message gives the range"
assert_status 2 "new-cert --days 0 is a usage error" \
	"$decrypt" new-cert --dns x.example --out-cert "$d/x.cer" \
	--out-key "$d/x.key" --days 0
assert_status 2 "new-cert without --dns is a usage error" \
	"$decrypt" new-cert --out-cert "$d/x.cer" --out-key "$d/x.key"
assert_status 2 "new-cert rejects a DNS name with a comma" \
	"$decrypt" new-cert --dns "a.example,DNS:evil" \
	--out-cert "$d/x.cer" --out-key "$d/x.key"

# --- round trip -------------------------------------------------------------

printf '%s\n' "$password" | "$make_blob" "$d/a.cer" >"$d/a.blob" ||
	fatal "make-blob failed"
blob=$(cat "$d/a.blob")
assert_eq "${#blob}" 456 "blob for a 2048-bit key is 456 characters"

assert_status 0 "decrypt blob argument" \
	"$decrypt" --key "$d/a.key" --cert "$d/a.cer" "$blob"
assert_eq "$out" "$password" "decrypt prints the password"

base64 -d <"$d/a.blob" | tail -c +85 >"$d/a.ct"
assert_eq "$(wc -c <"$d/a.ct")" 256 "ciphertext is the modulus size"
plain=$(openssl pkeyutl -decrypt -inkey "$d/a.key" \
	-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \
	-pkeyopt rsa_mgf1_md:sha256 -in "$d/a.ct")
assert_eq "$plain" "$password" "openssl pkeyutl decrypts the blob"

header_len=$(base64 -d <"$d/a.blob" | head -c 4 | od -An -tx1 | tr -d ' ')
assert_eq "$header_len" 50000000 "blob header length is 80 little-endian"
header_fp=$(base64 -d <"$d/a.blob" | head -c 84 | tail -c 80 |
	iconv -f UTF-16LE -t ASCII)
assert_eq "$header_fp" "$fp_a" "blob thumbprint is the openssl fingerprint"

# --- key and certificate sources --------------------------------------------

assert_status 0 "decrypt finds KEY.cer next to the key" \
	"$decrypt" --key "$d/a.key" "$blob"
assert_eq "$out" "$password" "decrypt with the .cer next to the key"

mkdir "$d/alone"
cp "$d/a.key" "$d/alone/support.pem"
assert_status 1 "decrypt without any certificate" \
	"$decrypt" --key "$d/alone/support.pem" "$blob"
assert_contains "$err" "$d/alone/support.cer does not exist" \
	"missing certificate message names the .cer path"
assert_contains "$err" "--cert" "missing certificate message names --cert"

openssl x509 -inform DER -in "$d/a.cer" -out "$d/a-cert.pem"
cat "$d/a.key" "$d/a-cert.pem" >"$d/alone/bundle.pem"
assert_status 0 "decrypt PEM bundle of key and certificate" \
	"$decrypt" --key "$d/alone/bundle.pem" "$blob"
assert_eq "$out" "$password" "decrypt with the certificate in a PEM bundle"

openssl pkcs12 -export -inkey "$d/a.key" -in "$d/a-cert.pem" \
	-passout pass:p12secret -out "$d/alone/a.p12" ||
	fatal "openssl pkcs12 -export failed"
assert_status 0 "decrypt PKCS#12 with --passin pass:" \
	"$decrypt" --key "$d/alone/a.p12" --passin pass:p12secret "$blob"
assert_eq "$out" "$password" "PKCS#12 with --passin pass:"
assert_status 0 "decrypt PKCS#12 with --passin env:" \
	env P12_PASS=p12secret "$decrypt" --key "$d/alone/a.p12" \
	--passin env:P12_PASS "$blob"
assert_eq "$out" "$password" "PKCS#12 with --passin env:"
printf 'p12secret\nignored\n' >"$d/pass.txt"
assert_status 0 "decrypt PKCS#12 with --passin file:" \
	"$decrypt" --key "$d/alone/a.p12" --passin "file:$d/pass.txt" "$blob"
assert_eq "$out" "$password" "PKCS#12 with --passin file:"
assert_status 0 "decrypt PKCS#12 with --passin fd:3" \
	"$decrypt" --key "$d/alone/a.p12" --passin fd:3 "$blob" 3<"$d/pass.txt"
assert_eq "$out" "$password" "PKCS#12 with --passin fd:"
assert_status 0 "decrypt PKCS#12 with --passin stdin" \
	"$decrypt" --key "$d/alone/a.p12" --passin stdin "$blob" <"$d/pass.txt"
assert_eq "$out" "$password" "PKCS#12 with --passin stdin"

assert_status 1 "decrypt PKCS#12 with a wrong passphrase" \
	"$decrypt" --key "$d/alone/a.p12" --passin pass:wrong "$blob"
assert_contains "$err" "wrong passphrase" "PKCS#12 wrong passphrase message"
assert_eq "$out" "" "PKCS#12 wrong passphrase prints no password"
assert_status 1 "decrypt --passin env: with an unset variable" \
	env -u ES_UNSET_VAR "$decrypt" --key "$d/alone/a.p12" \
	--passin env:ES_UNSET_VAR "$blob"
assert_contains "$err" "ES_UNSET_VAR is not set" "unset variable message"
assert_status 2 "decrypt --passin with an unknown form" \
	"$decrypt" --key "$d/alone/a.p12" --passin secret "$blob"

openssl pkey -in "$d/a.key" -aes256 -passout pass:pemsecret \
	-out "$d/enc.key" || fatal "openssl pkey -aes256 failed"
head -n 1 "$d/enc.key" | grep -q ENCRYPTED ||
	fatal "openssl did not write an encrypted key"
assert_status 0 "decrypt encrypted PEM key with --passin" \
	"$decrypt" --key "$d/enc.key" --cert "$d/a.cer" \
	--passin pass:pemsecret "$blob"
assert_eq "$out" "$password" "encrypted PEM key with --passin"
assert_status 1 "decrypt encrypted PEM key with a wrong passphrase" \
	"$decrypt" --key "$d/enc.key" --cert "$d/a.cer" --passin pass:bad \
	"$blob"
assert_contains "$err" "wrong passphrase" "PEM wrong passphrase message"
if command -v setsid >/dev/null 2>&1; then
	assert_status 1 "encrypted key without --passin and no terminal" \
		setsid -w "$decrypt" --key "$d/enc.key" --cert "$d/a.cer" \
		"$blob"
	assert_contains "$err" "no terminal" "no terminal message"
	assert_contains "$err" "--passin" "no terminal message names --passin"
fi

# --- blob input -------------------------------------------------------------

fold -w 60 "$d/a.blob" | sed 's/^/  /; s/$/\r/' >"$d/wrapped.blob"
assert_status 0 "decrypt wrapped blob on stdin" \
	"$decrypt" --key "$d/a.key" --cert "$d/a.cer" <"$d/wrapped.blob"
assert_eq "$out" "$password" "wrapped blob on stdin"
assert_status 0 "decrypt wrapped blob on stdin via -" \
	"$decrypt" --key "$d/a.key" --cert "$d/a.cer" - <"$d/wrapped.blob"
assert_eq "$out" "$password" "wrapped blob via -"
assert_status 0 "decrypt wrapped blob argument" \
	"$decrypt" --key "$d/a.key" --cert "$d/a.cer" "$(cat "$d/wrapped.blob")"
assert_eq "$out" "$password" "wrapped blob argument"
assert_status 2 "--passin stdin with the blob on stdin" \
	"$decrypt" --key "$d/a.key" --passin stdin <"$d/a.blob"

# --- bad blobs --------------------------------------------------------------

# Each row: name, blob, expected text in the message.
check_bad_blob() {
	assert_status 1 "$1 fails" \
		"$decrypt" --key "$d/a.key" --cert "$d/a.cer" "$2"
	assert_contains "$err" "$3" "$1 message"
	assert_eq "$out" "" "$1 prints no password"
}

check_bad_blob "truncated blob" "$(printf %s "$blob" | head -c 400)" \
	"ciphertext is 216 bytes, but the 2048-bit key needs exactly 256"
check_bad_blob "blob cut mid-group" "$(printf %s "$blob" | head -c 455)" \
	"not a multiple of 4"
check_bad_blob "bad base64" \
	"$(printf %s "$blob" | sed 's/^\(.\{20\}\)./\1!/')" \
	"character 21 is '!'"
check_bad_blob "empty blob" "" "the blob is empty"
check_bad_blob "ciphertext one byte short" \
	"$(reencode "$d/a.blob" head -c -1)" "ciphertext is 255 bytes"
check_bad_blob "ciphertext one byte long" \
	"$(reencode "$d/a.blob" sh -c 'cat; printf x')" \
	"ciphertext is 257 bytes"

{ printf 'N\000\000\000'; base64 -d <"$d/a.blob" | tail -c +5; } |
	base64 -w0 >"$d/n78.blob"
check_bad_blob "header length 78" "$(cat "$d/n78.blob")" \
	"length field is 78, expected 80"

lower_fp=$(printf %s "$fp_a" | tr 'A-F' 'a-f')
{ printf 'P\000\000\000'; printf %s "$lower_fp" | iconv -t UTF-16LE;
	cat "$d/a.ct"; } | base64 -w0 >"$d/lower.blob"
check_bad_blob "lower-case thumbprint" "$(cat "$d/lower.blob")" \
	"not 40 upper-case hex digits"

printf '%s\n' "$password" | "$make_blob" "$d/b.cer" >"$d/b.blob" ||
	fatal "make-blob failed"
check_bad_blob "blob for another certificate" "$(cat "$d/b.blob")" \
	"made for another certificate"
assert_contains "$err" "$fp_b" "mismatch message names the blob's thumbprint"
assert_contains "$err" "$fp_a" "mismatch message names the key's thumbprint"

# Header of certificate A, ciphertext for key B: the thumbprint matches but
# the RSA key does not.
{ base64 -d <"$d/a.blob" | head -c 84;
	base64 -d <"$d/b.blob" | tail -c +85 | head -c 256; } |
	base64 -w0 >"$d/mixed.blob"
check_bad_blob "ciphertext for another key" "$(cat "$d/mixed.blob")" \
	"decryption of the blob failed"

assert_status 1 "key and certificate that do not match" \
	"$decrypt" --key "$d/b.key" --cert "$d/a.cer" "$blob"
assert_contains "$err" "does not belong to key $d/b.key" \
	"wrong key message names the key"

# --- bad files --------------------------------------------------------------

printf 'garbage\n' >"$d/garbage"
: >"$d/empty"
assert_status 1 "garbage certificate file" \
	"$decrypt" --key "$d/a.key" --cert "$d/garbage" "$blob"
assert_contains "$err" "$d/garbage is neither a DER nor a PEM" \
	"garbage certificate message"
assert_status 1 "empty certificate file" \
	"$decrypt" --key "$d/a.key" --cert "$d/empty" "$blob"
assert_contains "$err" "$d/empty is empty" "empty certificate message"
assert_status 1 "missing certificate file" \
	"$decrypt" --key "$d/a.key" --cert "$d/none.cer" "$blob"
assert_contains "$err" "$d/none.cer not found" "missing certificate message"
assert_status 1 "garbage key file" \
	"$decrypt" --key "$d/garbage" --cert "$d/a.cer" "$blob"
assert_contains "$err" "$d/garbage contains no readable private key" \
	"garbage key message"
assert_status 1 "empty key file" \
	"$decrypt" --key "$d/empty" --cert "$d/a.cer" "$blob"
assert_contains "$err" "$d/empty contains no readable private key" \
	"empty key message"
assert_status 1 "missing key file" \
	"$decrypt" --key "$d/none.key" --cert "$d/a.cer" "$blob"
assert_contains "$err" "$d/none.key not found" "missing key message"
head -c 900 "$d/a.key" >"$d/cut.key"
assert_status 1 "truncated key file" \
	"$decrypt" --key "$d/cut.key" --cert "$d/a.cer" "$blob"
assert_contains "$err" "no readable private key" "truncated key message"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 0711 "$d"
	cp "$d/a.key" "$d/locked.key"
	chmod 000 "$d/locked.key"
	chmod 0644 "$d/a.cer"
	assert_status 1 "unreadable key file" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		env LC_ALL=C "$decrypt" --key "$d/locked.key" --cert "$d/a.cer" "$blob"
	assert_contains "$err" \
		"cannot open key file $d/locked.key: Permission denied" \
		"unreadable key message"
	chmod 0700 "$d"
else
	printf 'SKIP: unreadable key row needs root and setpriv\n' >&2
fi

# --- usage ------------------------------------------------------------------

assert_status 0 "--version" "$decrypt" --version
assert_contains "$out" "edgesupport-decrypt " "--version output"
assert_status 0 "--help" "$decrypt" --help
for option in --key --cert --passin --help --version new-cert --dns \
	--out-cert --out-key --bits --days; do
	assert_contains "$out" "$option" "--help names $option"
done
assert_status 2 "missing --key" "$decrypt" "$blob"
assert_contains "$err" "--key KEY is required" "missing --key message"
assert_status 2 "unknown option" "$decrypt" --frobnicate
assert_status 2 "two blob arguments" \
	"$decrypt" --key "$d/a.key" "$blob" "$blob"

finish
