/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "blob.h"

/* OAEP with SHA-256 takes at most modulus size - 2 * 32 - 2 bytes. */
#define OAEP_SHA256_OVERHEAD	(2 * 32 + 2)

static int
is_upper_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static int
is_thumbprint(const char *s)
{
	size_t i;

	for (i = 0; i < ES_THUMBPRINT_LEN; i++)
		if (!is_upper_hex((unsigned char)s[i]))
			return 0;
	return s[ES_THUMBPRINT_LEN] == '\0';
}

static int
is_base64_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* Sets up ctx for RSA-OAEP with SHA-256, MGF1-SHA-256 and no label. */
static int
set_oaep(EVP_PKEY_CTX *ctx)
{
	return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) > 0 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) > 0;
}

static int
check_rsa_key(EVP_PKEY *pkey, const char *role, struct es_error *err)
{
	const char *type;

	if (pkey == NULL) {
		es_error_set(err, "no %s key given", role);
		return -EINVAL;
	}
	if (!EVP_PKEY_is_a(pkey, "RSA")) {
		type = EVP_PKEY_get0_type_name(pkey);
		es_error_set(err, "the %s key is %s, but the blob uses "
		    "RSA-OAEP: use an RSA key", role, type != NULL ? type : "not RSA");
		return -EINVAL;
	}
	return 0;
}

static int
rsa_encrypt(EVP_PKEY *pub, const unsigned char *in, size_t in_len,
    unsigned char *out, size_t out_size, struct es_error *err)
{
	EVP_PKEY_CTX *ctx;
	size_t out_len = out_size;
	int ret = -EIO;

	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
	if (ctx == NULL || EVP_PKEY_encrypt_init(ctx) <= 0 || !set_oaep(ctx) ||
	    EVP_PKEY_encrypt(ctx, out, &out_len, in, in_len) <= 0) {
		es_error_set(err, "RSA-OAEP encryption failed");
		goto out;
	}
	if (out_len != out_size) {
		es_error_set(err, "RSA-OAEP encryption returned %zu bytes, "
		    "expected %zu", out_len, out_size);
		goto out;
	}
	ret = 0;

out:
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return ret;
}

int
es_blob_encode(EVP_PKEY *pub, const char *thumbprint,
    const unsigned char *secret, size_t secret_len, char **blob,
    struct es_error *err)
{
	unsigned char *raw = NULL;
	char *text = NULL;
	size_t key_len;
	size_t raw_len;
	size_t i;
	int size;
	int ret;

	*blob = NULL;

	ret = check_rsa_key(pub, "public", err);
	if (ret != 0)
		return ret;
	if (thumbprint == NULL || !is_thumbprint(thumbprint)) {
		es_error_set(err, "thumbprint '%.64s' is not %d upper-case hex "
		    "digits", thumbprint != NULL ? thumbprint : "",
		    ES_THUMBPRINT_LEN);
		return -EINVAL;
	}

	size = EVP_PKEY_get_size(pub);
	if (size <= OAEP_SHA256_OVERHEAD ||
	    secret_len > (size_t)size - OAEP_SHA256_OVERHEAD) {
		es_error_set(err, "a %zu-byte secret does not fit RSA-OAEP "
		    "with a %d-bit key", secret_len, EVP_PKEY_get_bits(pub));
		return -EINVAL;
	}
	key_len = (size_t)size;
	raw_len = ES_BLOB_HEADER_LEN + key_len;

	raw = malloc(raw_len);
	text = malloc(4 * ((raw_len + 2) / 3) + 1);
	if (raw == NULL || text == NULL) {
		es_error_set(err, "out of memory encoding the blob");
		ret = -ENOMEM;
		goto out;
	}

	raw[0] = ES_BLOB_THUMBPRINT_BYTES & 0xff;
	raw[1] = (ES_BLOB_THUMBPRINT_BYTES >> 8) & 0xff;
	raw[2] = 0;
	raw[3] = 0;
	for (i = 0; i < ES_THUMBPRINT_LEN; i++) {
		raw[4 + 2 * i] = (unsigned char)thumbprint[i];
		raw[4 + 2 * i + 1] = 0;
	}

	ret = rsa_encrypt(pub, secret, secret_len, raw + ES_BLOB_HEADER_LEN,
	    key_len, err);
	if (ret != 0)
		goto out;

	EVP_EncodeBlock((unsigned char *)text, raw, (int)raw_len);
	*blob = text;
	text = NULL;

out:
	free(raw);
	free(text);
	return ret;
}

/*
 * Copies text without white space. Returns the copy or NULL when out of
 * memory.
 */
static char *
strip_blanks(const char *text, size_t *len)
{
	size_t n = 0;
	char *copy;

	copy = malloc(strlen(text) + 1);
	if (copy == NULL)
		return NULL;

	for (; *text != '\0'; text++)
		if (!is_blank((unsigned char)*text))
			copy[n++] = *text;
	copy[n] = '\0';
	*len = n;
	return copy;
}

