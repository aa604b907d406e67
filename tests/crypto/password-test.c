/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for es_password_generate(). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "password.h"
#include "unit.h"

#define SAMPLES		10000
#define ALPHABET_SIZE	(sizeof(ES_PASSWORD_ALPHABET) - 1)

/*
 * Chi-square bound for 61 degrees of freedom (mean 61, standard deviation
 * about 11). A uniform generator exceeds 200 with probability about 3e-16
 * (Wilson-Hilferty approximation), so the check does not flake. Plain
 * byte % 62 without rejection draws 'A' to 'H' with probability 5/256 and
 * the rest with 4/256, which gives a statistic of about 1000 over 150,000
 * characters, so the bound still catches modulo bias.
 */
#define CHI_SQUARE_BOUND	200.0

static int
compare_passwords(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
all_in_alphabet(const char *password)
{
	size_t i;

	for (i = 0; password[i] != '\0'; i++)
		if (strchr(ES_PASSWORD_ALPHABET, password[i]) == NULL)
			return 0;
	return 1;
}

static void
count_chars(const char *password, unsigned long counts[ALPHABET_SIZE])
{
	size_t i;

	for (i = 0; password[i] != '\0'; i++)
		counts[strchr(ES_PASSWORD_ALPHABET, password[i]) -
		    ES_PASSWORD_ALPHABET]++;
}

static double
chi_square(const unsigned long counts[ALPHABET_SIZE], unsigned long total)
{
	double expected = (double)total / ALPHABET_SIZE;
	double sum = 0.0;
	size_t i;

	for (i = 0; i < ALPHABET_SIZE; i++) {
		double diff = (double)counts[i] - expected;

		sum += diff * diff / expected;
	}
	return sum;
}

int
main(void)
{
	static char passwords[SAMPLES][ES_PASSWORD_LEN + 1];
	unsigned long counts[ALPHABET_SIZE] = { 0 };
	int bad_length = 0;
	int bad_char = 0;
	int duplicates = 0;
	int missing = 0;
	double chi;
	size_t i;

	for (i = 0; i < SAMPLES; i++) {
		if (es_password_generate(passwords[i]) != 0)
			setup_failed("es_password_generate failed at sample "
			    "%zu", i);
		if (strlen(passwords[i]) != ES_PASSWORD_LEN)
			bad_length++;
		else if (!all_in_alphabet(passwords[i]))
			bad_char++;
		else
			count_chars(passwords[i], counts);
	}
	check(bad_length == 0, "password length is 15 (%d wrong)",
	    bad_length);
	check(bad_char == 0, "password uses only A-Z a-z 0-9 (%d wrong)",
	    bad_char);

	qsort(passwords, SAMPLES, sizeof(passwords[0]), compare_passwords);
	for (i = 1; i < SAMPLES; i++)
		if (strcmp(passwords[i - 1], passwords[i]) == 0)
			duplicates++;
	check(duplicates == 0, "passwords have no duplicates (%d found)",
	    duplicates);

	for (i = 0; i < ALPHABET_SIZE; i++) {
		if (counts[i] == 0) {
			fprintf(stderr, "  '%c' never drawn\n",
			    ES_PASSWORD_ALPHABET[i]);
			missing++;
		}
	}
	check(missing == 0, "password draws every alphabet character");

	chi = chi_square(counts, (unsigned long)SAMPLES * ES_PASSWORD_LEN);
	check(chi < CHI_SQUARE_BOUND, "password characters are uniform "
	    "(chi-square %.1f, bound %.0f)", chi, CHI_SQUARE_BOUND);

	return check_result();
}
