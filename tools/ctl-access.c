/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * edgesupport-ctl enable, disable, expire and status: the commands that
 * change or show the record in the kernel keyring.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "blob.h"
#include "cert.h"
#include "ctl.h"
#include "password.h"
#include "revoke.h"
#include "store.h"

struct enable_args {
	uint64_t lifetime;	/* 0: the config's lifetime */
	uint32_t max_logins;	/* 0: no limit */
};

static int
parse_lifetime(const char *text, uint64_t *lifetime)
{
	if (es_parse_duration(text, lifetime) != 0)
		return ctl_usage_error("invalid --lifetime '%s': use a number "
		    "and a unit s, m, h or d without a space, such as 90s, "
		    "30m or 5h", text);

	if (*lifetime > ES_MAX_LIFETIME)
		return ctl_usage_error("invalid --lifetime '%s': the maximum "
		    "is 24h", text);

	return 0;
}

static int
parse_max_logins(const char *text, uint32_t *max_logins)
{
	unsigned long value;
	char *end;

	errno = 0;
	value = strtoul(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 ||
	    value < 1 || value > CTL_MAX_LOGINS)
		return ctl_usage_error("invalid --max-logins '%s': use a whole "
		    "number from 1 to %d", text, CTL_MAX_LOGINS);

	*max_logins = (uint32_t)value;
	return 0;
}

static int
option_error(char **argv, const char *command, int opt)
{
	if (opt == ':')
		return ctl_usage_error("%s: option '%s' needs a value",
		    command, argv[optind - 1]);

	return ctl_usage_error("%s: invalid option '%s'", command,
	    argv[optind - 1]);
}