/*
 * Checks that text is canonical padded base64 before OpenSSL decodes it:
 * EVP_DecodeBlock() neither reports the padding nor rejects stray bits.
 * Returns the number of '=' characters or -1 with the problem in err.
 */
static int
check_base64(const char *text, size_t len, struct es_error *err)
{
	size_t pad = 0;
	size_t i;

	if (len == 0) {
		es_error_set(err, "the blob is empty: paste the whole blob "
		    "that edgesupport-ctl enable printed");
		return -1;
	}
	if (len % 4 != 0) {
		es_error_set(err, "invalid base64 in the blob: %zu characters "
		    "is not a multiple of 4, so the blob is truncated or has "
		    "extra characters: copy the whole line again", len);
		return -1;
	}

	while (pad < 2 && text[len - 1 - pad] == '=')
		pad++;

	for (i = 0; i < len - pad; i++) {
		if (!is_base64_char((unsigned char)text[i])) {
			es_error_set(err, "invalid base64 in the blob: "
			    "character %zu is '%c' (0x%02x): copy the blob "
			    "again", i + 1,
			    text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?',
			    (unsigned char)text[i]);
			return -1;
		}
	}
	return (int)pad;
}

/*
 * Decodes strict base64 into a malloc'ed buffer. A non-canonical encoding
 * (stray bits in the last character) is found by encoding the result again
 * and comparing.
 */
static int
decode_base64(const char *text, size_t len, unsigned char **out,
    size_t *out_len, struct es_error *err)
{
	unsigned char *raw = NULL;
	char *again = NULL;
	size_t raw_len;
	int pad;
	int n;
	int ret = -EINVAL;

	if (len > INT_MAX / 2) {
		es_error_set(err, "the blob is %zu characters long, too long "
		    "for a blob", len);
		return -EINVAL;
	}
	pad = check_base64(text, len, err);
	if (pad < 0)
		return -EINVAL;

	raw = malloc(len / 4 * 3 + 1);
	again = malloc(len + 1);
	if (raw == NULL || again == NULL) {
		es_error_set(err, "out of memory decoding the blob");
		ret = -ENOMEM;
		goto out;
	}

	n = EVP_DecodeBlock(raw, (const unsigned char *)text, (int)len);
	if (n < 0 || (size_t)n != len / 4 * 3) {
		es_error_set(err, "invalid base64 in the blob: copy the blob "
		    "again");
		goto out;
	}
	raw_len = (size_t)n - (size_t)pad;

	EVP_EncodeBlock((unsigned char *)again, raw, (int)raw_len);
	if (strcmp(again, text) != 0) {
		es_error_set(err, "invalid base64 in the blob: the padding "
		    "or the last characters are not canonical: copy the blob "
		    "again");
		goto out;
	}

	*out = raw;
	*out_len = raw_len;
	raw = NULL;
	ret = 0;

out:
	free(raw);
	free(again);
	return ret;
}

/*
 * Reads the thumbprint from the header of a decoded blob. Returns 0 or
 * -EINVAL with the problem in err.
 */
static int
parse_header(const unsigned char *raw, size_t raw_len,
    char thumbprint[ES_THUMBPRINT_LEN + 1], struct es_error *err)
{
	uint32_t n;
	size_t i;

	if (raw_len < 4) {
		es_error_set(err, "the blob is %zu bytes, too short for its "
		    "4-byte header: copy the whole blob again", raw_len);
		return -EINVAL;
	}

	n = (uint32_t)raw[0] | (uint32_t)raw[1] << 8 |
	    (uint32_t)raw[2] << 16 | (uint32_t)raw[3] << 24;
	if (n != ES_BLOB_THUMBPRINT_BYTES) {
		es_error_set(err, "the blob's thumbprint length field is %u, "
		    "expected %d: this is not an edgesupport blob or it is "
		    "damaged", n, ES_BLOB_THUMBPRINT_BYTES);
		return -EINVAL;
	}
	if (raw_len < ES_BLOB_HEADER_LEN) {
		es_error_set(err, "the blob is %zu bytes, shorter than its "
		    "%d-byte header: copy the whole blob again", raw_len,
		    ES_BLOB_HEADER_LEN);
		return -EINVAL;
	}

	for (i = 0; i < ES_THUMBPRINT_LEN; i++) {
		unsigned char lo = raw[4 + 2 * i];
		unsigned char hi = raw[4 + 2 * i + 1];

		if (hi != 0 || !is_upper_hex(lo)) {
			es_error_set(err, "the blob's thumbprint is not %d "
			    "upper-case hex digits in UTF-16LE (character %zu "
			    "is 0x%02x%02x): the blob is damaged or was not "
			    "made by edgesupport-ctl", ES_THUMBPRINT_LEN,
			    i + 1, hi, lo);
			return -EINVAL;
		}
		thumbprint[i] = (char)lo;
	}
	thumbprint[ES_THUMBPRINT_LEN] = '\0';
	return 0;
}

int
es_blob_parse(const char *text, char thumbprint[ES_THUMBPRINT_LEN + 1],
    unsigned char **ciphertext, size_t *ciphertext_len,
    struct es_error *err)
{
	unsigned char *raw = NULL;
	unsigned char *ct;
	char *clean;
	size_t clean_len = 0;
	size_t raw_len = 0;
	int ret;

