/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for certificate loading. Each input is written to a
 * memfd and loaded through its /proc/self/fd path with es_cert_load(), as
 * `edgesupport-ctl cert install FILE` loads a file. A certificate that
 * loads then goes through es_cert_check() and es_cert_thumbprint().
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <openssl/x509.h>

#include "cert.h"
#include "error.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The time of the validity check, fixed so that a run is reproducible:
 * 2030-01-01 00:00:00 UTC, inside the validity of the seed certificates.
 */
#define FUZZ_NOW	((time_t)1893456000)

static int fuzz_fd = -1;
static char fuzz_path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;

	fuzz_fd = memfd_create("fuzz-cert", MFD_CLOEXEC);
	if (fuzz_fd < 0) {
		perror("fuzz-cert: memfd_create");
		abort();
	}

	snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d", fuzz_fd);
	return 0;
}

static void
fuzz_write_file(const uint8_t *data, size_t size)
{
	if (ftruncate(fuzz_fd, 0) != 0) {
		perror("fuzz-cert: ftruncate");
		abort();
	}

	if (size > 0 && pwrite(fuzz_fd, data, size, 0) != (ssize_t)size) {
		perror("fuzz-cert: pwrite");
		abort();
	}
}

/* Aborts unless text is 40 upper-case hex digits. */
static void
fuzz_check_thumbprint(const char *text)
{
	size_t i;

	for (i = 0; i < ES_THUMBPRINT_LEN; i++) {
		if (!isxdigit((unsigned char)text[i]) ||
		    islower((unsigned char)text[i]))
			abort();
	}

	if (text[ES_THUMBPRINT_LEN] != '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	X509 *cert = NULL;
	char thumbprint[ES_THUMBPRINT_LEN + 1];
	struct es_error err;

	fuzz_write_file(data, size);

	if (es_cert_load(fuzz_path, &cert, &err) != 0)
		return 0;

	(void)es_cert_check(cert, FUZZ_NOW, &err);

	if (es_cert_thumbprint(cert, thumbprint) == 0)
		fuzz_check_thumbprint(thumbprint);

	X509_free(cert);
	return 0;
}
