/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * edgesupport-decrypt: the support engineer's client. Decrypts the blob
 * that "edgesupport-ctl enable" prints with the private key of the support
 * certificate, and creates self-signed test certificates (new-cert).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "blob.h"
#include "cert.h"
#include "decrypt.h"
#include "error.h"

/* A blob for a 16384-bit key has 2844 base64 characters. */
#define BLOB_INPUT_MAX	(1024 * 1024)

struct options {
	const char *key;
	const char *cert;
	const char *passin;
	const char *blob;
};

static const char usage_text[] =
"Usage: edgesupport-decrypt --key KEY [--cert CERT] [--passin ARG] [BLOB | -]\n"
"       edgesupport-decrypt new-cert --dns NAME --out-cert FILE\n"
"                           --out-key FILE [--bits N] [--days N]\n"
"\n"
"Decrypts the support password from BLOB, the line that\n"
"\"edgesupport-ctl enable\" printed on the device, and prints it on stdout.\n"
"Without BLOB, or with BLOB \"-\", the blob is read from stdin; white space\n"
"and line breaks in it are ignored.\n"
"\n"
"  -k, --key KEY      private key of the support certificate: PEM, PKCS#8,\n"
"                     encrypted PEM or PKCS#12 (.pfx/.p12); required\n"
"  -c, --cert CERT    certificate (DER or PEM) of the key; default: the\n"
"                     certificate inside KEY, else KEY with its extension\n"
"                     replaced by .cer\n"
"  -p, --passin ARG   passphrase source for an encrypted KEY, as in\n"
"                     openssl(1): pass:TEXT, env:VAR, file:PATH, fd:N or\n"
"                     stdin (first line); pass:TEXT is visible to other\n"
"                     users in ps. Default: prompt on the terminal\n"
"  -h, --help         print this help and exit\n"
"  -V, --version      print the version and exit\n"
"\n"
"new-cert creates a self-signed RSA certificate for test and development:\n"
"  --dns NAME         host name for the subject CN and subjectAltName\n"
"                     (letters, digits, '-' and '.', at most 64\n"
"                     characters; a leading \"*.\" label is allowed)\n"
"  --out-cert FILE    certificate to create, DER\n"
"  --out-key FILE     private key to create, unencrypted PKCS#8 PEM, mode\n"
"                     0600\n"
"  --bits N           RSA key size in bits, 2048 to 16384 (default 2048)\n"
"  --days N           validity in days from now, 1 to 3650 (default 365)\n"
"  -h, --help         print this help and exit\n"
"It does not overwrite existing files and prints \"thumbprint: \" and the\n"
"certificate's SHA-1 thumbprint (40 hex digits).\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error.\n";

void
print_usage(void)
{
	fputs(usage_text, stdout);
}

void
print_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROGRAM_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROGRAM_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'edgesupport-decrypt --help' for more information.\n",
	    stderr);
	return EXIT_USAGE;
}

/* Keeps the key, the passphrase and the password out of core dumps. */
static int
disable_core_dumps(void)
{
	struct rlimit no_core = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &no_core) != 0) {
		print_error("cannot disable core dumps: %s", strerror(errno));
		return -1;
	}
#ifdef __linux__
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		print_error("cannot mark the process non-dumpable: %s",
		    strerror(errno));
		return -1;
	}
