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
 * Every call checks the config file with one stat() and parses it again
 * when the file changed, so a change of user, lockout settings or key_name
 * takes effect on the next call without restarting sshd. The parsed config
 * is kept in the PAM handle (pam_set_data), never in process-wide state,
 * because the programs that load the module fork (sshd) or run several
 * handles in threads. Counters that change (failures, logins) live in the
 * record itself and are updated under the store's flock, because OpenSSH
 * runs PAM in short-lived child processes and several of them may
 * authenticate at once.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "esconfig.h"
#include "store.h"

#define ES_FAIL_DELAY_USEC	2000000
#define ES_LOG_FIELD_MAX	64	/* rhost and tty are cut to this size */

/* Name of the cached config in the PAM handle (pam_set_data). */
#define ES_CONFIG_DATA		"pam_edgesupport:config"

/*
 * A config file whose st_ctim lies at most this many whole seconds before
 * the clock read that preceded its stat() is parsed again on the next
 * call. On a filesystem with coarse timestamps a change right after the
 * stat() can keep st_ctim, st_size and st_ino. The tick is 1 s on ext4
 * with 128-byte inodes and 2 s on FAT. ext4 with larger inodes, tmpfs and
 * xfs stamp in nanoseconds.
 */
#define ES_CONFIG_SETTLE_SEC	2

/* Kind of user a call concerns, decided from PAM_USER and the config. */
enum es_target {
	ES_TARGET_OTHER,	/* not the support account: PAM_IGNORE */
	ES_TARGET_SUPPORT,	/* the support account, config loaded */
	ES_TARGET_NO_CONFIG,	/* denied: default support name with an
				   unreadable config, or a uid clash */
	ES_TARGET_ERROR,	/* no user name; ctx->pam_err holds the code */
};

/*
 * A parsed config kept in the PAM handle, with the identity of the file as
 * stat() saw it just before the parse. The identity is compared field by
 * field, timestamps to the nanosecond, so that a rewrite in the same
 * second with the same size is seen too.
 */
struct es_config_cache {
	char *path;
	bool trusted;		/* false: parse again on the next call */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim;
	struct timespec ctim;
	struct es_config cfg;
};

