/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the blob: encode, parse, decrypt and their errors. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "blob.h"
#include "password.h"
#include "unit.h"

#define THUMB_A	"0123456789ABCDEF0123456789ABCDEF01234567"
#define THUMB_B	"FEDCBA9876543210FEDCBA9876543210FEDCBA98"

/* A blob's raw bytes, for tests that damage them before encoding. */
struct raw_blob {
	unsigned char *data;
	size_t len;
};

static char *
encode_or_die(EVP_PKEY *pkey, const char *thumbprint, const char *secret)
{
	struct es_error err = { "" };
	char *blob = NULL;

	if (es_blob_encode(pkey, thumbprint, (const unsigned char *)secret,
	    strlen(secret), &blob, &err) != 0)
		setup_failed("es_blob_encode: %s", err.msg);
	return blob;
}

static struct raw_blob
decode_or_die(const char *blob)
{
	struct raw_blob raw;
	size_t len = strlen(blob);
	int n;

	raw.data = malloc(len / 4 * 3 + 1);
	if (raw.data == NULL)
		setup_failed("out of memory");
	n = EVP_DecodeBlock(raw.data, (const unsigned char *)blob, (int)len);
	if (n < 0)
		setup_failed("cannot decode a blob made by es_blob_encode");
	raw.len = (size_t)n;
	while (len > 0 && blob[--len] == '=')
		raw.len--;
	return raw;
}

static char *
encode_raw(const unsigned char *data, size_t len)
{
	char *text = malloc(4 * ((len + 2) / 3) + 1);

	if (text == NULL)
		setup_failed("out of memory");
	EVP_EncodeBlock((unsigned char *)text, data, (int)len);
	return text;
}

/* Returns a copy of blob with a line break every 64 characters and blanks. */
static char *
wrap_blob(const char *blob)
{
	size_t len = strlen(blob);
	char *out = malloc(len + len / 64 * 3 + 8);
	size_t o = 0;
	size_t i;

	if (out == NULL)
		setup_failed("out of memory");
	out[o++] = ' ';
	for (i = 0; i < len; i++) {
		if (i > 0 && i % 64 == 0) {
			out[o++] = '\r';
			out[o++] = '\n';
			out[o++] = '\t';
		}
		out[o++] = blob[i];
	}
	out[o++] = '\n';
	out[o] = '\0';
	return out;
}

/* Parses text and checks that it fails with -EINVAL and a message. */
static void
check_parse_error(const char *text, const char *needle, const char *name)
{
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	struct es_error err = { "" };
	unsigned char *ct = NULL;
	size_t ct_len = 0;
	int ret;

	ret = es_blob_parse(text, thumbprint, &ct, &ct_len, &err);
	check(ret == -EINVAL, "%s: parse returns -EINVAL (got %d)", name,
	    ret);
	check(ct == NULL, "%s: parse returns no ciphertext", name);
	check_contains(err.msg, needle, name);
	free(ct);
}

static void
check_decrypt_error(EVP_PKEY *pkey, const char *thumbprint,
    const char *text, int want, const char *needle, const char *name)
{
	struct es_error err = { "" };
	char *secret = NULL;
	size_t secret_len = 0;
	int ret;

	ret = es_blob_decrypt(pkey, thumbprint, text, &secret, &secret_len,
	    &err);
	check(ret == want, "%s: decrypt returns %d (got %d)", name, want,
	    ret);
	check(secret == NULL, "%s: decrypt returns no secret", name);
	check_contains(err.msg, needle, name);
	es_secret_free(secret, secret_len);
}

