/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cert.h"

/* A certificate file larger than this is not a single certificate. */
#define CERT_FILE_MAX	(1024 * 1024)

/*
 * Reads the whole file into a malloc'ed buffer. Returns 0 or a negative
 * errno with the path and the problem in err.
 */
static int
read_cert_file(const char *path, unsigned char **data, size_t *len,
    struct es_error *err)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t done = 0;
	ssize_t n;
	int fd;
	int ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			es_error_set(err, "certificate file %s not found: "
			    "check the path", path);
		else
			es_error_set(err, "cannot open certificate file %s: "
			    "%s", path, strerror(-ret));
		return ret;
	}

	if (fstat(fd, &st) != 0) {
		ret = -errno;
		es_error_set(err, "cannot stat certificate file %s: %s", path,
		    strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		es_error_set(err, "certificate file %s is not a regular file",
		    path);
		goto out;
	}
	if (st.st_size == 0) {
		ret = -EINVAL;
		es_error_set(err, "certificate file %s is empty: copy the "
		    "certificate (DER or PEM) into it again", path);
		goto out;
	}
	if (st.st_size > CERT_FILE_MAX) {
		ret = -EFBIG;
		es_error_set(err, "certificate file %s is %lld bytes, more "
		    "than the %d a certificate can take: pass the "
		    "certificate file itself", path, (long long)st.st_size,
		    CERT_FILE_MAX);
		goto out;
	}

	buf = malloc(st.st_size);
	if (buf == NULL) {
		ret = -ENOMEM;
		es_error_set(err, "out of memory reading %s", path);
		goto out;
	}

	while (done < (size_t)st.st_size) {
		n = read(fd, buf + done, st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			es_error_set(err, "cannot read certificate file %s: %s",
			    path, strerror(-ret));
			goto out;
		}
		if (n == 0)
			break;
		done += n;
	}

	*data = buf;
	*len = done;
	buf = NULL;
	ret = 0;

out:
	free(buf);
	close(fd);
	return ret;
}

static int
is_pem(const unsigned char *data, size_t len)
{
	return memmem(data, len, "-----BEGIN ", 11) != NULL;
}

/*
 * Reads the first certificate of a PEM file and rejects a file with more
 * than one, because a chain file does not say which certificate is meant.
 */
static int
parse_pem(const char *path, const unsigned char *data, size_t len,
    X509 **cert, struct es_error *err)
{
	BIO *bio;
	X509 *first = NULL;
	X509 *second = NULL;
	int ret = -EINVAL;

	bio = BIO_new_mem_buf(data, (int)len);
	if (bio == NULL) {
		es_error_set(err, "out of memory reading %s", path);
		return -ENOMEM;
	}

	first = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (first == NULL) {
		es_error_set(err, "certificate file %s is PEM but holds no "
		    "readable CERTIFICATE block (missing, truncated or "
		    "corrupt): export the certificate again", path);
		goto out;
	}

	ERR_set_mark();
	second = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	ERR_pop_to_mark();
	if (second != NULL) {
		es_error_set(err, "certificate file %s holds more than one "
		    "certificate: pass a file with the support certificate "
		    "alone, without its chain", path);
		goto out;
	}

	*cert = first;
	first = NULL;
	ret = 0;

out:
	X509_free(first);
	X509_free(second);
	BIO_free(bio);
	return ret;
}

/*
 * Reads one DER certificate that fills the file. A DER SEQUENCE header that
 * claims more bytes than the file has means a truncated copy.
 */
static int
parse_der(const char *path, const unsigned char *data, size_t len,
    X509 **cert, struct es_error *err)
{
	const unsigned char *p = data;
	long body_len = 0;
	int tag = -1;
	int class = 0;
	int info;
	X509 *x;

	info = ASN1_get_object(&p, &body_len, &tag, &class, (long)len);
	if ((info & 0x80) && tag == V_ASN1_SEQUENCE && body_len > 0 &&
	    (size_t)body_len + (size_t)(p - data) > len) {
		es_error_set(err, "certificate file %s is truncated: its DER "
		    "header announces %ld bytes but the file has %zu: copy "
		    "the certificate again", path,
		    body_len + (long)(p - data), len);
		return -EINVAL;
	}

	p = data;
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL) {
		es_error_set(err, "certificate file %s is neither a DER nor a "
		    "PEM X.509 certificate: pass the .cer or .pem file of "
		    "the support certificate", path);
		return -EINVAL;
	}
	if (p != data + len) {
		X509_free(x);
		es_error_set(err, "certificate file %s has %zu bytes after "
		    "the DER certificate: pass a file with one certificate",
		    path, len - (size_t)(p - data));
		return -EINVAL;
	}

	*cert = x;
	return 0;
}

