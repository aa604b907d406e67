/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_edgesupport: password authentication for the time-limited support
 * account against the record that "edgesupport-ctl enable" stores in the
 * kernel keyring. Every user other than the support account gets
 * PAM_IGNORE in every phase, so the module can sit in front of pam_unix.
 *
 * Arguments: debug, use_first_pass, try_first_pass (read by
 * pam_get_authtok()), config=PATH (default ES_CONFIG_PATH) and nodelay
 * (skip the 2 s delay after a failed authentication; for benchmarks and
 * tests only).
 *
 * The config is read on every call, so a change of user, lockout settings
 * or key_name takes effect without restarting sshd. Counters that change
 * (failures, logins) live in the record itself and are updated under the
 * store's flock, because OpenSSH runs PAM in short-lived child processes
 * and several of them may authenticate at once.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "esconfig.h"
#include "store.h"

#define ES_FAIL_DELAY_USEC	2000000
#define ES_LOG_FIELD_MAX	64	/* rhost and tty are cut to this size */

/* Kind of user a call concerns, decided from PAM_USER and the config. */
enum es_target {
	ES_TARGET_OTHER,	/* not the support account: PAM_IGNORE */
	ES_TARGET_SUPPORT,	/* the support account, config loaded */
	ES_TARGET_NO_CONFIG,	/* default support name, config unreadable */
	ES_TARGET_ERROR,	/* no user name; ctx->pam_err holds the code */
};

struct es_pam {
	pam_handle_t *pamh;
	bool debug;
	bool nodelay;
	bool silent;
	const char *config_path;
	const char *user;
	const char *service;
	char rhost[ES_LOG_FIELD_MAX];
	char tty[ES_LOG_FIELD_MAX];
	struct es_config cfg;
	bool have_config;
	int pam_err;
};

static void
es_parse_args(struct es_pam *ctx, int argc, const char **argv)
{
	int i;

	ctx->config_path = ES_CONFIG_PATH;

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "debug") == 0)
			ctx->debug = true;
		else if (strcmp(arg, "nodelay") == 0)
			ctx->nodelay = true;
		else if (strcmp(arg, "use_first_pass") == 0 ||
		    strcmp(arg, "try_first_pass") == 0)
			continue;	/* pam_get_authtok() reads these */
		else if (strncmp(arg, "config=", 7) == 0 && arg[7] != '\0')
			ctx->config_path = arg + 7;
		else
			pam_syslog(ctx->pamh, LOG_ERR, "unknown option: %s",
			    arg);
	}
}

/*
 * Copies a PAM item that a remote party may influence (rhost, tty) into
 * out for logging: cut to the buffer, control characters and spaces
 * replaced by '?', so that one event stays one log line.
 */
static void
es_copy_log_item(pam_handle_t *pamh, int item, char *out, size_t size)
{
	const void *value = NULL;
	const char *text;
	size_t i;

	if (pam_get_item(pamh, item, &value) != PAM_SUCCESS || value == NULL ||
	    *(const char *)value == '\0') {
		snprintf(out, size, "-");
		return;
	}

	text = value;
	for (i = 0; i + 1 < size && text[i] != '\0'; i++) {
		unsigned char c = (unsigned char)text[i];

		out[i] = (c <= ' ' || c == 0x7f) ? '?' : (char)c;
	}
	out[i] = '\0';
}

/*
 * Logs one event with the user, service, rhost and tty appended, so every
 * line can be traced to a connection on its own.
 */
__attribute__((format(printf, 3, 4)))
static void
es_log(struct es_pam *ctx, int priority, const char *fmt, ...)
{
	char what[384];
	va_list ap;

	if (priority == LOG_DEBUG && !ctx->debug)
		return;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);

	pam_syslog(ctx->pamh, priority,
	    "%s; user=%s service=%s rhost=%s tty=%s", what, ctx->user,
	    ctx->service, ctx->rhost, ctx->tty);
}