static void
test_round_trip(unsigned int bits)
{
	char password[ES_PASSWORD_LEN + 1];
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	struct es_error err = { "" };
	unsigned char *ct = NULL;
	size_t ct_len = 0;
	char *secret = NULL;
	size_t secret_len = 0;
	size_t key_len = bits / 8;
	EVP_PKEY *pkey;
	char *blob;
	char *wrapped;

	pkey = make_rsa_key(bits);
	if (es_password_generate(password) != 0)
		setup_failed("es_password_generate failed");
	blob = encode_or_die(pkey, THUMB_A, password);

	check(strlen(blob) == 4 * ((ES_BLOB_HEADER_LEN + key_len + 2) / 3),
	    "round trip %u: blob has %zu base64 characters", bits,
	    4 * ((ES_BLOB_HEADER_LEN + key_len + 2) / 3));
	if (bits == 2048)
		check(strlen(blob) == 456, "round trip 2048: blob is 456 "
		    "characters (got %zu)", strlen(blob));

	check(es_blob_parse(blob, thumbprint, &ct, &ct_len, &err) == 0,
	    "round trip %u: parse succeeds %s", bits, err.msg);
	check(strcmp(thumbprint, THUMB_A) == 0,
	    "round trip %u: parse returns the thumbprint", bits);
	check(ct_len == key_len, "round trip %u: ciphertext is %zu bytes",
	    bits, key_len);

	check(es_blob_decrypt(pkey, THUMB_A, blob, &secret, &secret_len,
	    &err) == 0, "round trip %u: decrypt succeeds %s", bits, err.msg);
	check(secret != NULL && secret_len == ES_PASSWORD_LEN &&
	    strcmp(secret, password) == 0,
	    "round trip %u: decrypt returns the password", bits);
	es_secret_free(secret, secret_len);
	secret = NULL;

	wrapped = wrap_blob(blob);
	check(es_blob_decrypt(pkey, THUMB_A, wrapped, &secret, &secret_len,
	    &err) == 0 && secret != NULL && strcmp(secret, password) == 0,
	    "round trip %u: blob with line breaks and blanks decrypts",
	    bits);
	es_secret_free(secret, secret_len);

	free(wrapped);
	free(ct);
	free(blob);
	EVP_PKEY_free(pkey);
}

static void
test_base64_errors(const char *blob)
{
	char *copy = strdup(blob);
	size_t len = strlen(blob);

	if (copy == NULL)
		setup_failed("out of memory");

	check_parse_error("", "empty", "empty blob");
	check_parse_error(" \n\t ", "empty", "blank blob");

	copy[10] = '*';
	check_parse_error(copy, "character 11 is '*'", "bad base64 char");
	copy[10] = blob[10];

	copy[10] = '=';
	check_parse_error(copy, "character 11 is '='", "padding in middle");
	copy[10] = blob[10];

	copy[len - 1] = '\0';
	check_parse_error(copy, "not a multiple of 4", "blob cut mid-group");
	copy[len - 1] = blob[len - 1];

	/*
	 * 340 bytes end in one data byte, "XY==": Y carries 4 unused bits,
	 * so Y is one of A, Q, g, w, and the next letter sets an unused bit.
	 */
	copy[len - 3] = blob[len - 3] + 1;
	check_parse_error(copy, "not canonical", "non-canonical base64");

	free(copy);
}

/* Encodes raw with the header field changed and checks the error. */
static void
test_header_errors(EVP_PKEY *pkey, const char *blob)
{
	struct raw_blob raw = decode_or_die(blob);
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	struct es_error err = { "" };
	unsigned char *ct = NULL;
	size_t ct_len = 0;
	char *text;

	raw.data[0] = 78;
	text = encode_raw(raw.data, raw.len);
	check_parse_error(text, "length field is 78, expected 80",
	    "header length 78");
	free(text);
	raw.data[0] = 80;

	raw.data[1] = 1;
	text = encode_raw(raw.data, raw.len);
	check_parse_error(text, "length field is 336", "header length 336");
	free(text);
	raw.data[1] = 0;

	raw.data[4] = 'a';
	text = encode_raw(raw.data, raw.len);
	check_parse_error(text, "not 40 upper-case hex digits",
	    "lower-case thumbprint");
	free(text);
	raw.data[4] = '0';

	raw.data[5] = 0x30;
	text = encode_raw(raw.data, raw.len);
	check_parse_error(text, "character 1 is 0x3030",
	    "thumbprint not UTF-16LE");
	free(text);
	raw.data[5] = 0;

	text = encode_raw(raw.data, ES_BLOB_HEADER_LEN);
	check_parse_error(text, "no ciphertext", "header only");
	free(text);

	text = encode_raw(raw.data, ES_BLOB_HEADER_LEN - 1);
	check_parse_error(text, "shorter than its 84-byte header",
	    "header cut short");
	free(text);

	text = encode_raw(raw.data, 3);
	check_parse_error(text, "too short for its 4-byte header",
	    "three bytes");
	free(text);

	text = encode_raw(raw.data, raw.len);
	check(es_blob_parse(text, thumbprint, &ct, &ct_len, &err) == 0,
	    "restored blob parses again %s", err.msg);
	free(ct);
	free(text);

	text = encode_raw(raw.data, raw.len - 1);
	check_decrypt_error(pkey, THUMB_A, text, -EINVAL,
	    "ciphertext is 255 bytes, but the 2048-bit key needs exactly "
	    "256", "ciphertext one byte short");
	free(text);

	raw.data = realloc(raw.data, raw.len + 1);
	if (raw.data == NULL)
		setup_failed("out of memory");
	raw.data[raw.len] = 0x55;
	text = encode_raw(raw.data, raw.len + 1);
	check_decrypt_error(pkey, THUMB_A, text, -EINVAL,
	    "ciphertext is 257 bytes", "ciphertext one byte long");
	free(text);

	free(raw.data);
}

