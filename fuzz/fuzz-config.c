/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the config parser. Each input is written to a memfd
 * and loaded through its /proc/self/fd path with es_config_load(), so the
 * parser reads it as it reads /etc/edgesupport/edgesupport.conf. The input
 * also goes to es_parse_duration() as one string.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "error.h"
#include "esconfig.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_fd = -1;
static char fuzz_path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;

	fuzz_fd = memfd_create("fuzz-config", MFD_CLOEXEC);
	if (fuzz_fd < 0) {
		perror("fuzz-config: memfd_create");
		abort();
	}

	/* A real config has mode 0644, and a parser may reject a writable one. */
	if (fchmod(fuzz_fd, 0644) != 0) {
		perror("fuzz-config: fchmod");
		abort();
	}

	snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d", fuzz_fd);
	return 0;
}

/* Replaces the memfd's content with data. */
static void
fuzz_write_file(const uint8_t *data, size_t size)
{
	if (ftruncate(fuzz_fd, 0) != 0) {
		perror("fuzz-config: ftruncate");
		abort();
	}

	if (size > 0 && pwrite(fuzz_fd, data, size, 0) != (ssize_t)size) {
		perror("fuzz-config: pwrite");
		abort();
	}
}

static void
fuzz_duration(const uint8_t *data, size_t size)
{
	char *text;
	uint64_t seconds = 0;

	text = malloc(size + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	if (es_parse_duration(text, &seconds) == 0 && seconds == 0)
		abort();

	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct es_config cfg;
	struct es_error err;

	fuzz_write_file(data, size);

	/* On error cfg needs no freeing, as esconfig.h promises; LSan checks. */
	memset(&cfg, 0, sizeof(cfg));
	if (es_config_load(fuzz_path, &cfg, &err) == 0) {
		if (cfg.uid == 0 || cfg.gid == 0 || cfg.user == NULL)
			abort();
		es_config_free(&cfg);
	}

	fuzz_duration(data, size);
	return 0;
}