int
es_cert_load(const char *path, X509 **cert, struct es_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int ret;

	*cert = NULL;

	ret = read_cert_file(path, &data, &len, err);
	if (ret != 0)
		return ret;

	if (is_pem(data, len))
		ret = parse_pem(path, data, len, cert, err);
	else
		ret = parse_der(path, data, len, cert, err);

	ERR_clear_error();
	free(data);
	return ret;
}

/* Formats an ASN.1 time as "YYYY-MM-DD HH:MM:SS UTC". */
static void
format_time(const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, size, "(unreadable time)");
}

static int
check_key(X509 *cert, struct es_error *err)
{
	EVP_PKEY *pkey;
	const char *type;
	int bits;

	pkey = X509_get0_pubkey(cert);
	if (pkey == NULL) {
		es_error_set(err, "the certificate's public key cannot be "
		    "read: use a certificate with an RSA key of at least %d "
		    "bits", ES_MIN_RSA_BITS);
		return -EINVAL;
	}

	/* RSA-PSS keys are RSA keys that OpenSSL forbids for encryption. */
	if (!EVP_PKEY_is_a(pkey, "RSA")) {
		type = EVP_PKEY_get0_type_name(pkey);
		es_error_set(err, "the certificate has a key of type %s, but "
		    "the blob needs RSA encryption: use a certificate with an "
		    "RSA key of at least %d bits", type != NULL ? type : "?",
		    ES_MIN_RSA_BITS);
		return -EINVAL;
	}

	bits = EVP_PKEY_get_bits(pkey);
	if (bits < ES_MIN_RSA_BITS) {
		es_error_set(err, "the certificate's RSA key has %d bits, "
		    "fewer than the %d required: issue a certificate with a "
		    "stronger key", bits, ES_MIN_RSA_BITS);
		return -EINVAL;
	}
	return 0;
}

static int
check_validity(X509 *cert, time_t now, struct es_error *err)
{
	const ASN1_TIME *not_before = X509_get0_notBefore(cert);
	const ASN1_TIME *not_after = X509_get0_notAfter(cert);
	char before[64];
	char after[64];
	char current[64];
	struct tm tm;

	format_time(not_before, before, sizeof(before));
	format_time(not_after, after, sizeof(after));
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(current, sizeof(current), "%Y-%m-%d %H:%M:%S UTC",
	    &tm) == 0)
		snprintf(current, sizeof(current), "(unknown time)");

	/* X509_cmp_time() returns 0 on a malformed time. */
	if (X509_cmp_time(not_before, &now) == 0 ||
	    X509_cmp_time(not_after, &now) == 0) {
		es_error_set(err, "the certificate has a malformed validity "
		    "time (from %s to %s): issue a new certificate", before,
		    after);
		return -EINVAL;
	}
	if (X509_cmp_time(not_before, &now) > 0) {
		es_error_set(err, "the certificate is not valid yet: valid "
		    "from %s to %s, now is %s: check the system clock or "
		    "wait until it is valid", before, after, current);
		return -EINVAL;
	}
	if (X509_cmp_time(not_after, &now) < 0) {
		es_error_set(err, "the certificate has expired: valid from "
		    "%s to %s, now is %s: install a current certificate",
		    before, after, current);
		return -EINVAL;
	}
	return 0;
}

int
es_cert_check(X509 *cert, time_t now, struct es_error *err)
{
	int ret;

	if (cert == NULL) {
		es_error_set(err, "no certificate to check");
		return -EINVAL;
	}

	ret = check_key(cert, err);
	if (ret == 0)
		ret = check_validity(cert, now, err);
	return ret;
}

int
es_cert_thumbprint(X509 *cert, char out[ES_THUMBPRINT_LEN + 1])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	unsigned int i;

	if (cert == NULL || X509_digest(cert, EVP_sha1(), md, &md_len) != 1 ||
	    md_len * 2 != ES_THUMBPRINT_LEN)
		return -EIO;

	for (i = 0; i < md_len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[ES_THUMBPRINT_LEN] = '\0';
	return 0;
}
