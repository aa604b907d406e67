/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_PASSWORD_H
#define ES_PASSWORD_H

#include <stddef.h>

#define ES_PASSWORD_LEN		15
#define ES_PASSWORD_ALPHABET \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/*
 * Fills out with ES_PASSWORD_LEN characters drawn uniformly from
 * ES_PASSWORD_ALPHABET by rejection sampling over RAND_priv_bytes(), plus a
 * terminating NUL. Returns 0 or -EIO; on error out is wiped.
 */
int es_password_generate(char out[ES_PASSWORD_LEN + 1]);

#endif
