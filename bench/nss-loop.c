/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark driver: passwd lookups through glibc's real NSS, configured by
 * the /etc/nsswitch.conf and /etc/passwd in the caller's mount namespace.
 *
 *   nss-loop name|uid KEY found|missing CALLS ROUNDS
 *
 * Looks KEY up with getpwnam() or getpwuid(). Two warm-up lookups load the
 * modules and read nsswitch.conf before measure_calls(CALLS) runs ROUNDS
 * times; the driver prints the median wall time of one lookup in
 * nanoseconds. Under callgrind, --toggle-collect=measure_calls counts only
 * the measured lookups. Each lookup must give the expected result (found
 * or missing), else the driver exits 1, so a module that failed to load
 * never produces a number.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEASURED __attribute__((noinline, noclone, used))

static bool by_uid;
static const char *name;
static uid_t uid;
static bool expect_found;

static void
lookup_once(void)
{
	struct passwd *pw;

	errno = 0;
	pw = by_uid ? getpwuid(uid) : getpwnam(name);
	if ((pw != NULL) != expect_found) {
		fprintf(stderr, "nss-loop: %s %s: expected %s, got %s (%s)\n",
		    by_uid ? "getpwuid" : "getpwnam", name,
		    expect_found ? "an entry" : "no entry",
		    pw != NULL ? "an entry" : "no entry",
		    errno != 0 ? strerror(errno) : "no error");
		exit(1);
	}
}

MEASURED void
measure_calls(long calls)
{
	long i;

	for (i = 0; i < calls; i++)
		lookup_once();
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
	double *per_call;
	long calls, rounds, r;

	if (argc != 6) {
		fprintf(stderr, "usage: nss-loop name|uid KEY found|missing "
		    "CALLS ROUNDS\n");
		return 2;
	}
	by_uid = strcmp(argv[1], "uid") == 0;
	name = argv[2];
	uid = (uid_t)strtoul(argv[2], NULL, 10);
	expect_found = strcmp(argv[3], "found") == 0;
	calls = strtol(argv[4], NULL, 10);
	rounds = strtol(argv[5], NULL, 10);
	if (calls < 1 || rounds < 1) {
		fprintf(stderr, "nss-loop: CALLS and ROUNDS must be >= 1\n");
		return 2;
	}

	lookup_once();
	lookup_once();

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
	return 0;
}