#endif
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *opts)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "passin", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "k:c:p:hV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'k':
			opts->key = optarg;
			break;
		case 'c':
			opts->cert = optarg;
			break;
		case 'p':
			opts->passin = optarg;
			break;
		case 'h':
			print_usage();
			exit(EXIT_SUCCESS);
		case 'V':
			puts(PROGRAM_NAME " " PACKAGE_VERSION);
			exit(EXIT_SUCCESS);
		default:
			return usage_error("invalid option");
		}
	}

	if (argc - optind > 1)
		return usage_error("%d blob arguments given: quote the blob, "
		    "or pass - and paste it on stdin", argc - optind);
	if (optind < argc)
		opts->blob = argv[optind];
	if (opts->blob != NULL && strcmp(opts->blob, "new-cert") == 0)
		return usage_error("new-cert must be the first argument");
	if (opts->key == NULL)
		return usage_error("--key KEY is required: pass the private "
		    "key of the support certificate");
	if (opts->passin != NULL && strcmp(opts->passin, "stdin") == 0 &&
	    (opts->blob == NULL || strcmp(opts->blob, "-") == 0))
		return usage_error("--passin stdin and a blob on stdin cannot "
		    "be combined: pass the blob as an argument or use another "
		    "--passin form");
	return 0;
}

/* Reads the blob from stdin into a malloc'ed string, or NULL. */
static char *
read_blob_stdin(void)
{
	size_t len = 0;
	size_t n;
	char *buf;

	if (isatty(STDIN_FILENO))
		fputs("Paste the blob, then press Enter and Ctrl-D:\n", stderr);

	buf = malloc(BLOB_INPUT_MAX + 1);
	if (buf == NULL) {
		print_error("out of memory reading the blob");
		return NULL;
	}

	while ((n = fread(buf + len, 1, BLOB_INPUT_MAX + 1 - len,
	    stdin)) > 0) {
		len += n;
		if (len > BLOB_INPUT_MAX)
			break;
	}
	if (ferror(stdin)) {
		print_error("cannot read the blob from stdin: %s",
		    strerror(errno));
		free(buf);
		return NULL;
	}
	if (len > BLOB_INPUT_MAX) {
		print_error("stdin has more than %d bytes, far more than a "
		    "blob: pass only the blob line", BLOB_INPUT_MAX);
		free(buf);
		return NULL;
	}
	if (memchr(buf, '\0', len) != NULL) {
		print_error("stdin contains a NUL byte, so it is not a blob: "
		    "pass only the blob line");
		free(buf);
		return NULL;
	}

	buf[len] = '\0';
	return buf;
}

/* Returns KEY with its extension replaced by .cer, malloc'ed, or NULL. */
static char *
sibling_cert_path(const char *key)
{
	const char *slash = strrchr(key, '/');
	const char *dot = strrchr(key, '.');
	size_t stem;
	char *path;

	if (dot == NULL || (slash != NULL && dot < slash) ||
	    dot == (slash != NULL ? slash + 1 : key))
		stem = strlen(key);
	else
		stem = (size_t)(dot - key);

	path = malloc(stem + sizeof(".cer"));
	if (path == NULL)
		return NULL;
	memcpy(path, key, stem);
	memcpy(path + stem, ".cer", sizeof(".cer"));
	return path;
}