/* Shows msg to the user unless the application asked for PAM_SILENT. */
static void
es_tell_user(struct es_pam *ctx, const char *msg)
{
	if (!ctx->silent)
		pam_error(ctx->pamh, "%s", msg);
}

/*
 * Parses the arguments, gets the user name and loads the config. Returns
 * which kind of user the call concerns.
 *
 * When the config cannot be loaded the module cannot know which name the
 * support account has. Denying everyone would lock out the admins who
 * must fix the file, so the module denies only the default support name
 * ES_DEFAULT_USER and returns PAM_IGNORE for the rest. The config error
 * is logged on every call, so it cannot go unnoticed.
 */
static enum es_target
es_start(struct es_pam *ctx, pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	const void *service = NULL;
	struct es_error err = { "" };
	int ret;

	memset(ctx, 0, sizeof(*ctx));
	ctx->pamh = pamh;
	ctx->silent = (flags & PAM_SILENT) != 0;
	es_parse_args(ctx, argc, argv);

	ret = pam_get_user(pamh, &ctx->user, NULL);
	if (ret == PAM_CONV_AGAIN) {
		ctx->pam_err = PAM_INCOMPLETE;
		return ES_TARGET_ERROR;
	}
	if (ret != PAM_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "cannot get the user name: %s",
		    pam_strerror(pamh, ret));
		ctx->pam_err = ret;
		return ES_TARGET_ERROR;
	}
	if (ctx->user == NULL || ctx->user[0] == '\0') {
		pam_syslog(pamh, LOG_ERR, "empty user name");
		ctx->pam_err = PAM_USER_UNKNOWN;
		return ES_TARGET_ERROR;
	}

	if (pam_get_item(pamh, PAM_SERVICE, &service) != PAM_SUCCESS ||
	    service == NULL)
		service = "-";
	ctx->service = service;
	es_copy_log_item(pamh, PAM_RHOST, ctx->rhost, sizeof(ctx->rhost));
	es_copy_log_item(pamh, PAM_TTY, ctx->tty, sizeof(ctx->tty));

	ret = es_config_load(ctx->config_path, &ctx->cfg, &err);
	if (ret < 0) {
		pam_syslog(pamh, LOG_ERR, "%s", err.msg);
		if (strcmp(ctx->user, ES_DEFAULT_USER) == 0)
			return ES_TARGET_NO_CONFIG;
		return ES_TARGET_OTHER;
	}
	ctx->have_config = true;

	/* Exact, case-sensitive match, as the NSS module serves the name. */
	if (strcmp(ctx->user, ctx->cfg.user) != 0) {
		es_log(ctx, LOG_DEBUG, "not the support account, ignored");
		return ES_TARGET_OTHER;
	}

	return ES_TARGET_SUPPORT;
}

static void
es_finish(struct es_pam *ctx)
{
	if (ctx->have_config)
		es_config_free(&ctx->cfg);
	ctx->have_config = false;
}

/* Names the kernel's reason for a missing key in log lines. */
static const char *
es_missing_reason(int why)
{
	if (why == EKEYEXPIRED)
		return "support access expired";

	return "support access disabled";
}

/*
 * Applies one failed attempt to rec: counts it and starts the lockout when
 * max_failures consecutive failures are reached.
 */
static void
es_count_failure(struct es_pam *ctx, struct es_record *rec, int64_t now)
{
	unsigned int max = ctx->cfg.max_failures;

	if (rec->failures < UINT32_MAX)
		rec->failures++;

	if (max > 0 && rec->failures >= max) {
		rec->locked_until_boot = now + (int64_t)ctx->cfg.lockout_time;
		es_log(ctx, LOG_NOTICE,
		    "authentication failed: wrong password; account locked "
		    "for %llu seconds after %u failures",
		    (unsigned long long)ctx->cfg.lockout_time, rec->failures);
		return;
	}

	if (max > 0)
		es_log(ctx, LOG_NOTICE, "authentication failed: wrong password "
		    "(failure %u of %u)", rec->failures, max);
	else
		es_log(ctx, LOG_NOTICE, "authentication failed: wrong password "
		    "(failure %u, lockout off)", rec->failures);
}