static void
test_decrypt_errors(EVP_PKEY *pkey, const char *blob)
{
	EVP_PKEY *other = make_rsa_key(2048);
	EVP_PKEY *ec_key = EVP_EC_gen("P-256");
	struct raw_blob raw = decode_or_die(blob);
	char *text;

	if (ec_key == NULL)
		setup_failed("cannot generate an EC key");

	check_decrypt_error(pkey, THUMB_B, blob, -EINVAL,
	    "blob names thumbprint " THUMB_A, "thumbprint mismatch: blob's");
	check_decrypt_error(pkey, THUMB_B, blob, -EINVAL,
	    "has thumbprint " THUMB_B, "thumbprint mismatch: given");
	check_decrypt_error(pkey, THUMB_B, blob, -EINVAL,
	    "made for another certificate", "thumbprint mismatch: advice");

	check_decrypt_error(other, THUMB_A, blob, -EBADMSG,
	    "decryption of the blob failed", "wrong private key");

	raw.data[ES_BLOB_HEADER_LEN + 7] ^= 0x01;
	text = encode_raw(raw.data, raw.len);
	check_decrypt_error(pkey, THUMB_A, text, -EBADMSG,
	    "decryption of the blob failed", "flipped ciphertext bit");
	free(text);

	check_decrypt_error(ec_key, THUMB_A, blob, -EINVAL, "is EC",
	    "EC private key");

	free(raw.data);
	EVP_PKEY_free(ec_key);
	EVP_PKEY_free(other);
}

static void
test_encode_errors(EVP_PKEY *pkey)
{
	static const char long_secret[200] = { 'x' };
	EVP_PKEY *ec_key = EVP_EC_gen("P-256");
	struct es_error err = { "" };
	char *blob = NULL;
	int ret;

	if (ec_key == NULL)
		setup_failed("cannot generate an EC key");

	ret = es_blob_encode(pkey, "0123", (const unsigned char *)"pw", 2,
	    &blob, &err);
	check(ret == -EINVAL && blob == NULL, "encode: short thumbprint");
	check_contains(err.msg, "not 40 upper-case hex", "encode: message");

	ret = es_blob_encode(pkey, "0123456789abcdef0123456789abcdef01234567",
	    (const unsigned char *)"pw", 2, &blob, &err);
	check(ret == -EINVAL && blob == NULL, "encode: lower-case thumbprint");

	ret = es_blob_encode(ec_key, THUMB_A, (const unsigned char *)"pw", 2,
	    &blob, &err);
	check(ret == -EINVAL && blob == NULL, "encode: EC key rejected");
	check_contains(err.msg, "is EC", "encode: EC key message");

	ret = es_blob_encode(pkey, THUMB_A,
	    (const unsigned char *)long_secret, sizeof(long_secret), &blob,
	    &err);
	check(ret == -EINVAL && blob == NULL, "encode: secret too long");
	check_contains(err.msg, "does not fit", "encode: too long message");

	EVP_PKEY_free(ec_key);
}

int
main(void)
{
	EVP_PKEY *pkey;
	char *blob;

	test_round_trip(2048);
	test_round_trip(3072);
	test_round_trip(4096);

	pkey = make_rsa_key(2048);
	blob = encode_or_die(pkey, THUMB_A, "Abcdefgh1234567");

	test_base64_errors(blob);
	test_header_errors(pkey, blob);
	test_decrypt_errors(pkey, blob);
	test_encode_errors(pkey);

	free(blob);
	EVP_PKEY_free(pkey);
	return check_result();
}
