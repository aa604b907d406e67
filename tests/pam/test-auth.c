/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_edgesupport auth phase: the current password and nothing else
 * authenticates the support account, and disable, re-enable and the
 * kernel timeout end the old password.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pamtest.h"

#define NEW_PASSWORD	"b4Tn8WqP0cVxK2s"

static const char service_text[] =
	"auth required @MODULE@ nodelay\n";

static const char delay_service_text[] =
	"auth required @MODULE@\n";

static void
check_password_inputs(struct pt_env *env)
{
	char long_input[4097];
	char padded[600];
	int rc;

	rc = pt_run(env, "es", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "auth right password");

	rc = pt_run(env, "es", PT_USER, "Rk7fQ2mXw9LpZ3b", PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth wrong password");

	rc = pt_run(env, "es", PT_USER, "", PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth empty password");

	rc = pt_run(env, "es", PT_USER, NULL, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth conversation error");

	memset(long_input, 'A', sizeof(long_input) - 1);
	long_input[sizeof(long_input) - 1] = '\0';
	rc = pt_run(env, "es", PT_USER, long_input, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth 4 KiB password");

	/* The right password must not win because of a length cut. */
	memset(padded, 'x', sizeof(padded) - 1);
	padded[sizeof(padded) - 1] = '\0';
	memcpy(padded, PT_PASSWORD, strlen(PT_PASSWORD));
	rc = pt_run(env, "es", PT_USER, padded, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth right password plus 584 bytes");

	rc = pt_run(env, "es", PT_USER, PT_PASSWORD "\n", PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth trailing newline");

	rc = pt_run(env, "es", PT_USER, PT_PASSWORD " ", PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth trailing space");

	/* What sshd sends to PAM for a user it considers invalid. */
	rc = pt_run(env, "es", PT_USER, "\b\n\r\177INCORRECT", PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth sshd fake password");

	rc = pt_run(env, "es", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "auth right password after failures");
}

static void
check_counters(struct pt_env *env)
{
	struct es_record rec;
	int ret;

	ret = pt_get_record(env, &rec);
	pt_check(env, ret == 0, "record readable", "es_store_get: %d", ret);
	pt_check(env, rec.logins == 2, "record counts two logins",
	    "logins = %u", rec.logins);
	pt_check(env, rec.failures == 0, "success resets failures",
	    "failures = %u", rec.failures);
}

static void
check_reenable(struct pt_env *env)
{
	struct es_record rec;
	int ret;
	int rc;

	pt_enable(env, NEW_PASSWORD, 300, 0);
	ret = pt_get_record(env, &rec);
	pt_check(env, ret == 0 && rec.logins == 0,
	    "re-enable restarts login count", "logins = %u", rec.logins);

	rc = pt_run(env, "es", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth old password after re-enable");

	ret = pt_get_record(env, &rec);
	pt_check(env, ret == 0 && rec.failures == 1,
	    "old password counts as failure", "failures = %u", rec.failures);

	rc = pt_run(env, "es", PT_USER, NEW_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "auth new password after re-enable");
}

static void
check_disable(struct pt_env *env)
{
	int ret;
	int rc;

	ret = pt_disable(env);
	pt_check(env, ret == 1, "disable removes the record",
	    "es_store_remove returned %d", ret);

	rc = pt_run(env, "es", PT_USER, NEW_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth after disable");
}

static void
check_kernel_expiry(struct pt_env *env)
{
	int rc;

	pt_enable(env, PT_PASSWORD, 2, 0);
	rc = pt_run(env, "es", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "auth before 2 s lifetime ends");

	sleep(3);
	rc = pt_run(env, "es", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth after kernel expiry");
}

static unsigned int delay_usec;
static int delay_calls;

/* Records the delay libpam computed instead of sleeping it. */
static void
record_delay(int status, unsigned int usec, void *appdata)
{
	(void)status;
	(void)appdata;

	delay_usec = usec;
	delay_calls++;
}

/* Runs one authentication with record_delay() as the delay function. */
static int
run_with_delay_hook(struct pt_env *env, const char *service,
    const char *password)
{
	void (*hook)(int, unsigned int, void *) = record_delay;
	pam_handle_t *pamh;
	int rc;

	pamh = pt_start(env, service, PT_USER, password);
	rc = pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)hook);
	if (rc == PAM_SUCCESS)
		rc = pt_phase(pamh, PT_AUTH, 0);
	pam_end(pamh, rc);
	return rc;
}

/*
 * Without nodelay the module requests 2 s. libpam spreads the delay it
 * sleeps to 50-150 % of the largest request (libpam/pam_delay.c in
 * Linux-PAM 1.5), so 1.0 s is the bound a real failure must reach.
 */
static void
check_fail_delay(struct pt_env *env)
{
	double start;
	double elapsed;
	int rc;

	pt_enable(env, PT_PASSWORD, 300, 0);

	delay_calls = 0;
	rc = run_with_delay_hook(env, "es-delay", "wrong-password");
	pt_check_rc(env, rc, PAM_AUTH_ERR, "hooked auth wrong password");
	pt_check(env, delay_calls == 1 && delay_usec >= 1000000 &&
	    delay_usec <= 3000000, "failure requests 2 s delay",
	    "%d calls, %u usec", delay_calls, delay_usec);

	delay_calls = 0;
	rc = run_with_delay_hook(env, "es", "wrong-password");
	pt_check_rc(env, rc, PAM_AUTH_ERR, "hooked nodelay wrong password");
	pt_check(env, delay_calls == 1 && delay_usec == 0,
	    "nodelay requests no delay", "%d calls, %u usec", delay_calls,
	    delay_usec);

	start = pt_now();
	rc = pt_run(env, "es-delay", PT_USER, "wrong-password", PT_AUTH, 0);
	elapsed = pt_now() - start;
	pt_check_rc(env, rc, PAM_AUTH_ERR, "delayed auth wrong password");
	pt_check(env, elapsed >= 1.0, "failure delayed at least 1 s",
	    "took %.3f s", elapsed);

	start = pt_now();
	rc = pt_run(env, "es-delay", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	elapsed = pt_now() - start;
	pt_check_rc(env, rc, PAM_SUCCESS, "delayed auth right password");
	pt_check(env, elapsed < 1.0, "success not delayed", "took %.3f s",
	    elapsed);
}

int
main(void)
{
	struct pt_env env;

	pt_init(&env, "auth");
	pt_write_service(&env, "es", service_text);
	pt_write_service(&env, "es-delay", delay_service_text);
	pt_enable(&env, PT_PASSWORD, 300, 0);

	check_password_inputs(&env);
	check_counters(&env);
	check_reenable(&env);
	check_disable(&env);
	check_kernel_expiry(&env);
	check_fail_delay(&env);

	return pt_finish(&env);
}
