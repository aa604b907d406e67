/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_edgesupport lockout after max_failures, max_logins, and exact
 * counting when several processes authenticate at once.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pamtest.h"

#define WRONG_PASSWORD	"not-the-password"

static const char service_text[] =
	"auth required @MODULE@ nodelay\n"
	"account required @MODULE@\n";

static int
auth(struct pt_env *env, const char *password)
{
	return pt_run(env, "es", PT_USER, password, PT_AUTH, 0);
}

static void
fail_n_times(struct pt_env *env, int n, const char *name)
{
	int rc;
	int i;

	for (i = 0; i < n; i++) {
		rc = auth(env, WRONG_PASSWORD);
		pt_check_rc(env, rc, PAM_AUTH_ERR, name);
	}
}

/* Reads the record and checks its failure count and lock state. */
static void
check_record(struct pt_env *env, unsigned int failures, bool locked,
    const char *name)
{
	struct es_record rec;
	bool is_locked;
	int ret;

	ret = pt_get_record(env, &rec);
	if (ret != 0) {
		pt_check(env, false, name, "es_store_get returned %d", ret);
		return;
	}

	is_locked = rec.locked_until_boot > es_now_boot();
	pt_check(env, rec.failures == failures && is_locked == locked, name,
	    "failures = %u (expected %u), locked = %d (expected %d)",
	    rec.failures, failures, is_locked, locked);
}

static void
check_lockout(struct pt_env *env)
{
	int rc;

	pt_write_config(env, "max_failures = 3\nlockout_time = 15m\n");
	pt_enable(env, PT_PASSWORD, 300, 0);

	fail_n_times(env, 2, "wrong password before lockout");
	check_record(env, 2, false, "two failures, not locked");

	rc = auth(env, PT_PASSWORD);
	pt_check_rc(env, rc, PAM_SUCCESS, "right password resets count");
	check_record(env, 0, false, "success clears failures");

	fail_n_times(env, 3, "wrong password up to max_failures");
	check_record(env, 3, true, "locked after max_failures");

	rc = auth(env, PT_PASSWORD);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "right password while locked");

	rc = auth(env, WRONG_PASSWORD);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "wrong password while locked");
	check_record(env, 3, true, "attempts while locked not counted");

	rc = pt_run(env, "es", PT_USER, NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "account unaffected by lockout");

	pt_enable(env, PT_PASSWORD, 300, 0);
	rc = auth(env, PT_PASSWORD);
	pt_check_rc(env, rc, PAM_SUCCESS, "re-enable clears lockout");
}

static void
check_lockout_expiry(struct pt_env *env)
{
	int rc;

	pt_write_config(env, "max_failures = 2\nlockout_time = 2s\n");
	pt_enable(env, PT_PASSWORD, 300, 0);

	fail_n_times(env, 2, "wrong password before short lockout");
	rc = auth(env, PT_PASSWORD);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "right password in 2 s lockout");

	sleep(3);

	/* An ended lockout starts a fresh count, so one failure is 1 of 2. */
	fail_n_times(env, 1, "wrong password after lockout ended");
	check_record(env, 1, false, "ended lockout restarts count");

	rc = auth(env, PT_PASSWORD);
	pt_check_rc(env, rc, PAM_SUCCESS, "right password after lockout ends");
}

static void
check_lockout_off(struct pt_env *env)
{
	int rc;

	pt_write_config(env, "max_failures = 0\n");
	pt_enable(env, PT_PASSWORD, 300, 0);

	fail_n_times(env, 12, "wrong password, lockout off");
	check_record(env, 12, false, "max_failures 0 never locks");

	rc = auth(env, PT_PASSWORD);
	pt_check_rc(env, rc, PAM_SUCCESS, "right password, lockout off");
}

static void
check_max_logins(struct pt_env *env)
{
	struct es_record rec;
	int rc;

	pt_write_config(env, NULL);
	pt_enable(env, PT_PASSWORD, 300, 2);

	rc = auth(env, PT_PASSWORD);
	pt_check_rc(env, rc, PAM_SUCCESS, "login 1 of 2");
	rc = auth(env, PT_PASSWORD);
	pt_check_rc(env, rc, PAM_SUCCESS, "login 2 of 2");
	rc = auth(env, PT_PASSWORD);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "login 3 of 2 denied");

	rc = pt_get_record(env, &rec);
	pt_check(env, rc == 0 && rec.logins == 2,
	    "denied login not counted", "logins = %u", rec.logins);

	rc = pt_run(env, "es", PT_USER, NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "account after login limit");
}

/* With max_logins 1, two simultaneous logins give exactly one success. */
static void
check_parallel_max_logins(struct pt_env *env)
{
	char name[64];
	int round;
	int n;

	pt_write_config(env, NULL);
	for (round = 1; round <= 5; round++) {
		pt_enable(env, PT_PASSWORD, 300, 1);
		n = pt_run_parallel(env, "es", PT_USER, PT_PASSWORD, 2);
		snprintf(name, sizeof(name), "parallel max_logins 1, round %d",
		    round);
		pt_check(env, n == 1, name, "%d successes", n);
	}
}

static void
check_parallel_failures(struct pt_env *env)
{
	int n;

	pt_write_config(env, "max_failures = 10\n");
	pt_enable(env, PT_PASSWORD, 300, 0);
	n = pt_run_parallel(env, "es", PT_USER, WRONG_PASSWORD, 8);
	pt_check(env, n == 0, "parallel wrong passwords fail", "%d successes",
	    n);
	check_record(env, 8, false, "8 parallel failures counted exactly");

	pt_write_config(env, "max_failures = 5\n");
	pt_enable(env, PT_PASSWORD, 300, 0);
	n = pt_run_parallel(env, "es", PT_USER, WRONG_PASSWORD, 8);
	pt_check(env, n == 0, "parallel wrong passwords to lockout fail",
	    "%d successes", n);
	check_record(env, 5, true, "parallel failures stop at lockout");
}

int
main(void)
{
	struct pt_env env;

	pt_init(&env, "lockout");
	pt_write_service(&env, "es", service_text);

	check_lockout(&env);
	check_lockout_expiry(&env);
	check_lockout_off(&env);
	check_max_logins(&env);
	check_parallel_max_logins(&env);
	check_parallel_failures(&env);

	return pt_finish(&env);
}
