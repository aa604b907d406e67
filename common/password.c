/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "password.h"

#define ALPHABET_SIZE	(sizeof(ES_PASSWORD_ALPHABET) - 1)

/*
 * Bytes at or above this bound are discarded: it is the largest multiple of
 * the alphabet size that fits in a byte (248 = 4 * 62), so byte % 62 is
 * uniform over the bytes that are kept.
 */
#define ACCEPT_BOUND	(256 - 256 % ALPHABET_SIZE)

_Static_assert(ALPHABET_SIZE == 62, "password alphabet is A-Z a-z 0-9");

int
es_password_generate(char out[ES_PASSWORD_LEN + 1])
{
	unsigned char random[32];
	size_t filled = 0;
	size_t i;
	int ret = -EIO;

	/*
	 * Each byte is rejected with probability 8/256, so one draw of 32
	 * bytes almost always yields 15 characters. The loop draws again
	 * when it does not.
	 */
	while (filled < ES_PASSWORD_LEN) {
		if (RAND_priv_bytes(random, sizeof(random)) != 1)
			goto out;

		for (i = 0; i < sizeof(random) && filled < ES_PASSWORD_LEN;
		    i++) {
			if (random[i] >= ACCEPT_BOUND)
				continue;
			out[filled++] = ES_PASSWORD_ALPHABET[random[i] %
			    ALPHABET_SIZE];
		}
	}
	out[ES_PASSWORD_LEN] = '\0';
	ret = 0;

out:
	OPENSSL_cleanse(random, sizeof(random));
	if (ret != 0)
		OPENSSL_cleanse(out, ES_PASSWORD_LEN + 1);
	return ret;
}
