/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_CERT_H
#define ES_CERT_H

#include <time.h>
#include <openssl/x509.h>

#include "error.h"

#define ES_THUMBPRINT_LEN	40	/* hex digits of SHA-1 over the DER */
#define ES_MIN_RSA_BITS		2048

/*
 * Loads one X.509 certificate from a DER or PEM file. Returns 0 or a
 * negative errno with the path and the problem in err.
 */
int es_cert_load(const char *path, X509 **cert, struct es_error *err);

/*
 * Checks that cert carries an RSA key of at least ES_MIN_RSA_BITS bits and
 * is valid at time now. Returns 0 or -EINVAL with the reason in err.
 */
int es_cert_check(X509 *cert, time_t now, struct es_error *err);

/*
 * Writes the SHA-1 thumbprint of cert's DER encoding as 40 upper-case hex
 * digits and a NUL, as Windows and openssl x509 -fingerprint show it.
 * Returns 0 or -EIO.
 */
int es_cert_thumbprint(X509 *cert, char out[ES_THUMBPRINT_LEN + 1]);

#endif
