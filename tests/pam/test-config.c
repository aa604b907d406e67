/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_edgesupport fails closed for the support account when the config or
 * the record is broken, while other users keep PAM_IGNORE; module
 * arguments and config changes take effect on the next call.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <keyutils.h>

#include "pamtest.h"

static const char service_text[] =
	"auth required @MODULE@ nodelay\n"
	"account required @MODULE@\n"
	"password required @MODULE@\n"
	"session required @MODULE@\n";

/* As in test-account: succeeds only if the module returns PAM_IGNORE. */
static const char ignore_service_text[] =
	"auth [ignore=ignore default=die] @MODULE@ nodelay\n"
	"auth required pam_permit.so\n"
	"account [ignore=ignore default=die] @MODULE@\n"
	"account required pam_permit.so\n"
	"password [ignore=ignore default=die] @MODULE@\n"
	"password required pam_permit.so\n"
	"session [ignore=ignore default=die] @MODULE@\n"
	"session required pam_permit.so\n";

/* An auth line to check and an account line that shows PAM_IGNORE. */
static const char mixed_service_text[] =
	"auth required @MODULE@ nodelay\n"
	"account [ignore=ignore default=die] @MODULE@\n"
	"account required pam_permit.so\n";

static const char options_service_text[] =
	"auth required @MODULE@ nodelay debug no_such_option\n";

/*
 * pam_unix prompts for a password and stores it in PAM_AUTHTOK even for a
 * user it does not know, which gives the module a first password.
 */
static const char first_pass_service_text[] =
	"auth optional pam_unix.so\n"
	"auth required @MODULE@ nodelay use_first_pass\n";

static const char try_first_pass_service_text[] =
	"auth optional pam_unix.so\n"
	"auth required @MODULE@ nodelay try_first_pass\n";

static const char lone_first_pass_service_text[] =
	"auth required @MODULE@ nodelay use_first_pass\n";

static const char lone_try_first_pass_service_text[] =
	"auth required @MODULE@ nodelay try_first_pass\n";

static void
check_broken_config(struct pt_env *env, const char *what)
{
	char name[128];
	int rc;

	snprintf(name, sizeof(name), "auth denied with %s", what);
	rc = pt_run(env, "es", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, name);

	snprintf(name, sizeof(name), "account denied with %s", what);
	rc = pt_run(env, "es", PT_USER, NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_PERM_DENIED, name);

	snprintf(name, sizeof(name), "chauthtok denied with %s", what);
	rc = pt_run(env, "es", PT_USER, "NewPassword123", PT_CHAUTHTOK, 0);
	pt_check_rc(env, rc, PAM_PERM_DENIED, name);

	snprintf(name, sizeof(name), "open_session denied with %s", what);
	rc = pt_run(env, "es", PT_USER, NULL, PT_OPEN_SESSION, 0);
	pt_check_rc(env, rc, PAM_SESSION_ERR, name);

	snprintf(name, sizeof(name), "setcred denied with %s", what);
	rc = pt_run(env, "es", PT_USER, NULL, PT_SETCRED, 0);
	pt_check_rc(env, rc, PAM_CRED_ERR, name);

	snprintf(name, sizeof(name), "auth ignores root with %s", what);
	rc = pt_run(env, "ignore", "root", "secret", PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, name);

	snprintf(name, sizeof(name), "account ignores root with %s", what);
	rc = pt_run(env, "ignore", "root", NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, name);

	snprintf(name, sizeof(name), "chauthtok ignores root with %s", what);
	rc = pt_run(env, "ignore", "root", "secret", PT_CHAUTHTOK, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, name);
}

static void
check_config_errors(struct pt_env *env)
{
	char saved[sizeof(env->config)];
	int rc;

	/* The record is valid; only the config is broken. */
	pt_enable(env, PT_PASSWORD, 300, 0);

	memcpy(saved, env->config, sizeof(saved));
	snprintf(env->config, sizeof(env->config), "%s/missing.conf",
	    env->dir);
	pt_write_service(env, "es", service_text);
	pt_write_service(env, "ignore", ignore_service_text);
	check_broken_config(env, "missing config");

	memcpy(env->config, saved, sizeof(saved));
	pt_write_service(env, "es", service_text);
	pt_write_service(env, "ignore", ignore_service_text);
	pt_write_config(env, "colour = blue\n");
	check_broken_config(env, "unknown config key");

	pt_write_config(env, "max_failures = many\n");
	check_broken_config(env, "invalid config value");

	pt_write_config(env, NULL);
	rc = pt_run(env, "es", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "auth with config repaired");
}

