/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_edgesupport account, session, setcred and password phases, and
 * PAM_IGNORE for every user other than the support account.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "pamtest.h"

static const char service_text[] =
	"auth required @MODULE@ nodelay\n"
	"account required @MODULE@\n"
	"password required @MODULE@\n"
	"session required @MODULE@\n";

/*
 * The stack succeeds only if the module returns PAM_IGNORE: any other
 * result, PAM_SUCCESS included, ends it with "die".
 */
static const char ignore_service_text[] =
	"auth [ignore=ignore default=die] @MODULE@ nodelay\n"
	"auth required pam_permit.so\n"
	"account [ignore=ignore default=die] @MODULE@\n"
	"account required pam_permit.so\n"
	"password [ignore=ignore default=die] @MODULE@\n"
	"password required pam_permit.so\n"
	"session [ignore=ignore default=die] @MODULE@\n"
	"session required pam_permit.so\n";

/* The same stack with a module that succeeds, to show it can fail. */
static const char control_service_text[] =
	"auth [ignore=ignore default=die] pam_permit.so\n"
	"auth required pam_permit.so\n";

static const struct {
	enum pt_phase phase;
	const char *name;
} phases[] = {
	{ PT_AUTH, "auth" },
	{ PT_ACCOUNT, "account" },
	{ PT_OPEN_SESSION, "open_session" },
	{ PT_CLOSE_SESSION, "close_session" },
	{ PT_SETCRED, "setcred" },
	{ PT_CHAUTHTOK, "chauthtok" },
};

#define N_PHASES	(sizeof(phases) / sizeof(phases[0]))

static void
check_enabled(struct pt_env *env)
{
	int rc;

	rc = pt_run(env, "es", PT_USER, NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "account enabled");
	pt_check(env, env->messages[0] == '\0', "account enabled is quiet",
	    "message: %s", env->messages);

	rc = pt_run(env, "es", PT_USER, NULL, PT_OPEN_SESSION, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "open_session support user");

	rc = pt_run(env, "es", PT_USER, NULL, PT_CLOSE_SESSION, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "close_session support user");

	rc = pt_run(env, "es", PT_USER, NULL, PT_SETCRED, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "setcred support user");
}

static void
check_chauthtok(struct pt_env *env)
{
	int rc;

	rc = pt_run(env, "es", PT_USER, "NewPassword123", PT_CHAUTHTOK, 0);
	pt_check_rc(env, rc, PAM_PERM_DENIED, "chauthtok support user");
	pt_check(env, strstr(env->messages, "cannot be changed") != NULL,
	    "chauthtok tells the user why", "messages: '%s'", env->messages);
	pt_check(env, env->prompts == 0, "chauthtok asks for nothing",
	    "%d prompts", env->prompts);

	rc = pt_run(env, "es", PT_USER, "NewPassword123", PT_CHAUTHTOK,
	    PAM_SILENT);
	pt_check_rc(env, rc, PAM_PERM_DENIED, "chauthtok silent");
	pt_check(env, env->messages[0] == '\0', "chauthtok silent is quiet",
	    "messages: '%s'", env->messages);

	rc = pt_run(env, "es", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "password unchanged by chauthtok");
}

static void
check_disabled(struct pt_env *env)
{
	int rc;

	pt_disable(env);

	rc = pt_run(env, "es", PT_USER, NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_PERM_DENIED, "account disabled");
	pt_check(env, strstr(env->messages, "not enabled") != NULL,
	    "account disabled tells the user", "messages: '%s'",
	    env->messages);

	rc = pt_run(env, "es", PT_USER, NULL, PT_ACCOUNT, PAM_SILENT);
	pt_check_rc(env, rc, PAM_PERM_DENIED, "account disabled silent");
	pt_check(env, env->messages[0] == '\0',
	    "account disabled silent is quiet", "messages: '%s'",
	    env->messages);
}

static void
check_expired(struct pt_env *env)
{
	int rc;

	pt_enable(env, PT_PASSWORD, 2, 0);
	rc = pt_run(env, "es", PT_USER, NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "account before expiry");

	sleep(3);
	rc = pt_run(env, "es", PT_USER, NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_PERM_DENIED, "account after kernel expiry");
	pt_check(env, strstr(env->messages, "Support access") != NULL,
	    "account expired tells the user", "messages: '%s'",
	    env->messages);

	/*
	 * An expired key stays linked until the kernel's garbage collector
	 * runs. A new record displaces it, and pt_finish() removes that.
	 */
	pt_enable(env, PT_PASSWORD, 300, 0);
}

static void
check_other_users(struct pt_env *env)
{
	static const char *const users[] = {
		"root", "EdgeSupport", "edgesupport2", "nobody",
	};
	char name[128];
	size_t i, j;
	int rc;

	rc = pt_run(env, "control", "root", PT_PASSWORD, PT_AUTH, 0);
	pt_check(env, rc != PAM_SUCCESS, "ignore stack rejects success",
	    "pam_permit passed the ignore-only stack");

	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		for (j = 0; j < N_PHASES; j++) {
			snprintf(name, sizeof(name), "%s ignores %s",
			    phases[j].name, users[i]);
			rc = pt_run(env, "ignore", users[i], PT_PASSWORD,
			    phases[j].phase, 0);
			pt_check_rc(env, rc, PAM_SUCCESS, name);
		}
	}

	rc = pt_run(env, "ignore", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check(env, rc != PAM_SUCCESS, "auth does not ignore support user",
	    "got %d", rc);
}

/*
 * A held store lock (a stuck edgesupport-ctl, say) must not block other
 * users' logins or the support account's read-only account check.
 */
static void
check_lock_not_taken(struct pt_env *env)
{
	int fd;
	int rc;

	fd = open(env->lock_file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		pt_check(env, false, "hold store lock", "%s: %s",
		    env->lock_file, strerror(errno));
		return;
	}

	/* If the module waited for the lock, SIGALRM ends the test. */
	alarm(20);
	rc = pt_run(env, "ignore", "root", "secret", PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "other user while lock held");

	rc = pt_run(env, "es", PT_USER, NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "account while lock held");
	alarm(0);

	close(fd);
}

int
main(void)
{
	struct pt_env env;

	pt_init(&env, "account");
	pt_write_service(&env, "es", service_text);
	pt_write_service(&env, "ignore", ignore_service_text);
	pt_write_service(&env, "control", control_service_text);
	pt_enable(&env, PT_PASSWORD, 300, 0);

	check_enabled(&env);
	check_chauthtok(&env);
	check_other_users(&env);
	check_lock_not_taken(&env);
	check_disabled(&env);
	check_expired(&env);

	return pt_finish(&env);
}
