/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_ERROR_H
#define ES_ERROR_H

#include <stddef.h>

/*
 * Error text for the user. Library functions fill it and return a negative
 * errno; the caller prints it to stderr (tools) or pam_syslog (PAM module).
 * The text names the failing value and, where one exists, the fix. It never
 * contains a secret.
 */
struct es_error {
	char msg[512];
};

__attribute__((format(printf, 2, 3)))
void es_error_set(struct es_error *err, const char *fmt, ...);

#endif