static void
check_config_reread(struct pt_env *env)
{
	pam_handle_t *pamh;
	int rc;

	pt_write_config(env, NULL);
	pamh = pt_start(env, "mixed", PT_USER, PT_PASSWORD);

	rc = pt_phase(pamh, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "auth before user rename");

	rc = pt_phase(pamh, PT_ACCOUNT, 0);
	pt_check(env, rc != PAM_SUCCESS, "account checks support user",
	    "module ignored the support user");

	/* Same transaction, module still loaded: the next call rereads. */
	env->user = "supportx";
	pt_write_config(env, NULL);
	rc = pt_phase(pamh, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "renamed config ignores old user");
	pam_end(pamh, rc);

	rc = pt_run(env, "es", "supportx", PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "auth renamed support user");

	env->user = PT_USER;
	pt_write_config(env, NULL);
}

static void
check_corrupt_record(struct pt_env *env)
{
	key_serial_t keyring;
	key_serial_t key;
	int rc;

	pt_disable(env);
	keyring = keyctl_get_persistent(0, KEY_SPEC_THREAD_KEYRING);
	key = keyring < 0 ? -1 : add_key("user", env->key_name, "junk", 4,
	    keyring);
	if (key < 0) {
		pt_check(env, false, "store corrupt record", "add_key: %s",
		    strerror(errno));
		return;
	}

	rc = pt_run(env, "es", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "auth denied with corrupt record");

	rc = pt_run(env, "es", PT_USER, NULL, PT_ACCOUNT, 0);
	pt_check_rc(env, rc, PAM_PERM_DENIED,
	    "account denied with corrupt record");

	pt_disable(env);
}

static void
check_options(struct pt_env *env)
{
	int rc;

	pt_enable(env, PT_PASSWORD, 300, 0);

	rc = pt_run(env, "options", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "unknown option ignored");

	rc = pt_run(env, "first-pass", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "use_first_pass right password");
	pt_check(env, env->prompts == 1, "use_first_pass asks once",
	    "%d prompts", env->prompts);

	rc = pt_run(env, "first-pass", PT_USER, "wrong-password", PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "use_first_pass wrong password");

	rc = pt_run(env, "try-first-pass", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_SUCCESS, "try_first_pass right password");
	pt_check(env, env->prompts == 1, "try_first_pass asks once",
	    "%d prompts", env->prompts);

	rc = pt_run(env, "lone-first-pass", PT_USER, PT_PASSWORD, PT_AUTH, 0);
	pt_check_rc(env, rc, PAM_AUTH_ERR, "use_first_pass without a first");
	pt_check(env, env->prompts == 0, "use_first_pass never prompts",
	    "%d prompts", env->prompts);

	rc = pt_run(env, "lone-try-first-pass", PT_USER, PT_PASSWORD, PT_AUTH,
	    0);
	pt_check_rc(env, rc, PAM_SUCCESS, "try_first_pass without a first");
	pt_check(env, env->prompts == 1, "try_first_pass prompts itself",
	    "%d prompts", env->prompts);
}

int
main(void)
{
	struct pt_env env;

	pt_init(&env, "config");
	pt_write_service(&env, "mixed", mixed_service_text);
	pt_write_service(&env, "options", options_service_text);
	pt_write_service(&env, "first-pass", first_pass_service_text);
	pt_write_service(&env, "try-first-pass", try_first_pass_service_text);
	pt_write_service(&env, "lone-first-pass",
	    lone_first_pass_service_text);
	pt_write_service(&env, "lone-try-first-pass",
	    lone_try_first_pass_service_text);

	check_config_errors(&env);
	check_config_reread(&env);
	check_corrupt_record(&env);
	check_options(&env);

	return pt_finish(&env);
}
