/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_BLOB_H
#define ES_BLOB_H

/*
 * The blob that carries the password to the support engineer: base64 (RFC
 * 4648, padded, one line) of a 4-byte little-endian length N = 80, the
 * certificate thumbprint as 40 upper-case hex digits in UTF-16LE, and the
 * RSA-OAEP ciphertext (SHA-256, MGF1-SHA-256, no label) of the password.
 */

#include <stddef.h>
#include <openssl/evp.h>

#include "cert.h"
#include "error.h"

#define ES_BLOB_THUMBPRINT_BYTES	(2 * ES_THUMBPRINT_LEN)
#define ES_BLOB_HEADER_LEN		(4 + ES_BLOB_THUMBPRINT_BYTES)

/*
 * Encrypts secret to the public key pub and returns the base64 blob in a
 * malloc'ed NUL-terminated string in *blob. Returns 0 or a negative errno.
 */
int es_blob_encode(EVP_PKEY *pub, const char *thumbprint,
    const unsigned char *secret, size_t secret_len, char **blob,
    struct es_error *err);

/*
 * Splits a blob into its thumbprint and ciphertext. White space anywhere in
 * text is ignored, as in a pasted blob. *ciphertext is malloc'ed. Returns 0
 * or -EINVAL with the problem (bad base64, N not 80, thumbprint not 40
 * upper-case hex digits, no ciphertext) in err.
 */
int es_blob_parse(const char *text, char thumbprint[ES_THUMBPRINT_LEN + 1],
    unsigned char **ciphertext, size_t *ciphertext_len,
    struct es_error *err);

/*
 * Parses a blob, checks its thumbprint against expected_thumbprint (naming
 * both on mismatch) and its ciphertext length against the key size, and
 * decrypts it with the private key priv into a malloc'ed, NUL-terminated
 * buffer in *secret. The caller wipes and frees it with es_secret_free().
 * Returns 0 or a negative errno.
 */
int es_blob_decrypt(EVP_PKEY *priv, const char *expected_thumbprint,
    const char *text, char **secret, size_t *secret_len,
    struct es_error *err);

/* Wipes and frees a secret of len bytes; NULL is allowed. */
void es_secret_free(char *secret, size_t len);

#endif
