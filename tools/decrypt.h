/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_DECRYPT_H
#define ES_DECRYPT_H

#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define PROGRAM_NAME	"edgesupport-decrypt"

#define EXIT_USAGE	2

#define PASSPHRASE_MAX	1024

/* A key passphrase; wiped by passphrase_clear(). */
struct passphrase {
	char text[PASSPHRASE_MAX + 1];
	size_t len;
	int set;
};

/* Prints the --help text on stdout. */
void print_usage(void);

/* Prints "edgesupport-decrypt: " and the message on stderr. */
__attribute__((format(printf, 1, 2)))
void print_error(const char *fmt, ...);

/*
 * Reads the passphrase named by an openssl(1) style --passin argument:
 * pass:TEXT, env:VAR, file:PATH, fd:N or stdin. For file:, fd: and stdin
 * only the first line counts. Returns 0, EXIT_FAILURE after printing the
 * problem, or EXIT_USAGE for an unknown form.
 */
int passphrase_read(const char *arg, struct passphrase *pass);

void passphrase_clear(struct passphrase *pass);

/*
 * Loads the first private key from path through OSSL_STORE (PEM, PKCS#8,
 * encrypted PEM, PKCS#12) and the certificate in the same file that
 * matches it, if any. pass is used when set; otherwise the passphrase is
 * read from the terminal when the file needs one. Prints the problem and
 * returns -1 on failure.
 */
int key_load(const char *path, struct passphrase *pass, EVP_PKEY **pkey,
    X509 **cert);

/* Runs "edgesupport-decrypt new-cert"; argv[0] is "new-cert". */
int new_cert_main(int argc, char **argv);

#endif