/*
 * Applies one right password to rec. Returns true when the login may
 * proceed, false when max_logins is used up; then rec is left unchanged
 * so the limit is never counted past.
 */
static bool
es_count_login(struct es_pam *ctx, struct es_record *rec)
{
	if (rec->max_logins > 0 && rec->logins >= rec->max_logins) {
		es_log(ctx, LOG_NOTICE, "authentication failed: login limit "
		    "reached (%u of %u)", rec->logins, rec->max_logins);
		return false;
	}

	rec->failures = 0;
	rec->locked_until_boot = 0;
	if (rec->logins < UINT32_MAX)
		rec->logins++;

	return true;
}

/*
 * Checks password against the record and updates the counters, with the
 * store lock held by the caller. Returns PAM_SUCCESS only when the
 * password is right, the record is valid and the new counters were
 * written; every other outcome is PAM_AUTH_ERR.
 */
static int
es_check_record(struct es_pam *ctx, struct es_store *st, const char *password,
    size_t len)
{
	struct es_error err = { "" };
	struct es_record rec;
	bool verified;
	int64_t now;
	int why = 0;
	int ret;
	int rc = PAM_AUTH_ERR;

	ret = es_store_get(st, &rec, &why, &err);
	if (ret == -ENOKEY) {
		es_log(ctx, LOG_NOTICE, "authentication failed: %s",
		    es_missing_reason(why));
		goto out;
	}
	if (ret < 0) {
		es_log(ctx, LOG_ERR, "authentication failed: cannot read the "
		    "support access record: %s", err.msg);
		goto out;
	}

	now = es_now_boot();
	if (rec.expires_boot <= now) {
		es_log(ctx, LOG_NOTICE,
		    "authentication failed: support access expired");
		goto out;
	}

	if (rec.locked_until_boot > now) {
		es_log(ctx, LOG_NOTICE, "authentication failed: account locked "
		    "for another %lld seconds",
		    (long long)(rec.locked_until_boot - now));
		goto out;
	}

	/* A lockout that has run out starts a fresh count. */
	if (rec.locked_until_boot != 0) {
		rec.locked_until_boot = 0;
		rec.failures = 0;
	}

	verified = es_record_verify(&rec, password, len);
	if (verified && !es_count_login(ctx, &rec))
		goto out;	/* login limit: the record is unchanged */
	if (!verified)
		es_count_failure(ctx, &rec, now);

	ret = es_store_update(st, &rec, &err);
	if (ret < 0) {
		es_log(ctx, LOG_ERR, "authentication failed: cannot update the "
		    "support access record: %s", err.msg);
		goto out;
	}

	if (!verified)
		goto out;

	if (rec.max_logins > 0)
		es_log(ctx, LOG_INFO, "authentication accepted (login %u of %u)",
		    rec.logins, rec.max_logins);
	else
		es_log(ctx, LOG_INFO, "authentication accepted (login %u)",
		    rec.logins);
	rc = PAM_SUCCESS;

out:
	explicit_bzero(&rec, sizeof(rec));
	return rc;
}

/*
 * Gets the password through the conversation (or from PAM_AUTHTOK with
 * use_first_pass/try_first_pass) and checks its length. The token stays
 * owned by libpam, which wipes it in pam_end(); no copy is made.
 */
