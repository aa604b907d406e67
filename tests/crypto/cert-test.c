/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for es_cert_load(), es_cert_check() and es_cert_thumbprint(). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cert.h"
#include "unit.h"

static char dir[] = "/tmp/edgesupport-cert-test.XXXXXX";

static char *
path_in_dir(const char *name)
{
	char *path;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		setup_failed("out of memory");
	return path;
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		setup_failed("cannot write %s", path);
}

static void
write_der(const char *path, X509 *cert, size_t cut, const char *tail)
{
	unsigned char *der = NULL;
	int len = i2d_X509(cert, &der);
	FILE *f;

	if (len <= 0)
		setup_failed("cannot encode a test certificate");
	f = fopen(path, "wb");
	if (f == NULL || fwrite(der, 1, (size_t)len - cut, f) !=
	    (size_t)len - cut || fputs(tail, f) < 0 || fclose(f) != 0)
		setup_failed("cannot write %s", path);
	OPENSSL_free(der);
}

static void
write_pem(const char *path, X509 *first, X509 *second)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || PEM_write_X509(f, first) != 1 ||
	    (second != NULL && PEM_write_X509(f, second) != 1) ||
	    fclose(f) != 0)
		setup_failed("cannot write %s", path);
}

/* Loads path and checks the result and the message. */
static void
check_load_error(const char *path, int want, const char *needle,
    const char *name)
{
	struct es_error err = { "" };
	X509 *cert = (X509 *)1;
	int ret;

	ret = es_cert_load(path, &cert, &err);
	check(ret == want, "%s: returns %d (got %d)", name, want, ret);
	check(cert == NULL, "%s: returns no certificate", name);
	check_contains(err.msg, needle, name);
	check_contains(err.msg, path, "message names the file");
}

static void
check_check_error(X509 *cert, const char *needle, const char *name)
{
	struct es_error err = { "" };

	check(es_cert_check(cert, time(NULL), &err) == -EINVAL,
	    "%s: rejected", name);
	check_contains(err.msg, needle, name);
}

static int
is_thumbprint(const char *s)
{
	size_t i;

	for (i = 0; i < ES_THUMBPRINT_LEN; i++)
		if (strchr("0123456789ABCDEF", s[i]) == NULL || s[i] == '\0')
			return 0;
	return s[ES_THUMBPRINT_LEN] == '\0';
}

static void
test_load(X509 *cert)
{
	char *der_path = path_in_dir("support.cer");
	char *pem_path = path_in_dir("support.pem");
	char thumb_der[ES_THUMBPRINT_LEN + 1];
	char thumb_pem[ES_THUMBPRINT_LEN + 1];
	struct es_error err = { "" };
	X509 *from_der = NULL;
	X509 *from_pem = NULL;

	write_der(der_path, cert, 0, "");
	write_pem(pem_path, cert, NULL);

	check(es_cert_load(der_path, &from_der, &err) == 0,
	    "load DER certificate %s", err.msg);
	check(es_cert_load(pem_path, &from_pem, &err) == 0,
	    "load PEM certificate %s", err.msg);
	if (from_der == NULL || from_pem == NULL)
		setup_failed("cannot go on without the loaded certificates");

	check(X509_cmp(from_der, cert) == 0, "DER load returns the "
	    "certificate");
	check(X509_cmp(from_pem, cert) == 0, "PEM load returns the "
	    "certificate");
	check(es_cert_thumbprint(from_der, thumb_der) == 0 &&
	    is_thumbprint(thumb_der), "thumbprint is 40 upper-case hex");
	check(es_cert_thumbprint(from_pem, thumb_pem) == 0 &&
	    strcmp(thumb_der, thumb_pem) == 0,
	    "thumbprint is the same from DER and PEM");
	check(es_cert_check(from_der, time(NULL), &err) == 0,
	    "valid 2048-bit RSA certificate passes the check %s", err.msg);

	X509_free(from_der);
	X509_free(from_pem);
	free(der_path);
	free(pem_path);
}

static void
test_load_errors(EVP_PKEY *pkey, X509 *cert)
{
	char *path = path_in_dir("bad");
	X509 *second = make_cert(pkey, -1, 30);
	static const char junk[] = "this is not a certificate\n";
	FILE *f;

	write_file(path, "", 0);
	check_load_error(path, -EINVAL, "is empty", "empty file");

	write_file(path, junk, sizeof(junk) - 1);
	check_load_error(path, -EINVAL, "neither a DER nor a PEM",
	    "junk file");

	write_der(path, cert, 100, "");
	check_load_error(path, -EINVAL, "is truncated", "truncated DER");

	write_der(path, cert, 0, "trailing");
	check_load_error(path, -EINVAL, "8 bytes after the DER",
	    "DER with trailing bytes");

	write_pem(path, cert, second);
	check_load_error(path, -EINVAL, "more than one certificate",
	    "PEM chain of two certificates");
	check_load_error(path, -EINVAL, "without its chain",
	    "chain message says what to do");

	write_pem(path, cert, NULL);
	if (truncate(path, 300) != 0)
		setup_failed("cannot truncate %s", path);
	check_load_error(path, -EINVAL, "no readable CERTIFICATE",
	    "truncated PEM");

	f = fopen(path, "w");
	if (f == NULL || PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL,
	    NULL) != 1 || fclose(f) != 0)
		setup_failed("cannot write %s", path);
	check_load_error(path, -EINVAL, "no readable CERTIFICATE",
	    "PEM private key instead of a certificate");

	check_load_error("/nonexistent/edgesupport.cer", -ENOENT,
	    "not found", "missing file");
	check_load_error(dir, -EINVAL, "not a regular file", "directory");

	unlink(path);
	X509_free(second);
	free(path);
}

static void
test_check_errors(void)
{
	EVP_PKEY *weak = make_rsa_key(1024);
	EVP_PKEY *ec_key = EVP_EC_gen("P-256");
	EVP_PKEY *good = make_rsa_key(2048);
	X509 *cert;

	if (ec_key == NULL)
		setup_failed("cannot generate an EC key");

	cert = make_cert(weak, -1, 30);
	check_check_error(cert, "has 1024 bits", "1024-bit RSA key");
	X509_free(cert);

	cert = make_cert(ec_key, -1, 30);
	check_check_error(cert, "key of type EC", "EC key");
	X509_free(cert);

	cert = make_cert(good, -30, -1);
	check_check_error(cert, "has expired", "expired certificate");
	check_check_error(cert, "valid from ", "expired: dates");
	check_check_error(cert, " UTC", "expired: dates in UTC");
	X509_free(cert);

	cert = make_cert(good, 1, 30);
	check_check_error(cert, "not valid yet", "future certificate");
	X509_free(cert);

	EVP_PKEY_free(good);
	EVP_PKEY_free(ec_key);
	EVP_PKEY_free(weak);
}

int
main(void)
{
	EVP_PKEY *pkey;
	X509 *cert;
	char *der_path;
	char *pem_path;

	if (mkdtemp(dir) == NULL)
		setup_failed("cannot create a temporary directory");

	pkey = make_rsa_key(2048);
	cert = make_cert(pkey, -1, 30);

	test_load(cert);
	test_load_errors(pkey, cert);
	test_check_errors();

	der_path = path_in_dir("support.cer");
	pem_path = path_in_dir("support.pem");
	unlink(der_path);
	unlink(pem_path);
	rmdir(dir);
	free(der_path);
	free(pem_path);

	X509_free(cert);
	EVP_PKEY_free(pkey);
	return check_result();
}
