/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark driver: one PAM transaction, reused for many calls.
 *
 *   pam-loop CONFDIR SERVICE USER PASSWORD_FILE PHASES CALLS ROUNDS
 *
 * The conversation function returns the first line of PASSWORD_FILE for
 * every prompt, so the password stays out of argv. PHASES is "auth" (pam_authenticate) or "auth+account" (pam_authenticate,
 * then pam_acct_mgmt). The driver starts the transaction once with
 * pam_start_confdir(), runs two warm-up iterations so that module loading
 * and first-call setup stay out of the numbers, then calls
 * measure_calls(CALLS) ROUNDS times. It prints the median wall time of one
 * iteration in nanoseconds. Under callgrind, --toggle-collect=measure_calls
 * counts only the measured iterations. Every call must return PAM_SUCCESS;
 * any other result ends the driver with exit status 1, so a broken stack
 * never produces a number.
 */
#define _GNU_SOURCE

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_appl.h>

#define MEASURED __attribute__((noinline, noclone, used))

static char password[512];
static pam_handle_t *pamh;
static bool with_account;

/* Returns the password for every hidden or echoed prompt. */
static int
converse(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	struct pam_response *out;
	int i;

	(void)data;
	out = calloc((size_t)n, sizeof(*out));
	if (out == NULL)
		return PAM_BUF_ERR;

	for (i = 0; i < n; i++) {
		int style = msg[i]->msg_style;

		if (style != PAM_PROMPT_ECHO_OFF && style != PAM_PROMPT_ECHO_ON)
			continue;
		out[i].resp = strdup(password);
		if (out[i].resp == NULL)
			goto fail;
	}

	*resp = out;
	return PAM_SUCCESS;

fail:
	for (i = 0; i < n; i++)
		free(out[i].resp);
	free(out);
	return PAM_CONV_ERR;
}

/* Reads the first line of path into password, without the newline. */
static int
read_password(const char *path)
{
	FILE *file;
	int ret = 0;

	file = fopen(path, "re");
	if (file == NULL) {
		perror(path);
		return -1;
	}
	if (fgets(password, sizeof(password), file) == NULL) {
		fprintf(stderr, "pam-loop: %s is empty; write the password "
		    "on its first line\n", path);
		ret = -1;
	}
	fclose(file);
	password[strcspn(password, "\n")] = '\0';

	return ret;
}

static void
run_once(void)
{
	int rc;

	rc = pam_authenticate(pamh, 0);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pam-loop: pam_authenticate: %s\n",
		    pam_strerror(pamh, rc));
		exit(1);
	}
	if (!with_account)
		return;

	rc = pam_acct_mgmt(pamh, 0);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pam-loop: pam_acct_mgmt: %s\n",
		    pam_strerror(pamh, rc));
		exit(1);
	}
}

MEASURED void
measure_calls(long calls)
{
	long i;

	for (i = 0; i < calls; i++)
		run_once();
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct pam_conv conv = { converse, NULL };
	double *per_call;
	long calls, rounds, r;
	int rc;

	if (argc != 8) {
		fprintf(stderr, "usage: pam-loop CONFDIR SERVICE USER "
		    "PASSWORD_FILE auth|auth+account CALLS ROUNDS\n");
		return 2;
	}
	if (read_password(argv[4]) < 0)
		return 1;
	with_account = strcmp(argv[5], "auth+account") == 0;
	calls = strtol(argv[6], NULL, 10);
	rounds = strtol(argv[7], NULL, 10);
	if (calls < 1 || rounds < 1) {
		fprintf(stderr, "pam-loop: CALLS and ROUNDS must be >= 1\n");
		return 2;
	}

	rc = pam_start_confdir(argv[2], argv[3], &conv, argv[1], &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pam-loop: pam_start_confdir %s in %s: %s\n",
		    argv[2], argv[1], pam_strerror(NULL, rc));
		return 1;
	}

	run_once();
	run_once();

	per_call = calloc((size_t)rounds, sizeof(*per_call));
	if (per_call == NULL)
		return 1;
	for (r = 0; r < rounds; r++) {
		double start = now_ns();

		measure_calls(calls);
		per_call[r] = (now_ns() - start) / (double)calls;
	}
	qsort(per_call, (size_t)rounds, sizeof(*per_call), compare_double);
	printf("%.0f\n", per_call[rounds / 2]);

	free(per_call);
	pam_end(pamh, PAM_SUCCESS);
	return 0;
}
