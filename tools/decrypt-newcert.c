/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "edgesupport-decrypt new-cert": a self-signed certificate and its key. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "decrypt.h"

#define BITS_MIN	2048
#define BITS_MAX	16384
#define BITS_DEFAULT	2048
#define DAYS_MIN	1
#define DAYS_MAX	3650
#define DAYS_DEFAULT	365

/* The X.509 upper bound for a common name (ub-common-name). */
#define DNS_NAME_MAX	64

#define SERIAL_BYTES	16

struct new_cert_options {
	const char *dns;
	const char *out_cert;
	const char *out_key;
	long bits;
	long days;
};

static int
new_cert_usage_error(const char *what)
{
	fprintf(stderr, PROGRAM_NAME ": new-cert: %s\n"
	    "Try 'edgesupport-decrypt --help' for more information.\n", what);
	return EXIT_USAGE;
}

/* Parses a decimal number in [min, max]. Returns 0 or -1. */
static int
parse_number(const char *text, long min, long max, long *value)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || n < min || n > max)
		return -1;
	*value = n;
	return 0;
}

/*
 * Accepts a host name of dot-separated labels of letters, digits and '-',
 * or "*" as the first label. The restriction also keeps commas and colons
 * out of the subjectAltName value that OpenSSL parses.
 */
static int
is_dns_name(const char *name)
{
	size_t len = strlen(name);
	size_t label = 0;
	size_t i;

	if (len == 0 || len > DNS_NAME_MAX)
		return 0;

	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (c == '*') {
			if (i != 0 || (len > 1 && name[1] != '.'))
				return 0;
			label++;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-') {
			label++;
		} else {
			return 0;
		}
	}
	return label > 0;
}

static int
check_new_cert_options(const struct new_cert_options *opts)
{
	if (opts->dns == NULL || opts->out_cert == NULL ||
	    opts->out_key == NULL)
		return new_cert_usage_error("--dns, --out-cert and --out-key "
		    "are required");
	if (!is_dns_name(opts->dns)) {
		fprintf(stderr, PROGRAM_NAME ": new-cert: --dns '%.80s' is "
		    "not a host name: use letters, digits, '-' and '.', at "
		    "most %d characters\n", opts->dns, DNS_NAME_MAX);
		return EXIT_USAGE;
	}
	if (strcmp(opts->out_cert, opts->out_key) == 0)
		return new_cert_usage_error("--out-cert and --out-key name the "
		    "same file: give two different files");
	return 0;
}

static int
parse_new_cert_options(int argc, char **argv, struct new_cert_options *opts)
{
	static const struct option longopts[] = {
		{ "dns", required_argument, NULL, 'd' },
		{ "out-cert", required_argument, NULL, 'c' },
		{ "out-key", required_argument, NULL, 'k' },
		{ "bits", required_argument, NULL, 'b' },
		{ "days", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opts->bits = BITS_DEFAULT;
	opts->days = DAYS_DEFAULT;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			print_usage();
			exit(EXIT_SUCCESS);
		case 'd':
			opts->dns = optarg;
			break;
		case 'c':
			opts->out_cert = optarg;
			break;
		case 'k':
			opts->out_key = optarg;
			break;
		case 'b':
			if (parse_number(optarg, BITS_MIN, BITS_MAX,
			    &opts->bits) != 0)
				return new_cert_usage_error("--bits must be a "
				    "number from 2048 to 16384");
			break;
		case 'D':
			if (parse_number(optarg, DAYS_MIN, DAYS_MAX,
			    &opts->days) != 0)
				return new_cert_usage_error("--days must be a "
				    "number from 1 to 3650");
			break;
		default:
			return new_cert_usage_error("invalid option");
		}
	}
	if (optind < argc)
		return new_cert_usage_error("unexpected argument");
	return check_new_cert_options(opts);
}

