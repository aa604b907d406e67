/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: reads a password line on stdin and prints the blob for the
 * certificate CERT, as edgesupport-ctl enable does, so that the decrypt
 * tool can be tested without edgesupport-ctl.
 *
 * Usage: make-blob CERT < PASSWORD
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "cert.h"
#include "error.h"

int
main(int argc, char **argv)
{
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	struct es_error err = { "" };
	char line[256];
	X509 *cert = NULL;
	char *blob = NULL;
	size_t len;

	if (argc != 2) {
		fputs("usage: make-blob CERT < PASSWORD\n", stderr);
		return 2;
	}
	if (fgets(line, sizeof(line), stdin) == NULL) {
		fputs("make-blob: no password on stdin\n", stderr);
		return 1;
	}
	len = strcspn(line, "\n");
	line[len] = '\0';

	if (es_cert_load(argv[1], &cert, &err) != 0 ||
	    es_cert_thumbprint(cert, thumbprint) != 0 ||
	    es_blob_encode(X509_get0_pubkey(cert), thumbprint,
	    (const unsigned char *)line, len, &blob, &err) != 0) {
		fprintf(stderr, "make-blob: %s\n", err.msg);
		X509_free(cert);
		return 1;
	}

	puts(blob);
	free(blob);
	X509_free(cert);
	return 0;
}
