/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Leak test for pam_edgesupport. It runs many pam_start_confdir(),
 * pam_authenticate(), pam_acct_mgmt(), pam_end() cycles for the support
 * user in one process, as a long-running service that authenticates users
 * (a display manager, a web console) would. Then it checks that the heap,
 * the resident set and the open file descriptors did not grow. Every 100th
 * cycle uses a wrong password, so the failure path is repeated too.
 *
 * ES_AUTH_CYCLES sets the number of cycles (default 10000; `make
 * check-valgrind` sets 500). Under valgrind and ASan the heap and RSS
 * checks are skipped, because their allocators replace glibc's. The leak
 * checkers of those tools take their place.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND	0
#endif

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN	1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN	0
#endif

#include "../pam/pamtest.h"

#define DEFAULT_CYCLES		10000
#define WARMUP_CYCLES		50	/* lets one-time allocations settle */
#define WRONG_EVERY		100	/* every Nth cycle: wrong password */
#define WRONG_PASSWORD		"Rk7fQ2mXw9LpZ3b"

/*
 * Growth allowed over all cycles. A leak of 8 bytes per cycle adds 80 KiB
 * of heap in 10000 cycles. The RSS limit leaves room for page rounding.
 */
#define MAX_HEAP_GROWTH		(64 * 1024)
#define MAX_RSS_GROWTH		(2 * 1024 * 1024)

static const char service_text[] =
	"auth required @MODULE@ nodelay\n"
	"account required @MODULE@\n";

struct usage {
	size_t heap;	/* bytes allocated by malloc, mmapped blocks included */
	long rss;	/* resident set in bytes */
	int fds;	/* open file descriptors */
};

struct results {
	unsigned long auth_ok;		/* right password: PAM_SUCCESS */
	unsigned long auth_bad;		/* right password: anything else */
	unsigned long account_bad;	/* account after success failed */
	unsigned long wrong_denied;	/* wrong password: PAM_AUTH_ERR */
	unsigned long wrong_bad;	/* wrong password: anything else */
	int first_error;		/* first unexpected PAM result */
};

static unsigned long
read_cycles(void)
{
	const char *text = getenv("ES_AUTH_CYCLES");
	unsigned long n;
	char *end;

	if (text == NULL || *text == '\0')
		return DEFAULT_CYCLES;

	errno = 0;
	n = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || n < WRONG_EVERY || n > 10000000) {
		fprintf(stderr, "ERROR: ES_AUTH_CYCLES=%s is invalid: give a "
		    "number from %d to 10000000\n", text, WRONG_EVERY);
		exit(PT_EXIT_ERROR);
	}

	return n;
}

static int
count_fds(void)
{
	struct dirent *entry;
	DIR *dir;
	int n = 0;

	dir = opendir("/proc/self/fd");
	if (dir == NULL)
		return -1;

	while ((entry = readdir(dir)) != NULL) {
		if (entry->d_name[0] != '.')
			n++;
	}

	closedir(dir);
	return n - 1;	/* the directory's own fd */
}

static long
read_rss(void)
{
	long pages = -1;
	long resident = -1;
	FILE *f;

	f = fopen("/proc/self/statm", "re");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);

	return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

static void
measure(struct usage *u)
{
	struct mallinfo2 mi = mallinfo2();

	u->heap = mi.uordblks + mi.hblkhd;
	u->rss = read_rss();
	u->fds = count_fds();
}