/* Fails early, before the slow key generation, if a file exists. */
static int
check_absent(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0) {
		print_error("%s already exists: remove it or choose another "
		    "file name", path);
		return -1;
	}
	if (errno != ENOENT) {
		print_error("cannot check %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
set_serial(X509 *cert)
{
	unsigned char random[SERIAL_BYTES];
	ASN1_INTEGER *serial = NULL;
	BIGNUM *bn = NULL;
	int ok = 0;

	if (RAND_bytes(random, sizeof(random)) != 1)
		return -1;

	/* Positive, so DER needs no extra byte, and never zero. */
	random[0] = (random[0] & 0x7f) | 0x40;

	bn = BN_bin2bn(random, sizeof(random), NULL);
	if (bn != NULL)
		serial = BN_to_ASN1_INTEGER(bn, NULL);
	if (serial != NULL)
		ok = X509_set_serialNumber(cert, serial);

	ASN1_INTEGER_free(serial);
	BN_free(bn);
	return ok == 1 ? 0 : -1;
}

static int
add_extension(X509 *cert, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext;
	int ok;

	ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
	if (ext == NULL)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

static int
add_extensions(X509 *cert, const char *dns)
{
	X509V3_CTX ctx;
	char san[DNS_NAME_MAX + sizeof("DNS:")];

	snprintf(san, sizeof(san), "DNS:%s", dns);
	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);

	if (add_extension(cert, &ctx, NID_basic_constraints,
	    "critical,CA:FALSE") != 0 ||
	    add_extension(cert, &ctx, NID_key_usage,
	    "critical,digitalSignature,keyEncipherment") != 0 ||
	    add_extension(cert, &ctx, NID_subject_key_identifier,
	    "hash") != 0 ||
	    add_extension(cert, &ctx, NID_subject_alt_name, san) != 0)
		return -1;
	return 0;
}

/* Builds and signs the certificate. Returns it or NULL. */
static X509 *
make_cert(EVP_PKEY *pkey, const struct new_cert_options *opts)
{
	X509_NAME *name;
	X509 *cert;

	cert = X509_new();
	if (cert == NULL)
		return NULL;

	name = X509_get_subject_name(cert);
	if (X509_set_version(cert, X509_VERSION_3) != 1 ||
	    set_serial(cert) != 0 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)opts->dns, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(cert, name) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(cert), 0) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(cert), (int)opts->days, 0,
	    NULL) == NULL ||
	    X509_set_pubkey(cert, pkey) != 1 ||
	    add_extensions(cert, opts->dns) != 0 ||
	    X509_sign(cert, pkey, EVP_sha256()) <= 0) {
		X509_free(cert);
		return NULL;
	}
	return cert;
}

static int
write_all(int fd, const unsigned char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Flushes the directory entry of path, so the new name survives a crash. */
static int
sync_parent_dir(const char *path)
{
	char *copy = strdup(path);
	int fd = -1;
	int ret = -1;

	if (copy == NULL)
		return -1;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && fsync(fd) == 0)
		ret = 0;
	if (fd >= 0)
		close(fd);
	free(copy);
	return ret;
}

/* Returns "DIR/.NAME.XXXXXX" for path "DIR/NAME", malloc'ed, or NULL. */
static char *
temp_template(const char *path)
{
	char *dir_copy = strdup(path);
	char *base_copy = strdup(path);
	char *tmp = NULL;

	if (dir_copy != NULL && base_copy != NULL &&
	    asprintf(&tmp, "%s/.%s.XXXXXX", dirname(dir_copy),
	    basename(base_copy)) < 0)
		tmp = NULL;

	free(dir_copy);
	free(base_copy);
	return tmp;
}

/*
 * Creates path with data and mode: writes a temporary file in the same
 * directory, syncs it, then link()s it to path, which fails with EEXIST
 * instead of replacing a file that appeared meanwhile.
 */