static int
es_get_password(struct es_pam *ctx, const char **password, size_t *len)
{
	int ret;

	ret = pam_get_authtok(ctx->pamh, PAM_AUTHTOK, password, NULL);
	if (ret == PAM_CONV_AGAIN)
		return PAM_INCOMPLETE;
	if (ret != PAM_SUCCESS || *password == NULL) {
		es_log(ctx, LOG_NOTICE, "authentication failed: no password "
		    "(%s)", pam_strerror(ctx->pamh, ret));
		return PAM_AUTH_ERR;
	}

	*len = strnlen(*password, ES_MAX_PASSWORD_INPUT + 1);
	if (*len == 0) {
		es_log(ctx, LOG_NOTICE, "authentication failed: empty password");
		return PAM_AUTH_ERR;
	}
	if (*len > ES_MAX_PASSWORD_INPUT) {
		es_log(ctx, LOG_NOTICE, "authentication failed: password "
		    "longer than %d bytes", ES_MAX_PASSWORD_INPUT);
		return PAM_AUTH_ERR;
	}

	return PAM_SUCCESS;
}

static int
es_authenticate(struct es_pam *ctx)
{
	struct es_error err = { "" };
	struct es_store st;
	const char *password = NULL;
	bool locked = false;
	size_t len = 0;
	int ret;
	int rc;

	if (!ctx->nodelay)
		pam_fail_delay(ctx->pamh, ES_FAIL_DELAY_USEC);

	rc = es_get_password(ctx, &password, &len);
	if (rc != PAM_SUCCESS)
		return rc;

	rc = PAM_AUTH_ERR;
	ret = es_store_open(&st, &ctx->cfg, 0, &err);
	if (ret < 0) {
		es_log(ctx, LOG_ERR, "authentication failed: cannot open the "
		    "keyring: %s", err.msg);
		goto out;
	}

	ret = es_store_lock(&st, &err);
	if (ret < 0) {
		es_log(ctx, LOG_ERR, "authentication failed: cannot lock the "
		    "store: %s", err.msg);
		goto out;
	}
	locked = true;

	rc = es_check_record(ctx, &st, password, len);

out:
	if (locked)
		es_store_unlock(&st);
	return rc;
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct es_pam ctx;
	int rc;

	switch (es_start(&ctx, pamh, flags, argc, argv)) {
	case ES_TARGET_SUPPORT:
		rc = es_authenticate(&ctx);
		break;
	case ES_TARGET_NO_CONFIG:
		if (!ctx.nodelay)
			pam_fail_delay(pamh, ES_FAIL_DELAY_USEC);
		es_log(&ctx, LOG_ERR,
		    "authentication failed: no valid config in %s",
		    ctx.config_path);
		rc = PAM_AUTH_ERR;
		break;
	case ES_TARGET_ERROR:
		rc = ctx.pam_err;
		break;
	default:
		rc = PAM_IGNORE;
		break;
	}

	es_finish(&ctx);
	return rc;
}

/*
 * Denies the support account unless a record exists and has not expired.
 * The lockout does not count here: it guards the password, and the
 * account phase also runs for public-key logins, cron and sudo. Read only,
 * so no lock is taken.
 */
static int
es_check_account(struct es_pam *ctx)
{
	struct es_error err = { "" };
	struct es_record rec;
	struct es_store st;
	int why = 0;
	int ret;
	int rc = PAM_PERM_DENIED;

	memset(&rec, 0, sizeof(rec));

	ret = es_store_open(&st, &ctx->cfg, 0, &err);
	if (ret < 0) {
		es_log(ctx, LOG_ERR, "account denied: cannot open the keyring: "
		    "%s", err.msg);
		es_tell_user(ctx, "Support access cannot be checked.");
		goto out;
	}

	ret = es_store_get(&st, &rec, &why, &err);
	if (ret == -ENOKEY) {
		es_log(ctx, LOG_NOTICE, "account denied: %s",
		    es_missing_reason(why));
		es_tell_user(ctx, why == EKEYEXPIRED ?
		    "Support access has expired." :
		    "Support access is not enabled on this device.");
		goto out;
	}
	if (ret < 0) {
		es_log(ctx, LOG_ERR, "account denied: cannot read the support "
		    "access record: %s", err.msg);
		es_tell_user(ctx, "Support access cannot be checked.");
		goto out;
	}

	if (rec.expires_boot <= es_now_boot()) {
		es_log(ctx, LOG_NOTICE,
		    "account denied: support access expired");
		es_tell_user(ctx, "Support access has expired.");
		goto out;
	}

	es_log(ctx, LOG_DEBUG, "account allowed: %lld seconds left",
	    (long long)(rec.expires_boot - es_now_boot()));
	rc = PAM_SUCCESS;

out:
	explicit_bzero(&rec, sizeof(rec));
	return rc;
}

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct es_pam ctx;
	int rc;

	switch (es_start(&ctx, pamh, flags, argc, argv)) {
	case ES_TARGET_SUPPORT:
		rc = es_check_account(&ctx);
		break;
	case ES_TARGET_NO_CONFIG:
		es_log(&ctx, LOG_ERR, "account denied: no valid config in %s",
		    ctx.config_path);
		es_tell_user(&ctx, "Support access cannot be checked.");
		rc = PAM_PERM_DENIED;
		break;
	case ES_TARGET_ERROR:
		rc = ctx.pam_err;
		break;
	default:
		rc = PAM_IGNORE;
		break;
	}

	es_finish(&ctx);
	return rc;
}

