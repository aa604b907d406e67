/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "unit.h"

static int failures;

void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "ok: " : "FAIL: ", ok ? stdout : stderr);
	va_start(ap, fmt);
	vfprintf(ok ? stdout : stderr, fmt, ap);
	va_end(ap);
	fputc('\n', ok ? stdout : stderr);
	if (!ok)
		failures++;
}

void
check_contains(const char *text, const char *needle, const char *name)
{
	int found = strstr(text, needle) != NULL;

	check(found, "%s", name);
	if (!found)
		fprintf(stderr, "  '%s' not found in: %s\n", needle, text);
}

void
setup_failed(const char *fmt, ...)
{
	va_list ap;

	fputs("ERROR: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ERR_print_errors_fp(stderr);
	exit(EXIT_HARD_ERROR);
}

int
check_result(void)
{
	if (failures != 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}

EVP_PKEY *
make_rsa_key(unsigned int bits)
{
	EVP_PKEY *pkey = EVP_RSA_gen(bits);

	if (pkey == NULL)
		setup_failed("cannot generate a %u-bit RSA key", bits);
	return pkey;
}

X509 *
make_cert(EVP_PKEY *pkey, long from_days, long to_days)
{
	X509_NAME *name;
	X509 *cert = X509_new();

	if (cert == NULL)
		setup_failed("out of memory");

	name = X509_get_subject_name(cert);
	if (X509_set_version(cert, X509_VERSION_3) != 1 ||
	    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"unit.test", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(cert, name) != 1 ||
	    X509_time_adj_ex(X509_getm_notBefore(cert), (int)from_days, 0,
	    NULL) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(cert), (int)to_days, 0,
	    NULL) == NULL ||
	    X509_set_pubkey(cert, pkey) != 1 ||
	    X509_sign(cert, pkey, EVP_sha256()) <= 0)
		setup_failed("cannot build a test certificate");
	return cert;
}
