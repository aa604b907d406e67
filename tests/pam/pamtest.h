/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ES_PAMTEST_H
#define ES_PAMTEST_H

/*
 * Helpers for the C tests of pam_edgesupport. Each test runs the built
 * module through libpam with pam_start_confdir() on service files in a
 * private directory of the build tree, against the real kernel keyring
 * with a key name unique to the run. Checks print "ok: NAME" or
 * "FAIL: NAME: details" and count failures; pt_finish() returns the exit
 * status for the automake test driver.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>

#include <security/pam_appl.h>

#include "esconfig.h"
#include "store.h"

#define PT_USER		"edgesupport"
#define PT_PASSWORD	"Rk7fQ2mXw9LpZ3a"	/* 15 chars like a real one */
#define PT_EXIT_SKIP	77
#define PT_EXIT_ERROR	99

enum pt_phase {
	PT_AUTH,
	PT_ACCOUNT,
	PT_OPEN_SESSION,
	PT_CLOSE_SESSION,
	PT_SETCRED,
	PT_CHAUTHTOK,
};

struct pt_env {
	char dir[1024];			/* private directory, removed at the end */
	char config[PATH_MAX];		/* dir/edgesupport.conf */
	char module[PATH_MAX];		/* built .libs/pam_edgesupport.so */
	char key_name[96];
	char lock_file[PATH_MAX];
	const char *user;		/* config's user, PT_USER unless changed */
	int failures;			/* failed checks so far */
	const char *password;		/* the conversation's answer */
	struct pam_conv conv;
	int prompts;			/* prompts answered since pt_start() */
	char messages[1024];		/* PAM_ERROR_MSG and PAM_TEXT_INFO text */
};

/*
 * Skips the test (exit 77) unless run as root, creates the private
 * directory for the test called name and writes a config with max_failures
 * 10 and lockout_time 15m. Exits 99 on a setup error.
 */
void pt_init(struct pt_env *env, const char *name);

/*
 * Writes the config again, with user = env->user and extra appended (key = value lines, may be
 * NULL). Written to a temp file and renamed, as the module reads it on
 * every call.
 */
void pt_write_config(struct pt_env *env, const char *extra);

/*
 * Writes service file dir/service from text, where each "@MODULE@" is
 * replaced by the module's absolute path and its config= argument.
 */
void pt_write_service(struct pt_env *env, const char *service,
    const char *text);

/*
 * Stores a record for password with lifetime seconds and max_logins, as
 * "edgesupport-ctl enable" does. Exits 99 on error.
 */
void pt_enable(struct pt_env *env, const char *password, uint64_t lifetime,
    uint32_t max_logins);

/* Removes the record; returns es_store_remove()'s result. */
int pt_disable(struct pt_env *env);

/* Reads the record; returns es_store_get()'s result. */
int pt_get_record(struct pt_env *env, struct es_record *rec);

/*
 * Starts a PAM transaction for user on service whose conversation answers
 * every prompt with password (NULL answers nothing, so the conversation
 * fails) and collects messages in env->messages. Exits 99 on error.
 */
pam_handle_t *pt_start(struct pt_env *env, const char *service,
    const char *user, const char *password);

/* Runs one phase on pamh and returns the libpam result. */
int pt_phase(pam_handle_t *pamh, enum pt_phase phase, int flags);

/* Runs one phase in a transaction of its own, as pt_start() sets up. */
int pt_run(struct pt_env *env, const char *service, const char *user,
    const char *password, enum pt_phase phase, int flags);

/*
 * Forks n processes that each authenticate once at the same moment and
 * returns how many got PAM_SUCCESS, or -1 on a setup error.
 */
int pt_run_parallel(struct pt_env *env, const char *service,
    const char *user, const char *password, int n);

/* Records a check: ok when cond is true, else FAIL with the details. */
__attribute__((format(printf, 4, 5)))
void pt_check(struct pt_env *env, bool cond, const char *name,
    const char *fmt, ...);

/* Checks that a PAM result got equals want, naming both on failure. */
void pt_check_rc(struct pt_env *env, int got, int want, const char *name);

/* Seconds on CLOCK_MONOTONIC, for timing a call. */
double pt_now(void);

/* Removes the record and the directory; returns the exit status. */
int pt_finish(struct pt_env *env);

#endif