	*ciphertext = NULL;
	*ciphertext_len = 0;
	if (text == NULL) {
		es_error_set(err, "no blob given");
		return -EINVAL;
	}

	clean = strip_blanks(text, &clean_len);
	if (clean == NULL) {
		es_error_set(err, "out of memory reading the blob");
		return -ENOMEM;
	}

	ret = decode_base64(clean, clean_len, &raw, &raw_len, err);
	if (ret != 0)
		goto out;

	ret = parse_header(raw, raw_len, thumbprint, err);
	if (ret != 0)
		goto out;

	if (raw_len == ES_BLOB_HEADER_LEN) {
		es_error_set(err, "the blob has no ciphertext after its "
		    "%d-byte header: copy the whole blob again",
		    ES_BLOB_HEADER_LEN);
		ret = -EINVAL;
		goto out;
	}

	ct = malloc(raw_len - ES_BLOB_HEADER_LEN);
	if (ct == NULL) {
		es_error_set(err, "out of memory reading the blob");
		ret = -ENOMEM;
		goto out;
	}
	memcpy(ct, raw + ES_BLOB_HEADER_LEN, raw_len - ES_BLOB_HEADER_LEN);
	*ciphertext = ct;
	*ciphertext_len = raw_len - ES_BLOB_HEADER_LEN;

out:
	free(raw);
	free(clean);
	return ret;
}

static int
rsa_decrypt(EVP_PKEY *priv, const unsigned char *ct, size_t ct_len,
    char **secret, size_t *secret_len, struct es_error *err)
{
	EVP_PKEY_CTX *ctx;
	unsigned char *out = NULL;
	size_t out_len = 0;
	size_t out_size = 0;
	int ret = -EIO;

	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL);
	if (ctx == NULL || EVP_PKEY_decrypt_init(ctx) <= 0 || !set_oaep(ctx) ||
	    EVP_PKEY_decrypt(ctx, NULL, &out_size, ct, ct_len) <= 0) {
		es_error_set(err, "cannot set up RSA-OAEP decryption with "
		    "this key");
		goto out;
	}

	out = malloc(out_size + 1);
	if (out == NULL) {
		es_error_set(err, "out of memory decrypting the blob");
		ret = -ENOMEM;
		goto out;
	}

	out_len = out_size;
	if (EVP_PKEY_decrypt(ctx, out, &out_len, ct, ct_len) <= 0) {
		es_error_set(err, "RSA-OAEP decryption of the blob failed, so "
		    "the blob was encrypted to another key or is damaged. "
		    "Use the key of the certificate installed on the device, "
		    "or copy the blob again");
		ret = -EBADMSG;
		goto out;
	}
	/*
	 * Zeroing the rest terminates the secret and clears any padding
	 * bytes that OpenSSL may have left beyond out_len.
	 */
	OPENSSL_cleanse(out + out_len, out_size + 1 - out_len);

	*secret = (char *)out;
	*secret_len = out_len;
	out = NULL;
	ret = 0;

out:
	if (out != NULL)
		es_secret_free((char *)out, out_size + 1);
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return ret;
}

int
es_blob_decrypt(EVP_PKEY *priv, const char *expected_thumbprint,
    const char *text, char **secret, size_t *secret_len,
    struct es_error *err)
{
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	unsigned char *ct = NULL;
	size_t ct_len = 0;
	size_t key_len;
	int ret;

	*secret = NULL;
	*secret_len = 0;

	ret = check_rsa_key(priv, "private", err);
	if (ret != 0)
		return ret;
	if (expected_thumbprint == NULL || text == NULL) {
		es_error_set(err, "no thumbprint or no blob given");
		return -EINVAL;
	}

	ret = es_blob_parse(text, thumbprint, &ct, &ct_len, err);
	if (ret != 0)
		return ret;

	if (strcmp(thumbprint, expected_thumbprint) != 0) {
		es_error_set(err, "this blob was made for another "
		    "certificate: the blob names thumbprint %s, but the "
		    "certificate given for this key has thumbprint %s. "
		    "Decrypt it with the key of certificate %s, or install "
		    "this certificate on the device and enable access again",
		    thumbprint, expected_thumbprint, thumbprint);
		ret = -EINVAL;
		goto out;
	}

	key_len = (size_t)EVP_PKEY_get_size(priv);
	if (ct_len != key_len) {
		es_error_set(err, "the blob's ciphertext is %zu bytes, but the "
		    "%d-bit key needs exactly %zu: the blob is truncated or "
		    "damaged, copy it again", ct_len, EVP_PKEY_get_bits(priv),
		    key_len);
		ret = -EINVAL;
		goto out;
	}

	ret = rsa_decrypt(priv, ct, ct_len, secret, secret_len, err);

out:
	free(ct);
	return ret;
}

void
es_secret_free(char *secret, size_t len)
{
	if (secret == NULL)
		return;

	OPENSSL_cleanse(secret, len);
	free(secret);
}
