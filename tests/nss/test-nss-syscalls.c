/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lookup phases separated by getppid() markers, for syscalls.sh to run
 * under strace. Phase 1 looks up unknown names many times with a fresh
 * cache, where the module must make no system call at all. Phase 3 comes
 * after the freshness interval (one stat, no open), and phase 5 after the
 * config was replaced (stat, open and read).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "module.h"

#define LOOKUPS		10000

static struct nss_module nss;

static long long
now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void
marker(void)
{
	(void)getppid();
}

static void
pause_past_interval(void)
{
	struct timespec pause = { 1, 200 * 1000 * 1000 };

	nanosleep(&pause, NULL);
}

/* Looks up names and ids that are not the support account. */
static int
lookup_others(void)
{
	char buffer[1024];
	struct passwd pwd;
	struct group grp;
	struct spwd spwd;
	long int start = 0;
	long int size = 4;
	gid_t groups[4];
	gid_t *groupsp = groups;
	int found = 0;
	int err = 0;

	found += nss.getpwnam_r("nosuchuser", &pwd, buffer, sizeof(buffer),
	    &err) != NSS_STATUS_NOTFOUND;
	found += nss.getpwuid_r(12345, &pwd, buffer, sizeof(buffer), &err) !=
	    NSS_STATUS_NOTFOUND;
	found += nss.getgrnam_r("nosuchgroup", &grp, buffer, sizeof(buffer),
	    &err) != NSS_STATUS_NOTFOUND;
	found += nss.getgrgid_r(12345, &grp, buffer, sizeof(buffer), &err) !=
	    NSS_STATUS_NOTFOUND;
	found += nss.getspnam_r("root", &spwd, buffer, sizeof(buffer), &err) !=
	    NSS_STATUS_NOTFOUND;
	found += nss.initgroups_dyn("root", 0, &start, &size, &groupsp, 4,
	    &err) != NSS_STATUS_NOTFOUND;

	return found;
}

int
main(int argc, char **argv)
{
	long long warm;
	long long took;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: %s CONFIG REPLACEMENT-TEXT\n", argv[0]);
		return 2;
	}

	if (setenv("EDGESUPPORT_NSS_CONFIG", argv[1], 1) < 0 ||
	    nss_module_open(&nss) < 0)
		return 99;

	/* Warm-up: the first lookup loads the config. */
	if (lookup_others() != 0) {
		fprintf(stderr, "FAIL: warm-up lookup found an entry\n");
		return 1;
	}
	warm = now_ms();

	marker();
	for (i = 0; i < LOOKUPS; i++)
		if (lookup_others() != 0)
			return 1;
	marker();

	took = now_ms() - warm;
	printf("%d lookup rounds in %lld ms\n", LOOKUPS, took);
	if (took >= 900) {
		fprintf(stderr, "lookups took %lld ms, too close to the "
		    "freshness interval to judge\n", took);
		return 77;
	}

	pause_past_interval();
	marker();
	lookup_others();
	lookup_others();
	marker();

	if (write_file_atomic(argv[1], argv[2]) < 0)
		return 99;
	pause_past_interval();
	marker();
	lookup_others();
	marker();

	nss_module_close(&nss);
	return 0;
}
