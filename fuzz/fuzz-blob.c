/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the blob code. An input is a blob as pasted by a
 * support engineer and goes through es_blob_parse() and es_blob_decrypt().
 * An input that starts with '!', which no blob contains, carries a secret
 * instead: the rest is encrypted with es_blob_encode() and must decrypt to
 * the same bytes.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "blob.h"
#include "cert.h"
#include "error.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The thumbprint that es_blob_decrypt() expects: that of
 * fuzz/corpus/cert/rsa2048.der, which the seeds in fuzz/corpus/blob carry,
 * so those seeds get past the thumbprint check to the ciphertext checks.
 */
#define FUZZ_THUMBPRINT	"A5E090F1C81F95667A384762E465A8BDAA7827BF"

/* RSA-OAEP with SHA-256 fits at most 2048 / 8 - 2 * 32 - 2 bytes. */
#define FUZZ_MAX_SECRET	190

static EVP_PKEY *fuzz_key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;

	/* One key per run, because generating one takes 0.3 to 2 s. */
	fuzz_key = EVP_RSA_gen(2048);
	if (fuzz_key == NULL) {
		fprintf(stderr, "fuzz-blob: RSA key generation failed\n");
		abort();
	}

	return 0;
}

/* Parses and decrypts text. Most inputs fail, and that is expected. */
static void
fuzz_parse(const char *text)
{
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	unsigned char *ciphertext = NULL;
	size_t ciphertext_len = 0;
	char *secret = NULL;
	size_t secret_len = 0;
	struct es_error err;

	if (es_blob_parse(text, thumbprint, &ciphertext, &ciphertext_len,
	    &err) == 0) {
		if (strlen(thumbprint) != ES_THUMBPRINT_LEN)
			abort();
		free(ciphertext);
	}

	if (es_blob_decrypt(fuzz_key, FUZZ_THUMBPRINT, text, &secret,
	    &secret_len, &err) == 0)
		es_secret_free(secret, secret_len);
}

/* Encrypts data as the secret and checks that it decrypts unchanged. */
static void
fuzz_round_trip(const uint8_t *data, size_t size)
{
	char *blob = NULL;
	char *secret = NULL;
	size_t secret_len = 0;
	struct es_error err;

	if (size == 0 || size > FUZZ_MAX_SECRET)
		return;

	if (es_blob_encode(fuzz_key, FUZZ_THUMBPRINT, data, size, &blob,
	    &err) != 0) {
		fprintf(stderr, "fuzz-blob: encode failed: %s\n", err.msg);
		abort();
	}

	if (es_blob_decrypt(fuzz_key, FUZZ_THUMBPRINT, blob, &secret,
	    &secret_len, &err) != 0) {
		fprintf(stderr, "fuzz-blob: decrypt of own blob failed: %s\n",
		    err.msg);
		abort();
	}

	if (secret_len != size || memcmp(secret, data, size) != 0 ||
	    secret[size] != '\0') {
		fprintf(stderr, "fuzz-blob: decrypted secret differs\n");
		abort();
	}

	es_secret_free(secret, secret_len);
	free(blob);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 0 && data[0] == '!') {
		fuzz_round_trip(data + 1, size - 1);
		return 0;
	}

	/* The parser takes a C string, so the input gets a NUL. */
	text = malloc(size + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	fuzz_parse(text);

	free(text);
	return 0;
}