/*
 * Logs a session event for the support account. Opening a session with
 * an unreadable config fails closed, but closing one succeeds, so that the
 * application can finish its cleanup.
 */
static int
es_session(pam_handle_t *pamh, int flags, int argc, const char **argv,
    bool open)
{
	const char *event = open ? "session opened" : "session closed";
	struct es_pam ctx;
	int rc;

	switch (es_start(&ctx, pamh, flags, argc, argv)) {
	case ES_TARGET_SUPPORT:
		es_log(&ctx, LOG_INFO, "%s, pid=%ld", event, (long)getpid());
		rc = PAM_SUCCESS;
		break;
	case ES_TARGET_NO_CONFIG:
		es_log(&ctx, LOG_ERR, "%s, pid=%ld, with no valid config in %s",
		    event, (long)getpid(), ctx.config_path);
		rc = open ? PAM_SESSION_ERR : PAM_SUCCESS;
		break;
	case ES_TARGET_ERROR:
		rc = ctx.pam_err;
		break;
	default:
		rc = PAM_IGNORE;
		break;
	}

	es_finish(&ctx);
	return rc;
}

PAM_EXTERN int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	return es_session(pamh, flags, argc, argv, true);
}

PAM_EXTERN int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	return es_session(pamh, flags, argc, argv, false);
}

/*
 * The module sets no credentials. With an unreadable config, establishing
 * credentials for the default support name fails closed; deleting them
 * succeeds.
 */
PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct es_pam ctx;
	int rc;

	switch (es_start(&ctx, pamh, flags, argc, argv)) {
	case ES_TARGET_SUPPORT:
		rc = PAM_SUCCESS;
		break;
	case ES_TARGET_NO_CONFIG:
		rc = (flags & PAM_DELETE_CRED) ? PAM_SUCCESS : PAM_CRED_ERR;
		break;
	case ES_TARGET_ERROR:
		rc = ctx.pam_err;
		break;
	default:
		rc = PAM_IGNORE;
		break;
	}

	es_finish(&ctx);
	return rc;
}

/*
 * The support password is generated by "edgesupport-ctl enable" and
 * cannot be changed, in the preliminary check as well as the update.
 */
PAM_EXTERN int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct es_pam ctx;
	int rc;

	switch (es_start(&ctx, pamh, flags, argc, argv)) {
	case ES_TARGET_SUPPORT:
	case ES_TARGET_NO_CONFIG:
		es_log(&ctx, LOG_NOTICE, "password change denied: the support "
		    "password cannot be changed");
		es_tell_user(&ctx, "The support password cannot be changed.");
		rc = PAM_PERM_DENIED;
		break;
	case ES_TARGET_ERROR:
		rc = ctx.pam_err;
		break;
	default:
		rc = PAM_IGNORE;
		break;
	}

	es_finish(&ctx);
	return rc;
}
