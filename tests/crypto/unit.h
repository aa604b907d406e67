/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared helpers for the C unit tests of the crypto area. */
#ifndef ES_TEST_UNIT_H
#define ES_TEST_UNIT_H

#include <time.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/* Exit status for a setup failure, as the automake test driver reads it. */
#define EXIT_HARD_ERROR	99

/* Prints "ok: NAME" or "FAIL: NAME" and counts failures. */
__attribute__((format(printf, 2, 3)))
void check(int ok, const char *fmt, ...);

/* Checks that text contains needle; name labels the check. */
void check_contains(const char *text, const char *needle, const char *name);

/* Prints the reason and exits with EXIT_HARD_ERROR. */
__attribute__((noreturn, format(printf, 1, 2)))
void setup_failed(const char *fmt, ...);

/* Returns 0 when no check failed, else 1. */
int check_result(void);

EVP_PKEY *make_rsa_key(unsigned int bits);

/*
 * Returns a self-signed certificate for pkey, valid from now + from_days
 * to now + to_days (negative days lie in the past).
 */
X509 *make_cert(EVP_PKEY *pkey, long from_days, long to_days);

#endif