static int
parse_enable_args(int argc, char **argv, struct enable_args *args)
{
	static const struct option options[] = {
		{ "lifetime", required_argument, NULL, 'l' },
		{ "max-logins", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	memset(args, 0, sizeof(*args));
	optind = 0;
	while ((opt = getopt_long(argc, argv, "+:l:n:", options, NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (parse_lifetime(optarg, &args->lifetime) != 0)
				return EXIT_USAGE;
			break;
		case 'n':
			if (parse_max_logins(optarg, &args->max_logins) != 0)
				return EXIT_USAGE;
			break;
		default:
			return option_error(argv, "enable", opt);
		}
	}

	if (optind < argc)
		return ctl_usage_error("enable: unexpected argument '%s'",
		    argv[optind]);

	return 0;
}

/* Checks that a command got no arguments. */
static int
no_arguments(int argc, char **argv)
{
	if (argc > 1)
		return ctl_usage_error("%s: unexpected argument '%s'", argv[0],
		    argv[1]);
	return 0;
}

/* Loads and checks the installed certificate and its thumbprint. */
static int
load_support_cert(const struct es_config *cfg, X509 **cert,
    char thumbprint[ES_THUMBPRINT_LEN + 1])
{
	struct es_error err = { "" };
	struct stat st;
	int ret;

	ret = es_cert_load(cfg->certificate, cert, &err);
	if (ret == -ENOENT) {
		ctl_error("no support certificate is installed at %s; install "
		    "the one from the support organisation with: %s cert "
		    "install FILE", cfg->certificate, CTL_NAME);
		return -1;
	}
	if (ret != 0) {
		ctl_error("%s", err.msg);
		return -1;
	}

	/* Anyone who can replace the certificate gets the next password. */
	if (stat(cfg->certificate, &st) != 0) {
		ctl_error("cannot stat %s: %s", cfg->certificate,
		    strerror(errno));
		goto fail;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		ctl_error("%s can be changed by users other than root (owner "
		    "uid %u, mode %04o); run chown root: and chmod 644 on it",
		    cfg->certificate, (unsigned int)st.st_uid,
		    (unsigned int)(st.st_mode & 07777));
		goto fail;
	}

	if (es_cert_check(*cert, time(NULL), &err) != 0) {
		ctl_error("%s: %s; install a valid one with: %s cert install "
		    "FILE", cfg->certificate, err.msg, CTL_NAME);
		goto fail;
	}

	if (es_cert_thumbprint(*cert, thumbprint) != 0) {
		ctl_error("cannot compute the thumbprint of %s",
		    cfg->certificate);
		goto fail;
	}

	return 0;

fail:
	X509_free(*cert);
	*cert = NULL;
	return -1;
}

static int
open_store(struct ctl *ctx, struct es_store *st)
{
	struct es_error err = { "" };

	if (es_store_open(st, &ctx->cfg, 0, &err) != 0) {
		ctl_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/*
 * Stores rec under the store lock, replacing an earlier record. Returns 0
 * or -1 after printing the error.
 */
static int
store_record(struct es_store *st, const struct es_record *rec)
{
	struct es_error err = { "" };
	int ret;

	if (es_store_lock(st, &err) != 0) {
		ctl_error("%s", err.msg);
		return -1;
	}

	ret = es_store_put(st, rec, &err);
	es_store_unlock(st);
	if (ret != 0) {
		ctl_error("cannot store the password verifier: %s", err.msg);
		return -1;
	}
	return 0;
}

/*
 * Takes the store lock for a command that revokes access. Revoking must
 * not wait on a lock holder that never lets go. Revoking the key is atomic
 * without the lock, because a holder's later update of a revoked key
 * fails. So a lock error is reported and the caller goes on.
 */
static void
lock_for_revoke(struct es_store *st)
{
	struct es_error err = { "" };

	if (es_store_lock(st, &err) == 0)
		return;

	ctl_error("warning: %s; revoking without the lock", err.msg);
	syslog(LOG_WARNING, "revoking without the store lock: %s", err.msg);
}

/*
 * Removes the record, under the store lock when it can be had: 1, 0
 * (none) or -1 (error).
 */
static int
remove_record(struct es_store *st)
{
	struct es_error err = { "" };
	int ret;

	lock_for_revoke(st);
	ret = es_store_remove(st, &err);
	es_store_unlock(st);
	if (ret < 0) {
		ctl_error("cannot remove the record: %s", err.msg);
		return -1;
	}
	return ret;
}

/*
 * Makes the password, its record and its blob. The blob comes first and
 * the password is wiped before anything is stored, so a failure leaves the
 * keyring as it was.
 */
static int
make_enablement(X509 *cert, const char *thumbprint, uint64_t lifetime,
    uint32_t max_logins, struct es_record *rec, char **blob)
{
	char password[ES_PASSWORD_LEN + 1];
	struct es_error err = { "" };
	int ret = -1;

	if (es_password_generate(password) != 0) {
		ctl_error("cannot generate a password: the random number "
		    "generator failed");
		return -1;
	}

	if (es_blob_encode(X509_get0_pubkey(cert), thumbprint,
	    (const unsigned char *)password, ES_PASSWORD_LEN, blob,
	    &err) != 0) {
		ctl_error("cannot encrypt the password: %s", err.msg);
		goto out;
	}

	if (es_record_init(rec, password, lifetime, thumbprint,
	    max_logins) != 0) {
		ctl_error("cannot build the password record");
		free(*blob);
		*blob = NULL;
		goto out;
	}
	ret = 0;

out:
	OPENSSL_cleanse(password, sizeof(password));
	return ret;
}

/*
 * Checks that the configured uid and name belong to the support account
 * alone. A uid that another account owns would let disable and expire end
 * that account's processes, and a login would become that account. Names
 * and ids that do not resolve at all are fine: NSS may not be set up yet.
 * Returns 0, or -1 after printing the error.
 */
static int
check_account_owner(const struct ctl *ctx)
{
	const struct es_config *cfg = &ctx->cfg;
	struct passwd *pw;

	pw = getpwuid(cfg->uid);
	if (pw != NULL && strcmp(pw->pw_name, cfg->user) != 0) {
		ctl_error("%s: uid %u belongs to the account '%s', not to %s; "
		    "set uid to a number no other account uses",
		    ctx->config_path, (unsigned int)cfg->uid, pw->pw_name,
		    cfg->user);
		return -1;
	}

	pw = getpwnam(cfg->user);
	if (pw != NULL && pw->pw_uid != cfg->uid) {
		ctl_error("%s: the account %s resolves to uid %u, not to uid %u "
		    "from the config; remove its other entry (for example in "
		    "/etc/passwd) or change user", ctx->config_path, cfg->user,
		    (unsigned int)pw->pw_uid, (unsigned int)cfg->uid);
		return -1;
	}

	return 0;
}

int
ctl_enable(struct ctl *ctx, int argc, char **argv)
{
	char thumbprint[ES_THUMBPRINT_LEN + 1], expires[32];
	struct enable_args args;
	struct es_record rec;
	struct es_store st;
	X509 *cert = NULL;
	char *blob = NULL;
	int status = EXIT_FAIL;

	if (parse_enable_args(argc, argv, &args) != 0)
		return EXIT_USAGE;

	if (ctl_load_config(ctx) != 0 || check_account_owner(ctx) != 0)
		return EXIT_FAIL;

	if (args.lifetime == 0)
		args.lifetime = ctx->cfg.lifetime;

	if (load_support_cert(&ctx->cfg, &cert, thumbprint) != 0)
		return EXIT_FAIL;

	if (open_store(ctx, &st) != 0)
		goto out;

	if (make_enablement(cert, thumbprint, args.lifetime, args.max_logins,
	    &rec, &blob) != 0)
		goto out;

	if (store_record(&st, &rec) != 0)
		goto out;

	/* A blob that never reaches the admin must not leave access on. */
	if (printf("%s\n", blob) < 0 || fflush(stdout) != 0) {
		ctl_error("cannot write the blob to stdout: %s; access stays "
		    "off", strerror(errno));
		remove_record(&st);
		goto out;
	}

	ctl_format_time(rec.expires_wall, expires);
	fprintf(stderr, "%s: support access for %s enabled until %s; send "
	    "the blob above to support (certificate thumbprint %s)\n",
	    CTL_NAME, ctx->cfg.user, expires, thumbprint);
	syslog(LOG_NOTICE, "support access for %s enabled until %s, "
	    "certificate thumbprint %s, max logins %u", ctx->cfg.user,
	    expires, thumbprint, (unsigned int)rec.max_logins);
	status = EXIT_OK;

out:
	OPENSSL_cleanse(&rec, sizeof(rec));
	free(blob);
	X509_free(cert);
	return status;
}

/*
 * Ends the processes of the support account. Returns 0 with the count in
 * *ended, or -1 after printing the error.
 */
static int
end_processes(const struct ctl *ctx, unsigned int *ended)
{
	const struct es_config *cfg = &ctx->cfg;
	struct es_error err = { "" };

	if (check_account_owner(ctx) != 0)
		return -1;

	if (es_end_user_processes(cfg->uid, cfg->gid, CTL_GRACE_MS, ended,
	    &err) != 0) {
		ctl_error("%s", err.msg);
		syslog(LOG_ERR, "cannot end the processes of %s: %s",
		    cfg->user, err.msg);
		return -1;
	}
	return 0;
}

int
ctl_disable(struct ctl *ctx, int argc, char **argv)
{
	unsigned int ended = 0;
	struct es_store st;
	int removed;

	if (no_arguments(argc, argv) != 0)
		return EXIT_USAGE;

	if (ctl_load_config(ctx) != 0 || open_store(ctx, &st) != 0)
		return EXIT_FAIL;

	removed = remove_record(&st);
	if (removed < 0)
		return EXIT_FAIL;

	if (removed)
		printf("support access for %s was enabled and is now "
		    "disabled\n", ctx->cfg.user);
	else
		printf("support access for %s was not enabled\n",
		    ctx->cfg.user);

	if (end_processes(ctx, &ended) != 0)
		return EXIT_FAIL;

	printf("ended %u process(es) of %s\n", ended, ctx->cfg.user);
	if (removed)
		printf("rotate the device credentials that %s could read "
		    "(passwords, keys, tokens)\n", ctx->cfg.user);

	syslog(LOG_NOTICE, "support access for %s disabled (%s); ended %u "
	    "process(es)", ctx->cfg.user,
	    removed ? "was enabled" : "was not enabled", ended);
	return EXIT_OK;
}

/*
 * Removes the record if its lifetime has passed on CLOCK_BOOTTIME or it is
 * corrupt. Returns 1 if a valid record remains, 0 if none, -1 on error.
 */
static int
expire_record(struct ctl *ctx, struct es_store *st)
{
	struct es_error err = { "" };
	struct es_record rec;
	int ret, corrupt, valid = -1;

	lock_for_revoke(st);
	ret = es_store_get(st, &rec, NULL, &err);
	if (ret == 0 && rec.expires_boot > es_now_boot()) {
		valid = 1;
		goto out;
	}

	if (ret != 0 && ret != -ENOKEY && ret != -EBADMSG) {
		ctl_error("%s", err.msg);
		goto out;
	}

	valid = 0;
	if (ret == -ENOKEY)
		goto out;

	corrupt = ret == -EBADMSG;
	if (corrupt)
		syslog(LOG_ERR, "%s", err.msg);

	ret = es_store_remove(st, &err);
	if (ret < 0) {
		ctl_error("cannot remove the record: %s", err.msg);
		valid = -1;
		goto out;
	}

	if (ret > 0)
		syslog(LOG_NOTICE, "support access for %s %s; record removed",
		    ctx->cfg.user, corrupt ? "had a corrupt record" :
		    "expired");

out:
	es_store_unlock(st);
	OPENSSL_cleanse(&rec, sizeof(rec));
	return valid;
}

int
ctl_expire(struct ctl *ctx, int argc, char **argv)
{
	unsigned int ended = 0;
	struct es_store st;
	int valid;

	if (no_arguments(argc, argv) != 0)
		return EXIT_USAGE;

	if (ctl_load_config(ctx) != 0 || open_store(ctx, &st) != 0)
		return EXIT_FAIL;

	valid = expire_record(ctx, &st);
	if (valid < 0)
		return EXIT_FAIL;
	if (valid > 0)
		return EXIT_OK;

	if (end_processes(ctx, &ended) != 0)
		return EXIT_FAIL;

	if (ended > 0) {
		printf("support access for %s is off; ended %u process(es)\n",
		    ctx->cfg.user, ended);
		syslog(LOG_NOTICE, "support access for %s is off; ended %u "
		    "leftover process(es)", ctx->cfg.user, ended);
	}
	return EXIT_OK;
}

/* Formats seconds as "4h 59m 30s". */
static void
format_duration(int64_t seconds, char buf[32])
{
	snprintf(buf, 32, "%lldh %02lldm %02llds",
	    (long long)(seconds / 3600), (long long)(seconds / 60 % 60),
	    (long long)(seconds % 60));
}

static void
print_status_json(const struct es_record *rec, int enabled, int64_t now)
{
	char enabled_at[32], expires_at[32];

	if (!enabled) {
		printf("{\"enabled\":false,\"enabled_at\":null,"
		    "\"expires_at\":null,\"remaining_seconds\":null,"
		    "\"thumbprint\":null,\"max_logins\":null,\"logins\":null,"
		    "\"failures\":null,\"locked\":false}\n");
		return;
	}

	ctl_format_time(rec->enabled_wall, enabled_at);
	ctl_format_time(rec->expires_wall, expires_at);
	printf("{\"enabled\":true,\"enabled_at\":\"%s\",\"expires_at\":\"%s\","
	    "\"remaining_seconds\":%lld,\"thumbprint\":\"%s\","
	    "\"max_logins\":%u,\"logins\":%u,\"failures\":%u,"
	    "\"locked\":%s}\n", enabled_at, expires_at,
	    (long long)(rec->expires_boot - now), rec->thumbprint,
	    (unsigned int)rec->max_logins, (unsigned int)rec->logins,
	    (unsigned int)rec->failures,
	    rec->locked_until_boot > now ? "true" : "false");
}

static void
print_status_text(const struct ctl *ctx, const struct es_record *rec,
    int enabled, int64_t now)
{
	char when[32], left[32];

	if (!enabled) {
		printf("support access for %s: not enabled\n", ctx->cfg.user);
		return;
	}

	printf("support access for %s: enabled\n", ctx->cfg.user);
	ctl_format_time(rec->enabled_wall, when);
	printf("enabled at: %s\n", when);
	ctl_format_time(rec->expires_wall, when);
	printf("expires at: %s\n", when);
	format_duration(rec->expires_boot - now, left);
	printf("remaining: %s\n", left);
	printf("certificate thumbprint: %s\n", rec->thumbprint);
	if (rec->max_logins == 0)
		printf("logins: %u (no limit)\n", (unsigned int)rec->logins);
	else
		printf("logins: %u of %u\n", (unsigned int)rec->logins,
		    (unsigned int)rec->max_logins);

	printf("consecutive failures: %u\n", (unsigned int)rec->failures);
	if (rec->locked_until_boot > now) {
		format_duration(rec->locked_until_boot - now, left);
		printf("locked: yes, for %s more\n", left);
	} else {
		printf("locked: no\n");
	}
}

static int
parse_status_args(int argc, char **argv, int *json)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*json = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "+:j", options, NULL)) != -1) {
		if (opt != 'j')
			return option_error(argv, "status", opt);
		*json = 1;
	}

	if (optind < argc)
		return ctl_usage_error("status: unexpected argument '%s'",
		    argv[optind]);
	return 0;
}

int
ctl_status(struct ctl *ctx, int argc, char **argv)
{
	struct es_error err = { "" };
	struct es_record rec;
	struct es_store st;
	int json, ret, enabled;
	int64_t now;

	if (parse_status_args(argc, argv, &json) != 0)
		return EXIT_USAGE;

	if (ctl_load_config(ctx) != 0 || open_store(ctx, &st) != 0)
		return EXIT_FAIL;

	ret = es_store_get(&st, &rec, NULL, &err);
	if (ret != 0 && ret != -ENOKEY) {
		ctl_error("%s", err.msg);
		return EXIT_FAIL;
	}

	now = es_now_boot();
	enabled = ret == 0 && rec.expires_boot > now;
	if (json)
		print_status_json(&rec, enabled, now);
	else
		print_status_text(ctx, &rec, enabled, now);

	OPENSSL_cleanse(&rec, sizeof(rec));
	return enabled ? EXIT_OK : EXIT_DISABLED;
}