static int
write_new_file(const char *path, const unsigned char *data, size_t len,
    mode_t mode)
{
	char *tmp;
	int fd;
	int ret = -1;

	tmp = temp_template(path);
	if (tmp == NULL) {
		print_error("out of memory writing %s", path);
		return -1;
	}

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		print_error("cannot create a temporary file next to %s: %s",
		    path, strerror(errno));
		free(tmp);
		return -1;
	}

	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0) {
		print_error("cannot write %s (temporary file %s): %s", path,
		    tmp, strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd) != 0) {
		print_error("cannot write %s (temporary file %s): %s", path,
		    tmp, strerror(errno));
		goto out;
	}

	if (link(tmp, path) != 0) {
		if (errno == EEXIST)
			print_error("%s already exists: remove it or choose "
			    "another file name", path);
		else
			print_error("cannot create %s: %s", path,
			    strerror(errno));
		goto out;
	}
	if (sync_parent_dir(path) != 0) {
		print_error("cannot sync the directory of %s: %s", path,
		    strerror(errno));
		goto out;
	}
	ret = 0;

out:
	unlink(tmp);
	free(tmp);
	return ret;
}

/*
 * Writes the key as unencrypted PKCS#8 PEM, mode 0600. The PEM text goes
 * through a secure-heap memory BIO, which clears its buffers when they
 * grow or are freed.
 */
static int
write_key(EVP_PKEY *pkey, const char *path)
{
	char *data = NULL;
	long len;
	BIO *bio;
	int ret = -1;

	bio = BIO_new(BIO_s_secmem());
	if (bio == NULL ||
	    PEM_write_bio_PKCS8PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
	    NULL) != 1 ||
	    (len = BIO_get_mem_data(bio, &data)) <= 0) {
		print_error("cannot encode the private key as PKCS#8");
		goto out;
	}

	ret = write_new_file(path, (unsigned char *)data, (size_t)len, 0600);

out:
	BIO_free(bio);
	return ret;
}

static int
write_cert(X509 *cert, const char *path)
{
	unsigned char *der = NULL;
	mode_t mask;
	int len;
	int ret;

	len = i2d_X509(cert, &der);
	if (len <= 0) {
		print_error("cannot encode the certificate as DER");
		return -1;
	}

	mask = umask(0);
	umask(mask);
	ret = write_new_file(path, der, (size_t)len, 0644 & ~mask);
	OPENSSL_free(der);
	return ret;
}

static int
print_thumbprint(X509 *cert)
{
	char thumbprint[ES_THUMBPRINT_LEN + 1];

	if (es_cert_thumbprint(cert, thumbprint) != 0) {
		print_error("cannot compute the certificate's thumbprint");
		return -1;
	}
	if (printf("thumbprint: %s\n", thumbprint) < 0 ||
	    fflush(stdout) != 0) {
		print_error("cannot write to stdout: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Writes the key first and removes it again if the certificate cannot be
 * written, so a failed run leaves neither file.
 */
static int
write_pair(EVP_PKEY *pkey, X509 *cert, const struct new_cert_options *opts)
{
	if (write_key(pkey, opts->out_key) != 0)
		return -1;
	if (write_cert(cert, opts->out_cert) != 0) {
		unlink(opts->out_key);
		return -1;
	}
	return 0;
}

int
new_cert_main(int argc, char **argv)
{
	struct new_cert_options opts = { NULL, NULL, NULL, 0, 0 };
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	int ret;

	ret = parse_new_cert_options(argc, argv, &opts);
	if (ret != 0)
		return ret;

	ret = EXIT_FAILURE;
	if (check_absent(opts.out_cert) != 0 ||
	    check_absent(opts.out_key) != 0)
		goto out;

	pkey = EVP_RSA_gen((unsigned int)opts.bits);
	if (pkey == NULL) {
		print_error("cannot generate a %ld-bit RSA key", opts.bits);
		goto out;
	}
	cert = make_cert(pkey, &opts);
	if (cert == NULL) {
		print_error("cannot build the certificate for %s", opts.dns);
		goto out;
	}

	if (write_pair(pkey, cert, &opts) != 0 || print_thumbprint(cert) != 0)
		goto out;
	ret = EXIT_SUCCESS;

out:
	X509_free(cert);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return ret;
}
