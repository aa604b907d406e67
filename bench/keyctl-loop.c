/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark driver: the cost of one kernel keyring read, the unit in the
 * PAM target "2x pam_permit plus one keyring read".
 *
 *   keyctl-loop CALLS ROUNDS
 *
 * Adds a "user" key with a 144-byte payload (the size of the stored
 * support access record) to this process's own process keyring, so that no
 * other keyring is touched and the key goes away when the process exits.
 * Then it calls measure_calls(CALLS) ROUNDS times, each call one
 * keyctl_read_alloc() and free(), and prints the median wall time of one
 * read in nanoseconds. Under callgrind, --toggle-collect=measure_calls
 * counts only the measured reads.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <keyutils.h>

#define MEASURED __attribute__((noinline, noclone, used))
#define PAYLOAD_LEN 144

static key_serial_t key;

static void
read_once(void)
{
	void *buf = NULL;
	long len;

	len = keyctl_read_alloc(key, &buf);
	if (len != PAYLOAD_LEN) {
		perror("keyctl-loop: keyctl_read_alloc");
		exit(1);
	}
	free(buf);
}

MEASURED void
measure_calls(long calls)
{
	long i;

	for (i = 0; i < calls; i++)
		read_once();
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
	unsigned char payload[PAYLOAD_LEN];
	char description[64];
	double *per_call;
	long calls, rounds, r;

	if (argc != 3) {
		fprintf(stderr, "usage: keyctl-loop CALLS ROUNDS\n");
		return 2;
	}
	calls = strtol(argv[1], NULL, 10);
	rounds = strtol(argv[2], NULL, 10);
	if (calls < 1 || rounds < 1) {
		fprintf(stderr, "keyctl-loop: CALLS and ROUNDS must be >= 1\n");
		return 2;
	}

	memset(payload, 0x5a, sizeof(payload));
	snprintf(description, sizeof(description), "edgesupport-bench-%ld:probe",
	    (long)getpid());
	key = add_key("user", description, payload, sizeof(payload),
	    KEY_SPEC_PROCESS_KEYRING);
	if (key < 0) {
		perror("keyctl-loop: add_key to the process keyring");
		return 1;
	}

	read_once();

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
	keyctl_invalidate(key);
	return 0;
}