struct es_pam {
	pam_handle_t *pamh;
	bool debug;
	bool nodelay;
	bool silent;
	const char *config_path;
	const char *user;
	const char *service;
	bool have_log_items;	/* rhost and tty below are filled */
	char rhost[ES_LOG_FIELD_MAX];
	char tty[ES_LOG_FIELD_MAX];
	const struct es_config *cfg;	/* NULL when no config was loaded */
	struct es_config_cache *own_cache;	/* pam_set_data() failed */
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

static void
es_fill_log_items(struct es_pam *ctx)
{
	if (ctx->have_log_items)
		return;

	es_copy_log_item(ctx->pamh, PAM_RHOST, ctx->rhost, sizeof(ctx->rhost));
	es_copy_log_item(ctx->pamh, PAM_TTY, ctx->tty, sizeof(ctx->tty));
	ctx->have_log_items = true;
}

/*
 * Logs one event with the user, service, rhost and tty appended, so every
 * line can be traced to a connection on its own. The fields join the
 * event's format string at compile time, so that pam_syslog() formats the
 * whole line in one pass. LOG_DEBUG lines need the debug argument.
 */
#define ES_LOG_ITEMS_FORMAT	"; user=%s service=%s rhost=%s tty=%s"
#define es_log(ctx, priority, fmt, ...)					\
	do {								\
		if ((priority) == LOG_DEBUG && !(ctx)->debug)		\
			break;						\
		es_fill_log_items(ctx);					\
		pam_syslog((ctx)->pamh, (priority),			\
		    fmt ES_LOG_ITEMS_FORMAT, ##__VA_ARGS__,		\
		    (ctx)->user, (ctx)->service, (ctx)->rhost,		\
		    (ctx)->tty);					\
	} while (0)

/* Shows msg to the user unless the application asked for PAM_SILENT. */
static void
es_tell_user(struct es_pam *ctx, const char *msg)
{
	if (!ctx->silent)
		pam_error(ctx->pamh, "%s", msg);
}

static void
es_free_cache(struct es_config_cache *cache)
{
	if (cache == NULL)
		return;

	es_config_free(&cache->cfg);
	free(cache->path);
	free(cache);
}

/* Frees the cached config when the handle ends or the cache is replaced. */
static void
es_cleanup_cache(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	es_free_cache(data);
}

static bool
es_same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Tells whether cache contains the config of path as st describes it. */
static bool
es_cache_is_current(const struct es_config_cache *cache, const char *path,
    const struct stat *st)
{
	return cache->trusted && strcmp(cache->path, path) == 0 &&
	    cache->dev == st->st_dev && cache->ino == st->st_ino &&
	    cache->size == st->st_size &&
	    es_same_time(&cache->mtim, &st->st_mtim) &&
	    es_same_time(&cache->ctim, &st->st_ctim);
}

/*
 * Records the identity in st, which stat() returned after the clock read
 * now (CLOCK_REALTIME), before the parse. A file that changed within
 * ES_CONFIG_SETTLE_SEC of now, or whose st_ctim lies ahead of the clock,
 * is not trusted, so the next call parses it again.
 */
static void
es_cache_set_identity(struct es_config_cache *cache, const struct stat *st,
    const struct timespec *now)
{
	long long age = (long long)now->tv_sec - (long long)st->st_ctim.tv_sec;

	cache->dev = st->st_dev;
	cache->ino = st->st_ino;
	cache->size = st->st_size;
	cache->mtim = st->st_mtim;
	cache->ctim = st->st_ctim;
	cache->trusted = age > ES_CONFIG_SETTLE_SEC;
}

/* Removes the cached config from the handle after a failed parse. */
static void
es_drop_cache(struct es_pam *ctx)
{
	const void *data = NULL;

	if (pam_get_data(ctx->pamh, ES_CONFIG_DATA, &data) == PAM_SUCCESS &&
	    data != NULL)
		pam_set_data(ctx->pamh, ES_CONFIG_DATA, NULL, NULL);
}

/*
 * Parses ctx->config_path into a new cache entry and stores it in the PAM
 * handle, replacing the old one. Returns the entry, or NULL with err
 * filled and the old entry dropped.
 */
static struct es_config_cache *
es_parse_config(struct es_pam *ctx, struct es_error *err)
{
	const char *path = ctx->config_path;
	struct es_config_cache *cache;
	struct timespec now;
	struct stat st;
	bool have_identity;

	cache = calloc(1, sizeof(*cache));
	if (cache == NULL) {
		es_error_set(err, "%s: out of memory", path);
		return NULL;
	}

	/* The clock first, so that a change after stat() counts as recent. */
	have_identity = clock_gettime(CLOCK_REALTIME, &now) == 0 &&
	    stat(path, &st) == 0;

	if (es_config_load(path, &cache->cfg, err) < 0) {
		free(cache);
		es_drop_cache(ctx);
		return NULL;
	}

	cache->path = strdup(path);
	if (cache->path == NULL) {
		es_free_cache(cache);
		es_error_set(err, "%s: out of memory", path);
		return NULL;
	}
	if (have_identity)
		es_cache_set_identity(cache, &st, &now);

	/* Without room in the handle the entry serves this call only. */
	if (pam_set_data(ctx->pamh, ES_CONFIG_DATA, cache,
	    es_cleanup_cache) != PAM_SUCCESS)
		ctx->own_cache = cache;

	return cache;
}

/*
 * Points ctx->cfg at the config of ctx->config_path: the one cached in the
 * PAM handle while stat() shows the same file, else a fresh parse. Returns
 * 0, or -1 with err filled and ctx->cfg left NULL.
 *
 * NOTE: a change is seen through st_ctim, st_mtim, st_size, st_ino and
 * st_dev only. A filesystem that leaves st_ctim alone on a write (some
 * FUSE and network filesystems) can hide a rewrite of the same size until
 * the file changes again.
 */
static int
es_load_config(struct es_pam *ctx, struct es_error *err)
{
	const struct es_config_cache *cache;
	const void *data = NULL;
	struct stat st;

	if (stat(ctx->config_path, &st) == 0 &&
	    pam_get_data(ctx->pamh, ES_CONFIG_DATA, &data) == PAM_SUCCESS &&
	    data != NULL && es_cache_is_current(data, ctx->config_path, &st)) {
		cache = data;
	} else {
		cache = es_parse_config(ctx, err);
		if (cache == NULL)
			return -1;
	}

	ctx->cfg = &cache->cfg;
	return 0;
}

/*
 * Checks that the support name resolves to the configured uid. When
 * another source listed before the NSS module (such as /etc/passwd) has the
 * name with another uid, a login would become that account, so the module
 * denies. A name that does not resolve at all is left to the application,
 * which cannot start a session for it.
 */
static bool
es_owns_uid(struct es_pam *ctx)
{
	char buf[4096];
	struct passwd pw, *found = NULL;
	int ret;

	ret = getpwnam_r(ctx->user, &pw, buf, sizeof(buf), &found);
	if (ret != 0) {
		pam_syslog(ctx->pamh, LOG_ERR, "cannot look up %s: %s; denied",
		    ctx->user, strerror(ret));
		return false;
	}
	if (found != NULL && found->pw_uid != ctx->cfg->uid) {
		pam_syslog(ctx->pamh, LOG_ERR, "%s resolves to uid %u, not to "
		    "uid %u from %s; remove the other entry; denied",
		    ctx->user, (unsigned int)found->pw_uid,
		    (unsigned int)ctx->cfg->uid, ctx->config_path);
		return false;
	}

	return true;
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

	ret = es_load_config(ctx, &err);
	if (ret < 0) {
		pam_syslog(pamh, LOG_ERR, "%s", err.msg);
		if (strcmp(ctx->user, ES_DEFAULT_USER) == 0)
			return ES_TARGET_NO_CONFIG;
		return ES_TARGET_OTHER;
	}

	/* Exact, case-sensitive match, as the NSS module serves the name. */
	if (strcmp(ctx->user, ctx->cfg->user) != 0) {
		es_log(ctx, LOG_DEBUG, "not the support account, ignored");
		return ES_TARGET_OTHER;
	}

	if (!es_owns_uid(ctx))
		return ES_TARGET_NO_CONFIG;

	return ES_TARGET_SUPPORT;
}

static void
es_finish(struct es_pam *ctx)
{
	es_free_cache(ctx->own_cache);
	ctx->own_cache = NULL;
	ctx->cfg = NULL;
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
	unsigned int max = ctx->cfg->max_failures;

	if (rec->failures < UINT32_MAX)
		rec->failures++;

	if (max > 0 && rec->failures >= max) {
		rec->locked_until_boot = now + (int64_t)ctx->cfg->lockout_time;
		es_log(ctx, LOG_NOTICE,
		    "authentication failed: wrong password; account locked "
		    "for %llu seconds after %u failures",
		    (unsigned long long)ctx->cfg->lockout_time, rec->failures);
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
	ret = es_store_open(&st, ctx->cfg, 0, &err);
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
	int rc = PAM_AUTH_ERR;	/* if no case below matches */

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
	case ES_TARGET_OTHER:
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

	ret = es_store_open(&st, ctx->cfg, 0, &err);
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
	int rc = PAM_PERM_DENIED;	/* if no case below matches */

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
	case ES_TARGET_OTHER:
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
	int rc = PAM_SESSION_ERR;	/* if no case below matches */

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
	case ES_TARGET_OTHER:
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
	int rc = PAM_CRED_ERR;	/* if no case below matches */

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
	case ES_TARGET_OTHER:
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
	int rc = PAM_PERM_DENIED;	/* if no case below matches */

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
	case ES_TARGET_OTHER:
		rc = PAM_IGNORE;
		break;
	}

	es_finish(&ctx);
	return rc;
}
