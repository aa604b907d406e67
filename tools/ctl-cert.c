/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgesupport-ctl cert install and cert show. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cert.h"
#include "ctl.h"

static int
write_all(int fd, const unsigned char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;

		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Syncs the directory of path so that a rename survives a crash. */
static void
sync_parent(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	fsync(fd);
	close(fd);
}

/*
 * Writes der to path through a temporary file in the same directory that
 * is renamed over path, so readers see the old or the new file, never a
 * partial one. Returns 0 or -1 after printing the error.
 */
static int
install_file(const char *path, const unsigned char *der, size_t len)
{
	char *dir = NULL, *tmp = NULL, *slash;
	int fd = -1, ret = -1, r;

	dir = strdup(path);
	if (dir == NULL || asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		ctl_error("out of memory");
		goto out;
	}

	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir)
		*slash = '\0';
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		ctl_error("cannot create directory %s: %s", dir,
		    strerror(errno));
		goto out;
	}

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ctl_error("cannot create a temporary file next to %s: %s",
		    path, strerror(errno));
		goto out;
	}

	r = write_all(fd, der, len);
	if (r == 0 && fsync(fd) != 0)
		r = -errno;
	if (r == 0 && fchmod(fd, 0644) != 0)
		r = -errno;
	if (close(fd) != 0 && r == 0)
		r = -errno;
	fd = -1;
	if (r == 0 && rename(tmp, path) != 0)
		r = -errno;
	if (r != 0) {
		ctl_error("cannot write %s: %s", path, strerror(-r));
		unlink(tmp);
		goto out;
	}

	sync_parent(dir);
	ret = 0;

out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	free(dir);
	return ret;
}

/*
 * Returns true when the PEM file at path contains a private key. Only the
 * certificate is installed, but the key should never have reached the
 * device, so the admin gets a warning.
 */
static bool
has_private_key(const char *path)
{
	char line[256];
	bool found = false;
	FILE *f;

	f = fopen(path, "re");
	if (f == NULL)
		return false;

	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strncmp(line, "-----BEGIN ", 11) == 0 &&
		    strstr(line, "PRIVATE KEY-----") != NULL;

	fclose(f);
	return found;
}

static int
cert_install(struct ctl *ctx, const char *file)
{
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	struct es_error err = { "" };
	unsigned char *der = NULL;
	X509 *cert = NULL;
	int len, status = EXIT_FAIL;

	if (ctl_load_config(ctx) != 0)
		return EXIT_FAIL;

	if (es_cert_load(file, &cert, &err) != 0) {
		ctl_error("%s", err.msg);
		return EXIT_FAIL;
	}

	if (es_cert_check(cert, time(NULL), &err) != 0) {
		ctl_error("%s: %s", file, err.msg);
		goto out;
	}

	len = i2d_X509(cert, &der);
	if (len <= 0 || es_cert_thumbprint(cert, thumbprint) != 0) {
		ctl_error("%s: cannot encode the certificate as DER", file);
		goto out;
	}

	if (install_file(ctx->cfg.certificate, der, (size_t)len) != 0)
		goto out;

	if (has_private_key(file))
		fprintf(stderr, "%s: warning: %s also contains a private key; "
		    "only the certificate was installed. The private key "
		    "belongs to the support organisation alone: delete this "
		    "file from the device\n", CTL_NAME, file);

	printf("thumbprint: %s\n", thumbprint);
	fprintf(stderr, "%s: installed the certificate at %s; compare the "
	    "thumbprint with the one the support organisation gave you\n",
	    CTL_NAME, ctx->cfg.certificate);
	syslog(LOG_NOTICE, "installed support certificate %s with thumbprint "
	    "%s", ctx->cfg.certificate, thumbprint);
	status = EXIT_OK;

out:
	OPENSSL_free(der);
	X509_free(cert);
	return status;
}

static void
print_asn1_time(const char *label, const ASN1_TIME *t)
{
	struct tm tm;
	char buf[32];

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, sizeof(buf), "(invalid)");
	printf("%s: %s\n", label, buf);
}

static void
print_subject(X509 *cert)
{
	BIO *out = BIO_new_fp(stdout, BIO_NOCLOSE);

	fputs("subject: ", stdout);
	if (out != NULL) {
		X509_NAME_print_ex(out, X509_get_subject_name(cert), 0,
		    XN_FLAG_RFC2253);
		BIO_free(out);
	}
	fputc('\n', stdout);
}

static int
cert_show(struct ctl *ctx)
{
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	struct es_error err = { "" };
	EVP_PKEY *key;
	X509 *cert = NULL;
	int ret;

	if (ctl_load_config(ctx) != 0)
		return EXIT_FAIL;

	ret = es_cert_load(ctx->cfg.certificate, &cert, &err);
	if (ret == -ENOENT) {
		ctl_error("no support certificate is installed at %s; install "
		    "one with: %s cert install FILE", ctx->cfg.certificate,
		    CTL_NAME);
		return EXIT_FAIL;
	}
	if (ret != 0) {
		ctl_error("%s", err.msg);
		return EXIT_FAIL;
	}

	if (es_cert_thumbprint(cert, thumbprint) != 0) {
		ctl_error("cannot compute the thumbprint of %s",
		    ctx->cfg.certificate);
		X509_free(cert);
		return EXIT_FAIL;
	}

	printf("file: %s\n", ctx->cfg.certificate);
	print_subject(cert);
	print_asn1_time("not before", X509_get0_notBefore(cert));
	print_asn1_time("not after", X509_get0_notAfter(cert));
	key = X509_get0_pubkey(cert);
	if (key != NULL)
		printf("key: %s %d bits\n", EVP_PKEY_get0_type_name(key),
		    EVP_PKEY_get_bits(key));

	if (es_cert_check(cert, time(NULL), &err) == 0)
		printf("usable: yes\n");
	else
		printf("usable: no: %s\n", err.msg);
	printf("thumbprint: %s\n", thumbprint);

	X509_free(cert);
	return EXIT_OK;
}

int
ctl_cert(struct ctl *ctx, int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage_error("cert: missing subcommand: use 'cert "
		    "install FILE' or 'cert show'");

	if (strcmp(argv[1], "install") == 0) {
		if (argc != 3)
			return ctl_usage_error("cert install: expects one "
			    "FILE argument");
		return cert_install(ctx, argv[2]);
	}

	if (strcmp(argv[1], "show") == 0) {
		if (argc != 2)
			return ctl_usage_error("cert show: unexpected argument "
			    "'%s'", argv[2]);
		return cert_show(ctx);
	}

	return ctl_usage_error("cert: unknown subcommand '%s': use 'cert "
	    "install FILE' or 'cert show'", argv[1]);
}