/* Runs one cycle, with the wrong password if wrong is non-zero. */
static void
run_cycle(struct pt_env *env, int wrong, struct results *res)
{
	pam_handle_t *pamh;
	int rc;

	pamh = pt_start(env, "cycles", PT_USER,
	    wrong ? WRONG_PASSWORD : PT_PASSWORD);

	rc = pam_authenticate(pamh, 0);
	if (wrong) {
		if (rc == PAM_AUTH_ERR)
			res->wrong_denied++;
		else
			res->wrong_bad++;
	} else if (rc == PAM_SUCCESS) {
		res->auth_ok++;
		rc = pam_acct_mgmt(pamh, 0);
		if (rc != PAM_SUCCESS)
			res->account_bad++;
	} else {
		res->auth_bad++;
	}

	if (res->first_error == PAM_SUCCESS &&
	    (wrong ? rc != PAM_AUTH_ERR : rc != PAM_SUCCESS))
		res->first_error = rc;

	pam_end(pamh, rc);
}

static void
check_usage(struct pt_env *env, const struct usage *before,
    const struct usage *after)
{
	long heap_growth = (long)after->heap - (long)before->heap;
	long rss_growth = after->rss - before->rss;

	pt_check(env, after->fds == before->fds, "cycles leak no fd",
	    "%d open fds before the cycles, %d after", before->fds,
	    after->fds);

	if (RUNNING_ON_VALGRIND || UNDER_ASAN) {
		printf("note: heap and RSS checks skipped under %s; its leak "
		    "check covers them\n", UNDER_ASAN ? "ASan" : "valgrind");
		return;
	}

	printf("growth over the cycles: heap %ld bytes, RSS %ld bytes\n",
	    heap_growth, rss_growth);
	pt_check(env, before->heap > 0 && heap_growth <= MAX_HEAP_GROWTH,
	    "cycles leak no heap", "heap grew by %ld bytes (from %zu), "
	    "limit %d", heap_growth, before->heap, MAX_HEAP_GROWTH);
	pt_check(env, before->rss > 0 && rss_growth <= MAX_RSS_GROWTH,
	    "cycles keep RSS flat", "RSS grew by %ld bytes (from %ld), "
	    "limit %d", rss_growth, before->rss, MAX_RSS_GROWTH);
}

int
main(void)
{
	struct results res = { 0 };
	struct usage before, after;
	struct es_record rec = { 0 };
	struct pt_env env;
	unsigned long cycles = read_cycles();
	unsigned long wrong_cycles = 0;
	unsigned long i;
	double start;
	int ret;

	pt_init(&env, "auth-cycles");
	pt_write_config(&env, "max_failures = 0\n");
	pt_write_service(&env, "cycles", service_text);
	pt_enable(&env, PT_PASSWORD, 3600, 0);

	for (i = 0; i < WARMUP_CYCLES; i++)
		run_cycle(&env, 0, &res);
	memset(&res, 0, sizeof(res));
	measure(&before);

	start = pt_now();
	for (i = 1; i <= cycles; i++) {
		int wrong = i % WRONG_EVERY == 0;

		wrong_cycles += wrong;
		run_cycle(&env, wrong, &res);
	}
	measure(&after);
	printf("%lu cycles in %.1f s\n", cycles, pt_now() - start);

	pt_check(&env, res.auth_ok == cycles - wrong_cycles,
	    "right password passes every cycle", "%lu of %lu passed, first "
	    "unexpected result %d (%s)", res.auth_ok, cycles - wrong_cycles,
	    res.first_error, pam_strerror(NULL, res.first_error));
	pt_check(&env, res.account_bad == 0, "account passes every cycle",
	    "%lu account failures", res.account_bad);
	pt_check(&env, res.wrong_denied == wrong_cycles,
	    "wrong password fails every cycle", "%lu of %lu denied",
	    res.wrong_denied, wrong_cycles);

	ret = pt_get_record(&env, &rec);
	pt_check(&env, ret == 0, "record readable after cycles",
	    "es_store_get: %s", strerror(-ret));
	pt_check(&env, ret == 0 &&
	    rec.logins == WARMUP_CYCLES + res.auth_ok,
	    "record counts every login", "logins %u, expected %lu",
	    rec.logins, WARMUP_CYCLES + res.auth_ok);

	check_usage(&env, &before, &after);
	return pt_finish(&env);
}