static int
load_cert_file(const char *path, X509 **cert)
{
	struct es_error err = { "" };

	if (es_cert_load(path, cert, &err) != 0) {
		print_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/*
 * Picks the certificate: --cert, else the one in the key file, else the
 * key's name with .cer. On success *name is the file the certificate came
 * from, for messages.
 */
static int
find_cert(const struct options *opts, X509 *key_cert, X509 **cert,
    char **name)
{
	struct stat st;
	char *sibling;

	if (opts->cert != NULL || key_cert != NULL) {
		*name = strdup(opts->cert != NULL ? opts->cert : opts->key);
		if (*name == NULL) {
			print_error("out of memory");
			return -1;
		}
	}
	if (opts->cert != NULL)
		return load_cert_file(opts->cert, cert);
	if (key_cert != NULL) {
		X509_up_ref(key_cert);
		*cert = key_cert;
		return 0;
	}

	sibling = sibling_cert_path(opts->key);
	if (sibling == NULL) {
		print_error("out of memory");
		return -1;
	}
	if (stat(sibling, &st) != 0) {
		print_error("no certificate for key %s: the key file holds "
		    "none and %s does not exist: pass the certificate with "
		    "--cert CERT", opts->key, sibling);
		free(sibling);
		return -1;
	}
	*name = sibling;
	return load_cert_file(sibling, cert);
}

/*
 * Returns 0 when every byte is printable ASCII other than space, as in
 * every password edgesupport-ctl generates.
 */
static int
check_password(const char *secret, size_t len)
{
	size_t i;

	if (len == 0) {
		print_error("the blob decrypts to an empty password: ask the "
		    "device admin to run edgesupport-ctl enable again");
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (secret[i] <= ' ' || secret[i] > '~') {
			print_error("the blob decrypts to %zu bytes that are "
			    "not a printable password: the blob was not made "
			    "by edgesupport-ctl", len);
			return -1;
		}
	}
	return 0;
}

/* Writes the password and a newline straight to fd 1, past stdio. */
static int
print_password(const char *secret, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(STDOUT_FILENO, secret + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	do {
		n = write(STDOUT_FILENO, "\n", 1);
	} while (n < 0 && errno == EINTR);
	if (n == 1)
		return 0;

fail:
	print_error("cannot write the password to stdout: %s",
	    strerror(errno));
	return -1;
}

static int
decrypt_with(EVP_PKEY *pkey, X509 *cert, const char *cert_name,
    const struct options *opts, const char *blob)
{
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	struct es_error err = { "" };
	char *secret = NULL;
	size_t secret_len = 0;
	int ret = EXIT_FAILURE;

	if (EVP_PKEY_eq(X509_get0_pubkey(cert), pkey) != 1) {
		print_error("certificate %s does not belong to key %s (their "
		    "public keys differ): pass the certificate issued for "
		    "this key with --cert", cert_name, opts->key);
		goto out;
	}
	if (es_cert_thumbprint(cert, thumbprint) != 0) {
		print_error("cannot compute the thumbprint of certificate %s",
		    cert_name);
		goto out;
	}

	if (es_blob_decrypt(pkey, thumbprint, blob, &secret, &secret_len,
	    &err) != 0) {
		print_error("%s", err.msg);
		goto out;
	}
	if (check_password(secret, secret_len) != 0 ||
	    print_password(secret, secret_len) != 0)
		goto out;
	ret = EXIT_SUCCESS;

out:
	es_secret_free(secret, secret_len);
	ERR_clear_error();
	return ret;
}

static int
decrypt_main(int argc, char **argv)
{
	struct options opts = { NULL, NULL, NULL, NULL };
	struct passphrase pass;
	EVP_PKEY *pkey = NULL;
	X509 *key_cert = NULL;
	X509 *cert = NULL;
	char *cert_name = NULL;
	char *stdin_blob = NULL;
	const char *blob;
	int ret;

	memset(&pass, 0, sizeof(pass));

	ret = parse_options(argc, argv, &opts);
	if (ret != 0)
		return ret;

	if (opts.passin != NULL) {
		ret = passphrase_read(opts.passin, &pass);
		if (ret != 0)
			goto out;
	}

	ret = EXIT_FAILURE;
	blob = opts.blob;
	if (blob == NULL || strcmp(blob, "-") == 0) {
		stdin_blob = read_blob_stdin();
		if (stdin_blob == NULL)
			goto out;
		blob = stdin_blob;
	}

	if (key_load(opts.key, &pass, &pkey, &key_cert) != 0)
		goto out;
	if (find_cert(&opts, key_cert, &cert, &cert_name) != 0)
		goto out;

	ret = decrypt_with(pkey, cert, cert_name, &opts, blob);

out:
	passphrase_clear(&pass);
	EVP_PKEY_free(pkey);
	X509_free(key_cert);
	X509_free(cert);
	free(cert_name);
	free(stdin_blob);
	return ret;
}

int
main(int argc, char **argv)
{
	if (disable_core_dumps() != 0)
		return EXIT_FAILURE;

	if (argc > 1 && strcmp(argv[1], "new-cert") == 0)
		return new_cert_main(argc - 1, argv + 1);
	return decrypt_main(argc, argv);
}
